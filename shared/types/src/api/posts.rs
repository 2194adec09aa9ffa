//! Posts and comments: what is shown, what is written, Yeahs.

use super::communities::CommunityView;
use super::users::UserRef;
use crate::Id;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A post with everything needed to show it.
#[derive(Debug, Clone, Hash, Serialize, ToSchema)]
#[schema(as = Post)]
pub struct PostView {
    pub id: Id,
    pub community: CommunityView,
    pub author: UserRef,
    pub body: String,
    #[schema(maximum = 5)]
    pub feeling: u8,
    /// normal, happy, like, surprised, frustrated or puzzled.
    #[schema(value_type = String)]
    pub feeling_name: &'static str,
    pub spoiler: bool,
    pub topic_tag: Option<String>,
    pub platform: String,
    pub comment_count: i64,
    pub yeah_count: i64,
    pub yeahed_by_me: bool,
    pub deleted: bool,
    pub created_at: DateTime<Utc>,
    pub url: String,
    /// The drawing as a 1-bit PNG (320×120), immutable and cacheable forever.
    pub drawing_url: Option<String>,
    /// The same drawing at 640×240.
    pub drawing_url_2x: Option<String>,
    /// The author's description of the drawing, shown as the image's alt text.
    pub drawing_alt: Option<String>,
    /// The screenshot (at most 1920×1080).
    pub screenshot_url: Option<String>,
    /// The screenshot's thumbnail for feeds (fits in 320×180).
    pub screenshot_thumb_url: Option<String>,
    pub screenshot_width: Option<u32>,
    pub screenshot_height: Option<u32>,
    /// `visible`, or why only moderators and the author see it: `pending_review`, `hidden`,
    /// `removed`.
    pub moderation: crate::moderation::ModerationState,
    /// Why moderation hid it (shown to the author and moderators).
    pub moderation_reason: Option<String>,
    /// Whether the viewer wrote it (they may delete it, and cannot Yeah it); pages only.
    #[serde(skip)]
    pub mine: bool,
    /// What the game that posted it added (the game API and the pages show it).
    #[serde(skip)]
    pub game: Option<crate::game::GameFields>,
    /// The name of the title whose game posted it, when it is registered; pages only.
    #[serde(skip)]
    pub title_name: Option<String>,
}

/// A comment with everything needed to show it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = Comment)]
pub struct CommentView {
    pub id: Id,
    pub post_id: Id,
    pub author: UserRef,
    pub body: String,
    #[schema(maximum = 5)]
    pub feeling: u8,
    /// normal, happy, like, surprised, frustrated or puzzled.
    #[schema(value_type = String)]
    pub feeling_name: &'static str,
    pub spoiler: bool,
    pub yeah_count: i64,
    pub yeahed_by_me: bool,
    pub created_at: DateTime<Utc>,
    /// The comment's drawing (320×120).
    pub drawing_url: Option<String>,
    /// The same drawing at 640×240.
    pub drawing_url_2x: Option<String>,
    /// The author's description of the drawing, shown as the image's alt text.
    pub drawing_alt: Option<String>,
    /// `visible`, or why only moderators and the author see it: `pending_review`, `hidden`,
    /// `removed`.
    pub moderation: crate::moderation::ModerationState,
    /// Why moderation hid it (shown to the author and moderators).
    pub moderation_reason: Option<String>,
    /// Whether the viewer wrote it; pages only.
    #[serde(skip)]
    pub mine: bool,
}

/// What someone writes in a post or comment. A post with a painting may have no text.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct WriteInput {
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub body: String,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 5)]
    pub feeling: i64,
    #[serde(default)]
    pub spoiler: bool,
    /// Posts only.
    #[serde(default)]
    #[schema(max_length = 50)]
    pub topic_tag: Option<String>,
    /// A hand-drawn picture, 320×120: base64 of a PNG, or of a zlib-compressed 32-bit TGA (Wii U)
    /// or BMP (3DS); at most 40,960 bytes before base64. With a painting the body may be empty.
    /// Errors: invalid_base64, not_an_image, truncated_image, wrong_drawing_size (422),
    /// painting_too_large, decompression_bomb (413).
    #[serde(default)]
    pub painting: Option<String>,
    /// A description of the painting for people who cannot see it (its alt text), on one line;
    /// kept only with a painting. Error: drawing_alt_too_long (422).
    #[serde(default)]
    #[schema(max_length = 300)]
    pub drawing_alt: Option<String>,
    /// Posts only. One screenshot: base64 of a JPEG or PNG of at most 8 MiB. Larger than
    /// 1920×1080 is scaled down; metadata (EXIF, GPS) is removed by re-encoding; a thumbnail fits
    /// in 320×180. Errors: not_an_image, truncated_image, content_type_mismatch (422),
    /// screenshot_too_large, decompression_bomb (413).
    #[serde(default)]
    pub screenshot: Option<String>,
    /// The screenshot's content type (image/jpeg or image/png); refused when it disagrees with
    /// the bytes.
    #[serde(default)]
    pub screenshot_type: Option<String>,
}

/// `{"post": ...}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostBody {
    pub post: PostView,
}

/// `{"comment": ...}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CommentBody {
    pub comment: CommentView,
}

/// `{"yeahed": ..., "yeah_count": ...}`: the Yeah as it now stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct Yeahed {
    pub yeahed: bool,
    pub yeah_count: i64,
}

super::list!(
    /// A page of posts.
    PostList,
    posts,
    PostView
);

super::list!(
    /// A page of comments.
    CommentList,
    comments,
    CommentView
);
