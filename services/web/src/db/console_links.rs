//! The `console_links` and `console_link_codes` tables: which account a console's service token
//! acts for, and the short codes unlinked consoles show (see `ops::consoles`).

use plaza_storage::Db;
use plaza_storage::sqlx;
use plaza_types::{Id, Millis, now_millis};

/// The most consoles one account may link.
pub const MAX_PER_USER: i64 = 10;
/// How long a console's "last used" time may lag, so that reading is not always a write.
const LAST_USED_PRECISION_MS: i64 = 3_600_000;

/// A linked console as its owner sees it (never the token).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ConsoleLink {
    pub id: i64,
    pub user_id: i64,
    pub platform: String,
    pub created_at: i64,
    pub last_used_at: i64,
}

const COLUMNS: &str = "id, user_id, platform, created_at, last_used_at";

/// Links a token to `user`; false when the token is linked already (to anyone).
pub async fn insert(
    db: &Db,
    id: Id,
    region: u8,
    user: Id,
    token_hash: &str,
    platform: &str,
) -> Result<bool, sqlx::Error> {
    let now = now_millis();
    let done = sqlx::query(
        "INSERT INTO console_links (id, region, user_id, token_hash, platform, created_at, last_used_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id.0)
    .bind(i64::from(region))
    .bind(user.0)
    .bind(token_hash)
    .bind(platform)
    .bind(now)
    .bind(now)
    .execute(db.writer())
    .await;
    plaza_storage::inserted_unless_duplicate(done)
}

/// The link of a token, if it has one; its "last used" time is brought up to date (hourly), by
/// `region` only if the link is a row of it (its account's home region: one writer per row).
pub async fn by_token(
    db: &Db,
    token_hash: &str,
    region: u8,
) -> Result<Option<ConsoleLink>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM console_links WHERE token_hash = ?");
    let link: Option<ConsoleLink> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(token_hash)
        .fetch_optional(&db.pool)
        .await?;
    if let Some(l) = &link {
        let now = now_millis();
        if now - l.last_used_at > LAST_USED_PRECISION_MS {
            sqlx::query("UPDATE console_links SET last_used_at = ? WHERE id = ? AND region = ?")
                .bind(now)
                .bind(l.id)
                .bind(i64::from(region))
                .execute(db.writer())
                .await?;
        }
    }
    Ok(link)
}

/// A user's linked consoles, newest first (at most [`MAX_PER_USER`] exist).
pub async fn list(db: &Db, user: Id) -> Result<Vec<ConsoleLink>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM console_links WHERE user_id = ? ORDER BY id DESC LIMIT {MAX_PER_USER}"
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(user.0)
        .fetch_all(&db.pool)
        .await
}

/// How many consoles `user` has linked.
pub async fn count(db: &Db, user: Id) -> Result<i64, sqlx::Error> {
    super::count(
        &db.pool,
        "SELECT COUNT(*) AS n FROM console_links WHERE user_id = ?",
        user,
    )
    .await
}

/// Unlinks one of `user`'s consoles; false when they have no such console.
pub async fn delete(db: &Db, user: Id, id: i64) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM console_links WHERE id = ? AND user_id = ?")
            .bind(id)
            .bind(user.0)
            .execute(db.writer())
            .await?
            .rows_affected()
            == 1,
    )
}

#[derive(Debug, sqlx::FromRow)]
struct CodeRow {
    code: String,
}

/// The unexpired code this region gave the token, if any.
pub async fn code_of(
    db: &Db,
    token_hash: &str,
    now: Millis,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<CodeRow> = sqlx::query_as(
        "SELECT code FROM console_link_codes WHERE token_hash = ? AND expires_at > ? \
         ORDER BY expires_at DESC LIMIT 1",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&db.pool)
    .await?;
    Ok(row.map(|r| r.code))
}

/// Stores a new code for a token (and drops the token's expired codes); false when the code is
/// taken (the caller draws another).
pub async fn insert_code(
    db: &Db,
    code: &str,
    region: u8,
    token_hash: &str,
    platform: &str,
    expires_at: Millis,
) -> Result<bool, sqlx::Error> {
    let now = now_millis();
    sqlx::query(
        "DELETE FROM console_link_codes WHERE token_hash = ? AND expires_at <= ? AND region = ?",
    )
    .bind(token_hash)
    .bind(now)
    .bind(i64::from(region))
    .execute(db.writer())
    .await?;
    let done = sqlx::query(
        "INSERT INTO console_link_codes (code, region, token_hash, platform, created_at, expires_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(code)
    .bind(i64::from(region))
    .bind(token_hash)
    .bind(platform)
    .bind(now)
    .bind(expires_at)
    .execute(db.writer())
    .await;
    plaza_storage::inserted_unless_duplicate(done)
}

/// What an unexpired code stands for: the token's hash and the console's platform.
#[derive(Debug, sqlx::FromRow)]
pub struct PendingCode {
    pub token_hash: String,
    pub platform: String,
}

/// The unexpired code `code`, if there is one.
pub async fn code(db: &Db, code: &str, now: Millis) -> Result<Option<PendingCode>, sqlx::Error> {
    sqlx::query_as(
        "SELECT token_hash, platform FROM console_link_codes WHERE code = ? AND expires_at > ?",
    )
    .bind(code)
    .bind(now)
    .fetch_optional(&db.pool)
    .await
}
