//! `Idempotency-Key` on the JSON API's writes: a client (or the SDK, or the load balancer) that
//! did not get an answer sends the same write again with the same key, and gets the first answer
//! instead of a second post. Keys are scoped per account and kept at least 24 hours.

use crate::AppState;
use crate::db::idempotency::{self as keys, Claim};
use crate::db::users::User;
use crate::session::Session;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use plaza_http::ErrorResponse;
use plaza_types::Id;
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
    let Some(user) = signed_in(&req) else {
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
        let_go(&state, user.id, &key).await;
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
    keep_answer(&state, user.id, &key, status, &content_type, &answer).await;
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(answer))
}

/// The account the session middleware found (by the bearer token or the page cookie), if any.
fn signed_in(req: &Request) -> Option<User> {
    req.extensions()
        .get::<Session>()
        .and_then(|s| s.account.clone())
}

/// Stores the answer to a finished write under its key. A failure is only logged: the write
/// happened and its answer goes out; only a retry would not find it.
async fn keep_answer(
    state: &AppState,
    user: Id,
    key: &str,
    status: StatusCode,
    content_type: &str,
    body: &[u8],
) {
    let stored = keys::complete(&state.db, user, key, status.as_u16(), content_type, body);
    if let Err(e) = stored.await {
        tracing::warn!(error = %e, "storing an idempotent answer failed");
    }
}

/// Lets a key go after our own failure: nothing was promised, so a retry may run the write
/// again. A failure is only logged (the key then expires).
async fn let_go(state: &AppState, user: Id, key: &str) {
    if let Err(e) = keys::release(&state.db, user, key).await {
        tracing::warn!(error = %e, "releasing an idempotency key failed");
    }
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

/// The form field that names a page's write: every write form carries a fresh one
/// ([`crate::handlers::pages::Layout::form_key`]).
pub const FORM_FIELD: &str = "idempotency_key";
/// Sent by the page's script with a form it sends itself: answer a redirect as `204` with
/// [`LOCATION`] instead, so the script can go there (with its `#fragment`).
pub const SCRIPT_REDIRECT: &str = "plaza-redirect";
/// Where a redirect answered to the page's script leads.
pub const LOCATION: &str = "plaza-location";
/// How long a repeated page write waits for its first attempt to finish before it is told to
/// try again: a double click, or the page's script retrying while the first is still running.
const PAGE_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// The same for the pages' forms: a form sent again with the key of its hidden field (a
/// reload, a second click, the page's script retrying after a network error) gets the first
/// answer — the redirect to where the first one went, or the Yeah's JSON — instead of a second
/// write. Only those answers are kept; any other answer (a form sent back with an error) wrote
/// nothing, so the key is let go and a retry runs again. A redirect's stored body is its
/// target.
///
/// The key scopes a write to the form it was rendered in, so the fingerprint is the method and
/// path only: a browser makes a new multipart boundary for each submission of the same form.
pub async fn replay_page_writes(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    if *req.method() != Method::POST {
        return next.run(req).await;
    }
    let Some(user) = signed_in(&req) else {
        // Not signed in (sign-in, sign-up): nothing to scope a key to.
        return next.run(req).await;
    };
    let json = crate::handlers::pages::wants_json(req.headers());
    let script = req.headers().contains_key(SCRIPT_REDIRECT);
    let (req, key) = match page_key(req).await {
        Ok(found) => found,
        Err(e) => return page_error(json, e),
    };
    let Some(key) = key else {
        return next.run(req).await;
    };
    let fingerprint = {
        let mut hash = Sha256::new();
        hash.update(req.method().as_str());
        hash.update(b" ");
        hash.update(req.uri().path().as_bytes());
        hex::encode(hash.finalize())
    };
    let region = i64::from(state.config.region);
    let waited_until = tokio::time::Instant::now() + PAGE_WAIT;
    loop {
        match keys::claim(&state.db, user.id, &key, &fingerprint, region).await {
            Ok(Claim::New) => break,
            Ok(Claim::Done {
                status,
                content_type,
                body,
            }) => return for_script(script, replay_page(status, &content_type, body)),
            Ok(Claim::Running) if tokio::time::Instant::now() < waited_until => {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            Ok(Claim::Running) => {
                let mut response = page_error(
                    json,
                    ErrorResponse::new(
                        StatusCode::CONFLICT,
                        "idempotency_in_progress",
                        "This form is still being sent. Try again in a moment.",
                    ),
                );
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(1));
                return response;
            }
            Ok(Claim::OtherRequest) => {
                return page_error(
                    json,
                    ErrorResponse::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "idempotency_key_reused",
                        "This form was already used for something else. Reload the page and try again.",
                    ),
                );
            }
            Err(e) => return crate::error::PageError(crate::Error::Db(e)).into_response(),
        }
    }
    // The key also goes with the write to the service that stores it, so a row committed by an
    // attempt whose answer was lost (a killed process) is found by the retry.
    let context = plaza_http::RequestContext::current()
        .unwrap_or_else(plaza_http::RequestContext::background);
    let context = plaza_http::RequestContext {
        idempotency_key: Some(key.clone()),
        ..context
    };
    let response = context.scope(next.run(req)).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let target = response
        .headers()
        .get(header::LOCATION)
        .map(|v| v.as_bytes().to_vec());
    let (content_type, body, mut response) = if status.is_redirection()
        && let Some(target) = target
    {
        (String::new(), target, response)
    } else if status.is_success() && is_json {
        let (parts, body) = response.into_parts();
        let Ok(answer) = to_bytes(body, MAX_ANSWER).await else {
            return ErrorResponse::internal("an answer to a write was too large to keep")
                .into_response();
        };
        let body = answer.to_vec();
        (
            "application/json".to_owned(),
            body,
            Response::from_parts(parts, Body::from(answer)),
        )
    } else {
        let_go(&state, user.id, &key).await;
        return response;
    };
    keep_answer(&state, user.id, &key, status, &content_type, &body).await;
    response.headers_mut().remove(header::CONTENT_LENGTH);
    for_script(script, response)
}

/// A redirect as the page's script is given it: `204` with the target in [`LOCATION`], because
/// `fetch` follows a redirect silently and drops the target's `#fragment`.
fn for_script(script: bool, mut response: Response) -> Response {
    if !script || !response.status().is_redirection() {
        return response;
    }
    let Some(target) = response.headers_mut().remove(header::LOCATION) else {
        return response;
    };
    *response.status_mut() = StatusCode::NO_CONTENT;
    response.headers_mut().insert(LOCATION, target);
    response
}

/// The key a page write carries: the `Idempotency-Key` header (the page's script sends it),
/// else the form's hidden field. The body is read to find the field and handed on unchanged.
async fn page_key(req: Request) -> Result<(Request, Option<String>), ErrorResponse> {
    let from_header = req
        .headers()
        .get(HEADER)
        .map(|v| v.to_str().map(str::to_owned).unwrap_or_default());
    let (req, key) = match from_header {
        Some(key) => (req, Some(key)),
        None => {
            let content_type = req
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned();
            let urlencoded = content_type.starts_with("application/x-www-form-urlencoded");
            let multipart = content_type.starts_with("multipart/form-data");
            if !urlencoded && !multipart {
                return Ok((req, None));
            }
            let (parts, body) = req.into_parts();
            let bytes = to_bytes(body, MAX_BODY).await.map_err(|_| {
                ErrorResponse::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "payload_too_large",
                    "The request body is too large.",
                )
            })?;
            let key = if urlencoded {
                url::form_urlencoded::parse(&bytes)
                    .find(|(name, _)| name == FORM_FIELD)
                    .map(|(_, value)| value.into_owned())
            } else {
                multipart_field(&content_type, bytes.clone()).await
            };
            (Request::from_parts(parts, Body::from(bytes)), key)
        }
    };
    match key {
        Some(k) if !plaza_http::valid_idempotency_key(&k) => Err(ErrorResponse::new(
            StatusCode::BAD_REQUEST,
            "invalid_idempotency_key",
            "An Idempotency-Key is 1 to 255 visible ASCII characters.",
        )),
        key => Ok((req, key)),
    }
}

/// The key field of a multipart form, if it has one (a malformed form is the handler's to
/// refuse, so it just has none here).
async fn multipart_field(content_type: &str, bytes: axum::body::Bytes) -> Option<String> {
    use axum::extract::FromRequest;
    let req = Request::builder()
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(bytes))
        .ok()?;
    let mut form = axum::extract::Multipart::from_request(req, &())
        .await
        .ok()?;
    while let Ok(Some(field)) = form.next_field().await {
        if field.name() == Some(FORM_FIELD) {
            return field.text().await.ok();
        }
    }
    None
}

/// A page write's error: JSON to the page's script, a friendly page otherwise.
fn page_error(json: bool, error: ErrorResponse) -> Response {
    if json {
        error.into_response()
    } else {
        crate::error::error_page(error)
    }
}

/// The stored answer to a page write: the same redirect, or the same JSON.
fn replay_page(status: u16, content_type: &str, body: Vec<u8>) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::SEE_OTHER);
    if !status.is_redirection() {
        return replay(status.as_u16(), content_type, body);
    }
    let mut response = status.into_response();
    if let Ok(target) = HeaderValue::from_bytes(&body) {
        response.headers_mut().insert(header::LOCATION, target);
    }
    response
        .headers_mut()
        .insert(REPLAYED, HeaderValue::from_static("true"));
    response
}
