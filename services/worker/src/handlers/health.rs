//! Liveness, readiness, queue depth and metrics: what `/readyz` and `/metrics` (served by
//! `plaza_http::internal_app`) check and measure, and the queue's depth.

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use plaza_http::health::Probes;
use plaza_http::{ErrorResponse, Json};
use plaza_types::health::{QueueDepth, Readiness};

impl Probes for AppState {
    /// Ready: the queue's database answers.
    async fn readiness(&self) -> (StatusCode, Json<Readiness>) {
        plaza_http::health::ready(&[("database", self.db.ping().await)], &[])
    }

    /// The queue and the database pool as they are now.
    async fn record_metrics(&self) {
        self.db.record_pool_metrics();
        if let Err(err) = plaza_storage::metrics::record_queue(&self.db).await {
            // The queue's gauges keep their last values; readiness reports the database.
            tracing::debug!(error = %err, "the queue could not be measured");
        }
    }
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
