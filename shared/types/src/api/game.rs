//! The game API's shapes (`/api/v1/game/...` and the admin API for titles and app keys),
//! declared once: the server answers them and the SDK reads them.
//!
//! Authentication (see docs/GAMES.md): every game request carries its title's app key,
//! `X-Plaza-App-Key: <key_id>.<secret>`; requests made for a player also carry the player's
//! token, `Authorization: Bearer <player token>`, which a game gets from
//! [`PlayerLinkRequest`] (a short code from the player's settings) or [`PlayerSignInRequest`].

use crate::Id;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The header that carries a game's app key, `<key_id>.<secret>`.
pub const APP_KEY_HEADER: &str = "x-plaza-app-key";

/// A person as a game shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GamePlayer {
    pub id: Id,
    pub username: String,
    pub display_name: String,
}

/// One of a title's communities.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GameCommunity {
    pub id: Id,
    pub name: String,
    pub description: String,
    /// Whether it is the title's main community.
    pub is_main: bool,
    /// Its page on the site.
    pub url: String,
}

/// A title (a game) with its communities, the main one first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GameTitle {
    /// 16 upper-case hex digits, e.g. `0005000010101E00`.
    pub title_id: String,
    pub name: String,
    /// The platform it runs on (free text such as `wiiu`, `3ds`, `pc`).
    pub platform: String,
    pub main_community_id: Id,
    pub communities: Vec<GameCommunity>,
    pub created_at: DateTime<Utc>,
}

/// `{"title": ...}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GameTitleBody {
    pub title: GameTitle,
}

/// A post as a game shows it: compact, with the game's own fields.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GamePost {
    pub id: Id,
    pub community_id: Id,
    /// The title that posted it; null for a post made on the site.
    pub title_id: Option<String>,
    pub author: GamePlayer,
    pub body: String,
    #[schema(maximum = 5)]
    pub feeling: u8,
    pub spoiler: bool,
    pub topic_tag: Option<String>,
    /// The drawing as a 1-bit PNG, 320×120.
    pub drawing_url: Option<String>,
    pub screenshot_url: Option<String>,
    pub screenshot_thumb_url: Option<String>,
    /// The game's bytes as posted, base64 (standard alphabet, padded).
    pub app_data: Option<String>,
    pub search_keys: Vec<String>,
    pub is_autopost: bool,
    pub is_app_jumpable: bool,
    pub yeah_count: i64,
    /// Whether the player (when a player token was sent) gave it a Yeah.
    pub yeahed_by_me: bool,
    pub comment_count: i64,
    pub created_at: DateTime<Utc>,
    /// The post's page on the site.
    pub url: String,
}

/// `{"post": ...}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GamePostBody {
    pub post: GamePost,
}

/// A page of posts.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GamePostList {
    pub posts: Vec<GamePost>,
    /// Pass as ?cursor= for the next page; null on the last page.
    pub next_cursor: Option<String>,
}

/// A comment as a game shows it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GameComment {
    pub id: Id,
    pub post_id: Id,
    pub author: GamePlayer,
    pub body: String,
    #[schema(maximum = 5)]
    pub feeling: u8,
    pub spoiler: bool,
    pub drawing_url: Option<String>,
    pub yeah_count: i64,
    pub created_at: DateTime<Utc>,
}

/// `{"comment": ...}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GameCommentBody {
    pub comment: GameComment,
}

/// A post with its first page of comments (oldest first).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GamePostThread {
    pub post: GamePost,
    pub comments: Vec<GameComment>,
    /// The cursor of the next page of comments; null when there is none.
    pub next_cursor: Option<String>,
}

/// `{"yeahed": ..., "yeah_count": ...}`: the Yeah as it now stands.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GameYeah {
    pub yeahed: bool,
    pub yeah_count: i64,
}

/// A post from a game. At least one of `body`, `painting` and `screenshot`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct GamePostInput {
    /// The community (of the key's title) to post in; the title's main community when absent.
    #[serde(default)]
    pub community_id: Option<Id>,
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub body: String,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 5)]
    pub feeling: i64,
    #[serde(default)]
    pub spoiler: bool,
    #[serde(default)]
    #[schema(max_length = 50)]
    pub topic_tag: Option<String>,
    /// A hand-drawn picture, 320×120: base64 of a zlib-compressed 32-bit TGA (Wii U) or BMP
    /// (3DS), or of a PNG. Errors: invalid_base64, not_an_image, wrong_drawing_size (422),
    /// painting_too_large, decompression_bomb (413).
    #[serde(default)]
    pub painting: Option<String>,
    /// A screenshot: base64 of a JPEG or PNG of at most 8 MiB.
    #[serde(default)]
    pub screenshot: Option<String>,
    /// The screenshot's content type (image/jpeg or image/png).
    #[serde(default)]
    pub screenshot_type: Option<String>,
    /// The game's bytes, base64 (standard alphabet); at most 1024 bytes once decoded.
    /// Errors: invalid_app_data (not base64), app_data_too_large (422).
    #[serde(default)]
    pub app_data: Option<String>,
    /// At most 5 keys of 1–32 characters. Errors: too_many_search_keys, invalid_search_key.
    #[serde(default)]
    pub search_keys: Vec<String>,
    /// Posted by the game on the player's behalf (shown as such).
    #[serde(default)]
    pub is_autopost: bool,
    /// The post offers "open in game" with its app_data.
    #[serde(default)]
    pub is_app_jumpable: bool,
}

/// A comment from a game. At least one of `body` and `painting`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct GameCommentInput {
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub body: String,
    #[serde(default)]
    #[schema(minimum = 0, maximum = 5)]
    pub feeling: i64,
    #[serde(default)]
    pub spoiler: bool,
    /// As for posts.
    #[serde(default)]
    pub painting: Option<String>,
}

/// Which posts of a title's posts (`order=popular`: most Yeahs in the last 7 days).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GameOrder {
    #[default]
    New,
    Popular,
}

/// The filters of a title's posts (query parameters).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GamePostsQuery {
    /// One of the title's communities; the main community when absent.
    pub community_id: Option<Id>,
    /// `new` (default) or `popular`.
    pub order: Option<GameOrder>,
    /// Only posts carrying this search key.
    pub search_key: Option<String>,
    /// Only posts with this topic tag.
    pub topic_tag: Option<String>,
    /// Only posts with this feeling (0–5).
    pub feeling: Option<i64>,
    /// `false` leaves out spoilers (default `true`).
    pub spoilers: Option<bool>,
    /// Only posts with a drawing.
    pub only_drawings: Option<bool>,
    /// Page size, 1–100 (default 20).
    pub limit: Option<u32>,
    /// Opaque cursor from a previous page.
    pub cursor: Option<String>,
}

/// A game links a player with the short code shown in the player's settings.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlayerLinkRequest {
    /// 8 letters and digits (case and a `-` are ignored).
    pub code: String,
}

/// A game signs a player in with their Plaza username and password.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlayerSignInRequest {
    pub username: String,
    pub password: String,
}

/// A player token: sent as `Authorization: Bearer <token>` with the title's app key. It works
/// for this title's game API only, and the player can revoke it in their settings.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PlayerToken {
    pub token: String,
    pub title_id: String,
    pub player: GamePlayer,
    pub expires_at: DateTime<Utc>,
}

/// A short code a player types into a game to link it (valid a few minutes, once).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LinkCode {
    pub code: String,
    pub expires_at: DateTime<Utc>,
}

/// An admin registers a title and its main community (missing fields are blank, and refused
/// as such).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct TitleInput {
    /// 16 hex digits.
    #[schema(pattern = "^[0-9A-Fa-f]{16}$")]
    pub title_id: String,
    #[schema(max_length = 64)]
    pub name: String,
    #[schema(max_length = 32)]
    pub platform: String,
    /// The main community's description.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub description: String,
}

/// An admin adds a sub-community to a title.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct SubCommunityInput {
    #[schema(max_length = 64)]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub description: String,
}

/// The registered titles, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GameTitleList {
    pub titles: Vec<GameTitle>,
    pub next_cursor: Option<String>,
}

/// An app key as admins see it (never its secret).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AppKeyView {
    pub id: Id,
    pub title_id: String,
    pub label: String,
    pub created_at: DateTime<Utc>,
    /// Set on a rotated key: it stops working then.
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Whether a game can use it now.
    pub active: bool,
}

/// The app keys of a title, newest first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AppKeyList {
    pub app_keys: Vec<AppKeyView>,
}

/// An admin issues a key for a title.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct AppKeyInput {
    /// What the key is for (e.g. "release build"); at most 64 characters.
    #[serde(default)]
    #[schema(max_length = 64)]
    pub label: String,
}

/// An admin rotates a key: a new key replaces it, and the old one keeps working for
/// `grace_hours` (0–720, default 24) so that shipped builds can move over.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct RotateInput {
    #[serde(default)]
    pub grace_hours: Option<u32>,
}

/// A newly issued key: `key` (`<key_id>.<secret>`) is shown this once; only its hash is kept.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IssuedAppKey {
    pub key: String,
    pub app_key: AppKeyView,
}

/// `{"app_key": ...}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AppKeyBody {
    pub app_key: AppKeyView,
}
