//! Assertions on what a caller sees.

use crate::Reply;
use axum::http::StatusCode;
use serde_json::Value;

/// An answer a test looks at: a [`Reply`] from a router, or the `(status, body)` that
/// [`crate::Api`] returns.
pub trait Answer {
    fn status(&self) -> StatusCode;
    fn body(&self) -> &Value;
}

impl Answer for Reply {
    fn status(&self) -> StatusCode {
        self.status
    }
    fn body(&self) -> &Value {
        &self.body
    }
}

impl Answer for (StatusCode, Value) {
    fn status(&self) -> StatusCode {
        self.0
    }
    fn body(&self) -> &Value {
        &self.1
    }
}

impl Answer for (StatusCode, &Value) {
    fn status(&self) -> StatusCode {
        self.0
    }
    fn body(&self) -> &Value {
        self.1
    }
}

impl<T: Answer> Answer for &T {
    fn status(&self) -> StatusCode {
        (*self).status()
    }
    fn body(&self) -> &Value {
        (*self).body()
    }
}

fn status_of<S>(status: S) -> StatusCode
where
    S: TryInto<StatusCode>,
    S::Error: std::fmt::Debug,
{
    status.try_into().expect("a valid status code")
}

/// The answer is Plaza's error body with `status` (a [`StatusCode`] or its number) and `code`,
/// and a message for people.
#[track_caller]
pub fn assert_error<S>(answer: impl Answer, status: S, code: &str)
where
    S: TryInto<StatusCode>,
    S::Error: std::fmt::Debug,
{
    let body = answer.body();
    assert_eq!(answer.status(), status_of(status), "{body}");
    assert_eq!(body["error"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "the error has a message: {body}"
    );
}

/// The answer has `status` (a [`StatusCode`] or its number); the body is shown when not.
/// Returns the body, for the checks that follow.
#[track_caller]
pub fn assert_status<S>(answer: impl Answer, status: S) -> Value
where
    S: TryInto<StatusCode>,
    S::Error: std::fmt::Debug,
{
    let body = answer.body();
    assert_eq!(answer.status(), status_of(status), "{body}");
    body.clone()
}

/// The seconds in `response`'s `Retry-After` header; fails when it is missing or not a number.
#[track_caller]
pub fn retry_after(response: &reqwest::Response) -> u64 {
    let header = &response.headers()["retry-after"];
    header
        .to_str()
        .expect("an ASCII Retry-After")
        .parse()
        .expect("Retry-After in seconds")
}

/// A response's header `name` as text. Panics (failing the test) when it is missing or not
/// text.
#[track_caller]
pub fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    let value = response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("the response has no {name} header"));
    value.to_str().expect("a header in visible ASCII")
}
