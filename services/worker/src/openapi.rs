//! The worker service's OpenAPI document, generated from its handlers and their
//! `plaza-types` shapes, committed as `docs/internal/worker.json` and served at
//! `GET /openapi.json` (see `routes`). A test fails when the committed file is not the generated one.

use plaza_http::openapi::InternalApi;
use utoipa::OpenApi;

/// The worker service's internal API: the job queue's health and depth.
#[derive(OpenApi)]
#[openapi(
    info(title = "Plaza worker service (internal)"),
    paths(
        crate::handlers::health::queue,
    ),
    modifiers(&InternalApi),
    tags(
        (name = "queue", description = "The job queue."),
    )
)]
pub struct ApiDoc;

#[cfg(test)]
mod tests {
    use super::ApiDoc;
    use utoipa::OpenApi;

    #[test]
    fn the_committed_document_is_the_generated_one() {
        plaza_http::openapi::assert_committed(&ApiDoc::openapi(), "docs/internal/worker.json");
    }
}
