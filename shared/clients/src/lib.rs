//! REST clients for the timeline, empathy and notification services. Every call carries the
//! region's internal secret (without it a service refuses the call), the current request id and
//! release track, and a service's error body comes back as
//! [`ClientError::Api`]. Which of those codes may reach the public is decided on purpose by the
//! web service (`from_service` in its `error.rs`), never by passing them on as they are.

mod empathy;
mod notification;
mod timeline;

pub use empathy::EmpathyClient;
pub use notification::NotificationClient;
pub use timeline::TimelineClient;

use plaza_http::{
    INTERNAL_SECRET_HEADER, InternalSecret, LocalService, REQUEST_ID_HEADER, RequestContext,
    TRACK_HEADER,
};
use plaza_types::ErrorBody;
pub(crate) use plaza_types::Items;
use plaza_types::health::Readiness;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::time::Duration;

/// A call to another service failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The service answered with an error body.
    #[error("{service} answered {status}: {}", body.error)]
    Api {
        service: &'static str,
        status: u16,
        body: ErrorBody,
    },
    /// The service could not be reached or did not answer in time.
    #[error("{service} unreachable: {message}")]
    Unavailable {
        service: &'static str,
        message: String,
    },
    /// The service answered something that was not what it promised.
    #[error("{service} answered unreadably: {message}")]
    Protocol {
        service: &'static str,
        message: String,
    },
}

impl ClientError {
    /// The stable error code, when the service sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ClientError::Api { body, .. } => Some(&body.error),
            _ => None,
        }
    }
}

/// The HTTP connection pool and base URL of one service, or the service itself when it runs
/// in this process (see [`ServiceClient::in_process`]).
#[derive(Debug, Clone)]
pub struct ServiceClient {
    http: reqwest::Client,
    base: String,
    service: &'static str,
    /// The internal secret's header, sent by `http` by default and added by hand to local calls.
    proof: reqwest::header::HeaderValue,
    local: Option<LocalService>,
}

/// How long a call may take in all, over the network or in this process.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

impl ServiceClient {
    /// A client for `service` at `base_url` (such as `http://127.0.0.1:8081`), proving itself
    /// with `secret`.
    pub fn new(
        service: &'static str,
        base_url: &str,
        secret: &InternalSecret,
    ) -> Result<Self, ClientError> {
        let mut proof = secret.header_value();
        proof.set_sensitive(true);
        let headers = reqwest::header::HeaderMap::from_iter([(
            reqwest::header::HeaderName::from_static(INTERNAL_SECRET_HEADER),
            proof.clone(),
        )]);
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(CALL_TIMEOUT)
            .connect_timeout(Duration::from_secs(2))
            // Below the 10 s after which a Plaza service closes an idle keep-alive connection
            // (`http.header_read_timeout`): a connection reused just as the server closed it
            // failed the call ("error sending request") under load.
            .pool_idle_timeout(Duration::from_secs(5))
            .build()
            .map_err(|e| ClientError::Unavailable {
                service,
                message: e.to_string(),
            })?;
        Ok(Self {
            http,
            base: base_url.trim_end_matches('/').to_owned(),
            service,
            proof,
            local: None,
        })
    }

    /// The same client, calling `local` (the service, running in this process) through its
    /// router instead of over a socket: the answer is the one the socket would carry.
    pub fn in_process(mut self, local: LocalService) -> Self {
        self.local = Some(local);
        self
    }

    /// Sends a request (with `query` encoded by reqwest's query builder) and decodes the JSON
    /// answer. Each call is counted in `plaza_client_calls_total{target, outcome}` and timed in
    /// `plaza_client_call_duration_seconds{target}`.
    pub async fn call<Q: Serialize + ?Sized, B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: Option<&Q>,
        body: Option<&B>,
    ) -> Result<T, ClientError> {
        let mut request = self.request(method, path);
        if let Some(query) = query {
            request = request.query(query);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let started = std::time::Instant::now();
        let result = self.send(request).await;
        let outcome = match &result {
            Ok(_) => "ok",
            Err(ClientError::Api { status, .. }) if *status >= 500 => "server_error",
            Err(ClientError::Api { .. }) => "client_error",
            Err(ClientError::Unavailable { .. }) => "unavailable",
            Err(ClientError::Protocol { .. }) => "protocol_error",
        };
        metrics::counter!("plaza_client_calls_total", "target" => self.service, "outcome" => outcome)
            .increment(1);
        metrics::histogram!("plaza_client_call_duration_seconds", "target" => self.service)
            .record(started.elapsed().as_secs_f64());
        result
    }

    /// Sends `request` and decodes its JSON answer, or the error body of a failure.
    async fn send<T: DeserializeOwned>(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<T, ClientError> {
        let service = self.service;
        let unavailable = |message: String| ClientError::Unavailable { service, message };
        let (status, bytes) = match &self.local {
            Some(local) => {
                let request = request.build().map_err(|e| unavailable(e.to_string()))?;
                let mut headers = request.headers().clone();
                headers.insert(INTERNAL_SECRET_HEADER, self.proof.clone());
                let url = request.url();
                let path_and_query = match url.query() {
                    Some(q) => format!("{}?{q}", url.path()),
                    None => url.path().to_owned(),
                };
                let body = request
                    .body()
                    .and_then(reqwest::Body::as_bytes)
                    .map(Vec::from)
                    .unwrap_or_default();
                let call = local.call(
                    request.method().clone(),
                    &path_and_query,
                    headers,
                    body.into(),
                );
                tokio::time::timeout(CALL_TIMEOUT, call)
                    .await
                    .map_err(|_| unavailable("no answer in time".to_owned()))?
                    .map_err(unavailable)?
            }
            None => {
                let response = request
                    .send()
                    .await
                    .map_err(|e| unavailable(e.to_string()))?;
                let status = response.status();
                let bytes = response
                    .bytes()
                    .await
                    .map_err(|e| unavailable(e.to_string()))?;
                (status, bytes)
            }
        };
        if !status.is_success() {
            let body =
                serde_json::from_slice::<ErrorBody>(&bytes).map_err(|_| ClientError::Protocol {
                    service,
                    message: format!("status {status} without an error body"),
                })?;
            return Err(ClientError::Api {
                service,
                status: status.as_u16(),
                body,
            });
        }
        serde_json::from_slice(&bytes).map_err(|e| ClientError::Protocol {
            service,
            message: e.to_string(),
        })
    }

    /// A request to `path` carrying the current request id and release track.
    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        let ctx = RequestContext::current().unwrap_or_else(RequestContext::background);
        self.http
            .request(method, format!("{}{}", self.base, path))
            .header(REQUEST_ID_HEADER, &ctx.request_id)
            .header(TRACK_HEADER, ctx.track.as_str())
    }

    /// The release (track, build) of the process that answers this request's track: what its
    /// `/healthz` answer names in `x-plaza-track` and `x-plaza-build`. `None` when unreachable.
    pub async fn release(&self) -> Option<(String, Option<String>)> {
        let response = self.request(Method::GET, "/healthz").send().await.ok()?;
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let track = header(TRACK_HEADER)?;
        Some((track, header(plaza_http::BUILD_HEADER)))
    }

    /// The service's name (`timeline`, …).
    pub fn service(&self) -> &'static str {
        self.service
    }

    /// `GET path`.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        self.call::<(), (), T>(Method::GET, path, None, None).await
    }

    /// `GET path?query`; absent (`None`) values are left out of the query string.
    pub async fn get_query<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, Option<String>)],
    ) -> Result<T, ClientError> {
        self.call::<_, (), T>(Method::GET, path, Some(query), None)
            .await
    }

    /// `POST path` with a JSON body.
    pub async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        self.call::<(), B, T>(Method::POST, path, None, Some(body))
            .await
    }

    /// `POST path` without a body, for actions named by their path alone.
    pub async fn post_empty<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        self.call::<(), (), T>(Method::POST, path, None, None).await
    }

    /// Whether the service answers `/readyz`.
    pub async fn ready(&self) -> bool {
        self.get::<Readiness>("/readyz").await.is_ok()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn query_values_are_encoded_and_absent_ones_skipped() {
        let query: &[(&str, Option<String>)] = &[
            ("cursor", Some("a+b/c=".into())),
            ("limit", None),
            ("n", Some("5".into())),
        ];
        let request = reqwest::Client::new()
            .get("http://127.0.0.1:1/x")
            .query(query)
            .build()
            .unwrap();
        assert_eq!(
            request.url().as_str(),
            "http://127.0.0.1:1/x?cursor=a%2Bb%2Fc%3D&n=5"
        );
    }
}
