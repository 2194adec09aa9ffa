//! Account security: changing the password, the list of sessions and tokens, signing out
//! everywhere, CSRF tokens bound to the session, sign-in limits that a stranger cannot use to
//! lock the owner out, and names or texts that would mislead.

use crate::helpers::{Browser, TestApp, assert_page, assert_shows};
use plaza_test_support::{assert_error, assert_status, retry_after};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn new_token(app: &TestApp, name: &str) -> String {
    let body = assert_status(app.create_session(name, "password1").await, 201);
    body["token"].as_str().unwrap().to_owned()
}

async fn change_password(
    app: &TestApp,
    token: &str,
    current: &str,
    new: &str,
) -> (StatusCode, Value) {
    app.call(
        Method::PUT,
        "/api/v1/me/password",
        Some(token),
        Some(json!({"current_password": current, "new_password": new})),
    )
    .await
}

async fn me_status(app: &TestApp, token: &str) -> StatusCode {
    app.me(token).await.0
}

/// The embedded web keeps a session it found for a second (`plaza_web::db::sessions::Sessions`);
/// what its own writes change it sees at once (the tests above), what is written outside it
/// within that second. (On a region's parts it keeps none, and the session goes at once.)
#[tokio::test]
async fn a_session_ended_outside_web_is_refused_within_a_second() {
    let app = TestApp::start().await;
    let token = app.sign_up("fern").await;
    assert_eq!(me_status(&app, &token).await, StatusCode::OK);
    // A change from outside this process (`plaza admin`, a row changed by hand): web does not
    // hear of it.
    let done = plaza_storage::sqlx::query("DELETE FROM sessions WHERE token_hash = ?")
        .bind(plaza_web::auth::token_hash(&token))
        .execute(&app.db().pool)
        .await
        .unwrap();
    assert_eq!(done.rows_affected(), 1);
    // Generous beside the second, for a loaded machine.
    let deadline = std::time::Instant::now()
        + plaza_web::db::sessions::KEPT_FOR
        + std::time::Duration::from_secs(4);
    while me_status(&app, &token).await != StatusCode::UNAUTHORIZED {
        assert!(
            std::time::Instant::now() < deadline,
            "a deleted session still answers"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_every_other_session() {
    let app = TestApp::start().await;
    let mine = app.sign_up("alba").await;
    let other = new_token(&app, "alba").await;
    let (browser, _) = Browser::signed_in(&app, "alba").await;

    assert_error(
        change_password(&app, &mine, "wrong-password", "new-password-2").await,
        403,
        "wrong_password",
    );
    assert_error(
        change_password(&app, &mine, "password1", "short").await,
        422,
        "password_too_short",
    );
    assert_eq!(
        me_status(&app, &other).await,
        StatusCode::OK,
        "nothing changed yet"
    );
    assert_status(app.create_session("alba", "password1").await, 201);

    let (status, body) = change_password(&app, &mine, "password1", "new-password-2").await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    assert_eq!(
        me_status(&app, &mine).await,
        StatusCode::OK,
        "the caller stays"
    );
    assert_eq!(me_status(&app, &other).await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        browser.get("/settings").await.0,
        StatusCode::SEE_OTHER,
        "the browser session ended too"
    );
    assert_error(
        app.create_session("alba", "password1").await,
        401,
        "invalid_credentials",
    );
    assert_status(app.create_session("alba", "new-password-2").await, 201);
}

#[tokio::test]
async fn sessions_are_listed_without_their_tokens_and_each_can_be_ended() {
    let app = TestApp::start().await;
    let mine = app.sign_up("bruno").await;
    let response = app
        .client
        .post(format!("{}/api/v1/sessions", app.url))
        .header("user-agent", "PlazaGame/2.1 (console)")
        .json(&json!({"username": "bruno", "password": "password1"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let other = response.json::<Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();

    let body = assert_status(app.get("/api/v1/me/sessions", Some(&mine)).await, 200);
    let text = body.to_string();
    assert!(
        !text.contains(&mine) && !text.contains(&other),
        "no secrets"
    );
    let list = body["sessions"].as_array().unwrap();
    assert_eq!(list.len(), 2, "{body}");
    let current: Vec<&Value> = list.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    let game = list
        .iter()
        .find(|s| s["user_agent"] == "PlazaGame/2.1 (console)")
        .expect("the game's token is listed with its user agent");
    assert_eq!(game["current"], false);
    assert_eq!(game["kind"], "api");
    assert!(game["created_at"].as_str().is_some());
    assert!(game["expires_at"].as_str().is_some());
    let id = game["id"].as_str().unwrap().to_owned();

    // Another account cannot end it.
    let stranger = app.sign_up("carla").await;
    assert_error(
        app.delete(&format!("/api/v1/me/sessions/{id}"), &stranger)
            .await,
        404,
        "not_found",
    );
    assert_eq!(me_status(&app, &other).await, StatusCode::OK);

    let (status, _) = app
        .delete(&format!("/api/v1/me/sessions/{id}"), &mine)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(me_status(&app, &other).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me_status(&app, &mine).await, StatusCode::OK);
    let (_, body) = app.get("/api/v1/me/sessions", Some(&mine)).await;
    assert_eq!(body["sessions"].as_array().unwrap().len(), 1);
    let (status, _) = app.delete("/api/v1/me/sessions/not-an-id", &mine).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_and_token() {
    let app = TestApp::start().await;
    let mine = app.sign_up("dario").await;
    let other = new_token(&app, "dario").await;
    let (browser, _) = Browser::signed_in(&app, "dario").await;
    let bystander = app.sign_up("elena").await;

    assert_status(app.delete("/api/v1/me/sessions", &mine).await, 204);
    assert_eq!(me_status(&app, &mine).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me_status(&app, &other).await, StatusCode::UNAUTHORIZED);
    assert_eq!(browser.get("/settings").await.0, StatusCode::SEE_OTHER);
    assert_eq!(
        me_status(&app, &bystander).await,
        StatusCode::OK,
        "only that account"
    );
}

#[tokio::test]
async fn the_settings_page_lists_sessions_and_changes_the_password() {
    let app = TestApp::start().await;
    let browser = Browser::signed_up(&app, "fabio").await;
    let token = new_token(&app, "fabio").await;
    let html = assert_page(browser.get("/settings").await, 200);
    assert!(html.contains("action=\"/settings/password\""));
    assert_eq!(
        html.matches("/revoke\"").count(),
        2,
        "both sessions are listed"
    );
    assert!(html.contains("this browser"));
    assert!(!html.contains(&token));

    let csrf = browser.csrf("/settings").await;
    let r = browser
        .change_password(&csrf, "not-my-password", "new-password-2")
        .await;
    assert_shows(r, StatusCode::FORBIDDEN, "The current password is wrong.").await;
    assert_eq!(me_status(&app, &token).await, StatusCode::OK);

    let r = browser
        .change_password(&csrf, "password1", "new-password-2")
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, html) = browser.get("/settings?saved=password").await;
    assert_eq!(status, StatusCode::OK, "this browser stays signed in");
    assert!(html.contains("Your password has been changed."));
    assert_eq!(me_status(&app, &token).await, StatusCode::UNAUTHORIZED);
    assert_eq!(html.matches("/revoke\"").count(), 1);
}

#[tokio::test]
async fn the_settings_page_ends_one_session_or_all_of_them() {
    let app = TestApp::start().await;
    let browser = Browser::signed_up(&app, "gemma").await;
    let token = new_token(&app, "gemma").await;
    let (_, body) = app.get("/api/v1/me/sessions", Some(&token)).await;
    let mine = body["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["current"] == true)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let csrf = browser.csrf("/settings").await;
    let r = browser
        .press(&format!("/settings/sessions/{mine}/revoke"), &csrf)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(me_status(&app, &token).await, StatusCode::UNAUTHORIZED);
    assert_eq!(browser.get("/settings").await.0, StatusCode::OK);

    // Without the CSRF token nothing ends.
    let other = new_token(&app, "gemma").await;
    let r = browser
        .submit("/settings/sessions/revoke_all", &[("csrf", "x")])
        .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(me_status(&app, &other).await, StatusCode::OK);

    let r = browser.press("/settings/sessions/revoke_all", &csrf).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(me_status(&app, &other).await, StatusCode::UNAUTHORIZED);
    assert_eq!(browser.get("/settings").await.0, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_csrf_token_taken_before_signing_in_is_refused_after_it() {
    let app = TestApp::start().await;
    app.sign_up("hugo").await;
    let browser = Browser::new(&app);
    let before = browser.csrf("/signin").await;
    let r = browser.submit_credentials("/signin", &before, "hugo").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = browser.save_settings(&before, "Hugo", "", "").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (_, body) = app.get("/api/v1/users/hugo", None).await;
    assert_eq!(
        body["user"]["display_name"], "hugo",
        "nothing changed (the username stands in)"
    );

    // The page now carries the session's own token, which works.
    let after = browser.csrf("/settings").await;
    assert_ne!(after, before);
    let r = browser.save_settings(&after, "Hugo", "", "").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    // Another session of the same account has its own token.
    let (second, _) = Browser::signed_in(&app, "hugo").await;
    let r = second.save_settings(&after, "Hugo", "", "").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn wrong_passwords_from_one_address_do_not_lock_the_owner_out() {
    let app = TestApp::start_configured(None, |c| {
        c.rate_limits = plaza::config::RateLimits::default();
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap(), "::1".parse().unwrap()];
    })
    .await;
    app.sign_up("iris").await;
    let attempt = |from: &'static str, password: &'static str| {
        app.client
            .post(format!("{}/api/v1/sessions", app.url))
            .header("x-forwarded-for", from)
            .json(&json!({"username": "iris", "password": password}))
            .send()
    };
    let per_minute = plaza::config::RateLimits::default().sign_in_per_minute;
    for _ in 0..per_minute {
        let r = attempt("198.51.100.1", "wrong-password").await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    for _ in 0..5 {
        let r = attempt("198.51.100.1", "wrong-password").await.unwrap();
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        let wait = retry_after(&r);
        assert!((1..=61).contains(&wait), "{wait}");
        assert_eq!(r.json::<Value>().await.unwrap()["error"], "rate_limited");
    }
    // Even the right password from the stranger's address waits.
    let r = attempt("198.51.100.1", "password1").await.unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);

    let r = attempt("203.0.113.7", "password1").await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::CREATED,
        "the owner signs in from elsewhere"
    );
}

#[tokio::test]
async fn misleading_names_are_refused_with_invalid_characters() {
    let app = TestApp::start().await;
    let token = app.sign_up("jonas").await;
    for name in [
        "\u{202E}nimda",
        "ad\u{200B}min",
        "nul\u{0}byte",
        "\u{FEFF}",
        "\u{2066}x\u{2069}",
    ] {
        let (status, body) = app.update_me(&token, json!({"display_name": name})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{name:?}");
        assert_eq!(body["error"], "invalid_characters", "{name:?}");
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    let (_, body) = app.get("/api/v1/users/jonas", None).await;
    assert_eq!(
        body["user"]["display_name"], "jonas",
        "nothing changed (the username stands in)"
    );
    // An emoji sequence with joiners is a fine name.
    let (status, _) = app
        .update_me(
            &token,
            json!({"display_name": "👨\u{200D}👩\u{200D}👧 Jonas"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    assert_error(
        app.create_account("kim\u{202E}", "password1").await,
        422,
        "invalid_characters",
    );

    app.make_admin("jonas").await;
    for (input, code) in [
        (
            json!({"title_id": "ABC", "name": "Pik\u{202E}min"}),
            "invalid_characters",
        ),
        (
            json!({"title_id": "ABC", "name": "Pikmin", "icon_url": "//evil.example/x.png"}),
            "invalid_icon",
        ),
        (
            json!({"title_id": "ABC", "name": "Pikmin", "icon_url": "/\\evil.example/x.png"}),
            "invalid_icon",
        ),
        (
            json!({"title_id": "ABC", "name": "Pikmin", "icon_url": "data:image/png;base64,AA"}),
            "invalid_icon",
        ),
    ] {
        let (status, body) = app
            .post("/api/v1/communities", Some(&token), input.clone())
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{input}");
        assert_eq!(body["error"], code, "{input}");
    }
    let (_, body) = app.get("/api/v1/communities", None).await;
    assert!(!body.to_string().contains("Pik"), "no community was made");
}

#[tokio::test]
async fn posts_and_comments_of_only_invisible_characters_are_refused() {
    let app = TestApp::start().await;
    let (token, c) = app.sign_up_with_community("lena").await;
    for text in ["\u{200B}", "\u{FEFF}\u{200B} \u{2060}", "\u{3164}"] {
        let (status, body) = app
            .post_in(&token, &c, json!({"body": text, "feeling": 0}))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{text:?}");
        assert_eq!(body["error"], "body_invisible");
    }
    let post = app.post_text(&token, &c, "visible").await;
    assert_error(
        app.comment_on(&token, &post, json!({"body": "\u{200B}\u{200B}"}))
            .await,
        422,
        "body_invisible",
    );
    let (_, body) = app.comments_of(&post).await;
    assert_eq!(body["comments"].as_array().map(Vec::len), Some(0));
}

#[tokio::test]
async fn page_forms_refuse_misleading_names_and_invisible_posts() {
    let app = TestApp::start().await;
    let browser = Browser::signed_up(&app, "milo").await;
    let csrf = browser.csrf("/settings").await;
    let r = browser.save_settings(&csrf, "nul\u{0}", "", "").await;
    assert_shows(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invisible or text-direction characters",
    )
    .await;

    let c = app.community().await;
    let url = app.community_url(&c).await;
    let r = browser
        .submit(
            &format!("{url}/posts"),
            &[("csrf", &csrf), ("body", "\u{200B}"), ("feeling", "0")],
        )
        .await;
    assert_shows(
        r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "The text has no visible characters.",
    )
    .await;
    assert_eq!(app.community_post_count(&c).await, 0);
}
