use crate::{create_post, item_ids, new_post, start};
use plaza_test_support::{assert_error, assert_status};
use serde_json::json;

#[tokio::test]
async fn a_new_post_is_stored_and_read_back() {
    let app = start().await;
    let post = create_post(
        &app,
        json!({"body": "  hello there  ", "topic_tag": "tips"}),
    )
    .await;
    assert_eq!(post["body"], "hello there", "the text is trimmed");
    assert_eq!(post["region"], crate::REGION);
    assert_eq!(post["comment_count"], 0);
    assert_eq!(post["deleted"], false);

    let read = app
        .get(&format!("/v1/posts/{}", post["id"].as_str().unwrap()))
        .await;
    assert_status(&read, 200);
    assert_eq!(read.body, post);
}

#[tokio::test]
async fn a_post_with_bad_fields_is_refused_with_a_stable_code() {
    let app = start().await;
    for (fields, code) in [
        (json!({"body": "   "}), "body_empty"),
        (json!({"body": "x".repeat(1001)}), "body_too_long"),
        (json!({"feeling": 9}), "invalid_feeling"),
        (json!({"drawing": "../etc/passwd"}), "invalid_media_key"),
    ] {
        let reply = app.post("/v1/posts", new_post(fields)).await;
        assert_error(&reply, 422, code);
    }
    let reply = app.post("/v1/posts", json!({"body": "no author"})).await;
    assert_error(&reply, 422, "invalid_fields");
}

#[tokio::test]
async fn a_retried_post_with_the_same_idempotency_key_is_the_first_one() {
    let app = start().await;
    let first = create_post(&app, json!({"idempotency_key": "k-1"})).await;
    let again = create_post(&app, json!({"idempotency_key": "k-1", "body": "changed"})).await;
    assert_eq!(again["id"], first["id"]);
    assert_eq!(again["body"], "hello");
}

#[tokio::test]
async fn an_unknown_post_is_not_found() {
    let app = start().await;
    assert_error(app.get("/v1/posts/42").await, 404, "not_found");
    assert_error(app.get("/v1/posts/not-an-id").await, 404, "not_found");
}

#[tokio::test]
async fn a_batch_returns_the_named_posts_and_refuses_too_many_ids() {
    let app = start().await;
    let a = create_post(&app, json!({})).await;
    let b = create_post(&app, json!({})).await;
    let reply = app
        .post("/v1/posts/batch", json!({"ids": [a["id"], b["id"], "42"]}))
        .await;
    assert_status(&reply, 200);
    let mut ids = item_ids(&reply.body);
    ids.sort();
    let mut want = vec![a["id"].as_str().unwrap(), b["id"].as_str().unwrap()];
    want.sort_unstable();
    assert_eq!(ids, want);

    let many: Vec<String> = (1..=101).map(|n| n.to_string()).collect();
    let reply = app.post("/v1/posts/batch", json!({"ids": many})).await;
    assert_error(&reply, 422, "too_many_ids");
}

#[tokio::test]
async fn a_community_feed_is_newest_first_and_pages_with_its_cursor() {
    let app = start().await;
    let mut made = Vec::new();
    for _ in 0..3 {
        let post = create_post(&app, json!({})).await;
        made.push(post["id"].as_str().unwrap().to_owned());
    }
    create_post(&app, json!({"community_id": "200"})).await;
    let query = json!({"community_id": "100", "limit": 2});
    let first = app.post("/v1/posts/query", query.clone()).await;
    assert_status(&first, 200);
    assert_eq!(
        item_ids(&first.body),
        vec![made[2].clone(), made[1].clone()]
    );
    let mut next = query;
    next["cursor"] = first.body["next_cursor"].clone();
    let second = app.post("/v1/posts/query", next).await;
    assert_eq!(item_ids(&second.body), vec![made[0].clone()]);
    assert!(second.body["next_cursor"].is_null());

    let bad = json!({"community_id": "100", "cursor": "nonsense"});
    assert_error(
        app.post("/v1/posts/query", bad).await,
        400,
        "invalid_cursor",
    );
}

#[tokio::test]
async fn only_the_author_or_a_moderator_deletes_a_post_and_twice_is_not_an_error() {
    let app = start().await;
    let post = create_post(&app, json!({})).await;
    let path = format!("/v1/posts/{}/delete", post["id"].as_str().unwrap());
    let stranger = app.post(&path, json!({"actor_id": "8"})).await;
    assert_error(&stranger, 403, "not_author");

    let moderated = app
        .post(&path, json!({"actor_id": "8", "moderator": true}))
        .await;
    assert_status(&moderated, 200);
    assert_eq!(moderated.body["deleted"], true);
    let again = app.post(&path, json!({"actor_id": "7"})).await;
    assert_status(&again, 200);
    assert_eq!(again.body["deleted"], true);

    let unknown = app
        .post("/v1/posts/42/delete", json!({"actor_id": "7"}))
        .await;
    assert_error(&unknown, 404, "not_found");
}

#[tokio::test]
async fn referenced_media_names_only_the_keys_a_post_still_uses() {
    let app = start().await;
    create_post(&app, json!({"drawing": "drawings/a.png", "body": ""})).await;
    let reply = app
        .post(
            "/v1/media/referenced",
            json!({"keys": ["drawings/a.png", "drawings/b.png"]}),
        )
        .await;
    assert_status(&reply, 200);
    assert_eq!(reply.body["keys"], json!(["drawings/a.png"]));
}
