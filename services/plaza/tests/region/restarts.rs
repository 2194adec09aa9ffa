//! Graceful restarts: a rolling restart of every Plaza process of the region
//! (`chef-like-provision/bin/rolling-restart`) under a write and read load fails no request and
//! loses no post or job, and SIGTERM to the process serving a slow write still completes it.

use crate::helpers::{EDGE, Region, WEB1};
use reqwest::StatusCode;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Every Plaza program of the region, in the order the rolling restart takes them.
const PROGRAMS: [&str; 8] = [
    "web1",
    "web2",
    "timeline1",
    "timeline2",
    "empathy1",
    "notification1",
    "worker1",
    "worker2",
];

/// One request of the load: its status, or the connection error.
async fn outcome(request: reqwest::RequestBuilder) -> Result<(StatusCode, String), String> {
    match request.send().await {
        Ok(r) => {
            let status = r.status();
            Ok((status, r.text().await.unwrap_or_default()))
        }
        Err(e) => Err(e.to_string()),
    }
}

/// What one client of the load saw: ids of its acknowledged posts and every failure.
#[derive(Default)]
struct Seen {
    posts: Vec<String>,
    requests: usize,
    failures: Vec<String>,
}

/// Until `stop`: a keyed post, the community's posts through the API and its page, and a Yeah on
/// the latest post of `other` (a job for the worker: the notification), about once a second
/// (under the region's 60 posts a minute per person). No request is retried.
async fn client_load(
    region: Arc<Region>,
    n: usize,
    token: String,
    community: String,
    page: String,
    other_posts: Arc<tokio::sync::Mutex<Vec<Option<String>>>>,
    stop: Arc<AtomicBool>,
) -> Seen {
    let mut seen = Seen::default();
    let mut check =
        |what: &str, result: Result<(StatusCode, String), String>, ok: fn(StatusCode) -> bool| {
            seen.requests += 1;
            match result {
                Ok((status, body)) if ok(status) => Some(body),
                Ok((status, body)) => {
                    seen.failures.push(format!("{what}: {status} {body}"));
                    None
                }
                Err(e) => {
                    seen.failures.push(format!("{what}: {e}"));
                    None
                }
            }
        };
    let (mut i, mut yeahed) = (0, None);
    while !stop.load(Ordering::Relaxed) {
        i += 1;
        let post = region
            .client
            .post(format!("{EDGE}/api/v1/communities/{community}/posts"))
            .bearer_auth(&token)
            .header(
                "idempotency-key",
                format!("roll-{n}-{i}-{}", crate::helpers::unique("k")),
            )
            .json(&json!({"body": format!("rolling {n} {i}"), "feeling": 0}));
        if let Some(body) = check("post", outcome(post).await, |s| s == StatusCode::CREATED) {
            let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
            if let Some(id) = v["post"]["id"].as_str() {
                seen.posts.push(id.to_owned());
                other_posts.lock().await[n] = Some(id.to_owned());
            }
        }
        let list = region
            .client
            .get(format!("{EDGE}/api/v1/communities/{community}/posts"));
        check("list", outcome(list).await, |s| s == StatusCode::OK);
        let html = region.client.get(format!("{EDGE}{page}"));
        check("page", outcome(html).await, |s| s == StatusCode::OK);
        let target = {
            let latest = other_posts.lock().await;
            latest[(n + 1) % latest.len()].clone()
        };
        if let Some(target) = target.filter(|t| yeahed.as_ref() != Some(t)) {
            yeahed = Some(target.clone());
            let yeah = region
                .client
                .put(format!("{EDGE}/api/v1/posts/{target}/yeah"))
                .bearer_auth(&token);
            check("yeah", outcome(yeah).await, |s| s.is_success());
        }
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    seen
}

/// The pid supervisord reports for `program`.
fn pid(region: &Region, program: &str) -> String {
    region.ctl(&["pid", program]).trim().to_owned()
}

#[tokio::test]
async fn a_rolling_restart_of_every_process_under_load_fails_no_request_and_loses_nothing() {
    const CLIENTS: usize = 4;
    let region = Arc::new(Region::open());
    region.wait_ready().await;
    let db = region.db().await;
    let (_, dead_before) = plaza_storage::queue::depth(&db).await.unwrap();
    let community = region.community().await;
    let page = region.community_url(&community).await;
    let mut tokens = Vec::new();
    for _ in 0..CLIENTS {
        tokens.push(region.sign_up("roller").await.1);
    }
    let pids: Vec<String> = PROGRAMS.iter().map(|p| pid(&region, p)).collect();

    let stop = Arc::new(AtomicBool::new(false));
    let latest = Arc::new(tokio::sync::Mutex::new(vec![None; CLIENTS]));
    let mut clients = Vec::new();
    for (n, token) in tokens.iter().enumerate() {
        clients.push(tokio::spawn(client_load(
            region.clone(),
            n,
            token.clone(),
            community.clone(),
            page.clone(),
            latest.clone(),
            stop.clone(),
        )));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let root = region.root.clone();
    let restart = tokio::task::spawn_blocking(move || {
        std::process::Command::new("chef-like-provision/bin/rolling-restart")
            .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
            .env("REGION_ROOT", root)
            .output()
            .expect("rolling-restart runs")
    })
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, Ordering::Relaxed);
    let mut all = Seen::default();
    for client in clients {
        let seen = client.await.unwrap();
        all.posts.extend(seen.posts);
        all.requests += seen.requests;
        all.failures.extend(seen.failures);
    }

    let said = String::from_utf8_lossy(&restart.stdout);
    assert!(
        restart.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&restart.stderr)
    );
    assert!(
        said.contains(&format!("restarted: {}", PROGRAMS.join(" "))),
        "{said}"
    );
    for (program, before) in PROGRAMS.iter().zip(&pids) {
        assert_ne!(&pid(&region, program), before, "{program} was restarted");
    }
    assert!(
        all.requests >= 100,
        "the load kept flowing ({} requests)",
        all.requests
    );
    assert!(
        all.failures.is_empty(),
        "failed during the restart: {:?}",
        all.failures
    );
    // Every acknowledged post is there.
    for post in &all.posts {
        let (status, body) = region.read_post(post).await;
        assert_eq!(
            status,
            StatusCode::OK,
            "acknowledged post {post} is missing: {body}"
        );
    }
    // No job lost: the queue empties (a job handed back on shutdown is run by another worker)
    // and nothing new is dead-lettered.
    let mut depth = (0, 0);
    for _ in 0..150 {
        depth = plaza_storage::queue::depth(&db).await.unwrap();
        if depth.0 == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(depth, (0, dead_before), "jobs waiting, dead");
    region.wait_ready().await;
}

#[tokio::test]
async fn sigterm_during_a_slow_write_still_completes_the_write() {
    let region = Region::open();
    region.wait_ready().await;
    let (_, token) = region.sign_up("slow").await;
    let community = region.community().await;
    let body =
        serde_json::to_vec(&json!({"body": "finished after SIGTERM", "feeling": 0})).unwrap();
    // A slow client writes to web1 directly: ten pieces of its body 500 ms apart.
    let mut s = tokio::net::TcpStream::connect(WEB1.trim_start_matches("http://"))
        .await
        .unwrap();
    let head = format!(
        "POST /api/v1/communities/{community}/posts HTTP/1.1\r\nHost: plaza\r\n\
         Authorization: Bearer {token}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let pieces: Vec<&[u8]> = body.chunks(body.len().div_ceil(10)).collect();
    for (i, piece) in pieces.iter().enumerate() {
        s.write_all(piece).await.unwrap();
        if i == 0 {
            let out = region.ctl(&["signal", "TERM", "web1"]);
            assert!(out.contains("signalled"), "{out}");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), s.read_to_end(&mut answer))
        .await
        .expect("an answer")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 201 "), "{answer}");
    let json = &answer[answer.find("\r\n\r\n").unwrap() + 4..];
    let created: serde_json::Value = serde_json::from_str(json).unwrap();
    let post = created["post"]["id"].as_str().unwrap();
    // Stored: read back through the edge (by the other web process, or web1 restarted).
    let (status, read) = region.read_post(post).await;
    assert_eq!(status, StatusCode::OK, "{read}");
    assert_eq!(read["post"]["body"], "finished after SIGTERM");
    region.wait_ready().await;
}
