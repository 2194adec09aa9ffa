//! What the region's processes share: the memcached cache (written by one process, invalidated
//! for all), live notifications through Redis, and rate limits in Redis.

use crate::helpers::{Region, WEB1, WEB2, unique};
use futures_util::StreamExt;
use plaza_cache::Cache;
use plaza_test_support::header;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;

#[tokio::test]
async fn readiness_reports_the_shared_parts() {
    let region = Region::open();
    for web in [WEB1, WEB2] {
        let (status, body) = region.get_at(web, "/readyz").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["database"], "ok");
        assert_eq!(body["cache"], "ok", "{body}");
        assert_eq!(body["redis"], "ok", "{body}");
    }
}

#[tokio::test]
async fn a_post_cached_in_memcached_is_invalidated_for_every_process() {
    let region = Region::open();
    let (author, _, post) = region.author_with_post("cache", "cache me").await;
    let (_, reader) = region.sign_up("cread").await;

    // Read through both web processes (and so both timeline processes, via HAProxy).
    for web in [WEB1, WEB2, WEB1, WEB2] {
        let (status, body) = region.get_at(web, &format!("/api/v1/posts/{post}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["post"]["comment_count"], 0);
    }
    // The entry is really in memcached, under the region's key prefix.
    let memcached = region.memcached();
    let key = format!("timeline:post:{post}");
    assert!(memcached.get(&key).await.is_some(), "the post is cached");

    // A comment through one process changes the count every process serves at once.
    let (status, _) = region.comment_via(WEB2, &reader, &post, "first").await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(memcached.get(&key).await.is_none(), "the entry was deleted");
    for web in [WEB1, WEB2] {
        let (_, body) = region.get_at(web, &format!("/api/v1/posts/{post}")).await;
        assert_eq!(body["post"]["comment_count"], 1, "served by {web}");
    }

    // A deletion through one process is seen by the other at once.
    let (status, _) = region
        .call_at(
            WEB1,
            Method::DELETE,
            &format!("/api/v1/posts/{post}"),
            Some(&author),
            None,
        )
        .await;
    assert!(status.is_success(), "{status}");
    for web in [WEB2, WEB1] {
        let (status, body) = region.get_at(web, &format!("/api/v1/posts/{post}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["post"]["deleted"], true, "served by {web}");
    }
}

#[tokio::test]
async fn an_account_edited_through_one_process_reads_new_from_the_other() {
    let region = Region::open();
    let (name, token) = region.sign_up("prof").await;
    for web in [WEB1, WEB2] {
        let (status, body) = region.get_at(web, &format!("/api/v1/users/{name}")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let memcached = region.memcached();
    assert!(
        memcached.get(&format!("web:user:{name}")).await.is_some(),
        "the account is cached"
    );
    let (status, body) = region
        .call_at(
            WEB1,
            Method::PATCH,
            "/api/v1/me",
            Some(&token),
            Some(json!({"display_name": "Renamed"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, body) = region.get_at(WEB2, &format!("/api/v1/users/{name}")).await;
    assert_eq!(body["user"]["display_name"], "Renamed", "{body}");
}

/// The ids of the posts on a community's first page, as `web` serves it.
async fn first_page(region: &Region, web: &str, community: &str) -> Vec<(String, i64)> {
    let (status, body) = region
        .get_at(web, &format!("/api/v1/communities/{community}/posts"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["posts"]
        .as_array()
        .expect("posts")
        .iter()
        .map(|p| {
            (
                p["id"].as_str().expect("id").to_owned(),
                p["comment_count"].as_i64().expect("count"),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_community_page_cached_in_memcached_changes_for_every_process_on_a_write() {
    let region = Region::open();
    let (name, author) = region.sign_up("cpage").await;
    let (_, reader) = region.sign_up("cpread").await;
    let c = region.community().await;
    let first = region.post_text(&author, &c, "page one").await;
    // Read through both web processes (and so both timeline processes, via HAProxy).
    for web in [WEB1, WEB2, WEB1, WEB2] {
        assert_eq!(first_page(&region, web, &c).await[0].0, first, "{web}");
    }
    let memcached = region.memcached();
    let version_key = format!("timeline:community:{c}:version");
    let version = memcached.get(&version_key).await;
    assert!(version.is_some(), "the community has a cache version");

    // A post written straight into the database, behind the services' back, is not on the
    // page: the page is served from memcached.
    let db = region.db().await;
    let user = plaza_web::db::users::by_username(&db, &name)
        .await
        .unwrap()
        .expect("the author");
    let ids = plaza_types::IdGenerator::new(region.config.region, 30).unwrap();
    let hidden = plaza_test_support::text_post(
        ids.next_id(),
        region.config.region,
        plaza_types::Id(c.parse().unwrap()),
        user.id,
        "written behind the cache",
    );
    plaza_timeline::db::posts::insert(&db, &hidden, None)
        .await
        .unwrap();
    for web in [WEB1, WEB2] {
        assert_eq!(first_page(&region, web, &c).await[0].0, first, "{web}");
    }

    // A post through one process: every process serves the new page at once.
    let (status, body) = region
        .call_at(
            WEB2,
            Method::POST,
            &format!("/api/v1/communities/{c}/posts"),
            Some(&author),
            Some(json!({"body": "page two", "feeling": 2})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let second = body["post"]["id"].as_str().unwrap().to_owned();
    assert_ne!(memcached.get(&version_key).await, version, "a new version");
    for web in [WEB1, WEB2] {
        let page = first_page(&region, web, &c).await;
        let top: Vec<&str> = page.iter().take(3).map(|(id, _)| id.as_str()).collect();
        assert_eq!(
            top,
            [
                second.as_str(),
                hidden.id.to_string().as_str(),
                first.as_str()
            ],
            "{web}"
        );
    }

    // A comment's count shows on the page through every process too.
    let (status, _) = region.comment_via(WEB1, &reader, &second, "nice").await;
    assert_eq!(status, StatusCode::CREATED);
    for web in [WEB2, WEB1] {
        assert_eq!(
            first_page(&region, web, &c).await[0],
            (second.clone(), 1),
            "{web}"
        );
    }
}

/// Reads server-sent events from `response` until one named `unread` carries `want`.
async fn wait_for_unread(response: reqwest::Response, want: i64) -> Result<(), String> {
    let mut stream = response.bytes_stream();
    let mut buffer = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let chunk = tokio::time::timeout_at(deadline, stream.next())
            .await
            .map_err(|_| format!("no unread={want} event in time; got: {buffer}"))?
            .ok_or_else(|| format!("the stream ended; got: {buffer}"))?
            .map_err(|e| e.to_string())?;
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            if event.lines().any(|l| l == "event: unread") {
                let data = event
                    .lines()
                    .find_map(|l| l.strip_prefix("data: "))
                    .unwrap_or("{}");
                let value: Value = serde_json::from_str(data).unwrap_or(Value::Null);
                if value["unread"] == want {
                    return Ok(());
                }
            }
        }
    }
}

#[tokio::test]
async fn a_notification_made_in_one_process_reaches_a_stream_on_another() {
    let region = Region::open();
    let (author, _, post) = region.author_with_post("live", "watch this").await;
    let (_, fan) = region.sign_up("lfan").await;

    // The author's live stream is held by web1 ...
    let response = region
        .get_raw_at(WEB1, "/api/v1/notifications/stream", &author)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header(&response, "content-type").starts_with("text/event-stream"));
    let listening = tokio::spawn(wait_for_unread(response, 1));
    tokio::time::sleep(Duration::from_millis(300)).await;

    // ... and the Yeah goes through web2; the worker delivers it to the notification process,
    // which announces it through Redis.
    let (status, body) = region
        .call_at(
            WEB2,
            Method::PUT,
            &format!("/api/v1/posts/{post}/yeah"),
            Some(&fan),
            None,
        )
        .await;
    assert!(status.is_success(), "{status} {body}");
    listening.await.unwrap().unwrap();
}

#[tokio::test]
async fn rate_limits_are_shared_by_every_web_process() {
    let region = Region::open();
    let (_, me) = region.sign_up("rate").await;
    let (target, _) = region.sign_up("rtgt").await;
    let limit = region.config.rate_limits.follow_per_minute;
    assert!(
        limit > 0 && limit < 100,
        "the region's follow limit is {limit}"
    );
    // Alternate between the two processes: a per-process limit would allow twice as many.
    for i in 0..limit {
        let web = if i % 2 == 0 { WEB1 } else { WEB2 };
        let (status, body) = region
            .call_at(
                web,
                Method::PUT,
                &format!("/api/v1/users/{target}/follow"),
                Some(&me),
                None,
            )
            .await;
        assert!(status.is_success(), "follow {i}: {status} {body}");
    }
    for web in [WEB1, WEB2] {
        let response = region
            .client
            .put(format!("{web}/api/v1/users/{target}/follow"))
            .bearer_auth(&me)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "{web}");
        let retry = plaza_test_support::retry_after(&response);
        assert!((1..=60).contains(&retry), "Retry-After {retry}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"], "rate_limited");
    }
    // Someone else is not limited by it.
    let (_, other) = region.sign_up("rfree").await;
    let (status, _) = region
        .call_at(
            WEB1,
            Method::PUT,
            &format!("/api/v1/users/{target}/follow"),
            Some(&other),
            None,
        )
        .await;
    assert!(status.is_success());
}

#[tokio::test]
async fn clearing_one_prefix_of_memcached_keeps_every_other_prefix() {
    let region = Region::open();
    let servers = &region.config.memcached.servers;
    let mine = plaza_cache::MemcachedCache::new(servers, 1, &unique("clear-mine-"));
    let theirs = plaza_cache::MemcachedCache::new(servers, 1, &unique("clear-theirs-"));
    // Enough keys to take several batches of deletes, and one too long to keep as it is.
    let long = "k".repeat(300);
    let mut keys: Vec<String> = (0..250).map(|i| format!("post:{i}")).collect();
    keys.push(long);
    for key in &keys {
        stored(&mine, key, b"mine").await;
        stored(&theirs, key, b"theirs").await;
    }

    assert_eq!(mine.clear().await.expect("cleared"), keys.len());

    for key in &keys {
        assert_eq!(mine.get(key).await, None, "{key} is gone");
        assert_eq!(
            theirs.get(key).await.as_deref(),
            Some(&b"theirs"[..]),
            "{key} of the other prefix stays"
        );
    }
    assert_eq!(mine.clear().await.expect("cleared again"), 0);
    theirs.clear().await.expect("cleaned up");
}

/// Sets `key` to `value` in `cache` and reads it back (a set that timed out is tried again).
async fn stored(cache: &plaza_cache::MemcachedCache, key: &str, value: &[u8]) {
    for _ in 0..30 {
        cache
            .set(key, value.to_vec(), Duration::from_secs(60))
            .await;
        if cache.get(key).await.as_deref() == Some(value) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{key} could not be stored in memcached");
}
