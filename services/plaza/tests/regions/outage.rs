//! A region stopped entirely (its database included) leaves the other two serving and writing;
//! when it is back, replication catches up in every direction.

use crate::edge_common::unique;
use crate::forwarding::wait_session;
use crate::helpers::{Region, Restart, regions, wait_identical};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::time::Instant;

#[tokio::test]
async fn a_stopped_region_leaves_the_others_serving_and_catches_up_when_back() {
    let [r1, r2, r3] = regions().await;
    let (bob, bob_token) = r2.sign_up("bob").await;
    let community = r1.community().await;
    for region in [&r1, &r3] {
        region.wait_for(&format!("/api/v1/users/{bob}")).await;
    }

    r2.stop().await;
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
    restart.now().await;
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

/// What one writer's keyed write came to.
struct Write {
    /// When the first attempt was sent, after the test's start.
    sent: Duration,
    /// How long the answer (after retries) took.
    took: Duration,
    /// The post's id once acknowledged.
    acknowledged: Option<String>,
    /// Retries before the last answer.
    retries: u32,
    /// The last answer when it was not a 201.
    failure: Option<(StatusCode, Value)>,
}

/// Posts through `region`'s edge with an `Idempotency-Key`, as a careful client does: a
/// connection error or a 502/504 is retried with the same key until `patience` is spent; any
/// other answer (a 503 `home_region_unavailable` included: it says when to come back) ends it.
async fn keyed_post(
    region: &Region,
    token: &str,
    community: &str,
    text: &str,
    patience: Duration,
    start: Instant,
) -> Write {
    let key = unique("outage");
    let sent = start.elapsed();
    let began = Instant::now();
    let mut retries = 0;
    loop {
        let answer = region
            .api
            .client
            .post(format!(
                "{}/api/v1/communities/{community}/posts",
                region.api.url
            ))
            .bearer_auth(token)
            .header("idempotency-key", &key)
            .json(&json!({"body": text, "feeling": 0}))
            .send()
            .await;
        let last = match answer {
            Ok(r) => {
                let status = r.status();
                let body: Value = r.json().await.unwrap_or(Value::Null);
                if status == StatusCode::CREATED {
                    return Write {
                        sent,
                        took: began.elapsed(),
                        acknowledged: body["post"]["id"].as_str().map(str::to_owned),
                        retries,
                        failure: None,
                    };
                }
                if !matches!(
                    status,
                    StatusCode::BAD_GATEWAY | StatusCode::GATEWAY_TIMEOUT
                ) {
                    return Write {
                        sent,
                        took: began.elapsed(),
                        acknowledged: None,
                        retries,
                        failure: Some((status, body)),
                    };
                }
                (status, body)
            }
            Err(e) => (
                StatusCode::SERVICE_UNAVAILABLE,
                json!({"connection": e.to_string()}),
            ),
        };
        if began.elapsed() >= patience {
            return Write {
                sent,
                took: began.elapsed(),
                acknowledged: None,
                retries,
                failure: Some(last),
            };
        }
        retries += 1;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Writes through `region` every `every` until `stop` turns true; returns every write.
async fn writer(
    region: &Region,
    token: &str,
    community: &str,
    every: Duration,
    start: Instant,
    stop: &AtomicBool,
) -> Vec<Write> {
    let mut writes = Vec::new();
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        let text = format!("{} writes {n}", region.name);
        writes.push(
            keyed_post(
                region,
                token,
                community,
                &text,
                Duration::from_secs(5),
                start,
            )
            .await,
        );
        n += 1;
        tokio::time::sleep(every).await;
    }
    writes
}

/// Bob, homed in r2, signs in on r2's pages; the session replicates, so the same cookie signs
/// him in on r1's pages. Returns a cookie-keeping client trusting both edges.
async fn page_session(r1: &Region, r2: &Region, name: &str) -> reqwest::Client {
    let certs = [r1, r2].map(|r| {
        let pem = std::fs::read(r.root.join("etc/edge.crt")).unwrap();
        reqwest::Certificate::from_pem(&pem).unwrap()
    });
    let browser = reqwest::Client::builder()
        .tls_certs_only(certs)
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let csrf = page_csrf(&browser, &format!("{}/signin", r2.api.url)).await;
    let signed_in = browser
        .post(format!("{}/signin", r2.api.url))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", name),
            ("password", "password1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
    browser
}

/// The CSRF token of the page at `url`.
async fn page_csrf(browser: &reqwest::Client, url: &str) -> String {
    let html = browser.get(url).send().await.unwrap().text().await.unwrap();
    let marker = "name=\"csrf-token\" content=\"";
    let start = html.find(marker).expect("a csrf token") + marker.len();
    html[start..start + 43].to_owned()
}

/// Every post in `ids` that `region`'s database lacks.
async fn missing(region: &Region, ids: &[String]) -> Vec<String> {
    let db = region.db().await;
    let mut missing = Vec::new();
    for id in ids {
        let (n,): (i64,) = plaza_storage::sqlx::query_as("SELECT COUNT(*) FROM posts WHERE id = ?")
            .bind(id.parse::<i64>().unwrap())
            .fetch_one(&db.pool)
            .await
            .unwrap();
        if n == 0 {
            missing.push(id.clone());
        }
    }
    db.pool.close().await;
    missing
}

#[tokio::test]
async fn writers_in_every_region_run_throughout_a_regions_loss_and_rejoin_and_lose_nothing() {
    let all = regions().await;
    let [r1, r2, r3] = &all;
    let community = r1.community().await;
    let (ann, ann_token) = r1.sign_up("ann").await;
    let (bob, bob_token) = r2.sign_up("bob").await;
    let (_, cat_token) = r3.sign_up("cat").await;
    for region in &all {
        region
            .wait_for(&format!("/api/v1/communities/{community}"))
            .await;
        for token in [&ann_token, &bob_token, &cat_token] {
            wait_session(region, token).await;
        }
    }
    let browser = page_session(r1, r2, &bob).await;

    // Four writers: each person through their own region's edge, and Bob through r1 too
    // (forwarded to r2), 5 writes/s each at most: under the regions' 600 posts a minute.
    let start = Instant::now();
    let stop = AtomicBool::new(false);
    let every = Duration::from_millis(200);
    let writers = async {
        tokio::join!(
            writer(r1, &ann_token, &community, every, start, &stop),
            writer(r2, &bob_token, &community, every, start, &stop),
            writer(r3, &cat_token, &community, every, start, &stop),
            writer(r1, &bob_token, &community, every * 2, start, &stop),
        )
    };
    let outage = async {
        tokio::time::sleep(Duration::from_secs(4)).await;
        r2.stop().await;
        let down = start.elapsed();
        let restart = Restart(r2);
        // Ann follows Bob: the notification waits in the outbox for r2.
        let (status, body) = r1
            .put(&format!("/api/v1/users/{bob}/follow"), &ann_token)
            .await;
        assert!(status.is_success(), "{status} {body}");
        // The page shows Bob why his follow through r1 was not made.
        let user_page = format!("{}/users/{ann}", r1.api.url);
        let csrf = page_csrf(&browser, &user_page).await;
        let answer = browser
            .post(format!("{user_page}/follow"))
            .form(&[("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::SERVICE_UNAVAILABLE);
        let page = answer.text().await.unwrap();
        assert!(
            page.contains("Your home region cannot be reached right now"),
            "{page}"
        );
        tokio::time::sleep(Duration::from_secs(10)).await;
        let up = start.elapsed();
        restart.now().await;
        for region in &all {
            region.wait_replicating(Duration::from_secs(90)).await;
        }
        tokio::time::sleep(Duration::from_secs(4)).await;
        stop.store(true, Ordering::Relaxed);
        (down, up)
    };
    let ((ann_r1, bob_r2, cat_r3, bob_r1), (down, up)) = tokio::join!(writers, outage);

    // Ann and Cat, homed in the regions that stayed, never saw an error nor needed a retry.
    for (who, writes) in [("ann through r1", &ann_r1), ("cat through r3", &cat_r3)] {
        for w in writes.iter() {
            assert!(
                w.acknowledged.is_some() && w.retries == 0,
                "{who} at {:?}: {:?} after {} retries",
                w.sent,
                w.failure,
                w.retries
            );
        }
        assert!(
            writes.iter().any(|w| w.sent > down && w.sent < up),
            "{who} wrote during the outage"
        );
    }
    // Bob's writes through r1 while r2 was down answered 503 home_region_unavailable at once;
    // none hung, and once r2 was back they were made again.
    let during: Vec<&Write> = bob_r1
        .iter()
        .filter(|w| w.sent > down && w.sent + w.took < up)
        .collect();
    assert!(
        during.len() >= 5,
        "{} writes during the outage",
        during.len()
    );
    for w in &during {
        let (status, body) = w.failure.as_ref().expect("refused while r2 is down");
        assert_eq!(*status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert_eq!(body["error"], "home_region_unavailable", "{body}");
        assert!(w.took < Duration::from_secs(3), "took {:?}", w.took);
    }
    for (who, writes) in [("bob through r1", &bob_r1), ("bob through r2", &bob_r2)] {
        for w in writes.iter() {
            assert!(
                w.took < Duration::from_secs(6),
                "{who}: a write sent at {:?} (r2 down at {down:?}, up at {up:?}) took {:?}, \
                 {} retries, last {:?}",
                w.sent,
                w.took,
                w.retries,
                w.failure
            );
        }
    }
    for writes in [&bob_r1, &bob_r2] {
        assert!(
            writes
                .iter()
                .any(|w| w.sent > up && w.acknowledged.is_some()),
            "Bob writes again after r2 is back"
        );
    }

    // After the rejoin every acknowledged write is in all three databases, and they are identical
    // (the outbox rows written meanwhile included: applied rows are in `outbox_applied`).
    let acknowledged: Vec<String> = [&ann_r1, &bob_r2, &cat_r3, &bob_r1]
        .into_iter()
        .flatten()
        .filter_map(|w| w.acknowledged.clone())
        .collect();
    wait_identical(&all, Duration::from_secs(60)).await;
    for region in &all {
        let lost = missing(region, &acknowledged).await;
        assert!(
            lost.is_empty(),
            "{} acknowledged writes lost in {}: {lost:?}",
            lost.len(),
            region.name
        );
    }
    // Ann's follow, made through r1 while r2 was down, waited in the outbox and reached Bob's
    // notifications in his home region once it was back.
    let mut seen = Value::Null;
    for _ in 0..150 {
        let (status, body) = r2.get("/api/v1/notifications", Some(&bob_token)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let followed = body["notifications"].as_array().unwrap().iter().any(|n| {
            n["kind"] == "follow"
                && n["actors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|a| a["username"] == ann)
        });
        if followed {
            return;
        }
        seen = body;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("Bob was not told of Ann's follow within 30 s: {seen}");
}
