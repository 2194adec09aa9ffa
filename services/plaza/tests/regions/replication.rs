//! Writes made in each region reach the other two, and every region reports its channels.

use crate::helpers::{NAMES, regions, running_channels, wait_identical};
use reqwest::StatusCode;
use std::time::Duration;

#[tokio::test]
async fn writes_in_each_region_reach_the_others_and_every_database_holds_the_same_data() {
    let [r1, r2, r3] = regions().await;
    // Three people, each signing up (and so homed) in their own region.
    let (ann, ann_token) = r1.sign_up("ann").await;
    let (bob, bob_token) = r2.sign_up("bob").await;
    let (cat, cat_token) = r3.sign_up("cat").await;
    for region in [&r1, &r2, &r3] {
        for name in [&ann, &bob, &cat] {
            region.wait_for(&format!("/api/v1/users/{name}")).await;
        }
    }

    // Each writes on their own region: a post in r1, a comment on it from r2, a Yeah from r3,
    // follows in every direction and a post in r3.
    let community = r1.community().await;
    let post = r1.post_text(&ann_token, &community, "hello from r1").await;
    r2.wait_for(&format!("/api/v1/posts/{post}")).await;
    let comment = r2.comment(&bob_token, &post, "hello from r2").await;
    r3.wait_for(&format!("/api/v1/posts/{post}")).await;
    let (status, body) = r3.yeah(&cat_token, &post).await;
    assert!(status.is_success(), "{status} {body}");
    for (region, token, whom) in [
        (&r1, &ann_token, &bob),
        (&r2, &bob_token, &cat),
        (&r3, &cat_token, &ann),
    ] {
        let (status, body) = region
            .put(&format!("/api/v1/users/{whom}/follow"), token)
            .await;
        assert!(
            status.is_success(),
            "{} follows {whom}: {status} {body}",
            region.name
        );
    }
    let cats_post = r3.post_text(&cat_token, &community, "hello from r3").await;

    // Every region shows all of it: the post with its comment and Yeah, cat's post.
    for region in [&r1, &r2, &r3] {
        region.wait_for(&format!("/api/v1/posts/{cats_post}")).await;
        let mut seen = false;
        for _ in 0..100 {
            let (_, body) = region.read_post(&post).await;
            let (_, comments) = region.comments_of(&post).await;
            let commented = comments["comments"]
                .as_array()
                .is_some_and(|c| c.iter().any(|c| c["id"] == comment.as_str()));
            if body["post"]["yeah_count"] == 1 && commented {
                seen = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            seen,
            "region {} shows the comment and the Yeah",
            region.name
        );
    }

    // And the three databases hold the same rows (per-region bookkeeping tables aside).
    let regions = [r1, r2, r3];
    let sums = wait_identical(&regions, Duration::from_secs(30)).await;
    for table in [
        "users",
        "posts",
        "comments",
        "yeahs",
        "follows",
        "communities",
    ] {
        assert!(sums.contains_key(table), "{table} is compared");
    }
    for region in &regions {
        assert!(region.count("users").await >= 3);
        assert!(region.count("follows").await >= 3);
    }
}

#[tokio::test]
async fn every_region_reports_both_of_its_replication_channels_running() {
    let [r1, r2, r3] = regions().await;
    // A write in every region, so each channel has carried something.
    for region in [&r1, &r2, &r3] {
        region.sign_up("chan").await;
    }
    wait_identical(&[r1, r2, r3], Duration::from_secs(30)).await;
    for region in regions().await {
        let (status, body) = region.readyz().await.expect("the region answers");
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(
            body["replication_channels"].as_array().map(Vec::len),
            Some(2),
            "{body}"
        );
        assert_eq!(running_channels(&body), 2, "{body}");
        let mut peers: Vec<&str> = body["replication_channels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["peer"].as_str().unwrap())
            .collect();
        peers.sort_unstable();
        let others: Vec<&str> = NAMES.into_iter().filter(|n| *n != region.name).collect();
        assert_eq!(peers, others, "{body}");
        for channel in body["replication_channels"].as_array().unwrap() {
            let peer = channel["peer"].as_str().unwrap();
            let domain = peer.trim_start_matches('r');
            // Limited to the peer's GTID domain, caught up, and positioned in that domain.
            assert_eq!(channel["domain"].to_string(), domain, "{channel}");
            assert_eq!(channel["io_running"], "Yes", "{channel}");
            assert_eq!(channel["sql_running"], "Yes", "{channel}");
            assert!(
                channel["seconds_behind"].as_u64().is_some_and(|s| s < 30),
                "{channel}"
            );
            let applied = channel["gtid_applied"].as_str().unwrap();
            assert!(applied.starts_with(&format!("{domain}-")), "{channel}");
            assert_eq!(
                channel["gtid_received"], channel["gtid_applied"],
                "{channel}"
            );
            assert!(channel["last_error"].is_null(), "{channel}");
        }
        // Beside the other dependencies: every channel runs.
        assert_eq!(body["replication"], "ok", "{body}");
    }
}
