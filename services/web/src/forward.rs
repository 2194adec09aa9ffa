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

    /// The other regions this one forwards to.
    pub fn regions(&self) -> impl Iterator<Item = u8> + '_ {
        self.peers.keys().copied()
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

/// The anonymous writes that belong to another region than the one they reach: a sign-up (to the
/// home region the person picked) and a sign-in (to the account's home region, which writes its
/// session rows). `None` for any other request.
pub fn anonymous_kind(req: &Request) -> Option<Anonymous> {
    if req.method() != Method::POST {
        return None;
    }
    match req.uri().path() {
        "/api/v1/accounts" | "/signup" => Some(Anonymous::SignUp),
        "/api/v1/sessions" | "/signin" => Some(Anonymous::SignIn),
        _ => None,
    }
}

/// See [`anonymous_kind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anonymous {
    SignUp,
    SignIn,
}

/// The most a sign-up or sign-in body may carry (a username and a password are far smaller).
const MAX_ANONYMOUS_BODY: usize = 64 * 1024;

/// A sign-up's or sign-in's fields, from a JSON body or a form.
#[derive(Debug, Default, serde::Deserialize)]
struct AnonymousFields {
    #[serde(default)]
    username: String,
    #[serde(default)]
    home_region: Option<i64>,
}

/// Where an anonymous write of `kind` must be made: `Some(region)` when that is another region
/// (the body is read and put back). A sign-up naming a region this deployment lacks is refused
/// with 400 `unknown_region`; a body that does not parse is left to the handler to refuse.
pub async fn anonymous_home(
    state: &crate::AppState,
    kind: Anonymous,
    req: Request,
) -> Result<(Option<u8>, Request), Error> {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, MAX_ANONYMOUS_BODY)
        .await
        .map_err(|_| {
            Error::Invalid(plaza_types::validate::Invalid {
                code: "body_too_large",
                message: "A sign-up or sign-in is a username and a password, nothing larger."
                    .into(),
            })
        })?;
    let json = parts.uri.path().starts_with("/api/");
    let fields = if json {
        serde_json::from_slice::<AnonymousFields>(&body).unwrap_or_default()
    } else {
        let mut fields = AnonymousFields::default();
        for (name, value) in url::form_urlencoded::parse(&body) {
            match name.as_ref() {
                "username" => fields.username = value.into_owned(),
                "home_region" => {
                    fields.home_region =
                        crate::ops::accounts::region_field(Some(&value)).map(i64::from)
                }
                _ => {}
            }
        }
        fields
    };
    let here = state.config.region;
    let home = match kind {
        Anonymous::SignUp => match fields.home_region.map(u8::try_from) {
            None => None,
            // The handler refuses a number that is not a region number at all.
            Some(Err(_)) => None,
            Some(Ok(asked)) => Some(crate::ops::accounts::chosen_region(state, Some(asked))?),
        },
        Anonymous::SignIn if fields.username.is_empty() => None,
        Anonymous::SignIn => crate::ops::accounts::home_region_of(state, &fields.username).await?,
    };
    Ok((
        home.filter(|h| *h != here),
        Request::from_parts(parts, Body::from(body)),
    ))
}

/// Middleware of the console API (`/v1`, outside the pages' and JSON API's session layer): a
/// console write of an account homed in another region is sent there and its answer relayed,
/// with the same rules as [`crate::session::resolve`] (signed, never twice); errors are XML.
pub async fn console_writes(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    req: Request,
    next: axum::middleware::Next,
) -> Response {
    use axum::response::IntoResponse;
    let Some(forwarding) = &state.config.forwarding else {
        return next.run(req).await;
    };
    let xml = |e: Error| crate::console::ConsoleError::Web(e).into_response();
    // Nested under `/v1`, this layer sees the path without its prefix, but forwards are signed
    // over the path the console sent: check and relay that one, route the stripped one.
    let stripped = req.uri().clone();
    let path = stripped.path_and_query().map_or("/", |p| p.as_str());
    let Ok(sent) = format!("/v1{path}").parse() else {
        return next.run(req).await;
    };
    let mut req = req;
    *req.uri_mut() = sent;
    let (incoming, mut req) = match check_incoming(forwarding, req).await {
        Ok(checked) => checked,
        Err(e) => return xml(e),
    };
    let sent = std::mem::replace(req.uri_mut(), stripped);
    if req.method().is_safe() {
        return next.run(req).await;
    }
    // A request without a well-formed token is refused by the handler's extractor, here.
    let token = req
        .headers()
        .get(crate::console::auth::SERVICE_TOKEN_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|t| {
            (crate::console::auth::TOKEN_MIN..=crate::console::auth::TOKEN_MAX).contains(&t.len())
        })
        .map(str::to_owned);
    let home = match token {
        Some(token) => match crate::ops::consoles::linked_account(&state, &token).await {
            Ok(user) => user.map(|u| u.home_region),
            Err(e) => return xml(e),
        },
        None => None,
    };
    let Some(home) = home.filter(|h| *h != state.config.region) else {
        return next.run(req).await;
    };
    let mut req = req;
    *req.uri_mut() = sent;
    relay(forwarding, state.config.region, incoming, home, req)
        .await
        .unwrap_or_else(xml)
}

/// Sends `req` on to region `home` (see [`send`]); a request that was itself forwarded is never
/// sent on again (403 `forward_loop`).
pub async fn relay(
    forwarding: &Forwarding,
    region: u8,
    incoming: Incoming,
    home: u8,
    req: Request,
) -> Result<Response, Error> {
    match incoming {
        Incoming::Forwarded => Err(Error::ForwardRefused {
            code: "forward_loop",
            message: "This forwarded write belongs to an account homed in another region; it is not forwarded twice.",
        }),
        Incoming::Direct => send(forwarding, region, home, req).await,
    }
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
