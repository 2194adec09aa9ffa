//! The public JSON API, `/api/v1`: single resources wrapped (`{"post": {...}}`), lists as
//! `{"<things>": [...], "next_cursor": ...}`, errors as `{"error": code, "message": ...}`.

pub mod accounts;
pub mod communities;
pub mod notifications;
pub mod posts;
pub mod users;

use plaza_types::Page;
use serde::Serialize;
use serde_json::{Value, json};

/// The `cursor` query parameter of every list.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CursorQuery {
    pub cursor: Option<String>,
}

/// A list answer: `{"<name>": [...], "next_cursor": ...}`.
pub fn list<T: Serialize>(name: &str, page: Page<T>) -> plaza_http::Json<Value> {
    let mut body = serde_json::Map::new();
    body.insert(name.to_owned(), json!(page.items));
    body.insert("next_cursor".to_owned(), json!(page.next_cursor));
    plaza_http::Json(Value::Object(body))
}

/// The platform recorded on what the API writes.
pub const PLATFORM: &str = "api";
