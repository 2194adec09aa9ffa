//! Grouped notifications, delivered by the worker.

use crate::helpers::{TestApp, strings};
use plaza_test_support::assert_status;

#[tokio::test]
async fn yeahs_on_a_post_are_grouped_with_names_and_a_count() {
    let app = TestApp::start().await;
    let (author, _, post) = app.sign_up_and_post("hal", "rate my run").await;
    for fan in ["ian", "jen", "kim", "lou"] {
        let token = app.sign_up(fan).await;
        app.yeah(&token, &post).await;
    }
    assert_eq!(app.wait_unread(&author, 1).await, 1);
    app.drain_jobs().await;
    let body = assert_status(app.get("/api/v1/notifications", Some(&author)).await, 200);
    let list = body["notifications"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{body}");
    assert_eq!(list[0]["kind"], "post_yeah");
    assert_eq!(list[0]["actor_count"], 4);
    assert_eq!(
        list[0]["text"],
        "lou, kim and 2 others gave your post a Yeah."
    );
    assert_eq!(list[0]["url"], format!("/posts/{post}"));
    assert_eq!(list[0]["read"], false);

    let (_, body) = app
        .post(
            "/api/v1/notifications/read",
            Some(&author),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(body["unread"], 0);
    let (_, body) = app.get("/api/v1/notifications", Some(&author)).await;
    assert_eq!(body["notifications"][0]["read"], true);
}

#[tokio::test]
async fn taking_back_and_giving_a_yeah_again_notifies_once() {
    let app = TestApp::start().await;
    let (author, _, post) = app.sign_up_and_post("max", "hello").await;
    let fan = app.sign_up("nia").await;
    app.yeah(&fan, &post).await;
    assert_eq!(app.wait_unread(&author, 1).await, 1);
    app.post(
        "/api/v1/notifications/read",
        Some(&author),
        serde_json::json!({}),
    )
    .await;
    app.delete(&format!("/api/v1/posts/{post}/yeah"), &fan)
        .await;
    app.yeah(&fan, &post).await;
    app.drain_jobs().await;
    let (_, body) = app
        .get("/api/v1/notifications/unread_count", Some(&author))
        .await;
    assert_eq!(body["unread"], 0);
    let (_, body) = app.get("/api/v1/notifications", Some(&author)).await;
    assert_eq!(body["notifications"][0]["actor_count"], 1);
}

#[tokio::test]
async fn comments_notify_the_author_and_the_other_commenters_but_never_yourself() {
    let app = TestApp::start().await;
    let (author, _, post) = app.sign_up_and_post("oli", "thread").await;
    let [first, second] = app.sign_ups(["pam", "ray"]).await;
    app.comment(&author, &post, "my own comment").await;
    app.comment(&first, &post, "first!").await;
    app.comment(&second, &post, "second!").await;
    app.drain_jobs().await;

    let (_, body) = app.get("/api/v1/notifications", Some(&author)).await;
    let list = body["notifications"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{body}");
    assert_eq!(list[0]["kind"], "post_comment");
    assert_eq!(list[0]["text"], "ray and pam commented on your post.");

    let (_, body) = app.get("/api/v1/notifications", Some(&first)).await;
    let list = body["notifications"].as_array().unwrap();
    assert_eq!(list.len(), 1, "{body}");
    assert_eq!(list[0]["kind"], "thread_comment");
    assert_eq!(list[0]["text"], "ray commented on a post you commented on.");

    let (_, body) = app.get("/api/v1/notifications", Some(&second)).await;
    assert!(body["notifications"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn new_followers_and_comment_yeahs_are_notified() {
    let app = TestApp::start().await;
    let [a, b] = app.sign_ups(["sue", "tom"]).await;
    app.put("/api/v1/users/sue/follow", &b).await;
    let c = app.community().await;
    let post = app.post_text(&b, &c, "post").await;
    let comment = app.comment(&a, &post, "comment").await;
    app.yeah_comment(&b, &comment).await;
    app.drain_jobs().await;
    let (_, body) = app.get("/api/v1/notifications", Some(&a)).await;
    let texts = strings(&body, "notifications", "text");
    assert_eq!(
        texts,
        vec!["tom gave your comment a Yeah.", "tom followed you."]
    );
    // Unfollowing and following again does not notify twice.
    app.delete("/api/v1/users/sue/follow", &b).await;
    app.put("/api/v1/users/sue/follow", &b).await;
    app.drain_jobs().await;
    let (_, body) = app.get("/api/v1/notifications", Some(&a)).await;
    assert_eq!(body["notifications"].as_array().unwrap().len(), 2);
}
