//! The empathy service's errors and their HTTP statuses.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use plaza_http::ErrorResponse;
use plaza_types::cursor::BadCursor;

/// Everything an empathy handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("bad cursor")]
    BadCursor(#[from] BadCursor),
    #[error("a Yeah on your own post or comment")]
    OwnTarget,
    #[error("too many ids")]
    TooMany,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// The empathy service's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let err = match self {
            Error::BadCursor(_) => ErrorResponse::invalid_cursor(),
            Error::OwnTarget => ErrorResponse::new(
                StatusCode::FORBIDDEN,
                "own_content",
                "You cannot give a Yeah to your own post or comment.",
            ),
            Error::TooMany => ErrorResponse::too_many_ids(),
            Error::Db(e) if plaza_storage::is_outage(&e) => ErrorResponse::database_unavailable(e),
            Error::Db(e) => ErrorResponse::internal(e),
        };
        err.into_response()
    }
}
