//! Staff's release page (`/admin/release`): opting into the preview track and out again in the
//! pages, behind a CSRF token and the moderator check; the signed cookie it sets.

use crate::helpers::{Browser, TestApp, assert_page};
use crate::moderation::{admin, appoint};
use reqwest::StatusCode;

const SECRET: &str = "a-test-preview-secret-of-32-chars-or-more";

/// A Plaza whose region can issue preview cookies.
async fn with_preview() -> TestApp {
    TestApp::start_configured(None, |config| {
        config.release.cookie_secret = plaza::config::Secret(SECRET.into());
    })
    .await
}

/// The `plaza_preview` cookie an answer sets (its whole `Set-Cookie` line), if any.
fn preview_cookie(answer: &reqwest::Response) -> Option<String> {
    answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("plaza_preview="))
        .map(str::to_owned)
}

/// The track the page says it was served by.
fn shown_track(page: &str) -> &str {
    let start = page
        .find("data-track=\"")
        .expect("the current track is shown")
        + 12;
    let rest = &page[start..];
    &rest[..rest.find('"').unwrap()]
}

#[tokio::test]
async fn a_moderator_opts_into_preview_in_the_page_and_back_out() {
    let app = with_preview().await;
    let boss = admin(&app, "releaseboss").await;
    app.sign_up("releasemod").await;
    appoint(&app, &boss, "releasemod", None).await;
    let (browser, csrf) = Browser::signed_in(&app, "releasemod").await;

    let page = assert_page(browser.get("/admin/release").await, 200);
    assert_eq!(shown_track(&page), "stable");
    assert!(page.contains("Use the preview release"), "{page}");
    assert!(page.contains("data-service=\"timeline\""), "{page}");

    let answer = browser
        .submit("/admin/release", &[("csrf", &csrf), ("track", "preview")])
        .await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert_eq!(answer.headers()["location"], "/admin/release");
    let cookie = preview_cookie(&answer).expect("the preview cookie is set");
    let value = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("plaza_preview=");
    let (payload, mac) = value.rsplit_once('.').unwrap();
    assert!(payload.starts_with("preview."), "{cookie}");
    assert_eq!(mac.len(), 64, "an HMAC-SHA256 in hex: {cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(!cookie.contains("Max-Age=0"), "{cookie}");

    // Served on the preview track (the edge sets this header once it has checked the cookie;
    // these services are reached directly), the page says so and offers the way back.
    let (status, page) = {
        let r = browser
            .client
            .get(format!("{}/admin/release", browser.url))
            .header("x-plaza-track", "preview")
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    };
    assert_eq!(status, StatusCode::OK);
    assert_eq!(shown_track(&page), "preview");
    assert!(page.contains("Go back to the stable release"), "{page}");

    let answer = browser
        .submit("/admin/release", &[("csrf", &csrf), ("track", "stable")])
        .await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let cookie = preview_cookie(&answer).expect("the preview cookie is cleared");
    assert!(cookie.starts_with("plaza_preview=;"), "{cookie}");
    assert!(cookie.contains("Max-Age=0"), "{cookie}");
}

#[tokio::test]
async fn the_release_form_needs_its_csrf_token_and_a_known_track() {
    let app = with_preview().await;
    admin(&app, "releaseadmin").await;
    let (browser, csrf) = Browser::signed_in(&app, "releaseadmin").await;
    for fields in [
        vec![("track", "preview")],
        vec![("csrf", "forged"), ("track", "preview")],
    ] {
        let answer = browser.submit("/admin/release", &fields).await;
        assert_eq!(answer.status(), StatusCode::FORBIDDEN);
        assert_eq!(preview_cookie(&answer), None, "no cookie without the token");
    }
    let answer = browser
        .submit("/admin/release", &[("csrf", &csrf), ("track", "canary")])
        .await;
    assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(preview_cookie(&answer), None);
}

#[tokio::test]
async fn people_who_are_not_staff_get_the_forbidden_page() {
    let app = with_preview().await;
    app.sign_up("releasefan").await;
    let (browser, csrf) = Browser::signed_in(&app, "releasefan").await;
    let page = assert_page(browser.get("/admin/release").await, 403);
    assert!(page.contains("Only moderators can do that."), "{page}");
    let answer = browser
        .submit("/admin/release", &[("csrf", &csrf), ("track", "preview")])
        .await;
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
    assert_eq!(preview_cookie(&answer), None, "no cookie for the public");

    let visitor = Browser::new(&app);
    let r = visitor.get_raw("/admin/release").await;
    assert_ne!(r.status(), StatusCode::OK, "a visitor is sent to sign in");
    assert_eq!(preview_cookie(&r), None);
}

#[tokio::test]
async fn a_region_without_a_cookie_secret_says_preview_is_off() {
    let app = TestApp::start_in_process().await;
    admin(&app, "nosecret").await;
    let (browser, csrf) = Browser::signed_in(&app, "nosecret").await;
    let (_, page) = browser.get("/admin/release").await;
    assert!(page.contains("no preview cookie secret"), "{page}");
    assert!(!page.contains("Use the preview release"), "{page}");
    let answer = browser
        .submit("/admin/release", &[("csrf", &csrf), ("track", "preview")])
        .await;
    assert_eq!(answer.status(), StatusCode::CONFLICT);
    assert_eq!(preview_cookie(&answer), None);
    let page = answer.text().await.unwrap();
    assert!(
        page.contains("no preview cookie secret configured"),
        "{page}"
    );
}
