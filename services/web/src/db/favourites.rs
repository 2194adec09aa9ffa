//! The `favourites` table: communities a user marked.

use plaza_storage::Db;
use plaza_storage::sqlx::{self, AssertSqlSafe, Row};
use plaza_types::{Id, Page, now_millis};

/// The most communities one user can favourite.
pub const MAX_FAVOURITES: i64 = 1000;

/// Adds a favourite; returns false when it existed.
pub async fn add(
    db: &Db,
    id: Id,
    region: u8,
    user: Id,
    community: Id,
) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "{} INTO favourites (id, region, user_id, community_id, created_at) VALUES (?, ?, ?, ?, ?)",
        db.dialect.insert_ignore()
    );
    Ok(sqlx::query(AssertSqlSafe(sql))
        .bind(id.0)
        .bind(i64::from(region))
        .bind(user.0)
        .bind(community.0)
        .bind(now_millis())
        .execute(&db.pool)
        .await?
        .rows_affected()
        == 1)
}

/// Removes a favourite.
pub async fn remove(db: &Db, user: Id, community: Id) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM favourites WHERE user_id = ? AND community_id = ?")
            .bind(user.0)
            .bind(community.0)
            .execute(&db.pool)
            .await?
            .rows_affected()
            == 1,
    )
}

/// Whether `user` favourited `community`.
pub async fn exists(db: &Db, user: Id, community: Id) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("SELECT 1 AS x FROM favourites WHERE user_id = ? AND community_id = ?")
            .bind(user.0)
            .bind(community.0)
            .fetch_optional(&db.pool)
            .await?
            .is_some(),
    )
}

/// How many favourites `user` has.
pub async fn count(db: &Db, user: Id) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM favourites WHERE user_id = ?")
        .bind(user.0)
        .fetch_one(&db.pool)
        .await?
        .try_get("n")
}

/// A user's favourite communities, newest first (served by `favourites_by_user`).
pub async fn list(
    db: &Db,
    user: Id,
    before: Option<i64>,
    limit: u32,
) -> Result<Page<Id>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, community_id FROM favourites WHERE user_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
    )
    .bind(user.0)
    .bind(before.unwrap_or(i64::MAX))
    .bind(i64::from(limit) + 1)
    .fetch_all(&db.pool)
    .await?;
    let keyed = rows
        .iter()
        .map(|r| Ok((r.try_get::<i64, _>("id")?, Id(r.try_get("community_id")?))))
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(Page::from_overfetch_keyed(keyed, limit))
}
