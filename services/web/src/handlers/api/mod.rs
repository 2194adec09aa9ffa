//! The public JSON API, `/api/v1`: single resources wrapped (`{"post": {...}}`), lists as
//! `{"<things>": [...], "next_cursor": ...}`, errors as `{"error": code, "message": ...}`. The
//! shapes live in `plaza_types::api`; each handler's `#[utoipa::path]` is its entry in the
//! generated OpenAPI document (`crate::openapi`).

pub mod accounts;
pub mod communities;
pub mod consoles;
pub mod filters;
pub mod game;
pub mod game_admin;
pub mod moderation;
pub mod notifications;
pub mod own_data;
pub mod posts;
pub mod release;
pub mod users;

pub use plaza_types::api::CursorQuery;

/// The platform recorded on what the API writes.
pub const PLATFORM: &str = "api";
