//! Request context between services, and writes that survive a client hanging up.

use crate::helpers::{TestApp, strings};
use axum::extract::Request;
use axum::middleware::Next;
use plaza::stack::{RouterHook, Service};
use plaza_test_support::middleware_on;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[tokio::test]
async fn the_request_id_and_track_reach_every_service_called() {
    let seen: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let record = seen.clone();
    let hook = middleware_on([Service::Timeline], move |req: Request, next: Next| {
        let record = record.clone();
        async move {
            let entry = {
                let headers = req.headers();
                let header = |name: &str| {
                    headers
                        .get(name)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_owned()
                };
                (header("x-request-id"), header("x-plaza-track"))
            };
            record.lock().unwrap().push(entry);
            next.run(req).await
        }
    });
    let app = TestApp::start_with(Some(hook)).await;
    let c = app.community().await;
    let response = app
        .client
        .get(format!("{}/api/v1/communities/{c}/posts", app.url))
        .header("x-request-id", "trace-me-123")
        .header("x-plaza-track", "preview")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "trace-me-123");
    let seen = seen.lock().unwrap().clone();
    assert!(
        seen.contains(&("trace-me-123".to_owned(), "preview".to_owned())),
        "{seen:?}"
    );
}

/// Makes every write to timeline and empathy slow, so that a client can hang up mid-write.
fn slow_writes() -> RouterHook {
    let services = [Service::Timeline, Service::Empathy];
    middleware_on(services, |req: Request, next: Next| async move {
        if req.method() == axum::http::Method::POST {
            tokio::time::sleep(Duration::from_millis(400)).await;
        }
        next.run(req).await
    })
}

/// Sends a request and hangs up before the answer, while the write is in progress.
async fn send_and_hang_up(app: &TestApp, method: &str, path: &str, token: &str, body: &str) {
    let addr = app.url.trim_start_matches("http://").to_owned();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut stream = std::net::TcpStream::connect(&addr).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    drop(stream);
}

#[tokio::test]
async fn writes_finish_with_their_notifications_when_the_client_hangs_up() {
    let app = TestApp::start_with(Some(slow_writes())).await;
    let author = app.sign_up("eli").await;
    let (fan, c) = app.sign_up_with_community("flo").await;

    send_and_hang_up(
        &app,
        "POST",
        &format!("/api/v1/communities/{c}/posts"),
        &author,
        r#"{"body":"written while leaving"}"#,
    )
    .await;
    let mut post = None;
    for _ in 0..100 {
        let (_, body) = app.get("/api/v1/users/eli/posts", None).await;
        if let Some(id) = body["posts"][0]["id"].as_str() {
            post = Some(id.to_owned());
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let post = post.expect("the post was written although its client hung up");

    send_and_hang_up(
        &app,
        "POST",
        &format!("/api/v1/posts/{post}/comments"),
        &fan,
        r#"{"body":"comment while leaving"}"#,
    )
    .await;
    send_and_hang_up(&app, "PUT", &format!("/api/v1/posts/{post}/yeah"), &fan, "").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    app.drain_jobs().await;

    let (_, body) = app.read_post(&post).await;
    assert_eq!(
        body["post"]["comment_count"], 1,
        "the comment is wholly there"
    );
    assert_eq!(body["post"]["yeah_count"], 1, "the Yeah is wholly there");
    let (_, body) = app.get("/api/v1/notifications", Some(&author)).await;
    let kinds = strings(&body, "notifications", "kind");
    assert!(kinds.contains(&"post_comment"), "{body}");
    assert!(kinds.contains(&"post_yeah"), "{body}");
}

#[tokio::test]
async fn without_its_database_plaza_answers_a_json_503_with_a_retry_hint() {
    let app = TestApp::start_in_process().await;
    let (token, c) = app.sign_up_with_community("nodb").await;
    // Every service of this process shares the pool: closing it is the database going away.
    app.db().pool.close().await;
    let (status, body) = app
        .post_in(&token, &c, serde_json::json!({"body": "into the void"}))
        .await;
    assert_eq!(status, reqwest::StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["error"], "database_unavailable", "{body}");
    let r = app.get_raw_at(&app.url, "/api/v1/me", &token).await;
    assert_eq!(r.status(), reqwest::StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(r.headers()["retry-after"], "2");
    let (status, body) = app.get("/readyz", None).await;
    assert_eq!(status, reqwest::StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["database"], "down", "{body}");
}
