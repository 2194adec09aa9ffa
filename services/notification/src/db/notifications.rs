//! Grouped notifications. An event joins the newest group of the same recipient, kind and target
//! made within [`GROUP_WINDOW_MS`]; otherwise it opens a new group. Each group keeps its two most
//! recent actors and a count, and a `sort_id` that moves it to the top when it grows.

use crate::AppState;
use plaza_storage::sqlx::{self, AssertSqlSafe, Row};
use plaza_storage::{Db, Tx};
use plaza_types::notification::{Event, Group, Kind};
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
    if !fresh {
        tx.commit().await?;
        return Ok(false);
    }
    let open = sqlx::query(
        "SELECT id, latest_actor_id FROM notification_groups \
         WHERE recipient_id = ? AND kind = ? AND target_id = ? AND created_at >= ? \
         ORDER BY created_at DESC LIMIT 1",
    )
    .bind(event.recipient_id.0)
    .bind(event.kind.code())
    .bind(event.target_id.0)
    .bind(now - GROUP_WINDOW_MS)
    .fetch_optional(&mut *tx)
    .await?;
    match open {
        Some(row) => {
            let group_id: i64 = row.try_get("id")?;
            let latest: i64 = row.try_get("latest_actor_id")?;
            let new_actor = insert_ignore(
                state,
                &mut tx,
                "INTO notification_actors (group_id, actor_id, created_at) VALUES (?, ?, ?)",
                &[group_id, event.actor_id.0, now],
                None,
            )
            .await?;
            let (previous_sql, count_sql) = match (latest == event.actor_id.0, new_actor) {
                (true, _) => ("previous_actor_id", "actor_count"),
                (false, true) => ("latest_actor_id", "actor_count + 1"),
                (false, false) => ("latest_actor_id", "actor_count"),
            };
            let sql = format!(
                "UPDATE notification_groups SET previous_actor_id = {previous_sql}, \
                 latest_actor_id = ?, actor_count = {count_sql}, sort_id = ?, read_at = NULL, \
                 updated_at = ? WHERE id = ?"
            );
            sqlx::query(AssertSqlSafe(sql))
                .bind(event.actor_id.0)
                .bind(state.ids.next_id().0)
                .bind(now)
                .bind(group_id)
                .execute(&mut *tx)
                .await?;
        }
        None => {
            let group_id = state.ids.next_id();
            sqlx::query(
                "INSERT INTO notification_groups (id, region, recipient_id, kind, target_id, \
                 actor_count, latest_actor_id, previous_actor_id, sort_id, read_at, created_at, \
                 updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, NULL, ?, NULL, ?, ?)",
            )
            .bind(group_id.0)
            .bind(region)
            .bind(event.recipient_id.0)
            .bind(event.kind.code())
            .bind(event.target_id.0)
            .bind(event.actor_id.0)
            .bind(state.ids.next_id().0)
            .bind(now)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO notification_actors (group_id, actor_id, created_at) VALUES (?, ?, ?)",
            )
            .bind(group_id.0)
            .bind(event.actor_id.0)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(true)
}

/// A recipient's groups, most recently active first (served by `notification_groups_by_recipient`).
pub async fn list(
    db: &Db,
    recipient: Id,
    before: Option<i64>,
    limit: u32,
) -> Result<Page<Group>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, kind, target_id, actor_count, latest_actor_id, previous_actor_id, sort_id, \
         read_at, updated_at FROM notification_groups \
         WHERE recipient_id = ? AND sort_id < ? ORDER BY sort_id DESC LIMIT ?",
    )
    .bind(recipient.0)
    .bind(before.unwrap_or(i64::MAX))
    .bind(i64::from(limit) + 1)
    .fetch_all(&db.pool)
    .await?;
    let mut keyed = Vec::with_capacity(rows.len());
    for row in &rows {
        let Some(kind) = Kind::from_code(row.try_get("kind")?) else {
            continue;
        };
        let latest: i64 = row.try_get("latest_actor_id")?;
        let previous: Option<i64> = row.try_get("previous_actor_id")?;
        let read_at: Option<i64> = row.try_get("read_at")?;
        keyed.push((
            row.try_get::<i64, _>("sort_id")?,
            Group {
                id: Id(row.try_get("id")?),
                kind,
                target_id: Id(row.try_get("target_id")?),
                latest_actor_ids: std::iter::once(Id(latest))
                    .chain(previous.filter(|p| *p != latest).map(Id))
                    .collect(),
                actor_count: row.try_get("actor_count")?,
                read: read_at.is_some(),
                updated_at: row.try_get("updated_at")?,
            },
        ));
    }
    Ok(Page::from_overfetch_keyed(keyed, limit))
}

/// Unread groups of a recipient (served by `notification_groups_unread`).
pub async fn unread(db: &Db, recipient: Id) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "SELECT COUNT(*) AS n FROM notification_groups WHERE recipient_id = ? AND read_at IS NULL",
    )
    .bind(recipient.0)
    .fetch_one(&db.pool)
    .await?
    .try_get("n")
}

/// Marks all of a recipient's groups read.
pub async fn mark_read(db: &Db, recipient: Id) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE notification_groups SET read_at = ? WHERE recipient_id = ? AND read_at IS NULL",
    )
    .bind(now_millis())
    .bind(recipient.0)
    .execute(&db.pool)
    .await?;
    Ok(())
}
