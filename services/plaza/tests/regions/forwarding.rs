//! Home regions and forwarded writes: a person acting through a region that is not their home
//! has every write made in their home region (and relayed back unchanged); a write answers
//! with its replication position, which another region waits for before it answers a read;
//! forged forwards are refused; a lost home region makes its people's writes fail fast while
//! everyone else keeps writing.

use crate::helpers::{Region, Restart, regions, wait_identical};
use plaza_web::forward::{FROM_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// Waits (bounded) until `token`'s session has replicated to `region` (it works there).
pub(crate) async fn wait_session(region: &Region, token: &str) {
    for _ in 0..150 {
        if region.get("/api/v1/me", Some(token)).await.0 == StatusCode::OK {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("a session did not reach region {} within 15 s", region.name);
}

/// The `region` column of `table`'s row `id` in `at`'s database.
pub(crate) async fn row_region(at: &Region, table: &str, column: &str, id: &str) -> Option<i64> {
    use plaza_storage::sqlx;
    let db = at.db().await;
    // `table` and `column` are the tests' own names.
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT CAST(region AS SIGNED) FROM `{table}` WHERE `{column}` = ?"
    ));
    let found: Option<(i64,)> = sqlx::query_as(sql)
        .bind(id.parse::<i64>().expect("a numeric id"))
        .fetch_optional(&db.pool)
        .await
        .unwrap();
    db.pool.close().await;
    found.map(|(r,)| r)
}

/// Waits (bounded) until `table`'s row `id` has reached `at`; its `region` column then.
pub(crate) async fn wait_row(at: &Region, table: &str, column: &str, id: &str) -> Option<i64> {
    for _ in 0..150 {
        if let Some(region) = row_region(at, table, column, id).await {
            return Some(region);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

/// The numeric id of `name`.
pub(crate) async fn user_id(region: &Region, name: &str) -> String {
    let (_, body) = region.get(&format!("/api/v1/users/{name}"), None).await;
    body["user"]["id"].as_str().expect("a user id").to_owned()
}

#[tokio::test]
async fn people_acting_through_another_region_write_in_their_home_region() {
    let [r1, r2, r3] = regions().await;
    let community = r1.community().await;
    let (ann, ann_token) = r1.sign_up("ann").await;
    let (bob, bob_token) = r2.sign_up("bob").await;
    let (cat, cat_token) = r3.sign_up("cat").await;
    // Each acts through the next region: ann (r1) through r2, bob (r2) through r3, cat (r3)
    // through r1.
    let people = [
        (&ann, &ann_token, &r2, 1, &bob),
        (&bob, &bob_token, &r3, 2, &cat),
        (&cat, &cat_token, &r1, 3, &ann),
    ];
    for (_, token, via, _, _) in &people {
        wait_session(via, token).await;
    }
    let mut posts = Vec::new();
    for (name, token, via, home, _) in &people {
        let post = via
            .post_text(token, &community, &format!("{name} via {}", via.name))
            .await;
        for region in [&r1, &r2, &r3] {
            region.wait_for(&format!("/api/v1/posts/{post}")).await;
            assert_eq!(
                row_region(region, "posts", "id", &post).await,
                Some(*home),
                "{name}'s post is a row of their home region, in {}",
                region.name
            );
        }
        posts.push(post);
    }
    // Comment on, Yeah and follow the next person; block the one after; delete their own post.
    for (i, (name, token, via, home, next)) in people.iter().enumerate() {
        let theirs = &posts[(i + 1) % 3];
        via.wait_for(&format!("/api/v1/posts/{theirs}")).await;
        let comment = via.comment(token, theirs, &format!("{name} says hi")).await;
        let (status, body) = via.yeah(token, theirs).await;
        assert!(status.is_success(), "{status} {body}");
        let (status, body) = via
            .put(&format!("/api/v1/users/{next}/follow"), token)
            .await;
        assert!(status.is_success(), "{status} {body}");
        r1.wait_for(&format!("/api/v1/posts/{theirs}/comments"))
            .await;
        for region in [&r1, &r2, &r3] {
            assert_eq!(
                wait_row(region, "comments", "id", &comment).await,
                Some(*home),
                "{name}'s comment in {}",
                region.name
            );
        }
        let me = user_id(via, name).await;
        assert_eq!(
            wait_row(&r1, "follows", "follower_id", &me).await,
            Some(*home),
            "{name}'s follow"
        );
    }
    // Then each blocks the one after next and deletes their own post.
    for (i, (name, token, via, home, _)) in people.iter().enumerate() {
        let third = people[(i + 2) % 3].0;
        let (status, body) = via
            .put(&format!("/api/v1/users/{third}/block"), token)
            .await;
        assert!(status.is_success(), "{status} {body}");
        let me = user_id(via, name).await;
        assert_eq!(
            wait_row(&r3, "blocks", "blocker_id", &me).await,
            Some(*home),
            "{name}'s block"
        );
        let (status, body) = via
            .delete(&format!("/api/v1/posts/{}", posts[i]), token)
            .await;
        assert!(status.is_success(), "{status} {body}");
    }
    for post in &posts {
        for region in [&r1, &r2, &r3] {
            for _ in 0..150 {
                if region.get(&format!("/api/v1/posts/{post}"), None).await.0 != StatusCode::OK {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    wait_identical(&[r1, r2, r3], Duration::from_secs(30)).await;
}

#[tokio::test]
async fn a_write_through_one_region_is_seen_at_once_in_a_third_with_its_position() {
    let [r1, r2, r3] = regions().await;
    let community = r1.community().await;
    let (_, bob_token) = r2.sign_up("bob").await;
    wait_session(&r1, &bob_token).await;
    r3.wait_for(&format!("/api/v1/communities/{community}"))
        .await;
    // Bob (home r2) posts through r1: the write is made in r2 and answers r2's position.
    let answer = r1
        .client
        .post(format!("{}/api/v1/communities/{community}/posts", r1.url))
        .bearer_auth(&bob_token)
        .json(&json!({"body": "seen everywhere", "feeling": 0}))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::CREATED);
    let position = answer
        .headers()
        .get("x-plaza-position")
        .expect("a write answers its position")
        .to_str()
        .unwrap()
        .to_owned();
    assert!(position.starts_with("2-"), "r2's domain: {position}");
    let post: Value = answer.json().await.unwrap();
    let post = post["post"]["id"].as_str().unwrap().to_owned();
    // Read at once in r3 with the position: it waits until the post has arrived.
    let read = r3
        .client
        .get(format!("{}/api/v1/posts/{post}", r3.url))
        .header("x-plaza-position", &position)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    assert!(read.headers().get("x-plaza-stale").is_none());
    // A position this region will not reach in time is answered, marked stale, after ~2 s.
    let far = format!("2-2-{}", u32::MAX);
    let started = Instant::now();
    let read = r3
        .client
        .get(format!("{}/api/v1/posts/{post}", r3.url))
        .header("x-plaza-position", &far)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    assert_eq!(read.headers().get("x-plaza-stale").unwrap(), "1");
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// A request to `region` that claims to be forwarded by region `from`.
async fn forwarded(
    region: &Region,
    token: &str,
    path: &str,
    body: &Value,
    from: u8,
    timestamp: i64,
    signature: Option<&str>,
) -> (StatusCode, Value) {
    let forwarding = region
        .config
        .peers
        .forwarding()
        .unwrap()
        .expect("the regions forward");
    let bytes = serde_json::to_vec(body).unwrap();
    let request_id = "forged-forward-test";
    let signed = forwarding.sign(&Method::POST, path, timestamp, &bytes, request_id, from);
    let answer = region
        .client
        .post(format!("{}{path}", region.url))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .header("x-request-id", request_id)
        .header(FROM_HEADER, from.to_string())
        .header(TIMESTAMP_HEADER, timestamp.to_string())
        .header(SIGNATURE_HEADER, signature.unwrap_or(&signed))
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = answer.status();
    (status, answer.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn forged_stale_and_looping_forwards_are_refused() {
    let [r1, r2, _r3] = regions().await;
    let community = r1.community().await;
    let (ann, ann_token) = r1.sign_up("ann").await;
    let (_, bob_token) = r2.sign_up("bob").await;
    wait_session(&r1, &bob_token).await;
    let path = format!("/api/v1/communities/{community}/posts");
    let body = json!({"body": "forwarded?", "feeling": 0});
    let now = plaza_types::now_millis() / 1000;
    let before = r1.community_post_count(&community).await;

    let (status, err) = forwarded(&r1, &ann_token, &path, &body, 2, now, Some("00ff")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
    assert_eq!(err["error"], "forward_refused");
    let (status, err) = forwarded(&r1, &ann_token, &path, &body, 2, now - 120, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
    assert_eq!(err["error"], "forward_refused");
    // Bob is homed in r2: a forward of his write reaching r1 is not sent on again.
    let (status, err) = forwarded(&r1, &bob_token, &path, &body, 3, now, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{err}");
    assert_eq!(err["error"], "forward_loop");
    assert_eq!(r1.community_post_count(&community).await, before);

    // A well-signed fresh forward of ann's write reaching her home is served.
    let (status, answer) = forwarded(&r1, &ann_token, &path, &body, 2, now, None).await;
    assert_eq!(status, StatusCode::CREATED, "{answer} ({ann})");
}

#[tokio::test]
async fn a_lost_home_region_fails_its_peoples_writes_fast_and_loses_nothing() {
    let [r1, r2, r3] = regions().await;
    let community = r1.community().await;
    let (_, ann_token) = r1.sign_up("ann").await;
    let (_, bob_token) = r2.sign_up("bob").await;
    let (_, cat_token) = r3.sign_up("cat").await;
    for (region, token) in [(&r1, &bob_token), (&r3, &ann_token), (&r1, &cat_token)] {
        wait_session(region, token).await;
    }
    r3.wait_for(&format!("/api/v1/communities/{community}"))
        .await;

    r2.stop().await;
    let restart = Restart(&r2);

    // Bob's write through r1 answers 503 home_region_unavailable within about a second.
    let started = Instant::now();
    let (status, err) = r1
        .post_in(
            &bob_token,
            &community,
            json!({"body": "lost?", "feeling": 0}),
        )
        .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{err}");
    assert_eq!(err["error"], "home_region_unavailable");
    assert!(err["message"].as_str().unwrap().contains("home region"));
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    // Everyone else keeps writing, in their region and through the other.
    let mut acknowledged = Vec::new();
    for round in 0..5 {
        for (region, token) in [
            (&r1, &ann_token),
            (&r3, &cat_token),
            (&r3, &ann_token),
            (&r1, &cat_token),
        ] {
            let (status, body) = region
                .post_in(
                    token,
                    &community,
                    json!({"body": format!("round {round}"), "feeling": 0}),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            acknowledged.push(body["post"]["id"].as_str().unwrap().to_owned());
        }
    }

    restart.now().await;
    for region in [&r1, &r2, &r3] {
        region.wait_replicating(Duration::from_secs(90)).await;
    }
    for post in &acknowledged {
        for region in [&r1, &r2, &r3] {
            region.wait_for(&format!("/api/v1/posts/{post}")).await;
        }
    }
    // Bob writes again through r1 once his home is back.
    let (status, body) = r1
        .post_in(
            &bob_token,
            &community,
            json!({"body": "back", "feeling": 0}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    wait_identical(&[r1, r2, r3], Duration::from_secs(30)).await;
}
