//! Liveness and readiness.

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use plaza_http::Json;
pub use plaza_http::health::healthz;
use serde_json::Value;

/// Ready: the database answers.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    plaza_http::health::ready(&[("database", state.db.ping().await)])
}
