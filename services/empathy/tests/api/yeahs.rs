use crate::{give, start, yeah};
use plaza_test_support::{assert_error, assert_status};
use serde_json::json;

#[tokio::test]
async fn a_yeah_is_counted_once_and_taken_back_once() {
    let app = start().await;
    let first = give(&app, "8", "500").await;
    assert_eq!(first.body, json!({"changed": true, "count": 1}));
    let again = give(&app, "8", "500").await;
    assert_eq!(again.body, json!({"changed": false, "count": 1}));

    let take = json!({"kind": "post", "target_id": "500", "user_id": "8"});
    let taken = app.post("/v1/yeahs/take", take.clone()).await;
    assert_status(&taken, 200);
    assert_eq!(taken.body, json!({"changed": true, "count": 0}));
    let taken_again = app.post("/v1/yeahs/take", take).await;
    assert_eq!(taken_again.body, json!({"changed": false, "count": 0}));
}

#[tokio::test]
async fn a_yeah_on_ones_own_post_is_refused() {
    let app = start().await;
    let reply = app.post("/v1/yeahs", yeah("7", "500")).await;
    assert_error(&reply, 403, "own_content");
}

#[tokio::test]
async fn a_yeah_with_bad_fields_is_refused_with_a_stable_code() {
    let app = start().await;
    let mut unknown_kind = yeah("8", "500");
    unknown_kind["kind"] = json!("song");
    assert_error(
        app.post("/v1/yeahs", unknown_kind).await,
        422,
        "invalid_fields",
    );
    let mut bad_id = yeah("8", "500");
    bad_id["user_id"] = json!(-3);
    assert_error(app.post("/v1/yeahs", bad_id).await, 422, "invalid_fields");
}

#[tokio::test]
async fn a_summary_counts_each_target_and_knows_the_viewers_yeahs() {
    let app = start().await;
    give(&app, "8", "500").await;
    give(&app, "9", "500").await;
    give(&app, "9", "501").await;
    let reply = app
        .post(
            "/v1/yeahs/summary",
            json!({"kind": "post", "target_ids": ["500", "501", "502"], "viewer_id": "8"}),
        )
        .await;
    assert_status(&reply, 200);
    let mut items = reply.body["items"].as_array().unwrap().clone();
    items.sort_by_key(|i| i["target_id"].as_str().unwrap().to_owned());
    assert_eq!(
        items[0],
        json!({"target_id": "500", "count": 2, "yeahed_by_viewer": true})
    );
    assert_eq!(
        items[1],
        json!({"target_id": "501", "count": 1, "yeahed_by_viewer": false})
    );
    assert!(
        items
            .iter()
            .all(|i| i["target_id"] != "502" || i["count"] == 0)
    );

    let many: Vec<String> = (1..=101).map(|n| n.to_string()).collect();
    let reply = app
        .post(
            "/v1/yeahs/summary",
            json!({"kind": "post", "target_ids": many}),
        )
        .await;
    assert_error(&reply, 422, "too_many_ids");
}
