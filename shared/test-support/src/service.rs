//! An internal service's router in this process, on a fresh database, called with or without
//! the region's internal secret.

use crate::request::{Reply, json_request, oneshot};
use crate::{TestDb, assert_error, assert_status};
use axum::Router;
use axum::http::Method;
use plaza_http::{INTERNAL_SECRET_HEADER, InternalSecret};
use serde_json::Value;

/// A service's router over its own fresh database; requests carry the secret it was built with
/// unless a test asks otherwise.
pub struct ServiceApp {
    pub router: Router,
    pub secret: InternalSecret,
    pub db: TestDb,
}

impl ServiceApp {
    /// A fresh database and a new secret, handed to `build` to make the service's router.
    pub async fn start(build: impl FnOnce(&TestDb, &InternalSecret) -> Router) -> Self {
        let db = TestDb::fresh().await;
        let secret = InternalSecret::random();
        let router = build(&db, &secret);
        ServiceApp { router, secret, db }
    }

    /// Sends a request with the internal secret.
    pub async fn call(&self, method: Method, path: &str, body: Option<&Value>) -> Reply {
        let mut request = json_request(method, path, body);
        request
            .headers_mut()
            .insert(INTERNAL_SECRET_HEADER, self.secret.header_value());
        oneshot(&self.router, request).await
    }

    /// Sends a request as an outsider: without the internal secret.
    pub async fn call_unsigned(&self, method: Method, path: &str, body: Option<&Value>) -> Reply {
        oneshot(&self.router, json_request(method, path, body)).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(&body)).await
    }

    /// Liveness and readiness answer anyone (load balancers call them without the secret), and
    /// `guarded` (a path of the service's own API) refuses a caller without it.
    pub async fn assert_health_open_and_api_guarded(&self, method: Method, guarded: &str) {
        let live = self.call_unsigned(Method::GET, "/healthz", None).await;
        assert_status(&live, 200);
        assert_eq!(live.body["status"], "ok");
        let ready = self.call_unsigned(Method::GET, "/readyz", None).await;
        assert_status(&ready, 200);
        assert_eq!(ready.body["database"], "ok", "{}", ready.body);
        let body = (method == Method::POST).then(|| serde_json::json!({}));
        let refused = self.call_unsigned(method, guarded, body.as_ref()).await;
        assert_error(&refused, 401, "internal_auth_required");
    }
}
