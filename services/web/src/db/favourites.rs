//! The `favourites` table: communities a user marked.

use plaza_storage::Db;
use plaza_storage::sqlx::{self, AssertSqlSafe};
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
        .execute(db.writer())
        .await?
        .rows_affected()
        == 1)
}

/// Removes a favourite.
pub async fn remove(db: &Db, user: Id, community: Id) -> Result<bool, sqlx::Error> {
    super::delete_pair(
        db.writer(),
        "DELETE FROM favourites WHERE user_id = ? AND community_id = ?",
        user,
        community,
    )
    .await
}

/// Whether `user` favourited `community`.
pub async fn exists(db: &Db, user: Id, community: Id) -> Result<bool, sqlx::Error> {
    super::pair_exists(
        &db.pool,
        "SELECT 1 AS x FROM favourites WHERE user_id = ? AND community_id = ?",
        user,
        community,
    )
    .await
}

/// Every community `user` favourites (at most [`MAX_FAVOURITES`]), for the favourite buttons.
pub async fn all(db: &Db, user: Id) -> Result<Vec<Id>, sqlx::Error> {
    let sql = "SELECT community_id FROM favourites WHERE user_id = ? LIMIT ?";
    super::linked_ids(db, sql, user, MAX_FAVOURITES).await
}

/// How many favourites `user` has.
pub async fn count(db: &Db, user: Id) -> Result<i64, sqlx::Error> {
    super::count(
        &db.pool,
        "SELECT COUNT(*) AS n FROM favourites WHERE user_id = ?",
        user,
    )
    .await
}

/// A user's favourite communities, newest first (served by `favourites_by_user`).
pub async fn list(
    db: &Db,
    user: Id,
    before: Option<i64>,
    limit: u32,
) -> Result<Page<Id>, sqlx::Error> {
    let columns = ["user_id", "community_id"];
    super::others(db, "favourites", columns, user, before, limit).await
}
