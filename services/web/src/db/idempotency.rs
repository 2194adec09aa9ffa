//! The `idempotency_keys` table: the first answer to each write an account sent with an
//! `Idempotency-Key`, so that a retry is answered from here instead of writing again.

use plaza_storage::Db;
use plaza_storage::sqlx;
use plaza_types::{Id, now_millis};

/// How long a key is kept: at least the 24 hours promised to clients.
pub const KEEP_MS: i64 = 48 * 3_600_000;
/// A key whose first request has not answered after this long is taken over by a retry: the
/// process that ran it died. Longer than any request may take (the request time limit).
pub const ABANDONED_MS: i64 = 60_000;

/// What claiming a key found.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// A new key (or an abandoned one): the request runs, and its answer is stored.
    New,
    /// The request already ran: its answer.
    Done {
        status: u16,
        content_type: String,
        body: Vec<u8>,
    },
    /// The first request with this key is still running.
    Running,
    /// The key was used for a different request.
    OtherRequest,
}

/// A stored key: the request it was first used for and, once answered, the answer.
#[derive(Debug, sqlx::FromRow)]
struct KeyRow {
    fingerprint: String,
    /// 0 while the first request runs.
    #[sqlx(try_from = "i64")]
    status: u16,
    content_type: String,
    body: Vec<u8>,
    created_at: i64,
}

/// Claims `key` for `user`'s request with `fingerprint`, or reports what the key already holds.
pub async fn claim(
    db: &Db,
    user: Id,
    key: &str,
    fingerprint: &str,
    region: i64,
) -> Result<Claim, sqlx::Error> {
    let now = now_millis();
    // The account's old keys go as new ones come: no sweeper needed, and served by the index.
    sqlx::query("DELETE FROM idempotency_keys WHERE user_id = ? AND created_at < ?")
        .bind(user.0)
        .bind(now - KEEP_MS)
        .execute(db.writer())
        .await?;
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys \
         (user_id, idem_key, region, fingerprint, status, content_type, body, created_at) \
         VALUES (?, ?, ?, ?, 0, '', ?, ?)",
    )
    .bind(user.0)
    .bind(key)
    .bind(region)
    .bind(fingerprint)
    .bind(Vec::<u8>::new())
    .bind(now)
    .execute(db.writer())
    .await;
    match inserted {
        Ok(_) => return Ok(Claim::New),
        Err(e) if plaza_storage::is_unique_violation(&e) => {}
        Err(e) => return Err(e),
    }
    let row: Option<KeyRow> = sqlx::query_as(
        "SELECT fingerprint, status, content_type, body, created_at FROM idempotency_keys \
         WHERE user_id = ? AND idem_key = ?",
    )
    .bind(user.0)
    .bind(key)
    .fetch_optional(&db.pool)
    .await?;
    let Some(row) = row else {
        // Purged between the insert and the read: a brand-new key after all.
        return Box::pin(claim(db, user, key, fingerprint, region)).await;
    };
    if row.fingerprint != fingerprint {
        return Ok(Claim::OtherRequest);
    }
    if row.status != 0 {
        return Ok(Claim::Done {
            status: row.status,
            content_type: row.content_type,
            body: row.body,
        });
    }
    let started = row.created_at;
    if started >= now - ABANDONED_MS {
        return Ok(Claim::Running);
    }
    // Abandoned: take it over, unless another retry just did.
    let taken = sqlx::query(
        "UPDATE idempotency_keys SET created_at = ? \
         WHERE user_id = ? AND idem_key = ? AND status = 0 AND created_at = ?",
    )
    .bind(now)
    .bind(user.0)
    .bind(key)
    .bind(started)
    .execute(db.writer())
    .await?;
    Ok(if taken.rows_affected() == 1 {
        Claim::New
    } else {
        Claim::Running
    })
}

/// Stores the answer to the request that claimed `key`.
pub async fn complete(
    db: &Db,
    user: Id,
    key: &str,
    status: u16,
    content_type: &str,
    body: &[u8],
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE idempotency_keys SET status = ?, content_type = ?, body = ? \
         WHERE user_id = ? AND idem_key = ?",
    )
    .bind(i64::from(status))
    .bind(content_type)
    .bind(body.to_vec())
    .bind(user.0)
    .bind(key)
    .execute(db.writer())
    .await?;
    Ok(())
}

/// Forgets `key` (its request failed on our side): a retry runs the request again.
pub async fn release(db: &Db, user: Id, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM idempotency_keys WHERE user_id = ? AND idem_key = ? AND status = 0")
        .bind(user.0)
        .bind(key)
        .execute(db.writer())
        .await?;
    Ok(())
}
