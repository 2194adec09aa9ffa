//! Graceful shutdown, as on SIGTERM: `/readyz` turns unready first while everything else is
//! still served (the drain period, so a load balancer takes the process out of rotation), then
//! the listener closes, a write in flight still completes and is stored, and a job the worker
//! cannot finish within its grace goes back to the queue instead of being lost.

use crate::helpers::{TestApp, post_slowly};
use plaza_test_support::assert_status;
use reqwest::StatusCode;
use std::time::Duration;

/// Polls `/readyz` of the web service at `url` until it answers 503; returns the body.
async fn wait_unready(client: &reqwest::Client, url: &str) -> serde_json::Value {
    for _ in 0..100 {
        let r = client.get(format!("{url}/readyz")).send().await.unwrap();
        if r.status() == StatusCode::SERVICE_UNAVAILABLE {
            return r.json().await.unwrap();
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("/readyz never turned unready");
}

#[tokio::test]
async fn on_shutdown_readyz_turns_unready_first_and_a_slow_write_in_flight_still_completes() {
    let mut app = TestApp::start_configured(None, |c| {
        c.http.drain_secs = 2;
        c.http.shutdown_grace_secs = 10;
    })
    .await;
    let (token, c) = app.sign_up_with_community("drainer").await;
    assert_status(app.get("/readyz", None).await, 200);
    let path = format!("/api/v1/communities/{c}/posts");
    let body = serde_json::to_vec(&serde_json::json!({"body": "written while stopping"})).unwrap();
    // A slow client: ten pieces 400 ms apart (4 s), past the 2 s drain, so the listener closes
    // while its body is still arriving.
    let connection = app.raw_connection().await;
    let writer = tokio::spawn(async move {
        let pause = Duration::from_millis(400);
        post_slowly(connection, &path, &token, &body, 10, pause, None).await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stopping = app.shut_down_in_background();

    // Draining: unready, but still serving new requests.
    let ready = wait_unready(&app.client, &app.url).await;
    assert_eq!(ready["status"], "draining", "{ready}");
    let (status, _) = app.get("/api/v1/communities", None).await;
    assert_eq!(status, StatusCode::OK, "still served while draining");

    let answer = writer.await.unwrap().expect("the slow write was answered");
    assert!(answer.starts_with("HTTP/1.1 201 "), "{answer}");
    let json = &answer[answer.find("\r\n\r\n").unwrap() + 4..];
    let created: serde_json::Value = serde_json::from_str(json).unwrap();
    let id: plaza_types::Id = created["post"]["id"].as_str().unwrap().parse().unwrap();

    tokio::time::timeout(Duration::from_secs(15), stopping)
        .await
        .expect("the services stop once the write is done")
        .unwrap();
    let refused = tokio::net::TcpStream::connect(app.url.trim_start_matches("http://")).await;
    assert!(refused.is_err(), "the listener is closed after shutdown");
    let stored = plaza_timeline::db::posts::get(app.db(), id).await.unwrap();
    assert_eq!(
        stored.expect("the post is stored").body,
        "written while stopping"
    );
}

#[tokio::test]
async fn a_job_still_running_at_the_end_of_the_workers_grace_goes_back_to_the_queue() {
    use axum::extract::Request;
    use axum::middleware::Next;
    use plaza::stack::Service;
    use plaza_test_support::middleware_on;
    use std::sync::Arc;
    use tokio::sync::Notify;
    // The notification service takes a minute to take a delivery: the worker's job cannot
    // finish within its one-second grace.
    let delivering = Arc::new(Notify::new());
    let seen = delivering.clone();
    let hook = middleware_on([Service::Notification], move |req: Request, next: Next| {
        let seen = seen.clone();
        async move {
            if req.uri().path() == "/v1/events" {
                seen.notify_one();
                tokio::time::sleep(Duration::from_secs(60)).await;
            }
            next.run(req).await
        }
    });
    let mut app = TestApp::start_configured(Some(hook), |c| {
        c.worker.shutdown_grace_secs = 1;
        c.http.shutdown_grace_secs = 1;
    })
    .await;
    let (_, _, post) = app.sign_up_and_post("slowjob", "yeah me").await;
    let fan = app.sign_up("slowfan").await;
    let (status, _) = app.yeah(&fan, &post).await;
    assert!(status.is_success(), "{status}");
    tokio::time::timeout(Duration::from_secs(10), delivering.notified())
        .await
        .expect("the worker started delivering the notification");

    tokio::time::timeout(Duration::from_secs(10), app.shut_down())
        .await
        .expect("the worker gives up on the job after its grace");

    // The job is back in the queue, due now, its interrupted try not counted: the next worker
    // runs it (no lease to wait out, nothing dead-lettered).
    let db = app.db();
    assert_eq!(plaza_storage::queue::depth(db).await.unwrap(), (1, 0));
    let again = plaza_storage::queue::claim(db, 10, 60_000).await.unwrap();
    assert_eq!(again.len(), 1, "claimable at once");
    assert_eq!(again[0].attempts, 1);
    assert_eq!(again[0].kind, "notify");
}
