//! The timeline service's OpenAPI document, generated from its handlers and their
//! `plaza-types` shapes, committed as `docs/internal/timeline.json` and served at
//! `GET /openapi.json`. A test fails when the committed file is not the generated one.

use crate::handlers::{comments, posts};
use plaza_http::health;
use plaza_http::openapi::InternalApi;
use utoipa::OpenApi;

/// The timeline service's internal API: posts, comments and the feeds built from them.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Plaza timeline service (internal)",
        version = "1",
        description = "Called only by Plaza's own services, with the region's internal secret."
    ),
    paths(
        health::healthz,
        health::ready,
        posts::create,
        posts::show,
        posts::batch,
        posts::query,
        posts::comment_counts,
        posts::delete,
        comments::create,
        comments::query,
        comments::commenters,
        comments::show,
        comments::delete,
        posts::referenced_media,
    ),
    modifiers(&InternalApi),
    tags(
        (name = "health", description = "Liveness and readiness, open to load balancers."),
        (name = "posts", description = "Posts and feeds."),
        (name = "comments", description = "Comments on posts."),
        (name = "media", description = "Which media objects are still referenced."),
    )
)]
pub struct ApiDoc;

/// `GET /openapi.json`: this document.
pub async fn document() -> plaza_http::Json<utoipa::openapi::OpenApi> {
    plaza_http::Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use super::ApiDoc;
    use utoipa::OpenApi;

    #[test]
    fn the_committed_document_is_the_generated_one() {
        let checked =
            plaza_http::openapi::check_committed(&ApiDoc::openapi(), "docs/internal/timeline.json");
        if let Err(why) = checked {
            panic!("{why}");
        }
    }
}
