//! A Plaza started in this process on a loopback port, with a fresh database, for the SDK's
//! integration tests; a hook can put faults in front of the web service.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use plaza::stack::{RouterHook, Service};
use plaza_test_support::Api;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

pub const ALL: [Service; 5] = [
    Service::Timeline,
    Service::Empathy,
    Service::Notification,
    Service::Worker,
    Service::Web,
];

pub struct Plaza {
    pub api: Api,
    pub url: String,
    _running: plaza::Running,
    _dir: tempfile::TempDir,
}

impl Plaza {
    pub async fn start(hook: Option<RouterHook>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = plaza_storage::testing::fresh_database_url(dir.path()).await;
        let config = plaza::Config::for_tests(dir.path(), Some(url));
        let running = plaza::start(&config, &ALL, hook).await.unwrap();
        let url = format!("http://{}", running.web.unwrap());
        Plaza {
            api: Api::new(url.clone(), reqwest::Client::new()),
            url,
            _running: running,
            _dir: dir,
        }
    }
}

/// What the fault in front of the web service does to the first `count` writes that reach it.
#[derive(Clone, Copy)]
pub enum Fault {
    /// The write is made, and its answer replaced by a 503 (a process killed after committing).
    LoseAnswer,
    /// The write is refused with a 429 before it reaches Plaza.
    RateLimit,
}

/// A hook that applies `fault` to the first `count` POSTs to the web service whose path ends
/// in `/posts`; `seen` counts every such POST that reached it.
pub fn faulty_writes(fault: Fault, count: usize, seen: Arc<AtomicUsize>) -> RouterHook {
    Arc::new(move |service, router: axum::Router| {
        if service != Service::Web {
            return router;
        }
        let seen = seen.clone();
        router.layer(middleware::from_fn(move |req: Request, next: Next| {
            let seen = seen.clone();
            async move {
                if req.method() != axum::http::Method::POST || !req.uri().path().ends_with("/posts")
                {
                    return next.run(req).await;
                }
                let n = seen.fetch_add(1, Ordering::SeqCst);
                if n >= count {
                    return next.run(req).await;
                }
                match fault {
                    Fault::LoseAnswer => {
                        let answer = next.run(req).await;
                        assert!(answer.status().is_success(), "the write itself succeeds");
                        failure(StatusCode::SERVICE_UNAVAILABLE, "service_unavailable")
                    }
                    Fault::RateLimit => failure(StatusCode::TOO_MANY_REQUESTS, "rate_limited"),
                }
            }
        }))
    })
}

fn failure(status: StatusCode, code: &str) -> Response {
    let body = plaza_types::ErrorBody {
        error: code.to_owned(),
        message: "Injected by the test.".to_owned(),
    };
    (status, [("retry-after", "1")], axum::Json(body)).into_response()
}
