//! Retries against a scripted server: which answers are sent again, after how long, and that a
//! write keeps its one `Idempotency-Key` through all of its attempts.

use crate::fake::{Answer, FakeServer};
use plaza_sdk::Method;
use plaza_sdk::{Client, ClientConfig, Error, RetryPolicy};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const OK: &str = r#"{"ok":true}"#;
const UNAVAILABLE: &str = r#"{"error":"service_unavailable","message":"Try again."}"#;

fn client(url: &str, attempts: u32) -> Client {
    let mut config =
        ClientConfig::new(url, "0005000010101E00", "app-key-1").with_player_token("player-token-1");
    config.timeout = Duration::from_millis(500);
    config.retry = RetryPolicy {
        max_attempts: attempts,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(100),
        max_retry_after: Duration::from_secs(5),
    };
    Client::new(&config).unwrap()
}

async fn write(client: &Client) -> Result<Value, Error> {
    client
        .write_json(Method::POST, "/api/game/v1/things", Some(&json!({"a": 1})))
        .await
}

#[tokio::test]
async fn a_write_answered_503_then_201_is_sent_again_after_retry_after_with_the_same_key() {
    let server = FakeServer::start(
        vec![
            Answer::new(503, UNAVAILABLE).retry_after("1"),
            Answer::new(201, OK),
        ],
        false,
    )
    .await;
    let started = Instant::now();
    let answer = write(&client(&server.url, 4)).await.unwrap();
    assert_eq!(answer, json!({"ok": true}));
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 was honoured, waited {:?}",
        started.elapsed()
    );
    let keys = server.keys();
    assert_eq!(keys.len(), 2);
    assert!(keys[0].is_some(), "a write carries a key");
    assert_eq!(keys[0], keys[1], "its retry carries the same key");
    let first = &server.received()[0];
    assert_eq!(first.method, "POST");
    assert_eq!(first.headers["x-plaza-app-key"], "app-key-1");
    assert_eq!(first.headers["authorization"], "Bearer player-token-1");
}

#[tokio::test]
async fn a_429_a_502_and_a_lost_connection_are_each_retried_with_the_same_key() {
    let server = FakeServer::start(
        vec![
            Answer::new(429, r#"{"error":"rate_limited","message":"Slow down."}"#).retry_after("0"),
            Answer::new(502, "<html>Bad gateway</html>"),
            Answer::new(201, OK),
        ],
        true,
    )
    .await;
    write(&client(&server.url, 5)).await.unwrap();
    let keys = server.keys();
    // The dropped connection never reached the router; the three answers did.
    assert_eq!(keys.len(), 3, "{keys:?}");
    assert!(
        keys.iter().all(|k| k.is_some() && *k == keys[0]),
        "{keys:?}"
    );
}

#[tokio::test]
async fn an_attempt_that_times_out_is_sent_again_with_the_same_key() {
    let server = FakeServer::start(
        vec![
            Answer::new(201, OK).delayed(Duration::from_secs(2)),
            Answer::new(201, OK),
        ],
        false,
    )
    .await;
    write(&client(&server.url, 3)).await.unwrap();
    let keys = server.keys();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1]);
}

#[tokio::test]
async fn a_write_still_running_under_its_key_is_waited_for() {
    let server = FakeServer::start(
        vec![
            Answer::new(
                409,
                r#"{"error":"idempotency_in_progress","message":"Still running."}"#,
            )
            .retry_after("0"),
            Answer::new(201, OK),
        ],
        false,
    )
    .await;
    write(&client(&server.url, 3)).await.unwrap();
    assert_eq!(server.keys().len(), 2);
}

#[tokio::test]
async fn two_writes_have_two_keys() {
    let server = FakeServer::start(vec![Answer::new(201, OK)], false).await;
    let client = client(&server.url, 3);
    write(&client).await.unwrap();
    write(&client).await.unwrap();
    let keys = server.keys();
    assert_eq!(keys.len(), 2);
    assert_ne!(keys[0], keys[1]);
}

#[tokio::test]
async fn a_refusal_is_not_retried_and_keeps_plazas_code() {
    let server = FakeServer::start(
        vec![Answer::new(
            422,
            r#"{"error":"app_data_too_long","message":"app_data is at most 1024 bytes."}"#,
        )],
        false,
    )
    .await;
    let e = write(&client(&server.url, 4)).await.unwrap_err();
    assert_eq!(e.status(), Some(422));
    assert_eq!(e.code(), Some("app_data_too_long"));
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn attempts_run_out_with_the_last_answer_as_the_error() {
    let server = FakeServer::start(vec![Answer::new(503, UNAVAILABLE)], false).await;
    let e = write(&client(&server.url, 3)).await.unwrap_err();
    assert_eq!(e.code(), Some("service_unavailable"));
    assert_eq!(server.received().len(), 3);
}

#[tokio::test]
async fn a_retry_after_beyond_the_patience_ends_the_call_at_once() {
    let server = FakeServer::start(
        vec![Answer::new(503, UNAVAILABLE).retry_after("3600")],
        false,
    )
    .await;
    let started = Instant::now();
    let e = write(&client(&server.url, 4)).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(
        matches!(e, Error::Api { status: 503, retry_after: Some(d), .. } if d == Duration::from_secs(3600))
    );
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn reads_are_retried_and_carry_no_key() {
    let server = FakeServer::start(
        vec![Answer::new(503, UNAVAILABLE), Answer::new(200, OK)],
        false,
    )
    .await;
    let answer: Value = client(&server.url, 3)
        .get_json("/api/game/v1/things?x=1")
        .await
        .unwrap();
    assert_eq!(answer["ok"], true);
    assert_eq!(server.keys(), vec![None, None]);
    assert_eq!(server.received()[1].path, "/api/game/v1/things?x=1");
}

#[tokio::test]
async fn nobody_listening_is_a_network_error_after_the_retries() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let e = write(&client(&format!("http://127.0.0.1:{port}"), 2))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Network(_)), "{e:?}");
}

#[tokio::test]
async fn a_poll_that_changed_nothing_is_a_304_answered_from_the_last_body() {
    let server = FakeServer::start(
        vec![
            Answer::new(200, r#"{"posts":[],"next_cursor":null}"#).etag("\"v1\""),
            Answer::new(304, ""),
        ],
        false,
    )
    .await;
    let client = client(&server.url, 1);
    let first: Value = client.get_json("/api/list").await.unwrap();
    let second: Value = client.get_json("/api/list").await.unwrap();
    assert_eq!(first, second);
    let received = server.received();
    assert!(received[0].headers.get("if-none-match").is_none());
    assert_eq!(received[1].headers["if-none-match"], "\"v1\"");
}
