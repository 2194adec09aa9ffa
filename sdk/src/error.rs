//! What can go wrong in a call, in one enum: Plaza's own answers (with its stable error code) and
//! the network's failures.

use std::time::Duration;

/// The result of every call of the SDK.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A failed call.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Plaza answered with an error: its HTTP status and its stable snake_case code
    /// (`app_data_too_long`, `unauthenticated`, `rate_limited`, …; see docs/GAMES.md).
    #[error("{status} {code}: {message}")]
    Api {
        status: u16,
        code: String,
        message: String,
        /// The server's `Retry-After`, when it gave one (429, 503).
        retry_after: Option<Duration>,
    },
    /// No answer within the client's timeout.
    #[error("timed out: {0}")]
    Timeout(String),
    /// The server could not be reached (refused, reset, DNS, TLS).
    #[error("network error: {0}")]
    Network(String),
    /// An answer that is not what the game API promises (a bug on one side, or not Plaza).
    #[error("unexpected answer: {0}")]
    Decode(String),
    /// The call was refused before anything was sent (a bad base URL, a bad header value).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
}

impl Error {
    /// The server's error code, if Plaza answered with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The HTTP status, if Plaza answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub(crate) fn from_reqwest(e: &reqwest::Error) -> Self {
        // The source chain names the cause (connection refused, …); the top line alone does not.
        let mut text = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        if e.is_timeout() {
            Error::Timeout(text)
        } else if e.is_decode() {
            Error::Decode(text)
        } else if e.is_builder() {
            Error::InvalidArgument(text)
        } else {
            Error::Network(text)
        }
    }
}
