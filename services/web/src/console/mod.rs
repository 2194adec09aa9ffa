//! The console API: the XML protocol Wii U and 3DS clients spoke to their posting service, which
//! revival projects keep alive, served under `/v1/` so such a client can be pointed at Plaza.
//! Every request carries `X-Nintendo-ParamPack` ([`param_pack`]) and, except discovery,
//! `X-Nintendo-ServiceToken` (a console linked to an account, see `ops::consoles`); answers and
//! errors are XML ([`xml`], [`error`]). Handlers go through `ops` like the JSON API, so a post
//! made here is the same post the pages show. Documented in docs/GAMES.md, "Console protocol";
//! not part of the JSON OpenAPI.

pub mod error;
pub mod param_pack;
pub mod xml;

pub use error::{ConsoleError, ConsoleResult};
pub mod auth;
pub mod form;
pub mod handlers;
pub mod views;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};

/// The console API's URLs, nested under `/v1` by `crate::routes` (the JSON API is `/api/v1`, and
/// no page lives under `/v1`). Anything else under `/v1` is an XML 404.
pub fn routes() -> Router<AppState> {
    use handlers as h;
    Router::new()
        .route("/endpoint", get(h::endpoint))
        .route("/communities", get(h::communities))
        .route("/communities/{id}/posts", get(h::community_posts))
        .route(
            "/posts",
            post(h::create_post)
                // A screenshot (8 MiB) travels as base64 inside the form.
                .layer(axum::extract::DefaultBodyLimit::max(12 * 1024 * 1024)),
        )
        // `/v1/posts/{id}.delete`: the protocol's spelling of a delete.
        .route("/posts/{id_action}", post(h::delete_post))
        .route("/posts/{id}/replies", get(h::replies))
        .route("/posts/{id}/empathies", post(h::empathy::<true>))
        .route("/posts/{id}/empathies.delete", post(h::empathy::<false>))
        .route("/people", get(h::people))
        .route("/topics", get(h::topics))
        .fallback(h::not_found)
        .method_not_allowed_fallback(h::method_not_allowed)
}
