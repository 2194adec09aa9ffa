//! One Garage cluster across the regions: media posted in one region is served by every edge,
//! each edge caching its own copy.

use crate::edge_common::fresh_png;
use crate::helpers::regions;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_screenshot_posted_in_r1_is_served_by_every_regions_edge_from_its_own_cache() {
    let [r1, r2, r3] = regions().await;
    let (_, token) = r1.sign_up("shot").await;
    let community = r1.community().await;
    let png = fresh_png(320, 200);
    let (status, body) = r1
        .post_in(
            &token,
            &community,
            json!({"body": "a screenshot from r1", "screenshot": STANDARD.encode(&png), "screenshot_type": "image/png"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let url = body["post"]["screenshot_url"].as_str().unwrap().to_owned();
    assert!(url.starts_with("/media/screenshots/"), "{url}");
    let original = r1.get_raw(&url).await;
    assert_eq!(original.status(), StatusCode::OK);
    let original = original.bytes().await.unwrap().to_vec();

    // r3's and r2's edges fetch it from their own region's Garage node: a miss, then a hit from
    // their own cache, the same bytes each time.
    for region in [&r3, &r2] {
        let first = region.get_raw(&url).await;
        assert_eq!(
            first.status(),
            StatusCode::OK,
            "{} serves {url}",
            region.name
        );
        assert_eq!(first.headers()["x-cache-status"], "MISS", "{}", region.name);
        assert_eq!(first.bytes().await.unwrap().to_vec(), original);
        let second = region.get_raw(&url).await;
        assert_eq!(second.headers()["x-cache-status"], "HIT", "{}", region.name);
        assert_eq!(second.bytes().await.unwrap().to_vec(), original);
    }

    // Each region's own Garage node answers for the object (through its S3 API).
    for region in [&r1, &r2, &r3] {
        use plaza_media::ObjectStore;
        let s3 = region.config.s3.as_ref().expect("the region uses S3");
        let store = plaza_media::S3Store::new(s3);
        let stored = store.get(url.trim_start_matches("/media/")).await.unwrap();
        assert!(stored.is_some(), "{}'s Garage node has {url}", region.name);
    }
}
