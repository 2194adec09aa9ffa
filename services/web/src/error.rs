//! The web service's errors: one enum, its statuses and stable codes, answered as JSON for the
//! API and as a friendly page for the site ([`PageError`]). A page error leaves the response
//! carrying an [`ErrorPageSource`]; `handlers::pages::errors` renders it in the reader's
//! language, so nothing here depends on the pages.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use plaza_clients::ClientError;
use plaza_http::ErrorResponse;
use plaza_types::cursor::BadCursor;
use plaza_types::validate::Invalid;

/// Everything a web handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Invalid(#[from] Invalid),
    #[error("bad cursor")]
    BadCursor(#[from] BadCursor),
    #[error("not signed in")]
    Unauthenticated,
    #[error("wrong username or password")]
    BadCredentials,
    #[error("{message}")]
    Forbidden {
        code: &'static str,
        message: &'static str,
    },
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: &'static str,
    },
    #[error("the form has expired")]
    Csrf,
    #[error("too many requests")]
    RateLimited(std::time::Duration),
    #[error("{0}")]
    Media(#[from] plaza_media::MediaError),
    /// Every image worker is busy: try again in a moment.
    #[error("every image worker is busy")]
    MediaBusy,
    /// The object store (S3) did not take or give an image.
    #[error("the media store failed: {0}")]
    MediaStore(std::io::Error),
    #[error(transparent)]
    Service(#[from] ClientError),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// The web service's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The one place statuses and codes are chosen.
    pub fn to_response(&self) -> ErrorResponse {
        use StatusCode as S;
        match self {
            Error::Invalid(i) => {
                ErrorResponse::new(S::UNPROCESSABLE_ENTITY, i.code, i.message.clone())
            }
            Error::BadCursor(_) => ErrorResponse::invalid_cursor(),
            Error::Unauthenticated => {
                ErrorResponse::new(S::UNAUTHORIZED, "unauthenticated", "Sign in first.")
            }
            Error::BadCredentials => ErrorResponse::new(
                S::UNAUTHORIZED,
                "invalid_credentials",
                "The username or password is wrong.",
            ),
            Error::Forbidden { code, message } => ErrorResponse::new(S::FORBIDDEN, *code, *message),
            Error::NotFound(what) => ErrorResponse::new(
                S::NOT_FOUND,
                "not_found",
                format!("That {what} does not exist."),
            ),
            Error::Conflict { code, message } => ErrorResponse::new(S::CONFLICT, *code, *message),
            Error::Media(m) => ErrorResponse::new(
                if m.is_too_large() {
                    S::PAYLOAD_TOO_LARGE
                } else {
                    S::UNPROCESSABLE_ENTITY
                },
                m.code(),
                m.to_string(),
            ),
            Error::RateLimited(_) => ErrorResponse::new(
                S::TOO_MANY_REQUESTS,
                "rate_limited",
                "You're doing that too often. Wait a moment and try again.",
            ),
            Error::MediaBusy => ErrorResponse::new(
                S::SERVICE_UNAVAILABLE,
                "media_busy",
                "Many pictures are being processed right now. Try again in a moment.",
            ),
            Error::MediaStore(_) => ErrorResponse::new(
                S::SERVICE_UNAVAILABLE,
                "media_unavailable",
                "Pictures cannot be saved right now. Try again in a moment, or post without one.",
            ),
            Error::Csrf => ErrorResponse::new(
                S::FORBIDDEN,
                "csrf_failed",
                "The form has expired or came from another site. Reload the page and try again.",
            ),
            // A service's own 4xx answer (not found, deleted, invalid) goes to the client as it
            // is; anything else is our failure.
            Error::Service(ClientError::Api { status, body, .. })
                if (400..500).contains(status) =>
            {
                ErrorResponse::new(
                    StatusCode::from_u16(*status).unwrap_or(S::BAD_REQUEST),
                    body.error.clone(),
                    body.message.clone(),
                )
            }
            // A service that cannot reach the database says so; so does this one, on purpose
            // (any other 5xx of a service stays an internal error here).
            Error::Service(
                e @ ClientError::Api {
                    status: 503, body, ..
                },
            ) if body.error == "database_unavailable" => ErrorResponse::database_unavailable(e),
            Error::Service(e) => ErrorResponse::internal(e),
            Error::Db(e) if plaza_storage::is_outage(e) => ErrorResponse::database_unavailable(e),
            Error::Db(e) => ErrorResponse::internal(e),
            Error::Internal(e) => ErrorResponse::internal(e),
        }
    }

    /// A "forbidden" with a stable code.
    pub fn forbidden(code: &'static str, message: &'static str) -> Self {
        Error::Forbidden { code, message }
    }

    /// A "conflict" with a stable code.
    pub fn conflict(code: &'static str, message: &'static str) -> Self {
        Error::Conflict { code, message }
    }
}

/// When to try an upload again after `media_busy`: image work takes about a second at most.
const MEDIA_BUSY_RETRY_SECS: u64 = 2;

impl Error {
    /// Whole seconds to wait before trying again, for a rate-limited request or busy workers.
    fn retry_after(&self) -> Option<u64> {
        match self {
            Error::RateLimited(wait) => Some(wait.as_secs() + 1),
            Error::MediaBusy => Some(MEDIA_BUSY_RETRY_SECS),
            _ => None,
        }
    }
}

fn set_retry_after(response: &mut Response, seconds: Option<u64>) {
    if let Some(secs) = seconds {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let unauthenticated = matches!(self, Error::Unauthenticated | Error::BadCredentials);
        let retry_after = self.retry_after();
        let mut response = self.to_response().into_response();
        set_retry_after(&mut response, retry_after);
        if unauthenticated {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// An error on a page: the same status, shown as a friendly HTML page.
#[derive(Debug)]
pub struct PageError(pub Error);

impl<E: Into<Error>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if matches!(self.0, Error::Unauthenticated) {
            return axum::response::Redirect::to("/signin").into_response();
        }
        let retry_after = self.0.retry_after();
        let mut response = error_page(self.0.to_response());
        set_retry_after(&mut response, retry_after);
        response
    }
}

/// An error page's status, code and English message, kept on the response so that the
/// error-page renderer (which knows the reader's language) writes the page.
#[derive(Debug, Clone)]
pub struct ErrorPageSource {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
}

/// The response for an error shown as a page: its status and plain message, carrying an
/// [`ErrorPageSource`] for the renderer and the internal cause for the log.
pub fn error_page(err: ErrorResponse) -> Response {
    let source = ErrorPageSource {
        status: err.status,
        code: err.code.clone(),
        message: err.message.clone(),
    };
    let mut response = (err.status, err.message).into_response();
    response.extensions_mut().insert(source);
    if let Some(cause) = err.cause {
        response
            .extensions_mut()
            .insert(plaza_http::error::InternalCause(cause));
    }
    response
}
