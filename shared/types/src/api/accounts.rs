//! Accounts and sessions: sign-up and sign-in, the caller's profile and sessions.

use crate::Id;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An account's public profile.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = User)]
pub struct UserView {
    pub id: Id,
    pub username: String,
    pub display_name: String,
    pub bio: String,
    pub is_admin: bool,
    pub home_region: u8,
    pub created_at: DateTime<Utc>,
}

/// A username and password (sign-up and sign-in).
#[derive(Debug, Deserialize, ToSchema)]
pub struct Credentials {
    #[schema(min_length = 3, max_length = 16, pattern = "^[A-Za-z0-9._-]+$")]
    pub username: String,
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
}

/// A new account: a username, a password and, optionally, the region to home it in.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SignUp {
    #[schema(min_length = 3, max_length = 16, pattern = "^[A-Za-z0-9._-]+$")]
    pub username: String,
    #[schema(min_length = 8, max_length = 128)]
    pub password: String,
    /// The region whose database holds the account and makes its writes (default: the region
    /// that serves the request). One of the deployment's regions, else 400 `unknown_region`.
    #[serde(default)]
    pub home_region: Option<u8>,
}

/// `{"user": ..., "token": ...}`: a new account or session.
#[derive(Debug, Serialize, ToSchema)]
pub struct SignedIn {
    pub user: UserView,
    /// Send as Authorization: Bearer <token>.
    pub token: String,
}

/// `{"user": ...}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserBody {
    pub user: UserView,
}

/// What `PATCH /me` changes; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ProfileInput {
    #[schema(max_length = 32)]
    pub display_name: Option<String>,
    #[schema(max_length = 300)]
    pub bio: Option<String>,
    /// The language of the pages for this account: en, ja, or empty to follow the browser's
    /// Accept-Language. Error: invalid_language (422).
    #[schema(pattern = "^(en|ja)?$")]
    pub language: Option<String>,
}

/// A password change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordInput {
    pub current_password: String,
    #[schema(min_length = 8, max_length = 128)]
    pub new_password: String,
}

/// The two kinds of session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// A page session (a cookie).
    Browser,
    /// A bearer token.
    Api,
}

/// One session or token as its owner sees it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Session)]
pub struct SessionView {
    /// Identifies the session for revoking; not a secret.
    pub id: String,
    pub kind: SessionKind,
    pub created_at: DateTime<Utc>,
    /// Updated at most hourly; null when not known.
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
    /// The User-Agent that started it, cut to 160 characters.
    pub user_agent: String,
    /// Whether this is the session making the request.
    pub current: bool,
}

/// `{"sessions": [...]}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionList {
    pub sessions: Vec<SessionView>,
}

/// Lets the pages compare a kind with its name (`s.kind == "api"`).
impl PartialEq<&str> for SessionKind {
    fn eq(&self, other: &&str) -> bool {
        let name = match self {
            SessionKind::Browser => "browser",
            SessionKind::Api => "api",
        };
        name == *other
    }
}
