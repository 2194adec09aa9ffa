//! The `suspensions` table: an account's suspensions, bans and their lifting. Rows are never
//! updated: the account's newest row says what holds (ARCHITECTURE §3, one writer per row).

use plaza_storage::sqlx::{self, AssertSqlSafe};
use plaza_types::{Id, Millis, now_millis};

/// What a suspension row says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuspensionKind {
    /// A suspension or ban ended early.
    Lifted,
    /// No writing until `until`.
    Suspended,
    /// No writing and no signing in, for good.
    Banned,
}

impl SuspensionKind {
    fn code(self) -> i64 {
        match self {
            SuspensionKind::Lifted => 0,
            SuspensionKind::Suspended => 1,
            SuspensionKind::Banned => 2,
        }
    }

    fn from_code(code: i64) -> Self {
        match code {
            0 => SuspensionKind::Lifted,
            1 => SuspensionKind::Suspended,
            _ => SuspensionKind::Banned,
        }
    }
}

/// A suspension or ban in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suspension {
    pub id: Id,
    pub user_id: Id,
    pub kind: SuspensionKind,
    pub reason: String,
    /// When a suspension ends; `None` for a ban.
    pub until: Option<Millis>,
    /// The moderation log entry that made it.
    pub log_id: Id,
    pub created_at: Millis,
}

#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: i64,
    user_id: i64,
    kind: i64,
    reason: String,
    until_at: Option<i64>,
    log_id: i64,
    created_at: i64,
}

/// Records a suspension, ban or lift (inside the action's transaction).
#[expect(clippy::too_many_arguments, reason = "one column each")]
pub async fn insert<'e, E>(
    executor: E,
    id: Id,
    region: u8,
    user: Id,
    kind: SuspensionKind,
    reason: &str,
    until: Option<Millis>,
    log_id: Id,
    by: Id,
) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO suspensions (id, region, user_id, kind, reason, until_at, log_id, created_by, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id.0)
    .bind(i64::from(region))
    .bind(user.0)
    .bind(kind.code())
    .bind(reason)
    .bind(until)
    .bind(log_id.0)
    .bind(by.0)
    .bind(now_millis())
    .execute(executor)
    .await?;
    Ok(())
}

/// The suspension or ban `user` is under now, if any (served by `suspensions_by_user`).
pub async fn current(db: &plaza_storage::Db, user: Id) -> Result<Option<Suspension>, sqlx::Error> {
    let sql = "SELECT id, user_id, kind, reason, until_at, log_id, created_at FROM suspensions \
               WHERE user_id = ? ORDER BY id DESC LIMIT 1";
    let Some(row) = sqlx::query_as::<_, Row>(AssertSqlSafe(sql))
        .bind(user.0)
        .fetch_optional(&db.pool)
        .await?
    else {
        return Ok(None);
    };
    let suspension = Suspension {
        id: Id(row.id),
        user_id: Id(row.user_id),
        kind: SuspensionKind::from_code(row.kind),
        reason: row.reason,
        until: row.until_at,
        log_id: Id(row.log_id),
        created_at: row.created_at,
    };
    let in_force = match suspension.kind {
        SuspensionKind::Lifted => false,
        SuspensionKind::Suspended => suspension.until.is_some_and(|u| u > now_millis()),
        SuspensionKind::Banned => true,
    };
    Ok(in_force.then_some(suspension))
}
