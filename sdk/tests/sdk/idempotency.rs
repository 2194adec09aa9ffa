//! Against a real Plaza: a write whose answer is lost, or that is rate limited, is sent again
//! under its key and exists exactly once.

use crate::plaza::{Fault, Plaza, faulty_writes};
use plaza_sdk::{Client, ClientConfig, Method, RetryPolicy};
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn client(plaza: &Plaza, token: &str) -> Client {
    let mut config = ClientConfig::new(&plaza.url, "0005000010101E00", "unused-by-the-json-api")
        .with_player_token(token);
    config.retry = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(50),
        ..RetryPolicy::default()
    };
    Client::new(&config).unwrap()
}

async fn posts_in(plaza: &Plaza, community: &str) -> Vec<Value> {
    let (_, list) = plaza
        .api
        .get(&format!("/api/v1/communities/{community}/posts"), None)
        .await;
    list["posts"].as_array().unwrap().clone()
}

async fn post_through(fault: Fault) -> (Value, Vec<Value>, usize, Duration) {
    let seen = Arc::new(AtomicUsize::new(0));
    let plaza = Plaza::start(Some(faulty_writes(fault, 1, seen.clone()))).await;
    let token = plaza.api.sign_up("player").await;
    let community = plaza.api.community().await;
    let before = seen.load(Ordering::SeqCst);
    let started = Instant::now();
    let answer: Value = client(&plaza, &token)
        .write_json(
            Method::POST,
            &format!("/api/v1/communities/{community}/posts"),
            Some(&json!({"body": "Sent once, whatever happens"})),
        )
        .await
        .unwrap();
    let took = started.elapsed();
    let attempts = seen.load(Ordering::SeqCst) - before;
    (answer, posts_in(&plaza, &community).await, attempts, took)
}

#[tokio::test]
async fn a_post_whose_answer_was_lost_is_sent_again_and_exists_once() {
    let (answer, posts, attempts, took) = post_through(Fault::LoseAnswer).await;
    assert_eq!(attempts, 2, "the 503 was retried once");
    assert!(took >= Duration::from_secs(1), "after its Retry-After");
    assert_eq!(posts.len(), 1, "one post, not two: {posts:?}");
    assert_eq!(posts[0]["id"], answer["post"]["id"], "the answer names it");
}

#[tokio::test]
async fn a_rate_limited_post_is_sent_again_after_retry_after_and_exists_once() {
    let (answer, posts, attempts, took) = post_through(Fault::RateLimit).await;
    assert_eq!(attempts, 2);
    assert!(took >= Duration::from_secs(1), "after its Retry-After");
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0]["body"], "Sent once, whatever happens");
    assert_eq!(posts[0]["id"], answer["post"]["id"]);
}
