//! Writes sent again with the same `Idempotency-Key` are answered from the first answer and
//! never write twice.

use crate::helpers::TestApp;
use plaza_test_support::assert_error;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Posts `body` to community `c` as `token` with `key`; the status, the answer and whether it
/// was replayed.
async fn post_with_key(
    app: &TestApp,
    token: &str,
    c: &str,
    key: &str,
    body: &str,
) -> (StatusCode, Value, bool) {
    let r = app
        .client
        .post(format!("{}/api/v1/communities/{c}/posts", app.url))
        .bearer_auth(token)
        .header("Idempotency-Key", key)
        .json(&json!({"body": body}))
        .send()
        .await
        .unwrap();
    let status = r.status();
    let replayed = r.headers().get("idempotent-replayed").is_some();
    (status, r.json().await.unwrap_or(Value::Null), replayed)
}

#[tokio::test]
async fn a_write_sent_again_with_its_key_gets_the_first_answer_and_writes_once() {
    let app = TestApp::start().await;
    let (token, c) = app.sign_up_with_community("retrier").await;
    let (status, first, replayed) = post_with_key(&app, &token, &c, "post-1", "Once only").await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert!(!replayed);
    let (status, again, replayed) = post_with_key(&app, &token, &c, "post-1", "Once only").await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert!(replayed, "the second answer is the stored one");
    assert_eq!(again["post"]["id"], first["post"]["id"]);
    assert_eq!(app.community_post_count(&c).await, 1);
    // Without a key, the same body is a new post, as before.
    let (status, _) = app.post_in(&token, &c, json!({"body": "Once only"})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(app.community_post_count(&c).await, 2);
}

#[tokio::test]
async fn a_key_is_for_one_request_of_one_account() {
    let app = TestApp::start().await;
    let ann = app.sign_up("ann").await;
    let (bob, c) = app.sign_up_with_community("bob").await;
    let (status, first, _) = post_with_key(&app, &ann, &c, "shared-key", "Ann's").await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    // The same key for another body is refused and writes nothing.
    let (status, body, _) = post_with_key(&app, &ann, &c, "shared-key", "Something else").await;
    assert_error((status, &body), 422, "idempotency_key_reused");
    // Another account's key of the same name is its own.
    let (status, theirs, replayed) = post_with_key(&app, &bob, &c, "shared-key", "Bob's").await;
    assert_eq!(status, StatusCode::CREATED, "{theirs}");
    assert!(!replayed);
    assert_ne!(theirs["post"]["id"], first["post"]["id"]);
    assert_eq!(app.community_post_count(&c).await, 2);
}

#[tokio::test]
async fn malformed_keys_are_refused_and_write_nothing() {
    let app = TestApp::start().await;
    let (token, c) = app.sign_up_with_community("badkeys").await;
    for key in ["x".repeat(256), "with space".to_owned(), String::new()] {
        let (status, body, _) = post_with_key(&app, &token, &c, &key, "No").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{key:?}: {body}");
        assert_eq!(body["error"], "invalid_idempotency_key");
    }
    assert_eq!(app.community_post_count(&c).await, 0);
}

#[tokio::test]
async fn simultaneous_retries_with_one_key_write_once() {
    let app = TestApp::start().await;
    let (token, c) = app.sign_up_with_community("hasty").await;
    let tries = (0..8).map(|_| post_with_key(&app, &token, &c, "burst", "Just one"));
    let answers = futures_util::future::join_all(tries).await;
    let mut ids = std::collections::HashSet::new();
    for (status, body, _) in &answers {
        match *status {
            StatusCode::CREATED => {
                ids.insert(body["post"]["id"].as_str().unwrap().to_owned());
            }
            StatusCode::CONFLICT => assert_eq!(body["error"], "idempotency_in_progress"),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(ids.len(), 1, "{answers:?}");
    assert_eq!(app.community_post_count(&c).await, 1);
    // Once the first has answered, a retry gets its answer.
    let (status, body, replayed) = post_with_key(&app, &token, &c, "burst", "Just one").await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(replayed);
    assert!(ids.contains(body["post"]["id"].as_str().unwrap()));
}

/// Makes `key`'s stored answer look like a request whose process died after its write
/// committed and before its answer was stored (and long enough ago to be taken over).
async fn forget_answer(app: &TestApp, key: &str) {
    let done = plaza_storage::sqlx::query(
        "UPDATE idempotency_keys SET status = 0, created_at = created_at - 120000 WHERE idem_key = ?",
    )
    .bind(key)
    .execute(&app.db().pool)
    .await
    .unwrap();
    assert_eq!(done.rows_affected(), 1);
}

#[tokio::test]
async fn a_retry_after_a_write_committed_unseen_finds_it_instead_of_writing_again() {
    let app = TestApp::start().await;
    let (token, c) = app.sign_up_with_community("unlucky").await;
    let (status, first, _) = post_with_key(&app, &token, &c, "crash-post", "Written once").await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    forget_answer(&app, "crash-post").await;
    let (status, again, replayed) =
        post_with_key(&app, &token, &c, "crash-post", "Written once").await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert!(!replayed, "the answer was lost, so the request ran again");
    assert_eq!(again["post"]["id"], first["post"]["id"]);
    assert_eq!(app.community_post_count(&c).await, 1);

    // The same for a comment.
    let post = first["post"]["id"].as_str().unwrap();
    let comment = |key: &'static str| {
        app.client
            .post(format!("{}/api/v1/posts/{post}/comments", app.url))
            .bearer_auth(&token)
            .header("Idempotency-Key", key)
            .json(&json!({"body": "Said once"}))
            .send()
    };
    let first: Value = comment("crash-comment")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    forget_answer(&app, "crash-comment").await;
    let r = comment("crash-comment").await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let again: Value = r.json().await.unwrap();
    assert_eq!(again["comment"]["id"], first["comment"]["id"], "{again}");
    let (_, comments) = app.comments_of(post).await;
    assert_eq!(
        comments["comments"].as_array().unwrap().len(),
        1,
        "{comments}"
    );
}
