//! Moderation: reports, the review queue, moderators' actions, the audit log, moderators and
//! the staff notices people get.

use super::posts::{CommentView, PostView};
use super::users::UserRef;
use crate::Id;
use crate::moderation::{Action, ReportReason, Target, TargetKind};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A report to make: what, and why (`other` needs a text).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ReportInput {
    pub target_kind: TargetKind,
    pub target_id: Id,
    pub reason: ReportReason,
    /// What is wrong, in the reporter's words (at most 500 characters; required for `other`).
    #[serde(default)]
    pub body: String,
}

/// A report as its reporter sees it after making it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportView {
    pub id: Id,
    pub target: Target,
    pub reason: ReportReason,
    pub body: String,
    /// Whether this report brought the content to the spoiler threshold (it is now marked).
    pub marked_spoiler: bool,
    /// Whether this report brought the content to the hiding threshold (hidden pending review).
    pub hidden: bool,
}

/// `{"report": {...}}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportCreated {
    pub report: ReportView,
}

/// One report in the queue.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueueReport {
    pub id: Id,
    /// Who reported; absent when the system did (a word filter, the report threshold).
    pub reporter: Option<UserRef>,
    pub reason: ReportReason,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

/// A suspension or ban in force.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SuspensionView {
    /// Absent for a ban.
    pub until: Option<DateTime<Utc>>,
    pub reason: String,
    pub banned: bool,
}

/// The order of the review queue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QueueSort {
    /// The most recently reported first.
    #[default]
    Newest,
    /// The most open reports first (then the most recently reported).
    MostReported,
}

impl QueueSort {
    /// The word used in URLs and the API.
    pub fn name(self) -> &'static str {
        match self {
            QueueSort::Newest => "newest",
            QueueSort::MostReported => "most_reported",
        }
    }
}

/// The review queue's query: its order and where the page starts.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// `newest` (the default) or `most_reported`.
    #[serde(default)]
    #[param(inline)]
    pub sort: QueueSort,
    /// Opaque cursor from a previous page (of the same order).
    pub cursor: Option<String>,
}

/// One target of the review queue: what was reported, its open reports, its author and what
/// moderators did about the author before.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueueItem {
    pub target: Target,
    pub open_reports: i64,
    /// When the newest open report came.
    pub last_reported_at: DateTime<Utc>,
    pub community_id: Option<Id>,
    /// The reported post (with its drawing and screenshot), for a post.
    pub post: Option<PostView>,
    /// The reported comment, for a comment.
    pub comment: Option<CommentView>,
    /// Whoever wrote it, or the reported account.
    pub author: UserRef,
    /// When the author's account was made.
    pub author_since: DateTime<Utc>,
    /// The author's suspension or ban in force, if any.
    pub author_suspension: Option<SuspensionView>,
    pub reports: Vec<QueueReport>,
    /// The latest actions about the author's content or account, newest first (at most 10).
    pub earlier_actions: Vec<LogEntry>,
}

super::list!(
    /// A page of the review queue, the most recently reported first.
    QueueList,
    queue,
    QueueItem
);

/// What a moderator does about a target. Every action but `dismiss` and `restore` needs a
/// reason (at most 500 characters), which the author is shown.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ActionInput {
    /// dismiss, mark_spoiler, hide, remove, restore, warn, suspend, ban or lift.
    pub action: Action,
    #[serde(default)]
    pub reason: String,
    /// For `suspend`: how long, in hours (1 to 8760).
    #[serde(default)]
    pub duration_hours: Option<u32>,
    /// For `ban`: also hide everything the account wrote.
    #[serde(default)]
    pub hide_content: bool,
}

/// An entry of the moderation (audit) log: who did what, when and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LogEntry {
    pub id: Id,
    /// The moderator or admin; absent when the system acted.
    pub actor: Option<UserRef>,
    pub action: Action,
    pub target: Target,
    pub target_author: UserRef,
    pub community_id: Option<Id>,
    pub reason: String,
    /// When a suspension ends.
    pub until: Option<DateTime<Utc>>,
    /// How many open reports it resolved.
    pub report_count: i64,
    pub created_at: DateTime<Utc>,
}

/// `{"entry": {...}}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LogEntryCreated {
    pub entry: LogEntry,
}

super::list!(
    /// A page of the moderation log, newest first.
    LogList,
    entries,
    LogEntry
);

/// An appointment to make: a user, for one community or (no community) for all.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ModeratorInput {
    pub username: String,
    #[serde(default)]
    pub community_id: Option<Id>,
}

/// A moderator: who, where, since when.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModeratorView {
    pub id: Id,
    pub user: UserRef,
    /// Absent for a moderator of every community.
    pub community_id: Option<Id>,
    pub created_at: DateTime<Utc>,
}

/// `{"moderator": {...}}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ModeratorCreated {
    pub moderator: ModeratorView,
}

super::list!(
    /// A page of moderators, the latest appointed first.
    ModeratorList,
    moderators,
    ModeratorView
);

/// A staff notice as its recipient sees it: to the author, what was done and why; to a
/// reporter, that their report was handled and how.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoticeView {
    pub id: Id,
    pub action: Action,
    pub target: Target,
    /// The reason, shown to the person the action was about (absent for reporters).
    pub reason: Option<String>,
    pub until: Option<DateTime<Utc>>,
    /// Whether the viewer was the one acted on (else they reported it).
    pub about_me: bool,
    /// Whether the post, comment or account is no longer there for the viewer (removed or
    /// hidden by a moderator, deleted by its author, or its account deleted): the notice then
    /// says so and links to nothing.
    pub target_gone: bool,
    pub created_at: DateTime<Utc>,
}

/// `{"notice": {...}}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NoticeWrapper {
    pub notice: NoticeView,
}
