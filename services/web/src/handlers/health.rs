//! Liveness and readiness of the web service.

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use plaza_http::Json;
use plaza_types::health::Readiness;

pub use plaza_http::health::healthz;

/// Ready: the database answers. The three services it calls, the cache and Redis are reported
/// (`degraded` when down) without failing readiness.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let redis = async {
        match &state.redis {
            Some(r) => Some(r.healthy().await),
            None => None,
        }
    };
    let (db, timeline, empathy, notification, cache, redis) = tokio::join!(
        state.db.ping(),
        state.timeline.0.ready(),
        state.empathy.0.ready(),
        state.notification.0.ready(),
        state.cache.healthy(),
        redis,
    );
    // Only the database decides: taking every web process out of its load balancer because
    // one service behind it is down would turn a partial outage into a whole one. The others
    // are reported so that an operator sees them.
    plaza_http::health::ready(
        &[("database", db)],
        &[
            ("timeline", Some(timeline)),
            ("empathy", Some(empathy)),
            ("notification", Some(notification)),
            ("cache", Some(cache)),
            ("redis", redis),
        ],
    )
}
