//! A person's own data: the archive of everything they posted, and deleting the account, after
//! which nothing of theirs is left in pages, API answers, the database or the object store.

use crate::helpers::{Browser, TestApp, assert_page, strings};
use crate::media::{painting, stripes};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use plaza_storage::sqlx;
use plaza_test_support::phone_photo;
use plaza_test_support::{assert_error, assert_status};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

pub async fn delete_me(app: &TestApp, token: &str, password: &str) -> (StatusCode, Value) {
    app.call(
        Method::DELETE,
        "/api/v1/me",
        Some(token),
        Some(json!({"password": password})),
    )
    .await
}

/// How many rows of `table` have `column` = `id`.
pub async fn rows(app: &TestApp, table: &str, column: &str, id: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table} WHERE {column} = ?");
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(id.parse::<i64>().unwrap())
        .fetch_one(&app.db().pool)
        .await
        .unwrap()
}

async fn media(app: &TestApp) -> Vec<String> {
    let mut keys = app.media_keys("drawings/").await;
    keys.extend(app.media_keys("screenshots/").await);
    keys.sort();
    keys
}

#[tokio::test]
async fn the_export_holds_the_profile_posts_comments_and_the_images_themselves() {
    let app = TestApp::start().await;
    let (token, community) = app.sign_up_with_community("keeper").await;
    app.call(
        Method::PATCH,
        "/api/v1/me",
        Some(&token),
        Some(json!({"bio": "I keep things"})),
    )
    .await;
    let text = app.post_text(&token, &community, "my first post").await;
    let (status, drawn) = app
        .post_in(
            &token,
            &community,
            json!({"body": "", "painting": painting(320, 120, stripes), "drawing_alt": "stripes"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{drawn}");
    let comment = app.comment(&token, &text, "a note to self").await;
    let gone = app.post_text(&token, &community, "deleted later").await;
    app.delete(&format!("/api/v1/posts/{gone}"), &token).await;

    let body = assert_status(app.get("/api/v1/me/export", Some(&token)).await, 200);
    assert_eq!(body["format"], 1);
    assert_eq!(body["profile"]["username"], "keeper");
    assert_eq!(body["profile"]["bio"], "I keep things");
    let posts = body["posts"].as_array().unwrap();
    assert_eq!(posts.len(), 2, "the deleted post is not in it: {body}");
    assert_eq!(posts[1]["id"], text.as_str());
    assert_eq!(posts[1]["body"], "my first post");
    assert_eq!(posts[0]["drawing_alt"], "stripes");
    let key = posts[0]["drawing"].as_str().unwrap();
    assert_eq!(body["comments"][0]["id"], comment.as_str());
    assert_eq!(body["comments"][0]["body"], "a note to self");
    // The image is the stored one, byte for byte.
    let image = &body["media"][0];
    assert_eq!(image["key"], key);
    assert_eq!(image["content_type"], "image/png");
    let bytes = STANDARD
        .decode(image["data_base64"].as_str().unwrap())
        .unwrap();
    let (_, served) = app.fetch(&format!("/media/{key}")).await;
    assert_eq!(bytes, served);

    // Only one's own data, and only signed in.
    assert_error(
        app.get("/api/v1/me/export", None).await,
        401,
        "unauthenticated",
    );
    let other = app.sign_up("stranger").await;
    let (_, theirs) = app.get("/api/v1/me/export", Some(&other)).await;
    assert_eq!(theirs["posts"].as_array().unwrap().len(), 0);
    assert_eq!(theirs["media"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn the_settings_page_downloads_the_archive() {
    let app = TestApp::start().await;
    let (token, community) = app.sign_up_with_community("pager").await;
    app.post_text(&token, &community, "from the api").await;
    let (browser, _) = Browser::signed_in(&app, "pager").await;
    let (_, settings) = browser.get("/settings").await;
    assert!(settings.contains("href=\"/settings/export\""), "{settings}");
    let r = browser.get_raw("/settings/export").await;
    assert_eq!(r.status(), StatusCode::OK);
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(disposition.contains("attachment"), "{disposition}");
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["posts"][0]["body"], "from the api");
}

#[tokio::test]
async fn a_wrong_password_or_no_account_deletes_nothing() {
    let app = TestApp::start().await;
    let (token, community) = app.sign_up_with_community("careful").await;
    let post = app.post_text(&token, &community, "still here").await;
    assert_error(
        delete_me(&app, &token, "wrong-password").await,
        403,
        "wrong_password",
    );
    let (status, _) = app
        .call(
            Method::DELETE,
            "/api/v1/me",
            None,
            Some(json!({"password": "password1"})),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let me = assert_status(app.me(&token).await, 200);
    assert_eq!(me["user"]["username"], "careful");
    assert_status(app.read_post(&post).await, 200);
}

#[tokio::test]
async fn a_deleted_account_leaves_no_trace_in_pages_answers_the_database_or_the_store() {
    let app = TestApp::start().await;
    let (victim, community) = app.sign_up_with_community("leaver").await;
    let friend = app.sign_up("friend").await;
    let victim_id = app.me(&victim).await.1["user"]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // What the leaver did: posts with a drawing and a screenshot, a comment on a friend's post,
    // a Yeah, a follow, a favourite; and what others did to the leaver's content.
    let shared_drawing = painting(320, 120, stripes);
    let own_drawing = painting(320, 120, |x, _| x < 77);
    let (_, drawn) = app
        .post_in(
            &victim,
            &community,
            json!({"body": "farewell drawing", "painting": own_drawing}),
        )
        .await;
    let drawn = drawn["post"]["id"].as_str().unwrap().to_owned();
    let (_, shot) = app
        .post_in(
            &victim,
            &community,
            json!({"body": "farewell screenshot", "screenshot": STANDARD.encode(phone_photo(64, 48)), "screenshot_type": "image/jpeg"}),
        )
        .await;
    let shot = shot["post"]["id"].as_str().unwrap().to_owned();
    let (_, same) = app
        .post_in(
            &victim,
            &community,
            json!({"body": "a shared picture", "painting": shared_drawing}),
        )
        .await;
    assert!(same["post"]["drawing_url"].is_string(), "{same}");
    let friends_post = app.post_text(&friend, &community, "friend's post").await;
    let (_, kept) = app
        .post_in(
            &friend,
            &community,
            json!({"body": "the same picture", "painting": shared_drawing}),
        )
        .await;
    let kept_url = kept["post"]["drawing_url"].as_str().unwrap().to_owned();
    app.comment(&victim, &friends_post, "leaver's comment")
        .await;
    app.comment(&friend, &drawn, "friend's comment on the leaver's post")
        .await;
    assert_status(app.yeah(&victim, &friends_post).await, 200);
    assert_status(app.yeah(&friend, &drawn).await, 200);
    app.put("/api/v1/users/friend/follow", &victim).await;
    app.put("/api/v1/users/leaver/follow", &friend).await;
    app.put(
        &format!("/api/v1/communities/{community}/favourite"),
        &victim,
    )
    .await;
    app.drain_jobs().await;
    let (_, friends_view) = app.read_post(&friends_post).await;
    assert_eq!(friends_view["post"]["yeah_count"], 1);
    let (browser, _) = Browser::signed_in(&app, "leaver").await;
    let media_before = media(&app).await;
    assert_eq!(
        media_before
            .iter()
            .filter(|k| !k.contains("-thumb") && !k.contains("@2x"))
            .count(),
        3,
        "{media_before:?}"
    );

    assert_status(delete_me(&app, &victim, "password1").await, 204);

    // At once: signed out everywhere, and gone from every page and answer.
    assert_error(app.me(&victim).await, 401, "unauthenticated");
    let (_, settings) = browser.get("/settings").await;
    assert!(!settings.contains("leaver"), "the browser is signed out");
    assert_error(
        app.get("/api/v1/users/leaver", None).await,
        404,
        "not_found",
    );
    let (status, _) = app.fetch("/users/leaver").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    for post in [&drawn, &shot] {
        let (status, _) = app.read_post(post).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "post {post}");
    }
    let (_, list) = app
        .get(&format!("/api/v1/communities/{community}/posts"), None)
        .await;
    assert_eq!(
        strings(&list, "posts", "body"),
        vec!["the same picture", "friend's post"]
    );
    let (_, comments) = app.comments_of(&friends_post).await;
    assert_eq!(comments["comments"].as_array().unwrap().len(), 0);
    let community_url = app.community_url(&community).await;
    let page = app.page(&community_url).await;
    assert!(!page.contains("farewell"), "{page}");
    assert!(!page.contains("leaver"), "{page}");
    let (_, followers) = app.get("/api/v1/users/friend/followers", None).await;
    assert_eq!(
        followers["users"].as_array().unwrap().len(),
        0,
        "{followers}"
    );

    // The durable job finishes the rest: Yeahs and notifications.
    app.drain_until_only_purges().await;
    let (_, friends_view) = app.read_post(&friends_post).await;
    assert_eq!(friends_view["post"]["yeah_count"], 0);
    let (_, notes) = app.get("/api/v1/notifications", Some(&friend)).await;
    assert!(!notes.to_string().contains("leaver"), "{notes}");

    // The images stay through the grace period, then go; the one a friend's post also uses stays.
    assert_eq!(media(&app).await, media_before);
    sqlx::query("UPDATE jobs SET run_at = 0 WHERE kind = 'purge_media'")
        .execute(&app.db().pool)
        .await
        .unwrap();
    app.drain_jobs().await;
    let media_after = media(&app).await;
    let kept_key = kept_url
        .rsplit_once("/media/")
        .map_or(kept_url.as_str(), |(_, k)| k)
        .to_owned();
    assert!(
        media_after.contains(&kept_key),
        "{kept_key} in {media_after:?}"
    );
    assert_eq!(
        media_after
            .iter()
            .filter(|k| !k.contains("-thumb") && !k.contains("@2x"))
            .count(),
        1,
        "{media_after:?}"
    );
    let (status, _) = app.fetch(&kept_url.replace(&app.url, "")).await;
    assert_eq!(status, StatusCode::OK);

    // Nothing of theirs in the database.
    for (table, column) in [
        ("users", "id"),
        ("sessions", "user_id"),
        ("favourites", "user_id"),
        ("follows", "follower_id"),
        ("follows", "followee_id"),
        ("posts", "author_id"),
        ("comments", "author_id"),
        ("yeahs", "user_id"),
        ("notification_groups", "recipient_id"),
        ("notification_actors", "actor_id"),
    ] {
        assert_eq!(
            rows(&app, table, column, &victim_id).await,
            0,
            "{table}.{column}"
        );
    }
    let (jobs,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM jobs")
        .fetch_one(&app.db().pool)
        .await
        .unwrap();
    assert_eq!(jobs, 0, "no job names them any more");
    // The comment a friend wrote on the leaver's post went with the post.
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM comments")
        .fetch_one(&app.db().pool)
        .await
        .unwrap();
    assert_eq!(count, 0);

    // The name is free again.
    app.sign_up("leaver").await;
}

#[tokio::test]
async fn the_delete_page_needs_the_form_key_and_the_password() {
    let app = TestApp::start().await;
    let (token, community) = app.sign_up_with_community("pageleaver").await;
    let post = app.post_text(&token, &community, "bye from the page").await;
    let (browser, csrf) = Browser::signed_in(&app, "pageleaver").await;
    let page = assert_page(browser.get("/settings/delete").await, 200);
    assert!(page.contains("name=\"password\""));

    let r = browser.delete_account("forged", "password1").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = browser.delete_account(&csrf, "nope-nope").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_status(app.read_post(&post).await, 200);
    assert_status(app.me(&token).await, 200);

    let csrf = browser.csrf("/settings/delete").await;
    let r = browser.delete_account(&csrf, "password1").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_status(app.read_post(&post).await, 404);
    assert_error(app.me(&token).await, 401, "unauthenticated");
}
