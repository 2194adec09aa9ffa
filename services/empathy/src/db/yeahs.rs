//! The `yeahs` and `yeah_counts` tables. A Yeah row belongs to the giver's home region; the count
//! of a target is one row per (target, region), each changed only by its region, summed on read.

use crate::AppState;
use plaza_storage::sqlx::{self, AssertSqlSafe, Row};
use plaza_storage::{Db, Tx, placeholders, queue};
use plaza_types::empathy::{
    GiveYeah, Ranked, Summary, TakeYeah, TargetKind, YeahEntry, YeahOutcome,
};
use plaza_types::jobs::Job;
use plaza_types::notification::{Event, Kind, Withdrawal};
use plaza_types::{Id, Page, now_millis};
use std::collections::{HashMap, HashSet};

async fn add_to_count(
    state: &AppState,
    tx: &mut Tx,
    kind: TargetKind,
    target: Id,
    delta: i64,
) -> Result<(), sqlx::Error> {
    let sql = format!(
        "INSERT INTO yeah_counts (target_kind, target_id, region, n) VALUES (?, ?, ?, ?) {}",
        state
            .db
            .dialect
            .upsert_add("target_kind, target_id, region", "n")
    );
    sqlx::query(AssertSqlSafe(sql))
        .bind(kind.code())
        .bind(target.0)
        .bind(i64::from(state.config.region))
        .bind(delta)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn count_in<'e, E>(
    db: &Db,
    executor: E,
    kind: TargetKind,
    target: Id,
) -> Result<i64, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = format!(
        "SELECT {} AS n FROM yeah_counts WHERE target_kind = ? AND target_id = ?",
        db.dialect.sum_int("n")
    );
    sqlx::query(AssertSqlSafe(sql))
        .bind(kind.code())
        .bind(target.0)
        .fetch_one(executor)
        .await?
        .try_get("n")
}

/// The notification a Yeah on `kind` makes.
fn notification_kind(kind: TargetKind) -> Kind {
    match kind {
        TargetKind::Post => Kind::PostYeah,
        TargetKind::Comment => Kind::CommentYeah,
    }
}

/// Gives a Yeah; when it is new, counts it and queues the notification, all in one transaction.
pub async fn give(state: &AppState, yeah: &GiveYeah) -> Result<YeahOutcome, sqlx::Error> {
    let now = now_millis();
    let mut tx = state.db.begin_write().await?;
    let sql = format!(
        "{} INTO yeahs (id, region, target_kind, target_id, user_id, post_id, community_id, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        state.db.dialect.insert_ignore()
    );
    let inserted = sqlx::query(AssertSqlSafe(sql))
        .bind(state.ids.next_id().0)
        .bind(i64::from(state.config.region))
        .bind(yeah.kind.code())
        .bind(yeah.target_id.0)
        .bind(yeah.user_id.0)
        .bind(yeah.post_id.0)
        .bind(yeah.community_id.0)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected()
        == 1;
    if inserted {
        add_to_count(state, &mut tx, yeah.kind, yeah.target_id, 1).await?;
        let kind = notification_kind(yeah.kind);
        // The same giver, target and kind always make the same key, so a Yeah taken back and
        // given again does not notify twice.
        let event = Event {
            recipient_id: yeah.target_author_id,
            kind,
            target_id: yeah.target_id,
            actor_id: yeah.user_id,
            dedupe_key: format!(
                "yeah:{}:{}:{}",
                yeah.kind.code(),
                yeah.target_id,
                yeah.user_id
            ),
            at: now,
        };
        queue::enqueue(
            &mut tx,
            state.ids.next_id(),
            state.config.region,
            &Job::Notify(event),
        )
        .await?;
    }
    let count = count_in(&state.db, &mut *tx, yeah.kind, yeah.target_id).await?;
    tx.commit().await?;
    Ok(YeahOutcome {
        changed: inserted,
        count,
    })
}

/// Takes a Yeah back and uncounts it and, in the same transaction, queues taking it out of its
/// notification.
pub async fn take(state: &AppState, yeah: &TakeYeah) -> Result<YeahOutcome, sqlx::Error> {
    let mut tx = state.db.begin_write().await?;
    let deleted =
        sqlx::query("DELETE FROM yeahs WHERE target_kind = ? AND target_id = ? AND user_id = ?")
            .bind(yeah.kind.code())
            .bind(yeah.target_id.0)
            .bind(yeah.user_id.0)
            .execute(&mut *tx)
            .await?
            .rows_affected()
            == 1;
    if deleted {
        add_to_count(state, &mut tx, yeah.kind, yeah.target_id, -1).await?;
        if let Some(author) = yeah.target_author_id {
            let withdrawal = Withdrawal {
                recipient_id: author,
                kind: Some(notification_kind(yeah.kind)),
                target_id: Some(yeah.target_id),
                actor_id: Some(yeah.user_id),
            };
            queue::enqueue(
                &mut tx,
                state.ids.next_id(),
                state.config.region,
                &Job::WithdrawNotification(withdrawal),
            )
            .await?;
        }
    }
    let count = count_in(&state.db, &mut *tx, yeah.kind, yeah.target_id).await?;
    tx.commit().await?;
    Ok(YeahOutcome {
        changed: deleted,
        count,
    })
}

/// Counts for a batch of targets and which of them the viewer yeahed: two indexed queries.
pub async fn summaries(
    db: &Db,
    kind: TargetKind,
    targets: &[Id],
    viewer: Option<Id>,
) -> Result<Vec<Summary>, sqlx::Error> {
    if targets.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT target_id, {} AS n FROM yeah_counts WHERE target_kind = ? AND target_id IN ({}) \
         GROUP BY target_id",
        db.dialect.sum_int("n"),
        placeholders(targets.len())
    );
    let mut q = sqlx::query(AssertSqlSafe(sql)).bind(kind.code());
    for t in targets {
        q = q.bind(t.0);
    }
    let mut counts = HashMap::new();
    for row in q.fetch_all(&db.pool).await? {
        counts.insert(
            row.try_get::<i64, _>("target_id")?,
            row.try_get::<i64, _>("n")?,
        );
    }
    let mut mine = HashSet::new();
    if let Some(viewer) = viewer {
        let sql = format!(
            "SELECT target_id FROM yeahs WHERE target_kind = ? AND user_id = ? AND target_id IN ({})",
            placeholders(targets.len())
        );
        let mut q = sqlx::query(AssertSqlSafe(sql))
            .bind(kind.code())
            .bind(viewer.0);
        for t in targets {
            q = q.bind(t.0);
        }
        for row in q.fetch_all(&db.pool).await? {
            mine.insert(row.try_get::<i64, _>("target_id")?);
        }
    }
    Ok(targets
        .iter()
        .map(|t| Summary {
            target_id: *t,
            count: counts.get(&t.0).copied().unwrap_or(0),
            yeahed_by_viewer: mine.contains(&t.0),
        })
        .collect())
}

fn entry(row: &sqlx::any::AnyRow) -> Result<(i64, YeahEntry), sqlx::Error> {
    Ok((
        row.try_get("id")?,
        YeahEntry {
            user_id: Id(row.try_get("user_id")?),
            target_id: Id(row.try_get("target_id")?),
            created_at: row.try_get("created_at")?,
        },
    ))
}

/// Who yeahed a target, newest first, without the givers in `exclude` (served by
/// `yeahs_by_target`).
pub async fn by_target(
    db: &Db,
    kind: TargetKind,
    target: Id,
    exclude: &[Id],
    before: Option<i64>,
    limit: u32,
) -> Result<Page<YeahEntry>, sqlx::Error> {
    let mut sql = String::from(
        "SELECT id, user_id, target_id, created_at FROM yeahs \
         WHERE target_kind = ? AND target_id = ? AND id < ?",
    );
    if !exclude.is_empty() {
        sql.push_str(&format!(
            " AND user_id NOT IN ({})",
            placeholders(exclude.len())
        ));
    }
    sql.push_str(" ORDER BY id DESC LIMIT ?");
    let mut q = sqlx::query(AssertSqlSafe(sql))
        .bind(kind.code())
        .bind(target.0)
        .bind(before.unwrap_or(i64::MAX));
    for user in exclude {
        q = q.bind(user.0);
    }
    let rows = q.bind(i64::from(limit) + 1).fetch_all(&db.pool).await?;
    let rows = rows.iter().map(entry).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch_keyed(rows, limit))
}

/// What a user yeahed, newest first (served by `yeahs_by_user`).
pub async fn by_user(
    db: &Db,
    user: Id,
    kind: TargetKind,
    before: Option<i64>,
    limit: u32,
) -> Result<Page<YeahEntry>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, user_id, target_id, created_at FROM yeahs \
         WHERE user_id = ? AND target_kind = ? AND id < ? ORDER BY id DESC LIMIT ?",
    )
    .bind(user.0)
    .bind(kind.code())
    .bind(before.unwrap_or(i64::MAX))
    .bind(i64::from(limit) + 1)
    .fetch_all(&db.pool)
    .await?;
    let rows = rows.iter().map(entry).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch_keyed(rows, limit))
}

/// A community's posts ranked by Yeahs given since `since` (served by `yeahs_by_community`).
pub async fn popular(
    db: &Db,
    community: Id,
    since: i64,
    limit: u32,
) -> Result<Vec<Ranked>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT post_id, COUNT(*) AS n FROM yeahs \
         WHERE community_id = ? AND created_at >= ? AND target_kind = ? \
         GROUP BY post_id ORDER BY n DESC, post_id DESC LIMIT ?",
    )
    .bind(community.0)
    .bind(since)
    .bind(TargetKind::Post.code())
    .bind(i64::from(limit))
    .fetch_all(&db.pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Ranked {
                post_id: Id(r.try_get("post_id")?),
                count: r.try_get("n")?,
            })
        })
        .collect()
}
