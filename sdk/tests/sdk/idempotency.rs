//! Against a real Plaza: a game's post whose answer is lost, or that is rate limited, is sent
//! again under its key and exists exactly once.

use crate::plaza::{Fault, Plaza, faulty_writes, text_input};
use plaza_sdk::types::GamePost;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Posts once through `fault`: the SDK's answer, the title's posts afterwards, how many
/// attempts reached the server, and how long the call took.
async fn post_through(fault: Fault) -> (GamePost, Vec<GamePost>, usize, Duration) {
    let seen = Arc::new(AtomicUsize::new(0));
    let plaza = Plaza::start(Some(faulty_writes(fault, 1, seen.clone()))).await;
    let player = plaza.player("player").await;
    let before = seen.load(Ordering::SeqCst);
    let started = Instant::now();
    let input = text_input("Sent once, whatever happens");
    let post = player.create_post(&input).await.unwrap();
    let took = started.elapsed();
    let attempts = seen.load(Ordering::SeqCst) - before;
    let list = player.posts(&Default::default()).await.unwrap();
    (post, list.posts, attempts, took)
}

#[tokio::test]
async fn a_post_whose_answer_was_lost_is_sent_again_and_exists_once() {
    let (post, posts, attempts, took) = post_through(Fault::LoseAnswer).await;
    assert_eq!(attempts, 2, "the 503 was retried once");
    assert!(took >= Duration::from_secs(1), "after its Retry-After");
    assert_eq!(posts.len(), 1, "one post, not two: {posts:?}");
    assert_eq!(posts[0].id, post.id, "the answer names it");
}

#[tokio::test]
async fn a_rate_limited_post_is_sent_again_after_retry_after_and_exists_once() {
    let (post, posts, attempts, took) = post_through(Fault::RateLimit).await;
    assert_eq!(attempts, 2);
    assert!(took >= Duration::from_secs(1), "after its Retry-After");
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].body, "Sent once, whatever happens");
    assert_eq!(posts[0].id, post.id);
}

#[tokio::test]
async fn a_post_sent_again_later_with_its_kept_key_is_the_same_post() {
    let plaza = Plaza::start(None).await;
    let player = plaza.player("player").await;
    let input = text_input("Saved before the console slept");
    let key = plaza_sdk::new_idempotency_key().unwrap();
    let first = player
        .create_post_with_key(&input, key.clone())
        .await
        .unwrap();
    let again = player.create_post_with_key(&input, key).await.unwrap();
    assert_eq!(first.id, again.id);
    let list = player.posts(&Default::default()).await.unwrap();
    assert_eq!(list.posts.len(), 1);
}
