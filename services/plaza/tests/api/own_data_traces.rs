//! What an account's deletion takes from others: notifications about its posts and comments or
//! naming it, its moderation rows (the audit log excepted), and, after the configured grace
//! period, its images.

use crate::blocking::usernames;
use crate::helpers::{Browser, TestApp, assert_page};
use crate::media::{painting, stripes};
use crate::moderation::{act_ok, admin, notifications};
use crate::own_data::{delete_me, rows};
use plaza_test_support::assert_status;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn notifications_about_a_deleted_accounts_posts_or_naming_it_go() {
    let app = TestApp::start().await;
    let (leaver, community, leavers_post) = app.sign_up_and_post("leaver", "leaver's post").await;
    let [first, second] = app.sign_ups(["first", "second"]).await;
    let (friend, _, friends_post) = app.sign_up_and_post("friend", "friend's post").await;
    // In the leaver's thread: `first` is told that `second` commented there too.
    app.comment(&first, &leavers_post, "first comment").await;
    app.comment(&second, &leavers_post, "second comment").await;
    // On the friend's post: the leaver and `second` commented (one group naming both), and
    // only the leaver gave a Yeah (a group naming only the leaver).
    app.comment(&leaver, &friends_post, "leaver's comment")
        .await;
    app.comment(&second, &friends_post, "second's comment")
        .await;
    assert_eq!(app.yeah(&leaver, &friends_post).await.0, StatusCode::OK);
    let mine = app.post_text(&friend, &community, "another").await;
    assert_eq!(app.yeah(&second, &mine).await.0, StatusCode::OK);

    let told = notifications(&app, &first).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0]["kind"], "thread_comment");
    assert_eq!(told[0]["target_id"], leavers_post.as_str());
    let told = notifications(&app, &friend).await;
    assert_eq!(told.len(), 3, "{told:?}");

    assert_status(delete_me(&app, &leaver, "password1").await, 204);

    // The thread is gone, and so is the notification about it.
    assert!(notifications(&app, &first).await.is_empty());
    // The friend's comment group names only `second` now; the Yeah group naming only the
    // leaver is gone; the unrelated one stays.
    let told = notifications(&app, &friend).await;
    assert_eq!(told.len(), 2, "{told:?}");
    let comment_group = told
        .iter()
        .find(|n| n["kind"] == "post_comment")
        .expect("the comment group stays");
    assert_eq!(usernames(comment_group, "actors"), vec!["second"]);
    assert_eq!(comment_group["actor_count"], 1, "{comment_group}");
    assert!(
        told.iter()
            .all(|n| n["kind"] != "post_yeah" || n["target_id"] == mine.as_str())
    );
    assert!(!serde_json::to_string(&told).unwrap().contains("leaver"));
    let (_, unread) = app
        .get("/api/v1/notifications/unread_count", Some(&first))
        .await;
    assert_eq!(unread["unread"], 0, "{unread}");
    // Nor in the page.
    let (browser, _) = Browser::signed_in(&app, "friend").await;
    let page = assert_page(browser.get("/notifications").await, 200);
    assert!(!page.contains("leaver"), "{page}");
    assert_eq!(
        rows(&app, "notification_groups", "target_id", &leavers_post).await,
        0
    );
}

#[tokio::test]
async fn a_deleted_accounts_moderation_rows_go_but_the_audit_log_keeps_its_entries() {
    let app = TestApp::start().await;
    let boss = admin(&app, "boss").await;
    let leaver = app.sign_up("leaver").await;
    let (_, me) = app.me(&leaver).await;
    let id = me["user"]["id"].as_str().unwrap().to_owned();
    for body in [
        json!({"action": "suspend", "reason": "Cool off", "duration_hours": 1}),
        json!({"action": "lift"}),
    ] {
        act_ok(&app, &boss, "accounts", "leaver", body).await;
    }
    assert_eq!(rows(&app, "suspensions", "user_id", &id).await, 2);

    assert_status(delete_me(&app, &leaver, "password1").await, 204);

    assert_eq!(rows(&app, "suspensions", "user_id", &id).await, 0);
    let (_, log) = app.get("/api/v1/moderation/log", Some(&boss)).await;
    let about: Vec<&Value> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["target_author"]["id"] == id.as_str())
        .collect();
    assert_eq!(
        about.len(),
        2,
        "the audit log keeps what was decided: {log}"
    );
}

#[tokio::test]
async fn a_deleted_accounts_images_go_after_the_configured_grace_period() {
    let app = TestApp::start_configured(None, |c| c.moderation.deleted_media_grace_secs = 3).await;
    let (leaver, community) = app.sign_up_with_community("leaver").await;
    let drawing = json!({"body": "", "painting": painting(320, 120, stripes)});
    let drawn = assert_status(app.post_in(&leaver, &community, drawing).await, 201);
    let url = drawn["post"]["drawing_url"].as_str().unwrap().to_owned();
    let path = format!("/media/{}", url.rsplit_once("/media/").unwrap().1);
    assert_eq!(app.fetch(&path).await.0, StatusCode::OK);
    let deleted_at = std::time::Instant::now();

    assert_status(delete_me(&app, &leaver, "password1").await, 204);
    app.drain_until_only_purges().await;
    if deleted_at.elapsed() < std::time::Duration::from_secs(2) {
        assert_eq!(
            app.fetch(&path).await.0,
            StatusCode::OK,
            "kept during the grace period"
        );
    }
    let after = std::time::Duration::from_millis(3500);
    tokio::time::sleep(after.saturating_sub(deleted_at.elapsed())).await;
    app.drain_jobs().await;
    assert_eq!(app.fetch(&path).await.0, StatusCode::NOT_FOUND);
    assert!(app.media_keys("drawings/").await.is_empty());
}
