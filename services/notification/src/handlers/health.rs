//! Liveness, readiness and metrics: what `/readyz` and `/metrics` (served by
//! `plaza_http::internal_app`) check and measure.

use crate::AppState;
use axum::http::StatusCode;
use plaza_http::Json;
use plaza_http::health::Probes;
use plaza_types::health::Readiness;

impl Probes for AppState {
    /// Ready: the database answers (the cache is reported, but only slows the service when down).
    async fn readiness(&self) -> (StatusCode, Json<Readiness>) {
        let (db, cache) = tokio::join!(self.db.ping(), self.cache.healthy());
        plaza_http::health::ready(&[("database", db)], &[("cache", Some(cache))])
    }

    async fn record_metrics(&self) {
        self.db.record_pool_metrics();
    }
}
