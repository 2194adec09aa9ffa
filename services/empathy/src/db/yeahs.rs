//! The `yeahs` and `yeah_counts` tables. A Yeah row belongs to the giver's home region; the count
//! of a target is one row per (target, region), each changed only by its region, summed on read.

use crate::AppState;
use plaza_cache::versions::COMMUNITY_YEAHS;
use plaza_storage::sqlx::{self, AssertSqlSafe};
use plaza_storage::{CountRow, Db, IdCount, IdRow, Keyset, Tx, queue};
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
    let n: CountRow = sqlx::query_as(AssertSqlSafe(sql))
        .bind(kind.code())
        .bind(target.0)
        .fetch_one(executor)
        .await?;
    Ok(n.n.0)
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
        queue::enqueue_new(&mut tx, &state.ids, &Job::Notify(event)).await?;
    }
    let count = count_in(&state.db, &mut *tx, yeah.kind, yeah.target_id).await?;
    tx.commit().await?;
    if inserted {
        renew_community(state, yeah.community_id).await;
    }
    Ok(YeahOutcome {
        changed: inserted,
        count,
    })
}

/// Makes the cached pages of `community` stale after one of its Yeahs changed.
async fn renew_community(state: &AppState, community: Id) {
    COMMUNITY_YEAHS
        .renew_community(state.cache.as_ref(), community, &state.ids)
        .await;
}

/// Takes a Yeah back and uncounts it and, in the same transaction, queues taking it out of its
/// notification.
pub async fn take(state: &AppState, yeah: &TakeYeah) -> Result<YeahOutcome, sqlx::Error> {
    let mut tx = state.db.begin_write().await?;
    let community: Option<(i64,)> = sqlx::query_as(
        "SELECT community_id FROM yeahs WHERE target_kind = ? AND target_id = ? AND user_id = ?",
    )
    .bind(yeah.kind.code())
    .bind(yeah.target_id.0)
    .bind(yeah.user_id.0)
    .fetch_optional(&mut *tx)
    .await?;
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
                // A Yeah given again after this is newer, and stays however the jobs are ordered.
                at: Some(now_millis()),
            };
            queue::enqueue_new(&mut tx, &state.ids, &Job::WithdrawNotification(withdrawal)).await?;
        }
    }
    let count = count_in(&state.db, &mut *tx, yeah.kind, yeah.target_id).await?;
    tx.commit().await?;
    if let (true, Some((community,))) = (deleted, community) {
        renew_community(state, Id(community)).await;
    }
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
    let mut sql = plaza_storage::sql(&format!(
        "SELECT target_id AS id, {} AS n FROM yeah_counts WHERE target_kind = ",
        db.dialect.sum_int("n")
    ));
    sql.push_bind(kind.code()).push(" AND ");
    let counts: HashMap<i64, i64> =
        plaza_storage::by_ids::<IdCount>(db, sql, "target_id", targets, " GROUP BY target_id")
            .await?
            .into_iter()
            .map(|r| (r.id, r.n.0))
            .collect();
    let mut mine = HashSet::new();
    if let Some(viewer) = viewer {
        let mut sql = plaza_storage::sql("SELECT target_id AS id FROM yeahs WHERE target_kind = ");
        sql.push_bind(kind.code())
            .push(" AND user_id = ")
            .push_bind(viewer.0)
            .push(" AND ");
        let rows: Vec<IdRow> = plaza_storage::by_ids(db, sql, "target_id", targets, "").await?;
        mine.extend(rows.into_iter().map(|r| r.id));
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

/// A `yeahs` row of a list.
#[derive(Debug, sqlx::FromRow)]
struct EntryRow {
    id: i64,
    user_id: i64,
    target_id: i64,
    created_at: i64,
}

impl TryFrom<EntryRow> for YeahEntry {
    type Error = sqlx::Error;

    fn try_from(row: EntryRow) -> Result<Self, sqlx::Error> {
        Ok(YeahEntry {
            user_id: Id(row.user_id),
            target_id: Id(row.target_id),
            created_at: row.created_at,
        })
    }
}

const ENTRY_COLUMNS: &str = "SELECT id, user_id, target_id, created_at FROM yeahs WHERE ";

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
    let mut sql = plaza_storage::sql(ENTRY_COLUMNS);
    sql.push("target_kind = ")
        .push_bind(kind.code())
        .push(" AND target_id = ")
        .push_bind(target.0);
    plaza_storage::push_not_in(&mut sql, "user_id", exclude);
    Keyset::desc("id", before, limit)
        .fetch(db, sql, |r: &EntryRow| r.id)
        .await
}

/// What a user yeahed, newest first (served by `yeahs_by_user`).
pub async fn by_user(
    db: &Db,
    user: Id,
    kind: TargetKind,
    before: Option<i64>,
    limit: u32,
) -> Result<Page<YeahEntry>, sqlx::Error> {
    let mut sql = plaza_storage::sql(ENTRY_COLUMNS);
    sql.push("user_id = ")
        .push_bind(user.0)
        .push(" AND target_kind = ")
        .push_bind(kind.code());
    Keyset::desc("id", before, limit)
        .fetch(db, sql, |r: &EntryRow| r.id)
        .await
}

/// A community's posts ranked by Yeahs given since `since` (served by `yeahs_by_community`).
pub async fn popular(
    db: &Db,
    community: Id,
    since: i64,
    limit: u32,
) -> Result<Vec<Ranked>, sqlx::Error> {
    let rows: Vec<IdCount> = sqlx::query_as(
        "SELECT post_id AS id, COUNT(*) AS n FROM yeahs \
         WHERE community_id = ? AND created_at >= ? AND target_kind = ? \
         GROUP BY post_id ORDER BY n DESC, post_id DESC LIMIT ?",
    )
    .bind(community.0)
    .bind(since)
    .bind(TargetKind::Post.code())
    .bind(i64::from(limit))
    .fetch_all(&db.pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Ranked {
            post_id: Id(r.id),
            count: r.n.0,
        })
        .collect())
}

/// How many Yeahs one pass of [`erase_user`] handles.
const ERASE_BATCH: i64 = 500;

/// Erases a deleted account's Yeahs written in this region: those it gave (each uncounted), and
/// those on its erased posts and comments (with their count rows of this region). Rows of other
/// regions stay for them to delete. Running it again erases nothing more.
pub async fn erase_user(
    state: &AppState,
    user: Id,
    erase: &plaza_types::empathy::EraseYeahs,
) -> Result<u64, sqlx::Error> {
    let region = i64::from(state.config.region);
    let mut erased = 0;
    loop {
        let mut tx = state.db.begin_write().await?;
        let given: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT target_kind, target_id FROM yeahs WHERE user_id = ? AND region = ? LIMIT ?",
        )
        .bind(user.0)
        .bind(region)
        .bind(ERASE_BATCH)
        .fetch_all(&mut *tx)
        .await?;
        for (kind, target) in &given {
            let kind = if *kind == TargetKind::Comment.code() {
                TargetKind::Comment
            } else {
                TargetKind::Post
            };
            sqlx::query(
                "DELETE FROM yeahs WHERE target_kind = ? AND target_id = ? AND user_id = ?",
            )
            .bind(kind.code())
            .bind(*target)
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
            add_to_count(state, &mut tx, kind, Id(*target), -1).await?;
        }
        tx.commit().await?;
        erased += given.len() as u64;
        if (given.len() as i64) < ERASE_BATCH {
            break;
        }
    }
    let mut tx = state.db.begin_write().await?;
    for chunk in erase.post_ids.chunks(500) {
        for (column, kind) in [("post_id", None), ("target_id", Some(TargetKind::Post))] {
            let mut sql = plaza_storage::sql("DELETE FROM yeahs WHERE region = ");
            sql.push_bind(region);
            if let Some(kind) = kind {
                sql.push(" AND target_kind = ").push_bind(kind.code());
            }
            sql.push(format!(" AND {column} IN ("));
            let mut list = sql.separated(", ");
            for id in chunk {
                list.push_bind(id.0);
            }
            sql.push(")");
            erased += sql.build().execute(&mut *tx).await?.rows_affected();
        }
        delete_counts(&mut tx, region, TargetKind::Post, chunk).await?;
    }
    for chunk in erase.comment_ids.chunks(500) {
        let mut sql = plaza_storage::sql("DELETE FROM yeahs WHERE region = ");
        sql.push_bind(region)
            .push(" AND target_kind = ")
            .push_bind(TargetKind::Comment.code())
            .push(" AND target_id IN (");
        let mut list = sql.separated(", ");
        for id in chunk {
            list.push_bind(id.0);
        }
        sql.push(")");
        erased += sql.build().execute(&mut *tx).await?.rows_affected();
        delete_counts(&mut tx, region, TargetKind::Comment, chunk).await?;
    }
    tx.commit().await?;
    Ok(erased)
}

async fn delete_counts(
    tx: &mut Tx,
    region: i64,
    kind: TargetKind,
    targets: &[Id],
) -> Result<(), sqlx::Error> {
    let mut sql = plaza_storage::sql("DELETE FROM yeah_counts WHERE region = ");
    sql.push_bind(region)
        .push(" AND target_kind = ")
        .push_bind(kind.code())
        .push(" AND target_id IN (");
    let mut list = sql.separated(", ");
    for id in targets {
        list.push_bind(id.0);
    }
    sql.push(")");
    sql.build().execute(&mut **tx).await?;
    Ok(())
}
