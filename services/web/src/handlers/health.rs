//! Liveness, readiness and metrics of the web service.

use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use plaza_http::Json;
use plaza_types::health::{Readiness, ReplicationChannel};
use std::collections::BTreeSet;
use std::sync::Mutex;

pub use plaza_http::health::healthz;

/// Ready: the database answers. The three services it calls, the cache and Redis are reported
/// (`degraded` when down) without failing readiness; so is replication from other regions
/// (`replication` beside them, and one entry per channel in `replication_channels`), because a region whose channel
/// stopped still serves its own users: only other regions' writes reach it late.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let redis = async {
        match &state.redis {
            Some(r) => Some(r.healthy().await),
            None => None,
        }
    };
    let (db, timeline, empathy, notification, cache, redis, replication) = tokio::join!(
        state.db.ping(),
        state.timeline.0.ready(),
        state.empathy.0.ready(),
        state.notification.0.ready(),
        state.cache.healthy(),
        redis,
        state.db.replication_status(),
    );
    let channels = match replication {
        Ok(Some(channels)) if !channels.is_empty() => {
            log_stopped(&channels);
            Some(channels)
        }
        Ok(_) => None,
        Err(err) => {
            tracing::debug!(error = %format!("{err:#}"), "replication status unknown");
            None
        }
    };
    let replicating = channels
        .as_ref()
        .map(|channels| channels.iter().all(|c| c.running));
    // Only the database decides: taking every web process out of its load balancer because
    // one service behind it is down would turn a partial outage into a whole one. The others
    // are reported so that an operator sees them.
    let (status, Json(mut body)) = plaza_http::health::ready(
        &[("database", db)],
        &[
            ("timeline", Some(timeline)),
            ("empathy", Some(empathy)),
            ("notification", Some(notification)),
            ("cache", Some(cache)),
            ("redis", redis),
            ("replication", replicating),
        ],
    );
    body.replication_channels = channels;
    (status, Json(body))
}

/// `/metrics`: this process's metrics, with the database pool and replication from each other
/// region as they are now.
pub async fn metrics(State(state): State<AppState>) -> axum::response::Response {
    state.db.record_pool_metrics();
    match state.db.replication_status().await {
        Ok(Some(channels)) => plaza_storage::metrics::record_replication(&channels),
        Ok(None) => {}
        Err(err) => tracing::debug!(error = %format!("{err:#}"), "replication status unknown"),
    }
    plaza_http::metrics::render()
}

/// Channels this process has seen stopped and not yet running again: each stop is logged once
/// (a warning), and so is its recovery, however often `/readyz` is asked.
static STOPPED: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

fn log_stopped(channels: &[ReplicationChannel]) {
    let Ok(mut stopped) = STOPPED.lock() else {
        return;
    };
    for c in channels {
        if !c.running && stopped.insert(c.peer.clone()) {
            tracing::warn!(
                peer = %c.peer,
                io = %c.io_running,
                sql = %c.sql_running,
                error = c.last_error.as_deref().unwrap_or(""),
                "replication from a peer region stopped"
            );
        } else if c.running && stopped.remove(&c.peer) {
            tracing::info!(peer = %c.peer, "replication from a peer region runs again");
        }
    }
}
