//! Word filters and banned sign-up ranges: what admins add is enforced at once, whatever form the
//! words are written in, and everyone else is refused and changes nothing.

use crate::helpers::{Browser, TestApp, assert_page};
use plaza_test_support::{assert_error, assert_status};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// An admin and a member with a community to post in.
async fn setup(app: &TestApp) -> (String, String, String) {
    let admin = app.sign_up("filteradmin").await;
    app.make_admin("filteradmin").await;
    let (member, community) = app.sign_up_with_community("member").await;
    (admin, member, community)
}

async fn add_word(app: &TestApp, admin: &str, body: Value) -> (StatusCode, Value) {
    app.post("/api/v1/admin/word_filters", Some(admin), body)
        .await
}

async fn post_count(app: &TestApp, community: &str) -> usize {
    let (_, body) = app
        .get(&format!("/api/v1/communities/{community}/posts"), None)
        .await;
    body["posts"].as_array().unwrap().len()
}

#[tokio::test]
async fn a_refused_word_is_caught_in_full_width_half_width_either_case_and_either_kana() {
    let app = TestApp::start().await;
    let (admin, member, community) = setup(&app).await;
    let (status, body) =
        add_word(&app, &admin, json!({"pattern": "Spam", "action": "refuse"})).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["word_filter"]["pattern"], "Spam");
    assert_eq!(body["word_filter"]["community_id"], Value::Null);
    let (status, _) = add_word(&app, &admin, json!({"pattern": "バカ", "action": "refuse"})).await;
    assert_eq!(status, StatusCode::CREATED);

    for text in [
        "buy ＳＰＡＭ here",
        "SPAM",
        "spam",
        "ｓｐａｍ",
        "ばかだね",
        "バカ",
        "ﾊﾞｶ",
    ] {
        let answer = app
            .post_in(&member, &community, json!({"body": text}))
            .await;
        assert_error(answer, 422, "restricted_words");
    }
    assert_eq!(post_count(&app, &community).await, 0, "nothing was posted");
    // Words that only look alike pass.
    let answer = app
        .post_in(&member, &community, json!({"body": "はかる span"}))
        .await;
    assert_status(answer, 201);
}

#[tokio::test]
async fn comments_topic_tags_drawing_descriptions_and_profiles_are_filtered_too() {
    let app = TestApp::start().await;
    let (admin, member, community) = setup(&app).await;
    let post = app.post_text(&member, &community, "a fine post").await;
    add_word(
        &app,
        &admin,
        json!({"pattern": "forbidden", "action": "refuse"}),
    )
    .await;

    let answer = app
        .comment_on(&member, &post, json!({"body": "FORBIDDEN words"}))
        .await;
    assert_error(answer, 422, "restricted_words");
    let answer = app
        .post_in(
            &member,
            &community,
            json!({"body": "ok", "topic_tag": "Ｆｏｒｂｉｄｄｅｎ"}),
        )
        .await;
    assert_error(answer, 422, "restricted_words");
    let answer = app
        .call(
            reqwest::Method::PATCH,
            "/api/v1/me",
            Some(&member),
            Some(json!({"bio": "I say forbidden things"})),
        )
        .await;
    assert_error(answer, 422, "restricted_words");
    let (_, me) = app.me(&member).await;
    assert_eq!(me["user"]["bio"], "", "the profile is unchanged");
    let (_, comments) = app.comments_of(&post).await;
    assert_eq!(comments["comments"].as_array().unwrap().len(), 0);
    assert_eq!(post_count(&app, &community).await, 1);
}

#[tokio::test]
async fn a_community_list_applies_only_in_its_community() {
    let app = TestApp::start().await;
    let (admin, member, community) = setup(&app).await;
    let (status, body) = add_word(
        &app,
        &admin,
        json!({"pattern": "ネタバレ", "action": "refuse", "community_id": community}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["word_filter"]["community_id"], community.as_str());
    let answer = app
        .post_in(&member, &community, json!({"body": "ねたばれ注意"}))
        .await;
    assert_error(answer, 422, "restricted_words");

    let (status, other) = app
        .post(
            "/api/v1/communities",
            Some(&admin),
            json!({"title_id": "other", "name": "Other game", "description": ""}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{other}");
    let other = other["community"]["id"].as_str().unwrap().to_owned();
    let answer = app
        .post_in(&member, &other, json!({"body": "ねたばれ注意"}))
        .await;
    assert_status(answer, 201);

    // The list reads back per community; the global list is apart.
    let (_, list) = app
        .get(
            &format!("/api/v1/admin/word_filters?community_id={community}"),
            Some(&admin),
        )
        .await;
    assert_eq!(list["word_filters"].as_array().unwrap().len(), 1);
    let (_, list) = app.get("/api/v1/admin/word_filters", Some(&admin)).await;
    assert_eq!(list["word_filters"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn a_holding_word_publishes_the_post_pending_review() {
    let app = TestApp::start().await;
    let (admin, member, community) = setup(&app).await;
    add_word(
        &app,
        &admin,
        json!({"pattern": "giveaway", "action": "hold"}),
    )
    .await;
    let (status, body) = app
        .post_in(&member, &community, json!({"body": "Free GIVEAWAY"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["post"]["id"].as_str().unwrap();
    let (_, post) = app.read_post_as(&member, id).await;
    assert_eq!(post["post"]["moderation"], "pending_review", "{post}");
    let plain = app.post_text(&member, &community, "a plain post").await;
    let (_, post) = app.read_post_as(&member, &plain).await;
    assert_eq!(post["post"]["moderation"], "visible");
}

#[tokio::test]
async fn removing_an_entry_lets_the_word_through_at_once() {
    let app = TestApp::start().await;
    let (admin, member, community) = setup(&app).await;
    let (_, body) = add_word(
        &app,
        &admin,
        json!({"pattern": "later", "action": "refuse"}),
    )
    .await;
    let id = body["word_filter"]["id"].as_str().unwrap();
    assert_error(
        app.post_in(&member, &community, json!({"body": "see you later"}))
            .await,
        422,
        "restricted_words",
    );
    let (status, _) = app
        .delete(&format!("/api/v1/admin/word_filters/{id}"), &admin)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_status(
        app.post_in(&member, &community, json!({"body": "see you later"}))
            .await,
        201,
    );
    assert_error(
        app.delete(&format!("/api/v1/admin/word_filters/{id}"), &admin)
            .await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn only_admins_edit_the_lists_and_bad_entries_are_refused() {
    let app = TestApp::start().await;
    let (admin, member, _) = setup(&app).await;
    let entry = json!({"pattern": "word", "action": "refuse"});
    assert_error(
        add_word(&app, &member, entry.clone()).await,
        403,
        "admin_only",
    );
    assert_error(
        app.post("/api/v1/admin/word_filters", None, entry.clone())
            .await,
        401,
        "unauthenticated",
    );
    assert_error(
        app.get("/api/v1/admin/word_filters", Some(&member)).await,
        403,
        "admin_only",
    );
    let (_, list) = app.get("/api/v1/admin/word_filters", Some(&admin)).await;
    assert_eq!(list["word_filters"].as_array().unwrap().len(), 0);

    for bad in ["", "   ", &"x".repeat(101)] {
        assert_error(
            add_word(&app, &admin, json!({"pattern": bad, "action": "refuse"})).await,
            422,
            "invalid_pattern",
        );
    }
    assert_status(add_word(&app, &admin, entry).await, 201);
    // The same word in another form is the same entry.
    assert_error(
        add_word(
            &app,
            &admin,
            json!({"pattern": "ＷＯＲＤ", "action": "hold"}),
        )
        .await,
        409,
        "duplicate_pattern",
    );
    assert_error(
        add_word(
            &app,
            &admin,
            json!({"pattern": "w", "action": "refuse", "community_id": "12345"}),
        )
        .await,
        404,
        "not_found",
    );
    let (_, list) = app.get("/api/v1/admin/word_filters", Some(&admin)).await;
    assert_eq!(list["word_filters"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn admins_edit_the_global_list_in_the_pages_with_the_form_key() {
    let app = TestApp::start().await;
    app.sign_up("pageadmin").await;
    app.make_admin("pageadmin").await;
    let (browser, csrf) = Browser::signed_in(&app, "pageadmin").await;
    let page = assert_page(browser.get("/admin/word_filters").await, 200);
    assert!(page.contains("name=\"pattern\""), "{page}");

    let r = browser
        .submit(
            "/admin/word_filters",
            &[("csrf", "wrong"), ("pattern", "nope"), ("action", "refuse")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = browser
        .submit(
            "/admin/word_filters",
            &[
                ("csrf", &csrf),
                ("pattern", "<b>nope</b>"),
                ("action", "refuse"),
            ],
        )
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    let (_, page) = browser.get("/admin/word_filters").await;
    assert!(
        page.contains("&#60;b&#62;nope&#60;/b&#62;"),
        "escaped: {page}"
    );
    assert!(!page.contains("<b>nope"), "{page}");

    let (member, community) = app.sign_up_with_community("reader").await;
    assert_error(
        app.post_in(&member, &community, json!({"body": "<B>NOPE</B>"}))
            .await,
        422,
        "restricted_words",
    );
    // A member is refused the page.
    let (other, _) = Browser::signed_in(&app, "reader").await;
    assert_page(other.get("/admin/word_filters").await, 403);
}

async fn sign_up_from(app: &TestApp, from: &str, name: &str) -> (StatusCode, Value) {
    let r = app
        .client
        .post(format!("{}/api/v1/accounts", app.url))
        .header("x-forwarded-for", from)
        .json(&json!({"username": name, "password": "password1"}))
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap())
}

#[tokio::test]
async fn sign_ups_from_a_banned_range_are_refused_behind_trusted_proxies() {
    let app = TestApp::start_configured(None, |c| {
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap(), "::1".parse().unwrap()];
    })
    .await;
    let admin = app.sign_up("rangeadmin").await;
    app.make_admin("rangeadmin").await;
    let (status, body) = app
        .post(
            "/api/v1/admin/banned_ranges",
            Some(&admin),
            json!({"cidr": "198.51.100.77/24", "reason": "spam wave"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    assert_eq!(body["banned_range"]["cidr"], "198.51.100.0/24");
    let id = body["banned_range"]["id"].as_str().unwrap().to_owned();
    let (status, _) = app
        .post(
            "/api/v1/admin/banned_ranges",
            Some(&admin),
            json!({"cidr": "2001:db8::/32", "reason": "spam wave"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    for (from, name) in [("198.51.100.3", "banned4"), ("2001:db8::9", "banned6")] {
        let answer = sign_up_from(&app, from, name).await;
        assert_error(answer, 403, "signup_banned");
        let (status, _) = app.get(&format!("/api/v1/users/{name}"), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "no account was made");
    }
    // A forged entry left of the proxy's does not get past the ban.
    let answer = sign_up_from(&app, "203.0.113.1, 198.51.100.3", "forger").await;
    assert_error(answer, 403, "signup_banned");
    assert_status(sign_up_from(&app, "203.0.113.1", "outsider").await, 201);

    let (status, _) = app
        .delete(&format!("/api/v1/admin/banned_ranges/{id}"), &admin)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_status(sign_up_from(&app, "198.51.100.3", "welcome").await, 201);
    let (_, list) = app.get("/api/v1/admin/banned_ranges", Some(&admin)).await;
    assert_eq!(list["banned_ranges"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn only_admins_ban_ranges_and_bad_ranges_are_refused() {
    let app = TestApp::start().await;
    let admin = app.sign_up("rangeboss").await;
    app.make_admin("rangeboss").await;
    let member = app.sign_up("plainmember").await;
    let range = json!({"cidr": "10.0.0.0/8", "reason": "test"});
    assert_error(
        app.post("/api/v1/admin/banned_ranges", Some(&member), range.clone())
            .await,
        403,
        "admin_only",
    );
    for (cidr, reason, code) in [
        ("10.0.0.0/33", "r", "invalid_cidr"),
        ("example.com", "r", "invalid_cidr"),
        ("10.0.0.0/8", "", "invalid_reason"),
        ("10.0.0.0/8", &"r".repeat(201), "invalid_reason"),
    ] {
        assert_error(
            app.post(
                "/api/v1/admin/banned_ranges",
                Some(&admin),
                json!({"cidr": cidr, "reason": reason}),
            )
            .await,
            422,
            code,
        );
    }
    assert_status(
        app.post("/api/v1/admin/banned_ranges", Some(&admin), range.clone())
            .await,
        201,
    );
    assert_error(
        app.post("/api/v1/admin/banned_ranges", Some(&admin), range)
            .await,
        409,
        "duplicate_range",
    );
    let (_, list) = app.get("/api/v1/admin/banned_ranges", Some(&admin)).await;
    assert_eq!(list["banned_ranges"].as_array().unwrap().len(), 1);
    // Test clients come from 127.0.0.1, outside the range: sign-ups go on.
    app.sign_up("stillwelcome").await;
}

#[tokio::test]
async fn admins_ban_ranges_in_the_pages_and_a_bad_range_is_shown_back() {
    let app = TestApp::start().await;
    app.sign_up("pagebanner").await;
    app.make_admin("pagebanner").await;
    let (browser, csrf) = Browser::signed_in(&app, "pagebanner").await;
    let r = browser
        .submit(
            "/admin/banned_ranges",
            &[("csrf", "forged"), ("cidr", "10.1.0.0/16"), ("reason", "x")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = browser
        .submit(
            "/admin/banned_ranges",
            &[("csrf", &csrf), ("cidr", "10.1.0.0/99"), ("reason", "x")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("CIDR"), "{page}");
    assert!(
        page.contains("10.1.0.0/99"),
        "the form keeps what was typed"
    );
    let r = browser
        .submit(
            "/admin/banned_ranges",
            &[
                ("csrf", &csrf),
                ("cidr", "10.1.2.3/16"),
                ("reason", "a bot farm"),
            ],
        )
        .await;
    assert!(r.status().is_redirection(), "{}", r.status());
    let (_, page) = browser.get("/admin/banned_ranges").await;
    assert!(
        page.contains("10.1.0.0/16") && page.contains("a bot farm"),
        "{page}"
    );
    let admin = app.create_session("pagebanner", "password1").await.1["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, list) = app.get("/api/v1/admin/banned_ranges", Some(&admin)).await;
    assert_eq!(list["banned_ranges"][0]["cidr"], "10.1.0.0/16");
}
