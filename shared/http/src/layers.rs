//! The middleware every service runs, outermost first: request context and logging, panic
//! catching, detached writes, a time limit that a steadily arriving body pushes back, a stall
//! limit on request bodies, compression and a body size limit.

use crate::context::{REQUEST_ID_HEADER, RequestContext};
use crate::error::{ErrorResponse, InternalCause};
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use http_body::Body as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tracing::Instrument;

/// Time limits on a request, set per process by the server (see `ServeOptions`) and carried to
/// the common layers as a request extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestLimits {
    /// How long a request may take once its body has arrived (counted from the body's last
    /// bytes, so a large upload on a slow link is not cut while it keeps arriving).
    pub timeout: Duration,
    /// A request body that sends nothing for this long is cut off: a stalled upload fails while
    /// a slow but steady one goes on.
    pub body_idle_timeout: Duration,
}

impl Default for RequestLimits {
    fn default() -> Self {
        RequestLimits {
            timeout: Duration::from_secs(30),
            body_idle_timeout: Duration::from_secs(15),
        }
    }
}

/// The service's name, for logs.
#[derive(Debug, Clone, Copy)]
pub struct ServiceName(pub &'static str);

/// Wraps `router` in the common stack. `body_limit` bounds every request body in bytes.
pub fn common_layers(router: Router, service: ServiceName, body_limit: usize) -> Router {
    // Recording starts with the first router, before any request.
    crate::metrics::install();
    router
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn(time_limit))
        .layer(middleware::from_fn(detach_writes))
        .layer(CatchPanicLayer::custom(|_panic| {
            ErrorResponse::internal("a handler panicked").into_response()
        }))
        .layer(middleware::from_fn(move |req, next| {
            with_context(service, req, next)
        }))
}

/// Sets up the request context and the log span, logs each request once when it ends (with the
/// internal cause of a 500, never the request body), counts it in the metrics by route template
/// and returns its request id in `x-request-id`.
async fn with_context(service: ServiceName, req: Request, next: Next) -> Response {
    let ctx = RequestContext::from_headers(req.headers());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let span = tracing::info_span!(
        "request",
        service = service.0,
        method = %req.method(),
        route = %route,
        request_id = %ctx.request_id,
        track = ctx.track.as_str(),
    );
    let started = Instant::now();
    let request_id = ctx.request_id.clone();
    let method = req.method().clone();
    let mut response = ctx.scope(next.run(req)).instrument(span.clone()).await;
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    crate::metrics::record_request(service.0, &route, &method, status, elapsed);
    let elapsed_ms = elapsed.as_secs_f64() * 1000.0;
    span.in_scope(|| {
        if let Some(InternalCause(cause)) = response.extensions().get::<InternalCause>() {
            tracing::error!(status, elapsed_ms, error = %cause, "request failed");
        } else {
            tracing::info!(status, elapsed_ms, "request finished");
        }
    });
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    response
}

/// Runs every request that may write on its own task. If the client hangs up, axum drops the
/// handler's future; a spawned task is not dropped, so a write that started always finishes
/// (with every internal call and transaction it needs) instead of stopping half way.
async fn detach_writes(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let ctx = RequestContext::current().unwrap_or_else(RequestContext::background);
    let span = tracing::Span::current();
    let task = tokio::spawn(ctx.scope(next.run(req)).instrument(span));
    match task.await {
        Ok(response) => response,
        Err(err) => ErrorResponse::internal(format!("write task failed: {err}")).into_response(),
    }
}

/// When a request's body last delivered bytes, in milliseconds since the request began.
#[derive(Debug, Clone, Default)]
struct BodyProgress(Arc<AtomicU64>);

/// Answers 503 when a request takes longer than [`RequestLimits::timeout`], counted from the
/// last bytes of its body rather than from its first, so that a large upload on a slow link is
/// not cut while it keeps arriving. A body that stalls for [`RequestLimits::body_idle_timeout`]
/// fails to read, which the handler's extractor answers as a bad request.
async fn time_limit(req: Request, next: Next) -> Response {
    let started = tokio::time::Instant::now();
    let limits = req
        .extensions()
        .get::<RequestLimits>()
        .copied()
        .unwrap_or_default();
    let progress = BodyProgress::default();
    let req = if req.body().is_end_stream() {
        req
    } else {
        let seen = progress.clone();
        req.map(|body| {
            let chunks = futures_util::stream::unfold(
                (body.into_data_stream(), false),
                move |(mut chunks, ended)| {
                    let seen = seen.clone();
                    async move {
                        if ended {
                            return None;
                        }
                        match tokio::time::timeout(limits.body_idle_timeout, chunks.next()).await {
                            Ok(Some(Ok(bytes))) => {
                                let ms = u64::try_from(started.elapsed().as_millis())
                                    .unwrap_or(u64::MAX);
                                seen.0.store(ms, Ordering::Relaxed);
                                Some((Ok(bytes), (chunks, false)))
                            }
                            Ok(Some(Err(err))) => {
                                Some((Err(axum::Error::new(err)), (chunks, true)))
                            }
                            Ok(None) => None,
                            Err(_) => Some((
                                Err(axum::Error::new("the request body stalled")),
                                (chunks, true),
                            )),
                        }
                    }
                },
            );
            Body::from_stream(chunks)
        })
    };
    let mut handling = std::pin::pin!(next.run(req));
    loop {
        let last_bytes = Duration::from_millis(progress.0.load(Ordering::Relaxed));
        let deadline = started + last_bytes + limits.timeout;
        match tokio::time::timeout_at(deadline, &mut handling).await {
            Ok(response) => return response,
            // Bytes arrived since the deadline was set: it moves with them.
            Err(_) if Duration::from_millis(progress.0.load(Ordering::Relaxed)) > last_bytes => {}
            Err(_) => {
                return ErrorResponse::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "timeout",
                    "The request took too long.",
                )
                .into_response();
            }
        }
    }
}
