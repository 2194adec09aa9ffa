//! The game tables of the web service: `titles`, `app_keys`, `game_link_codes` and
//! `game_tokens` (the title binding of a player token, which is a session of the game kind).

use plaza_storage::Db;
use plaza_storage::sqlx::{self, AssertSqlSafe};
use plaza_types::{Id, Millis, now_millis};

/// A registered title (a game).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Title {
    /// 16 upper-case hex digits.
    pub title_id: String,
    pub name: String,
    pub platform: String,
    pub main_community_id: Id,
    pub created_at: Millis,
}

#[derive(Debug, sqlx::FromRow)]
struct TitleRow {
    title_id: String,
    name: String,
    platform: String,
    main_community_id: i64,
    created_at: i64,
}

impl From<TitleRow> for Title {
    fn from(r: TitleRow) -> Self {
        Title {
            title_id: r.title_id,
            name: r.name,
            platform: r.platform,
            main_community_id: Id(r.main_community_id),
            created_at: r.created_at,
        }
    }
}

const TITLE_COLUMNS: &str = "title_id, name, platform, main_community_id, created_at";

/// Stores a new title (its main community is stored in the same transaction by the caller).
pub async fn insert<'e, E>(executor: E, t: &Title, region: u8) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO titles (title_id, region, name, platform, main_community_id, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&t.title_id)
    .bind(i64::from(region))
    .bind(&t.name)
    .bind(&t.platform)
    .bind(t.main_community_id.0)
    .bind(t.created_at)
    .bind(t.created_at)
    .execute(executor)
    .await?;
    Ok(())
}

/// One title by its id (16 upper-case hex digits).
pub async fn get(db: &Db, title_id: &str) -> Result<Option<Title>, sqlx::Error> {
    let sql = format!("SELECT {TITLE_COLUMNS} FROM titles WHERE title_id = ?");
    Ok(sqlx::query_as::<_, TitleRow>(AssertSqlSafe(sql))
        .bind(title_id)
        .fetch_optional(&db.pool)
        .await?
        .map(Title::from))
}

/// Titles in id order, after `after` (the keyset is the title id's text).
pub async fn list(db: &Db, after: Option<&str>, limit: u32) -> Result<Vec<Title>, sqlx::Error> {
    let sql = format!(
        "SELECT {TITLE_COLUMNS} FROM titles WHERE title_id > ? ORDER BY title_id LIMIT {}",
        limit.clamp(1, 200)
    );
    Ok(sqlx::query_as::<_, TitleRow>(AssertSqlSafe(sql))
        .bind(after.unwrap_or(""))
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(Title::from)
        .collect())
}

/// The ids of the communities of a title, oldest first (served by `communities_by_title`).
pub async fn community_ids(db: &Db, title_id: &str) -> Result<Vec<Id>, sqlx::Error> {
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM communities WHERE title_id = ? ORDER BY id LIMIT 200")
            .bind(title_id)
            .fetch_all(&db.pool)
            .await?;
    Ok(ids.into_iter().map(Id).collect())
}

/// An app key as stored (its secret only as a hash).
#[derive(Debug, Clone)]
pub struct AppKey {
    pub id: Id,
    pub title_id: String,
    pub label: String,
    pub secret_hash: String,
    pub created_by: Id,
    pub created_at: Millis,
    pub expires_at: Option<Millis>,
    pub revoked_at: Option<Millis>,
    pub replaced_by: Option<Id>,
}

impl AppKey {
    /// Whether a game may use it at `now`.
    pub fn active_at(&self, now: Millis) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > now)
    }
}

#[derive(Debug, sqlx::FromRow)]
struct AppKeyRow {
    id: i64,
    title_id: String,
    label: String,
    secret_hash: String,
    created_by: i64,
    created_at: i64,
    expires_at: Option<i64>,
    revoked_at: Option<i64>,
    replaced_by: Option<i64>,
}

impl From<AppKeyRow> for AppKey {
    fn from(r: AppKeyRow) -> Self {
        AppKey {
            id: Id(r.id),
            title_id: r.title_id,
            label: r.label,
            secret_hash: r.secret_hash,
            created_by: Id(r.created_by),
            created_at: r.created_at,
            expires_at: r.expires_at,
            revoked_at: r.revoked_at,
            replaced_by: r.replaced_by.map(Id),
        }
    }
}

const KEY_COLUMNS: &str =
    "id, title_id, label, secret_hash, created_by, created_at, expires_at, revoked_at, replaced_by";

/// Stores a new app key.
pub async fn insert_key<'e, E>(executor: E, k: &AppKey, region: u8) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO app_keys (id, region, title_id, label, secret_hash, created_by, created_at, \
         expires_at, revoked_at, replaced_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(k.id.0)
    .bind(i64::from(region))
    .bind(&k.title_id)
    .bind(&k.label)
    .bind(&k.secret_hash)
    .bind(k.created_by.0)
    .bind(k.created_at)
    .bind(k.expires_at)
    .bind(k.revoked_at)
    .bind(k.replaced_by.map(|i| i.0))
    .execute(executor)
    .await?;
    Ok(())
}

/// One app key by id.
pub async fn key(db: &Db, id: Id) -> Result<Option<AppKey>, sqlx::Error> {
    let sql = format!("SELECT {KEY_COLUMNS} FROM app_keys WHERE id = ?");
    Ok(sqlx::query_as::<_, AppKeyRow>(AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_optional(&db.pool)
        .await?
        .map(AppKey::from))
}

/// A title's keys, newest first (served by `app_keys_by_title`).
pub async fn keys_of(db: &Db, title_id: &str) -> Result<Vec<AppKey>, sqlx::Error> {
    let sql =
        format!("SELECT {KEY_COLUMNS} FROM app_keys WHERE title_id = ? ORDER BY id DESC LIMIT 200");
    Ok(sqlx::query_as::<_, AppKeyRow>(AssertSqlSafe(sql))
        .bind(title_id)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(AppKey::from)
        .collect())
}

/// Revokes a key now (a key revoked already keeps its first time).
pub async fn revoke_key(db: &Db, id: Id) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE app_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
        .bind(now_millis())
        .bind(id.0)
        .execute(db.writer())
        .await?;
    Ok(())
}

/// Marks `old` as replaced by `new`, working until `expires_at` (never later than it was set to).
pub async fn retire_key<'e, E>(
    executor: E,
    old: Id,
    new: Id,
    expires_at: Millis,
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "UPDATE app_keys SET replaced_by = ?, \
         expires_at = CASE WHEN expires_at IS NULL OR expires_at > ? THEN ? ELSE expires_at END \
         WHERE id = ?",
    )
    .bind(new.0)
    .bind(expires_at)
    .bind(expires_at)
    .bind(old.0)
    .execute(executor)
    .await?;
    Ok(())
}

/// Stores a link code (its hash) for `user`, forgetting their earlier ones.
pub async fn insert_link_code(
    db: &Db,
    code_hash: &str,
    user: Id,
    region: u8,
    expires_at: Millis,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM game_link_codes WHERE user_id = ?")
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO game_link_codes (code_hash, region, user_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(code_hash)
    .bind(i64::from(region))
    .bind(user.0)
    .bind(now_millis())
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Takes a link code: the account it names when it is unexpired. A code works once (the
/// delete decides who took it when two games race).
pub async fn take_link_code(db: &Db, code_hash: &str) -> Result<Option<Id>, sqlx::Error> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT user_id, expires_at FROM game_link_codes WHERE code_hash = ?")
            .bind(code_hash)
            .fetch_optional(&db.pool)
            .await?;
    let Some((user, expires_at)) = row else {
        return Ok(None);
    };
    let taken = sqlx::query("DELETE FROM game_link_codes WHERE code_hash = ?")
        .bind(code_hash)
        .execute(db.writer())
        .await?
        .rows_affected()
        == 1;
    Ok((taken && expires_at > now_millis()).then_some(Id(user)))
}

/// Binds a player token (a game session's hash) to a title.
pub async fn insert_game_token(
    db: &Db,
    token_hash: &str,
    user: Id,
    title_id: &str,
    app_key: Id,
    region: u8,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO game_tokens (token_hash, region, user_id, title_id, app_key_id, created_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(token_hash)
    .bind(i64::from(region))
    .bind(user.0)
    .bind(title_id)
    .bind(app_key.0)
    .bind(now_millis())
    .execute(db.writer())
    .await?;
    Ok(())
}

/// The title a player token was issued for.
pub async fn game_token_title(db: &Db, token_hash: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT title_id FROM game_tokens WHERE token_hash = ?")
        .bind(token_hash)
        .fetch_optional(&db.pool)
        .await
}

/// The names of the titles among `ids` that are registered (a page of posts' titles at once).
pub async fn names(
    db: &Db,
    ids: &[String],
) -> Result<std::collections::HashMap<String, String>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(std::collections::HashMap::new());
    }
    let mut sql = plaza_storage::sql("SELECT title_id, name FROM titles WHERE ");
    plaza_storage::push_in(&mut sql, "title_id", ids.iter().cloned());
    let rows: Vec<(String, String)> = sql.build_query_as().fetch_all(&db.pool).await?;
    Ok(rows.into_iter().collect())
}
