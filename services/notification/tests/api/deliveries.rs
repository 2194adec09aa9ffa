use crate::{deliver, groups, start, unread, yeah_event};
use plaza_test_support::{assert_error, assert_status};
use serde_json::json;

#[tokio::test]
async fn events_on_one_target_are_grouped_and_counted_once() {
    let app = start().await;
    assert!(deliver(&app, yeah_event("8")).await);
    assert!(deliver(&app, yeah_event("9")).await);
    assert_eq!(unread(&app).await, 1);
    let groups = groups(&app).await;
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["kind"], "post_yeah");
    assert_eq!(groups[0]["actor_count"], 2);
    assert_eq!(groups[0]["latest_actor_ids"], json!(["9", "8"]));
    assert_eq!(groups[0]["read"], false);
}

/// A comment by `actor` on post 500 of user 7, made at `at`.
fn comment_event(actor: &str, comment: u32, at: i64) -> serde_json::Value {
    json!({
        "recipient_id": "7", "kind": "post_comment", "target_id": "500", "actor_id": actor,
        "dedupe_key": format!("comment:{comment}:7"), "at": at,
    })
}

#[tokio::test]
async fn a_group_names_who_acted_last_even_when_events_arrive_out_of_order() {
    let app = start().await;
    // 8 comments, then 9, then 8 again; the worker delivers the last before the second.
    assert!(deliver(&app, comment_event("8", 1, 1_700_000_000_000)).await);
    assert!(deliver(&app, comment_event("8", 3, 1_700_000_000_300)).await);
    assert!(deliver(&app, comment_event("9", 2, 1_700_000_000_200)).await);
    let groups = groups(&app).await;
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0]["actor_count"], 2);
    assert_eq!(groups[0]["latest_actor_ids"], json!(["8", "9"]));
}

#[tokio::test]
async fn the_same_event_twice_notifies_once_and_nobody_hears_of_their_own_acts() {
    let app = start().await;
    assert!(deliver(&app, yeah_event("8")).await);
    assert!(!deliver(&app, yeah_event("8")).await);
    assert!(!deliver(&app, yeah_event("7")).await);
    assert_eq!(groups(&app).await[0]["actor_count"], 1);
}

#[tokio::test]
async fn an_event_with_a_bad_dedupe_key_or_kind_is_refused() {
    let app = start().await;
    let mut empty_key = yeah_event("8");
    empty_key["dedupe_key"] = json!("");
    assert_error(
        app.post("/v1/events", empty_key).await,
        422,
        "invalid_event",
    );
    let mut long_key = yeah_event("8");
    long_key["dedupe_key"] = json!("k".repeat(191));
    assert_error(app.post("/v1/events", long_key).await, 422, "invalid_event");
    let mut kind = yeah_event("8");
    kind["kind"] = json!("applause");
    assert_error(app.post("/v1/events", kind).await, 422, "invalid_fields");
    assert_eq!(unread(&app).await, 0);
}

#[tokio::test]
async fn a_withdrawn_actor_leaves_the_group_and_an_empty_group_goes() {
    let app = start().await;
    deliver(&app, yeah_event("8")).await;
    deliver(&app, yeah_event("9")).await;
    let one =
        json!({"recipient_id": "7", "kind": "post_yeah", "target_id": "500", "actor_id": "9"});
    let reply = app.post("/v1/withdrawals", one).await;
    assert_status(&reply, 200);
    assert_eq!(reply.body["changed"], true);
    assert_eq!(groups(&app).await[0]["latest_actor_ids"], json!(["8"]));

    let whole = json!({"recipient_id": "7", "kind": "post_yeah", "target_id": "500"});
    let reply = app.post("/v1/withdrawals", whole.clone()).await;
    assert_eq!(reply.body["changed"], true);
    assert!(groups(&app).await.is_empty());
    assert_eq!(unread(&app).await, 0);
    assert_eq!(
        app.post("/v1/withdrawals", whole).await.body["changed"],
        false
    );
}

#[tokio::test]
async fn a_withdrawal_without_an_actor_must_name_a_kind_and_a_target() {
    let app = start().await;
    let no_target = json!({"recipient_id": "7", "kind": "post_yeah"});
    let reply = app.post("/v1/withdrawals", no_target).await;
    assert_error(&reply, 422, "invalid_event");
}

#[tokio::test]
async fn a_yeah_given_again_survives_its_earlier_withdrawal_run_late() {
    let app = start().await;
    let given = 1_700_000_000_000_i64;
    let taken_back = given + 200;
    let withdrawal = |at: i64| {
        json!({"recipient_id": "7", "kind": "post_yeah", "target_id": "500", "actor_id": "8",
               "at": at})
    };
    assert!(deliver(&app, yeah_event("8")).await);
    // Given again after being taken back: the same dedupe key, so it comes back quietly, and
    // the worker runs it before the withdrawal.
    let mut again = yeah_event("8");
    again["at"] = json!(given + 400);
    assert!(!deliver(&app, again).await);
    let reply = app.post("/v1/withdrawals", withdrawal(taken_back)).await;
    assert_status(&reply, 200);
    assert_eq!(reply.body["changed"], false);
    let list = groups(&app).await;
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0]["latest_actor_ids"], json!(["8"]));

    // Taken back once more, after that: the withdrawal is newer and takes it out.
    let reply = app.post("/v1/withdrawals", withdrawal(given + 600)).await;
    assert_eq!(reply.body["changed"], true);
    assert!(groups(&app).await.is_empty());
}
