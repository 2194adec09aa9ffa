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
    /// Seconds after which a retry makes sense, sent as `Retry-After`.
    pub retry_after: Option<u64>,
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
            retry_after: None,
        }
    }

    /// A 500 whose cause is logged but not shown.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            code: "internal_error".into(),
            message: "Something went wrong on our side. Please try again.".into(),
            cause: Some(format!("{cause:#}")),
            retry_after: None,
        }
    }

    /// A 503 for a database that cannot be reached now: the client should retry shortly. The
    /// cause is logged, not shown.
    pub fn database_unavailable(cause: impl std::fmt::Display) -> Self {
        Self {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: "database_unavailable".into(),
            message: "Plaza cannot reach its database right now. Try again in a moment.".into(),
            cause: Some(format!("{cause:#}")),
            retry_after: Some(2),
        }
    }

    /// A 503 for another service of Plaza that gave no answer (restarting, or too busy to take
    /// the call): the client should retry shortly. The cause is logged, not shown.
    pub fn service_unavailable(cause: impl std::fmt::Display) -> Self {
        Self {
            status: StatusCode::SERVICE_UNAVAILABLE,
            code: "service_unavailable".into(),
            message: "Plaza is restarting or busy; try again in a few seconds.".into(),
            cause: Some(format!("{cause:#}")),
            retry_after: Some(2),
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
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        if let Some(cause) = self.cause {
            response.extensions_mut().insert(InternalCause(cause));
        }
        response
    }
}
