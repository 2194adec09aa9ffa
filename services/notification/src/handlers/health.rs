//! Liveness, readiness and metrics.

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use plaza_http::Json;
pub use plaza_http::health::healthz;
use plaza_types::health::Readiness;

/// Ready: the database answers (the cache is reported, but only slows the service when down).
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let (db, cache) = tokio::join!(state.db.ping(), state.cache.healthy());
    plaza_http::health::ready(&[("database", db)], &[("cache", Some(cache))])
}

/// `/metrics`: this process's metrics, with the database pool as it is now.
pub async fn metrics(State(state): State<AppState>) -> axum::response::Response {
    state.db.record_pool_metrics();
    plaza_http::metrics::render()
}
