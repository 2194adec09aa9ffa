//! The middleware every service runs, outermost first: request context and logging, panic
//! catching, detached writes, a time limit, compression and a body size limit.

use crate::context::{REQUEST_ID_HEADER, RequestContext};
use crate::error::{ErrorResponse, InternalCause};
use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use std::time::{Duration, Instant};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;
use tracing::Instrument;

/// The service's name, for logs.
#[derive(Debug, Clone, Copy)]
pub struct ServiceName(pub &'static str);

/// Wraps `router` in the common stack. `body_limit` bounds every request body in bytes.
pub fn common_layers(router: Router, service: ServiceName, body_limit: usize) -> Router {
    router
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(30),
        ))
        .layer(middleware::from_fn(detach_writes))
        .layer(CatchPanicLayer::custom(|_panic| {
            ErrorResponse::internal("a handler panicked").into_response()
        }))
        .layer(middleware::from_fn(move |req, next| {
            with_context(service, req, next)
        }))
}

/// Sets up the request context and the log span, and logs each request once when it ends (with
/// the internal cause of a 500, never the request body).
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
    let mut response = ctx.scope(next.run(req)).instrument(span.clone()).await;
    let status = response.status().as_u16();
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
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
