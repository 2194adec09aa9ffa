//! The console API's one error type: a refusal with its own stable code, answered as an XML error
//! document (see [`super::xml::error`]). Errors of the rest of the web service (validation,
//! limits, media, the subservices) keep their status and code and are only written as XML; an
//! internal cause is logged once by the common middleware and never shown.

use super::param_pack::ParamPackError;
use super::xml;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use plaza_http::error::InternalCause;

/// Everything a console request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    /// The `X-Nintendo-ParamPack` header was missing or malformed.
    #[error(transparent)]
    ParamPack(#[from] ParamPackError),
    /// A refusal of the console API itself.
    #[error("{message}")]
    Refused {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
    /// The console's service token is not linked to an account yet: the answer carries the code
    /// to enter in Plaza's settings.
    #[error("this console is not linked")]
    NotLinked { link_code: String },
    /// Anything the shared operations refused or failed with.
    #[error(transparent)]
    Web(#[from] crate::Error),
}

/// The console API's result type.
pub type ConsoleResult<T> = std::result::Result<T, ConsoleError>;

impl ConsoleError {
    /// A refusal with a stable code.
    pub fn refused(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ConsoleError::Refused {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400 with a stable code: a request a console would not send.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::refused(StatusCode::BAD_REQUEST, code, message)
    }
}

impl From<plaza_types::validate::Invalid> for ConsoleError {
    fn from(i: plaza_types::validate::Invalid) -> Self {
        ConsoleError::Web(i.into())
    }
}

impl IntoResponse for ConsoleError {
    fn into_response(self) -> Response {
        match self {
            ConsoleError::ParamPack(e) => {
                xml::error(StatusCode::BAD_REQUEST, e.code(), &e.to_string())
                    .respond(StatusCode::BAD_REQUEST)
            }
            ConsoleError::Refused {
                status,
                code,
                message,
            } => xml::error(status, code, &message).respond(status),
            ConsoleError::NotLinked { link_code } => {
                let status = StatusCode::UNAUTHORIZED;
                let mut doc = xml::error(
                    status,
                    "console_not_linked",
                    &format!(
                        "This console is not linked to a Plaza account. Sign in to Plaza, open \
                         Settings, Consoles, and enter the code {link_code}."
                    ),
                );
                doc.text("link_code", &link_code);
                doc.respond(status)
            }
            ConsoleError::Web(e) => {
                let retry_after = e.retry_after();
                let answer = e.to_response();
                let mut response =
                    xml::error(answer.status, &answer.code, &answer.message).respond(answer.status);
                if let Some(secs) = answer.retry_after.or(retry_after) {
                    response
                        .headers_mut()
                        .insert(header::RETRY_AFTER, HeaderValue::from(secs));
                }
                if let Some(cause) = answer.cause {
                    response.extensions_mut().insert(InternalCause(cause));
                }
                response
            }
        }
    }
}
