//! Liveness, readiness and queue depth.

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use plaza_http::{ErrorResponse, Json};
use plaza_types::health::{QueueDepth, Readiness};

pub use plaza_http::health::healthz;

/// Ready: the queue's database answers.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    plaza_http::health::ready(&[("database", state.db.ping().await)], &[])
}

/// Jobs waiting (or running) and dead-lettered.
#[utoipa::path(
    get,
    path = "/v1/queue",
    tag = "queue",
    responses((status = 200, description = "The queue's depth.", body = QueueDepth))
)]
pub async fn queue(State(state): State<AppState>) -> Result<Json<QueueDepth>, ErrorResponse> {
    let (waiting, dead) = plaza_storage::queue::depth(&state.db)
        .await
        .map_err(ErrorResponse::internal)?;
    Ok(Json(QueueDepth { waiting, dead }))
}
