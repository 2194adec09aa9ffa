//! The jobs that services leave for the worker, and their payloads.

use crate::{Id, Millis};
use serde::{Deserialize, Serialize};

/// Deliver one [`crate::notification::Event`] to the notification service.
pub const NOTIFY: &str = "notify";

/// Withdraw notifications: the payload is a [`crate::notification::Withdrawal`].
pub const WITHDRAW: &str = "withdraw_notification";

/// A comment was deleted: its notifications go away.
pub const COMMENT_DELETED: &str = "comment_deleted";

/// A comment was made: notify the post's author and the post's other commenters.
pub const COMMENT_CREATED: &str = "comment_created";

/// The payload of [`COMMENT_CREATED`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CommentCreated {
    pub post_id: Id,
    pub comment_id: Id,
    pub post_author_id: Id,
    pub commenter_id: Id,
    pub at: Millis,
    /// People the commenter blocks or is blocked by: they are not told of the comment.
    #[serde(default)]
    pub exclude_recipient_ids: Vec<Id>,
}

/// The payload of [`COMMENT_DELETED`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CommentDeleted {
    pub post_id: Id,
    pub comment_id: Id,
    pub post_author_id: Id,
    pub commenter_id: Id,
    /// Whether the commenter still has another comment on the post (then the "commented on"
    /// notifications that name them stay).
    pub commenter_remains: bool,
}
