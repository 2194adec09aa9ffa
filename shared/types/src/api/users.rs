//! People: a person beside what they wrote, a profile with its relation, follow and block.

use super::accounts::UserView;
use crate::Id;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A person as shown beside what they wrote.
#[derive(Debug, Clone, Hash, Serialize, Deserialize, ToSchema)]
pub struct UserRef {
    pub id: Id,
    pub username: String,
    pub display_name: String,
}

impl UserRef {
    /// Stands in for an account that no longer exists.
    pub fn deleted(id: Id) -> Self {
        UserRef {
            id,
            username: String::new(),
            display_name: "(deleted account)".into(),
        }
    }
}

/// A profile with follow counts and, for a signed-in caller, the relation.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Profile {
    #[serde(flatten)]
    pub user: UserView,
    pub following_count: i64,
    pub follower_count: i64,
    /// Only for a signed-in caller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub followed_by_me: Option<bool>,
    /// Only for a signed-in caller.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub blocked_by_me: Option<bool>,
}

/// `{"user": <profile>}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfileBody {
    pub user: Profile,
}

/// `{"following": ...}`: whether the caller now follows the person.
#[derive(Debug, Serialize, ToSchema)]
pub struct Following {
    pub following: bool,
}

/// `{"blocking": ...}`: whether the caller now blocks the person.
#[derive(Debug, Serialize, ToSchema)]
pub struct Blocking {
    pub blocking: bool,
}

super::list!(
    /// A page of people.
    UserList,
    users,
    UserRef
);
