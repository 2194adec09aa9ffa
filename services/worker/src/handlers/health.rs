//! Liveness, readiness, queue depth and metrics.

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

/// `/metrics`: this process's metrics, with the queue and the database pool as they are now.
pub async fn metrics(State(state): State<AppState>) -> axum::response::Response {
    state.db.record_pool_metrics();
    if let Err(err) = plaza_storage::metrics::record_queue(&state.db).await {
        // The queue's gauges keep their last values; readiness reports the database.
        tracing::debug!(error = %err, "the queue could not be measured");
    }
    plaza_http::metrics::render()
}
