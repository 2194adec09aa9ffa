//! A person's own data: the archive of everything they posted, and deleting their account.

use crate::Id;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The account's profile as it is stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExportProfile {
    pub id: Id,
    pub username: String,
    pub display_name: String,
    pub bio: String,
    /// The pages' language chosen (`""`: the browser's).
    pub language: String,
    pub home_region: u8,
    pub created_at: DateTime<Utc>,
}

/// One post as its author wrote it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExportPost {
    pub id: Id,
    pub community_id: Id,
    pub body: String,
    pub feeling: u8,
    pub spoiler: bool,
    pub topic_tag: Option<String>,
    pub platform: String,
    pub created_at: DateTime<Utc>,
    /// The drawing's object key (its bytes are in `media`).
    pub drawing: Option<String>,
    pub drawing_alt: Option<String>,
    /// The screenshot's object key (its bytes are in `media`).
    pub screenshot: Option<String>,
}

/// One comment as its author wrote it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExportComment {
    pub id: Id,
    pub post_id: Id,
    pub body: String,
    pub feeling: u8,
    pub spoiler: bool,
    pub created_at: DateTime<Utc>,
    pub drawing: Option<String>,
    pub drawing_alt: Option<String>,
}

/// A drawing or screenshot, whole.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExportMedia {
    pub key: String,
    /// `image/png` or `image/jpeg`.
    pub content_type: String,
    /// The image's bytes, base64 (standard alphabet, padded).
    pub data_base64: String,
}

/// Everything a person posted, as one JSON document (`GET /me/export`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DataExport {
    /// The archive's format version (1).
    pub format: u32,
    pub exported_at: DateTime<Utc>,
    pub profile: ExportProfile,
    /// Newest first; deleted posts are not included.
    pub posts: Vec<ExportPost>,
    /// Newest first; deleted comments are not included.
    pub comments: Vec<ExportComment>,
    /// Every drawing and screenshot referred to above.
    pub media: Vec<ExportMedia>,
}

/// Deleting one's account: the current password confirms it. Error: `wrong_password` (403).
#[derive(Debug, Deserialize, ToSchema)]
pub struct DeleteAccountInput {
    pub password: String,
}
