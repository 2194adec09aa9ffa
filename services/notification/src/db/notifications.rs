//! Grouped notifications. An event joins the newest group of the same recipient, kind and target
//! made within [`GROUP_WINDOW_MS`]; otherwise it opens a new group. Each group keeps its two most
//! recent actors and a count, and a `sort_id` that moves it to the top when it grows.

use crate::AppState;
use plaza_storage::sqlx::{self, AssertSqlSafe};
use plaza_storage::{Count, CountRow, Db, Keyset, Tx};
use plaza_types::notification::{Event, Group, Kind, Withdrawal};
use plaza_types::{Id, Page, now_millis};

/// Events within a day of a group's start join it.
pub const GROUP_WINDOW_MS: i64 = 24 * 3600 * 1000;

async fn insert_ignore(
    state: &AppState,
    tx: &mut Tx,
    sql_tail: &str,
    binds: &[i64],
    key: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let sql = format!("{} {sql_tail}", state.db.dialect.insert_ignore());
    let mut q = sqlx::query(AssertSqlSafe(sql));
    if let Some(key) = key {
        q = q.bind(key.to_owned());
    }
    for b in binds {
        q = q.bind(*b);
    }
    Ok(q.execute(&mut **tx).await?.rows_affected() == 1)
}

/// Records an event. Returns false when its dedupe key was seen before.
pub async fn deliver(state: &AppState, event: &Event) -> Result<bool, sqlx::Error> {
    let now = now_millis();
    let region = i64::from(state.config.region);
    let mut tx = state.db.begin_write().await?;
    let fresh = insert_ignore(
        state,
        &mut tx,
        "INTO notification_dedupe (dedupe_key, region, created_at) VALUES (?, ?, ?)",
        &[region, now],
        Some(&event.dedupe_key),
    )
    .await?;
    // A key seen before is a job run again, or an action redone after it was withdrawn (a Yeah
    // given, taken back and given again): the second comes back quietly, already read, so that
    // toggling never notifies twice.
    let quiet = !fresh;
    if quiet && actor_present(&mut tx, event).await? {
        // The actor is still there: the withdrawal of their earlier action may not have run
        // yet. Their action now dates from this event, so that withdrawal, older, leaves it.
        touch_actor(&mut tx, event, event.at.min(now)).await?;
        tx.commit().await?;
        return Ok(false);
    }
    join_group(state, &mut tx, event, now, quiet).await?;
    tx.commit().await?;
    Ok(!quiet)
}

/// Whether the event's actor is already in a group of its recipient, kind and target.
async fn actor_present(tx: &mut Tx, event: &Event) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "SELECT 1 AS x FROM notification_groups g JOIN notification_actors a ON a.group_id = g.id \
         WHERE g.recipient_id = ? AND g.kind = ? AND g.target_id = ? AND a.actor_id = ? LIMIT 1",
    )
    .bind(event.recipient_id.0)
    .bind(event.kind.code())
    .bind(event.target_id.0)
    .bind(event.actor_id.0)
    .fetch_optional(&mut **tx)
    .await?
    .is_some())
}

/// Moves the time of the event's actor's action in its recipient's groups of that kind and
/// target forward to `at` (never back).
async fn touch_actor(tx: &mut Tx, event: &Event, at: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE notification_actors SET created_at = ? WHERE actor_id = ? AND created_at < ? \
         AND group_id IN (SELECT g.id FROM notification_groups g \
         WHERE g.recipient_id = ? AND g.kind = ? AND g.target_id = ?)",
    )
    .bind(at)
    .bind(event.actor_id.0)
    .bind(at)
    .bind(event.recipient_id.0)
    .bind(event.kind.code())
    .bind(event.target_id.0)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The group an event may join.
#[derive(Debug, sqlx::FromRow)]
struct OpenGroup {
    id: i64,
}

/// Adds the event's actor to the open group, or opens one. A quiet join neither moves the group
/// up nor marks it unread.
async fn join_group(
    state: &AppState,
    tx: &mut Tx,
    event: &Event,
    now: i64,
    quiet: bool,
) -> Result<(), sqlx::Error> {
    let region = i64::from(state.config.region);
    // Locked until the transaction ends: two workers delivering to one group at once would
    // otherwise both decide from the same latest actor and one would overwrite the other's names.
    let sql = format!(
        "SELECT id FROM notification_groups \
         WHERE recipient_id = ? AND kind = ? AND target_id = ? AND created_at >= ? \
         ORDER BY created_at DESC LIMIT 1{}",
        state.db.lock_clause()
    );
    let open: Option<OpenGroup> = sqlx::query_as(AssertSqlSafe(sql))
        .bind(event.recipient_id.0)
        .bind(event.kind.code())
        .bind(event.target_id.0)
        .bind(now - GROUP_WINDOW_MS)
        .fetch_optional(&mut **tx)
        .await?;
    // Jobs may deliver a thread's events out of order: the names follow when each action
    // happened, not when its event arrived.
    let at = event.at.min(now);
    match open {
        Some(OpenGroup { id: group_id }) => {
            let new_actor = insert_ignore(
                state,
                tx,
                "INTO notification_actors (group_id, actor_id, created_at) VALUES (?, ?, ?)",
                &[group_id, event.actor_id.0, at],
                None,
            )
            .await?;
            if !new_actor {
                sqlx::query(
                    "UPDATE notification_actors SET created_at = ? \
                     WHERE group_id = ? AND actor_id = ? AND created_at < ?",
                )
                .bind(at)
                .bind(group_id)
                .bind(event.actor_id.0)
                .bind(at)
                .execute(&mut **tx)
                .await?;
            }
            let named = two_most_recent_actors(tx, group_id).await?;
            // A quiet join keeps the group's place and read state.
            let moved = if quiet {
                ""
            } else {
                ", sort_id = ?, read_at = NULL, updated_at = ?"
            };
            let sql = format!(
                "UPDATE notification_groups SET latest_actor_id = ?, previous_actor_id = ?, \
                 actor_count = actor_count + ?{moved} WHERE id = ?"
            );
            let mut q = sqlx::query(AssertSqlSafe(sql))
                .bind(named.first().copied().unwrap_or(event.actor_id.0))
                .bind(named.get(1).copied())
                .bind(i64::from(new_actor));
            if !quiet {
                q = q.bind(state.ids.next_id().0).bind(now);
            }
            q.bind(group_id).execute(&mut **tx).await?;
        }
        None => {
            let group_id = state.ids.next_id();
            sqlx::query(
                "INSERT INTO notification_groups (id, region, recipient_id, kind, target_id, \
                 actor_count, latest_actor_id, previous_actor_id, sort_id, read_at, created_at, \
                 updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, NULL, ?, ?, ?, ?)",
            )
            .bind(group_id.0)
            .bind(region)
            .bind(event.recipient_id.0)
            .bind(event.kind.code())
            .bind(event.target_id.0)
            .bind(event.actor_id.0)
            .bind(state.ids.next_id().0)
            .bind(quiet.then_some(now))
            .bind(now)
            .bind(now)
            .execute(&mut **tx)
            .await?;
            sqlx::query(
                "INSERT INTO notification_actors (group_id, actor_id, created_at) VALUES (?, ?, ?)",
            )
            .bind(group_id.0)
            .bind(event.actor_id.0)
            .bind(at)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// The two actors a group names: those who acted last, newest first.
async fn two_most_recent_actors(tx: &mut Tx, group: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT actor_id FROM notification_actors WHERE group_id = ? \
         ORDER BY created_at DESC, actor_id DESC LIMIT 2",
    )
    .bind(group)
    .fetch_all(&mut **tx)
    .await
}

/// Groups one withdrawal looks at in one pass.
const WITHDRAW_BATCH: u32 = 500;

/// A group a withdrawal matches, with the actors it names.
#[derive(Debug, sqlx::FromRow)]
struct NamedGroup {
    id: i64,
    latest_actor_id: i64,
    previous_actor_id: Option<i64>,
}

/// Takes an actor out of a recipient's matching groups (or removes the groups when no actor is
/// named) in one transaction; a group left without actors is deleted, and one that lost a named
/// actor names the next most recent ones. A withdrawal with a time leaves groups where the
/// actor's action is as new or newer (it was redone). Returns whether anything changed.
pub async fn withdraw(db: &Db, w: &Withdrawal) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let mut changed = false;
    loop {
        let mut sql = plaza_storage::sql(
            "SELECT g.id, g.latest_actor_id, g.previous_actor_id FROM notification_groups g \
             WHERE g.recipient_id = ",
        );
        sql.push_bind(w.recipient_id.0);
        if let Some(kind) = w.kind {
            sql.push(" AND g.kind = ").push_bind(kind.code());
        }
        if let Some(target) = w.target_id {
            sql.push(" AND g.target_id = ").push_bind(target.0);
        }
        if let Some(actor) = w.actor_id {
            sql.push(
                " AND EXISTS (SELECT 1 FROM notification_actors a \
                 WHERE a.group_id = g.id AND a.actor_id = ",
            )
            .push_bind(actor.0);
            // Only an action older than its withdrawal: one redone since stays.
            if let Some(at) = w.at {
                sql.push(" AND a.created_at < ").push_bind(at);
            }
            sql.push(")");
        }
        sql.push(" LIMIT ")
            .push_bind(i64::from(WITHDRAW_BATCH))
            .push(db.lock_clause());
        let groups: Vec<NamedGroup> = sql.build_query_as().fetch_all(&mut *tx).await?;
        for group in &groups {
            match w.actor_id {
                Some(actor) => {
                    let shown = [Some(group.latest_actor_id), group.previous_actor_id];
                    remove_actor(&mut tx, group.id, actor.0, shown).await?;
                }
                None => delete_group(&mut tx, group.id).await?,
            }
        }
        changed |= !groups.is_empty();
        // Every group handled no longer matches, so the next pass sees only the rest.
        if groups.len() < WITHDRAW_BATCH as usize {
            break;
        }
    }
    tx.commit().await?;
    Ok(changed)
}

/// Deletes the groups about any of `targets` (posts and comments that no longer exist) in one
/// transaction; returns their recipients, whose unread counts change.
pub async fn erase_targets(db: &Db, targets: &[Id]) -> Result<Vec<Id>, sqlx::Error> {
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let mut tx = db.begin_write().await?;
    let mut sql = plaza_storage::sql("SELECT id, recipient_id FROM notification_groups WHERE ");
    plaza_storage::push_in(&mut sql, "target_id", targets.iter().map(|t| t.0));
    sql.push(" AND ");
    plaza_storage::push_in(&mut sql, "kind", Kind::ABOUT_CONTENT.map(Kind::code));
    sql.push(db.lock_clause());
    let groups: Vec<(i64, i64)> = sql.build_query_as().fetch_all(&mut *tx).await?;
    for (group, _) in &groups {
        delete_group(&mut tx, *group).await?;
    }
    tx.commit().await?;
    let mut recipients: Vec<Id> = groups.into_iter().map(|(_, r)| Id(r)).collect();
    recipients.sort_unstable();
    recipients.dedup();
    Ok(recipients)
}

async fn delete_group(tx: &mut Tx, group: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM notification_actors WHERE group_id = ?")
        .bind(group)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM notification_groups WHERE id = ?")
        .bind(group)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn remove_actor(
    tx: &mut Tx,
    group: i64,
    actor: i64,
    shown: [Option<i64>; 2],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM notification_actors WHERE group_id = ? AND actor_id = ?")
        .bind(group)
        .bind(actor)
        .execute(&mut **tx)
        .await?;
    let left: CountRow =
        sqlx::query_as("SELECT COUNT(*) AS n FROM notification_actors WHERE group_id = ?")
            .bind(group)
            .fetch_one(&mut **tx)
            .await?;
    let left = left.n.0;
    if left == 0 {
        return delete_group(tx, group).await;
    }
    if !shown.contains(&Some(actor)) {
        sqlx::query("UPDATE notification_groups SET actor_count = ? WHERE id = ?")
            .bind(left)
            .bind(group)
            .execute(&mut **tx)
            .await?;
        return Ok(());
    }
    // One of the two named actors left: name the two most recent that remain.
    let named = two_most_recent_actors(tx, group).await?;
    sqlx::query(
        "UPDATE notification_groups SET actor_count = ?, latest_actor_id = ?, \
         previous_actor_id = ? WHERE id = ?",
    )
    .bind(left)
    .bind(named.first().copied().unwrap_or(actor))
    .bind(named.get(1).copied())
    .bind(group)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A `notification_groups` row of a recipient's list.
#[derive(Debug, sqlx::FromRow)]
struct GroupRow {
    id: i64,
    kind: i64,
    target_id: i64,
    #[sqlx(try_from = "i64")]
    actor_count: Count,
    latest_actor_id: i64,
    previous_actor_id: Option<i64>,
    sort_id: i64,
    read_at: Option<i64>,
    updated_at: i64,
}

/// A group of a kind this release does not know (written by a newer one) becomes `None`.
impl TryFrom<GroupRow> for Option<Group> {
    type Error = sqlx::Error;

    fn try_from(row: GroupRow) -> Result<Self, sqlx::Error> {
        let latest = row.latest_actor_id;
        Ok(Kind::from_code(row.kind).map(|kind| Group {
            id: Id(row.id),
            kind,
            target_id: Id(row.target_id),
            latest_actor_ids: std::iter::once(Id(latest))
                .chain(row.previous_actor_id.filter(|p| *p != latest).map(Id))
                .collect(),
            actor_count: row.actor_count.0,
            read: row.read_at.is_some(),
            updated_at: row.updated_at,
        }))
    }
}

/// A recipient's groups, most recently active first (served by `notification_groups_by_recipient`).
pub async fn list(
    db: &Db,
    recipient: Id,
    before: Option<i64>,
    limit: u32,
) -> Result<Page<Group>, sqlx::Error> {
    let mut sql = plaza_storage::sql(
        "SELECT id, kind, target_id, actor_count, latest_actor_id, previous_actor_id, sort_id, \
         read_at, updated_at FROM notification_groups WHERE recipient_id = ",
    );
    sql.push_bind(recipient.0);
    let page = Keyset::desc("sort_id", before, limit)
        .fetch::<_, Option<Group>>(db, sql, |r: &GroupRow| r.sort_id)
        .await?;
    Ok(Page {
        items: page.items.into_iter().flatten().collect(),
        next_cursor: page.next_cursor,
    })
}

/// Unread groups of a recipient (served by `notification_groups_unread`).
pub async fn unread(db: &Db, recipient: Id) -> Result<i64, sqlx::Error> {
    let unread: CountRow = sqlx::query_as(
        "SELECT COUNT(*) AS n FROM notification_groups WHERE recipient_id = ? AND read_at IS NULL",
    )
    .bind(recipient.0)
    .fetch_one(&db.pool)
    .await?;
    Ok(unread.n.0)
}

/// Marks all of a recipient's groups read.
pub async fn mark_read(db: &Db, recipient: Id) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE notification_groups SET read_at = ? WHERE recipient_id = ? AND read_at IS NULL",
    )
    .bind(now_millis())
    .bind(recipient.0)
    .execute(db.writer())
    .await?;
    Ok(())
}

/// The recipients (at most `limit`) of this region's notification groups that name `actor`.
pub async fn recipients_naming(
    db: &Db,
    actor: Id,
    region: u8,
    limit: u32,
) -> Result<Vec<Id>, sqlx::Error> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT g.recipient_id FROM notification_groups g \
         JOIN notification_actors a ON a.group_id = g.id \
         WHERE a.actor_id = ? AND g.region = ? LIMIT ?",
    )
    .bind(actor.0)
    .bind(i64::from(region))
    .bind(i64::from(limit))
    .fetch_all(&db.pool)
    .await?;
    Ok(ids.into_iter().map(Id).collect())
}
