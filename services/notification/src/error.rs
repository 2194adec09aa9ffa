//! The notification service's errors and their HTTP statuses.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use plaza_http::ErrorResponse;
use plaza_types::cursor::BadCursor;

/// Everything a notification handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("bad cursor")]
    BadCursor(#[from] BadCursor),
    #[error("invalid event: {0}")]
    InvalidEvent(&'static str),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// The notification service's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let err = match self {
            Error::BadCursor(_) => ErrorResponse::invalid_cursor(),
            Error::InvalidEvent(why) => {
                ErrorResponse::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_event", why)
            }
            Error::Db(e) if plaza_storage::is_outage(&e) => ErrorResponse::database_unavailable(e),
            Error::Db(e) => ErrorResponse::internal(e),
        };
        err.into_response()
    }
}
