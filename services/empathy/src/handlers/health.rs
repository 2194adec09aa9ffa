//! Liveness, readiness and metrics: what `/readyz` and `/metrics` (served by
//! `plaza_http::internal_app`) check and measure.

use crate::AppState;
use axum::http::StatusCode;
use plaza_http::Json;
use plaza_http::health::Probes;
use plaza_types::health::Readiness;

impl Probes for AppState {
    /// Ready: the database answers (the cache and Redis are reported, but only slow the service).
    async fn readiness(&self) -> (StatusCode, Json<Readiness>) {
        let redis = async {
            match &self.redis {
                Some(r) => Some(r.healthy().await),
                None => None,
            }
        };
        let (db, cache, redis) = tokio::join!(self.db.ping(), self.cache.healthy(), redis);
        plaza_http::health::ready(
            &[("database", db)],
            &[("cache", Some(cache)), ("redis", redis)],
        )
    }

    async fn record_metrics(&self) {
        self.db.record_pool_metrics();
    }
}
