//! Calls between services carry a per-region shared secret; an internal service refuses every
//! other caller with 401, so that nothing but Plaza's own processes can write posts, Yeahs or
//! notifications behind the web service's checks, even when a region spans hosts.

use crate::error::ErrorResponse;
use crate::health::Probes;
use crate::layers::{ServiceName, common_layers};
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// The header that carries the region's secret on calls between services.
pub const INTERNAL_SECRET_HEADER: &str = "x-plaza-internal-secret";

/// Paths that load balancers and monitors call without the secret.
pub(crate) const OPEN_PATHS: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

/// The region's shared secret. Never printed: its `Debug` hides it.
#[derive(Clone)]
pub struct InternalSecret(Arc<str>);

impl std::fmt::Debug for InternalSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InternalSecret(hidden)")
    }
}

impl InternalSecret {
    /// The shortest secret accepted: 32 characters.
    pub const MIN_LEN: usize = 32;

    /// `secret` as configured; `None` when it is too short or not a valid header value.
    pub fn new(secret: &str) -> Option<Self> {
        (secret.len() >= Self::MIN_LEN && HeaderValue::from_str(secret).is_ok())
            .then(|| InternalSecret(Arc::from(secret)))
    }

    /// A fresh random secret, for processes whose services all run together (the embedded
    /// mode), where no other process needs to know it.
    pub fn random() -> Self {
        let mut bytes = [0u8; 32];
        // getrandom fails only without an OS random source, where nothing else would work.
        if getrandom::fill(&mut bytes).is_err() {
            tracing::error!("no random source for the internal secret");
        }
        InternalSecret(Arc::from(hex::encode(bytes)))
    }

    /// The header value that proves a caller knows the secret.
    pub fn header_value(&self) -> HeaderValue {
        // Checked in `new`, and hex from `random` is always a valid header value.
        HeaderValue::from_str(&self.0).unwrap_or_else(|_| HeaderValue::from_static(""))
    }

    /// Whether `given` is the secret, compared in constant time.
    pub fn matches(&self, given: &[u8]) -> bool {
        self.0.as_bytes().ct_eq(given).into()
    }
}

/// An internal service's whole router: `api` (its own routes) plus `/readyz` and `/metrics`
/// (answered from `state`, see [`Probes`]), `/healthz` and `/openapi.json` (the document `D`),
/// behind the internal secret and the common layers with `body_limit`.
pub fn internal_app<D: utoipa::OpenApi + 'static, S: Probes>(
    api: Router<S>,
    state: S,
    secret: InternalSecret,
    service: ServiceName,
    body_limit: usize,
) -> Router {
    let router = api
        .route("/readyz", get(crate::health::readyz::<S>))
        .route("/metrics", get(crate::health::metrics::<S>))
        .with_state(state)
        .route("/healthz", get(crate::health::healthz))
        .route("/openapi.json", get(crate::openapi::document::<D>));
    common_layers(internal_only(router, secret), service, body_limit)
}

/// Refuses, with 401 `internal_auth_required`, every request to `router` that does not carry
/// `secret` (health and metrics excepted).
pub fn internal_only(router: Router, secret: InternalSecret) -> Router {
    router.layer(middleware::from_fn(move |req: Request, next: Next| {
        let secret = secret.clone();
        async move {
            let open = OPEN_PATHS.contains(&req.uri().path());
            let known = req
                .headers()
                .get(INTERNAL_SECRET_HEADER)
                .is_some_and(|v| secret.matches(v.as_bytes()));
            if open || known {
                next.run(req).await
            } else {
                refuse()
            }
        }
    }))
}

fn refuse() -> Response {
    ErrorResponse::new(
        StatusCode::UNAUTHORIZED,
        "internal_auth_required",
        "This service answers only Plaza's own services.",
    )
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::InternalSecret;

    #[test]
    fn a_secret_matches_only_itself_and_short_ones_are_refused() {
        let secret = InternalSecret::new(&"s".repeat(32)).unwrap_or_else(InternalSecret::random);
        assert!(secret.matches("s".repeat(32).as_bytes()));
        assert!(!secret.matches("s".repeat(31).as_bytes()));
        assert!(!secret.matches(b""));
        assert!(InternalSecret::new("short").is_none());
        assert!(InternalSecret::new(&format!("{}\n", "s".repeat(32))).is_none());
        assert_eq!(format!("{secret:?}"), "InternalSecret(hidden)");
        let random = InternalSecret::random();
        assert!(random.matches(random.header_value().as_bytes()));
        assert!(!random.matches(InternalSecret::random().header_value().as_bytes()));
    }
}
