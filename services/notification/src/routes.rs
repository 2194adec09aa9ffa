//! Every URL of the notification service.

use crate::AppState;
use crate::handlers::{health, notifications};
use axum::Router;
use axum::routing::{get, post};
use plaza_http::{ServiceName, common_layers, internal_only};

/// The notification service's router.
pub fn app(state: AppState) -> Router {
    let secret = state.config.internal_secret.clone();
    let router = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/openapi.json", get(crate::openapi::document))
        .route("/v1/events", post(notifications::deliver))
        .route("/v1/withdrawals", post(notifications::withdraw))
        .route("/v1/users/{id}/notifications", get(notifications::list))
        .route("/v1/users/{id}/unread", get(notifications::unread))
        .route("/v1/users/{id}/read", post(notifications::mark_read))
        .with_state(state);
    common_layers(
        internal_only(router, secret),
        ServiceName("notification"),
        64 * 1024,
    )
}
