//! The timeline service's errors and their HTTP statuses.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use plaza_http::ErrorResponse;
use plaza_types::cursor::BadCursor;
use plaza_types::validate::Invalid;

/// Everything a timeline handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(#[from] Invalid),
    #[error("bad cursor")]
    BadCursor(#[from] BadCursor),
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("the post was deleted")]
    PostDeleted,
    #[error("only the author may do this")]
    NotAuthor,
    #[error("too many ids")]
    TooMany,
    #[error("the row belongs to another region")]
    OtherRegion,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// The timeline service's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let err = match self {
            Error::Invalid(i) => {
                ErrorResponse::new(StatusCode::UNPROCESSABLE_ENTITY, i.code, i.message)
            }
            Error::BadCursor(_) => ErrorResponse::invalid_cursor(),
            Error::NotFound(what) => ErrorResponse::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("That {what} does not exist."),
            ),
            Error::PostDeleted => ErrorResponse::new(
                StatusCode::CONFLICT,
                "post_deleted",
                "That post has been deleted.",
            ),
            Error::NotAuthor => ErrorResponse::new(
                StatusCode::FORBIDDEN,
                "not_author",
                "Only the author can do that.",
            ),
            Error::TooMany => ErrorResponse::too_many_ids(),
            Error::OtherRegion => ErrorResponse::new(
                StatusCode::CONFLICT,
                "other_region",
                "That belongs to another region, which must change it.",
            ),
            Error::Db(e) if plaza_storage::is_outage(&e) => ErrorResponse::database_unavailable(e),
            Error::Db(e) => ErrorResponse::internal(e),
        };
        err.into_response()
    }
}
