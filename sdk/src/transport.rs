//! One call of the game API, sent until it succeeds or fails for good: a timeout per attempt,
//! retries with back-off on 429/502/503/504, connection failures and timeouts, `Retry-After`
//! honoured, and a write's `Idempotency-Key` the same on every attempt, so that a write whose
//! answer was lost is never made twice.

use crate::config::ClientConfig;
use crate::error::{Error, Result};
use crate::retry::{retry_after, retryable_status};
use plaza_types::ErrorBody;
use reqwest::header::{CONTENT_TYPE, ETAG, HeaderMap, HeaderValue, IF_NONE_MATCH};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Per read (path and query): the answer's `ETag` and body.
type EtagCache = HashMap<String, (HeaderValue, Vec<u8>)>;

/// The most answers kept for `If-None-Match` (a game polls a handful of lists).
const ETAG_CACHE_MAX: usize = 64;

/// The header that names a write (the server keeps its answer at least 24 hours per account).
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

/// A new key for one logical write: 128 random bits, as text the server accepts.
pub fn new_idempotency_key() -> Result<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)
        .map_err(|e| Error::InvalidArgument(format!("no randomness for a key: {e}")))?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!("sdk-{hex}"))
}

/// A request, kept whole so that it can be sent again.
#[derive(Debug)]
pub(crate) struct Call {
    pub method: Method,
    /// The path under the base URL.
    pub path: String,
    /// The query string's pairs.
    pub query: Vec<(String, String)>,
    /// A JSON body, serialized once.
    pub body: Option<Vec<u8>>,
    /// Present on every write.
    pub idempotency_key: Option<String>,
}

impl Call {
    pub fn get(path: String) -> Self {
        Call {
            method: Method::GET,
            path,
            query: Vec::new(),
            body: None,
            idempotency_key: None,
        }
    }

    /// A read with the fields of `query` (a struct of optional fields) as its query string;
    /// fields that are `None` are left out.
    pub fn get_with(path: String, query: &impl serde::Serialize) -> Result<Self> {
        let value =
            serde_json::to_value(query).map_err(|e| Error::InvalidArgument(e.to_string()))?;
        let serde_json::Value::Object(fields) = value else {
            return Err(Error::InvalidArgument("a query is a struct".into()));
        };
        let query = fields
            .into_iter()
            .filter_map(|(k, v)| match v {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some((k, s)),
                other => Some((k, other.to_string())),
            })
            .collect();
        Ok(Call {
            query,
            ..Call::get(path)
        })
    }

    /// A write with a JSON body (or none) and its key.
    pub fn write(
        method: Method,
        path: String,
        body: Option<&impl serde::Serialize>,
        key: String,
    ) -> Result<Self> {
        let body = match body {
            Some(b) => {
                Some(serde_json::to_vec(b).map_err(|e| Error::InvalidArgument(e.to_string()))?)
            }
            None => None,
        };
        if !valid_key(&key) {
            return Err(Error::InvalidArgument(
                "an Idempotency-Key is 1 to 255 visible ASCII characters".into(),
            ));
        }
        Ok(Call {
            method,
            path,
            query: Vec::new(),
            body,
            idempotency_key: Some(key),
        })
    }
}

fn valid_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= 255 && key.bytes().all(|b| b.is_ascii_graphic())
}

/// The HTTP client and what every request carries.
#[derive(Debug, Clone)]
pub(crate) struct Transport {
    http: reqwest::Client,
    base: String,
    /// `/api/v1/game/titles/{title_id}`: where the game calls' paths start.
    pub title_root: String,
    headers: HeaderMap,
    config: ClientConfig,
    /// The last answer to each read that had an `ETag`: a poll that changed nothing is a 304
    /// without a body, answered from here.
    etags: Arc<Mutex<EtagCache>>,
}

impl Transport {
    pub fn new(config: &ClientConfig) -> Result<Self> {
        let base = config.base_url.trim_end_matches('/').to_owned();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(Error::InvalidArgument(format!(
                "the base URL must start with http:// or https://, got {base:?}"
            )));
        }
        let title = &config.title_id;
        if title.len() != 16 || !title.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Error::InvalidArgument(format!(
                "a title id is 16 hex digits, got {title:?}"
            )));
        }
        let title_root = format!("/api/v1/game/titles/{}", title.to_ascii_uppercase());
        let headers = crate::config::auth_headers(config)?;
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("plaza-sdk/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::from_reqwest(&e))?;
        Ok(Transport {
            http,
            base,
            title_root,
            headers,
            config: config.clone(),
            etags: Arc::default(),
        })
    }

    /// Sends `call` until it succeeds or fails for good, and reads the answer as `T`.
    pub async fn send<T: DeserializeOwned>(&self, call: &Call) -> Result<T> {
        let bytes = self.send_raw(call).await?;
        let text: &[u8] = if bytes.is_empty() { b"null" } else { &bytes };
        serde_json::from_slice(text).map_err(|e| Error::Decode(e.to_string()))
    }

    async fn send_raw(&self, call: &Call) -> Result<Vec<u8>> {
        let policy = &self.config.retry;
        let mut attempt = 1;
        loop {
            let outcome = self.attempt(call).await;
            let (error, wait) = match outcome {
                Ok(body) => return Ok(body),
                Err(Failure::Final(e)) => return Err(e),
                Err(Failure::Passing(e, after)) => (e, after),
            };
            if attempt >= policy.max_attempts.max(1) {
                return Err(error);
            }
            let wait = match wait {
                Some(after) if after > policy.max_retry_after => return Err(error),
                Some(after) => after,
                None => policy.backoff(attempt),
            };
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn attempt(&self, call: &Call) -> Result<Vec<u8>, Failure> {
        let url = format!("{}{}", self.base, call.path);
        let mut req = self
            .http
            .request(call.method.clone(), url)
            .headers(self.headers.clone());
        if !call.query.is_empty() {
            req = req.query(&call.query);
        }
        let cache_key =
            (call.method == Method::GET).then(|| format!("{}?{:?}", call.path, call.query));
        let cached_tag = cache_key.as_ref().and_then(|k| {
            let etags = self
                .etags
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            etags.get(k).map(|(tag, _)| tag.clone())
        });
        if let Some(tag) = cached_tag {
            req = req.header(IF_NONE_MATCH, tag);
        }
        if let Some(key) = &call.idempotency_key {
            req = req.header(IDEMPOTENCY_KEY_HEADER, key);
        }
        if let Some(body) = &call.body {
            req = req
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(body.clone());
        }
        let response = match req.send().await {
            Ok(r) => r,
            Err(e) => return Err(network_failure(&e)),
        };
        let status = response.status();
        let after = retry_after(response.headers());
        let etag = response.headers().get(ETAG).cloned();
        let bytes = match response.bytes().await {
            Ok(b) => b.to_vec(),
            // The answer was cut off: whether the write happened is unknown, so send it again.
            Err(e) => return Err(network_failure(&e)),
        };
        if let Some(key) = cache_key {
            let mut etags = self
                .etags
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if status == StatusCode::NOT_MODIFIED {
                if let Some((_, body)) = etags.get(&key) {
                    return Ok(body.clone());
                }
            } else if status.is_success()
                && let Some(tag) = etag
            {
                if etags.len() >= ETAG_CACHE_MAX && !etags.contains_key(&key) {
                    etags.clear();
                }
                etags.insert(key, (tag, bytes.clone()));
            }
        }
        if status.is_success() {
            return Ok(bytes);
        }
        let error = api_error(status, &bytes, after);
        if retryable_status(status, error.code()) {
            Err(Failure::Passing(error, after))
        } else {
            Err(Failure::Final(error))
        }
    }
}

/// Why an attempt failed, and whether another may succeed.
enum Failure {
    /// Worth another attempt, after the server's `Retry-After` if it gave one.
    Passing(Error, Option<Duration>),
    Final(Error),
}

fn network_failure(e: &reqwest::Error) -> Failure {
    let error = Error::from_reqwest(e);
    match error {
        Error::Timeout(_) | Error::Network(_) | Error::Decode(_) => Failure::Passing(error, None),
        _ => Failure::Final(error),
    }
}

/// Plaza's `{"error","message"}`, or a description of whatever else came back (a proxy's page).
fn api_error(status: StatusCode, body: &[u8], retry_after: Option<Duration>) -> Error {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(b) => Error::Api {
            status: status.as_u16(),
            code: b.error,
            message: b.message,
            retry_after,
        },
        Err(_) => Error::Api {
            status: status.as_u16(),
            code: format!("http_{}", status.as_u16()),
            message: status
                .canonical_reason()
                .unwrap_or("unexpected answer")
                .to_owned(),
            retry_after,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_new_each_time_and_valid_for_the_server() {
        let a = new_idempotency_key().unwrap();
        let b = new_idempotency_key().unwrap();
        assert_ne!(a, b);
        assert!(valid_key(&a) && a.len() == 36, "{a}");
    }

    #[test]
    fn a_write_with_a_bad_key_is_refused_before_sending() {
        for key in ["", "has space", &"x".repeat(256)] {
            let call = Call::write(Method::POST, "/x".into(), None::<&()>, key.to_owned());
            assert!(matches!(call, Err(Error::InvalidArgument(_))), "{key:?}");
        }
    }

    #[test]
    fn an_answer_that_is_not_plazas_error_still_has_a_code() {
        let e = api_error(StatusCode::BAD_GATEWAY, b"<html>502</html>", None);
        assert_eq!(e.code(), Some("http_502"));
        let e = api_error(
            StatusCode::UNPROCESSABLE_ENTITY,
            br#"{"error":"app_data_too_long","message":"m"}"#,
            None,
        );
        assert_eq!(e.code(), Some("app_data_too_long"));
        assert_eq!(e.status(), Some(422));
    }
}
