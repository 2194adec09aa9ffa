//! Every URL of the timeline service.

use crate::AppState;
use crate::handlers::{authors, comments, moderation, posts};
use crate::openapi::ApiDoc;
use axum::Router;
use axum::routing::{get, post};
use plaza_http::{ServiceName, internal_app};

/// The timeline service's router.
pub fn app(state: AppState) -> Router {
    let secret = state.config.internal_secret.clone();
    let api = Router::new()
        .route("/v1/posts", post(posts::create))
        .route("/v1/posts/batch", post(posts::batch))
        .route("/v1/posts/query", post(posts::query))
        .route("/v1/posts/comment_counts", post(posts::comment_counts))
        .route("/v1/posts/{id}", get(posts::show))
        .route("/v1/posts/{id}/delete", post(posts::delete))
        .route("/v1/posts/{id}/comments", post(comments::create))
        .route("/v1/posts/{id}/comments/query", post(comments::query))
        .route("/v1/posts/{id}/commenters", get(comments::commenters))
        .route("/v1/comments/{id}", get(comments::show))
        .route("/v1/comments/{id}/delete", post(comments::delete))
        .route("/v1/media/referenced", post(posts::referenced_media))
        .route("/v1/posts/{id}/moderation", post(moderation::post))
        .route("/v1/comments/{id}/moderation", post(moderation::comment))
        .route("/v1/moderation/authors", post(moderation::author))
        .route("/v1/authors/{id}/content", get(authors::content))
        .route("/v1/authors/{id}/erase", post(authors::erase));
    internal_app::<ApiDoc, _>(api, state, secret, ServiceName("timeline"), 256 * 1024)
}
