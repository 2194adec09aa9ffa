//! Status codes, the thread's last error and its getters, and the guard every function runs in
//! (null checks become `PLAZA_STATUS_INVALID_ARGUMENT`, panics `PLAZA_STATUS_PANIC`).

use super::strings::to_c_string;
use crate::Error;
use std::cell::RefCell;
use std::ffi::c_char;
use std::panic::{AssertUnwindSafe, catch_unwind};

/// What a call of the library came to. On anything but `PLAZA_STATUS_OK` the calling thread's
/// last error says more.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlazaStatus {
    /// Done.
    Ok = 0,
    /// A null pointer where one is required, text that is not UTF-8, or a bad option; nothing
    /// was sent.
    InvalidArgument = 1,
    /// Plaza could not be reached (refused, reset, DNS, TLS), after the retries.
    Network = 2,
    /// No answer within the timeout, after the retries.
    Timeout = 3,
    /// The app key or the player's token was refused (HTTP 401 or 403).
    Unauthorized = 4,
    /// No such title, community or post (HTTP 404).
    NotFound = 5,
    /// Still rate limited after the retries (HTTP 429).
    RateLimited = 6,
    /// Plaza stayed unavailable through the retries (HTTP 502, 503, 504).
    Unavailable = 7,
    /// Plaza refused the request as it is (another 4xx): `plaza_last_error_code` names why,
    /// e.g. `app_data_too_long`.
    Rejected = 8,
    /// Plaza failed (HTTP 500).
    ServerError = 9,
    /// Plaza's answer was not what the game API promises.
    Decode = 10,
    /// A bug in the library: it was caught and the call did nothing more.
    Panic = 11,
}

/// A failure on its way to C.
#[derive(Debug)]
pub(crate) struct Failure {
    pub status: PlazaStatus,
    pub message: String,
    pub code: Option<String>,
    pub http_status: u16,
}

impl Failure {
    pub fn invalid(message: impl Into<String>) -> Self {
        Failure {
            status: PlazaStatus::InvalidArgument,
            message: message.into(),
            code: None,
            http_status: 0,
        }
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let message = e.to_string();
        let (status, code, http_status) = match e {
            Error::Api { status, code, .. } => {
                let kind = match status {
                    401 | 403 => PlazaStatus::Unauthorized,
                    404 => PlazaStatus::NotFound,
                    429 => PlazaStatus::RateLimited,
                    502..=504 => PlazaStatus::Unavailable,
                    400..=499 => PlazaStatus::Rejected,
                    _ => PlazaStatus::ServerError,
                };
                (kind, Some(code), status)
            }
            Error::Timeout(_) => (PlazaStatus::Timeout, None, 0),
            Error::Network(_) => (PlazaStatus::Network, None, 0),
            Error::Decode(_) => (PlazaStatus::Decode, None, 0),
            Error::InvalidArgument(_) => (PlazaStatus::InvalidArgument, None, 0),
        };
        Failure {
            status,
            message,
            code,
            http_status,
        }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<Option<Failure>> = const { RefCell::new(None) };
}

/// Runs the body of an exported function: clears the thread's last error, catches a panic, and
/// records a failure as the last error.
pub(crate) fn guard(body: impl FnOnce() -> Result<(), Failure>) -> PlazaStatus {
    LAST_ERROR.with(|e| e.borrow_mut().take());
    let failure = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return PlazaStatus::Ok,
        Ok(Err(failure)) => failure,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".to_owned());
            Failure {
                status: PlazaStatus::Panic,
                message: format!("internal error in plaza-sdk: {what}"),
                code: None,
                http_status: 0,
            }
        }
    };
    let status = failure.status;
    LAST_ERROR.with(|e| *e.borrow_mut() = Some(failure));
    status
}

/// Runs a function that cannot fail (the `*_free` functions) without letting a panic out and
/// without touching the last error, so that freeing the message does not lose the code.
pub(crate) fn quietly(body: impl FnOnce()) {
    let _ = catch_unwind(AssertUnwindSafe(body));
}

/// Reads the thread's last error without letting a panic out.
fn with_last<T>(read: impl FnOnce(&Failure) -> T) -> Option<T> {
    catch_unwind(AssertUnwindSafe(|| {
        LAST_ERROR.with(|e| e.borrow().as_ref().map(read))
    }))
    .ok()
    .flatten()
}

/// The message of this thread's last failed call, as a new string to free with
/// `plaza_string_free`; NULL when the last call succeeded.
#[unsafe(no_mangle)]
pub extern "C" fn plaza_last_error_message() -> *mut c_char {
    with_last(|f| to_c_string(&f.message)).unwrap_or(std::ptr::null_mut())
}

/// Plaza's stable error code of this thread's last failed call (e.g. `app_data_too_long`), as a
/// new string to free with `plaza_string_free`; NULL when Plaza gave none (a network failure,
/// a bad argument) or the last call succeeded.
#[unsafe(no_mangle)]
pub extern "C" fn plaza_last_error_code() -> *mut c_char {
    with_last(|f| f.code.as_deref().map(to_c_string))
        .flatten()
        .unwrap_or(std::ptr::null_mut())
}

/// The HTTP status of this thread's last failed call's answer; 0 when there was none.
#[unsafe(no_mangle)]
pub extern "C" fn plaza_last_error_http_status() -> u16 {
    with_last(|f| f.http_status).unwrap_or(0)
}

/// The name of a `PlazaStatus` value (`"PLAZA_STATUS_RATE_LIMITED"`), static: never freed.
/// An int, not the enum, so that any value C passes is defined behaviour; unknown values give
/// `"PLAZA_STATUS_UNKNOWN"`.
#[unsafe(no_mangle)]
pub extern "C" fn plaza_status_name(status: i32) -> *const c_char {
    const NAMES: [&std::ffi::CStr; 12] = [
        c"PLAZA_STATUS_OK",
        c"PLAZA_STATUS_INVALID_ARGUMENT",
        c"PLAZA_STATUS_NETWORK",
        c"PLAZA_STATUS_TIMEOUT",
        c"PLAZA_STATUS_UNAUTHORIZED",
        c"PLAZA_STATUS_NOT_FOUND",
        c"PLAZA_STATUS_RATE_LIMITED",
        c"PLAZA_STATUS_UNAVAILABLE",
        c"PLAZA_STATUS_REJECTED",
        c"PLAZA_STATUS_SERVER_ERROR",
        c"PLAZA_STATUS_DECODE",
        c"PLAZA_STATUS_PANIC",
    ];
    usize::try_from(status)
        .ok()
        .and_then(|i| NAMES.get(i))
        .copied()
        .unwrap_or(c"PLAZA_STATUS_UNKNOWN")
        .as_ptr()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_a_call_becomes_a_status_and_a_message() {
        let status = guard(|| panic!("boom"));
        assert_eq!(status, PlazaStatus::Panic);
        let message = with_last(|f| f.message.clone()).unwrap();
        assert!(message.contains("boom"), "{message}");
        quietly(|| panic!("a free that panics"));
        assert_eq!(guard(|| Ok(())), PlazaStatus::Ok);
        assert!(with_last(|f| f.message.clone()).is_none());
    }
}
