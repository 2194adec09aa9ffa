//! Forwarded writes (ARCHITECTURE §3, "home region"): every write of an account is executed in
//! its home region, so a write that reaches another region is sent on to the home region's web
//! service and its answer (status, headers, cookies, body) relayed unchanged.
//!
//! A forwarded request is signed with the regions' shared secret: HMAC-SHA256 over the method,
//! the path and query, a timestamp, the body's digest, the request id and the sending region.
//! The receiving region serves a well-signed, fresh request locally and never sends it on again;
//! a forged, stale or looping one is refused. When the home region cannot be reached the write
//! fails fast with 503 `home_region_unavailable` and nothing is written anywhere.
//!
//! Without [`Forwarding`] (the embedded mode, one region) none of this runs.

use crate::Error;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::Response;
use plaza_http::{REQUEST_ID_HEADER, RequestContext, TRACK_HEADER};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::time::Duration;

/// The region that forwarded a request.
pub const FROM_HEADER: &str = "x-plaza-forwarded-from";
/// When the forwarding region signed it (Unix seconds).
pub const TIMESTAMP_HEADER: &str = "x-plaza-forward-timestamp";
/// The signature (hex HMAC-SHA256).
pub const SIGNATURE_HEADER: &str = "x-plaza-forward-signature";
/// How far a forwarded request's timestamp may be from this region's clock.
pub const MAX_SKEW_SECS: i64 = 30;
/// The largest body sent on (uploads included).
const MAX_FORWARDED_BODY: usize = 16 * 1024 * 1024;

/// How this region reaches the others' web services, and the secret they sign with.
#[derive(Clone)]
pub struct Forwarding {
    secret: Vec<u8>,
    /// Region number → the base URL of its web service (its HAProxy web port).
    peers: BTreeMap<u8, String>,
    client: reqwest::Client,
}

impl std::fmt::Debug for Forwarding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Forwarding")
            .field("peers", &self.peers)
            .field("secret", &"(hidden)")
            .finish()
    }
}

impl Forwarding {
    /// Forwarding to `peers` with `secret`: connecting gives up after `connect_timeout` (a lost
    /// region answers fast), the whole exchange after `timeout`.
    pub fn new(
        secret: &str,
        peers: BTreeMap<u8, String>,
        connect_timeout: Duration,
        timeout: Duration,
    ) -> anyhow::Result<Self> {
        anyhow::ensure!(
            secret.len() >= 32,
            "the regions' forwarding secret must have at least 32 characters"
        );
        let client = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        Ok(Forwarding {
            secret: secret.as_bytes().to_vec(),
            peers,
            client,
        })
    }

    /// The signature of one forwarded request.
    pub fn sign(
        &self,
        method: &Method,
        path_and_query: &str,
        timestamp: i64,
        body: &[u8],
        request_id: &str,
        from: u8,
    ) -> String {
        let message = format!(
            "{method}\n{path_and_query}\n{timestamp}\n{}\n{request_id}\n{from}",
            hex::encode(Sha256::digest(body))
        );
        hex::encode(crate::signing::hmac_sha256(
            &self.secret,
            message.as_bytes(),
        ))
    }
}

/// What [`check_incoming`] found on a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Incoming {
    /// Not forwarded: the request came from a person or a game.
    Direct,
    /// Forwarded by a region, signature and timestamp verified: serve it here, never send it on.
    Forwarded,
}

fn now_secs() -> i64 {
    plaza_types::now_millis() / 1000
}

/// Verifies a forwarded request's signature and freshness. The body is read whole (to check its
/// digest) and put back.
pub async fn check_incoming(
    forwarding: &Forwarding,
    req: Request,
) -> Result<(Incoming, Request), Error> {
    let signature = req.headers().get(SIGNATURE_HEADER).cloned();
    let from = req.headers().get(FROM_HEADER).cloned();
    let timestamp = req.headers().get(TIMESTAMP_HEADER).cloned();
    if signature.is_none() && from.is_none() && timestamp.is_none() {
        return Ok((Incoming::Direct, req));
    }
    let refused = |message: &'static str| Error::ForwardRefused {
        code: "forward_refused",
        message,
    };
    let text = |v: Option<HeaderValue>| v.and_then(|v| v.to_str().ok().map(str::to_owned));
    let (Some(signature), Some(from), Some(timestamp)) =
        (text(signature), text(from), text(timestamp))
    else {
        return Err(refused(
            "This forwarded request lacks its region, timestamp or signature.",
        ));
    };
    let (Ok(from), Ok(timestamp)) = (from.parse::<u8>(), timestamp.parse::<i64>()) else {
        return Err(refused(
            "This forwarded request's region or timestamp is malformed.",
        ));
    };
    if (now_secs() - timestamp).abs() > MAX_SKEW_SECS {
        return Err(refused(
            "This forwarded request is too old (or from a clock far off): it is not served.",
        ));
    }
    let request_id = req
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, MAX_FORWARDED_BODY)
        .await
        .map_err(|_| refused("This forwarded request's body is too large or broken."))?;
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let expected = forwarding.sign(&parts.method, path, timestamp, &body, &request_id, from);
    if !bool::from(subtle::ConstantTimeEq::ct_eq(
        expected.as_bytes(),
        signature.as_bytes(),
    )) {
        return Err(refused(
            "This forwarded request's signature is wrong: it does not come from a region of this deployment.",
        ));
    }
    Ok((
        Incoming::Forwarded,
        Request::from_parts(parts, Body::from(body)),
    ))
}

/// Headers not sent on: hop-by-hop ones, and the ones the forwarding sets itself.
fn skipped(name: &HeaderName) -> bool {
    matches!(
        name.as_str(),
        "host"
            | "content-length"
            | "connection"
            | "transfer-encoding"
            | "keep-alive"
            | "upgrade"
            | "te"
            | "trailer"
            | "proxy-connection"
            | REQUEST_ID_HEADER
            | FROM_HEADER
            | TIMESTAMP_HEADER
            | SIGNATURE_HEADER
    )
}

/// Sends `req` on to region `home`'s web service and gives back its answer as it came.
pub async fn send(
    forwarding: &Forwarding,
    region: u8,
    home: u8,
    req: Request,
) -> Result<Response, Error> {
    let Some(base) = forwarding.peers.get(&home) else {
        return Err(Error::HomeRegionUnavailable(home));
    };
    let context =
        RequestContext::current().unwrap_or_else(|| RequestContext::from_headers(req.headers()));
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, MAX_FORWARDED_BODY)
        .await
        .map_err(|_| Error::forbidden("body_too_large", "The request's body is too large."))?;
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".into());
    let timestamp = now_secs();
    let signature = forwarding.sign(
        &parts.method,
        &path,
        timestamp,
        &body,
        &context.request_id,
        region,
    );
    let mut headers = HeaderMap::new();
    for (name, value) in &parts.headers {
        if !skipped(name) {
            headers.append(name.clone(), value.clone());
        }
    }
    let set = |headers: &mut HeaderMap, name: &'static str, value: String| {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(HeaderName::from_static(name), v);
        }
    };
    set(&mut headers, REQUEST_ID_HEADER, context.request_id.clone());
    set(
        &mut headers,
        TRACK_HEADER,
        context.track.as_str().to_owned(),
    );
    set(&mut headers, FROM_HEADER, region.to_string());
    set(&mut headers, TIMESTAMP_HEADER, timestamp.to_string());
    set(&mut headers, SIGNATURE_HEADER, signature);
    let url = format!("{}{path}", base.trim_end_matches('/'));
    let answer = forwarding
        .client
        .request(parts.method.clone(), url)
        .headers(headers)
        .body(body)
        .send()
        .await;
    let answer = match answer {
        Ok(a) => a,
        Err(e) => {
            tracing::warn!(home, error = %e, "the home region did not take a forwarded write");
            return Err(Error::HomeRegionUnavailable(home));
        }
    };
    let status = answer.status();
    let answer_headers = answer.headers().clone();
    let bytes: Bytes = match answer.bytes().await {
        Ok(b) => b,
        Err(e) => {
            tracing::warn!(home, error = %e, "the home region's answer to a forwarded write broke off");
            return Err(Error::HomeRegionUnavailable(home));
        }
    };
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() =
        StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    for (name, value) in &answer_headers {
        if !matches!(
            name.as_str(),
            "content-length" | "connection" | "transfer-encoding" | "keep-alive"
        ) {
            response.headers_mut().append(name.clone(), value.clone());
        }
    }
    response.headers_mut().insert(
        HeaderName::from_static("x-plaza-served-by-region"),
        HeaderValue::from(u16::from(home)),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_covers_every_part() {
        let f = Forwarding::new(
            &"s".repeat(32),
            BTreeMap::new(),
            Duration::from_secs(1),
            Duration::from_secs(5),
        )
        .expect("forwarding");
        let base = f.sign(&Method::POST, "/api/v1/posts", 100, b"{}", "rid", 2);
        let changed = [
            (Method::PUT, "/api/v1/posts", 100, &b"{}"[..], "rid", 2),
            (Method::POST, "/api/v1/post", 100, b"{}", "rid", 2),
            (Method::POST, "/api/v1/posts", 101, b"{}", "rid", 2),
            (Method::POST, "/api/v1/posts", 100, b"[]", "rid", 2),
            (Method::POST, "/api/v1/posts", 100, b"{}", "rie", 2),
            (Method::POST, "/api/v1/posts", 100, b"{}", "rid", 3),
        ];
        for (method, path, ts, body, rid, from) in changed {
            assert_ne!(
                base,
                f.sign(&method, path, ts, body, rid, from),
                "{method} {path}"
            );
        }
        assert_eq!(
            base,
            f.sign(&Method::POST, "/api/v1/posts", 100, b"{}", "rid", 2)
        );
    }

    #[test]
    fn a_short_secret_is_refused_at_start() {
        assert!(
            Forwarding::new(
                "short",
                BTreeMap::new(),
                Duration::from_secs(1),
                Duration::from_secs(5)
            )
            .is_err()
        );
    }
}
