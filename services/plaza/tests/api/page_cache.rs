//! What the caches of shared first pages and followed people must never hide: anonymous readers
//! of a community's cached first pages see new posts, Yeahs, comments and moderation at once;
//! signed-in readers see their own Yeahs; an activity feed of many people (the followed set
//! bound as one value) sees a follow, an unfollow and a block at once. A page rendered once for
//! every signed-out reader (a community tab, a post) carries each reader's own CSRF token, is in
//! their language, and changes at once.

use crate::helpers::{Browser, TestApp, ids, token_in};
use crate::moderation::{act_ok, admin};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn anonymous_first_page(app: &TestApp, community: &str) -> Value {
    app.get(&format!("/api/v1/communities/{community}/posts"), None)
        .await
        .1
}

fn field(page: &Value, post: &str, name: &str) -> Value {
    page["posts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == post)
        .map(|p| p[name].clone())
        .unwrap_or(Value::Null)
}

/// Makes `name` an admin and has them remove `post` as spam.
async fn removed_by_a_new_moderator(app: &TestApp, name: &str, post: &str) {
    let moderator = admin(app, name).await;
    let remove = json!({"action": "remove", "reason": "Spam"});
    act_ok(app, &moderator, "posts", post, remove).await;
}

#[tokio::test]
async fn an_anonymous_community_page_shows_new_posts_yeahs_comments_and_removals_at_once() {
    let app = TestApp::start().await;
    let (author, c, first) = app.sign_up_and_post("pia", "first").await;
    let fan = app.sign_up("quentin").await;
    // Read twice so that the page is cached before every change below.
    anonymous_first_page(&app, &c).await;
    assert_eq!(
        ids(&anonymous_first_page(&app, &c).await, "posts"),
        [first.as_str()]
    );

    let second = app.post_text(&author, &c, "second").await;
    assert_eq!(
        ids(&anonymous_first_page(&app, &c).await, "posts"),
        [second.as_str(), first.as_str()]
    );

    app.yeah(&fan, &first).await;
    assert_eq!(
        field(&anonymous_first_page(&app, &c).await, &first, "yeah_count"),
        1
    );
    app.delete(&format!("/api/v1/posts/{first}/yeah"), &fan)
        .await;
    assert_eq!(
        field(&anonymous_first_page(&app, &c).await, &first, "yeah_count"),
        0
    );

    app.comment(&fan, &second, "nice").await;
    assert_eq!(
        field(
            &anonymous_first_page(&app, &c).await,
            &second,
            "comment_count"
        ),
        1
    );

    removed_by_a_new_moderator(&app, "mod_rosa", &second).await;
    assert_eq!(
        ids(&anonymous_first_page(&app, &c).await, "posts"),
        [first.as_str()]
    );
}

#[tokio::test]
async fn the_popular_tab_shows_a_new_yeah_count_at_once_to_anonymous_readers() {
    let app = TestApp::start().await;
    let (_, c, post) = app.sign_up_and_post("sam", "loved post").await;
    let [first_fan, second_fan] = app.sign_ups(["tara", "ugo"]).await;
    app.yeah(&first_fan, &post).await;
    let popular = format!("/api/v1/communities/{c}/posts/popular");
    // Read twice so that the page is cached before the second Yeah.
    app.get(&popular, None).await;
    let (_, page) = app.get(&popular, None).await;
    assert_eq!(field(&page, &post, "yeah_count"), 1);

    app.yeah(&second_fan, &post).await;
    let (_, page) = app.get(&popular, None).await;
    assert_eq!(field(&page, &post, "yeah_count"), 2);
}

#[tokio::test]
async fn a_signed_in_reader_sees_their_own_yeah_and_a_new_post_at_once() {
    let app = TestApp::start().await;
    let (author, c, post) = app.sign_up_and_post("uma", "hello").await;
    let reader = app.sign_up("victor").await;
    let mine = |token: &str| {
        let path = format!("/api/v1/communities/{c}/posts");
        let token = token.to_owned();
        let app = &app;
        async move { app.get(&path, Some(&token)).await.1 }
    };
    anonymous_first_page(&app, &c).await;
    anonymous_first_page(&app, &c).await;
    // The reader's own first page is cached too: read it twice before the changes.
    mine(&reader).await;
    assert_eq!(field(&mine(&reader).await, &post, "yeahed_by_me"), false);

    app.yeah(&reader, &post).await;
    let newer = app.post_text(&author, &c, "newer").await;
    let page = mine(&reader).await;
    assert_eq!(ids(&page, "posts"), [newer.as_str(), post.as_str()]);
    assert_eq!(field(&page, &post, "yeahed_by_me"), true);
    assert_eq!(field(&page, &post, "yeah_count"), 1);
    // Anonymous readers share a page without anyone's own Yeahs.
    let shared = anonymous_first_page(&app, &c).await;
    assert_eq!(field(&shared, &post, "yeahed_by_me"), false);
    assert_eq!(field(&shared, &post, "yeah_count"), 1);
}

#[tokio::test]
async fn an_activity_feed_of_many_people_shows_a_follow_an_unfollow_and_a_block_at_once() {
    let app = TestApp::start().await;
    let (me, c) = app.sign_up_with_community("wanda").await;
    // More people than the feed names one by one, so the followed set travels as one value.
    let mut last_pal = String::new();
    for i in 0..24 {
        let name = format!("pal{i:02}");
        last_pal = app.sign_up(&name).await;
        app.post_text(&last_pal, &c, &format!("pal news {i}")).await;
        app.put(&format!("/api/v1/users/{name}/follow"), &me).await;
    }
    let newcomer = app.sign_up("xavier").await;
    let news = app.post_text(&newcomer, &c, "newcomer news").await;
    let feed = || async {
        ids(
            &app.get("/api/v1/feeds/activity", Some(&me)).await.1,
            "posts",
        )
    };
    assert!(!feed().await.contains(&news));

    app.put("/api/v1/users/xavier/follow", &me).await;
    assert_eq!(feed().await.first(), Some(&news));

    app.delete("/api/v1/users/xavier/follow", &me).await;
    assert!(!feed().await.contains(&news));

    let latest = app.post_text(&last_pal, &c, "latest").await;
    assert_eq!(feed().await.first(), Some(&latest));
    app.put("/api/v1/users/pal23/block", &me).await;
    let after_block = feed().await;
    assert!(!after_block.contains(&latest));
    assert_eq!(after_block.len(), 20, "the other pals' posts fill the page");
}

#[tokio::test]
async fn a_cached_activity_feed_shows_yeahs_comments_deletions_and_removals_at_once_to_its_reader_only()
 {
    let app = TestApp::start().await;
    let (pal, c, kept) = app.sign_up_and_post("yara", "kept").await;
    let doomed = app.post_text(&pal, &c, "doomed").await;
    let [me, other] = app.sign_ups(["zeno", "zora"]).await;
    for token in [&me, &other] {
        app.put("/api/v1/users/yara/follow", token).await;
    }
    let feed = |token: &str| {
        let token = token.to_owned();
        let app = &app;
        async move { app.get("/api/v1/feeds/activity", Some(&token)).await.1 }
    };
    // Read twice so that both readers' first pages are cached before every change below.
    for token in [&me, &other, &me, &other] {
        feed(token).await;
    }

    app.yeah(&me, &kept).await;
    let page = feed(&me).await;
    assert_eq!(field(&page, &kept, "yeahed_by_me"), true);
    assert_eq!(field(&page, &kept, "yeah_count"), 1);
    let theirs = feed(&other).await;
    assert_eq!(field(&theirs, &kept, "yeahed_by_me"), false);
    assert_eq!(field(&theirs, &kept, "yeah_count"), 1);

    app.comment(&other, &kept, "nice").await;
    assert_eq!(field(&feed(&me).await, &kept, "comment_count"), 1);

    app.delete(&format!("/api/v1/posts/{doomed}"), &pal).await;
    assert_eq!(ids(&feed(&me).await, "posts"), [kept.as_str()]);

    removed_by_a_new_moderator(&app, "mod_yves", &kept).await;
    assert!(ids(&feed(&me).await, "posts").is_empty());
    assert!(ids(&feed(&other).await, "posts").is_empty());
}

#[tokio::test]
async fn a_signed_in_readers_cached_community_page_shows_their_block_and_a_removal_at_once() {
    let app = TestApp::start().await;
    let (author, c, post) = app.sign_up_and_post("wendy", "visible for now").await;
    let reader = app.sign_up("xena").await;
    let page = || async {
        let path = format!("/api/v1/communities/{c}/posts");
        app.get(&path, Some(&reader)).await.1
    };
    page().await;
    assert_eq!(ids(&page().await, "posts"), [post.as_str()]);

    app.put("/api/v1/users/wendy/block", &reader).await;
    assert!(ids(&page().await, "posts").is_empty());
    app.delete("/api/v1/users/wendy/block", &reader).await;
    assert_eq!(ids(&page().await, "posts"), [post.as_str()]);

    // Removed by a moderator, the post leaves the reader's page; the author still sees it.
    removed_by_a_new_moderator(&app, "mod_yann", &post).await;
    assert!(ids(&page().await, "posts").is_empty());
    let path = format!("/api/v1/communities/{c}/posts");
    assert_eq!(
        ids(&app.get(&path, Some(&author)).await.1, "posts"),
        [post.as_str()]
    );
}

#[tokio::test]
async fn an_anonymous_post_page_shows_new_comments_yeahs_and_a_removal_at_once() {
    let app = TestApp::start().await;
    let (_, _, post) = app.sign_up_and_post("ines", "a post to read").await;
    let [commenter, fan] = app.sign_ups(["jules", "kiki"]).await;
    let browser = Browser::new(&app);
    let page = || async { browser.get(&format!("/posts/{post}")).await };
    // Read twice so that the page is cached before every change below.
    page().await;
    let (status, html) = page().await;
    assert_eq!(status.as_u16(), 200);
    assert!(html.contains("a post to read"));
    assert!(!html.contains("first comment here"));

    let comment = app.comment(&commenter, &post, "first comment here").await;
    assert!(page().await.1.contains("first comment here"));
    assert!(!page().await.1.contains("kiki"));
    app.yeah(&fan, &post).await;
    assert!(
        page().await.1.contains("kiki"),
        "the new Yeah's giver is listed"
    );
    app.delete_comment(&commenter, &comment).await;
    assert!(!page().await.1.contains("first comment here"));

    removed_by_a_new_moderator(&app, "mod_lou", &post).await;
    assert_eq!(page().await.0.as_u16(), 404);
}

#[tokio::test]
async fn signed_out_readers_share_a_rendered_community_page_each_with_their_own_token() {
    let app = TestApp::start().await;
    let (author, c, _) = app.sign_up_and_post("sia", "first words").await;
    let url = app.community_url(&c).await;
    let (ann, bob) = (Browser::new(&app), Browser::new(&app));
    // Ann's first visit renders the page; her second and Bob's first may be the kept one.
    let first_visit = token_in(&ann.get(&url).await.1);
    let (_, page) = ann.get(&url).await;
    let ann_token = token_in(&page);
    assert_eq!(ann_token, first_visit, "her cookie's token, both times");
    let (_, bobs) = bob.get(&url).await;
    let bob_token = token_in(&bobs);
    assert_ne!(ann_token, bob_token);
    for (page, token) in [(&page, &ann_token), (&bobs, &bob_token)] {
        assert!(page.contains("first words"));
        assert_eq!(
            page.matches(&format!("name=\"csrf\" value=\"{token}\""))
                .count(),
            page.matches("name=\"csrf\"").count(),
            "every form carries the reader's own token"
        );
    }
    // Each token works for its reader only.
    for (token, status) in [
        (&ann_token, StatusCode::FORBIDDEN),
        (&bob_token, StatusCode::SEE_OTHER),
    ] {
        let fields = [("csrf", token.as_str()), ("lang", "en")];
        assert_eq!(bob.submit("/language", &fields).await.status(), status);
    }

    // Another language is a page of its own.
    for lang in ["ja", "en"] {
        let (status, page) = Browser::new(&app).get_in(&url, lang).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains(&format!("<html lang=\"{lang}\">")), "{lang}");
    }

    // A new post and a new name show at once.
    app.post_text(&author, &c, "second words").await;
    assert!(ann.get(&url).await.1.contains("second words"));
    let admin = app.admin_token("tara").await;
    let (_, community) = app.get(&format!("/api/v1/communities/{c}"), None).await;
    let rename = json!({"title_id": community["community"]["title_id"], "name": "Renamed Place"});
    let path = format!("/api/v1/communities/{c}");
    let (status, body) = app
        .call(Method::PATCH, &path, Some(&admin), Some(rename))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(ann.get(&url).await.1.contains("Renamed Place"));
}

#[tokio::test]
async fn a_post_page_shared_by_signed_out_readers_shows_a_new_comment_and_a_removal_at_once() {
    let app = TestApp::start().await;
    let (author, _, post) = app.sign_up_and_post("uma", "look at this").await;
    let path = format!("/posts/{post}");
    let (ann, bob) = (Browser::new(&app), Browser::new(&app));
    ann.get(&path).await;
    let (_, page) = ann.get(&path).await;
    let (_, bobs) = bob.get(&path).await;
    assert_ne!(token_in(&page), token_in(&bobs));
    assert!(bobs.contains("look at this"));
    app.comment(&author, &post, "first comment").await;
    assert!(ann.get(&path).await.1.contains("first comment"));
    removed_by_a_new_moderator(&app, "mod_vera", &post).await;
    assert_eq!(bob.get(&path).await.0, StatusCode::NOT_FOUND);
}
