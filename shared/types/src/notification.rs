//! What the notification service takes and returns over REST.

use crate::{Id, Millis};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Why someone is notified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = NotificationKind)]
pub enum Kind {
    /// Someone gave your post a Yeah (target: the post).
    PostYeah,
    /// Someone gave your comment a Yeah (target: the comment).
    CommentYeah,
    /// Someone commented on your post (target: the post).
    PostComment,
    /// Someone commented on a post you commented on (target: the post).
    ThreadComment,
    /// Someone followed you (target: you).
    Follow,
    /// A notice from staff: a moderator acted on your post, comment or account (target: the
    /// moderation log entry, which says what and why).
    StaffNotice,
    /// A notice from staff: a report you made was handled (target: the moderation log entry).
    ReportHandled,
}

impl Kind {
    /// The kinds whose target is a post or comment (the others name a person or a log entry).
    pub const ABOUT_CONTENT: [Kind; 4] = [
        Kind::PostYeah,
        Kind::CommentYeah,
        Kind::PostComment,
        Kind::ThreadComment,
    ];

    /// The number stored in the `kind` column.
    pub fn code(self) -> i64 {
        match self {
            Kind::PostYeah => 1,
            Kind::CommentYeah => 2,
            Kind::PostComment => 3,
            Kind::ThreadComment => 4,
            Kind::Follow => 5,
            Kind::StaffNotice => 6,
            Kind::ReportHandled => 7,
        }
    }

    /// The kind stored as `code`.
    pub fn from_code(code: i64) -> Option<Self> {
        Some(match code {
            1 => Kind::PostYeah,
            2 => Kind::CommentYeah,
            3 => Kind::PostComment,
            4 => Kind::ThreadComment,
            5 => Kind::Follow,
            6 => Kind::StaffNotice,
            7 => Kind::ReportHandled,
            _ => return None,
        })
    }
}

/// Something happened that `recipient_id` should hear of. Delivering the same `dedupe_key` twice
/// notifies once.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Event {
    pub recipient_id: Id,
    pub kind: Kind,
    pub target_id: Id,
    pub actor_id: Id,
    pub dedupe_key: String,
    /// Unix milliseconds, UTC.
    #[schema(value_type = i64)]
    pub at: Millis,
}

/// A grouped notification: "alice, bob and 3 others gave your post a Yeah".
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Group {
    pub id: Id,
    pub kind: Kind,
    pub target_id: Id,
    /// The most recent actors, newest first (at most two).
    pub latest_actor_ids: Vec<Id>,
    pub actor_count: i64,
    pub read: bool,
    /// Unix milliseconds, UTC.
    #[schema(value_type = i64)]
    pub updated_at: Millis,
}

/// Takes an actor out of a recipient's notifications (a Yeah taken back, a comment deleted, a
/// block), or removes whole groups (`actor_id` absent: then `kind` and `target_id` are required).
/// A group left without actors disappears.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Withdrawal {
    pub recipient_id: Id,
    /// Only groups of this kind (all kinds when absent).
    #[serde(default)]
    pub kind: Option<Kind>,
    /// Only groups about this target (all targets when absent).
    #[serde(default)]
    pub target_id: Option<Id>,
    /// The actor to take out; absent: the matching groups go entirely.
    #[serde(default)]
    pub actor_id: Option<Id>,
    /// When the action was taken back (Unix milliseconds, UTC): the actor is taken out only of
    /// groups where their action is older, so an action redone after it (a Yeah given again),
    /// whose event may be delivered before this withdrawal runs, stays. Absent (jobs queued
    /// before this field existed, blocks, deletions): taken out whatever the time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<i64>)]
    pub at: Option<Millis>,
}

/// Whether a withdrawal changed any notification.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Withdrawn {
    pub changed: bool,
}

/// The posts and comments of a deleted account: the notifications about them go from every
/// list (at most [`ErasedTargets::MAX`] a request).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErasedTargets {
    pub target_ids: Vec<Id>,
}

impl ErasedTargets {
    /// The most targets one request names.
    pub const MAX: usize = 500;
}

/// Whether delivering an event made or grew a notification.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Delivered {
    pub notified: bool,
}

/// Unread groups of a recipient.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UnreadCount {
    pub unread: i64,
}
