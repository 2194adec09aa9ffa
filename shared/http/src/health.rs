//! Liveness and readiness answers, the same shape on every service.

use crate::Json;
use axum::http::StatusCode;
use serde_json::{Map, Value, json};

/// `/healthz`: the process answers.
pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// `/readyz`: 200 when every named dependency answered, else 503; the body names each one.
pub fn ready(checks: &[(&str, bool)]) -> (StatusCode, Json<Value>) {
    let all = checks.iter().all(|(_, ok)| *ok);
    let mut body = Map::new();
    body.insert(
        "status".into(),
        json!(if all { "ok" } else { "unavailable" }),
    );
    for (name, ok) in checks {
        body.insert((*name).to_owned(), json!(if *ok { "ok" } else { "down" }));
    }
    let status = if all {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(Value::Object(body)))
}
