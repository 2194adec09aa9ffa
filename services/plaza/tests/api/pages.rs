//! The site as a browser without JavaScript uses it: cookie sessions, CSRF-protected forms,
//! escaping, spoilers, the header's unread count and friendly error pages.

use crate::helpers::{Browser, TestApp, assert_page, assert_shows, token_in};
use plaza_test_support::assert_status;
use reqwest::StatusCode;

#[tokio::test]
async fn a_person_signs_up_posts_and_sees_the_post_escaped() {
    let app = TestApp::start().await;
    let browser = Browser::signed_up(&app, "wanda").await;
    let (_, home) = browser.get("/").await;
    assert!(
        home.contains("href=\"/users/wanda\""),
        "the header shows the signed-in person"
    );

    let c = app.community().await;
    let url = app.community_url(&c).await;
    let csrf = browser.csrf(&url).await;
    let r = browser
        .submit(
            &format!("{url}/posts"),
            &[
                ("csrf", &csrf),
                ("body", "<script>alert(1)</script> hi"),
                ("feeling", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let page = assert_page(browser.get(&url).await, 200);
    assert!(
        page.contains("&#60;script&#62;alert(1)&#60;/script&#62; hi")
            || page.contains("&lt;script&gt;alert(1)&lt;/script&gt; hi"),
        "escaped"
    );
    assert!(!page.contains("<script>alert(1)</script>"));
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused_and_change_nothing() {
    let app = TestApp::start().await;
    let browser = Browser::new(&app);
    browser.get("/signup").await;
    let r = browser
        .submit(
            "/signup",
            &[("username", "xavi"), ("password", "password1")],
        )
        .await;
    assert_shows(r, StatusCode::FORBIDDEN, "<html").await;
    let forged = "x".repeat(43);
    let r = browser.submit_credentials("/signup", &forged, "xavi").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_status(app.get("/api/v1/users/xavi", None).await, 404);
}

#[tokio::test]
async fn a_bad_form_comes_back_with_the_error_and_the_draft() {
    let app = TestApp::start().await;
    let browser = Browser::signed_up(&app, "yael").await;
    let csrf = browser.csrf("/signup").await;
    let r = browser.submit_credentials("/signup", &csrf, "yael").await;
    assert_shows(r, StatusCode::CONFLICT, "That username is taken.").await;

    let c = app.community().await;
    let url = app.community_url(&c).await;
    let long = "y".repeat(1001);
    let r = browser
        .submit(&format!("{url}/posts"), &[("csrf", &csrf), ("body", &long)])
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(html.contains("at most 1000 characters"));
    assert!(html.contains(&long), "the draft is kept");
}

#[tokio::test]
async fn spoilers_are_hidden_from_others_but_not_from_the_author() {
    let app = TestApp::start().await;
    let (token, c) = app.sign_up_with_community("zoe").await;
    let (_, body) = app
        .post_in(
            &token,
            &c,
            serde_json::json!({"body": "the ending twist", "spoiler": true}),
        )
        .await;
    let post = body["post"]["id"].as_str().unwrap().to_owned();
    let (_, anonymous) = Browser::new(&app).get(&format!("/posts/{post}")).await;
    assert!(anonymous.contains("This post contains spoilers"));
    assert!(anonymous.contains("<details class=\"spoiler\">"));

    let (author, _) = Browser::signed_in(&app, "zoe").await;
    let (_, own) = author.get(&format!("/posts/{post}")).await;
    assert!(own.contains("the ending twist"));
    assert!(!own.contains("This post contains spoilers"));
}

#[tokio::test]
async fn yeah_from_a_page_answers_json_and_the_header_counts_notifications() {
    let app = TestApp::start().await;
    let (author_token, _, post) = app.sign_up_and_post("abby", "yeah this").await;

    let fan = Browser::signed_up(&app, "bert").await;
    let csrf = fan.csrf(&format!("/posts/{post}")).await;
    let fields = [("csrf", csrf.as_str()), ("give", "1")];
    let json = [("accept", "application/json")];
    let r = fan
        .submit_with_headers(&format!("/posts/{post}/yeah"), &json, &fields)
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: serde_json::Value = r.json().await.unwrap();
    assert_eq!(body["yeahed"], true);
    assert_eq!(body["yeah_count"], 1);

    app.wait_unread(&author_token, 1).await;
    let (author, _) = Browser::signed_in(&app, "abby").await;
    let (_, page) = author.get("/").await;
    assert!(
        page.contains("aria-label=\"1 unread\""),
        "the header shows one unread"
    );
    let (_, page) = author.get("/notifications").await;
    assert!(page.contains("bert gave your post a Yeah."));
    let csrf = token_in(&page);
    author.press("/notifications/read", &csrf).await;
    let (_, page) = author.get("/").await;
    assert!(!page.contains("aria-label=\"1 unread\""));
    assert!(page.contains("<span class=\"badge hidden\" id=\"unread-count\"></span>"));
}

#[tokio::test]
async fn follow_block_and_activity_work_from_the_pages() {
    let app = TestApp::start().await;
    let (friend, c) = app.sign_up_with_community("cody").await;
    app.post_text(&friend, &c, "cody's news").await;
    let me = Browser::signed_up(&app, "dina").await;
    let csrf = me.csrf("/users/cody").await;
    let r = me
        .submit("/users/cody/follow", &[("csrf", &csrf), ("on", "1")])
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, activity) = me.get("/activity").await;
    assert!(activity.contains("cody&#39;s news") || activity.contains("cody's news"));
    let (_, profile) = me.get("/users/cody").await;
    assert!(profile.contains("1 followers") || profile.contains(">Unfollow<"));

    me.submit("/users/cody/block", &[("csrf", &csrf), ("on", "1")])
        .await;
    let (_, activity) = me.get("/activity").await;
    assert!(!activity.contains("news"));
    let (_, community) = me.get(&format!("/titles/0005000010101C00/{c}")).await;
    assert!(!community.contains("news"));
}

#[tokio::test]
async fn pages_need_sign_in_where_it_matters_and_errors_are_friendly() {
    let app = TestApp::start().await;
    let browser = Browser::new(&app);
    let r = browser.get_raw("/activity").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/signin");
    let html = assert_page(browser.get("/posts/12345").await, 404);
    assert!(html.contains("<h1>Not found</h1>"));
    let html = assert_page(browser.get("/no/such/page").await, 404);
    assert!(html.contains("There is no page here."));
    for path in [
        "/",
        "/communities",
        "/signin",
        "/signup",
        "/static/plaza.css",
        "/static/plaza.js",
    ] {
        assert_eq!(browser.get(path).await.0, StatusCode::OK, "{path}");
    }
}

#[tokio::test]
async fn a_form_that_redirects_does_not_ask_for_the_unread_count_and_a_page_reads_it_cached() {
    use axum::extract::Request;
    use axum::middleware::Next;
    use plaza::stack::Service;
    use plaza_test_support::middleware_on;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    let asked = Arc::new(AtomicUsize::new(0));
    let count = asked.clone();
    let hook = middleware_on([Service::Notification], move |req: Request, next: Next| {
        if req.uri().path().ends_with("/unread") {
            count.fetch_add(1, Ordering::SeqCst);
        }
        next.run(req)
    });
    // The in-process cache even when the suite runs on a region's parts: what is counted here
    // is whether web asks, and one memcached call that times out under a loaded machine (it is
    // then skipped for a second, and every read misses) would be counted as an ask. The region's
    // memcached is covered by the page-cache tests and the region tests.
    let app =
        TestApp::start_configured(Some(hook), |config| config.memcached.servers.clear()).await;
    let erin = app.sign_up("erin").await;
    let browser = Browser::signed_up(&app, "fred").await;
    let csrf = browser.csrf("/users/erin").await;
    let before = asked.load(Ordering::SeqCst);

    let r = browser
        .submit("/users/erin/follow", &[("csrf", &csrf), ("on", "1")])
        .await;

    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        asked.load(Ordering::SeqCst),
        before,
        "no count for a redirect"
    );
    // The page before the form asked notification once, which cached the count; a page now
    // reads it from there while it is unchanged, and asks again once a notification changes it.
    browser.get("/users/erin").await;
    assert_eq!(asked.load(Ordering::SeqCst), before, "the cached count");
    app.put("/api/v1/users/fred/follow", &erin).await;
    let mut shown = false;
    for _ in 0..100 {
        let (_, page) = browser.get("/users/erin").await;
        if page.contains("aria-label=\"1 unread\"") {
            shown = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(shown, "the header shows the new notification");
    assert_eq!(
        asked.load(Ordering::SeqCst),
        before + 1,
        "asked once after the change"
    );
}
