//! The `banned_ranges` table: address ranges that may not sign up.

use super::admin_list;
use plaza_storage::Db;
use plaza_storage::sqlx;
use plaza_types::Id;

/// The most ranges kept.
pub const MAX_RANGES: i64 = 5000;

/// One banned range.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BannedRangeRow {
    pub id: i64,
    pub cidr: String,
    pub reason: String,
    pub created_at: i64,
}

/// The reader of the table's fingerprint, which changes with every entry added or removed.
pub fn fingerprint(db: &Db) -> plaza_storage::FreshRead<crate::filters::Fingerprint> {
    super::fingerprint(db, "banned_ranges")
}

/// Every banned range, oldest first.
pub async fn all(db: &Db) -> Result<Vec<BannedRangeRow>, sqlx::Error> {
    sqlx::query_as("SELECT id, cidr, reason, created_at FROM banned_ranges ORDER BY id LIMIT ?")
        .bind(MAX_RANGES)
        .fetch_all(&db.pool)
        .await
}

/// What adding a range did.
pub type Added = admin_list::Added<BannedRangeRow>;

/// Adds a range (`cidr` in canonical form).
pub async fn insert(
    db: &Db,
    id: Id,
    region: u8,
    cidr: &str,
    reason: &str,
    created_by: Id,
) -> Result<Added, sqlx::Error> {
    let now = plaza_types::now_millis();
    let sql = format!(
        "{} INTO banned_ranges (id, region, cidr, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        db.dialect.insert_ignore()
    );
    let insert = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .bind(i64::from(region))
        .bind(cidr)
        .bind(reason)
        .bind(created_by.0)
        .bind(now);
    let count = sqlx::query_scalar("SELECT COUNT(*) FROM banned_ranges");
    admin_list::insert_capped(db, count, MAX_RANGES, insert, || BannedRangeRow {
        id: id.0,
        cidr: cidr.to_owned(),
        reason: reason.to_owned(),
        created_at: now,
    })
    .await
}

/// Lifts a ban; whether it existed.
pub async fn delete(db: &Db, id: Id) -> Result<bool, sqlx::Error> {
    admin_list::delete(db, "banned_ranges", id).await
}
