//! The worker's URLs: health and the queue's depth.

use crate::AppState;
use crate::handlers::health;
use crate::openapi::ApiDoc;
use axum::Router;
use axum::routing::get;
use plaza_http::{ServiceName, internal_app};

/// The worker's router.
pub fn app(state: AppState) -> Router {
    let secret = state.config.internal_secret.clone();
    let api = Router::new().route("/v1/queue", get(health::queue));
    internal_app::<ApiDoc, _>(api, state, secret, ServiceName("worker"), 16 * 1024)
}
