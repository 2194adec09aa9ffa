//! Blocks apply both ways everywhere: notifications of every kind, comment lists and counts, and
//! "who gave a Yeah", through the API and the post page.

use crate::helpers::{Browser, TestApp, assert_page};
use plaza_test_support::{assert_status, field_of_each};
use reqwest::StatusCode;
use serde_json::Value;

/// The texts of `token`'s owner's notifications, newest first, after every job has run.
pub async fn notification_texts(app: &TestApp, token: &str) -> Vec<String> {
    app.drain_jobs().await;
    let body = assert_status(app.get("/api/v1/notifications", Some(token)).await, 200);
    field_of_each(&body, "notifications", "text")
}

/// The usernames of the people listed under `key` in `body`.
pub fn usernames(body: &Value, key: &str) -> Vec<String> {
    field_of_each(body, key, "username")
}

fn comment_authors(body: &Value) -> Vec<String> {
    body["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["author"]["username"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn comments_in_a_third_persons_thread_notify_neither_side_of_a_block() {
    let app = TestApp::start().await;
    let (owner, _, post) = app.sign_up_and_post("thread_owner", "a thread").await;
    let [blocker, blocked] = app.sign_ups(["blocker_amy", "blocked_bob"]).await;
    let (status, _) = app.put("/api/v1/users/blocked_bob/block", &blocker).await;
    assert_eq!(status, StatusCode::OK);

    // The blocked person comments after the blocker: the blocker is not told.
    app.comment(&blocker, &post, "first").await;
    app.comment(&blocked, &post, "second").await;
    // The blocker comments after the blocked person: the blocked person is not told.
    app.comment(&blocker, &post, "third").await;

    assert!(notification_texts(&app, &blocker).await.is_empty());
    assert!(notification_texts(&app, &blocked).await.is_empty());
    assert_eq!(app.wait_unread(&blocker, 0).await, 0);
    assert_eq!(app.wait_unread(&blocked, 0).await, 0);
    // Everyone else still hears of both.
    assert_eq!(
        notification_texts(&app, &owner).await,
        vec!["blocker_amy and blocked_bob commented on your post."]
    );
}

#[tokio::test]
async fn a_block_takes_each_side_out_of_the_others_notifications_of_every_kind() {
    let app = TestApp::start().await;
    let (amy, c, amy_post) = app.sign_up_and_post("amy_blocks", "amy's post").await;
    let [bob, cat] = app.sign_ups(["bob_blocked", "cat_bystander"]).await;
    let bob_post = app.post_text(&bob, &c, "bob's post").await;
    // Each does to the other everything that notifies: a Yeah on a post and on a comment, a
    // comment on a post, a comment in a thread, a follow.
    let amy_comment = app.comment(&amy, &amy_post, "amy on her own post").await;
    let bob_comment = app.comment(&bob, &bob_post, "bob on his own post").await;
    app.yeah(&bob, &amy_post).await;
    app.yeah(&amy, &bob_post).await;
    app.yeah_comment(&bob, &amy_comment).await;
    app.yeah_comment(&amy, &bob_comment).await;
    app.comment(&bob, &amy_post, "bob on amy's post").await;
    app.comment(&amy, &bob_post, "amy on bob's post").await;
    app.put("/api/v1/users/amy_blocks/follow", &bob).await;
    app.put("/api/v1/users/bob_blocked/follow", &amy).await;
    // And each comments after the other in a bystander's thread.
    let cat_post = app.post_text(&cat, &c, "cat's thread").await;
    app.comment(&amy, &cat_post, "amy in cat's thread").await;
    app.comment(&bob, &cat_post, "bob in cat's thread").await;
    app.comment(&amy, &cat_post, "amy again").await;
    // A bystander shares one of amy's groups, which must stay with them alone.
    app.yeah(&cat, &amy_post).await;
    let amy_before = notification_texts(&app, &amy).await;
    assert_eq!(amy_before.len(), 5, "{amy_before:?}");
    assert!(amy_before.contains(&"bob_blocked commented on a post you commented on.".to_owned()));
    let bob_before = notification_texts(&app, &bob).await;
    assert_eq!(bob_before.len(), 5, "{bob_before:?}");
    assert!(bob_before.contains(&"amy_blocks commented on a post you commented on.".to_owned()));

    assert_status(app.put("/api/v1/users/bob_blocked/block", &amy).await, 200);

    assert_eq!(
        notification_texts(&app, &amy).await,
        vec!["cat_bystander gave your post a Yeah."]
    );
    assert!(notification_texts(&app, &bob).await.is_empty());
    assert_eq!(app.wait_unread(&amy, 1).await, 1);
    assert_eq!(app.wait_unread(&bob, 0).await, 0);
}

#[tokio::test]
async fn comment_lists_and_counts_leave_out_either_side_of_a_block() {
    let app = TestApp::start().await;
    let (owner, c, post) = app.sign_up_and_post("count_owner", "count us").await;
    let [amy, bob] = app.sign_ups(["count_amy", "count_bob"]).await;
    app.comment(&amy, &post, "from amy").await;
    app.comment(&bob, &post, "from bob").await;
    app.put("/api/v1/users/count_bob/block", &amy).await;

    for (token, who) in [(&amy, "count_amy"), (&bob, "count_bob")] {
        let (_, body) = app
            .get(&format!("/api/v1/posts/{post}/comments"), Some(token))
            .await;
        assert_eq!(comment_authors(&body), vec![who]);
        let (_, body) = app.read_post_as(token, &post).await;
        assert_eq!(body["post"]["comment_count"], 1, "{who}: {body}");
        let (_, body) = app
            .get(&format!("/api/v1/communities/{c}/posts"), Some(token))
            .await;
        assert_eq!(body["posts"][0]["comment_count"], 1, "{who}: {body}");
    }
    // Everyone else sees both.
    let (_, body) = app.read_post_as(&owner, &post).await;
    assert_eq!(body["post"]["comment_count"], 2);
    let (_, body) = app.read_post(&post).await;
    assert_eq!(body["post"]["comment_count"], 2);
    let (_, body) = app.comments_of(&post).await;
    assert_eq!(comment_authors(&body), vec!["count_amy", "count_bob"]);
}

#[tokio::test]
async fn yeah_lists_leave_out_either_side_of_a_block() {
    let app = TestApp::start().await;
    let (owner, _, post) = app.sign_up_and_post("yeah_owner", "yeah me").await;
    let [amy, bob] = app.sign_ups(["yeah_amy", "yeah_bob"]).await;
    app.yeah(&amy, &post).await;
    app.yeah(&bob, &post).await;
    app.put("/api/v1/users/yeah_bob/block", &amy).await;

    let path = format!("/api/v1/posts/{post}/yeahs");
    let (_, body) = app.get(&path, Some(&amy)).await;
    assert_eq!(usernames(&body, "users"), vec!["yeah_amy"]);
    let (_, body) = app.get(&path, Some(&bob)).await;
    assert_eq!(usernames(&body, "users"), vec!["yeah_bob"]);
    let (_, body) = app.get(&path, Some(&owner)).await;
    assert_eq!(usernames(&body, "users"), vec!["yeah_bob", "yeah_amy"]);
}

#[tokio::test]
async fn the_post_page_shows_the_blocker_neither_the_blocked_persons_yeah_nor_comment() {
    let app = TestApp::start().await;
    let (_, _, post) = app.sign_up_and_post("page_owner", "look").await;
    let [amy, bob] = app.sign_ups(["page_amy", "page_bob"]).await;
    app.yeah(&bob, &post).await;
    app.comment(&bob, &post, "a comment by bob").await;
    app.put("/api/v1/users/page_bob/block", &amy).await;

    let (browser, _) = Browser::signed_in(&app, "page_amy").await;
    let html = assert_page(browser.get(&format!("/posts/{post}")).await, 200);
    assert!(!html.contains("page_bob"), "{html}");
    assert!(!html.contains("a comment by bob"));
    // A visitor sees both.
    let html = app.page(&format!("/posts/{post}")).await;
    assert!(html.contains("a comment by bob"));
    assert!(html.contains("/users/page_bob"));
}
