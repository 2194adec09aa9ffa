//! What the capped admin lists (`banned_ranges`, `word_filters`) share: adding an entry only
//! while its list has room, in one write transaction, and removing one by id.

use plaza_storage::sqlx::any::AnyArguments;
use plaza_storage::sqlx::query::{Query, QueryScalar};
use plaza_storage::sqlx::{self, Any};
use plaza_storage::{Db, Tx};
use plaza_types::Id;

/// What adding an entry to a capped list did.
#[derive(Debug)]
pub enum Added<R> {
    New(R),
    /// The list already holds the same entry (the insert was ignored).
    Duplicate,
    /// The list holds its most entries already.
    Full,
}

/// Runs `insert` (an `INSERT IGNORE`) when `count` (the list's size) is below `max`, in one write
/// transaction; `row` builds what was added when a row was inserted.
pub async fn insert_capped<'q, R>(
    db: &Db,
    count: QueryScalar<'q, Any, i64, AnyArguments>,
    max: i64,
    insert: Query<'q, Any, AnyArguments>,
    row: impl FnOnce() -> R,
) -> Result<Added<R>, sqlx::Error> {
    let mut tx: Tx = db.begin_write().await?;
    if count.fetch_one(&mut *tx).await? >= max {
        tx.commit().await?;
        return Ok(Added::Full);
    }
    let inserted = insert.execute(&mut *tx).await?.rows_affected() == 1;
    tx.commit().await?;
    Ok(if inserted {
        Added::New(row())
    } else {
        Added::Duplicate
    })
}

/// Removes the entry `id` from `table`; whether it was there.
pub async fn delete(db: &Db, table: &'static str, id: Id) -> Result<bool, sqlx::Error> {
    let sql = format!("DELETE FROM {table} WHERE id = ?");
    Ok(sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .execute(db.writer())
        .await?
        .rows_affected()
        == 1)
}
