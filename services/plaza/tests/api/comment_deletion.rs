//! Deleting comments: authors delete their own, admins any post or comment; a deleted comment
//! leaves lists, counts and notifications, and its drawing is no longer referenced.

use crate::blocking::notification_texts;
use crate::helpers::{Browser, TestApp, token_in};
use plaza_storage::sqlx::{self, Row};
use plaza_test_support::{assert_error, assert_status};
use reqwest::StatusCode;
use serde_json::json;

async fn comment_ids(app: &TestApp, post: &str) -> Vec<String> {
    let (_, body) = app.comments_of(post).await;
    plaza_test_support::field_of_each(&body, "comments", "id")
}

async fn comment_count(app: &TestApp, post: &str) -> i64 {
    let (_, body) = app.read_post(post).await;
    body["post"]["comment_count"].as_i64().unwrap()
}

#[tokio::test]
async fn an_author_deletes_their_comment_and_it_leaves_the_list_and_the_count() {
    let app = TestApp::start().await;
    let (author, c, post) = app.sign_up_and_post("eraser", "a post").await;
    let kept = app.comment(&author, &post, "kept").await;
    let gone = app.comment(&author, &post, "gone").await;
    assert_eq!(comment_count(&app, &post).await, 2);

    assert_status(app.delete_comment(&author, &gone).await, 204);
    assert_eq!(comment_ids(&app, &post).await, vec![kept]);
    assert_eq!(comment_count(&app, &post).await, 1);
    let body = app.community_posts(&c).await;
    assert_eq!(body["posts"][0]["comment_count"], 1);
    // Deleting it again changes nothing; a Yeah on it is refused.
    assert_status(app.delete_comment(&author, &gone).await, 204);
    let other = app.sign_up("late_fan").await;
    assert_error(
        app.yeah_comment(&other, &gone).await,
        409,
        "comment_deleted",
    );
}

#[tokio::test]
async fn someone_else_cannot_delete_a_comment_and_a_missing_one_is_not_found() {
    let app = TestApp::start().await;
    let (author, _, post) = app.sign_up_and_post("owner_c", "a post").await;
    let stranger = app.sign_up("stranger_c").await;
    let comment = app.comment(&author, &post, "mine").await;

    assert_error(
        app.delete_comment(&stranger, &comment).await,
        403,
        "not_author",
    );
    assert_error(
        app.call(
            reqwest::Method::DELETE,
            &format!("/api/v1/comments/{comment}"),
            None,
            None,
        )
        .await,
        401,
        "unauthenticated",
    );
    assert_eq!(comment_ids(&app, &post).await, vec![comment]);

    assert_error(app.delete_comment(&author, "12345").await, 404, "not_found");
}

#[tokio::test]
async fn an_admin_deletes_anyones_post_or_comment() {
    let app = TestApp::start().await;
    let [author, admin] = app.sign_ups(["posted_it", "the_admin"]).await;
    app.make_admin("the_admin").await;
    let c = app.community().await;
    let post = app.post_text(&author, &c, "to be moderated").await;
    let comment = app.comment(&author, &post, "also moderated").await;

    assert_status(app.delete_comment(&admin, &comment).await, 204);
    assert!(comment_ids(&app, &post).await.is_empty());
    let (status, body) = app.delete(&format!("/api/v1/posts/{post}"), &admin).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["post"]["deleted"], true);
    let (_, body) = app.read_post(&post).await;
    assert_eq!(body["post"]["deleted"], true);
    // Someone who is not an admin still may not.
    let other = app.post_text(&admin, &c, "the admin's post").await;
    assert_error(
        app.delete(&format!("/api/v1/posts/{other}"), &author).await,
        403,
        "not_author",
    );
}

#[tokio::test]
async fn a_deleted_comments_notifications_go_away() {
    let app = TestApp::start().await;
    let (author, _, post) = app.sign_up_and_post("post_author", "a post").await;
    let [earlier, commenter, fan] = app
        .sign_ups(["earlier_one", "regretful", "comment_fan"])
        .await;
    app.comment(&earlier, &post, "first").await;
    let comment = app.comment(&commenter, &post, "regretted").await;
    app.yeah_comment(&fan, &comment).await;
    assert_eq!(notification_texts(&app, &author).await.len(), 1);
    assert_eq!(notification_texts(&app, &earlier).await.len(), 1);
    assert_eq!(notification_texts(&app, &commenter).await.len(), 1);

    app.delete_comment(&commenter, &comment).await;
    assert_eq!(
        notification_texts(&app, &author).await,
        vec!["earlier_one commented on your post."]
    );
    assert!(notification_texts(&app, &earlier).await.is_empty());
    assert!(notification_texts(&app, &commenter).await.is_empty());
    assert_eq!(app.wait_unread(&commenter, 0).await, 0);
}

#[tokio::test]
async fn a_deleted_comments_drawing_is_no_longer_referenced() {
    let app = TestApp::start().await;
    let (author, _, post) = app.sign_up_and_post("drew_it", "a post").await;
    // A game's painting: a zlib-compressed 320x120 TGA with a line of ink.
    let png = {
        let mut raw = Vec::new();
        for y in 0..120u32 {
            for _x in 0..320u32 {
                let v = if y == 60 { 0 } else { 255 };
                raw.extend_from_slice(&[v, v, v, 255]);
            }
        }
        let mut tga = Vec::new();
        image::codecs::tga::TgaEncoder::new(&mut tga)
            .encode(&raw, 320, 120, image::ExtendedColorType::Rgba8)
            .unwrap();
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut z, &tga).unwrap();
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            z.finish().unwrap(),
        )
    };
    let (status, body) = app
        .comment_on(&author, &post, json!({"body": "", "painting": png}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let comment = body["comment"]["id"].as_str().unwrap().to_owned();
    let drawing_key = |app: &TestApp, id: String| {
        let db = app.db().clone();
        async move {
            sqlx::query("SELECT drawing_key FROM comments WHERE id = ?")
                .bind(id.parse::<i64>().unwrap())
                .fetch_one(&db.pool)
                .await
                .unwrap()
                .try_get::<Option<String>, _>("drawing_key")
                .unwrap()
        }
    };
    assert!(drawing_key(&app, comment.clone()).await.is_some());
    app.delete_comment(&author, &comment).await;
    // The clean-up asks which keys anything still refers to: the comment no longer does.
    assert_eq!(drawing_key(&app, comment).await, None);
}

#[tokio::test]
async fn the_post_page_deletes_a_comment_with_its_form_and_refuses_without_the_token() {
    let app = TestApp::start().await;
    let (author, _, post) = app.sign_up_and_post("page_eraser", "a post").await;
    let comment = app.comment(&author, &post, "delete me from the page").await;

    let (browser, _) = Browser::signed_in(&app, "page_eraser").await;
    let (_, html) = browser.get(&format!("/posts/{post}")).await;
    let action = format!("/comments/{comment}/delete");
    assert!(html.contains(&action), "{html}");
    let r = browser.submit(&action, &[("csrf", "wrong")]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(comment_ids(&app, &post).await, vec![comment.clone()]);

    let csrf = browser.csrf(&format!("/posts/{post}")).await;
    let r = browser.press(&action, &csrf).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, html) = browser.get(&format!("/posts/{post}")).await;
    assert!(!html.contains("delete me from the page"));
    // Nobody else is offered the form.
    let html = app.page(&format!("/posts/{post}")).await;
    assert!(!html.contains("/delete\""));
}

#[tokio::test]
async fn an_admin_deletes_anyones_comment_and_post_from_the_post_page() {
    let app = TestApp::start().await;
    let author = app.sign_up("page_poster").await;
    app.sign_up("page_admin").await;
    app.make_admin("page_admin").await;
    let c = app.community().await;
    let post = app.post_text(&author, &c, "moderate me").await;
    let comment = app.comment(&author, &post, "and me").await;

    let (browser, _) = Browser::signed_in(&app, "page_admin").await;
    let (_, html) = browser.get(&format!("/posts/{post}")).await;
    assert!(html.contains(&format!("/comments/{comment}/delete")));
    assert!(html.contains(&format!("/posts/{post}/delete")));
    let csrf = token_in(&html);
    let r = browser
        .press(&format!("/comments/{comment}/delete"), &csrf)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert!(comment_ids(&app, &post).await.is_empty());
    let r = browser.press(&format!("/posts/{post}/delete"), &csrf).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, body) = app.read_post(&post).await;
    assert_eq!(body["post"]["deleted"], true);
}
