//! The first phase of a graceful shutdown: `/readyz` answers 503 (`"status": "draining"`) while
//! the process still serves everything else, so that its load balancer takes it out of rotation
//! before it stops accepting connections. A second SIGTERM or Ctrl-C during shutdown exits at once.

use crate::serve::Draining;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use plaza_types::health::{Readiness, Ready};
use std::collections::BTreeMap;

/// Wraps `router` so that its `/readyz` answers 503 with `{"status": "draining"}` once
/// `draining` has started; every other route keeps being served as before.
pub fn unready_while_draining(router: Router, draining: Draining) -> Router {
    router.layer(middleware::from_fn_with_state(draining, readiness_gate))
}

async fn readiness_gate(State(draining): State<Draining>, req: Request, next: Next) -> Response {
    if draining.is_draining() && req.uri().path() == "/readyz" {
        let body = Readiness {
            status: Ready::Draining,
            dependencies: BTreeMap::new(),
            replication_channels: None,
        };
        return (StatusCode::SERVICE_UNAVAILABLE, crate::Json(body)).into_response();
    }
    next.run(req).await
}

/// Spawns a watcher that ends the process at once (exit status 1) on the next SIGTERM or
/// Ctrl-C: an operator who asks twice does not want to wait for the drain.
pub fn exit_on_second_signal() {
    tokio::spawn(async {
        crate::shutdown_signal().await;
        tracing::warn!("a second stop signal: exiting without waiting for requests or jobs");
        std::process::exit(1);
    });
}
