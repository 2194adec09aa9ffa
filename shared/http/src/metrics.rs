//! Prometheus metrics: the process's one recorder (the `metrics` facade is global by design, so
//! every crate records with its macros and nothing threads a registry through), the per-request
//! counters and latency histograms that the common layers record, and `/metrics`, which renders
//! them in Prometheus' text format on each process's own port, beside `/healthz` and `/readyz`.
//!
//! Labels stay bounded: a request is labelled with its route *template* (`/posts/{id}`), never the
//! path it asked for, and methods outside the standard set count as `other`.

use axum::http::{HeaderValue, Method, header};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Requests answered: labels `service`, `route`, `method`, `status`.
pub const HTTP_REQUESTS: &str = "plaza_http_requests_total";
/// Time to answer a request (to its response head; a live stream counts until it starts):
/// labels `service`, `route`.
pub const HTTP_DURATION: &str = "plaza_http_request_duration_seconds";

/// Histogram buckets for latencies in seconds: 1 ms to 10 s.
const LATENCY_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 7.5, 10.0,
];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process's recorder (once; later calls return the same handle). `None` when
/// another recorder was installed first, in which case `/metrics` answers 503.
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            // Every histogram here is a latency in seconds.
            let installed = PrometheusBuilder::new()
                .set_buckets(&LATENCY_BUCKETS)
                .and_then(PrometheusBuilder::install_recorder);
            match installed {
                Ok(handle) => {
                    describe();
                    Some(handle)
                }
                Err(err) => {
                    tracing::warn!(error = %err, "metrics recorder not installed");
                    None
                }
            }
        })
        .as_ref()
}

/// `/metrics`: everything this process recorded, in Prometheus' text format.
pub fn render() -> Response {
    match install() {
        Some(handle) => {
            handle.run_upkeep();
            (
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
                )],
                handle.render(),
            )
                .into_response()
        }
        None => crate::ErrorResponse::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "metrics_unavailable",
            "This process records no metrics.",
        )
        .into_response(),
    }
}

/// Requests answered by every service of this process since it started, recorder or not.
static ANSWERED: AtomicU64 = AtomicU64::new(0);

/// How many requests the services of this process have answered since it started: a process
/// whose count stands still is idle (see `plaza::memory`).
pub fn requests_answered() -> u64 {
    ANSWERED.load(Ordering::Relaxed)
}

/// Records one answered request.
pub(crate) fn record_request(
    service: &'static str,
    route: &str,
    method: &Method,
    status: u16,
    elapsed: Duration,
) {
    ANSWERED.fetch_add(1, Ordering::Relaxed);
    let route = route.to_owned();
    metrics::counter!(HTTP_REQUESTS,
        "service" => service,
        "route" => route.clone(),
        "method" => method_label(method),
        "status" => status.to_string())
    .increment(1);
    metrics::histogram!(HTTP_DURATION, "service" => service, "route" => route)
        .record(elapsed.as_secs_f64());
}

/// The method as a label: the standard ones by name, anything else `other`.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The help text Prometheus shows for the metrics every process may record.
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram};
    describe_counter!(
        HTTP_REQUESTS,
        "Requests answered, by service, route template, method and status."
    );
    describe_histogram!(
        HTTP_DURATION,
        metrics::Unit::Seconds,
        "Time to answer a request, by service and route template."
    );
    describe_counter!(
        "plaza_client_calls_total",
        "Calls to other Plaza services, by target service and outcome."
    );
    describe_histogram!(
        "plaza_client_call_duration_seconds",
        metrics::Unit::Seconds,
        "Time of calls to other Plaza services, by target service."
    );
    describe_gauge!(
        "plaza_db_connections",
        "Database pool connections, by state (in_use, idle)."
    );
    describe_histogram!(
        "plaza_db_query_duration_seconds",
        metrics::Unit::Seconds,
        "Time of database statements."
    );
    describe_counter!(
        "plaza_cache_requests_total",
        "Cache lookups, by cache (memory, memcached) and result (hit, miss, error)."
    );
    describe_counter!(
        "plaza_redis_errors_total",
        "Redis calls that failed or timed out."
    );
    describe_counter!(
        "plaza_redis_fallbacks_total",
        "Redis calls answered by this process's own fallback because Redis failed or rests."
    );
    describe_counter!(
        "plaza_rate_limited_total",
        "Requests refused by a rate limit, by action."
    );
    describe_gauge!(
        "plaza_jobs",
        "Jobs in the queue, by state (queued, running, dead)."
    );
    describe_gauge!(
        "plaza_jobs_oldest_queued_age_seconds",
        "How long the oldest job that is due has waited to run (0 when none is due)."
    );
    describe_counter!(
        "plaza_jobs_finished_total",
        "Job runs by this worker, by outcome (done, retried, dead_lettered)."
    );
    describe_gauge!("plaza_sse_connections", "Open live notification streams.");
    describe_gauge!(
        "plaza_replication_lag_seconds",
        "How far this region's database is behind a peer region (Seconds_Behind_Master)."
    );
    describe_gauge!(
        "plaza_replication_running",
        "Whether replication from a peer region runs (1) or not (0)."
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(
            method_label(&Method::from_bytes(b"BREW").unwrap_or(Method::TRACE)),
            "other"
        );
    }
}
