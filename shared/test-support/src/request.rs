//! Requests to a router in this process, and reading what it answered.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use serde_json::Value;
use tower::ServiceExt;

/// The most of an answer's body a test reads.
const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// What a router answered: its status, headers and body (JSON when it parses, else the text
/// as a JSON string, `Null` when empty).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

/// A request with `body` as JSON (none when `None`).
pub fn json_request(method: Method, uri: &str, body: Option<&Value>) -> Request<Body> {
    let builder = Request::builder().method(method).uri(uri);
    match body {
        Some(b) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string())),
        None => builder.body(Body::empty()),
    }
    .expect("a valid request")
}

/// A POST of an HTML form's `fields`.
pub fn form_request(uri: &str, fields: &[(&str, &str)]) -> Request<Body> {
    let encoded = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(encoded))
        .expect("a valid request")
}

/// Sends `request` to `router` (no socket) and reads the whole answer.
pub async fn oneshot(router: &Router, request: Request<Body>) -> Reply {
    let response = router
        .clone()
        .oneshot(request)
        .await
        .expect("a router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), BODY_LIMIT)
        .await
        .expect("the body is read");
    Reply {
        status,
        headers,
        body: parse_body(&String::from_utf8_lossy(&bytes)),
    }
}

/// An answer's body as JSON: `Null` when empty, the text itself as a JSON string when it is not
/// JSON (an HTML error page, a proxy's text).
pub fn parse_body(text: &str) -> Value {
    if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
    }
}

/// The string `field` of every item of the list `list` in an answer (such as each post's `id`
/// in `posts`); fails when there is no such list or an item lacks the field.
#[track_caller]
pub fn field_of_each(body: &Value, list: &str, field: &str) -> Vec<String> {
    let items = body[list]
        .as_array()
        .unwrap_or_else(|| panic!("a list {list:?}: {body}"));
    items
        .iter()
        .map(|item| {
            let value = item[field].as_str();
            value
                .unwrap_or_else(|| panic!("a string {field:?}: {item}"))
                .to_owned()
        })
        .collect()
}
