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

    /// Runs `sql` (a `SELECT` whose `WHERE` clause is open) for this page. Each row becomes an
    /// item through `TryFrom` (a stored value that does not fit is an error); `key` is the row's
    /// value of the keyset column, which the next page's cursor holds.
    pub async fn fetch<R, T>(
        &self,
        db: &Db,
        mut sql: Sql,
        key: impl Fn(&R) -> i64,
    ) -> Result<Page<T>, sqlx::Error>
    where
        R: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
        T: TryFrom<R, Error = sqlx::Error>,
    {
        self.push(&mut sql);
        let rows: Vec<R> = sql.build_query_as().fetch_all(&db.pool).await?;
        let page = Page::from_overfetch(rows, self.limit, key);
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(T::try_from)
                .collect::<Result<_, _>>()?,
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

/// Lists longer than this are bound as one JSON array by [`push_in_ids`].
const JSON_LIST_OVER: usize = 20;

/// Appends `column IN (…)` for `ids` (at least one). A long list (an activity feed naming up
/// to 1,001 authors) is bound as one JSON array that the database unpacks itself (SQLite
/// `json_each`, MariaDB `JSON_TABLE`): one parameter instead of a thousand, and one statement
/// text for every list length, so the prepared statement is reused.
pub fn push_in_ids(sql: &mut Sql, dialect: crate::Dialect, column: &str, ids: &[Id]) {
    if ids.len() <= JSON_LIST_OVER {
        return push_in(sql, column, ids.iter().map(|id| id.0));
    }
    let mut json = String::with_capacity(ids.len() * 20 + 2);
    json.push('[');
    for (i, id) in ids.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(&id.0.to_string());
    }
    json.push(']');
    let unpack = match dialect {
        crate::Dialect::Sqlite => "SELECT value FROM json_each(",
        crate::Dialect::MySql => "SELECT j.v FROM JSON_TABLE(",
    };
    sql.push(format_args!("{column} IN ({unpack}"))
        .push_bind(json);
    sql.push(match dialect {
        crate::Dialect::Sqlite => "))",
        crate::Dialect::MySql => ", '$[*]' COLUMNS (v BIGINT PATH '$')) AS j)",
    });
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

/// The row of `sql` (as for [`by_ids`]) whose `column` is `id`, if there is one.
pub async fn by_id<R>(db: &Db, sql: Sql, column: &str, id: Id) -> Result<Option<R>, sqlx::Error>
where
    R: for<'r> FromRow<'r, AnyRow> + Send + Unpin,
{
    Ok(by_ids(db, sql, column, &[id], "").await?.pop())
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

/// A row of one count named `n` (`SELECT COUNT(*) AS n …`).
#[derive(Debug, Clone, Copy, FromRow)]
pub struct CountRow {
    #[sqlx(try_from = "i64")]
    pub n: Count,
}

/// A count of the rows of one id (`SELECT post_id AS id, COUNT(*) AS n … GROUP BY post_id`).
#[derive(Debug, Clone, Copy, FromRow)]
pub struct IdCount {
    pub id: i64,
    #[sqlx(try_from = "i64")]
    pub n: Count,
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

#[cfg(test)]
mod tests {
    use super::*;
    use plaza_types::Cursor;

    /// A database of the dialect the test run chose, with communities 1 to 5 (region 1).
    async fn five_communities(dir: &std::path::Path) -> Db {
        let db = crate::testing::fresh_db(dir, 2).await;
        for id in 1..=5i64 {
            sqlx::query(
                "INSERT INTO communities (id, region, title_id, name, description, created_at, \
                 updated_at) VALUES (?, 1, 't', 'n', 'd', 0, 0)",
            )
            .bind(id)
            .execute(&db.pool)
            .await
            .unwrap();
        }
        db
    }

    #[derive(Debug, FromRow)]
    struct Row {
        id: i64,
    }

    /// What a row becomes; row 4 fails to, as a stored value out of range would.
    #[derive(Debug, PartialEq)]
    struct Item(i64);

    impl TryFrom<Row> for Item {
        type Error = sqlx::Error;
        fn try_from(row: Row) -> Result<Self, sqlx::Error> {
            let stored = if row.id == 4 { 300 } else { row.id };
            narrow::<u8>("id", stored).map(|_| Item(row.id))
        }
    }

    async fn walk(db: &Db, order: Order) -> Vec<i64> {
        let mut seen: Vec<i64> = Vec::new();
        let mut cursor = None;
        loop {
            let keyset = Keyset {
                column: "id",
                order,
                cursor,
                limit: 2,
            };
            let rows = sql("SELECT id FROM communities WHERE id <> 4");
            let page = keyset.fetch(db, rows, |r: &Row| r.id).await.unwrap();
            seen.extend(page.items.into_iter().map(|Item(id)| id));
            match page.next_cursor {
                Some(next) => cursor = Cursor::key_from(Some(&next)).unwrap(),
                None => return seen,
            }
        }
    }

    #[tokio::test]
    async fn keyset_pages_walk_a_table_both_ways() {
        let dir = tempfile::tempdir().unwrap();
        let db = five_communities(dir.path()).await;
        assert_eq!(walk(&db, Order::Asc).await, [1, 2, 3, 5]);
        assert_eq!(walk(&db, Order::Desc).await, [5, 3, 2, 1]);
        let all = sql("SELECT id FROM communities WHERE 1 = 1");
        let keyset = Keyset::asc("id", None, 10);
        let page = keyset.fetch::<Row, Item>(&db, all, |r| r.id).await;
        assert!(page.is_err(), "row 4 does not fit");
    }

    #[tokio::test]
    async fn a_batch_reads_each_asked_row_once_and_an_empty_batch_reads_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let db = five_communities(dir.path()).await;
        let asked = [Id(4), Id(2), Id(4), Id(9)];
        let select = || sql("SELECT id FROM communities WHERE region = 1 AND ");
        let rows: Vec<IdRow> = by_ids(&db, select(), "id", &asked, " ORDER BY id")
            .await
            .unwrap();
        let ids: Vec<Id> = rows.into_iter().map(Id::from).collect();
        assert_eq!(ids, [Id(2), Id(4)]);
        let none: Vec<IdRow> = by_ids(&db, select(), "id", &[], "").await.unwrap();
        assert!(none.is_empty());
        let mut others = sql("SELECT id FROM communities WHERE region = 1");
        push_not_in(&mut others, "id", &asked);
        let others: Vec<IdRow> = others.build_query_as().fetch_all(&db.pool).await.unwrap();
        assert_eq!(others.len(), 3);
    }

    #[derive(Debug, FromRow)]
    struct Region {
        #[sqlx(try_from = "i64")]
        region: u8,
    }

    fn is_decode_error_of(err: &sqlx::Error, column: &str) -> bool {
        matches!(err, sqlx::Error::ColumnDecode { index, .. } if index.contains(column))
    }

    #[tokio::test]
    async fn a_stored_value_out_of_range_is_a_decode_error_not_zero() {
        let dir = tempfile::tempdir().unwrap();
        let db = five_communities(dir.path()).await;
        sqlx::query("UPDATE communities SET region = 300 WHERE id = 1")
            .execute(&db.pool)
            .await
            .unwrap();
        let region = |id: i64| {
            sqlx::query_as::<_, Region>("SELECT region FROM communities WHERE id = ?")
                .bind(id)
                .fetch_one(&db.pool)
        };
        assert_eq!(region(2).await.unwrap().region, 1);
        let err = region(1).await.unwrap_err();
        assert!(is_decode_error_of(&err, "region"), "{err:?}");

        let count = |id: i64| {
            sqlx::query_as::<_, CountRow>("SELECT COUNT(*) - 1 AS n FROM communities WHERE id = ?")
                .bind(id)
                .fetch_one(&db.pool)
        };
        assert_eq!(count(1).await.unwrap().n, Count(0));
        let err = count(42).await.unwrap_err();
        assert!(is_decode_error_of(&err, "n"), "{err:?}");
    }

    #[test]
    fn narrowing_names_the_column_that_did_not_fit() {
        assert_eq!(narrow::<u32>("width", 320).unwrap(), 320);
        let err = narrow::<u32>("width", -1).unwrap_err();
        assert!(is_decode_error_of(&err, "width"));
        assert!(narrow::<u8>("region", 256).is_err());
    }
}
