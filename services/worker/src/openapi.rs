//! The worker service's OpenAPI document, generated from its handlers and their
//! `plaza-types` shapes, committed as `docs/internal/worker.json` and served at
//! `GET /openapi.json`. A test fails when the committed file is not the generated one.

use plaza_http::health;
use plaza_http::openapi::InternalApi;
use utoipa::OpenApi;

/// The worker service's internal API: the job queue's health and depth.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Plaza worker service (internal)",
        version = "1",
        description = "Called only by Plaza's own services, with the region's internal secret."
    ),
    paths(
        health::healthz,
        health::ready,
        crate::handlers::health::queue,
    ),
    modifiers(&InternalApi),
    tags(
        (name = "health", description = "Liveness and readiness, open to load balancers."),
        (name = "queue", description = "The job queue."),
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
            plaza_http::openapi::check_committed(&ApiDoc::openapi(), "docs/internal/worker.json");
        if let Err(why) = checked {
            panic!("{why}");
        }
    }
}
