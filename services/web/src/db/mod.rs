//! The web service's tables: accounts, sessions, communities, favourites, follows, blocks and
//! moderation (moderators, reports, the moderation log, suspensions).

pub mod account_deletion;
pub mod admin_list;
pub mod banned_ranges;
pub mod blocks;
pub mod communities;
pub mod console_links;
pub mod favourites;
pub mod follows;
pub mod idempotency;
pub mod moderation_log;
pub mod moderators;
pub mod position;
pub mod reports;
pub mod sessions;
pub mod suspensions;
pub mod titles;
pub mod users;
pub mod word_filters;

use plaza_storage::sqlx::any::AnyArguments;
use plaza_storage::sqlx::query::Query;
use plaza_storage::{Db, FreshRead, Keyset, sqlx};
use plaza_types::{Id, Page};

/// `table`'s [`Fingerprint`](crate::filters::Fingerprint): its row count, highest id and the sum
/// of its ids modulo 2^31 - 1 (at most 2^31 per row, so no overflow below a million rows). One
/// pass over the primary key; for the small admin-edited lists read before every check, so one
/// query serves the checks waiting at the same moment (`plaza_storage::fresh`).
pub(crate) fn fingerprint(db: &Db, table: &str) -> FreshRead<crate::filters::Fingerprint> {
    FreshRead::new(
        db.clone(),
        format!(
            "SELECT COUNT(*) AS row_count, COALESCE(MAX(id), 0) AS max_id, {} AS id_sum FROM {table}",
            db.dialect.sum_int("id % 2147483647")
        ),
    )
}

/// A row of a list of people or communities: its keyset id and the id it names.
#[derive(Debug, sqlx::FromRow)]
struct OtherRow {
    id: i64,
    other: i64,
}

impl TryFrom<OtherRow> for Id {
    type Error = sqlx::Error;

    fn try_from(row: OtherRow) -> Result<Self, sqlx::Error> {
        Ok(Id(row.other))
    }
}

/// A page of the ids a pair table (`blocks`, `follows`, `favourites`) links `user` to, newest
/// first: `table`'s rows whose `mine` column is `user`, naming the `other` column's ids.
pub(crate) async fn others(
    db: &Db,
    table: &str,
    [mine, other]: [&str; 2],
    user: Id,
    before: Option<i64>,
    limit: u32,
) -> Result<Page<Id>, sqlx::Error> {
    let mut sql = plaza_storage::sql(&format!(
        "SELECT id, {other} AS other FROM {table} WHERE {mine} = "
    ));
    sql.push_bind(user.0);
    Keyset::desc("id", before, limit)
        .fetch(db, sql, |r: &OtherRow| r.id)
        .await
}

/// Every id `sql` names for `user`, at most `limit` (`sql` is `SELECT <id column> FROM … WHERE
/// <user column> = ? LIMIT ?`): what a reader's cached lists (followed people, favourites) hold.
pub(crate) async fn linked_ids(
    db: &Db,
    sql: &'static str,
    user: Id,
    limit: i64,
) -> Result<Vec<Id>, sqlx::Error> {
    let ids: Vec<i64> = sqlx::query_scalar(sql)
        .bind(user.0)
        .bind(limit)
        .fetch_all(&db.pool)
        .await?;
    Ok(ids.into_iter().map(Id).collect())
}

/// Runs a `SELECT COUNT(*) AS n …` query about one id.
pub(crate) async fn count<'e, E>(executor: E, sql: &'static str, id: Id) -> Result<i64, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row: plaza_storage::CountRow = sqlx::query_as(sql).bind(id.0).fetch_one(executor).await?;
    Ok(row.n.0)
}

/// The query of `sql` about the pair (`a`, `b`) of a pair table (`blocks`, `follows`,
/// `favourites`): `sql` ends `WHERE <a> = ? AND <b> = ?`.
fn pair(sql: &'static str, a: Id, b: Id) -> Query<'static, sqlx::Any, AnyArguments> {
    sqlx::query(sql).bind(a.0).bind(b.0)
}

/// Whether a pair table holds the row of (`a`, `b`) (`sql` is `SELECT 1 AS x FROM … WHERE …`).
pub(crate) async fn pair_exists<'e, E>(
    executor: E,
    sql: &'static str,
    a: Id,
    b: Id,
) -> Result<bool, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(pair(sql, a, b).fetch_optional(executor).await?.is_some())
}

/// Deletes the row of (`a`, `b`) from a pair table (`sql` is `DELETE FROM … WHERE …`); whether
/// there was one.
pub(crate) async fn delete_pair<'e, E>(
    executor: E,
    sql: &'static str,
    a: Id,
    b: Id,
) -> Result<bool, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(pair(sql, a, b).execute(executor).await?.rows_affected() == 1)
}
