//! The `users` table.

use plaza_storage::Db;
use plaza_storage::sqlx::{self, AssertSqlSafe};
use plaza_types::{Id, now_millis};
use std::collections::HashMap;

/// An account.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct User {
    pub id: Id,
    pub home_region: u8,
    pub username: String,
    pub display_name: String,
    pub bio: String,
    pub is_admin: bool,
    pub created_at: i64,
    /// The interface language the account chose (`"en"`, `"ja"`), or `""` to follow the browser.
    pub language: String,
    /// What the session lookup that loaded the account read beside it, for the rest of that
    /// request (see `sessions::Sessions`); `None` when it was loaded otherwise. Kept only with
    /// the session, never in the shared cache.
    #[serde(skip)]
    pub standing: Option<Standing>,
}

/// Whether an account holds roles or suspensions at all, as one session lookup read them: the
/// request then asks for its roles or its current suspension only when there is something to
/// find, which is rare (a signed-in page would otherwise ask twice, and every write once).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// Whether it has any moderator appointment.
    pub moderates: bool,
    /// Whether it has any suspension row (in force, over, lifted, or a ban).
    pub ever_suspended: bool,
}

impl User {
    /// The name to show: the display name, or the username when there is none.
    pub fn shown_name(&self) -> &str {
        if self.display_name.is_empty() {
            &self.username
        } else {
            &self.display_name
        }
    }
}

pub(crate) const COLUMNS: &str =
    "u.id, u.home_region, u.username, u.display_name, u.bio, u.is_admin, u.created_at, u.language";

/// A `users` row as [`COLUMNS`] reads it.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct UserRow {
    id: i64,
    #[sqlx(try_from = "i64")]
    home_region: u8,
    username: String,
    display_name: String,
    bio: String,
    is_admin: i64,
    created_at: i64,
    language: String,
}

impl From<UserRow> for User {
    fn from(row: UserRow) -> Self {
        User {
            id: Id(row.id),
            home_region: row.home_region,
            username: row.username,
            display_name: row.display_name,
            bio: row.bio,
            is_admin: row.is_admin != 0,
            created_at: row.created_at,
            language: row.language,
            standing: None,
        }
    }
}

/// An account and its password hash.
#[derive(Debug, sqlx::FromRow)]
struct WithPassword {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: String,
}

/// The key usernames are unique by: case does not matter.
pub fn username_key(username: &str) -> String {
    username.to_ascii_lowercase()
}

/// Stores a new account. Fails with a unique violation when the name is taken.
pub async fn insert(
    db: &Db,
    user: &User,
    region: u8,
    password_hash: &str,
) -> Result<(), sqlx::Error> {
    let now = now_millis();
    sqlx::query(
        "INSERT INTO users (id, region, home_region, username, username_key, password_hash, \
         display_name, bio, is_admin, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(user.id.0)
    .bind(i64::from(region))
    .bind(i64::from(user.home_region))
    .bind(&user.username)
    .bind(username_key(&user.username))
    .bind(password_hash)
    .bind(&user.display_name)
    .bind(&user.bio)
    .bind(i64::from(user.is_admin))
    .bind(now)
    .bind(now)
    .execute(db.writer())
    .await?;
    Ok(())
}

/// An account by username (any case), with its password hash.
pub async fn with_password(db: &Db, username: &str) -> Result<Option<(User, String)>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS}, u.password_hash FROM users u WHERE u.username_key = ?");
    let row: Option<WithPassword> = sqlx::query_as(AssertSqlSafe(sql))
        .bind(username_key(username))
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|r| (r.user.into(), r.password_hash)))
}

/// An account by username (any case).
pub async fn by_username(db: &Db, username: &str) -> Result<Option<User>, sqlx::Error> {
    Ok(with_password(db, username).await?.map(|(u, _)| u))
}

/// An account by id.
pub async fn by_id(db: &Db, id: Id) -> Result<Option<User>, sqlx::Error> {
    let sql = plaza_storage::sql(&format!("SELECT {COLUMNS} FROM users u WHERE "));
    let row: Option<UserRow> = plaza_storage::by_id(db, sql, "u.id", id).await?;
    Ok(row.map(User::from))
}

/// Accounts by id, for showing a page's authors in one query.
pub async fn by_ids(db: &Db, ids: &[Id]) -> Result<HashMap<Id, User>, sqlx::Error> {
    let sql = plaza_storage::sql(&format!("SELECT {COLUMNS} FROM users u WHERE "));
    let rows: Vec<UserRow> = plaza_storage::by_ids(db, sql, "u.id", ids, "").await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let user = User::from(r);
            (user.id, user)
        })
        .collect())
}

/// Changes the display name, bio and interface language.
pub async fn update_profile(
    db: &Db,
    id: Id,
    display_name: &str,
    bio: &str,
    language: &str,
) -> Result<(), sqlx::Error> {
    let done = sqlx::query(
        "UPDATE users SET display_name = ?, bio = ?, language = ?, updated_at = ? WHERE id = ?",
    )
    .bind(display_name)
    .bind(bio)
    .bind(language)
    .bind(now_millis())
    .bind(id.0)
    .execute(db.writer())
    .await;
    super::sessions::changed(done).map(drop)
}

/// Sets the interface language (`""` follows the browser).
pub async fn set_language(db: &Db, id: Id, language: &str) -> Result<(), sqlx::Error> {
    let done = sqlx::query("UPDATE users SET language = ?, updated_at = ? WHERE id = ?")
        .bind(language)
        .bind(now_millis())
        .bind(id.0)
        .execute(db.writer())
        .await;
    super::sessions::changed(done).map(drop)
}

/// Makes an account an admin (and sets its password when one is given).
pub async fn make_admin(db: &Db, id: Id, password_hash: Option<&str>) -> Result<(), sqlx::Error> {
    super::sessions::changed(admin_rows(db, id, password_hash).await)
}

async fn admin_rows(db: &Db, id: Id, password_hash: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET is_admin = 1, updated_at = ? WHERE id = ?")
        .bind(now_millis())
        .bind(id.0)
        .execute(db.writer())
        .await?;
    if let Some(hash) = password_hash {
        sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
            .bind(hash)
            .bind(id.0)
            .execute(db.writer())
            .await?;
    }
    Ok(())
}

/// Replaces the account's password hash and, in the same transaction, ends every session but
/// the one whose token hashes to `keep`: whoever knew the old password is signed out.
pub async fn set_password(
    db: &Db,
    id: Id,
    password_hash: &str,
    keep: &str,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?")
        .bind(password_hash)
        .bind(now_millis())
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?")
        .bind(id.0)
        .bind(keep)
        .execute(&mut *tx)
        .await?;
    super::sessions::commit(tx).await
}

/// The account's password hash.
pub async fn password_hash(db: &Db, id: Id) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = ?")
        .bind(id.0)
        .fetch_optional(&db.pool)
        .await
}
