//! A load through the edge (reads, pages, keyed writes) for tests that change the region under
//! it (releases, HAProxy reloads) and count what failed: a failure is any answer that is not a
//! success, or a connection error.

use crate::helpers::{Region, unique};
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

/// Answers the load got: how many succeeded, and each failure (status and body, or error).
#[derive(Default)]
struct Tally {
    done: AtomicUsize,
    failures: std::sync::Mutex<Vec<String>>,
}

/// Readers and writers through the edge until `stop`: every answer that is not a success is
/// counted (with its status) as a failure.
fn load(
    region: &Region,
    token: String,
    community: String,
    post: String,
    stop: Arc<AtomicBool>,
) -> (Arc<Tally>, tokio::task::JoinSet<()>) {
    let tally = Arc::new(Tally::default());
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..6 {
        let (client, token, community, post) = (
            region.client.clone(),
            token.clone(),
            community.clone(),
            post.clone(),
        );
        let (stop, tally) = (stop.clone(), tally.clone());
        tasks.spawn(async move {
            let edge = crate::helpers::EDGE;
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                i += 1;
                let req = match worker {
                    // A post with its Yeahs (timeline and empathy), a page, the notifications.
                    0 | 1 => client.get(format!("{edge}/api/v1/posts/{post}")),
                    2 => client.get(format!("{edge}/communities")),
                    3 => client
                        .get(format!("{edge}/api/v1/notifications"))
                        .bearer_auth(&token),
                    // Writes, as clients send them (with an Idempotency-Key), paced under the
                    // region's per-account limits (60 posts and 120 comments a minute).
                    4 => client
                        .post(format!("{edge}/api/v1/communities/{community}/posts"))
                        .bearer_auth(&token)
                        .header("idempotency-key", unique("load"))
                        .json(&json!({"body": format!("under load {i}")})),
                    _ => client
                        .post(format!("{edge}/api/v1/posts/{post}/comments"))
                        .bearer_auth(&token)
                        .header("idempotency-key", unique("load"))
                        .json(&json!({"body": format!("comment {i}")})),
                };
                match worker {
                    4 => tokio::time::sleep(Duration::from_millis(1500)).await,
                    5 => tokio::time::sleep(Duration::from_millis(750)).await,
                    _ => {}
                }
                match req.send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        tally.done.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(r) => {
                        let status = r.status();
                        let body = r.text().await.unwrap_or_default();
                        tally
                            .failures
                            .lock()
                            .unwrap()
                            .push(format!("{status} {body}"));
                    }
                    Err(e) => {
                        tally.failures.lock().unwrap().push(e.to_string());
                    }
                }
            }
        });
    }
    (tally, tasks)
}

/// Runs `action` (a release, a reload) while the load runs; returns (requests done, failures
/// seen).
pub async fn under_load(
    region: &Region,
    action: impl FnOnce() + Send + 'static,
) -> (usize, Vec<String>) {
    let (_, token) = region.sign_up("load").await;
    let (community, post) = {
        let c = region.community().await;
        let p = region.post_text(&token, &c, "read under load").await;
        (c, p)
    };
    let stop = Arc::new(AtomicBool::new(false));
    let (tally, mut tasks) = load(region, token, community, post, stop.clone());
    tokio::time::sleep(Duration::from_millis(500)).await;
    tokio::task::spawn_blocking(action).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    while tasks.join_next().await.is_some() {}
    let failures = tally.failures.lock().unwrap().clone();
    (tally.done.load(Ordering::Relaxed), failures)
}
