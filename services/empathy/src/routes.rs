//! Every URL of the empathy service.

use crate::AppState;
use crate::handlers::yeahs;
use crate::openapi::ApiDoc;
use axum::Router;
use axum::routing::{get, post};
use plaza_http::{ServiceName, internal_app};

/// The empathy service's router.
pub fn app(state: AppState) -> Router {
    let secret = state.config.internal_secret.clone();
    let api = Router::new()
        .route("/v1/yeahs", post(yeahs::give))
        .route("/v1/yeahs/take", post(yeahs::take))
        .route("/v1/yeahs/summary", post(yeahs::summary))
        .route("/v1/targets/{kind}/{id}/yeahs", get(yeahs::by_target))
        .route(
            "/v1/targets/{kind}/{id}/yeahs/query",
            post(yeahs::query_target),
        )
        .route("/v1/users/{id}/yeahs", get(yeahs::by_user))
        .route("/v1/users/{id}/erase", post(yeahs::erase_user))
        .route("/v1/communities/{id}/popular", get(yeahs::popular));
    internal_app::<ApiDoc, _>(api, state, secret, ServiceName("empathy"), 64 * 1024)
}
