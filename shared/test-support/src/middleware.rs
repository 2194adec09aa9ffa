//! Middleware a test puts in front of some services' routers (a delay, a fault, a probe that
//! records what reached them), in the shape of the router hook that Plaza starts with.

use axum::Router;
use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use std::sync::Arc;

/// A router hook (what `plaza::stack::RouterHook` is, for the service type `S`) that puts the
/// middleware `run` in front of each service in `services` and leaves the others as they are.
pub fn middleware_on<S, F, Fut>(
    services: impl IntoIterator<Item = S>,
    run: F,
) -> Arc<dyn Fn(S, Router) -> Router + Send + Sync>
where
    S: PartialEq + Send + Sync + 'static,
    F: Fn(Request, Next) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    let services: Vec<S> = services.into_iter().collect();
    Arc::new(move |service, router| {
        if services.contains(&service) {
            router.layer(middleware::from_fn(run.clone()))
        } else {
            router
        }
    })
}
