//! The `users` table.

use plaza_storage::sqlx::any::AnyRow;
use plaza_storage::sqlx::{self, AssertSqlSafe, Row};
use plaza_storage::{Db, placeholders};
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

pub(crate) fn from_row(row: &AnyRow) -> Result<User, sqlx::Error> {
    Ok(User {
        id: Id(row.try_get("id")?),
        home_region: u8::try_from(row.try_get::<i64, _>("home_region")?).unwrap_or_default(),
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        bio: row.try_get("bio")?,
        is_admin: row.try_get::<i64, _>("is_admin")? != 0,
        created_at: row.try_get("created_at")?,
        language: row.try_get("language")?,
    })
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
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// An account by username (any case), with its password hash.
pub async fn with_password(db: &Db, username: &str) -> Result<Option<(User, String)>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS}, u.password_hash FROM users u WHERE u.username_key = ?");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(username_key(username))
        .fetch_optional(&db.pool)
        .await?;
    row.map(|r| Ok((from_row(&r)?, r.try_get("password_hash")?)))
        .transpose()
}

/// An account by username (any case).
pub async fn by_username(db: &Db, username: &str) -> Result<Option<User>, sqlx::Error> {
    Ok(with_password(db, username).await?.map(|(u, _)| u))
}

/// An account by id.
pub async fn by_id(db: &Db, id: Id) -> Result<Option<User>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM users u WHERE u.id = ?");
    sqlx::query(AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Accounts by id, for showing a page's authors in one query.
pub async fn by_ids(db: &Db, ids: &[Id]) -> Result<HashMap<Id, User>, sqlx::Error> {
    let mut unique: Vec<Id> = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    if unique.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM users u WHERE u.id IN ({})",
        placeholders(unique.len())
    );
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for id in &unique {
        q = q.bind(id.0);
    }
    q.fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| from_row(r).map(|u| (u.id, u)))
        .collect()
}

/// Changes the display name, bio and interface language.
pub async fn update_profile(
    db: &Db,
    id: Id,
    display_name: &str,
    bio: &str,
    language: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET display_name = ?, bio = ?, language = ?, updated_at = ? WHERE id = ?",
    )
    .bind(display_name)
    .bind(bio)
    .bind(language)
    .bind(now_millis())
    .bind(id.0)
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// Sets the interface language (`""` follows the browser).
pub async fn set_language(db: &Db, id: Id, language: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET language = ?, updated_at = ? WHERE id = ?")
        .bind(language)
        .bind(now_millis())
        .bind(id.0)
        .execute(&db.pool)
        .await?;
    Ok(())
}

/// Makes an account an admin (and sets its password when one is given).
pub async fn make_admin(db: &Db, id: Id, password_hash: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET is_admin = 1, updated_at = ? WHERE id = ?")
        .bind(now_millis())
        .bind(id.0)
        .execute(&db.pool)
        .await?;
    if let Some(hash) = password_hash {
        sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
            .bind(hash)
            .bind(id.0)
            .execute(&db.pool)
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
    let mut tx = db.pool.begin().await?;
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
    tx.commit().await
}

/// The account's password hash.
pub async fn password_hash(db: &Db, id: Id) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = ?")
        .bind(id.0)
        .fetch_optional(&db.pool)
        .await
}
