//! The worker's URLs: health and the queue's depth.

use crate::AppState;
use crate::handlers::health;
use axum::Router;
use axum::routing::get;
use plaza_http::{ServiceName, common_layers, internal_only};

/// The worker's router.
pub fn app(state: AppState) -> Router {
    let secret = state.config.internal_secret.clone();
    let router = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/openapi.json", get(crate::openapi::document))
        .route("/v1/queue", get(health::queue))
        .with_state(state);
    common_layers(
        internal_only(router, secret),
        ServiceName("worker"),
        16 * 1024,
    )
}
