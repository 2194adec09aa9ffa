//! A scripted server on a loopback port: it answers each request with the next scripted answer
//! (the last one repeats) and records what it received.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One scripted answer.
#[derive(Clone)]
pub struct Answer {
    pub status: u16,
    pub body: &'static str,
    pub retry_after: Option<&'static str>,
    pub etag: Option<&'static str>,
    /// Waited before answering (to run into the client's timeout).
    pub delay: Duration,
}

impl Answer {
    pub fn new(status: u16, body: &'static str) -> Self {
        Answer {
            status,
            body,
            retry_after: None,
            etag: None,
            delay: Duration::ZERO,
        }
    }

    pub fn retry_after(mut self, value: &'static str) -> Self {
        self.retry_after = Some(value);
        self
    }

    pub fn etag(mut self, value: &'static str) -> Self {
        self.etag = Some(value);
        self
    }

    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

/// What the server received: method, path and headers of each request.
#[derive(Clone, Debug)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub headers: HeaderMap,
}

#[derive(Clone)]
struct Script {
    answers: Arc<Vec<Answer>>,
    received: Arc<Mutex<Vec<Received>>>,
}

pub struct FakeServer {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl FakeServer {
    /// Serves `answers` in turn on a free loopback port. With `drop_first`, the first
    /// connection is accepted and closed without an answer (a process killed mid-request).
    pub async fn start(answers: Vec<Answer>, drop_first: bool) -> Self {
        let received = Arc::new(Mutex::new(Vec::new()));
        let script = Script {
            answers: Arc::new(answers),
            received: received.clone(),
        };
        let app = Router::new().fallback(answer).with_state(script);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            if drop_first {
                let (socket, _) = listener.accept().await.unwrap();
                drop(socket);
            }
            axum::serve(listener, app).await.unwrap();
        });
        FakeServer { url, received }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    /// The `Idempotency-Key` of each request received, in order.
    pub fn keys(&self) -> Vec<Option<String>> {
        self.received()
            .iter()
            .map(|r| {
                r.headers
                    .get("idempotency-key")
                    .map(|v| v.to_str().unwrap().to_owned())
            })
            .collect()
    }
}

async fn answer(State(script): State<Script>, req: Request) -> Response {
    let n = {
        let mut received = script.received.lock().unwrap();
        received.push(Received {
            method: req.method().to_string(),
            path: req.uri().to_string(),
            headers: req.headers().clone(),
        });
        received.len() - 1
    };
    let a = script.answers[n.min(script.answers.len() - 1)].clone();
    tokio::time::sleep(a.delay).await;
    let mut headers = HeaderMap::new();
    headers.insert("content-type", "application/json".parse().unwrap());
    if let Some(after) = a.retry_after {
        headers.insert("retry-after", after.parse().unwrap());
    }
    if let Some(tag) = a.etag {
        headers.insert("etag", tag.parse().unwrap());
    }
    (StatusCode::from_u16(a.status).unwrap(), headers, a.body).into_response()
}
