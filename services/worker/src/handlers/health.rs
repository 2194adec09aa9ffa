//! Liveness, readiness and queue depth.

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use plaza_http::{ErrorResponse, Json};
use serde_json::{Value, json};

pub use plaza_http::health::healthz;

/// Ready: the queue's database answers.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    plaza_http::health::ready(&[("database", state.db.ping().await)], &[])
}

/// Jobs waiting (or running) and dead-lettered.
pub async fn queue(State(state): State<AppState>) -> Result<Json<Value>, ErrorResponse> {
    let (waiting, dead) = plaza_storage::queue::depth(&state.db)
        .await
        .map_err(ErrorResponse::internal)?;
    Ok(Json(json!({"waiting": waiting, "dead": dead})))
}
