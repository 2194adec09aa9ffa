//! Picking a home region at sign-up, with two regions started in this process (each with its
//! own database, so nothing replicates): a sign-up for the other region is made there and its
//! answer relayed; an unknown region is refused; a region that cannot be reached fails fast.

use crate::helpers::{Browser, TestApp, token_in};
use plaza::config::{Config, Secret};
use plaza_test_support::assert_status;
use reqwest::StatusCode;
use serde_json::json;
use std::time::{Duration, Instant};

/// Region `region` of a two-region deployment whose other region's web service is at `peer`.
async fn region(region: u8, other: u8, peer: &str) -> TestApp {
    let peer = peer.to_owned();
    TestApp::start_configured(None, move |config: &mut Config| {
        config.region = region;
        config.peers.forward_secret = Secret("a shared secret of the two test regions".into());
        config.peers.web.insert(other.to_string(), peer);
        config.peers.connect_timeout_ms = 500;
        config.peers.timeout_ms = 5000;
    })
    .await
}

/// Signs up `name` through `app` for the home region `asked`.
async fn sign_up_for(
    app: &TestApp,
    name: &str,
    asked: serde_json::Value,
) -> (StatusCode, serde_json::Value) {
    app.post(
        "/api/v1/accounts",
        None,
        json!({"username": name, "password": "password1", "home_region": asked}),
    )
    .await
}

/// Nothing listens here: a region that is down.
const DOWN: &str = "http://127.0.0.1:9";

#[tokio::test]
async fn a_sign_up_for_another_region_is_made_there_and_relayed() {
    let r2 = region(2, 1, DOWN).await;
    let r1 = region(1, 2, &r2.url).await;
    let body = assert_status(sign_up_for(&r1, "farhome", json!(2)).await, 201);
    assert_eq!(body["user"]["home_region"], 2, "{body}");
    // Region 2 wrote the account and its session; region 1 wrote nothing.
    let token = body["token"].as_str().expect("a token");
    let me = assert_status(r2.me(token).await, 200);
    assert_eq!(me["user"]["username"], "farhome");
    assert_status(r1.get("/api/v1/users/farhome", None).await, 404);
}

#[tokio::test]
async fn a_sign_up_for_this_region_by_number_is_made_here() {
    let r1 = region(1, 2, DOWN).await;
    let body = assert_status(sign_up_for(&r1, "nearhome", json!(1)).await, 201);
    assert_eq!(body["user"]["home_region"], 1, "{body}");
}

#[tokio::test]
async fn a_sign_up_for_an_unknown_region_is_refused_and_creates_nothing() {
    let two = region(1, 2, DOWN).await;
    let one = TestApp::start().await;
    // Regions 1 and 2, then region 1 alone (which has no region 2).
    for (app, unknown) in [(&two, [0, 7, 255]), (&one, [0, 7, 2])] {
        for asked in unknown {
            let (status, body) = sign_up_for(app, "lost", json!(asked)).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{asked}: {body}");
            assert_eq!(body["error"], "unknown_region", "{asked}: {body}");
        }
        assert_status(app.get("/api/v1/users/lost", None).await, 404);
    }
}

#[tokio::test]
async fn a_sign_up_for_a_region_that_is_down_fails_fast() {
    let r1 = region(1, 2, DOWN).await;
    let started = Instant::now();
    let body = assert_status(sign_up_for(&r1, "stranded", json!(2)).await, 503);
    assert_eq!(body["error"], "home_region_unavailable");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_status(r1.get("/api/v1/users/stranded", None).await, 404);
}

#[tokio::test]
async fn the_sign_up_page_offers_every_region_and_homes_the_account_in_the_one_picked() {
    let r2 = region(2, 1, DOWN).await;
    let r1 = region(1, 2, &r2.url).await;
    let browser = Browser::new(&r1);
    let (_, html_of_r1) = browser.get("/signup").await;
    let html = &html_of_r1;
    assert!(
        html.contains(r#"<select id="home_region" name="home_region">"#),
        "{html}"
    );
    assert!(html.contains(r#"<option value="1" selected>"#), "{html}");
    assert!(html.contains(r#"<option value="2">"#), "{html}");
    // One region alone offers no choice.
    let one = TestApp::start().await;
    let (_, html) = Browser::new(&one).get("/signup").await;
    assert!(!html.contains("home_region"), "{html}");

    let csrf = token_in(&html_of_r1);
    let fields = [
        ("csrf", csrf.as_str()),
        ("username", "pagehome"),
        ("password", "password1"),
        ("home_region", "2"),
    ];
    let answer = browser.submit("/signup", &fields).await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert_eq!(answer.headers()["x-plaza-served-by-region"], "2");
    let user = assert_status(r2.get("/api/v1/users/pagehome", None).await, 200);
    assert_eq!(user["user"]["home_region"], 2);

    let refused = browser
        .submit(
            "/signup",
            &[
                ("csrf", csrf.as_str()),
                ("username", "pagelost"),
                ("password", "password1"),
                ("home_region", "nine"),
            ],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_status(r1.get("/api/v1/users/pagelost", None).await, 404);
}
