//! The web service's tables: accounts, sessions, communities, favourites, follows and blocks.

pub mod blocks;
pub mod communities;
pub mod favourites;
pub mod follows;
pub mod idempotency;
pub mod sessions;
pub mod users;

use plaza_storage::sqlx::{self, Row};
use plaza_types::Id;

/// Reads one id column from each row.
pub(crate) fn ids(rows: &[sqlx::any::AnyRow], column: &str) -> Result<Vec<Id>, sqlx::Error> {
    rows.iter()
        .map(|r| r.try_get::<i64, _>(column).map(Id))
        .collect()
}
