//! Liveness and readiness answers, the same shape on every service.

use crate::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use plaza_types::health::{Dependency, Liveness, Readiness, Ready};

/// `/healthz`: the process answers.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "health",
    operation_id = "healthz",
    responses((status = 200, description = "The process answers.", body = Liveness))
)]
pub async fn healthz() -> Json<Liveness> {
    Json(Liveness::OK)
}

/// `/readyz`: 200 when every named dependency in `checks` answered, else 503; the body names
/// each one. `soft` dependencies (caches) are reported, as `degraded`, without failing: the
/// service still works without them, only slower, and must stay in its load balancer. A soft
/// dependency given as `None` is one this deployment does not use: `not_configured`.
///
/// Every service's `/readyz` handler answers with this, so the operation is documented here.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "health",
    operation_id = "readyz",
    summary = "Whether the service can take traffic.",
    description = "200 when every required dependency (the database) answers, else 503. Optional ones (caches, Redis, the services the web service calls) are reported as `degraded` when down, or `not_configured`, without failing readiness.",
    responses(
        (status = 200, description = "Every required dependency answered.", body = Readiness),
        (status = 503, description = "A required dependency is down (`unavailable`), or the process is shutting down (`draining`).", body = Readiness),
    )
)]
pub fn ready(
    checks: &[(&str, bool)],
    soft: &[(&str, Option<bool>)],
) -> (StatusCode, Json<Readiness>) {
    let all = checks.iter().all(|(_, ok)| *ok);
    let hard = checks.iter().map(|(name, ok)| {
        let state = if *ok {
            Dependency::Ok
        } else {
            Dependency::Down
        };
        ((*name).to_owned(), state)
    });
    let soft = soft.iter().map(|(name, ok)| {
        let state = match ok {
            Some(true) => Dependency::Ok,
            Some(false) => Dependency::Degraded,
            None => Dependency::NotConfigured,
        };
        ((*name).to_owned(), state)
    });
    let body = Readiness {
        status: if all { Ready::Ok } else { Ready::Unavailable },
        dependencies: hard.chain(soft).collect(),
        replication_channels: None,
    };
    let status = if all {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body))
}

/// What `/readyz` and `/metrics` ask of an internal service's state; [`crate::internal_app`]
/// serves both routes for every service from its implementation.
pub trait Probes: Clone + Send + Sync + 'static {
    /// The `/readyz` answer: the service's dependencies checked, through [`ready`].
    fn readiness(&self) -> impl Future<Output = (StatusCode, Json<Readiness>)> + Send;

    /// Brings the gauges that are read on demand (the database pool, a queue) up to date
    /// before `/metrics` renders them.
    fn record_metrics(&self) -> impl Future<Output = ()> + Send;
}

/// `/readyz` of a service whose state is `S`.
pub(crate) async fn readyz<S: Probes>(State(state): State<S>) -> (StatusCode, Json<Readiness>) {
    state.readiness().await
}

/// `/metrics` of a service whose state is `S`: this process's metrics, with the state's
/// gauges as they are now.
pub(crate) async fn metrics<S: Probes>(State(state): State<S>) -> Response {
    state.record_metrics().await;
    crate::metrics::render()
}
