//! The `blocks` table. A block also ends any follow between the two and queues taking each out
//! of the other's notifications, in the same transaction.

use plaza_storage::sqlx::{self, AssertSqlSafe};
use plaza_storage::{Db, queue};
use plaza_types::jobs::Job;
use plaza_types::notification::Withdrawal;
use plaza_types::{Id, IdGenerator, now_millis};

/// The most people one user can block.
pub const MAX_BLOCKS: i64 = 1000;

/// What a block attempt did.
#[derive(Debug, PartialEq, Eq)]
pub enum Blocked {
    New,
    Already,
    LimitReached,
}

/// Blocks `blocked` and removes follows both ways.
pub async fn block(
    db: &Db,
    ids: &IdGenerator,
    blocker: Id,
    blocked: Id,
) -> Result<Blocked, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let count = super::count(
        &mut *tx,
        "SELECT COUNT(*) AS n FROM blocks WHERE blocker_id = ?",
        blocker,
    )
    .await?;
    let sql = format!(
        "{} INTO blocks (id, region, blocker_id, blocked_id, created_at) VALUES (?, ?, ?, ?, ?)",
        db.dialect.insert_ignore()
    );
    if count >= MAX_BLOCKS {
        tx.commit().await?;
        return Ok(Blocked::LimitReached);
    }
    let inserted = sqlx::query(AssertSqlSafe(sql))
        .bind(ids.next_id().0)
        .bind(i64::from(ids.region()))
        .bind(blocker.0)
        .bind(blocked.0)
        .bind(now_millis())
        .execute(&mut *tx)
        .await?
        .rows_affected()
        == 1;
    super::follows::unfollow(&mut *tx, blocker, blocked).await?;
    super::follows::unfollow(&mut *tx, blocked, blocker).await?;
    if inserted {
        // What either did before the block leaves the other's notifications.
        for (recipient, actor) in [(blocker, blocked), (blocked, blocker)] {
            let withdrawal = Withdrawal {
                recipient_id: recipient,
                kind: None,
                target_id: None,
                actor_id: Some(actor),
                at: None,
            };
            let job = Job::WithdrawNotification(withdrawal);
            queue::enqueue_new(&mut tx, ids, &job).await?;
        }
    }
    tx.commit().await?;
    Ok(if inserted {
        Blocked::New
    } else {
        Blocked::Already
    })
}

/// Lifts a block.
pub async fn unblock(db: &Db, blocker: Id, blocked: Id) -> Result<bool, sqlx::Error> {
    super::delete_pair(
        db.writer(),
        "DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?",
        blocker,
        blocked,
    )
    .await
}

/// Whether either of the two blocks the other.
pub async fn between(db: &Db, a: Id, b: Id) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "SELECT 1 AS x FROM blocks WHERE (blocker_id = ? AND blocked_id = ?) OR (blocker_id = ? AND blocked_id = ?)",
    )
    .bind(a.0)
    .bind(b.0)
    .bind(b.0)
    .bind(a.0)
    .fetch_optional(&db.pool)
    .await?
    .is_some())
}

/// Whether `blocker` blocks `blocked`.
pub async fn exists(db: &Db, blocker: Id, blocked: Id) -> Result<bool, sqlx::Error> {
    super::pair_exists(
        &db.pool,
        "SELECT 1 AS x FROM blocks WHERE blocker_id = ? AND blocked_id = ?",
        blocker,
        blocked,
    )
    .await
}

/// Everyone `user` blocks or is blocked by, for hiding posts from feeds. Each side is bounded:
/// a user blocks at most [`MAX_BLOCKS`] people, and at most that many blockers are read.
pub async fn hidden_from(db: &Db, user: Id) -> Result<Vec<Id>, sqlx::Error> {
    let mut ids: Vec<i64> =
        sqlx::query_scalar("SELECT blocked_id FROM blocks WHERE blocker_id = ? LIMIT ?")
            .bind(user.0)
            .bind(MAX_BLOCKS)
            .fetch_all(&db.pool)
            .await?;
    let blockers: Vec<i64> = sqlx::query_scalar(
        "SELECT blocker_id FROM blocks WHERE blocked_id = ? ORDER BY id DESC LIMIT ?",
    )
    .bind(user.0)
    .bind(MAX_BLOCKS)
    .fetch_all(&db.pool)
    .await?;
    ids.extend(blockers);
    ids.sort_unstable();
    ids.dedup();
    Ok(ids.into_iter().map(Id).collect())
}
