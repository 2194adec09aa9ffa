//! Follows and blocks through the API.

use crate::helpers::{TestApp, ids};
use plaza_storage::sqlx;
use plaza_test_support::{assert_error, assert_status};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn following_updates_counts_and_lists() {
    let app = TestApp::start().await;
    let a = app.sign_up("amy").await;
    app.sign_up("ben").await;
    let body = assert_status(app.put("/api/v1/users/ben/follow", &a).await, 200);
    assert_eq!(body["following"], true);
    app.put("/api/v1/users/ben/follow", &a).await;
    let (_, body) = app.get("/api/v1/users/ben", Some(&a)).await;
    assert_eq!(body["user"]["follower_count"], 1);
    assert_eq!(body["user"]["followed_by_me"], true);
    let (_, body) = app.get("/api/v1/users/amy", None).await;
    assert_eq!(body["user"]["following_count"], 1);
    let (_, body) = app.get("/api/v1/users/ben/followers", None).await;
    assert_eq!(body["users"][0]["username"], "amy");
    let (_, body) = app.get("/api/v1/users/amy/following", None).await;
    assert_eq!(body["users"][0]["username"], "ben");

    let (_, body) = app.delete("/api/v1/users/ben/follow", &a).await;
    assert_eq!(body["following"], false);
    assert_eq!(app.follower_count("ben").await, 0);
}

#[tokio::test]
async fn you_cannot_follow_yourself_or_nobody() {
    let app = TestApp::start().await;
    let a = app.sign_up("cat").await;
    assert_error(
        app.put("/api/v1/users/cat/follow", &a).await,
        422,
        "cannot_follow_self",
    );
    assert_status(app.put("/api/v1/users/nobody/follow", &a).await, 404);
}

#[tokio::test]
async fn following_stops_at_one_thousand() {
    let app = TestApp::start().await;
    let a = app.sign_up("dan").await;
    app.sign_up("eve").await;
    let me = plaza_web::db::users::by_username(app.db(), "dan")
        .await
        .unwrap()
        .unwrap();
    // 1000 existing follows, written directly: signing up 1000 accounts would take minutes.
    for i in 0..1000_i64 {
        sqlx::query("INSERT INTO follows (id, region, follower_id, followee_id, created_at) VALUES (?, 1, ?, ?, 0)")
            .bind(1_000_000 + i)
            .bind(me.id.0)
            .bind(2_000_000 + i)
            .execute(&app.db().pool)
            .await
            .unwrap();
    }
    assert_error(
        app.put("/api/v1/users/eve/follow", &a).await,
        409,
        "follow_limit",
    );
    assert_eq!(app.follower_count("eve").await, 0);
}

#[tokio::test]
async fn a_block_stops_follows_comments_yeahs_and_hides_posts() {
    let app = TestApp::start().await;
    let victim = app.sign_up("fay").await;
    let (pest, c) = app.sign_up_with_community("gus").await;
    app.put("/api/v1/users/fay/follow", &pest).await;
    let victims_post = app.post_text(&victim, &c, "mine").await;
    let pests_post = app.post_text(&pest, &c, "annoying").await;

    let body = assert_status(app.put("/api/v1/users/gus/block", &victim).await, 200);
    assert_eq!(body["blocking"], true);
    // The block ended the follow.
    assert_eq!(app.follower_count("fay").await, 0);

    let (status, body) = app.put("/api/v1/users/fay/follow", &pest).await;
    assert_error((status, &body), 403, "blocked");
    let (status, _) = app
        .comment_on(&pest, &victims_post, json!({"body": "hey"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_status(app.yeah(&pest, &victims_post).await, 403);

    // Neither sees the other's posts in the community feed.
    let (_, body) = app
        .get(&format!("/api/v1/communities/{c}/posts"), Some(&victim))
        .await;
    assert_eq!(ids(&body, "posts"), vec![victims_post.clone()]);
    let (_, body) = app
        .get(&format!("/api/v1/communities/{c}/posts"), Some(&pest))
        .await;
    assert_eq!(ids(&body, "posts"), vec![pests_post.clone()]);
    // Others see both.
    let body = app.community_posts(&c).await;
    assert_eq!(ids(&body, "posts").len(), 2);

    let (_, body) = app.delete("/api/v1/users/gus/block", &victim).await;
    assert_eq!(body["blocking"], false);
    assert_status(app.yeah(&pest, &victims_post).await, 200);
}
