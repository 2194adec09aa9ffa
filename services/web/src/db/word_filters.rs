//! The `word_filters` table: the global list of restricted words (`community_id` 0) and each
//! community's own.

use super::admin_list;
use crate::filters::{Entry, FilterAction};
use plaza_storage::Db;
use plaza_storage::sqlx;
use plaza_types::Id;

/// The most entries one list holds (the global list or a community's).
pub const MAX_PER_LIST: i64 = 1000;
/// The most entries read in all (every list); far above what [`MAX_PER_LIST`] lets one list hold
/// times the lists that exist in practice, and a bound on memory either way.
const MAX_TOTAL: i64 = 50_000;

/// One stored entry.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WordFilterRow {
    pub id: i64,
    pub community_id: i64,
    pub pattern: String,
    pub action: String,
    pub created_at: i64,
}

impl WordFilterRow {
    /// The community whose list it is on; none for the global list.
    pub fn community(&self) -> Option<Id> {
        (self.community_id != 0).then_some(Id(self.community_id))
    }

    /// The entry as the matcher takes it (an unknown stored action counts as refusing).
    pub fn entry(&self) -> Entry {
        Entry {
            community_id: self.community(),
            pattern: self.pattern.clone(),
            action: FilterAction::parse(&self.action).unwrap_or(FilterAction::Refuse),
        }
    }
}

const COLUMNS: &str = "id, community_id, pattern, action, created_at";

/// The reader of the table's fingerprint, which changes with every entry added or removed.
pub fn fingerprint(db: &Db) -> plaza_storage::FreshRead<crate::filters::Fingerprint> {
    super::fingerprint(db, "word_filters")
}

/// Every entry of every list, for the matcher.
pub async fn all(db: &Db) -> Result<Vec<WordFilterRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM word_filters ORDER BY id LIMIT ?"
    )))
    .bind(MAX_TOTAL)
    .fetch_all(&db.pool)
    .await
}

/// One list's entries, oldest first (`community` none: the global list).
pub async fn list(db: &Db, community: Option<Id>) -> Result<Vec<WordFilterRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM word_filters WHERE community_id = ? ORDER BY id LIMIT ?"
    )))
    .bind(community.map_or(0, |c| c.0))
    .bind(MAX_PER_LIST)
    .fetch_all(&db.pool)
    .await
}

/// What adding an entry did.
pub type Added = admin_list::Added<WordFilterRow>;

/// Adds an entry to a list; `key` is its normalised form (one per list).
#[expect(clippy::too_many_arguments, reason = "one column each")]
pub async fn insert(
    db: &Db,
    id: Id,
    region: u8,
    community: Option<Id>,
    pattern: &str,
    key: &str,
    action: FilterAction,
    created_by: Id,
) -> Result<Added, sqlx::Error> {
    let community_id = community.map_or(0, |c| c.0);
    let now = plaza_types::now_millis();
    let sql = format!(
        "{} INTO word_filters (id, region, community_id, pattern, pattern_key, action, created_by, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        db.dialect.insert_ignore()
    );
    let insert = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .bind(i64::from(region))
        .bind(community_id)
        .bind(pattern)
        .bind(key)
        .bind(action.as_str())
        .bind(created_by.0)
        .bind(now);
    let count = sqlx::query_scalar("SELECT COUNT(*) FROM word_filters WHERE community_id = ?")
        .bind(community_id);
    admin_list::insert_capped(db, count, MAX_PER_LIST, insert, || WordFilterRow {
        id: id.0,
        community_id,
        pattern: pattern.to_owned(),
        action: action.as_str().to_owned(),
        created_at: now,
    })
    .await
}

/// Removes an entry from whichever list holds it; whether it was there.
pub async fn delete(db: &Db, id: Id) -> Result<bool, sqlx::Error> {
    admin_list::delete(db, "word_filters", id).await
}
