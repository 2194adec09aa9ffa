//! The `moderators` table: who moderates every community (a global moderator, `community_id` 0)
//! or one community. Rows are written by the appointing admin's region.

use plaza_storage::sqlx::{self, AssertSqlSafe};
use plaza_storage::{Db, Keyset};
use plaza_types::{Id, IdGenerator, Page, now_millis};

/// One appointment.
#[derive(Debug, Clone)]
pub struct Moderator {
    pub id: Id,
    pub region: u8,
    pub user_id: Id,
    /// The community moderated, or `None` for every community.
    pub community_id: Option<Id>,
    pub appointed_by: Id,
    pub created_at: i64,
}

#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: i64,
    #[sqlx(try_from = "i64")]
    region: u8,
    user_id: i64,
    community_id: i64,
    appointed_by: i64,
    created_at: i64,
}

impl TryFrom<Row> for Moderator {
    type Error = sqlx::Error;

    fn try_from(r: Row) -> Result<Self, sqlx::Error> {
        Ok(Moderator {
            id: Id(r.id),
            region: r.region,
            user_id: Id(r.user_id),
            community_id: (r.community_id != 0).then_some(Id(r.community_id)),
            appointed_by: Id(r.appointed_by),
            created_at: r.created_at,
        })
    }
}

const COLUMNS: &str = "id, region, user_id, community_id, appointed_by, created_at";

/// Appoints `user` (for `community`, or everywhere); whether the appointment is new.
pub async fn insert<'e, E>(
    executor: E,
    db: &Db,
    ids: &IdGenerator,
    user: Id,
    community: Option<Id>,
    by: Id,
) -> Result<bool, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = format!(
        "{} INTO moderators ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
        db.dialect.insert_ignore()
    );
    Ok(sqlx::query(AssertSqlSafe(sql))
        .bind(ids.next_id().0)
        .bind(i64::from(ids.region()))
        .bind(user.0)
        .bind(community.map_or(0, |c| c.0))
        .bind(by.0)
        .bind(now_millis())
        .execute(executor)
        .await?
        .rows_affected()
        == 1)
}

/// The appointment of `user` for `community` (or everywhere), if there is one.
pub async fn find(
    db: &Db,
    user: Id,
    community: Option<Id>,
) -> Result<Option<Moderator>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM moderators WHERE user_id = ? AND community_id = ?");
    sqlx::query_as::<_, Row>(AssertSqlSafe(sql))
        .bind(user.0)
        .bind(community.map_or(0, |c| c.0))
        .fetch_optional(&db.pool)
        .await?
        .map(Moderator::try_from)
        .transpose()
}

/// Ends an appointment (by id); whether there was one.
pub async fn delete<'e, E>(executor: E, id: Id) -> Result<bool, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    Ok(sqlx::query("DELETE FROM moderators WHERE id = ?")
        .bind(id.0)
        .execute(executor)
        .await?
        .rows_affected()
        == 1)
}

/// What `user` moderates (at most 1000 appointments).
pub async fn of_user(db: &Db, user: Id) -> Result<Vec<Moderator>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM moderators WHERE user_id = ? ORDER BY id LIMIT 1000");
    sqlx::query_as::<_, Row>(AssertSqlSafe(sql))
        .bind(user.0)
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(Moderator::try_from)
        .collect()
}

/// Every appointment, newest first.
pub async fn list(
    db: &Db,
    before: Option<i64>,
    limit: u32,
) -> Result<Page<Moderator>, sqlx::Error> {
    let sql = plaza_storage::sql(&format!("SELECT {COLUMNS} FROM moderators WHERE 1 = 1"));
    Keyset::desc("id", before, limit)
        .fetch(db, sql, |r: &Row| r.id)
        .await
}

/// One appointment by id.
pub async fn list_one(db: &Db, id: Id) -> Result<Option<Moderator>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM moderators WHERE id = ?");
    sqlx::query_as::<_, Row>(AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_optional(&db.pool)
        .await?
        .map(Moderator::try_from)
        .transpose()
}
