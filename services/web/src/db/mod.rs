//! The web service's tables: accounts, sessions, communities, favourites, follows and blocks.

pub mod blocks;
pub mod communities;
pub mod favourites;
pub mod follows;
pub mod idempotency;
pub mod sessions;
pub mod users;

use plaza_storage::KeysetRow;
use plaza_storage::sqlx;
use plaza_types::Id;

/// A row of a list of people or communities: its keyset id and the id it names.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct OtherRow {
    id: i64,
    other: i64,
}

impl KeysetRow for OtherRow {
    type Item = Id;
    fn key(&self) -> i64 {
        self.id
    }
    fn into_item(self) -> Result<Option<Id>, sqlx::Error> {
        Ok(Some(Id(self.other)))
    }
}

/// A count of rows (`COUNT(*) AS n`); a negative one is a decode error.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct CountRow {
    #[sqlx(try_from = "i64")]
    n: plaza_storage::Count,
}

/// Runs a `SELECT COUNT(*) AS n …` query.
pub(crate) async fn count<'e, E>(executor: E, sql: &'static str, id: Id) -> Result<i64, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row: CountRow = sqlx::query_as(sql).bind(id.0).fetch_one(executor).await?;
    Ok(row.n.0)
}
