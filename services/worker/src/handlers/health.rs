//! Liveness, readiness and queue depth.

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use plaza_http::{ErrorResponse, Json};
use serde_json::{Value, json};

/// Alive: the process answers.
pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// Ready: the queue's database answers.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    if state.db.ping().await {
        (
            StatusCode::OK,
            Json(json!({"status": "ok", "database": "ok"})),
        )
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "unavailable", "database": "down"})),
        )
    }
}

/// Jobs waiting (or running) and dead-lettered.
pub async fn queue(State(state): State<AppState>) -> Result<Json<Value>, ErrorResponse> {
    let (waiting, dead) = plaza_storage::queue::depth(&state.db)
        .await
        .map_err(ErrorResponse::internal)?;
    Ok(Json(json!({"waiting": waiting, "dead": dead})))
}
