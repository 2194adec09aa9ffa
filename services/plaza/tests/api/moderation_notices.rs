//! Staff notices and "report handled" notices never point at content that is gone: when the
//! post or comment they are about was removed, hidden or deleted, the notice says so and links
//! nowhere, on the page and in the API; while it is there, the link works.

use crate::helpers::{Browser, TestApp};
use crate::moderation::{act_ok, admin, notifications, report_ok};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The notice behind `token`'s owner's first notification, from the API.
async fn first_notice(app: &TestApp, token: &str) -> Value {
    let told = notifications(app, token).await;
    let id = told[0]["target_id"].as_str().unwrap();
    let (status, body) = app.get(&format!("/api/v1/notices/{id}"), Some(token)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["notice"].clone()
}

/// The notice page `browser` (signed in as its reader) sees for `notice`.
async fn notice_page(browser: &Browser, notice: &Value) -> String {
    let (status, page) = browser
        .get(&format!("/notices/{}", notice["id"].as_str().unwrap()))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page
}

const GONE: &str = "The post or comment is no longer shown";

#[tokio::test]
async fn a_notice_about_a_removed_post_says_it_is_gone_to_the_reporter_and_links_the_author_to_it()
{
    let app = TestApp::start().await;
    let boss = admin(&app, "boss").await;
    let [reporter] = app.sign_ups(["rep1"]).await;
    let (author, _community, post) = app.sign_up_and_post("author", "bad words").await;
    report_ok(&app, &reporter, "post", &post, "harassment").await;
    act_ok(
        &app,
        &boss,
        "posts",
        &post,
        json!({"action": "remove", "reason": "Rude"}),
    )
    .await;
    let link = format!("href=\"/posts/{post}\"");

    // The reporter may not see the removed post: the notice says it is gone, with no link.
    let notice = first_notice(&app, &reporter).await;
    assert_eq!(notice["target_gone"], true, "{notice}");
    let (browser, _) = Browser::signed_in(&app, "rep1").await;
    let page = notice_page(&browser, &notice).await;
    assert!(page.contains(GONE), "{page}");
    assert!(!page.contains(&link), "{page}");

    // The author still sees their post with the reason: their notice links to it.
    let notice = first_notice(&app, &author).await;
    assert_eq!(notice["target_gone"], false, "{notice}");
    let (writer, _) = Browser::signed_in(&app, "author").await;
    let page = notice_page(&writer, &notice).await;
    assert!(page.contains(&link), "{page}");
    assert!(!page.contains(GONE), "{page}");
    let (status, _) = writer.get(&format!("/posts/{post}")).await;
    assert_eq!(status, StatusCode::OK, "the link works");

    // Once the author deletes it, their notice says it is gone too.
    let (status, body) = app.delete(&format!("/api/v1/posts/{post}"), &author).await;
    assert!(status.is_success(), "{status} {body}");
    let notice = first_notice(&app, &author).await;
    assert_eq!(notice["target_gone"], true, "{notice}");
    let page = notice_page(&writer, &notice).await;
    assert!(page.contains(GONE), "{page}");
    assert!(!page.contains(&link), "{page}");
}

#[tokio::test]
async fn a_notice_about_content_that_stays_links_to_it() {
    let app = TestApp::start().await;
    let boss = admin(&app, "boss").await;
    let [reporter] = app.sign_ups(["rep1"]).await;
    let (author, _community, post) = app.sign_up_and_post("author", "a thread").await;
    let comment = app.comment(&author, &post, "the ending is...").await;
    report_ok(&app, &reporter, "comment", &comment, "spoiler").await;
    act_ok(
        &app,
        &boss,
        "comments",
        &comment,
        json!({"action": "mark_spoiler"}),
    )
    .await;

    let notice = first_notice(&app, &reporter).await;
    assert_eq!(notice["target_gone"], false, "{notice}");
    let (browser, _) = Browser::signed_in(&app, "rep1").await;
    let page = notice_page(&browser, &notice).await;
    let link = format!("/comments/{comment}");
    assert!(page.contains(&format!("href=\"{link}\"")), "{page}");
    assert!(!page.contains(GONE), "{page}");
    let (status, _) = browser.get(&link).await;
    assert_ne!(status, StatusCode::NOT_FOUND, "the link works");
}
