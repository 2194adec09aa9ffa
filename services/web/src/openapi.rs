//! The OpenAPI description of `/api/v1`, kept beside the code in `docs/openapi.json` and served
//! at `/api/v1/openapi.json`. A test checks that every documented operation is routed.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The document's text.
pub const OPENAPI: &str = include_str!("../../../docs/openapi.json");

/// `GET /api/v1/openapi.json`.
pub async fn document() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}
