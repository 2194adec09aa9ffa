//! What the timeline service (posts, comments, feeds) takes and returns over REST.

use crate::game::GameFields;
use crate::{Id, Millis};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A stored screenshot: its object key (the thumbnail is `<key stem>-thumb.<ext>`) and size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ScreenshotRef {
    pub key: String,
    pub width: u32,
    pub height: u32,
}

/// A post to create. The web service has validated and authorised it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NewPost {
    pub author_id: Id,
    pub community_id: Id,
    pub body: String,
    pub feeling: u8,
    pub spoiler: bool,
    pub topic_tag: Option<String>,
    pub platform: String,
    /// The object-store key of the post's drawing, if it has one.
    #[serde(default)]
    pub drawing: Option<String>,
    /// The author's description of the drawing (its text alternative), if they wrote one.
    #[serde(default)]
    pub drawing_alt: Option<String>,
    /// The post's screenshot, if it has one.
    #[serde(default)]
    pub screenshot: Option<ScreenshotRef>,
    /// The client's Idempotency-Key for this write: a second post with the same key by the
    /// same author is the first one.
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// Set when a game posted it (the web service has checked the app key and the title).
    #[serde(default)]
    pub game: Option<GameFields>,
}

/// A stored post. A deleted post keeps its id and comments but loses its text.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Post {
    pub id: Id,
    pub region: u8,
    pub community_id: Id,
    pub author_id: Id,
    pub body: String,
    pub feeling: u8,
    pub spoiler: bool,
    pub topic_tag: Option<String>,
    pub platform: String,
    pub comment_count: i64,
    pub deleted: bool,
    /// Unix milliseconds, UTC.
    #[schema(value_type = i64)]
    pub created_at: Millis,
    /// The object-store key of the post's drawing, if it has one.
    #[serde(default)]
    pub drawing: Option<String>,
    /// The author's description of the drawing (its text alternative), if they wrote one.
    #[serde(default)]
    pub drawing_alt: Option<String>,
    /// The post's screenshot, if it has one.
    #[serde(default)]
    pub screenshot: Option<ScreenshotRef>,
    /// Set when a game posted it.
    #[serde(default)]
    pub game: Option<GameFields>,
}

/// A comment to create on a post.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NewComment {
    pub author_id: Id,
    pub body: String,
    pub feeling: u8,
    pub spoiler: bool,
    pub platform: String,
    /// The object-store key of the comment's drawing, if it has one.
    #[serde(default)]
    pub drawing: Option<String>,
    /// The author's description of the drawing, if they wrote one.
    #[serde(default)]
    pub drawing_alt: Option<String>,
    /// People the author blocks or is blocked by: the comment notifies none of them.
    #[serde(default)]
    pub exclude_recipient_ids: Vec<Id>,
    /// The client's Idempotency-Key for this write (as for posts).
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

/// A stored comment.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Comment {
    pub id: Id,
    pub region: u8,
    pub post_id: Id,
    pub author_id: Id,
    pub body: String,
    pub feeling: u8,
    pub spoiler: bool,
    pub deleted: bool,
    /// Unix milliseconds, UTC.
    #[schema(value_type = i64)]
    pub created_at: Millis,
    /// The object-store key of the comment's drawing, if it has one.
    #[serde(default)]
    pub drawing: Option<String>,
    /// The author's description of the drawing, if they wrote one.
    #[serde(default)]
    pub drawing_alt: Option<String>,
}

/// Which posts a feed shows: one community, a set of authors, or both; newest first.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct PostQuery {
    pub community_id: Option<Id>,
    pub author_ids: Option<Vec<Id>>,
    /// Authors the reader has blocked or been blocked by.
    #[serde(default)]
    pub exclude_author_ids: Vec<Id>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
    /// Only posts with a drawing (a community's "Drawings" tab).
    #[serde(default)]
    pub only_drawings: bool,
    /// Only posts a game of this title made (a player's posts in a title).
    #[serde(default)]
    pub title_id: Option<String>,
    /// Only posts carrying this search key (needs `community_id`).
    #[serde(default)]
    pub search_key: Option<String>,
    /// Only posts with this topic tag.
    #[serde(default)]
    pub topic_tag: Option<String>,
    /// Only posts with this feeling.
    #[serde(default)]
    pub feeling: Option<u8>,
    /// Leave out posts marked as spoilers.
    #[serde(default)]
    pub without_spoilers: bool,
}

impl PostQuery {
    /// Whether the query narrows a feed by a game filter (such pages are not shared in the cache).
    pub fn has_game_filters(&self) -> bool {
        self.title_id.is_some()
            || self.search_key.is_some()
            || self.topic_tag.is_some()
            || self.feeling.is_some()
            || self.without_spoilers
    }
}

/// Which comments of a post to list, oldest first.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct CommentQuery {
    #[serde(default)]
    pub exclude_author_ids: Vec<Id>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// Who deletes a post or comment: its author, or a moderator (an admin, as the web service has
/// checked).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeleteRequest {
    pub actor_id: Id,
    #[serde(default)]
    pub moderator: bool,
}

/// Comment counts of a page of posts as one reader sees them (without the comments of people
/// they block or are blocked by).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CommentCountRequest {
    pub post_ids: Vec<Id>,
    #[serde(default)]
    pub exclude_author_ids: Vec<Id>,
}

/// One post's comment count.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CommentCount {
    pub post_id: Id,
    pub count: i64,
}

/// The people who commented on a post.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Commenters {
    pub user_ids: Vec<Id>,
}

/// A batch of media object keys (asking which are still referenced, and the answer).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MediaKeys {
    pub keys: Vec<String>,
}

/// The most authors one feed query may name: 1000 followed plus the reader.
pub const MAX_FEED_AUTHORS: usize = 1001;
/// The most excluded authors one query may name (blocked plus blocked-by, each capped at 1000).
pub const MAX_EXCLUDED_AUTHORS: usize = 2000;
