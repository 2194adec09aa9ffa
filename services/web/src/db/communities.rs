//! The `communities` table.

use plaza_storage::sqlx;
use plaza_storage::{Db, Keyset};
use plaza_types::{Id, Page, now_millis};
use std::collections::HashMap;

/// A game community.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Community {
    pub id: Id,
    pub title_id: String,
    pub name: String,
    pub description: String,
    pub icon_url: Option<String>,
    pub created_at: i64,
}

const COLUMNS: &str = "id, title_id, name, description, icon_url, created_at";

/// A `communities` row as [`COLUMNS`] reads it.
#[derive(Debug, sqlx::FromRow)]
struct CommunityRow {
    id: i64,
    title_id: String,
    name: String,
    description: String,
    icon_url: Option<String>,
    created_at: i64,
}

impl TryFrom<CommunityRow> for Community {
    type Error = sqlx::Error;

    fn try_from(row: CommunityRow) -> Result<Self, sqlx::Error> {
        Ok(Community {
            id: Id(row.id),
            title_id: row.title_id,
            name: row.name,
            description: row.description,
            icon_url: row.icon_url,
            created_at: row.created_at,
        })
    }
}

/// Stores a new community.
pub async fn insert(db: &Db, c: &Community, region: u8) -> Result<(), sqlx::Error> {
    insert_in(db.writer(), c, region).await
}

/// Stores a new community with `executor` (inside a caller's transaction).
pub async fn insert_in<'e, E>(executor: E, c: &Community, region: u8) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO communities (id, region, title_id, name, description, icon_url, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(c.id.0)
    .bind(i64::from(region))
    .bind(&c.title_id)
    .bind(&c.name)
    .bind(&c.description)
    .bind(c.icon_url.as_deref())
    .bind(c.created_at)
    .bind(c.created_at)
    .execute(executor)
    .await?;
    Ok(())
}

/// Changes a community's fields.
pub async fn update(db: &Db, c: &Community) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE communities SET title_id = ?, name = ?, description = ?, icon_url = ?, updated_at = ? WHERE id = ?",
    )
    .bind(&c.title_id)
    .bind(&c.name)
    .bind(&c.description)
    .bind(c.icon_url.as_deref())
    .bind(now_millis())
    .bind(c.id.0)
    .execute(db.writer())
    .await?;
    Ok(())
}

/// One community.
pub async fn get(db: &Db, id: Id) -> Result<Option<Community>, sqlx::Error> {
    let sql = plaza_storage::sql(&format!("SELECT {COLUMNS} FROM communities WHERE "));
    plaza_storage::by_id::<CommunityRow>(db, sql, "id", id)
        .await?
        .map(Community::try_from)
        .transpose()
}

/// Communities by id.
pub async fn by_ids(db: &Db, ids: &[Id]) -> Result<HashMap<Id, Community>, sqlx::Error> {
    let sql = plaza_storage::sql(&format!("SELECT {COLUMNS} FROM communities WHERE "));
    let rows: Vec<CommunityRow> = plaza_storage::by_ids(db, sql, "id", ids, "").await?;
    rows.into_iter()
        .map(|r| Ok((Id(r.id), r.try_into()?)))
        .collect()
}

/// Communities, oldest first (keyset on id).
pub async fn list(db: &Db, after: Option<i64>, limit: u32) -> Result<Page<Community>, sqlx::Error> {
    let sql = plaza_storage::sql(&format!("SELECT {COLUMNS} FROM communities WHERE 1 = 1"));
    Keyset::asc("id", after, limit)
        .fetch(db, sql, |r: &CommunityRow| r.id)
        .await
}

/// How many communities exist (to seed the defaults once).
pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    let row: plaza_storage::CountRow = sqlx::query_as("SELECT COUNT(*) AS n FROM communities")
        .fetch_one(&db.pool)
        .await?;
    Ok(row.n.0)
}
