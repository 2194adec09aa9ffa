//! Liveness and readiness.

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use plaza_http::Json;
use serde_json::{Value, json};

/// Alive: the process answers.
pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// Ready: the database answers.
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
