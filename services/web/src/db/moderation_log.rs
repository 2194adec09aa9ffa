//! The `moderation_log` table: every moderation action and role change (who, what, when, why),
//! the audit log admins read. Entries are written in the acting region and never changed.

use plaza_storage::sqlx::{self, AssertSqlSafe};
use plaza_storage::{Db, Keyset};
use plaza_types::moderation::{Action, Target, TargetKind};
use plaza_types::{Id, Millis, Page};

/// One entry.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: Id,
    /// Who acted; `Id(0)` for the system.
    pub actor_id: Id,
    pub action: Action,
    pub target: Target,
    pub target_author_id: Id,
    pub community_id: Option<Id>,
    /// Why, as the moderator wrote it (the author is shown it).
    pub reason: String,
    /// When a suspension ends.
    pub until: Option<Millis>,
    /// Whether it closed the target's open reports.
    pub resolves: bool,
    /// How many open reports it closed.
    pub report_count: i64,
    pub created_at: Millis,
}

#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: i64,
    actor_id: i64,
    action: i64,
    target_kind: i64,
    target_id: i64,
    target_author_id: i64,
    community_id: i64,
    reason: String,
    until_at: Option<i64>,
    resolves: i64,
    report_count: i64,
    created_at: i64,
}

impl TryFrom<Row> for Entry {
    type Error = sqlx::Error;

    fn try_from(r: Row) -> Result<Self, sqlx::Error> {
        let bad = |column: &str, value: i64| sqlx::Error::ColumnDecode {
            index: column.into(),
            source: format!("unknown value {value}").into(),
        };
        Ok(Entry {
            id: Id(r.id),
            actor_id: Id(r.actor_id),
            action: Action::from_code(r.action).ok_or_else(|| bad("action", r.action))?,
            target: Target {
                kind: TargetKind::from_code(r.target_kind)
                    .ok_or_else(|| bad("target_kind", r.target_kind))?,
                id: Id(r.target_id),
            },
            target_author_id: Id(r.target_author_id),
            community_id: (r.community_id != 0).then_some(Id(r.community_id)),
            reason: r.reason,
            until: r.until_at,
            resolves: r.resolves != 0,
            report_count: r.report_count,
            created_at: r.created_at,
        })
    }
}

const COLUMNS: &str = "id, actor_id, action, target_kind, target_id, target_author_id, community_id, \
     reason, until_at, resolves, report_count, created_at";

/// Writes an entry (inside the action's transaction).
pub async fn insert<'e, E>(executor: E, region: u8, entry: &Entry) -> Result<(), sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO moderation_log (region, {COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )))
    .bind(i64::from(region))
    .bind(entry.id.0)
    .bind(entry.actor_id.0)
    .bind(entry.action.code())
    .bind(entry.target.kind.code())
    .bind(entry.target.id.0)
    .bind(entry.target_author_id.0)
    .bind(entry.community_id.map_or(0, |c| c.0))
    .bind(&entry.reason)
    .bind(entry.until)
    .bind(i64::from(entry.resolves))
    .bind(entry.report_count)
    .bind(entry.created_at)
    .execute(executor)
    .await?;
    Ok(())
}

/// One entry by id.
pub async fn get(db: &Db, id: Id) -> Result<Option<Entry>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM moderation_log WHERE id = ?");
    sqlx::query_as::<_, Row>(AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_optional(&db.pool)
        .await?
        .map(Entry::try_from)
        .transpose()
}

/// The whole log, newest first.
pub async fn list(db: &Db, before: Option<i64>, limit: u32) -> Result<Page<Entry>, sqlx::Error> {
    let sql = plaza_storage::sql(&format!("SELECT {COLUMNS} FROM moderation_log WHERE 1 = 1"));
    Keyset::desc("id", before, limit)
        .fetch(db, sql, |r: &Row| r.id)
        .await
}

/// The latest actions about what `author` wrote or about their account, newest first (served
/// by `moderation_log_by_author`): the "earlier actions" a moderator sees in the queue.
pub async fn about_author(db: &Db, author: Id, limit: u32) -> Result<Vec<Entry>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM moderation_log WHERE target_author_id = ? ORDER BY id DESC LIMIT ?"
    );
    sqlx::query_as::<_, Row>(AssertSqlSafe(sql))
        .bind(author.0)
        .bind(i64::from(limit))
        .fetch_all(&db.pool)
        .await?
        .into_iter()
        .map(Entry::try_from)
        .collect()
}
