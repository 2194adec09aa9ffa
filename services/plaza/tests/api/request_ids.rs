//! Request ids a person can quote: every answer carries its request id in `x-request-id`, and
//! error pages show it (in the reader's language), so support can find the request's log line.

use crate::helpers::TestApp;
use plaza_test_support::header;
use reqwest::StatusCode;
use reqwest::header::ACCEPT_LANGUAGE;

/// `path` as a browser preferring `languages` fetches it: status, `x-request-id`, page.
async fn fetch(
    app: &TestApp,
    path: &str,
    languages: &str,
    id: Option<&str>,
) -> (StatusCode, String, String) {
    let mut request = app
        .client
        .get(format!("{}{path}", app.url))
        .header(ACCEPT_LANGUAGE, languages);
    if let Some(id) = id {
        request = request.header("x-request-id", id);
    }
    let response = request.send().await.unwrap();
    let id = header(&response, "x-request-id").to_owned();
    (response.status(), id, response.text().await.unwrap())
}

#[tokio::test]
async fn an_error_page_shows_the_request_id_of_its_header_in_english_and_japanese() {
    let app = TestApp::start().await;
    let (status, id, page) = fetch(&app, "/posts/12345", "en", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(id.len() >= 16, "a request id: {id:?}");
    assert!(page.contains("quote this request id"), "{page}");
    assert!(page.contains(&format!("<code>{id}</code>")), "{page}");

    let (status, other, page) = fetch(&app, "/no/such/page", "ja", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_ne!(other, id, "each request has its own id");
    assert!(page.contains("リクエスト ID"), "{page}");
    assert!(page.contains(&format!("<code>{other}</code>")), "{page}");
}

#[tokio::test]
async fn a_well_formed_request_id_from_the_edge_is_kept_and_a_malformed_one_replaced() {
    let app = TestApp::start().await;
    let (_, id, page) = fetch(&app, "/posts/12345", "en", Some("edge-0123456789abcdef")).await;
    assert_eq!(id, "edge-0123456789abcdef");
    assert!(page.contains("<code>edge-0123456789abcdef</code>"));

    let (_, id, page) = fetch(&app, "/posts/12345", "en", Some("<script>")).await;
    assert_ne!(id, "<script>");
    assert!(!page.contains("<script>"), "{page}");
    assert!(page.contains(&format!("<code>{id}</code>")));
}

#[tokio::test]
async fn json_errors_carry_the_request_id_header_too() {
    let app = TestApp::start().await;
    let response = app.get_raw("/api/v1/posts/12345").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(header(&response, "x-request-id").len() >= 16);
}
