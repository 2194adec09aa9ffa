//! Every URL of the notification service.

use crate::AppState;
use crate::handlers::notifications;
use crate::openapi::ApiDoc;
use axum::Router;
use axum::routing::{get, post};
use plaza_http::{ServiceName, internal_app};

/// The notification service's router.
pub fn app(state: AppState) -> Router {
    let secret = state.config.internal_secret.clone();
    let api = Router::new()
        .route("/v1/events", post(notifications::deliver))
        .route("/v1/withdrawals", post(notifications::withdraw))
        .route("/v1/users/{id}/notifications", get(notifications::list))
        .route("/v1/users/{id}/unread", get(notifications::unread))
        .route("/v1/users/{id}/read", post(notifications::mark_read))
        .route("/v1/users/{id}/erase", post(notifications::erase_user))
        .route("/v1/targets/erase", post(notifications::erase_targets));
    internal_app::<ApiDoc, _>(api, state, secret, ServiceName("notification"), 64 * 1024)
}
