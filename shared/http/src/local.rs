//! Calls to a service that runs in the same process, without a socket.
//!
//! In the embedded mode every service runs in one process, and a call from web to timeline
//! over loopback TCP costs two trips through the kernel, HTTP/1 framing both ways and a task
//! switch on each side. A [`LocalService`] hands the request to the service's own router
//! instead: every layer (the internal secret, the request context, limits, metrics, drain)
//! still runs, and the answer is the same status and body the socket would have carried. The
//! call runs on a task of its own, as a request to a server does, so a caller that gives up does
//! not cut the service's work short.

use crate::layers::RequestLimits;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, Uri};
use std::net::SocketAddr;
use tower::ServiceExt;

/// The largest answer read from a local call (as an HTTP client would bound it).
const MAX_ANSWER: usize = 64 * 1024 * 1024;

/// A service of this process, called through its router.
#[derive(Clone)]
pub struct LocalService {
    router: Router,
    limits: RequestLimits,
}

impl std::fmt::Debug for LocalService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LocalService")
    }
}

impl LocalService {
    /// Calls to `router`, each request under `limits` as its listener would set them.
    pub fn new(router: Router, limits: RequestLimits) -> Self {
        Self { router, limits }
    }

    /// Sends one request and returns the answer's status and body; `Err` when the service
    /// failed to answer (its task panicked or its body could not be read).
    pub async fn call(
        &self,
        method: Method,
        path_and_query: &str,
        headers: HeaderMap,
        body: Bytes,
    ) -> Result<(StatusCode, Bytes), String> {
        let uri: Uri = path_and_query.parse().map_err(|e| format!("{e}"))?;
        let mut request = Request::new(Body::from(body));
        *request.method_mut() = method;
        *request.uri_mut() = uri;
        *request.headers_mut() = headers;
        request
            .extensions_mut()
            .insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 0))));
        request.extensions_mut().insert(self.limits);
        let router = self.router.clone();
        let answer = tokio::spawn(async move {
            let response = match router.oneshot(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), MAX_ANSWER)
                .await
                .map_err(|e| e.to_string())?;
            Ok::<_, String>((status, body))
        });
        answer.await.map_err(|e| e.to_string())?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Extension;
    use axum::routing::post;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    fn limits() -> RequestLimits {
        RequestLimits {
            timeout: Duration::from_secs(7),
            body_idle_timeout: Duration::from_secs(3),
        }
    }

    #[tokio::test]
    async fn a_local_call_answers_as_the_socket_would_with_what_the_listener_sets() {
        let router = Router::new().route(
            "/v1/echo",
            post(
                |ConnectInfo(peer): ConnectInfo<SocketAddr>,
                 Extension(limits): Extension<RequestLimits>,
                 uri: Uri,
                 headers: HeaderMap,
                 body: Bytes| async move {
                    let answer = format!(
                        "{peer} {}s {} {} {}",
                        limits.timeout.as_secs(),
                        uri.query().unwrap_or_default(),
                        headers["x-test"].to_str().unwrap(),
                        String::from_utf8_lossy(&body)
                    );
                    (StatusCode::ACCEPTED, answer)
                },
            ),
        );
        let local = LocalService::new(router, limits());
        let mut headers = HeaderMap::new();
        headers.insert("x-test", "yes".parse().unwrap());
        let (status, body) = local
            .call(Method::POST, "/v1/echo?a=1", headers, Bytes::from("hello"))
            .await
            .unwrap();
        assert_eq!(status, StatusCode::ACCEPTED);
        assert_eq!(body, "127.0.0.1:0 7s a=1 yes hello");

        let (status, _) = local
            .call(Method::GET, "/v1/missing", HeaderMap::new(), Bytes::new())
            .await
            .unwrap();
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    #[tokio::test]
    async fn a_caller_that_gives_up_does_not_cut_the_services_work_short() {
        let done = Arc::new(AtomicBool::new(false));
        let seen = done.clone();
        let router = Router::new().route(
            "/v1/slow",
            post(move || async move {
                tokio::time::sleep(Duration::from_millis(200)).await;
                seen.store(true, Ordering::SeqCst);
                StatusCode::NO_CONTENT
            }),
        );
        let local = LocalService::new(router, limits());
        let call = local.call(Method::POST, "/v1/slow", HeaderMap::new(), Bytes::new());
        assert!(
            tokio::time::timeout(Duration::from_millis(20), call)
                .await
                .is_err(),
            "the caller gave up first"
        );
        for _ in 0..100 {
            if done.load(Ordering::SeqCst) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the service's work was cut short with its caller");
    }
}
