//! Moderation end to end: reports and their thresholds, the review queue, moderators' actions
//! and what the author, the reporters and everyone else then see, the audit log, suspensions
//! and bans.

use crate::helpers::{TestApp, assert_page};
use plaza_test_support::{assert_error, assert_status};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The ids of the first two default communities.
pub async fn two_communities(app: &TestApp) -> (String, String) {
    let (_, body) = app.get("/api/v1/communities", None).await;
    let id = |i: usize| body["communities"][i]["id"].as_str().unwrap().to_owned();
    (id(0), id(1))
}

/// Makes `admin` an admin (signing them up) and has them appoint `name` a moderator of
/// `community` (all communities when `None`); returns the admin's token.
pub async fn appoint(app: &TestApp, admin: &str, name: &str, community: Option<&str>) {
    let (status, body) = app
        .post(
            "/api/v1/moderation/moderators",
            Some(admin),
            json!({"username": name, "community_id": community}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// Signs `name` up and makes them an admin; their token.
pub async fn admin(app: &TestApp, name: &str) -> String {
    let token = app.sign_up(name).await;
    app.make_admin(name).await;
    token
}

pub async fn report(
    app: &TestApp,
    token: &str,
    kind: &str,
    id: &str,
    reason: &str,
) -> (StatusCode, Value) {
    app.post(
        "/api/v1/reports",
        Some(token),
        json!({"target_kind": kind, "target_id": id, "reason": reason, "body": "please look"}),
    )
    .await
}

pub async fn act(
    app: &TestApp,
    token: &str,
    kind: &str,
    id: &str,
    body: Value,
) -> (StatusCode, Value) {
    app.post(
        &format!("/api/v1/moderation/{kind}/{id}/actions"),
        Some(token),
        body,
    )
    .await
}

/// [`act`], which must succeed; its answer.
pub async fn act_ok(app: &TestApp, token: &str, kind: &str, id: &str, body: Value) -> Value {
    assert_status(act(app, token, kind, id, body).await, 200)
}

/// [`report`], which must be accepted; its answer.
pub async fn report_ok(app: &TestApp, token: &str, kind: &str, id: &str, reason: &str) -> Value {
    assert_status(report(app, token, kind, id, reason).await, 201)
}

fn post_ids(body: &Value) -> Vec<String> {
    plaza_test_support::field_of_each(body, "posts", "id")
}

async fn community_posts(app: &TestApp, community: &str, token: Option<&str>) -> Vec<String> {
    let (status, body) = app
        .get(&format!("/api/v1/communities/{community}/posts"), token)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    post_ids(&body)
}

/// The notifications of `token`'s owner after every job ran (but purges waiting for later).
pub async fn notifications(app: &TestApp, token: &str) -> Vec<Value> {
    app.drain_until_only_purges().await;
    let body = assert_status(app.get("/api/v1/notifications", Some(token)).await, 200);
    body["notifications"].as_array().unwrap().clone()
}

#[tokio::test]
async fn three_reports_hide_a_post_and_a_community_moderator_removes_it_telling_everyone() {
    let app = TestApp::start().await;
    let (community, _) = two_communities(&app).await;
    let boss = admin(&app, "boss").await;
    let [author, mod_, r1, r2, r3] = app
        .sign_ups(["author", "modone", "rep1", "rep2", "rep3"])
        .await;
    appoint(&app, &boss, "modone", Some(&community)).await;
    let post = app.post_text(&author, &community, "something nasty").await;

    for (i, reporter) in [&r1, &r2].into_iter().enumerate() {
        let body = report_ok(&app, reporter, "post", &post, "harassment").await;
        assert_eq!(body["report"]["hidden"], false, "report {i}");
    }
    assert!(
        community_posts(&app, &community, None)
            .await
            .contains(&post)
    );
    let body = report_ok(&app, &r3, "post", &post, "harassment").await;
    assert_eq!(body["report"]["hidden"], true);

    // Hidden pending review: gone for visitors and members, shown to its author and moderator.
    assert!(
        !community_posts(&app, &community, None)
            .await
            .contains(&post)
    );
    assert!(
        !community_posts(&app, &community, Some(&r1))
            .await
            .contains(&post)
    );
    assert_error(app.read_post(&post).await, 404, "not_found");
    let (status, body) = app.read_post_as(&author, &post).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["post"]["moderation"], "pending_review");
    assert!(
        community_posts(&app, &community, Some(&mod_))
            .await
            .contains(&post)
    );

    // The queue shows it with its three reports and the author.
    let queue = assert_status(app.get("/api/v1/moderation/queue", Some(&mod_)).await, 200);
    let item = &queue["queue"][0];
    assert_eq!(item["target"]["id"], post.as_str());
    assert_eq!(item["target"]["kind"], "post");
    assert_eq!(item["open_reports"], 3);
    assert_eq!(item["post"]["body"], "something nasty");
    assert_eq!(item["author"]["username"], "author");
    assert_eq!(item["reports"].as_array().unwrap().len(), 3);

    let body = act_ok(
        &app,
        &mod_,
        "posts",
        &post,
        json!({"action": "remove", "reason": "Harassing another player"}),
    )
    .await;
    assert_eq!(body["entry"]["action"], "remove");
    assert_eq!(body["entry"]["report_count"], 3);

    // The author is told why; the reporters that it was handled.
    let told = notifications(&app, &author).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert_eq!(told[0]["kind"], "staff_notice");
    assert!(
        told[0]["actors"].as_array().unwrap().is_empty(),
        "no moderator is named"
    );
    let notice = told[0]["target_id"].as_str().unwrap().to_owned();
    let (status, body) = app
        .get(&format!("/api/v1/notices/{notice}"), Some(&author))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["notice"]["action"], "remove");
    assert_eq!(body["notice"]["reason"], "Harassing another player");
    let (_, body) = app.read_post_as(&author, &post).await;
    assert_eq!(body["post"]["moderation"], "removed");
    assert_eq!(
        body["post"]["moderation_reason"],
        "Harassing another player"
    );
    for reporter in [&r1, &r2, &r3] {
        let told = notifications(&app, reporter).await;
        assert_eq!(told.len(), 1, "{told:?}");
        assert_eq!(told[0]["kind"], "report_handled");
        let (status, body) = app
            .get(&format!("/api/v1/notices/{notice}"), Some(reporter))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert!(
            body["notice"]["reason"].is_null(),
            "reporters are not shown the reason"
        );
    }
    // Nobody else reads the notice.
    let stranger = app.sign_up("stranger").await;
    assert_error(
        app.get(&format!("/api/v1/notices/{notice}"), Some(&stranger))
            .await,
        404,
        "not_found",
    );

    // The queue is empty and the audit log shows who did what, when and why.
    let (_, queue) = app.get("/api/v1/moderation/queue", Some(&mod_)).await;
    assert!(queue["queue"].as_array().unwrap().is_empty(), "{queue}");
    let log = assert_status(app.get("/api/v1/moderation/log", Some(&boss)).await, 200);
    let removal = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "remove")
        .expect("the removal is logged");
    assert_eq!(removal["actor"]["username"], "modone");
    assert_eq!(removal["reason"], "Harassing another player");
    assert_eq!(removal["target"]["id"], post.as_str());
    assert!(removal["created_at"].is_string());
    let held = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["action"] == "hold_for_review" && e["actor"].is_null());
    assert!(held, "the system's hold is logged too: {log}");
}

#[tokio::test]
async fn one_report_per_person_and_target_a_second_is_refused() {
    let app = TestApp::start().await;
    let (_, community, post) = app.sign_up_and_post("author", "hello").await;
    let reader = app.sign_up("reader").await;
    let _ = community;
    report_ok(&app, &reader, "post", &post, "spam").await;
    assert_error(
        report(&app, &reader, "post", &post, "harassment").await,
        409,
        "already_reported",
    );
    let (_, user) = app.get("/api/v1/users/author", None).await;
    let author_id = user["user"]["id"].as_str().unwrap().to_owned();
    let (status, body) = report(&app, &reader, "account", &author_id, "spam").await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "a different target is a new report: {body}"
    );
}

#[tokio::test]
async fn bad_reports_are_refused_with_a_clear_error_and_change_nothing() {
    let app = TestApp::start().await;
    let (author, _, post) = app.sign_up_and_post("author", "hello").await;
    let reader = app.sign_up("reader").await;
    let answer = app
        .post(
            "/api/v1/reports",
            Some(&reader),
            json!({"target_kind": "post", "target_id": post, "reason": "other"}),
        )
        .await;
    assert_error(answer, 422, "report_reason_required");
    let answer = app
        .post("/api/v1/reports", Some(&reader), json!({"target_kind": "post", "target_id": post, "reason": "spam", "body": "x".repeat(501)}))
        .await;
    assert_error(answer, 422, "report_too_long");
    let answer = app
        .post(
            "/api/v1/reports",
            Some(&reader),
            json!({"target_kind": "post", "target_id": post, "reason": "rude"}),
        )
        .await;
    assert_eq!(answer.0.as_u16(), 422, "{}", answer.1);
    assert_error(
        report(&app, &author, "post", &post, "spam").await,
        403,
        "cannot_report_own",
    );
    assert_error(
        report(&app, &reader, "post", "123456789", "spam").await,
        404,
        "not_found",
    );
    assert_error(
        app.post(
            "/api/v1/reports",
            None,
            json!({"target_kind": "post", "target_id": post, "reason": "spam"}),
        )
        .await,
        401,
        "unauthenticated",
    );
    // None of those counted: the reader may still report it once.
    report_ok(&app, &reader, "post", &post, "spam").await;
}

#[tokio::test]
async fn spoiler_reports_by_enough_distinct_people_mark_the_post_a_spoiler() {
    let app = TestApp::start().await;
    let (_, _, post) = app
        .sign_up_and_post("author", "the ending: everyone was a ghost")
        .await;
    let [a, b] = app.sign_ups(["alice", "bob"]).await;
    let (_, body) = report(&app, &a, "post", &post, "spoiler").await;
    assert_eq!(body["report"]["marked_spoiler"], false);
    let (_, body) = app.read_post(&post).await;
    assert_eq!(body["post"]["spoiler"], false);
    let (_, body) = report(&app, &b, "post", &post, "spoiler").await;
    assert_eq!(body["report"]["marked_spoiler"], true);
    let (status, body) = app.read_post(&post).await;
    assert_eq!(status, StatusCode::OK, "a spoiler stays visible: {body}");
    assert_eq!(body["post"]["spoiler"], true);
    assert_eq!(body["post"]["moderation"], "visible");
}

#[tokio::test]
async fn the_thresholds_come_from_the_configuration() {
    let app = TestApp::start_configured(None, |c| {
        c.moderation.hide_reports = 1;
        c.moderation.spoiler_reports = 5;
    })
    .await;
    let (_, _, post) = app.sign_up_and_post("author", "hello").await;
    let [a, b] = app.sign_ups(["alice", "bob"]).await;
    let (_, body) = report(&app, &a, "post", &post, "spoiler").await;
    assert_eq!(body["report"]["hidden"], true, "one report hides: {body}");
    assert_eq!(body["report"]["marked_spoiler"], false);
    assert_error(app.read_post(&post).await, 404, "not_found");
    // A hidden post cannot be reported by a member (it is not there for them).
    assert_error(
        report(&app, &b, "post", &post, "spam").await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn a_hidden_comment_leaves_the_thread_for_others_and_its_author_sees_why() {
    let app = TestApp::start().await;
    let boss = admin(&app, "boss").await;
    let (author, _, post) = app.sign_up_and_post("author", "hello").await;
    let commenter = app.sign_up("commenter").await;
    let comment = app.comment(&commenter, &post, "rude words").await;
    act_ok(
        &app,
        &boss,
        "comments",
        &comment,
        json!({"action": "hide", "reason": "Be kind"}),
    )
    .await;
    let (_, body) = app.comments_of(&post).await;
    assert!(body["comments"].as_array().unwrap().is_empty(), "{body}");
    let (_, body) = app.read_post(&post).await;
    assert_eq!(body["post"]["comment_count"], 0);
    let (_, body) = app
        .get(&format!("/api/v1/posts/{post}/comments"), Some(&commenter))
        .await;
    assert_eq!(body["comments"][0]["moderation"], "hidden");
    assert_eq!(body["comments"][0]["moderation_reason"], "Be kind");
    let (_, body) = app
        .get(&format!("/api/v1/posts/{post}/comments"), Some(&author))
        .await;
    assert!(body["comments"].as_array().unwrap().is_empty(), "{body}");
    // Restoring shows it again.
    act_ok(
        &app,
        &boss,
        "comments",
        &comment,
        json!({"action": "restore"}),
    )
    .await;
    let (_, body) = app.comments_of(&post).await;
    assert_eq!(body["comments"].as_array().unwrap().len(), 1, "{body}");
}

#[tokio::test]
async fn dismissing_reports_shows_held_content_again_and_empties_the_queue() {
    let app = TestApp::start_configured(None, |c| c.moderation.hide_reports = 1).await;
    let boss = admin(&app, "boss").await;
    let (_, community, post) = app.sign_up_and_post("author", "fine post").await;
    let reader = app.sign_up("reader").await;
    report(&app, &reader, "post", &post, "spam").await;
    assert!(
        !community_posts(&app, &community, None)
            .await
            .contains(&post)
    );
    act_ok(&app, &boss, "posts", &post, json!({"action": "dismiss"})).await;
    assert!(
        community_posts(&app, &community, None)
            .await
            .contains(&post)
    );
    let (_, queue) = app.get("/api/v1/moderation/queue", Some(&boss)).await;
    assert!(queue["queue"].as_array().unwrap().is_empty(), "{queue}");
    // The author is not bothered with dismissed reports; the reporter hears it was handled.
    assert_eq!(notifications(&app, &reader).await.len(), 1);
}

#[tokio::test]
async fn actions_are_checked_for_their_input() {
    let app = TestApp::start().await;
    let boss = admin(&app, "boss").await;
    let (_, _, post) = app.sign_up_and_post("author", "hello").await;
    let long = "x".repeat(501);
    let suspend =
        |hours: Value| json!({"action": "suspend", "reason": "r", "duration_hours": hours});
    for (body, code) in [
        (json!({"action": "hide"}), "reason_required"),
        (json!({"action": "hide", "reason": long}), "reason_too_long"),
        (suspend(Value::Null), "invalid_duration"),
        (suspend(json!(0)), "invalid_duration"),
        (suspend(json!(8761)), "invalid_duration"),
        (
            json!({"action": "hold_for_review", "reason": "r"}),
            "invalid_action",
        ),
    ] {
        assert_error(act(&app, &boss, "posts", &post, body).await, 422, code);
    }
    for (name, body, status, code) in [
        (
            "author",
            json!({"action": "hide", "reason": "r"}),
            422,
            "invalid_action",
        ),
        ("author", json!({"action": "lift"}), 409, "not_suspended"),
        (
            "boss",
            json!({"action": "warn", "reason": "r"}),
            403,
            "own_account",
        ),
    ] {
        assert_error(act(&app, &boss, "accounts", name, body).await, status, code);
    }
    // Nothing happened: the post is visible and the log holds nothing.
    assert_status(app.read_post(&post).await, 200);
    let (_, log) = app.get("/api/v1/moderation/log", Some(&boss)).await;
    assert!(log["entries"].as_array().unwrap().is_empty(), "{log}");
}

/// Every write the API offers, as `token`'s owner, on things made by others.
async fn every_write(
    app: &TestApp,
    token: &str,
    community: &str,
    post: &str,
    comment: &str,
) -> Vec<(String, StatusCode, Value)> {
    let calls: Vec<(Method, String, Option<Value>)> = vec![
        (
            Method::POST,
            format!("/api/v1/communities/{community}/posts"),
            Some(json!({"body": "hi"})),
        ),
        (
            Method::POST,
            format!("/api/v1/posts/{post}/comments"),
            Some(json!({"body": "hi"})),
        ),
        (Method::PUT, format!("/api/v1/posts/{post}/yeah"), None),
        (
            Method::PUT,
            format!("/api/v1/comments/{comment}/yeah"),
            None,
        ),
        (
            Method::PUT,
            format!("/api/v1/communities/{community}/favourite"),
            None,
        ),
        (Method::PUT, "/api/v1/users/author/follow".into(), None),
        (Method::PUT, "/api/v1/users/author/block".into(), None),
        (
            Method::PATCH,
            "/api/v1/me".into(),
            Some(json!({"bio": "changed"})),
        ),
        (
            Method::PUT,
            "/api/v1/me/password".into(),
            Some(json!({"current_password": "password1", "new_password": "password2"})),
        ),
        (
            Method::POST,
            "/api/v1/reports".into(),
            Some(json!({"target_kind": "post", "target_id": post, "reason": "spam"})),
        ),
        (
            Method::POST,
            "/api/v1/notifications/read".into(),
            Some(json!({})),
        ),
        (Method::DELETE, "/api/v1/me/sessions".into(), None),
    ];
    let mut out = Vec::new();
    for (method, path, body) in calls {
        let (status, answer) = app.call(method.clone(), &path, Some(token), body).await;
        out.push((format!("{method} {path}"), status, answer));
    }
    out
}

#[tokio::test]
async fn a_suspended_account_cannot_write_anything_until_it_ends_or_is_lifted() {
    let app = TestApp::start().await;
    let boss = admin(&app, "boss").await;
    let (author, community, post) = app.sign_up_and_post("author", "hello").await;
    let comment = app.comment(&author, &post, "a comment").await;
    let troll = app.sign_up("troll").await;
    let body = act_ok(
        &app,
        &boss,
        "accounts",
        "troll",
        json!({"action": "suspend", "reason": "Spamming", "duration_hours": 24}),
    )
    .await;
    assert!(body["entry"]["until"].is_string());

    for (call, status, answer) in every_write(&app, &troll, &community, &post, &comment).await {
        assert_eq!(status, StatusCode::FORBIDDEN, "{call}: {answer}");
        assert_eq!(answer["error"], "account_suspended", "{call}: {answer}");
        let message = answer["message"].as_str().unwrap();
        assert!(
            message.contains("Spamming") && message.contains("until"),
            "{call}: {message}"
        );
    }
    // Nothing was written: no post, comment, Yeah, follow or bio.
    let (_, body) = app.get("/api/v1/users/troll/posts", None).await;
    assert!(body["posts"].as_array().unwrap().is_empty());
    let (_, body) = app.comments_of(&post).await;
    assert_eq!(body["comments"].as_array().unwrap().len(), 1);
    let (_, body) = app.read_post(&post).await;
    assert_eq!(body["post"]["yeah_count"], 0);
    let (_, body) = app.get("/api/v1/users/troll", None).await;
    assert_eq!(body["user"]["bio"], "");
    assert_eq!(body["user"]["following_count"], 0);
    // Reading still works, and the person is told (staff notice) why.
    assert_status(app.me(&troll).await, 200);
    let told = notifications(&app, &troll).await;
    assert_eq!(told[0]["kind"], "staff_notice");

    act_ok(&app, &boss, "accounts", "troll", json!({"action": "lift"})).await;
    let (status, body) = app
        .post_in(&troll, &community, json!({"body": "sorry"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn a_suspended_account_cannot_post_from_the_pages_either() {
    let app = TestApp::start().await;
    let boss = admin(&app, "boss").await;
    let community = app.community().await;
    let url = app.community_url(&community).await;
    let browser = crate::helpers::Browser::new(&app);
    browser.sign_up("troll").await;
    let csrf = browser.csrf(&url).await;
    act(
        &app,
        &boss,
        "accounts",
        "troll",
        json!({"action": "suspend", "reason": "Spamming", "duration_hours": 2}),
    )
    .await;
    let answer = browser
        .submit(
            &format!("{url}/posts"),
            &[("csrf", &csrf), ("body", "from the page"), ("feeling", "0")],
        )
        .await;
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    let page = answer.text().await.unwrap();
    assert!(page.contains("Spamming"), "the page says why: {page}");
    let (_, body) = app.get("/api/v1/users/troll/posts", None).await;
    assert!(body["posts"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_ban_ends_every_session_refuses_sign_in_and_can_hide_everything_they_wrote() {
    let app = TestApp::start().await;
    let boss = admin(&app, "boss").await;
    let (troll, community, post) = app.sign_up_and_post("troll", "spam spam").await;
    act_ok(
        &app,
        &boss,
        "posts",
        &post,
        json!({"action": "ban", "reason": "Spam bot", "hide_content": true}),
    )
    .await;
    assert_error(app.me(&troll).await, 401, "unauthenticated");
    let (status, body) = app.create_session("troll", "password1").await;
    assert_error((status, body.clone()), 403, "account_suspended");
    assert!(
        body["message"].as_str().unwrap().contains("Spam bot"),
        "{body}"
    );
    assert!(
        !community_posts(&app, &community, None)
            .await
            .contains(&post)
    );
    let (_, body) = app.get("/api/v1/users/troll/posts", None).await;
    assert!(body["posts"].as_array().unwrap().is_empty(), "{body}");
    // A wrong password is still just a wrong password (a ban is not told to guessers).
    assert_error(
        app.create_session("troll", "wrongpass1").await,
        401,
        "invalid_credentials",
    );
}

#[tokio::test]
async fn reporting_and_reviewing_work_from_the_pages() {
    let app = TestApp::start_configured(None, |c| c.moderation.hide_reports = 1).await;
    let boss = admin(&app, "boss").await;
    let (_, community, post) = app.sign_up_and_post("author", "rude post").await;
    appoint(&app, &boss, "boss", Some(&community)).await;
    let reader = crate::helpers::Browser::new(&app);
    reader.sign_up("reader").await;
    let page = assert_page(reader.get(&format!("/posts/{post}")).await, 200);
    assert!(
        page.contains(&format!("/report?kind=post&amp;id={post}")),
        "the post links its report form"
    );
    let form = format!("/report?kind=post&id={post}");
    let csrf = reader.csrf(&form).await;
    let fields = [
        ("csrf", csrf.as_str()),
        ("kind", "post"),
        ("id", post.as_str()),
        ("reason", "other"),
        ("body", ""),
    ];
    let answer = reader.submit("/report", &fields).await;
    assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fields = [
        ("csrf", csrf.as_str()),
        ("kind", "post"),
        ("id", post.as_str()),
        ("reason", "harassment"),
        ("body", "mean"),
    ];
    let answer = reader.submit("/report", &fields).await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let thanks = answer.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(thanks, format!("/report?kind=post&id={post}&sent=1"));
    let page = assert_page(reader.get(&thanks).await, 200);
    assert!(page.contains("Thank you"), "{page}");
    assert!(!page.contains("<form method=\"post\" action=\"/report\""));
    let answer = reader.submit("/report", &fields).await;
    assert_eq!(
        answer.status(),
        StatusCode::CONFLICT,
        "a second report is refused"
    );
    // A member has no queue.
    assert_page(reader.get("/moderation").await, 403);

    let moderator = crate::helpers::Browser::new(&app);
    let csrf = moderator.sign_in("boss").await;
    let page = assert_page(moderator.get("/moderation").await, 200);
    assert!(
        page.contains("rude post") && page.contains("mean"),
        "{page}"
    );
    let fields = [
        ("csrf", csrf.as_str()),
        ("action", "hide"),
        ("reason", "Not nice"),
        ("duration_hours", ""),
    ];
    let answer = moderator
        .submit(&format!("/moderation/post/{post}"), &fields)
        .await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let (_, page) = moderator.get("/moderation").await;
    assert!(!page.contains("rude post"), "the queue is empty");
    let (_, page) = moderator.get("/moderation/log").await;
    assert!(page.contains("Not nice"), "{page}");
    // The author reads why on the post page.
    let author = crate::helpers::Browser::new(&app);
    author.sign_in("author").await;
    let page = assert_page(author.get(&format!("/posts/{post}")).await, 200);
    assert!(
        page.contains("Hidden by the moderators: Not nice"),
        "{page}"
    );
    assert_page(reader.get(&format!("/posts/{post}")).await, 404);
}
