//! The `follows` table.

use plaza_storage::sqlx::{self, AssertSqlSafe};
use plaza_storage::{Db, Dialect, Tx, queue};
use plaza_types::jobs::Job;
use plaza_types::notification::{Event, Kind};
use plaza_types::{Id, IdGenerator, Page, now_millis};

/// The most people one user can follow.
pub const MAX_FOLLOWING: i64 = 1000;

/// What a follow attempt did.
#[derive(Debug, PartialEq, Eq)]
pub enum Followed {
    New,
    Already,
    LimitReached,
}

/// Locks the follower's row so that two follows at once cannot pass the limit together.
async fn lock_user(db: &Db, tx: &mut Tx, user: Id) -> Result<(), sqlx::Error> {
    if db.dialect == Dialect::MySql {
        sqlx::query("SELECT id FROM users WHERE id = ? FOR UPDATE")
            .bind(user.0)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Follows `followee`, within the limit, and queues the "new follower" notification, all in one
/// transaction.
pub async fn follow(
    db: &Db,
    ids: &IdGenerator,
    follower: Id,
    followee: Id,
) -> Result<Followed, sqlx::Error> {
    let now = now_millis();
    let mut tx = db.begin_write().await?;
    lock_user(db, &mut tx, follower).await?;
    if super::pair_exists(&mut *tx, EXISTS, follower, followee).await? {
        tx.commit().await?;
        return Ok(Followed::Already);
    }
    let count = super::count(
        &mut *tx,
        "SELECT COUNT(*) AS n FROM follows WHERE follower_id = ?",
        follower,
    )
    .await?;
    if count >= MAX_FOLLOWING {
        tx.commit().await?;
        return Ok(Followed::LimitReached);
    }
    let sql = format!(
        "{} INTO follows (id, region, follower_id, followee_id, created_at) VALUES (?, ?, ?, ?, ?)",
        db.dialect.insert_ignore()
    );
    let inserted = sqlx::query(AssertSqlSafe(sql))
        .bind(ids.next_id().0)
        .bind(i64::from(ids.region()))
        .bind(follower.0)
        .bind(followee.0)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected()
        == 1;
    if inserted {
        let event = Event {
            recipient_id: followee,
            kind: Kind::Follow,
            target_id: followee,
            actor_id: follower,
            // Unfollowing and following again does not notify twice.
            dedupe_key: format!("follow:{follower}:{followee}"),
            at: now,
        };
        queue::enqueue_new(&mut tx, ids, &Job::Notify(event)).await?;
    }
    tx.commit().await?;
    Ok(if inserted {
        Followed::New
    } else {
        Followed::Already
    })
}

/// Stops following; returns whether a follow was removed.
pub async fn unfollow<'e, E>(executor: E, follower: Id, followee: Id) -> Result<bool, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    super::delete_pair(
        executor,
        "DELETE FROM follows WHERE follower_id = ? AND followee_id = ?",
        follower,
        followee,
    )
    .await
}

/// Whether `follower` follows `followee`.
pub async fn exists(db: &Db, follower: Id, followee: Id) -> Result<bool, sqlx::Error> {
    super::pair_exists(&db.pool, EXISTS, follower, followee).await
}

const EXISTS: &str = "SELECT 1 AS x FROM follows WHERE follower_id = ? AND followee_id = ?";

/// Everyone `user` follows (at most [`MAX_FOLLOWING`]), for the activity feed.
pub async fn all_followees(db: &Db, user: Id) -> Result<Vec<Id>, sqlx::Error> {
    let sql = "SELECT followee_id FROM follows WHERE follower_id = ? LIMIT ?";
    super::linked_ids(db, sql, user, MAX_FOLLOWING).await
}

/// Following and follower counts.
pub async fn counts(db: &Db, user: Id) -> Result<(i64, i64), sqlx::Error> {
    let following = super::count(
        &db.pool,
        "SELECT COUNT(*) AS n FROM follows WHERE follower_id = ?",
        user,
    )
    .await?;
    let followers = super::count(
        &db.pool,
        "SELECT COUNT(*) AS n FROM follows WHERE followee_id = ?",
        user,
    )
    .await?;
    Ok((following, followers))
}

/// Which side of the graph to list.
#[derive(Debug, Clone, Copy)]
pub enum Direction {
    /// The people `user` follows.
    Following,
    /// The people who follow `user`.
    Followers,
}

/// One side of a user's graph, newest first (served by `follows_by_follower` / `_by_followee`).
pub async fn list(
    db: &Db,
    user: Id,
    direction: Direction,
    before: Option<i64>,
    limit: u32,
) -> Result<Page<Id>, sqlx::Error> {
    let columns = match direction {
        Direction::Following => ["follower_id", "followee_id"],
        Direction::Followers => ["followee_id", "follower_id"],
    };
    super::others(db, "follows", columns, user, before, limit).await
}
