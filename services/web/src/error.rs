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
    /// A refusal of the game API (titles, app keys, player tokens, game fields) with its own
    /// status and stable code.
    #[error("{message}")]
    Game {
        status: StatusCode,
        code: &'static str,
        message: &'static str,
    },
    #[error("{message}")]
    Conflict {
        code: &'static str,
        message: &'static str,
    },
    #[error("the form has expired")]
    Csrf,
    /// The account is suspended (until a time) or banned (`until` absent): it cannot write.
    #[error("the account is suspended")]
    Suspended {
        until: Option<plaza_types::Millis>,
        reason: String,
    },
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
    /// The account's home region could not be reached: its write was not made anywhere.
    #[error("home region {0} unavailable")]
    HomeRegionUnavailable(u8),
    /// A request claiming to be forwarded by another region was not (forged, stale, looping).
    #[error("{message}")]
    ForwardRefused {
        code: &'static str,
        message: &'static str,
    },
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
            Error::Game {
                status,
                code,
                message,
            } => ErrorResponse::new(*status, *code, *message),
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
            Error::Suspended { until, reason } => ErrorResponse::new(
                S::FORBIDDEN,
                "account_suspended",
                match until {
                    Some(until) => format!(
                        "Your account is suspended until {} and cannot post, comment or change anything. Reason: {reason}",
                        plaza_types::to_datetime(*until)
                            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                    ),
                    None => format!(
                        "Your account is banned and cannot post, comment or change anything. Reason: {reason}"
                    ),
                },
            ),
            Error::HomeRegionUnavailable(region) => ErrorResponse {
                retry_after: Some(30),
                ..ErrorResponse::new(
                    S::SERVICE_UNAVAILABLE,
                    "home_region_unavailable",
                    format!(
                        "Your account's home region (r{region}) cannot be reached right now, so this change was not made. Reading still works; try again in a few minutes."
                    ),
                )
            },
            Error::ForwardRefused { code, message } => {
                ErrorResponse::new(S::FORBIDDEN, *code, *message)
            }
            Error::Service(e) => from_service(e),
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

/// The validation codes the timeline answers (the rules of `plaza_types::validate` that it
/// applies to posts and comments): the same rules the web service checks with, so the person
/// sees the same code either way.
const SERVICE_VALIDATION_CODES: [&str; 12] = [
    "body_empty",
    "body_invisible",
    "body_too_long",
    "body_invalid_characters",
    "invalid_feeling",
    "invalid_topic_tag",
    "invalid_media_key",
    "drawing_alt_too_long",
    "malformed_title_id",
    "app_data_too_large",
    "too_many_search_keys",
    "invalid_search_key",
];

/// What the public sees when an internal service (timeline, empathy, notification) refused or
/// failed a call: each code a service is known to answer (see `docs/internal/*.json`) is mapped
/// here on purpose, with the status it is known to come with. Their messages are written for
/// people and go on as they are. Everything else is our failure, never the public's business:
/// `internal_auth_required` (a misconfigured secret), `invalid_event`, the extractors' codes (a
/// malformed call is the web service's bug), `timeout`, `internal_error`, a code added to a
/// service but not here, or no answer at all all become a generic 500 `internal_error`, and the
/// service's answer is logged as the cause.
fn from_service(e: &ClientError) -> ErrorResponse {
    use StatusCode as S;
    let ClientError::Api { status, body, .. } = e else {
        return match e {
            // No answer at all (refused, reset, timed out): the service is restarting or
            // overloaded, which a retry in a moment gets past; not a bug to report.
            ClientError::Unavailable { .. } => ErrorResponse::service_unavailable(e),
            _ => ErrorResponse::internal(e),
        };
    };
    let public = |status| ErrorResponse::new(status, body.error.clone(), body.message.clone());
    match (body.error.as_str(), *status) {
        (code, 422) if SERVICE_VALIDATION_CODES.contains(&code) => public(S::UNPROCESSABLE_ENTITY),
        ("invalid_cursor", 400) => ErrorResponse::invalid_cursor(),
        ("too_many_ids", 422) => ErrorResponse::too_many_ids(),
        ("not_found", 404) => public(S::NOT_FOUND),
        ("post_deleted" | "other_region", 409) => public(S::CONFLICT),
        ("not_author" | "own_content", 403) => public(S::FORBIDDEN),
        // A service that cannot reach the database says so, and so does this one: the person
        // should retry shortly.
        ("database_unavailable", 503) => ErrorResponse::database_unavailable(e),
        // The load balancer in front of a service had no process to give the call to (all
        // restarting, or taken out while their database was away): a moment's wait, not a bug.
        ("service_unavailable", 502..=504) => ErrorResponse::service_unavailable(e),
        _ => ErrorResponse::internal(e),
    }
}

/// When to try an upload again after `media_busy`: image work takes about a second at most.
const MEDIA_BUSY_RETRY_SECS: u64 = 2;

impl Error {
    /// Whole seconds to wait before trying again, for a rate-limited request or busy workers.
    pub(crate) fn retry_after(&self) -> Option<u64> {
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
        let unauthenticated = matches!(self, Error::Unauthenticated | Error::BadCredentials)
            || matches!(self, Error::Game { status, .. } if status == StatusCode::UNAUTHORIZED);
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

#[cfg(test)]
mod tests {
    use super::*;
    use plaza_types::ErrorBody;

    fn answered(status: u16, code: &str) -> Error {
        Error::Service(ClientError::Api {
            service: "timeline",
            status,
            body: ErrorBody {
                error: code.to_owned(),
                message: format!("the service's words for {code}"),
            },
        })
    }

    #[test]
    fn a_known_service_refusal_reaches_the_public_with_its_code_status_and_message() {
        for (status, code) in [
            (404, "not_found"),
            (409, "post_deleted"),
            (403, "not_author"),
            (403, "own_content"),
            (422, "body_too_long"),
            (422, "drawing_alt_too_long"),
        ] {
            let public = answered(status, code).to_response();
            assert_eq!(public.status.as_u16(), status, "{code}");
            assert_eq!(public.code, code);
            assert_eq!(public.message, format!("the service's words for {code}"));
        }
    }

    #[test]
    fn cursors_id_limits_and_database_outages_get_the_public_answer_of_their_own() {
        let cursor = answered(400, "invalid_cursor").to_response();
        assert_eq!(
            (cursor.status, cursor.code.as_str()),
            (StatusCode::BAD_REQUEST, "invalid_cursor")
        );
        let many = answered(422, "too_many_ids").to_response();
        assert_eq!(many.code, "too_many_ids");
        let down = answered(503, "database_unavailable").to_response();
        assert_eq!(down.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(down.code, "database_unavailable");
        assert_eq!(down.retry_after, Some(2));
        // A service's load balancer with no process ready answers for it.
        let busy = answered(503, "service_unavailable").to_response();
        assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(busy.code, "service_unavailable");
        assert_eq!(busy.retry_after, Some(2));
    }

    #[test]
    fn an_unknown_service_code_becomes_a_generic_internal_error_and_is_logged() {
        let public = answered(418, "brand_new_code").to_response();
        assert_eq!(public.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(public.code, "internal_error");
        assert!(!public.message.contains("brand_new_code"));
        let cause = public.cause.unwrap_or_default();
        assert!(cause.contains("brand_new_code"), "{cause}");
    }

    #[test]
    fn internal_only_codes_never_reach_the_public() {
        for (status, code) in [
            (401, "internal_auth_required"),
            (422, "invalid_event"),
            (400, "malformed_json"),
            (422, "invalid_fields"),
            (503, "timeout"),
            (500, "internal_error"),
            // A known code with a status it never comes with is not the known answer.
            (400, "not_found"),
        ] {
            let public = answered(status, code).to_response();
            assert_eq!(public.status, StatusCode::INTERNAL_SERVER_ERROR, "{code}");
            assert_eq!(public.code, "internal_error", "{code}");
        }
    }

    #[test]
    fn a_service_that_did_not_answer_is_a_retryable_outage_not_an_internal_error() {
        let public = Error::Service(ClientError::Unavailable {
            service: "empathy",
            message: "connection refused".into(),
        })
        .to_response();
        assert_eq!(public.status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(public.code, "service_unavailable");
        assert_eq!(public.retry_after, Some(2));
        assert!(!public.message.contains("empathy"), "{}", public.message);
    }

    #[test]
    fn a_service_answering_gibberish_is_still_an_internal_error() {
        let public = Error::Service(ClientError::Protocol {
            service: "empathy",
            message: "expected value".into(),
        })
        .to_response();
        assert_eq!(public.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(public.code, "internal_error");
    }
}
