//! The timeline service's OpenAPI document, generated from its handlers and their
//! `plaza-types` shapes, committed as `docs/internal/timeline.json` and served at
//! `GET /openapi.json` (see `routes`). A test fails when the committed file is not the generated one.

use crate::handlers::{authors, comments, moderation, posts};
use plaza_http::openapi::InternalApi;
use utoipa::OpenApi;

/// The timeline service's internal API: posts, comments and the feeds built from them.
#[derive(OpenApi)]
#[openapi(
    info(title = "Plaza timeline service (internal)"),
    paths(
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
        moderation::post,
        moderation::comment,
        moderation::author,
        authors::content,
        authors::erase,
    ),
    modifiers(&InternalApi),
    tags(
        (name = "posts", description = "Posts and feeds."),
        (name = "comments", description = "Comments on posts."),
        (name = "moderation", description = "Moderation states of posts and comments."),
        (name = "authors", description = "Everything one author wrote: their export, and erasing it."),
        (name = "media", description = "Which media objects are still referenced."),
    )
)]
pub struct ApiDoc;

#[cfg(test)]
mod tests {
    use super::ApiDoc;
    use utoipa::OpenApi;

    #[test]
    fn the_committed_document_is_the_generated_one() {
        plaza_http::openapi::assert_committed(&ApiDoc::openapi(), "docs/internal/timeline.json");
    }
}
