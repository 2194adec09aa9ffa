//! Posts, comments, Yeahs and feeds through the API.

use crate::helpers::{TestApp, ids};
use plaza_test_support::{assert_error, assert_status, text_post};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_post_is_created_and_read_back() {
    let app = TestApp::start().await;
    let (token, c) = app.sign_up_with_community("jack").await;
    let (status, body) = app
        .post_in(&token, &c, json!({"body": "  Hello Plaza!  ", "feeling": 2, "spoiler": true, "topic_tag": "greetings"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["post"]["id"].as_str().unwrap();
    let body = assert_status(app.read_post(id).await, 200);
    let post = &body["post"];
    assert_eq!(post["body"], "Hello Plaza!");
    assert_eq!(post["feeling"], 2);
    assert_eq!(post["feeling_name"], "like");
    assert_eq!(post["spoiler"], true);
    assert_eq!(post["topic_tag"], "greetings");
    assert_eq!(post["author"]["username"], "jack");
    assert_eq!(post["community"]["id"], c.as_str());
    assert_eq!(post["comment_count"], 0);
    assert_eq!(post["yeah_count"], 0);
    assert!(post["created_at"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn invalid_posts_are_rejected_and_store_nothing() {
    let app = TestApp::start().await;
    let (token, c) = app.sign_up_with_community("kate").await;
    for (input, code) in [
        (json!({"body": "   "}), "body_empty"),
        (json!({"body": "x".repeat(1001)}), "body_too_long"),
        (json!({"body": "ok", "feeling": 6}), "invalid_feeling"),
        (json!({"body": "ok", "feeling": -1}), "invalid_feeling"),
        (
            json!({"body": "ok", "topic_tag": "t".repeat(51)}),
            "invalid_topic_tag",
        ),
    ] {
        let body = assert_status(app.post_in(&token, &c, input).await, 422);
        assert_eq!(body["error"], code);
    }
    let (status, body) = app
        .post(
            &format!("/api/v1/communities/{c}/posts"),
            None,
            json!({"body": "no token"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert_eq!(app.community_post_count(&c).await, 0);
    // 1000 characters (not bytes) is still fine.
    let (status, _) = app
        .post_in(&token, &c, json!({"body": "あ".repeat(1000)}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test]
async fn community_posts_come_newest_first_in_pages_of_twenty() {
    let app = TestApp::start().await;
    let (token, c) = app.sign_up_with_community("leo").await;
    let mut made = Vec::new();
    for i in 0..25 {
        made.push(app.post_text(&token, &c, &format!("post {i}")).await);
    }
    let first = app.community_posts(&c).await;
    let first_ids = ids(&first, "posts");
    assert_eq!(first_ids.len(), 20);
    assert_eq!(first_ids[0], made[24]);
    let cursor = first["next_cursor"].as_str().expect("a next page");
    let (_, second) = app
        .get(
            &format!("/api/v1/communities/{c}/posts?cursor={cursor}"),
            None,
        )
        .await;
    let second_ids = ids(&second, "posts");
    assert_eq!(second_ids.len(), 5);
    assert_eq!(second_ids[4], made[0]);
    assert!(second["next_cursor"].is_null());
    let (_, mine) = app.get("/api/v1/users/leo/posts", None).await;
    assert_eq!(ids(&mine, "posts").len(), 20);
}

#[tokio::test]
async fn authors_delete_their_posts_and_comments_stay() {
    let app = TestApp::start().await;
    let (author, c, post) = app.sign_up_and_post("mia", "short-lived").await;
    let other = app.sign_up("ned").await;
    app.comment(&other, &post, "nice").await;

    assert_error(
        app.delete(&format!("/api/v1/posts/{post}"), &other).await,
        403,
        "not_author",
    );

    let (status, body) = app.delete(&format!("/api/v1/posts/{post}"), &author).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["post"]["deleted"], true);
    let (_, body) = app.read_post(&post).await;
    assert_eq!(body["post"]["deleted"], true);
    assert_eq!(body["post"]["body"], "");
    let (_, body) = app.comments_of(&post).await;
    assert_eq!(body["comments"].as_array().unwrap().len(), 1);
    let feed = app.community_posts(&c).await;
    assert!(!ids(&feed, "posts").contains(&post));
    assert_error(
        app.comment_on(&other, &post, json!({"body": "late"})).await,
        409,
        "post_deleted",
    );
}

#[tokio::test]
async fn comments_come_oldest_first_and_are_counted() {
    let app = TestApp::start().await;
    let (a, _, post) = app.sign_up_and_post("olga", "discuss").await;
    let b = app.sign_up("pete").await;
    let first = app.comment(&b, &post, "first").await;
    let second = app.comment(&a, &post, "second").await;
    let (_, body) = app.comments_of(&post).await;
    assert_eq!(ids(&body, "comments"), vec![first, second]);
    let (_, body) = app.read_post(&post).await;
    assert_eq!(body["post"]["comment_count"], 2);
    let (status, body) = app.comment_on(&b, &post, json!({"body": ""})).await;
    assert_error((status, &body), 422, "body_empty");
    let (status, _) = app
        .post("/api/v1/posts/42/comments", Some(&b), json!({"body": "hi"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn yeahs_are_counted_once_and_never_on_your_own_post() {
    let app = TestApp::start().await;
    let (author, _, post) = app.sign_up_and_post("quinn", "yeah me").await;
    let fan = app.sign_up("rosa").await;

    assert_error(app.yeah(&author, &post).await, 403, "own_content");

    let body = assert_status(app.yeah(&fan, &post).await, 200);
    assert_eq!(body["yeah_count"], 1);
    let (_, body) = app.yeah(&fan, &post).await;
    assert_eq!(body["yeah_count"], 1);

    let (_, body) = app.read_post_as(&fan, &post).await;
    assert_eq!(body["post"]["yeah_count"], 1);
    assert_eq!(body["post"]["yeahed_by_me"], true);
    let (_, body) = app.read_post_as(&author, &post).await;
    assert_eq!(body["post"]["yeahed_by_me"], false);
    let (_, body) = app.get(&format!("/api/v1/posts/{post}/yeahs"), None).await;
    assert_eq!(body["users"][0]["username"], "rosa");
    let (_, body) = app.get("/api/v1/users/rosa/yeahs", None).await;
    assert_eq!(ids(&body, "posts"), vec![post.clone()]);

    let (_, body) = app
        .delete(&format!("/api/v1/posts/{post}/yeah"), &fan)
        .await;
    assert_eq!(body["yeah_count"], 0);
    let (_, body) = app.read_post_as(&fan, &post).await;
    assert_eq!(body["post"]["yeah_count"], 0);
    assert_eq!(body["post"]["yeahed_by_me"], false);
}

#[tokio::test]
async fn comments_get_yeahs_too() {
    let app = TestApp::start().await;
    let (a, _, post) = app.sign_up_and_post("sam", "post").await;
    let b = app.sign_up("tess").await;
    let comment = app.comment(&b, &post, "comment").await;
    assert_error(app.yeah_comment(&b, &comment).await, 403, "own_content");
    let body = assert_status(app.yeah_comment(&a, &comment).await, 200);
    assert_eq!(body["yeah_count"], 1);
    let (_, body) = app
        .get(&format!("/api/v1/posts/{post}/comments"), Some(&a))
        .await;
    assert_eq!(body["comments"][0]["yeah_count"], 1);
    assert_eq!(body["comments"][0]["yeahed_by_me"], true);
}

#[tokio::test]
async fn popular_posts_are_ordered_by_recent_yeahs() {
    let app = TestApp::start().await;
    let author = app.sign_up("uma").await;
    let fans = [app.sign_up("vic").await, app.sign_up("wes").await];
    let c = app.community().await;
    let quiet = app.post_text(&author, &c, "quiet").await;
    let loved = app.post_text(&author, &c, "loved").await;
    let liked = app.post_text(&author, &c, "liked").await;
    for fan in &fans {
        app.yeah(fan, &loved).await;
    }
    app.put(&format!("/api/v1/posts/{liked}/yeah"), &fans[0])
        .await;
    let (_, body) = app
        .get(&format!("/api/v1/communities/{c}/posts/popular"), None)
        .await;
    let order = ids(&body, "posts");
    assert_eq!(order, vec![loved, liked]);
    assert!(!order.contains(&quiet));
}

#[tokio::test]
async fn the_activity_feed_shows_my_posts_and_those_i_follow() {
    let app = TestApp::start().await;
    let (me, c, mine) = app.sign_up_and_post("xena", "mine").await;
    let [friend, stranger] = app.sign_ups(["yuri", "zack"]).await;
    let theirs = app.post_text(&friend, &c, "theirs").await;
    app.post_text(&stranger, &c, "unrelated").await;
    let (_, body) = app.get("/api/v1/feeds/activity", Some(&me)).await;
    assert_eq!(ids(&body, "posts"), vec![mine.clone()]);
    app.put("/api/v1/users/yuri/follow", &me).await;
    let (_, body) = app.get("/api/v1/feeds/activity", Some(&me)).await;
    assert_eq!(ids(&body, "posts"), vec![theirs, mine.clone()]);
    // Whom I follow is cached between requests; an unfollow shows at once.
    app.delete("/api/v1/users/yuri/follow", &me).await;
    let (_, body) = app.get("/api/v1/feeds/activity", Some(&me)).await;
    assert_eq!(ids(&body, "posts"), vec![mine.clone()]);
    assert_status(app.get("/api/v1/feeds/activity", None).await, 401);
}

#[tokio::test]
async fn an_activity_feed_of_many_people_pages_through_recent_and_old_posts_in_order() {
    let app = TestApp::start().await;
    let (me, c) = app.sign_up_with_community("reader").await;
    let mut recent = Vec::new();
    for i in 0..25 {
        let name = format!("friend{i:02}");
        let token = app.sign_up(&name).await;
        app.put(&format!("/api/v1/users/{name}/follow"), &me).await;
        recent.push(app.post_text(&token, &c, &format!("news {i}")).await);
    }
    // Three posts from two days ago, older than every window the feed tries first.
    let author = plaza_web::db::users::by_username(app.db(), "friend03")
        .await
        .unwrap()
        .unwrap();
    let community = plaza_types::Id(c.parse().unwrap());
    let two_days_ago = plaza_types::now_millis() - 2 * 86_400_000;
    let mut old = Vec::new();
    for i in 0..3u16 {
        let id = plaza_types::Id::from_parts(two_days_ago + i64::from(i), 1, 9, i);
        let post = text_post(id, 1, community, author.id, &format!("old {i}"));
        plaza_timeline::db::posts::insert(app.db(), &post, None)
            .await
            .unwrap();
        old.push(id.to_string());
    }
    let mut expected: Vec<String> = recent.iter().rev().cloned().collect();
    expected.extend(old.iter().rev().cloned());

    let (_, first) = app.get("/api/v1/feeds/activity", Some(&me)).await;
    let mut seen = ids(&first, "posts");
    assert_eq!(seen.len(), 20);
    let cursor = first["next_cursor"].as_str().unwrap();
    let (_, second) = app
        .get(
            &format!("/api/v1/feeds/activity?cursor={cursor}"),
            Some(&me),
        )
        .await;
    seen.extend(ids(&second, "posts"));
    assert!(second["next_cursor"].is_null());
    assert_eq!(seen, expected);
}
