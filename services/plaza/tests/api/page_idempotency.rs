//! The pages' write forms carry an idempotency key in a hidden field: a form sent again with its
//! key (a reload, a second click, the page's script retrying) gets the first answer and never
//! writes twice.

use crate::helpers::{Browser, TestApp};
use plaza_test_support::{assert_status, header};
use reqwest::StatusCode;

/// Every value of the hidden `idempotency_key` fields on `html`.
fn form_keys(html: &str) -> Vec<String> {
    let marker = "name=\"idempotency_key\" value=\"";
    html.match_indices(marker)
        .map(|(at, _)| {
            let start = at + marker.len();
            let end = start + html[start..].find('"').unwrap();
            html[start..end].to_owned()
        })
        .collect()
}

/// Sends `fields` to `path` with `key` in the hidden field; the status and where it leads.
async fn send(
    browser: &Browser,
    path: &str,
    key: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, Option<String>) {
    let mut all = fields.to_vec();
    all.push(("idempotency_key", key));
    let r = browser.submit(path, &all).await;
    let location = r
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    (r.status(), location)
}

async fn comment_count(app: &TestApp, post: &str) -> usize {
    let (_, body) = app
        .get(&format!("/api/v1/posts/{post}/comments"), None)
        .await;
    body["comments"].as_array().unwrap().len()
}

async fn community_url(app: &TestApp, c: &str) -> String {
    let (_, community) = app.get(&format!("/api/v1/communities/{c}"), None).await;
    community["community"]["url"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_write_form_carries_its_own_fresh_key() {
    let app = TestApp::start().await;
    let token = app.sign_up("kira").await;
    let c = app.community().await;
    let post = app.post_text(&token, &c, "look at my forms").await;
    app.comment(&token, &post, "and a comment").await;
    let (browser, _) = Browser::signed_in(&app, "kira").await;

    let (_, page) = browser.get(&format!("/posts/{post}")).await;
    let keys = form_keys(&page);
    // Delete the post, Yeah it, Yeah and delete the comment, write a comment.
    assert!(keys.len() >= 4, "{keys:?}");
    let mut distinct = keys.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), keys.len(), "every form has its own key");
    let (_, again) = browser.get(&format!("/posts/{post}")).await;
    assert!(
        form_keys(&again).iter().all(|k| !keys.contains(k)),
        "a page rendered again has new keys"
    );
    for path in [
        "/settings",
        "/notifications",
        &community_url(&app, &c).await,
    ] {
        let (_, page) = browser.get(path).await;
        assert!(!form_keys(&page).is_empty(), "{path} has keyed forms");
    }
}

#[tokio::test]
async fn a_comment_form_sent_twice_with_its_key_comments_once_and_both_answers_lead_to_it() {
    let app = TestApp::start().await;
    let token = app.sign_up("lena").await;
    let c = app.community().await;
    let post = app.post_text(&token, &c, "answer me once").await;
    let (browser, csrf) = Browser::signed_in(&app, "lena").await;
    let path = format!("/posts/{post}/comments");
    let fields = [("csrf", csrf.as_str()), ("body", "Just once")];

    let (status, first) = send(&browser, &path, "form-key-1", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let first = first.unwrap();
    assert!(first.starts_with(&format!("/posts/{post}#c")), "{first}");
    let (status, again) = send(&browser, &path, "form-key-1", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(again.as_deref(), Some(first.as_str()), "the same place");
    assert_eq!(comment_count(&app, &post).await, 1);

    // A new form (a new key) is a new comment.
    let (status, other) = send(&browser, &path, "form-key-2", &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_ne!(other.as_deref(), Some(first.as_str()));
    assert_eq!(comment_count(&app, &post).await, 2);
}

#[tokio::test]
async fn a_post_form_sent_twice_with_its_key_posts_once_also_as_multipart() {
    let app = TestApp::start().await;
    app.sign_up("mona").await;
    let c = app.community().await;
    let url = community_url(&app, &c).await;
    let (browser, csrf) = Browser::signed_in(&app, "mona").await;
    let path = format!("{url}/posts");
    for _ in 0..2 {
        // A browser makes a new multipart boundary for each submission of the same form.
        let form = reqwest::multipart::Form::new()
            .text("csrf", csrf.clone())
            .text("idempotency_key", "multipart-key")
            .text("body", "Posted once from a page");
        let r = browser.submit_multipart(&path, form).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()["location"], url.as_str());
    }
    assert_eq!(app.community_post_count(&c).await, 1);
}

#[tokio::test]
async fn a_form_key_used_by_another_account_does_not_collide() {
    let app = TestApp::start().await;
    let token = app.sign_up("nell").await;
    app.sign_up("otto").await;
    let c = app.community().await;
    let post = app.post_text(&token, &c, "two people, one key").await;
    let path = format!("/posts/{post}/comments");
    let (nell, nell_csrf) = Browser::signed_in(&app, "nell").await;
    let (otto, otto_csrf) = Browser::signed_in(&app, "otto").await;

    let (status, first) = send(
        &nell,
        &path,
        "same-key",
        &[("csrf", &nell_csrf), ("body", "Nell's")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, second) = send(
        &otto,
        &path,
        "same-key",
        &[("csrf", &otto_csrf), ("body", "Otto's")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_ne!(first, second);
    assert_eq!(comment_count(&app, &post).await, 2);
}

#[tokio::test]
async fn a_form_sent_back_with_an_error_lets_its_key_go() {
    let app = TestApp::start().await;
    let token = app.sign_up("pia").await;
    let c = app.community().await;
    let post = app.post_text(&token, &c, "try again").await;
    let (browser, csrf) = Browser::signed_in(&app, "pia").await;
    let path = format!("/posts/{post}/comments");

    let (status, _) = send(&browser, &path, "fix-me", &[("csrf", &csrf), ("body", " ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(comment_count(&app, &post).await, 0);
    // The same form, corrected: written now.
    let (status, location) = send(
        &browser,
        &path,
        "fix-me",
        &[("csrf", &csrf), ("body", "Fixed")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{location:?}");
    assert_eq!(comment_count(&app, &post).await, 1);
}

#[tokio::test]
async fn a_key_sent_to_another_form_is_refused_and_writes_nothing() {
    let app = TestApp::start().await;
    let token = app.sign_up("quin").await;
    let c = app.community().await;
    let post = app.post_text(&token, &c, "one form, one key").await;
    let (browser, csrf) = Browser::signed_in(&app, "quin").await;
    let (status, _) = send(
        &browser,
        &format!("/posts/{post}/comments"),
        "one-form",
        &[("csrf", &csrf), ("body", "First")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let r = browser
        .submit(
            &format!("/posts/{post}/delete"),
            &[("csrf", &csrf), ("idempotency_key", "one-form")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = assert_status(app.get(&format!("/api/v1/posts/{post}"), None).await, 200);
    assert_ne!(body["post"]["deleted"], true, "not deleted");
}

#[tokio::test]
async fn the_pages_script_gets_the_redirect_target_with_its_fragment() {
    let app = TestApp::start().await;
    let token = app.sign_up("rosa").await;
    let c = app.community().await;
    let post = app.post_text(&token, &c, "scripted").await;
    let (browser, csrf) = Browser::signed_in(&app, "rosa").await;
    let mut targets = Vec::new();
    for _ in 0..2 {
        let headers = [
            ("plaza-redirect", "manual"),
            ("idempotency-key", "scripted-key"),
        ];
        let fields = [("csrf", csrf.as_str()), ("body", "By script")];
        let r = browser
            .submit_with_headers(&format!("/posts/{post}/comments"), &headers, &fields)
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
        targets.push(header(&r, "plaza-location").to_owned());
    }
    assert!(targets[0].contains("#c"), "{targets:?}");
    assert_eq!(targets[0], targets[1]);
    assert_eq!(comment_count(&app, &post).await, 1);
}

#[tokio::test]
async fn a_yeah_sent_again_with_its_key_answers_the_same_and_counts_once() {
    let app = TestApp::start().await;
    let author = app.sign_up("sami").await;
    let c = app.community().await;
    let post = app.post_text(&author, &c, "yeah once").await;
    let fan = Browser::signed_up(&app, "tove").await;
    let csrf = fan.csrf(&format!("/posts/{post}")).await;
    let path = format!("/posts/{post}/yeah");
    let yeah = async |key: &str, give: &str| {
        let fields = [
            ("csrf", csrf.as_str()),
            ("give", give),
            ("idempotency_key", key),
        ];
        let json = [("accept", "application/json")];
        fan.submit_with_headers(&path, &json, &fields).await
    };
    for _ in 0..2 {
        let r = yeah("yeah-1", "1").await;
        assert_eq!(r.status(), StatusCode::OK);
        let body: serde_json::Value = r.json().await.unwrap();
        assert_eq!(body["yeahed"], true);
        assert_eq!(body["yeah_count"], 1);
    }
    // Taking it back is a new form with a new key.
    let r = yeah("yeah-2", "0").await;
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["yeah_count"], 0, "{body}");
}
