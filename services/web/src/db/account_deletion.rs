//! Deleting an account from the web service's tables, in one transaction with the jobs that
//! erase the rest.

use plaza_storage::{Db, queue, sqlx};
use plaza_types::jobs::{EraseAccount, Job, PurgeMedia};
use plaza_types::{Id, IdGenerator, Millis};

/// The web service's rows of `user` written in `region`, with the statement that deletes them:
/// (table, condition). Rows another region wrote (a follow by one of its accounts) stay for that
/// region (ARCHITECTURE §3); they name an account that no longer exists and are not shown.
const OWN_ROWS: [(&str, &str); 12] = [
    ("sessions", "user_id = ?"),
    ("console_links", "user_id = ?"),
    ("game_link_codes", "user_id = ?"),
    ("game_tokens", "user_id = ?"),
    // The audit log keeps what was decided; the account's suspension rows go with it.
    ("suspensions", "user_id = ?"),
    ("favourites", "user_id = ?"),
    ("follows", "(follower_id = ? OR followee_id = ?)"),
    ("blocks", "(blocker_id = ? OR blocked_id = ?)"),
    ("idempotency_keys", "user_id = ?"),
    ("moderators", "user_id = ?"),
    ("reports", "(reporter_id = ? OR target_author_id = ?)"),
    ("users", "id = ?"),
];

/// Deletes `user` (and, in the same transaction, queues [`Job::EraseAccount`] now and
/// [`Job::PurgeMedia`] for `media` at `purge_at`). Returns whether the account existed.
pub async fn delete(
    db: &Db,
    ids: &IdGenerator,
    user: Id,
    erase: EraseAccount,
    media: Vec<String>,
    purge_at: Millis,
) -> Result<bool, sqlx::Error> {
    let region = i64::from(ids.region());
    let mut tx = db.begin_write().await?;
    let mut existed = false;
    for (table, condition) in OWN_ROWS {
        let binds = condition.matches('?').count();
        let sql = format!("DELETE FROM {table} WHERE {condition} AND region = ?");
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for _ in 0..binds {
            query = query.bind(user.0);
        }
        query = query.bind(region);
        let n = query.execute(&mut *tx).await?.rows_affected();
        if table == "users" {
            existed = n == 1;
        }
    }
    if existed {
        queue::enqueue(
            &mut tx,
            ids.next_id(),
            ids.region(),
            &Job::EraseAccount(erase),
        )
        .await?;
        if !media.is_empty() {
            let job = Job::PurgeMedia(PurgeMedia { keys: media });
            queue::enqueue_at(&mut tx, ids.next_id(), ids.region(), &job, purge_at).await?;
        }
    }
    super::sessions::commit(tx).await?;
    Ok(existed)
}
