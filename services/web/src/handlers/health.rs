//! Liveness and readiness of the web service.

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use plaza_http::Json;
use serde_json::{Value, json};

/// Alive: the process answers.
pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// Ready: the database and the three services it calls answer.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let (db, timeline, empathy, notification) = tokio::join!(
        state.db.ping(),
        state.timeline.0.ready(),
        state.empathy.0.ready(),
        state.notification.0.ready(),
    );
    let word = |ok: bool| if ok { "ok" } else { "down" };
    let all = db && timeline && empathy && notification;
    let body = json!({
        "status": if all { "ok" } else { "unavailable" },
        "database": word(db),
        "timeline": word(timeline),
        "empathy": word(empathy),
        "notification": word(notification),
    });
    let status = if all {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body))
}
