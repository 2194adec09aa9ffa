//! A region stopped entirely (its database included) leaves the other two serving and writing;
//! when it is back, replication catches up in every direction.

use crate::helpers::{Region, regions, wait_identical};
use reqwest::StatusCode;
use std::time::Duration;

/// Starts the region again when dropped, so a failing assertion does not leave it stopped.
struct Restart<'a>(&'a Region);

impl Drop for Restart<'_> {
    fn drop(&mut self) {
        self.0.start();
    }
}

#[tokio::test]
async fn a_stopped_region_leaves_the_others_serving_and_catches_up_when_back() {
    let [r1, r2, r3] = regions().await;
    let (bob, bob_token) = r2.sign_up("bob").await;
    let community = r1.community().await;
    for region in [&r1, &r3] {
        region.wait_for(&format!("/api/v1/users/{bob}")).await;
    }

    r2.stop();
    let restart = Restart(&r2);
    assert!(r2.readyz().await.is_none(), "r2's edge is down too");

    // r1 and r3 keep serving and taking their own people's writes.
    let (ann, ann_token) = r1.sign_up("ann").await;
    let (cat, cat_token) = r3.sign_up("cat").await;
    r3.wait_for(&format!("/api/v1/users/{ann}")).await;
    let post = r1.post_text(&ann_token, &community, "r2 is down").await;
    r3.wait_for(&format!("/api/v1/posts/{post}")).await;
    let comment = r3.comment(&cat_token, &post, "still here in r3").await;
    let (status, body) = r3.yeah(&cat_token, &post).await;
    assert!(status.is_success(), "{status} {body}");
    let (status, body) = r1
        .put(&format!("/api/v1/users/{bob}/follow"), &ann_token)
        .await;
    assert!(status.is_success(), "{status} {body}");
    // Each still answers ready, reporting the channel from r2 as not running.
    for region in [&r1, &r3] {
        let (status, body) = region.readyz().await.expect("the region answers");
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["replication"], "degraded", "{body}");
        let channel = body["replication_channels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["peer"] == "r2")
            .expect("the channel from r2")
            .clone();
        assert_eq!(channel["running"], false, "{channel}");
        assert_ne!(channel["io_running"], "Yes", "{channel}");
        assert_eq!(channel["sql_running"], "Yes", "{channel}");
    }

    // r2 comes back: it receives what r1 and r3 wrote meanwhile, and they receive its writes.
    drop(restart);
    for region in [&r1, &r2, &r3] {
        region.wait_replicating(Duration::from_secs(90)).await;
    }
    r2.wait_for(&format!("/api/v1/posts/{post}")).await;
    let (_, comments) = r2.comments_of(&post).await;
    assert!(
        comments["comments"]
            .as_array()
            .is_some_and(|c| c.iter().any(|c| c["id"] == comment.as_str())),
        "{comments}"
    );
    r2.wait_for(&format!("/api/v1/users/{cat}")).await;
    let bobs_post = r2.post_text(&bob_token, &community, "back again").await;
    r1.wait_for(&format!("/api/v1/posts/{bobs_post}")).await;
    r3.wait_for(&format!("/api/v1/posts/{bobs_post}")).await;
    wait_identical(&[r1, r2, r3], Duration::from_secs(30)).await;
}
