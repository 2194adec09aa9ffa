//! The review queue's two orders, and what lifting a ban shows again.

use crate::helpers::{Browser, TestApp, assert_page};
use crate::moderation::{act_ok, admin, appoint, report, report_ok};
use plaza_test_support::{assert_error, assert_status};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The queue's target ids in `sort`'s order, as `token`'s owner sees it.
async fn queue_order(app: &TestApp, token: &str, sort: Option<&str>) -> Vec<String> {
    let path = sort.map_or_else(
        || "/api/v1/moderation/queue".to_owned(),
        |s| format!("/api/v1/moderation/queue?sort={s}"),
    );
    let body = assert_status(app.get(&path, Some(token)).await, 200);
    body["queue"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["target"]["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_queue_shows_the_newest_or_the_most_reported_first() {
    let app = TestApp::start_configured(None, |c| c.moderation.hide_reports = 10).await;
    let boss = admin(&app, "boss").await;
    let [r1, r2, r3] = app.sign_ups(["rep1", "rep2", "rep3"]).await;
    let (author, community, crowded) = app.sign_up_and_post("author", "reported by many").await;
    let recent = app
        .post_text(&author, &community, "reported just now")
        .await;
    for reporter in [&r1, &r2, &r3] {
        report_ok(&app, reporter, "post", &crowded, "spam").await;
    }
    report_ok(&app, &r1, "post", &recent, "spam").await;

    let newest = vec![recent.clone(), crowded.clone()];
    let most = vec![crowded.clone(), recent.clone()];
    assert_eq!(queue_order(&app, &boss, None).await, newest);
    assert_eq!(queue_order(&app, &boss, Some("newest")).await, newest);
    assert_eq!(queue_order(&app, &boss, Some("most_reported")).await, most);
    // The page offers both orders and marks the one shown.
    let (browser, _) = Browser::signed_in(&app, "boss").await;
    for (sort, first, second) in [
        ("newest", "reported just now", "reported by many"),
        ("most_reported", "reported by many", "reported just now"),
    ] {
        let page = assert_page(browser.get(&format!("/moderation?sort={sort}")).await, 200);
        assert!(
            page.contains(&format!(
                "href=\"/moderation?sort={sort}\" aria-current=\"page\""
            )),
            "{page}"
        );
        let (a, b) = (page.find(first).unwrap(), page.find(second).unwrap());
        assert!(a < b, "{sort}: {first} before {second}");
    }
    // Two more reports tie the two; the more recently reported wins the tie.
    report_ok(&app, &r2, "post", &recent, "spam").await;
    report_ok(&app, &r3, "post", &recent, "spam").await;
    let (_, body) = app
        .get("/api/v1/moderation/queue?sort=most_reported", Some(&boss))
        .await;
    assert_eq!(body["queue"][0]["target"]["id"], recent.as_str(), "{body}");
    assert_eq!(body["queue"][0]["open_reports"], 3);
    assert_eq!(body["queue"][1]["open_reports"], 3);
    assert!(body["next_cursor"].is_null());

    // A bad order or a cursor of the other order is refused.
    let (status, body) = app
        .get("/api/v1/moderation/queue?sort=loudest", Some(&boss))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["error"].is_string(), "{body}");
    let key_cursor = plaza_types::Cursor::Key(i64::MAX).encode();
    assert_error(
        app.get(
            &format!("/api/v1/moderation/queue?sort=most_reported&cursor={key_cursor}"),
            Some(&boss),
        )
        .await,
        400,
        "invalid_cursor",
    );

    // Acting from the page goes back to the queue in the order it was shown.
    let csrf = browser.csrf("/moderation?sort=most_reported").await;
    let answer = browser
        .submit(
            &format!("/moderation/post/{recent}"),
            &[
                ("csrf", csrf.as_str()),
                ("action", "dismiss"),
                ("reason", ""),
                ("duration_hours", ""),
                ("sort", "most_reported"),
            ],
        )
        .await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        answer.headers()["location"],
        "/moderation?sort=most_reported"
    );
    let (_, page) = browser.get("/moderation?sort=most_reported").await;
    assert!(page.contains("reported by many") && !page.contains("reported just now"));
}

#[tokio::test]
async fn the_queue_pages_through_the_most_reported_without_repeats() {
    let app = TestApp::start_configured(None, |c| c.moderation.hide_reports = 10).await;
    let boss = admin(&app, "boss").await;
    let [r1, r2] = app.sign_ups(["rep1", "rep2"]).await;
    let (author, community, first) = app.sign_up_and_post("author", "post 0").await;
    let mut posts = vec![first];
    for i in 1..22 {
        posts.push(
            app.post_text(&author, &community, &format!("post {i}"))
                .await,
        );
    }
    for (i, post) in posts.iter().enumerate() {
        report(&app, &r1, "post", post, "spam").await;
        if i % 2 == 0 {
            report(&app, &r2, "post", post, "spam").await;
        }
    }
    let (_, page1) = app
        .get("/api/v1/moderation/queue?sort=most_reported", Some(&boss))
        .await;
    let cursor = page1["next_cursor"].as_str().expect("a second page");
    let (_, page2) = app
        .get(
            &format!("/api/v1/moderation/queue?sort=most_reported&cursor={cursor}"),
            Some(&boss),
        )
        .await;
    let counts = |p: &Value| -> Vec<(i64, String)> {
        p["queue"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["open_reports"].as_i64().unwrap(),
                    i["target"]["id"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let mut all = counts(&page1);
    all.extend(counts(&page2));
    assert_eq!(all.len(), 22, "every target once");
    let twice = all.iter().take_while(|(n, _)| *n == 2).count();
    assert_eq!(twice, 11, "the eleven reported twice come first: {all:?}");
    let mut ids: Vec<&String> = all.iter().map(|(_, id)| id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 22);
    assert!(page2["next_cursor"].is_null());
}

#[tokio::test]
async fn lifting_a_ban_shows_again_what_it_hid_but_not_what_moderators_hid_on_their_own() {
    let app = TestApp::start().await;
    let boss = admin(&app, "boss").await;
    let (troll, community, shown_again) = app.sign_up_and_post("troll", "first post").await;
    let hidden_before = app.post_text(&troll, &community, "hidden before").await;
    let removed_during = app.post_text(&troll, &community, "removed during").await;
    let (friend, _, friends_post) = app.sign_up_and_post("friend", "friend's post").await;
    let comment = app.comment(&troll, &friends_post, "troll's comment").await;
    let with = |action: &str, reason: &str| json!({"action": action, "reason": reason});
    act_ok(
        &app,
        &boss,
        "posts",
        &hidden_before,
        with("hide", "Off topic"),
    )
    .await;
    let ban = json!({"action": "ban", "reason": "Spam bot", "hide_content": true});
    act_ok(&app, &boss, "accounts", "troll", ban).await;
    let (_, seen) = app.read_post_as(&boss, &shown_again).await;
    assert_eq!(seen["post"]["moderation"], "hidden_with_account", "{seen}");
    assert_error(app.read_post(&shown_again).await, 404, "not_found");
    let (_, comments) = app.comments_of(&friends_post).await;
    assert!(comments["comments"].as_array().unwrap().is_empty());
    act_ok(
        &app,
        &boss,
        "posts",
        &removed_during,
        with("remove", "Really bad"),
    )
    .await;

    act_ok(&app, &boss, "accounts", "troll", json!({"action": "lift"})).await;

    // What the ban hid is back at once, for everyone; the separate decisions stand.
    let body = assert_status(app.read_post(&shown_again).await, 200);
    assert_eq!(body["post"]["moderation"], "visible");
    let (_, body) = app.get("/api/v1/users/troll/posts", Some(&friend)).await;
    assert_eq!(body["posts"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(body["posts"][0]["body"], "first post");
    let (_, comments) = app.comments_of(&friends_post).await;
    assert_eq!(comments["comments"][0]["id"], comment.as_str());
    assert_error(app.read_post(&hidden_before).await, 404, "not_found");
    assert_error(app.read_post(&removed_during).await, 404, "not_found");
    let (_, body) = app.read_post_as(&boss, &hidden_before).await;
    assert_eq!(body["post"]["moderation"], "hidden");
    assert_eq!(body["post"]["moderation_reason"], "Off topic");
    let (_, body) = app.read_post_as(&boss, &removed_during).await;
    assert_eq!(body["post"]["moderation"], "removed");
    // And the account may write again.
    let (status, body) = app
        .post_in(
            &troll_after_lift(&app).await,
            &community,
            json!({"body": "back"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// The banned account's new token after the lift (a ban ended every session).
async fn troll_after_lift(app: &TestApp) -> String {
    let body = assert_status(app.create_session("troll", "password1").await, 201);
    body["token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn lifting_a_suspension_changes_no_content() {
    let app = TestApp::start().await;
    let boss = admin(&app, "boss").await;
    let (_, community, post) = app.sign_up_and_post("author", "visible post").await;
    let mod_ = app.sign_up("modone").await;
    appoint(&app, &boss, "modone", None).await;
    let held = app.post_text(&boss, &community, "unrelated").await;
    let hide = json!({"action": "hide", "reason": "Later"});
    act_ok(&app, &mod_, "posts", &post, hide).await;
    let suspend = json!({"action": "suspend", "reason": "Cool off", "duration_hours": 2});
    act_ok(&app, &mod_, "accounts", "author", suspend).await;
    act_ok(&app, &mod_, "accounts", "author", json!({"action": "lift"})).await;
    assert_error(app.read_post(&post).await, 404, "not_found");
    assert_status(app.read_post(&held).await, 200);
}
