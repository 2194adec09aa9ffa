//! Liveness and readiness answers, the same shape on every service.

use crate::Json;
use axum::http::StatusCode;
use serde_json::{Map, Value, json};

/// `/healthz`: the process answers.
pub async fn healthz() -> Json<Value> {
    Json(json!({"status": "ok"}))
}

/// `/readyz`: 200 when every named dependency in `checks` answered, else 503; the body names
/// each one. `soft` dependencies (caches) are reported, as `degraded`, without failing: the
/// service still works without them, only slower, and must stay in its load balancer. A soft
/// dependency given as `None` is one this deployment does not use: `not_configured`.
pub fn ready(checks: &[(&str, bool)], soft: &[(&str, Option<bool>)]) -> (StatusCode, Json<Value>) {
    let all = checks.iter().all(|(_, ok)| *ok);
    let mut body = Map::new();
    body.insert(
        "status".into(),
        json!(if all { "ok" } else { "unavailable" }),
    );
    for (name, ok) in checks {
        body.insert((*name).to_owned(), json!(if *ok { "ok" } else { "down" }));
    }
    for (name, ok) in soft {
        let state = match ok {
            Some(true) => "ok",
            Some(false) => "degraded",
            None => "not_configured",
        };
        body.insert((*name).to_owned(), json!(state));
    }
    let status = if all {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(Value::Object(body)))
}
