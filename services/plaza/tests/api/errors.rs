//! Malformed requests get clear errors in one format, and the API matches its OpenAPI document.

use crate::helpers::TestApp;
use plaza_test_support::{assert_error, assert_status, retry_after};
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// Sends `body` to the sign-up endpoint as it is, with `content_type` when there is one.
async fn sign_up_raw(
    app: &TestApp,
    content_type: Option<&str>,
    body: &'static str,
) -> (StatusCode, Value) {
    let mut request = app.client.post(format!("{}/api/v1/accounts", app.url));
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let response = request.body(body).send().await.unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn malformed_json_is_a_400_with_a_code() {
    let app = TestApp::start().await;
    let (status, body) = sign_up_raw(&app, Some("application/json"), "{not json").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "malformed_json");
}

#[tokio::test]
async fn json_without_its_content_type_is_a_415() {
    let app = TestApp::start().await;
    let (status, body) = sign_up_raw(&app, None, "{}").await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(body["error"], "unsupported_media_type");
}

#[tokio::test]
async fn missing_fields_are_a_422() {
    let app = TestApp::start().await;
    assert_error(
        app.post(
            "/api/v1/accounts",
            None,
            serde_json::json!({"username": "x"}),
        )
        .await,
        422,
        "invalid_fields",
    );
}

#[tokio::test]
async fn oversized_bodies_are_a_413_and_change_nothing() {
    let app = TestApp::start().await;
    let (token, c) = app.sign_up_with_community("vera").await;
    // Most endpoints take at most 128 KiB.
    let huge = serde_json::json!({"bio": "x".repeat(200 * 1024)});
    let (status, body) = app.update_me(&token, huge).await;
    assert_error((status, &body), 413, "payload_too_large");
    let (_, me) = app.me(&token).await;
    assert_eq!(me["user"]["bio"], "");
    // Posting takes up to 12 MiB, room for an 8 MiB screenshot in base64, and no more.
    let huge = serde_json::json!({"body": "x".repeat(13 * 1024 * 1024)});
    assert_error(
        app.post_in(&token, &c, huge).await,
        413,
        "payload_too_large",
    );
    assert_eq!(app.community_post_count(&c).await, 0);
}

#[tokio::test]
async fn unknown_routes_bad_ids_and_bad_cursors_have_their_codes() {
    let app = TestApp::start().await;
    assert_error(app.get("/api/v1/nothing-here", None).await, 404, "no_route");
    assert_error(
        app.get("/api/v1/posts/not-an-id", None).await,
        404,
        "not_found",
    );
    let c = app.community().await;
    assert_error(
        app.get(
            &format!("/api/v1/communities/{c}/posts?cursor=garbage"),
            None,
        )
        .await,
        400,
        "invalid_cursor",
    );
    assert_error(
        app.call(Method::PATCH, "/api/v1/communities", None, None)
            .await,
        405,
        "method_not_allowed",
    );
}

#[tokio::test]
async fn every_operation_in_the_openapi_document_is_served() {
    let app = TestApp::start().await;
    let doc = assert_status(app.get("/api/v1/openapi.json", None).await, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() >= 20);
    let mut operations = 0;
    for (path, item) in paths {
        let concrete = path.replace("{id}", "1").replace("{name}", "nobody");
        for method in item.as_object().unwrap().keys() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let (status, body) = app
                .call(method.clone(), &format!("/api/v1{concrete}"), None, None)
                .await;
            assert_ne!(
                status,
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path} is documented but not routed"
            );
            assert_ne!(
                body["error"], "no_route",
                "{method} {path} is documented but not routed"
            );
            operations += 1;
        }
    }
    assert!(operations >= 35, "only {operations} operations documented");
}

#[tokio::test]
async fn rate_limits_answer_429_with_retry_after_and_change_nothing() {
    let app = TestApp::start_configured(None, |c| {
        c.rate_limits.sign_in_per_minute = 3;
        c.rate_limits.post_per_minute = 2;
    })
    .await;
    let (token, c) = app.sign_up_with_community("wren").await;
    app.post_text(&token, &c, "one").await;
    app.post_text(&token, &c, "two").await;
    let response = app
        .client
        .post(format!("{}/api/v1/communities/{c}/posts", app.url))
        .bearer_auth(&token)
        .json(&serde_json::json!({"body": "three"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry = retry_after(&response);
    assert!((1..=60).contains(&retry));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "rate_limited");
    assert_eq!(app.community_post_count(&c).await, 2);

    // Guessing passwords is limited per account, whatever the address.
    for _ in 0..3 {
        assert_status(app.create_session("wren", "guess-guess").await, 401);
    }
    assert_error(
        app.create_session("WREN", "password1").await,
        429,
        "rate_limited",
    );
}

/// Signs `name` up as a client at `address` (sent as `X-Forwarded-For`); returns the status and
/// the token.
async fn sign_up_from(app: &TestApp, name: &str, address: &str) -> (StatusCode, String) {
    let response = app
        .client
        .post(format!("{}/api/v1/accounts", app.url))
        .header("x-forwarded-for", address)
        .json(&serde_json::json!({"username": name, "password": "password1"}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    (
        status,
        body["token"].as_str().unwrap_or_default().to_owned(),
    )
}

#[tokio::test]
async fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
    let direct = TestApp::start_configured(None, |c| c.rate_limits.sign_up_per_minute = 1).await;
    assert_eq!(
        sign_up_from(&direct, "ana", "198.51.100.1").await.0,
        StatusCode::CREATED
    );
    // A made-up header does not make a new address.
    assert_eq!(
        sign_up_from(&direct, "ben", "198.51.100.2").await.0,
        StatusCode::TOO_MANY_REQUESTS
    );

    let proxied = TestApp::start_configured(None, |c| {
        c.rate_limits.sign_up_per_minute = 1;
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    assert_eq!(
        sign_up_from(&proxied, "ana", "198.51.100.1").await.0,
        StatusCode::CREATED
    );
    assert_eq!(
        sign_up_from(&proxied, "ben", "198.51.100.2").await.0,
        StatusCode::CREATED
    );
    assert_eq!(
        sign_up_from(&proxied, "cai", "198.51.100.1").await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn one_address_may_post_a_multiple_of_one_accounts_limit() {
    let app = TestApp::start_configured(None, |c| {
        c.rate_limits.post_per_minute = 1;
        c.rate_limits.per_address_factor = 2;
        c.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let c = app.community().await;
    let post_from = |token: String, address: &'static str| {
        let request = app
            .client
            .post(format!("{}/api/v1/communities/{c}/posts", app.url))
            .bearer_auth(token)
            .header("x-forwarded-for", address)
            .json(&serde_json::json!({"body": "hello"}));
        async move { request.send().await.unwrap().status() }
    };
    let mut tokens = Vec::new();
    for name in ["dee", "eli", "fay", "gus"] {
        tokens.push(sign_up_from(&app, name, "192.0.2.50").await.1);
    }
    assert_eq!(
        post_from(tokens[0].clone(), "203.0.113.1").await,
        StatusCode::CREATED
    );
    assert_eq!(
        post_from(tokens[1].clone(), "203.0.113.1").await,
        StatusCode::CREATED
    );
    // A third account at the same address is over the address's share ...
    assert_eq!(
        post_from(tokens[2].clone(), "203.0.113.1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // ... while another address is not.
    assert_eq!(
        post_from(tokens[3].clone(), "203.0.113.2").await,
        StatusCode::CREATED
    );
    assert_eq!(app.community_post_count(&c).await, 3);
}

#[tokio::test]
async fn an_empty_cursor_means_the_first_page() {
    let app = TestApp::start().await;
    let (token, c) = app.sign_up_with_community("pager").await;
    app.post_text(&token, &c, "First page").await;
    let path = format!("/api/v1/communities/{c}/posts");
    // New posts (a key cursor) and popular posts (an offset cursor) read as with no cursor.
    for list in [path.clone(), format!("{path}/popular")] {
        let (_, plain) = app.get(&list, None).await;
        let (status, body) = app.get(&format!("{list}?cursor="), None).await;
        assert_eq!(status, StatusCode::OK, "{list}: {body}");
        assert_eq!(body, plain, "{list}");
    }
    let (_, new) = app.get(&format!("{path}?cursor="), None).await;
    assert_eq!(new["posts"][0]["body"], "First page", "{new}");
}

#[tokio::test]
async fn readiness_says_redis_is_not_configured_when_there_is_none() {
    let app = TestApp::start_configured(None, |c| c.redis_url = String::new()).await;
    let body = assert_status(app.get("/readyz", None).await, 200);
    assert_eq!(body["redis"], "not_configured", "{body}");
    assert_eq!(body["database"], "ok", "{body}");
}
