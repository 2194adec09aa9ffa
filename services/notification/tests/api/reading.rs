use crate::{deliver, groups, start, unread, yeah_event};
use plaza_test_support::{assert_error, assert_status};
use serde_json::json;

#[tokio::test]
async fn marking_read_clears_the_unread_count_until_something_new_happens() {
    let app = start().await;
    deliver(&app, yeah_event("8")).await;
    let reply = app.post("/v1/users/7/read", json!({})).await;
    assert_status(&reply, 200);
    assert_eq!(reply.body["unread"], 0);
    assert_eq!(groups(&app).await[0]["read"], true);

    let mut follow = yeah_event("9");
    follow["kind"] = json!("follow");
    follow["target_id"] = json!("7");
    deliver(&app, follow).await;
    assert_eq!(unread(&app).await, 1);
    assert_eq!(groups(&app).await.len(), 2);
}

#[tokio::test]
async fn a_list_pages_with_its_cursor_and_refuses_one_it_did_not_make() {
    let app = start().await;
    for target in ["500", "501", "502"] {
        let mut event = yeah_event("8");
        event["target_id"] = json!(target);
        event["dedupe_key"] = json!(format!("yeah:{target}:8"));
        deliver(&app, event).await;
    }
    let first = app.get("/v1/users/7/notifications?limit=2").await;
    assert_eq!(first.body["items"].as_array().map(Vec::len), Some(2));
    let cursor = first.body["next_cursor"].as_str().unwrap();
    let rest = app
        .get(&format!(
            "/v1/users/7/notifications?limit=2&cursor={cursor}"
        ))
        .await;
    assert_eq!(rest.body["items"].as_array().map(Vec::len), Some(1));
    assert!(rest.body["next_cursor"].is_null());

    let bad = app.get("/v1/users/7/notifications?cursor=nonsense").await;
    assert_error(&bad, 400, "invalid_cursor");
}
