//! Accounts, sessions and profiles through the API.

use crate::helpers::TestApp;
use plaza_test_support::{assert_error, assert_status};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn sign_up_returns_a_token_that_identifies_the_account() {
    let app = TestApp::start().await;
    let token = app.sign_up("Alice_01").await;
    let body = assert_status(app.me(&token).await, 200);
    assert_eq!(body["user"]["username"], "Alice_01");
    assert_eq!(body["user"]["home_region"], 1);
    assert_eq!(body["user"]["is_admin"], false);
}

#[tokio::test]
async fn usernames_are_unique_ignoring_case() {
    let app = TestApp::start().await;
    app.sign_up("alice").await;
    assert_error(
        app.create_account("ALICE", "password1").await,
        409,
        "username_taken",
    );
}

#[tokio::test]
async fn bad_usernames_and_passwords_are_rejected_and_create_nothing() {
    let app = TestApp::start().await;
    for (username, password, code) in [
        ("ab", "password1", "invalid_username"),
        ("seventeen_letters", "password1", "invalid_username"),
        ("bad name", "password1", "invalid_username"),
        ("bob", "short", "password_too_short"),
    ] {
        let (status, body) = app.create_account(username, password).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{username}");
        assert_eq!(body["error"], code);
        assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
    assert_status(app.get("/api/v1/users/bob", None).await, 404);
}

#[tokio::test]
async fn passwords_are_stored_as_argon2id_hashes() {
    let app = TestApp::start().await;
    app.sign_up("carol").await;
    let (_, hash) = plaza_web::db::users::with_password(app.db(), "carol")
        .await
        .unwrap()
        .unwrap();
    assert!(hash.starts_with("$argon2id$"));
    assert!(!hash.contains("password1"));
}

#[tokio::test]
async fn sign_in_checks_the_password() {
    let app = TestApp::start().await;
    app.sign_up("dave").await;
    assert_error(
        app.create_session("dave", "wrong-password").await,
        401,
        "invalid_credentials",
    );
    assert_status(app.create_session("nobody", "password1").await, 401);
    let body = assert_status(app.create_session("DAVE", "password1").await, 201);
    let token = body["token"].as_str().unwrap();
    assert_status(app.me(token).await, 200);
}

#[tokio::test]
async fn signing_out_ends_the_token() {
    let app = TestApp::start().await;
    let token = app.sign_up("erin").await;
    assert_status(app.delete("/api/v1/sessions/current", &token).await, 204);
    assert_error(app.me(&token).await, 401, "unauthenticated");
}

#[tokio::test]
async fn requests_without_a_valid_token_are_unauthenticated() {
    let app = TestApp::start().await;
    assert_status(app.get("/api/v1/me", None).await, 401);
    assert_status(app.me("not-a-token").await, 401);
}

#[tokio::test]
async fn profiles_change_within_their_limits() {
    let app = TestApp::start().await;
    let token = app.sign_up("frank").await;
    let (status, body) = app
        .update_me(
            &token,
            json!({"display_name": "Frank the Brave", "bio": "I play everything."}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["user"]["display_name"], "Frank the Brave");

    assert_error(
        app.update_me(&token, json!({"display_name": "x".repeat(33)}))
            .await,
        422,
        "display_name_too_long",
    );
    assert_error(
        app.update_me(&token, json!({"bio": "b".repeat(301)})).await,
        422,
        "bio_too_long",
    );

    let (_, body) = app.get("/api/v1/users/frank", None).await;
    assert_eq!(body["user"]["display_name"], "Frank the Brave");
    assert_eq!(body["user"]["bio"], "I play everything.");
}

#[tokio::test]
async fn expired_sessions_do_not_work_and_are_forgotten_at_the_next_sign_in() {
    let app = TestApp::start().await;
    app.sign_up("gale").await;
    let user = plaza_web::db::users::by_username(app.db(), "gale")
        .await
        .unwrap()
        .unwrap();
    let old = "an-old-token-that-has-expired-long-ago-xxxxxx";
    plaza_storage::sqlx::query("INSERT INTO sessions (token_hash, user_id, region, kind, created_at, expires_at) VALUES (?, ?, 1, 2, 0, 1)")
        .bind(plaza_web::auth::token_hash(old))
        .bind(user.id.0)
        .execute(&app.db().pool)
        .await
        .unwrap();
    assert_status(app.me(old).await, 401);
    app.create_session("gale", "password1").await;
    let left: i64 =
        plaza_storage::sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE expires_at <= 1")
            .fetch_one(&app.db().pool)
            .await
            .unwrap();
    assert_eq!(left, 0);
}
