//! The `reports` table. Reports are written in the reporter's home region and never changed: a
//! report is *open* while no resolving entry of the moderation log about its target is newer
//! than it (so resolving another region's reports writes none of its rows).

use plaza_storage::sqlx::{self, AssertSqlSafe};
use plaza_storage::{Db, push_in};
use plaza_types::moderation::{ReportReason, Target, TargetKind};
use plaza_types::{Id, Millis, Page};

/// One report.
#[derive(Debug, Clone)]
pub struct Report {
    pub id: Id,
    /// `Id(0)` for the system (a word filter, the report threshold).
    pub reporter_id: Id,
    pub target: Target,
    pub target_author_id: Id,
    /// The community of a reported post or comment.
    pub community_id: Option<Id>,
    pub reason: ReportReason,
    pub body: String,
    pub created_at: Millis,
}

/// A report to store.
#[derive(Debug, Clone)]
pub struct NewReport<'a> {
    pub id: Id,
    pub region: u8,
    pub reporter_id: Id,
    pub target: Target,
    pub target_author_id: Id,
    pub community_id: Option<Id>,
    pub reason: ReportReason,
    pub body: &'a str,
}

#[derive(Debug, sqlx::FromRow)]
struct Row {
    id: i64,
    reporter_id: i64,
    target_kind: i64,
    target_id: i64,
    target_author_id: i64,
    community_id: i64,
    reason: i64,
    body: String,
    created_at: i64,
}

impl TryFrom<Row> for Report {
    type Error = sqlx::Error;

    fn try_from(r: Row) -> Result<Self, sqlx::Error> {
        let kind =
            TargetKind::from_code(r.target_kind).ok_or_else(|| sqlx::Error::ColumnDecode {
                index: "target_kind".into(),
                source: format!("unknown target kind {}", r.target_kind).into(),
            })?;
        Ok(Report {
            id: Id(r.id),
            reporter_id: Id(r.reporter_id),
            target: Target {
                kind,
                id: Id(r.target_id),
            },
            target_author_id: Id(r.target_author_id),
            community_id: (r.community_id != 0).then_some(Id(r.community_id)),
            reason: ReportReason::from_code(r.reason),
            body: r.body,
            created_at: r.created_at,
        })
    }
}

const COLUMNS: &str = "r.id, r.reporter_id, r.target_kind, r.target_id, r.target_author_id, \
     r.community_id, r.reason, r.body, r.created_at";

/// The condition that a report `r` is open: no resolving log entry about its target is newer.
const OPEN: &str = "NOT EXISTS (SELECT 1 FROM moderation_log l WHERE l.target_kind = r.target_kind \
     AND l.target_id = r.target_id AND l.resolves = 1 AND l.id > r.id)";

/// Stores a report; `false` when the reporter already reported the target (one report per
/// person and target; the system's reports are each their own).
pub async fn insert<'e, E>(executor: E, report: &NewReport<'_>) -> Result<bool, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let dedupe = if report.reporter_id.0 == 0 {
        format!("s:{}", report.id)
    } else {
        format!(
            "u:{}:{}:{}",
            report.reporter_id,
            report.target.kind.code(),
            report.target.id
        )
    };
    let result = sqlx::query(
        "INSERT INTO reports (id, region, reporter_id, target_kind, target_id, target_author_id, \
         community_id, reason, body, dedupe_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(report.id.0)
    .bind(i64::from(report.region))
    .bind(report.reporter_id.0)
    .bind(report.target.kind.code())
    .bind(report.target.id.0)
    .bind(report.target_author_id.0)
    .bind(report.community_id.map_or(0, |c| c.0))
    .bind(report.reason.code())
    .bind(report.body)
    .bind(dedupe)
    .bind(plaza_types::now_millis())
    .execute(executor)
    .await;
    plaza_storage::inserted_unless_duplicate(result)
}

/// The open reports about `target`, oldest first (at most 200; served by `reports_by_target`).
pub async fn open_for<'e, E>(executor: E, target: Target) -> Result<Vec<Report>, sqlx::Error>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let sql = format!(
        "SELECT {COLUMNS} FROM reports r WHERE r.target_kind = ? AND r.target_id = ? AND {OPEN} \
         ORDER BY r.id LIMIT 200"
    );
    sqlx::query_as::<_, Row>(AssertSqlSafe(sql))
        .bind(target.kind.code())
        .bind(target.id.0)
        .fetch_all(executor)
        .await?
        .into_iter()
        .map(Report::try_from)
        .collect()
}

/// Whether `reporter` has reported `target` (ever: one report per person and target).
pub async fn exists(db: &Db, reporter: Id, target: Target) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "SELECT 1 AS x FROM reports WHERE reporter_id = ? AND target_kind = ? AND target_id = ?",
    )
    .bind(reporter.0)
    .bind(target.kind.code())
    .bind(target.id.0)
    .fetch_optional(&db.pool)
    .await?
    .is_some())
}

/// One target in the review queue: how many open reports it has and the newest one's id.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub target: Target,
    pub target_author_id: Id,
    pub community_id: Option<Id>,
    pub open_reports: i64,
    pub newest_report_id: Id,
}

#[derive(Debug, sqlx::FromRow)]
struct QueueRow {
    target_kind: i64,
    target_id: i64,
    target_author_id: i64,
    community_id: i64,
    n: i64,
    newest: i64,
}

/// Where a page of the review queue starts, for its order.
#[derive(Debug, Clone, Copy)]
pub enum QueueStart {
    /// The most recently reported first: targets whose newest report is older than this id.
    Newest(Option<i64>),
    /// The most reported first: after this many targets (the order changes as reports come
    /// and go, as popularity lists do).
    MostReported(u32),
}

/// The review queue: targets with open reports in the order `start` names, in `communities`
/// only when given (a community moderator's scope). Accounts have no community, so only an
/// unscoped queue (global moderators) shows them.
pub async fn queue(
    db: &Db,
    communities: Option<&[Id]>,
    start: QueueStart,
    limit: u32,
) -> Result<Page<QueueItem>, sqlx::Error> {
    if communities.is_some_and(<[Id]>::is_empty) {
        return Ok(Page {
            items: Vec::new(),
            next_cursor: None,
        });
    }
    let mut sql = plaza_storage::sql(&format!(
        "SELECT r.target_kind, r.target_id, MAX(r.target_author_id) AS target_author_id, \
         MAX(r.community_id) AS community_id, COUNT(*) AS n, MAX(r.id) AS newest \
         FROM reports r WHERE {OPEN}"
    ));
    if let Some(communities) = communities {
        sql.push(" AND ");
        push_in(&mut sql, "r.community_id", communities.iter().map(|c| c.0));
    }
    sql.push(" GROUP BY r.target_kind, r.target_id");
    match start {
        QueueStart::Newest(before) => {
            if let Some(before) = before {
                sql.push(" HAVING MAX(r.id) < ").push_bind(before);
            }
            sql.push(" ORDER BY newest DESC, n DESC LIMIT ")
                .push_bind(i64::from(limit) + 1);
        }
        QueueStart::MostReported(offset) => {
            sql.push(" ORDER BY n DESC, newest DESC LIMIT ")
                .push_bind(i64::from(limit) + 1)
                .push(" OFFSET ")
                .push_bind(i64::from(offset));
        }
    }
    let rows: Vec<QueueRow> = sql.build_query_as().fetch_all(&db.pool).await?;
    let mut page = Page::from_overfetch(rows, limit, |r| r.newest);
    if let (QueueStart::MostReported(offset), Some(_)) = (start, &page.next_cursor) {
        page.next_cursor = Some(plaza_types::Cursor::Offset(offset + limit).encode());
    }
    let items = page
        .items
        .into_iter()
        .filter_map(|r| {
            Some(QueueItem {
                target: Target {
                    kind: TargetKind::from_code(r.target_kind)?,
                    id: Id(r.target_id),
                },
                target_author_id: Id(r.target_author_id),
                community_id: (r.community_id != 0).then_some(Id(r.community_id)),
                open_reports: r.n,
                newest_report_id: Id(r.newest),
            })
        })
        .collect();
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}
