//! Reading lists and batches, written once for every table: the keyset page (cursor condition,
//! order, limit and the look-ahead row that tells whether another page follows), the batch read
//! by ids (`IN (?, ?, …)`), and checked narrowing of stored integers.
//!
//! Queries are built with sqlx's [`QueryBuilder`](sqlx::QueryBuilder), whose placeholders are
//! `?` on the `Any` driver, which both dialects accept.

use crate::Db;
use plaza_types::{Id, Page};
use sqlx::any::AnyRow;
use sqlx::{Any, Encode, FromRow, Type};

/// A query being built.
pub type Sql = sqlx::QueryBuilder<Any>;

/// A new query starting with `init` (a constant fragment such as `SELECT … WHERE `).
pub fn sql(init: &str) -> Sql {
    Sql::new(init)
}

/// Which way a keyset list runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Largest key first (newest first for time-ordered ids): the next page has smaller keys.
    Desc,
    /// Smallest key first: the next page has larger keys.
    Asc,
}

/// One page of a keyset-paginated list: the rows past `cursor` in `column`'s order, at most
/// `limit` of them.
#[derive(Debug, Clone, Copy)]
pub struct Keyset<'a> {
    pub column: &'a str,
    pub order: Order,
    /// The key of the last row the previous page showed; `None` for the first page.
    pub cursor: Option<i64>,
    pub limit: u32,
}

/// A row of a keyset list: its sort key and the item it becomes. `None` leaves the row out of
/// the page (a kind this release does not know), while its key still moves the cursor on.
pub trait KeysetRow: for<'r> FromRow<'r, AnyRow> + Send + Unpin {
    type Item;
    /// The value of the list's keyset column.
    fn key(&self) -> i64;
    /// The item, or an error when a stored value does not fit it.
    fn into_item(self) -> Result<Option<Self::Item>, sqlx::Error>;
}

impl<'a> Keyset<'a> {
    /// Newest first: rows whose `column` is below `before`.
    pub fn desc(column: &'a str, before: Option<i64>, limit: u32) -> Self {
        Keyset {
            column,
            order: Order::Desc,
            cursor: before,
            limit,
        }
    }

    /// Oldest first: rows whose `column` is above `after`.
    pub fn asc(column: &'a str, after: Option<i64>, limit: u32) -> Self {
        Keyset {
            column,
            order: Order::Asc,
            cursor: after,
            limit,
        }
    }

    /// Appends the cursor condition (` AND column < ?`), the order and the limit to `sql`, whose
    /// `WHERE` clause is open. One row more than the page is read: it only tells that another
    /// page follows.
    pub fn push(&self, sql: &mut Sql) {
        let (op, dir) = match self.order {
            Order::Desc => ("<", "DESC"),
            Order::Asc => (">", "ASC"),
        };
        if let Some(cursor) = self.cursor {
            sql.push(format_args!(" AND {} {op} ", self.column))
                .push_bind(cursor);
        }
        sql.push(format_args!(" ORDER BY {} {dir} LIMIT ", self.column))
            .push_bind(i64::from(self.limit) + 1);
    }

    /// Runs `sql` (a `SELECT` whose `WHERE` clause is open) for this page.
    pub async fn fetch<R: KeysetRow>(
        &self,
        db: &Db,
        mut sql: Sql,
    ) -> Result<Page<R::Item>, sqlx::Error> {
        self.push(&mut sql);
        let rows: Vec<R> = sql.build_query_as().fetch_all(&db.pool).await?;
        let page = Page::from_overfetch(rows, self.limit, R::key);
        let mut items = Vec::with_capacity(page.items.len());
        for row in page.items {
            items.extend(row.into_item()?);
        }
        Ok(Page {
            items,
            next_cursor: page.next_cursor,
        })
    }
}

/// Appends `column IN (?, ?, …)` binding `values` (at least one: SQL has no empty list).
pub fn push_in<T>(sql: &mut Sql, column: &str, values: impl IntoIterator<Item = T>)
where
    T: for<'q> Encode<'q, Any> + Type<Any>,
{
    push_list(sql, column, "IN", values);
}

/// Appends ` AND column NOT IN (?, …)` binding `ids`; nothing when there are none.
pub fn push_not_in(sql: &mut Sql, column: &str, ids: &[Id]) {
    if !ids.is_empty() {
        sql.push(" AND ");
        push_list(sql, column, "NOT IN", ids.iter().map(|id| id.0));
    }
}

fn push_list<T>(sql: &mut Sql, column: &str, op: &str, values: impl IntoIterator<Item = T>)
where
    T: for<'q> Encode<'q, Any> + Type<Any>,
{
    sql.push(format_args!("{column} {op} ("));
    let mut list = sql.separated(", ");
    for value in values {
        list.push_bind(value);
    }
    list.push_unseparated(")");
}

/// Reads the rows of `sql` (a `SELECT` ending in `WHERE ` or `AND `) whose `column` is one of
/// `ids`, each id asked once, then `tail` (such as `GROUP BY …`). No ids, no query.
pub async fn by_ids<R>(
    db: &Db,
    mut sql: Sql,
    column: &str,
    ids: &[Id],
    tail: &str,
) -> Result<Vec<R>, sqlx::Error>
where
    R: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
{
    let mut unique = ids.to_vec();
    unique.sort_unstable();
    unique.dedup();
    if unique.is_empty() {
        return Ok(Vec::new());
    }
    push_in(&mut sql, column, unique.iter().map(|id| id.0));
    sql.push(tail);
    sql.build_query_as().fetch_all(&db.pool).await
}

/// A stored integer narrowed to the type the code uses (a region to `u8`, a size to `u32`); a
/// value that does not fit is a decode error naming the column, never silently 0 or clamped.
pub fn narrow<T: TryFrom<i64>>(column: &str, value: i64) -> Result<T, sqlx::Error>
where
    T::Error: std::error::Error + Send + Sync + 'static,
{
    T::try_from(value).map_err(|e| sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: Box::new(e),
    })
}

/// A count read from the database (`COUNT(*)`, a sum of counters): never negative. Decode a
/// column with `#[sqlx(try_from = "i64")]` into it; a negative value is a decode error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count(pub i64);

/// A stored count was negative.
#[derive(Debug, thiserror::Error)]
#[error("a count of {0} is negative")]
pub struct NegativeCount(i64);

impl TryFrom<i64> for Count {
    type Error = NegativeCount;
    fn try_from(n: i64) -> Result<Self, Self::Error> {
        if n < 0 {
            Err(NegativeCount(n))
        } else {
            Ok(Count(n))
        }
    }
}

/// A row of one id column named `id` (`SELECT x AS id …`).
#[derive(Debug, Clone, Copy, FromRow)]
pub struct IdRow {
    pub id: i64,
}

impl From<IdRow> for Id {
    fn from(row: IdRow) -> Id {
        Id(row.id)
    }
}
