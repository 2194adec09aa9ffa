//! Parts failing while the region is in use: memcached stopped, a web process killed.

use crate::helpers::{EDGE, Region, Restore, WEB1, assert_console_error};
use plaza_test_support::{assert_error, header};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn with_memcached_stopped_plaza_keeps_serving_and_says_so() {
    let region = Region::open();
    let (author, c, post) = region.author_with_post("nomc", "before the outage").await;
    let (_, reader) = region.sign_up("nomcr").await;

    let out = region.ctl(&["stop", "memcached"]);
    assert!(out.contains("stopped"), "{out}");
    {
        let _restart = Restore(&region, &["start", "memcached"]);
        // Still ready (HAProxy keeps the process), with the cache reported degraded.
        let (status, body) = region.get_at(WEB1, "/readyz").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["cache"], "degraded", "{body}");
        // Reads and writes work, from the database.
        let (status, body) = region.read_post(&post).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, _) = region
            .comment_on(&reader, &post, json!({"body": "during the outage"}))
            .await;
        assert_eq!(status, StatusCode::CREATED);
        let during = region.post_text(&author, &c, "during the outage").await;
        let (status, body) = region.read_post(&post).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["post"]["comment_count"], 1);
        let page = region.get_raw(&format!("/posts/{during}")).await;
        assert_eq!(page.status(), StatusCode::OK);
        // The outage is in the logs.
        let logs = ["web1", "web2", "timeline1", "timeline2"]
            .iter()
            .map(|p| {
                std::fs::read_to_string(region.root.join(format!("log/{p}.log")))
                    .unwrap_or_default()
            })
            .collect::<String>();
        assert!(
            logs.contains("memcached is unreachable"),
            "no outage logged"
        );
    }

    // Back: the cache is used again and shows what was written meanwhile.
    let mut ok = false;
    for _ in 0..50 {
        let (_, body) = region.get_at(WEB1, "/readyz").await;
        if body["cache"] == "ok" {
            ok = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(ok, "the cache came back");
    let (_, body) = region.read_post(&post).await;
    assert_eq!(body["post"]["comment_count"], 1);
}

#[tokio::test]
async fn killing_a_web_process_mid_use_loses_no_acknowledged_post() {
    let region = Region::open();
    let (_, author) = region.sign_up("kill").await;
    let c = region.community().await;
    let mut acknowledged = Vec::new();
    let mut failed = 0;
    for i in 0..30 {
        if i == 10 {
            let out = region.ctl(&["signal", "KILL", "web1"]);
            assert!(out.contains("signalled"), "{out}");
        }
        let (status, body) = region
            .post_in(
                &author,
                &c,
                json!({"body": format!("post {i}"), "feeling": 0}),
            )
            .await;
        if status == StatusCode::CREATED {
            acknowledged.push(body["post"]["id"].as_str().unwrap().to_owned());
        } else {
            failed += 1;
        }
    }
    region.wait_ready().await;
    assert!(
        acknowledged.len() >= 25,
        "HAProxy moves requests to the live process ({failed} failed)"
    );
    for id in &acknowledged {
        let (status, _) = region.read_post(id).await;
        assert_eq!(status, StatusCode::OK, "acknowledged post {id} is there");
    }
    // supervisord brought web1 back.
    let (status, _) = region.get_at(WEB1, "/healthz").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn with_the_object_store_down_an_image_post_is_refused_clearly_and_text_still_posts() {
    let region = Region::open();
    let (_, author) = region.sign_up("nos3").await;
    let c = region.community().await;
    let out = region.ctl(&["stop", "garage"]);
    assert!(out.contains("stopped"), "{out}");
    {
        let _restart = Restore(&region, &["start", "garage"]);
        let painting = {
            use base64::Engine;
            let img = image::GrayImage::from_fn(320, 120, |x, y| {
                image::Luma([if (x * 7 + y * 3) % 11 == 0 { 0 } else { 255 }])
            });
            let mut png = std::io::Cursor::new(Vec::new());
            img.write_to(&mut png, image::ImageFormat::Png).unwrap();
            base64::engine::general_purpose::STANDARD.encode(png.into_inner())
        };
        let (status, body) = region
            .post_in(&author, &c, json!({"body": "", "painting": painting}))
            .await;
        assert_error((status, &body), 503, "media_unavailable");
        region.post_text(&author, &c, "words need no bucket").await;
        // An object the edge has not cached: Plaza's JSON error with a retry hint.
        let r = region
            .get_raw(&format!("/media/drawings/{}.png", "0".repeat(64)))
            .await;
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(r.headers().contains_key("retry-after"));
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"], "media_unavailable", "{body}");
    }
    // Garage is back for the tests that follow.
    let store = plaza_media::S3Store::new(region.config.s3.as_ref().unwrap());
    for _ in 0..100 {
        if store.reachable().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("Garage did not come back");
}

#[tokio::test]
async fn a_rolling_restart_of_the_web_processes_fails_no_request() {
    let region = Region::open();
    let (_, author) = region.sign_up("roll").await;
    let c = region.community().await;
    let restarts = {
        let root = region.root.clone();
        tokio::task::spawn_blocking(move || {
            for program in ["web1", "web2"] {
                std::thread::sleep(Duration::from_millis(300));
                let out = crate::edge_common::supervisorctl(&root, &["restart", program]);
                assert!(out.contains("started"), "{out}");
                // HAProxy sees the process healthy again before the next one goes (a stopping
                // process drains first, so a fixed pause is not enough).
                crate::helpers::wait_until_up_in_haproxy(&root, &format!("web/{program}"));
            }
        })
    };
    let mut statuses = Vec::new();
    while !restarts.is_finished() {
        let (status, body) = region
            .post_in(
                &author,
                &c,
                json!({"body": format!("rolling {}", statuses.len()), "feeling": 0}),
            )
            .await;
        statuses.push((status, body));
        // Under the region's 60 posts a minute for the whole restart (each process drains for
        // a few seconds before it stops).
        tokio::time::sleep(Duration::from_millis(800)).await;
    }
    restarts.await.unwrap();
    let failed: Vec<_> = statuses
        .iter()
        .filter(|(s, _)| *s != StatusCode::CREATED)
        .collect();
    assert!(
        statuses.len() >= 10,
        "requests kept flowing ({})",
        statuses.len()
    );
    assert!(failed.is_empty(), "failed during the restart: {failed:?}");
    region.wait_ready().await;
}

/// Waits (up to a minute) until the edge serves the communities again.
async fn wait_until_served(region: &Region) {
    wait_for_status(region, "/api/v1/communities", StatusCode::OK, 60).await;
}

/// Waits until `GET path` through the edge answers `want` (or panics after `secs`).
async fn wait_for_status(region: &Region, path: &str, want: StatusCode, secs: u64) {
    for _ in 0..secs * 10 {
        let r = region.client.get(format!("{EDGE}{path}")).send().await;
        if r.is_ok_and(|r| r.status() == want) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{path} did not answer {want} within {secs} s");
}

/// What the edge answers for the API and for a page while something behind it is down: Plaza's
/// JSON error with a retry hint on the API, a friendly HTML page elsewhere, never HAProxy's or
/// nginx's own HTML.
async fn check_outage_answers(region: &Region, status: StatusCode) {
    let api = region.get_raw("/api/v1/communities").await;
    assert_eq!(api.status(), status);
    assert!(api.headers().contains_key("retry-after"));
    assert!(header(&api, "content-type").starts_with("application/json"));
    let body: serde_json::Value = api.json().await.unwrap();
    assert_eq!(body["error"], "service_unavailable", "{body}");
    let page = region.get_raw("/communities").await;
    assert_eq!(page.status(), status);
    assert!(page.headers().contains_key("retry-after"));
    assert!(header(&page, "content-type").starts_with("text/html"));
    let html = page.text().await.unwrap();
    assert!(html.contains("Plaza will be back in a moment"), "{html}");
    let console = region.get_raw("/v1/communities").await;
    assert!(console.headers().contains_key("retry-after"));
    assert_console_error(console, status, "service_unavailable").await;
    // A form sent meanwhile gets the friendly page too, not nginx's 405 for a POST.
    let form = region
        .client
        .post(format!("{EDGE}/signin"))
        .form(&[("username", "someone")])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), status);
    assert!(header(&form, "content-type").starts_with("text/html"));
}

#[tokio::test]
async fn with_every_web_process_down_the_api_gets_json_and_pages_a_friendly_page() {
    let region = Region::open();
    wait_until_served(&region).await;
    region.ctl(&["stop", "web1", "web2"]);
    {
        let _restart = Restore(&region, &["start", "web1", "web2"]);
        // HAProxy takes both out after two failed checks a second apart (until then its own
        // errors are already Plaza's JSON); from then on pages get the friendly page.
        let mut settled = false;
        for _ in 0..200 {
            let page = region
                .client
                .get(format!("{EDGE}/communities"))
                .send()
                .await;
            if page.is_ok_and(|p| {
                p.status() == StatusCode::SERVICE_UNAVAILABLE
                    && p.headers()
                        .get("content-type")
                        .is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/html"))
            }) {
                settled = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(settled, "the edge never answered the friendly page");
        check_outage_answers(&region, StatusCode::SERVICE_UNAVAILABLE).await;
    }
    wait_until_served(&region).await;
}

#[tokio::test]
async fn with_the_load_balancer_down_the_edge_answers_json_and_a_friendly_page() {
    let region = Region::open();
    wait_until_served(&region).await;
    region.ctl(&["stop", "haproxy"]);
    {
        let _restart = Restore(&region, &["start", "haproxy"]);
        check_outage_answers(&region, StatusCode::BAD_GATEWAY).await;
    }
    wait_until_served(&region).await;
}

#[tokio::test]
async fn with_the_database_stopped_requests_fail_fast_with_json_503s_and_service_resumes() {
    let region = Region::open();
    wait_until_served(&region).await;
    let (author, c, before) = region.author_with_post("nodb", "before the outage").await;
    // Answers must come back within seconds, never hang: this client gives up after 5 s.
    let impatient = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let out = region.ctl(&["stop", "mariadb"]);
    assert!(out.contains("stopped"), "{out}");
    {
        let _restart = Restore(&region, &["start", "mariadb"]);
        // A web process's readiness says so within HAProxy's check interval.
        let ready = impatient
            .get(format!("{WEB1}/readyz"))
            .send()
            .await
            .expect("readiness answers at once");
        assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
        // A write straight to a web process: 503 database_unavailable with a retry hint.
        let r = impatient
            .post(format!("{WEB1}/api/v1/communities/{c}/posts"))
            .bearer_auth(&author)
            .json(&json!({"body": "during the outage"}))
            .send()
            .await
            .expect("a write answers at once");
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(r.headers().contains_key("retry-after"));
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["error"], "database_unavailable", "{body}");
        // Through the edge: a JSON 503 too (HAProxy's once it has taken the processes out).
        let (status, body) = region
            .post_in(
                &author,
                &c,
                json!({"body": "during the outage, via the edge"}),
            )
            .await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert!(
            matches!(
                body["error"].as_str(),
                Some("database_unavailable" | "service_unavailable")
            ),
            "{body}"
        );
    }
    // The database is back: the pools reconnect and nothing acknowledged was lost.
    wait_for_status(&region, "/api/v1/communities", StatusCode::OK, 90).await;
    let mut status = StatusCode::SERVICE_UNAVAILABLE;
    for _ in 0..100 {
        status = region.read_post(&before).await.0;
        if status == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(status, StatusCode::OK);
    region.post_text(&author, &c, "after the outage").await;
}

#[tokio::test]
async fn the_first_call_after_a_redis_restart_goes_through() {
    let region = Region::open();
    let redis = plaza_cache::redis::Redis::new(&region.config.redis_url, "restart-test")
        .expect("the region's Redis URL");
    let ping = redis::cmd("PING");
    assert_eq!(redis.run::<String>(&ping).await.as_deref(), Some("PONG"));
    let out = region.ctl(&["restart", "redis"]);
    assert!(out.contains("started"), "{out}");
    // Redis is back (a fresh connection answers) before the old handle is used again.
    let fresh = plaza_cache::redis::Redis::new(&region.config.redis_url, "restart-test").unwrap();
    let mut back = false;
    for _ in 0..100 {
        if fresh.run::<String>(&ping).await.is_some() {
            back = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(back, "Redis did not come back");
    // The old handle's connection was dropped by the restart: its first call (a live
    // notification's PUBLISH) must still go through, not be lost to a broken pipe.
    let published = redis
        .run::<i64>(redis::cmd("PUBLISH").arg("plaza-restart-test").arg(1))
        .await;
    assert!(
        published.is_some(),
        "the first publish after a restart was lost"
    );
}

/// What one keyed write through the edge came to, after its retries.
struct KeyedWrite {
    key: String,
    body: String,
    /// The post's id once acknowledged; `None` when the write gave up.
    acknowledged: Option<String>,
    retries: u32,
    /// From the first attempt to the last answer.
    took: Duration,
    /// The last answer that was not retried, when the write gave up.
    failure: Option<String>,
}

/// Posts `body` through the edge with `Idempotency-Key: key` the way a careful client does:
/// a connection error, a 502/503/504, a 429 with Retry-After or a 409 `idempotency_in_progress`
/// is retried with the same key after a back-off (the answer's Retry-After when it gives one), for
/// up to `patience`.
async fn keyed_post(
    client: &reqwest::Client,
    token: &str,
    community: &str,
    key: String,
    body: String,
    patience: Duration,
) -> KeyedWrite {
    let start = tokio::time::Instant::now();
    let deadline = start + patience;
    let mut retries = 0;
    let mut back_off = Duration::from_millis(100);
    loop {
        let sent = client
            .post(format!("{EDGE}/api/v1/communities/{community}/posts"))
            .bearer_auth(token)
            .header("idempotency-key", &key)
            .json(&json!({"body": body, "feeling": 0}))
            .send()
            .await;
        let (answer, wait) = match sent {
            Ok(r) => {
                let status = r.status();
                let retry_after = r
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.parse::<u64>().ok())
                    .map(Duration::from_secs);
                let text = r.text().await.unwrap_or_default();
                let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                if status == StatusCode::CREATED {
                    return KeyedWrite {
                        key,
                        body,
                        acknowledged: json["post"]["id"].as_str().map(str::to_owned),
                        retries,
                        took: start.elapsed(),
                        failure: None,
                    };
                }
                // A 429 says when to come back, and a careful client does.
                let retryable = matches!(
                    status,
                    StatusCode::BAD_GATEWAY
                        | StatusCode::SERVICE_UNAVAILABLE
                        | StatusCode::GATEWAY_TIMEOUT
                ) || (status == StatusCode::TOO_MANY_REQUESTS
                    && retry_after.is_some())
                    || (status == StatusCode::CONFLICT
                        && json["error"] == "idempotency_in_progress");
                if !retryable {
                    return KeyedWrite {
                        key,
                        body,
                        acknowledged: None,
                        retries,
                        took: start.elapsed(),
                        failure: Some(format!("{status} {text}")),
                    };
                }
                (format!("{status} {text}"), retry_after)
            }
            Err(e) => (format!("connection error: {e}"), None),
        };
        if tokio::time::Instant::now() >= deadline {
            return KeyedWrite {
                key,
                body,
                acknowledged: None,
                retries,
                took: start.elapsed(),
                failure: Some(format!("gave up after {retries} retries: {answer}")),
            };
        }
        retries += 1;
        tokio::time::sleep(wait.unwrap_or(back_off).min(Duration::from_secs(2))).await;
        back_off = (back_off * 2).min(Duration::from_secs(2));
    }
}

/// Every post `name` wrote, newest first, following the cursor to the last page.
async fn all_posts_of(region: &Region, name: &str) -> Vec<serde_json::Value> {
    let mut posts = Vec::new();
    let mut cursor = String::new();
    loop {
        let (status, body) = region
            .get(&format!("/api/v1/users/{name}/posts?cursor={cursor}"), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        posts.extend(body["posts"].as_array().cloned().unwrap_or_default());
        match body["next_cursor"].as_str() {
            Some(next) => cursor = next.to_owned(),
            None => return posts,
        }
    }
}

#[tokio::test]
async fn killing_web_processes_repeatedly_under_keyed_writes_fails_duplicates_and_loses_nothing() {
    const WRITERS: usize = 8;
    const KILLING: Duration = Duration::from_secs(15);
    let region = Region::open();
    region.wait_ready().await;
    let c = region.community().await;
    let mut writers = Vec::new();
    for _ in 0..WRITERS {
        writers.push(region.sign_up("kill9").await);
    }
    let started = tokio::time::Instant::now();
    // Web processes die every second, alternately, while the writers write.
    let killer = {
        let root = region.root.clone();
        tokio::task::spawn_blocking(move || {
            let mut kills = 0;
            while started.elapsed() < KILLING {
                std::thread::sleep(Duration::from_secs(1));
                let program = if kills % 2 == 0 { "web1" } else { "web2" };
                let out = std::process::Command::new("supervisorctl")
                    .arg("-c")
                    .arg(root.join("supervisord.conf"))
                    .args(["signal", "KILL", program])
                    .output()
                    .expect("supervisorctl runs");
                // A process still starting again after the last kill has nothing to kill.
                if String::from_utf8_lossy(&out.stdout).contains("signalled") {
                    kills += 1;
                }
            }
            kills
        })
    };
    let load = writers.iter().enumerate().map(|(w, (_, token))| {
        let client = region.client.clone();
        let c = c.clone();
        async move {
            let mut done = Vec::new();
            let mut i = 0;
            // One write a second per account: the region allows 60 posts a minute each (retries
            // count too), and all writers share one address (five accounts' worth).
            while started.elapsed() < KILLING {
                let key = crate::helpers::unique(&format!("k{w}-{i}-"));
                let body = format!("kill -9 load {w}/{i} {key}");
                done.push(
                    keyed_post(&client, token, &c, key, body, Duration::from_secs(120)).await,
                );
                i += 1;
                tokio::time::sleep(Duration::from_millis(1000)).await;
            }
            done
        }
    });
    let writes: Vec<KeyedWrite> = futures_util::future::join_all(load)
        .await
        .into_iter()
        .flatten()
        .collect();
    let kills = killer.await.unwrap();
    region.wait_ready().await;

    let retries: u32 = writes.iter().map(|w| w.retries).sum();
    eprintln!(
        "kill -9 under load: {} writes, {retries} retries, {kills} kills, the slowest write \
         acknowledged after {:?}",
        writes.len(),
        writes.iter().map(|w| w.took).max().unwrap_or_default()
    );
    assert!(writes.len() >= 40, "writes kept flowing ({})", writes.len());
    // Zero failed: every write was acknowledged in the end.
    let failed: Vec<_> = writes
        .iter()
        .filter_map(|w| w.failure.as_ref().map(|f| (&w.key, f)))
        .collect();
    assert!(failed.is_empty(), "failed writes: {failed:?}");
    // A process can be killed only once it runs again, which takes a busy machine a while.
    assert!(kills >= 6, "web processes were killed repeatedly ({kills})");
    // Zero duplicated, zero lost: each key's body is there exactly once, under the
    // acknowledged id, and readable.
    for (name, _) in &writers {
        let posts = all_posts_of(&region, name).await;
        for w in writes.iter().filter(|w| posts_of(&w.key, name, &writers)) {
            let copies: Vec<_> = posts.iter().filter(|p| p["body"] == w.body).collect();
            assert_eq!(copies.len(), 1, "{} is posted once: {copies:?}", w.body);
            assert_eq!(
                copies[0]["id"].as_str(),
                w.acknowledged.as_deref(),
                "{} has the acknowledged id",
                w.body
            );
        }
    }
    for w in &writes {
        let id = w.acknowledged.as_deref().expect("acknowledged");
        let (status, body) = region.get(&format!("/api/v1/posts/{id}"), None).await;
        assert_eq!(status, StatusCode::OK, "acknowledged post {id} is there");
        assert_eq!(body["post"]["body"], w.body.as_str());
    }
}

/// Whether the write with `key` was made by the writer called `name` (keys start `k<writer>-`).
fn posts_of(key: &str, name: &str, writers: &[(String, String)]) -> bool {
    writers
        .iter()
        .position(|(n, _)| n == name)
        .is_some_and(|w| key.starts_with(&format!("k{w}-")))
}

/// One request of the load during a database outage: what was asked, what came back, how fast.
#[derive(Debug)]
struct Answer {
    #[expect(dead_code, reason = "named in assertion messages")]
    what: &'static str,
    status: Option<StatusCode>,
    error: serde_json::Value,
    json: bool,
    retry_after: bool,
    took: Duration,
    /// The post's id, for a write that was acknowledged.
    created: Option<String>,
}

/// One request of the outage load: a keyed post, or a read of a post or a community's list.
enum Load<'a> {
    Write { key: &'a str, body: &'a str },
    ReadPost,
    ReadList,
}

/// Sends one request of the outage load and notes its answer.
async fn outage_request(
    client: &reqwest::Client,
    token: &str,
    community: &str,
    post: &str,
    load: Load<'_>,
) -> Answer {
    let (what, request) = match load {
        Load::Write { key, body } => (
            "write",
            client
                .post(format!("{EDGE}/api/v1/communities/{community}/posts"))
                .bearer_auth(token)
                .header("idempotency-key", key)
                .json(&json!({"body": body, "feeling": 0})),
        ),
        Load::ReadPost => (
            "read post",
            client.get(format!("{EDGE}/api/v1/posts/{post}")),
        ),
        Load::ReadList => (
            "read list",
            client.get(format!("{EDGE}/api/v1/communities/{community}/posts")),
        ),
    };
    let start = tokio::time::Instant::now();
    let sent = request.send().await;
    let took = start.elapsed();
    let Ok(r) = sent else {
        return Answer {
            what,
            status: None,
            error: serde_json::Value::Null,
            json: false,
            retry_after: false,
            took,
            created: None,
        };
    };
    let status = r.status();
    let json = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let retry_after = r.headers().contains_key("retry-after");
    let body: serde_json::Value = r.json().await.unwrap_or_default();
    Answer {
        what,
        status: Some(status),
        error: body["error"].clone(),
        json,
        retry_after,
        took,
        created: (status == StatusCode::CREATED)
            .then(|| body["post"]["id"].as_str().map(str::to_owned))
            .flatten(),
    }
}

#[tokio::test]
async fn a_stopped_database_under_load_answers_fast_json_503s_and_recovers_without_a_burst() {
    // Generous for a busy machine: failing fast means about a second, never the pool's 10 s.
    const FAST: Duration = Duration::from_secs(3);
    const OUTAGE: Duration = Duration::from_secs(10);
    let region = Region::open();
    wait_for_status(&region, "/api/v1/communities", StatusCode::OK, 60).await;
    let (_, author) = region.sign_up("dbload").await;
    let c = region.community().await;
    let before = region.post_text(&author, &c, "before the outage").await;
    // The client gives up after 10 s, so a hang shows as a slow answer, not a stuck test.
    let client = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(
            &std::fs::read(region.root.join("etc/edge.crt")).unwrap(),
        )
        .unwrap()])
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    // Two reads for each write, at a pace under the region's 60 posts a minute; `phase` names
    // the phase in the written bodies.
    let mut n = 0;
    let mut acknowledged = Vec::new();
    let step = async |n: &mut usize, phase: &str, acknowledged: &mut Vec<(String, String)>| {
        *n += 1;
        match *n % 3 {
            0 => {
                let key = crate::helpers::unique(&format!("db{n}-"));
                let body = format!("{phase} {key}");
                let load = Load::Write {
                    key: &key,
                    body: &body,
                };
                let answer = outage_request(&client, &author, &c, &before, load).await;
                if let Some(id) = &answer.created {
                    acknowledged.push((id.clone(), body));
                }
                answer
            }
            1 => outage_request(&client, &author, &c, &before, Load::ReadPost).await,
            _ => outage_request(&client, &author, &c, &before, Load::ReadList).await,
        }
    };

    let out = region.ctl(&["stop", "mariadb"]);
    assert!(out.contains("stopped"), "{out}");
    let mut during = Vec::new();
    {
        let _restart = Restore(&region, &["start", "mariadb"]);
        let started = tokio::time::Instant::now();
        while started.elapsed() < OUTAGE {
            during.push(step(&mut n, "during the outage", &mut acknowledged).await);
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }
    eprintln!(
        "during the outage: {} answers, the slowest in {:?}",
        during.len(),
        during.iter().map(|a| a.took).max().unwrap_or_default()
    );
    let wrong: Vec<_> = during
        .iter()
        .filter(|a| {
            a.took > FAST
                || a.status != Some(StatusCode::SERVICE_UNAVAILABLE)
                || !a.json
                || !a.retry_after
                || !matches!(
                    a.error.as_str(),
                    Some("database_unavailable" | "service_unavailable")
                )
        })
        .collect();
    assert!(
        wrong.is_empty(),
        "every answer in the outage is a fast JSON 503 with Retry-After: {wrong:?}"
    );

    // The database is back: within a bounded wait a write succeeds, and from then on no burst
    // of errors.
    let back = tokio::time::Instant::now();
    let mut recovering = Vec::new();
    loop {
        let key = crate::helpers::unique("dbback-");
        let body = format!("after the outage {key}");
        let load = Load::Write {
            key: &key,
            body: &body,
        };
        let answer = outage_request(&client, &author, &c, &before, load).await;
        if let Some(id) = &answer.created {
            acknowledged.push((id.clone(), body));
            break;
        }
        recovering.push(answer);
        assert!(
            back.elapsed() < Duration::from_secs(60),
            "no write succeeded within 60 s of the database's return: {:?}",
            recovering.last()
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    eprintln!(
        "first write after the outage succeeded after {:?} ({} answers before it)",
        back.elapsed(),
        recovering.len()
    );
    let slow_or_odd: Vec<_> = recovering
        .iter()
        .filter(|a| a.took > FAST || a.status != Some(StatusCode::SERVICE_UNAVAILABLE) || !a.json)
        .collect();
    assert!(
        slow_or_odd.is_empty(),
        "while recovering, answers are still fast JSON 503s: {slow_or_odd:?}"
    );
    let mut after = Vec::new();
    for _ in 0..30 {
        after.push(step(&mut n, "after the outage", &mut acknowledged).await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let errors: Vec<_> = after
        .iter()
        .filter(|a| !a.status.is_some_and(|s| s.is_success()))
        .collect();
    assert!(
        errors.is_empty(),
        "no burst of errors after the first success: {errors:?}"
    );
    // Every acknowledged write is there.
    for (id, body) in &acknowledged {
        let (status, post) = region.get(&format!("/api/v1/posts/{id}"), None).await;
        assert_eq!(status, StatusCode::OK, "acknowledged post {id} is there");
        assert_eq!(post["post"]["body"], body.as_str());
    }
    region.wait_ready().await;
}
