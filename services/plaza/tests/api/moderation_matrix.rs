//! Who may call each moderation endpoint: anonymous visitors, members, a moderator of another
//! community, the community's moderator, a global moderator and an admin. A refusal changes
//! nothing.

use crate::helpers::{TestApp, strings};
use crate::moderation::{admin, appoint, two_communities};
use plaza_test_support::assert_status;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// The roles, in the order every expectation below lists them.
const ROLES: [&str; 6] = [
    "anonymous",
    "member",
    "other_mod",
    "community_mod",
    "global_mod",
    "admin",
];

struct World {
    tokens: Vec<Option<String>>,
    post: String,
    comment: String,
    admin: String,
}

async fn world(app: &TestApp) -> World {
    let (community, other) = two_communities(app).await;
    let boss = admin(app, "boss").await;
    let [member, other_mod, community_mod, global_mod, author] = app
        .sign_ups(["member", "othermod", "commod", "globalmod", "author"])
        .await;
    appoint(app, &boss, "othermod", Some(&other)).await;
    appoint(app, &boss, "commod", Some(&community)).await;
    appoint(app, &boss, "globalmod", None).await;
    let post = app.post_text(&author, &community, "the target").await;
    let comment = app.comment(&author, &post, "a target comment").await;
    World {
        tokens: vec![
            None,
            Some(member),
            Some(other_mod),
            Some(community_mod),
            Some(global_mod),
            Some(boss.clone()),
        ],
        post,
        comment,
        admin: boss,
    }
}

/// Calls `method path` as every role with `body`; checks each status against `expected` (one
/// per role) and returns the answers.
async fn matrix(
    app: &TestApp,
    w: &World,
    method: Method,
    path: &str,
    body: Option<Value>,
    expected: [(u16, &str); 6],
    only_refusals: bool,
) -> Vec<Value> {
    let mut out = Vec::new();
    for (i, (status, code)) in expected.into_iter().enumerate() {
        if only_refusals && status < 400 {
            continue;
        }
        let (got, answer) = app
            .call(method.clone(), path, w.tokens[i].as_deref(), body.clone())
            .await;
        assert_eq!(
            got.as_u16(),
            status,
            "{method} {path} as {}: {answer}",
            ROLES[i]
        );
        if !code.is_empty() {
            assert_eq!(
                answer["error"], code,
                "{method} {path} as {}: {answer}",
                ROLES[i]
            );
        }
        out.push(answer);
    }
    out
}

const UNAUTH: (u16, &str) = (401, "unauthenticated");
const NOT_MOD: (u16, &str) = (403, "not_moderator");
const NOT_HERE: (u16, &str) = (403, "not_moderator_here");
const NOT_ADMIN: (u16, &str) = (403, "not_admin");

/// What nobody's refused call may have changed.
async fn unchanged(app: &TestApp, w: &World, log_entries: usize, moderators: usize) {
    let body = assert_status(app.read_post(&w.post).await, 200);
    assert_eq!(body["post"]["moderation"], "visible");
    assert_eq!(body["post"]["spoiler"], false);
    let (_, body) = app.comments_of(&w.post).await;
    assert_eq!(body["comments"][0]["moderation"], "visible");
    let (_, log) = app.get("/api/v1/moderation/log", Some(&w.admin)).await;
    assert_eq!(
        log["entries"].as_array().unwrap().len(),
        log_entries,
        "{log}"
    );
    let (_, list) = app
        .get("/api/v1/moderation/moderators", Some(&w.admin))
        .await;
    assert_eq!(
        list["moderators"].as_array().unwrap().len(),
        moderators,
        "{list}"
    );
}

#[tokio::test]
async fn only_moderators_in_scope_act_on_content_and_refusals_change_nothing() {
    let app = TestApp::start().await;
    let w = world(&app).await;
    // Three appointments are logged so far.
    unchanged(&app, &w, 3, 3).await;
    let hide = json!({"action": "hide", "reason": "Off topic"});
    let ok = (200, "");
    let post_path = format!("/api/v1/moderation/posts/{}/actions", w.post);
    let comment_path = format!("/api/v1/moderation/comments/{}/actions", w.comment);
    let expected = [UNAUTH, NOT_MOD, NOT_HERE, ok, ok, ok];
    for path in [&post_path, &comment_path] {
        let body = Some(hide.clone());
        matrix(&app, &w, Method::POST, path, body, expected, true).await;
    }
    let account_path = "/api/v1/moderation/accounts/author/actions";
    let warn = json!({"action": "warn", "reason": "Be nice"});
    let account_expected = [UNAUTH, NOT_MOD, NOT_HERE, NOT_HERE, ok, ok];
    matrix(
        &app,
        &w,
        Method::POST,
        account_path,
        Some(warn.clone()),
        account_expected,
        true,
    )
    .await;
    unchanged(&app, &w, 3, 3).await;

    // Those allowed act, each logged under their own name.
    let spoiler = json!({"action": "mark_spoiler"});
    let answers = matrix(
        &app,
        &w,
        Method::POST,
        &post_path,
        Some(spoiler),
        expected,
        false,
    )
    .await;
    let actors: Vec<&str> = answers[3..]
        .iter()
        .map(|a| a["entry"]["actor"]["username"].as_str().unwrap())
        .collect();
    assert_eq!(actors, ["commod", "globalmod", "boss"]);
    for (path, body, expected) in [
        (comment_path.as_str(), hide, expected),
        (account_path, warn, account_expected),
    ] {
        matrix(&app, &w, Method::POST, path, Some(body), expected, false).await;
    }
    let (_, body) = app.read_post(&w.post).await;
    assert_eq!(body["post"]["spoiler"], true);
    let (_, body) = app.comments_of(&w.post).await;
    assert!(body["comments"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn the_queue_shows_each_moderator_only_their_scope() {
    let app = TestApp::start().await;
    let w = world(&app).await;
    let reporter = app.sign_up("reporter").await;
    let (status, body) = app
        .post(
            "/api/v1/reports",
            Some(&reporter),
            json!({"target_kind": "post", "target_id": w.post, "reason": "spam"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let (status, body) = app
        .post("/api/v1/reports", Some(&reporter), json!({"target_kind": "account", "target_id": body["report"]["target"]["id"], "reason": "spam"}))
        .await;
    // The post's id is not an account's.
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let ok = (200, "");
    let answers = matrix(
        &app,
        &w,
        Method::GET,
        "/api/v1/moderation/queue",
        None,
        [UNAUTH, NOT_MOD, ok, ok, ok, ok],
        false,
    )
    .await;
    let targets = |a: &Value| -> Vec<String> {
        a["queue"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["target"]["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(
        targets(&answers[2]).is_empty(),
        "another community's moderator sees nothing"
    );
    for answer in &answers[3..] {
        assert_eq!(targets(answer), std::slice::from_ref(&w.post));
    }
}

#[tokio::test]
async fn only_admins_read_the_log_and_appoint_or_remove_moderators() {
    let app = TestApp::start().await;
    let w = world(&app).await;
    let ok = (200, "");
    let expected = [UNAUTH, NOT_ADMIN, NOT_ADMIN, NOT_ADMIN, NOT_ADMIN, ok];
    let moderators = "/api/v1/moderation/moderators";
    matrix(
        &app,
        &w,
        Method::GET,
        "/api/v1/moderation/log",
        None,
        expected,
        false,
    )
    .await;
    let answers = matrix(&app, &w, Method::GET, moderators, None, expected, false).await;
    let first = answers[5]["moderators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user"]["username"] == "othermod")
        .expect("othermod is listed")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.sign_up("newmod").await;
    let appoint_body = json!({"username": "newmod"});
    let created = [
        UNAUTH,
        NOT_ADMIN,
        NOT_ADMIN,
        NOT_ADMIN,
        NOT_ADMIN,
        (201, ""),
    ];
    let remove_path = format!("/api/v1/moderation/moderators/{first}");
    let removed = [
        UNAUTH,
        NOT_ADMIN,
        NOT_ADMIN,
        NOT_ADMIN,
        NOT_ADMIN,
        (204, ""),
    ];
    let appoint = Some(appoint_body.clone());
    matrix(&app, &w, Method::POST, moderators, appoint, created, true).await;
    matrix(&app, &w, Method::DELETE, &remove_path, None, removed, true).await;
    unchanged(&app, &w, 3, 3).await;
    let appoint = Some(appoint_body.clone());
    matrix(&app, &w, Method::POST, moderators, appoint, created, false).await;
    let (status, body) = app
        .post(
            "/api/v1/moderation/moderators",
            Some(&w.admin),
            appoint_body,
        )
        .await;
    assert_eq!(
        (status.as_u16(), body["error"].as_str()),
        (409, Some("already_moderator")),
        "{body}"
    );
    matrix(&app, &w, Method::DELETE, &remove_path, None, removed, false).await;
    let (_, list) = app
        .get("/api/v1/moderation/moderators", Some(&w.admin))
        .await;
    let ids = strings(&list, "moderators", "id");
    assert_eq!(ids.len(), 3);
    assert!(!ids.contains(&first.as_str()));
    let (_, log) = app.get("/api/v1/moderation/log", Some(&w.admin)).await;
    let actions: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(&actions[..2], ["remove_moderator", "appoint_moderator"]);
    // A removed moderator no longer moderates.
    let (status, _) = app
        .get("/api/v1/moderation/queue", w.tokens[2].as_deref())
        .await;
    assert_eq!(status.as_u16(), 403, "othermod was removed");
}

#[tokio::test]
async fn anyone_signed_in_may_report_and_nobody_else() {
    let app = TestApp::start().await;
    let w = world(&app).await;
    let created = (201, "");
    let body = json!({"target_kind": "comment", "target_id": w.comment, "reason": "harassment"});
    matrix(
        &app,
        &w,
        Method::POST,
        "/api/v1/reports",
        Some(body),
        [UNAUTH, created, created, created, created, created],
        false,
    )
    .await;
}
