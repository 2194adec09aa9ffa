//! Liveness and readiness of the web service.

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use plaza_http::Json;
use serde_json::Value;

pub use plaza_http::health::healthz;

/// Ready: the database and the three services it calls answer.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let (db, timeline, empathy, notification) = tokio::join!(
        state.db.ping(),
        state.timeline.0.ready(),
        state.empathy.0.ready(),
        state.notification.0.ready(),
    );
    plaza_http::health::ready(&[
        ("database", db),
        ("timeline", timeline),
        ("empathy", empathy),
        ("notification", notification),
    ])
}
