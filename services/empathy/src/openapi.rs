//! The empathy service's OpenAPI document, generated from its handlers and their
//! `plaza-types` shapes, committed as `docs/internal/empathy.json` and served at
//! `GET /openapi.json`. A test fails when the committed file is not the generated one.

use crate::handlers::yeahs;
use plaza_http::health;
use plaza_http::openapi::InternalApi;
use utoipa::OpenApi;

/// The empathy service's internal API: Yeahs, their counts and the popularity ranking.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Plaza empathy service (internal)",
        version = "1",
        description = "Called only by Plaza's own services, with the region's internal secret."
    ),
    paths(
        health::healthz,
        health::ready,
        yeahs::give,
        yeahs::take,
        yeahs::summary,
        yeahs::by_target,
        yeahs::query_target,
        yeahs::by_user,
        yeahs::popular,
    ),
    modifiers(&InternalApi),
    tags(
        (name = "health", description = "Liveness and readiness, open to load balancers."),
        (name = "yeahs", description = "Giving, taking back and listing Yeahs."),
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
            plaza_http::openapi::check_committed(&ApiDoc::openapi(), "docs/internal/empathy.json");
        if let Err(why) = checked {
            panic!("{why}");
        }
    }
}
