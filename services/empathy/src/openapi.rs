//! The empathy service's OpenAPI document, generated from its handlers and their
//! `plaza-types` shapes, committed as `docs/internal/empathy.json` and served at
//! `GET /openapi.json` (see `routes`). A test fails when the committed file is not the generated one.

use crate::handlers::yeahs;
use plaza_http::openapi::InternalApi;
use utoipa::OpenApi;

/// The empathy service's internal API: Yeahs, their counts and the popularity ranking.
#[derive(OpenApi)]
#[openapi(
    info(title = "Plaza empathy service (internal)"),
    paths(
        yeahs::give,
        yeahs::take,
        yeahs::summary,
        yeahs::by_target,
        yeahs::query_target,
        yeahs::by_user,
        yeahs::erase_user,
        yeahs::popular,
    ),
    modifiers(&InternalApi),
    tags(
        (name = "yeahs", description = "Giving, taking back and listing Yeahs."),
    )
)]
pub struct ApiDoc;

#[cfg(test)]
mod tests {
    use super::ApiDoc;
    use utoipa::OpenApi;

    #[test]
    fn the_committed_document_is_the_generated_one() {
        plaza_http::openapi::assert_committed(&ApiDoc::openapi(), "docs/internal/empathy.json");
    }
}
