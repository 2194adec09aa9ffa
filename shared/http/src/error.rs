//! The error response every service sends: a status and `{"error": code, "message": ...}`.
//! Internal causes travel to the logging middleware in a response extension and never reach the
//! client.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use plaza_types::ErrorBody;

/// An error to send to the client.
#[derive(Debug, Clone)]
pub struct ErrorResponse {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    /// What went wrong inside, for the log only.
    pub cause: Option<String>,
}

/// The cause of a 500, attached to the response for the middleware to log once.
#[derive(Debug, Clone)]
pub struct InternalCause(pub String);

impl ErrorResponse {
    /// An error with a stable code.
    pub fn new(status: StatusCode, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            status,
            code: code.into(),
            message: message.into(),
            cause: None,
        }
    }

    /// A 500 whose cause is logged but not shown.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal_error".into(),
            message: "Something went wrong on our side. Please try again.".into(),
            cause: Some(format!("{cause:#}")),
        }
    }

    /// A cursor that Plaza did not make.
    pub fn invalid_cursor() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_cursor",
            "The cursor is not valid.",
        )
    }

    /// A batch naming more ids than one request may.
    pub fn too_many_ids() -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_many_ids",
            "Too many ids in one request.",
        )
    }

    /// The JSON body.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: self.code.clone(),
            message: self.message.clone(),
        }
    }
}

impl IntoResponse for ErrorResponse {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body())).into_response();
        if let Some(cause) = self.cause {
            response.extensions_mut().insert(InternalCause(cause));
        }
        response
    }
}
