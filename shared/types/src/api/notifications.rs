//! Notifications: grouped, with their sentence, and the unread count.

use super::users::UserRef;
use crate::Id;
use crate::notification::Kind;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

/// A grouped notification, with its sentence.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Notification)]
pub struct NotificationView {
    pub id: Id,
    pub kind: Kind,
    pub target_id: Id,
    /// The most recent actors, newest first (at most two).
    pub actors: Vec<UserRef>,
    pub actor_count: i64,
    #[schema(example = "alice, bob and 3 others gave your post a Yeah.")]
    pub text: String,
    pub url: String,
    pub read: bool,
    pub updated_at: DateTime<Utc>,
}

/// `{"unread": n}`: how many notification groups are unread.
#[derive(Debug, Serialize, ToSchema)]
pub struct Unread {
    pub unread: i64,
}

super::list!(
    /// A page of notifications.
    NotificationList,
    notifications,
    NotificationView
);
