//! `Idempotency-Key` on the JSON API's writes: a client (or the SDK, or the load balancer) that
//! did not get an answer sends the same write again with the same key, and gets the first answer
//! instead of a second post. Keys are scoped per account and kept at least 24 hours.

use crate::AppState;
use crate::db::idempotency::{self as keys, Claim};
use crate::session::Session;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use plaza_http::ErrorResponse;
use sha2::{Digest, Sha256};

/// The request header that names a write.
pub const HEADER: &str = plaza_http::IDEMPOTENCY_KEY_HEADER;
/// Set on an answer that was stored, not made again.
pub const REPLAYED: &str = "idempotent-replayed";
/// The largest request body read here (the biggest route limit: a post with a screenshot).
const MAX_BODY: usize = 16 * 1024 * 1024;
/// The largest answer stored (answers to writes are small JSON documents).
const MAX_ANSWER: usize = 1024 * 1024;

/// Answers a write that carries an `Idempotency-Key` the account already used from the stored
/// answer; otherwise runs it and stores its answer. Writes without a key, and writes that are
/// not signed in (sign-up, sign-in), are untouched.
pub async fn replay_writes(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let write = matches!(
        *req.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    let Some(key) = req.headers().get(HEADER).cloned() else {
        return next.run(req).await;
    };
    if !write {
        return next.run(req).await;
    }
    let Some(key) = key
        .to_str()
        .ok()
        .filter(|k| plaza_http::valid_idempotency_key(k))
        .map(str::to_owned)
    else {
        return ErrorResponse::new(
            StatusCode::BAD_REQUEST,
            "invalid_idempotency_key",
            "An Idempotency-Key is 1 to 255 visible ASCII characters.",
        )
        .into_response();
    };
    // The account the session middleware found for the bearer token, if any.
    let Some(user) = req
        .extensions()
        .get::<Session>()
        .and_then(|s| s.account.clone())
    else {
        // Not signed in: the handler answers 401 as it always does.
        return next.run(req).await;
    };
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return ErrorResponse::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "The request body is too large.",
        )
        .into_response();
    };
    let fingerprint = {
        let mut hash = Sha256::new();
        hash.update(parts.method.as_str());
        hash.update(b" ");
        hash.update(parts.uri.path().as_bytes());
        hash.update(b"\n");
        hash.update(&bytes);
        hex::encode(hash.finalize())
    };
    let region = i64::from(state.config.region);
    match keys::claim(&state.db, user.id, &key, &fingerprint, region).await {
        Ok(Claim::New) => {}
        Ok(Claim::Done {
            status,
            content_type,
            body,
        }) => return replay(status, &content_type, body),
        Ok(Claim::Running) => {
            let mut response = ErrorResponse::new(
                StatusCode::CONFLICT,
                "idempotency_in_progress",
                "A request with this Idempotency-Key is still running. Try again in a moment.",
            )
            .into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(1));
            return response;
        }
        Ok(Claim::OtherRequest) => {
            return ErrorResponse::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "This Idempotency-Key was used for a different request.",
            )
            .into_response();
        }
        Err(e) => return crate::Error::Db(e).into_response(),
    }
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    let status = response.status();
    if status.is_server_error() {
        // Our failure: nothing is promised, so a retry may run the write again.
        if let Err(e) = keys::release(&state.db, user.id, &key).await {
            tracing::warn!(error = %e, "releasing an idempotency key failed");
        }
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(answer) = to_bytes(body, MAX_ANSWER).await else {
        return ErrorResponse::internal("an answer to a write was too large to keep")
            .into_response();
    };
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    if let Err(e) = keys::complete(
        &state.db,
        user.id,
        &key,
        status.as_u16(),
        &content_type,
        &answer,
    )
    .await
    {
        // The write happened and its answer goes out; only a retry would not find it.
        tracing::warn!(error = %e, "storing an idempotent answer failed");
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(answer))
}

/// The stored answer, marked as such.
fn replay(status: u16, content_type: &str, body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    if let Ok(v) = HeaderValue::from_str(content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    response
        .headers_mut()
        .insert(REPLAYED, HeaderValue::from_static("true"));
    response
}
