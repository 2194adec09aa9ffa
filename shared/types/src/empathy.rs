//! What the empathy service (Yeahs) takes and returns over REST.

use crate::{Id, Millis};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What a Yeah is given to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    Post,
    Comment,
}

impl TargetKind {
    /// The number stored in the `target_kind` column.
    pub fn code(self) -> i64 {
        match self {
            TargetKind::Post => 1,
            TargetKind::Comment => 2,
        }
    }
}

/// Give a Yeah. The web service has checked the target exists, is not the giver's own and that
/// neither blocks the other.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GiveYeah {
    pub kind: TargetKind,
    pub target_id: Id,
    pub user_id: Id,
    pub target_author_id: Id,
    /// The post the target belongs to (the post itself, or a comment's post).
    pub post_id: Id,
    pub community_id: Id,
}

/// Take a Yeah back.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TakeYeah {
    pub kind: TargetKind,
    pub target_id: Id,
    pub user_id: Id,
    /// Who was notified of the Yeah; their notification loses it.
    #[serde(default)]
    pub target_author_id: Option<Id>,
}

/// Who yeahed a target, leaving out the people the reader blocks or is blocked by.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct YeahQuery {
    #[serde(default)]
    pub exclude_user_ids: Vec<Id>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// What a give or take did: `changed` is false when it was already so.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct YeahOutcome {
    pub changed: bool,
    pub count: i64,
}

/// Counts for a batch of targets, and whether the viewer yeahed each.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SummaryRequest {
    pub kind: TargetKind,
    pub target_ids: Vec<Id>,
    pub viewer_id: Option<Id>,
}

/// One target's Yeah count.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Summary {
    pub target_id: Id,
    pub count: i64,
    pub yeahed_by_viewer: bool,
}

/// A Yeah in a list (who yeahed a post; what a user yeahed).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct YeahEntry {
    pub user_id: Id,
    pub target_id: Id,
    /// Unix milliseconds, UTC.
    #[schema(value_type = i64)]
    pub created_at: Millis,
}

/// A post in a popularity ranking.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Ranked {
    pub post_id: Id,
    pub count: i64,
}

/// A deleted account's Yeahs to erase: every Yeah it gave, and the Yeahs on its erased posts
/// (and on their comments) and on its erased comments.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct EraseYeahs {
    #[serde(default)]
    pub post_ids: Vec<Id>,
    #[serde(default)]
    pub comment_ids: Vec<Id>,
}

/// How many Yeahs erasing removed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct YeahsErased {
    pub erased: u64,
}
