//! The jobs that services leave for the worker, and their payloads.

use crate::{Id, Millis};
use serde::{Deserialize, Serialize};

/// Deliver one [`crate::notification::Event`] to the notification service.
pub const NOTIFY: &str = "notify";

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
}
