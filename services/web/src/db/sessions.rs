//! The `sessions` table: page sessions and API tokens, stored as SHA-256 hashes.

use super::users::{COLUMNS, User, from_row};
use plaza_storage::Db;
use plaza_storage::sqlx::{self, AssertSqlSafe};
use plaza_types::{Id, now_millis};

/// Stores a session that lasts `days`.
pub async fn insert(
    db: &Db,
    token_hash: &str,
    user_id: Id,
    region: i64,
    kind: i64,
    days: i64,
) -> Result<(), sqlx::Error> {
    let now = now_millis();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, region, kind, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(token_hash)
    .bind(user_id.0)
    .bind(region)
    .bind(kind)
    .bind(now)
    .bind(now + days * 86_400_000)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// The account behind an unexpired session of `kind`.
pub async fn user_by_token(
    db: &Db,
    token_hash: &str,
    kind: i64,
) -> Result<Option<User>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = ? AND s.kind = ? AND s.expires_at > ?"
    );
    sqlx::query(AssertSqlSafe(sql))
        .bind(token_hash)
        .bind(kind)
        .bind(now_millis())
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Forgets a user's expired sessions.
pub async fn delete_expired(db: &Db, user_id: Id) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = ? AND expires_at <= ?")
        .bind(user_id.0)
        .bind(now_millis())
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Ends a session.
pub async fn delete(db: &Db, token_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
        .bind(token_hash)
        .execute(&db.pool)
        .await?;
    Ok(())
}
