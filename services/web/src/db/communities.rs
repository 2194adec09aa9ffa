//! The `communities` table.

use plaza_storage::sqlx::any::AnyRow;
use plaza_storage::sqlx::{self, AssertSqlSafe, Row};
use plaza_storage::{Db, placeholders};
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

fn from_row(row: &AnyRow) -> Result<Community, sqlx::Error> {
    Ok(Community {
        id: Id(row.try_get("id")?),
        title_id: row.try_get("title_id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        icon_url: row.try_get("icon_url")?,
        created_at: row.try_get("created_at")?,
    })
}

/// Stores a new community.
pub async fn insert(db: &Db, c: &Community, region: u8) -> Result<(), sqlx::Error> {
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
    .execute(&db.pool)
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
    .execute(&db.pool)
    .await?;
    Ok(())
}

/// One community.
pub async fn get(db: &Db, id: Id) -> Result<Option<Community>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM communities WHERE id = ?");
    sqlx::query(AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_optional(&db.pool)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Communities by id.
pub async fn by_ids(db: &Db, ids: &[Id]) -> Result<HashMap<Id, Community>, sqlx::Error> {
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    if unique.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM communities WHERE id IN ({})",
        placeholders(unique.len())
    );
    let mut q = sqlx::query(AssertSqlSafe(sql));
    for id in &unique {
        q = q.bind(id.0);
    }
    q.fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| from_row(r).map(|c| (c.id, c)))
        .collect()
}

/// Communities, oldest first (keyset on id).
pub async fn list(db: &Db, after: Option<i64>, limit: u32) -> Result<Page<Community>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM communities WHERE id > ? ORDER BY id ASC LIMIT ?");
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(after.unwrap_or(0))
        .bind(i64::from(limit) + 1)
        .fetch_all(&db.pool)
        .await?;
    let items = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
    Ok(Page::from_overfetch(items, limit, |c| c.id.0))
}

/// How many communities exist (to seed the defaults once).
pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM communities")
        .fetch_one(&db.pool)
        .await?
        .try_get("n")
}
