//! The edge: TLS, static files, and media stored in the bucket and cached by nginx.

use crate::edge_common::fresh_png;
use crate::helpers::{EDGE, Region, assert_console_error};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use plaza_media::ObjectStore;
use plaza_test_support::header;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn the_edge_speaks_tls_and_sends_plain_http_to_it() {
    let region = Region::open();
    let response = region.get_raw("/").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response
            .headers()
            .get("strict-transport-security")
            .is_some()
    );
    let plain = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = plain
        .get("http://127.0.0.1:8088/communities")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        response.headers()["location"],
        "https://127.0.0.1:8443/communities"
    );
}

#[tokio::test]
async fn static_files_come_from_the_edge() {
    let region = Region::open();
    let response = region.get_raw("/static/plaza.css").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header(&response, "content-type").starts_with("text/css"));
    assert!(
        response.headers().get("expires").is_some(),
        "nginx's expires header"
    );
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(response.headers()["x-frame-options"], "DENY");
    let css = response.text().await.unwrap();
    assert_eq!(css, include_str!("../../../../static/plaza.css"));
}

#[tokio::test]
async fn a_screenshot_lands_in_the_bucket_and_the_second_read_is_an_edge_cache_hit() {
    let region = Region::open();
    let (_, token) = region.sign_up("shot").await;
    let c = region.community().await;
    let png = fresh_png(400, 240);
    let (status, body) = region
        .post_in(&token, &c, json!({"body": "from the edge", "screenshot": STANDARD.encode(&png), "screenshot_type": "image/png"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let url = body["post"]["screenshot_url"].as_str().unwrap().to_owned();
    assert!(url.starts_with("/media/screenshots/"), "{url}");

    // The object is in the bucket, read back through the S3 API.
    let s3 = region.config.s3.as_ref().expect("the region uses S3");
    let store = plaza_media::S3Store::new(s3);
    let key = url.trim_start_matches("/media/");
    let stored = store
        .get(key)
        .await
        .unwrap()
        .expect("the object is in the bucket");

    // The edge serves it: a miss first, then a hit from nginx's cache, same bytes each time.
    let first = region.get_raw(&url).await;
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(first.headers()["x-cache-status"], "MISS");
    assert_eq!(
        first.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(first.bytes().await.unwrap().to_vec(), stored);
    let second = region.get_raw(&url).await;
    assert_eq!(second.headers()["x-cache-status"], "HIT");
    assert_eq!(second.bytes().await.unwrap().to_vec(), stored);

    // The thumbnail is stored beside it.
    let thumb = body["post"]["screenshot_thumb_url"].as_str().unwrap();
    let response = region.get_raw(thumb).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        store
            .get(thumb.trim_start_matches("/media/"))
            .await
            .unwrap()
            .is_some()
    );
}

#[tokio::test]
async fn a_missing_object_is_a_404_at_the_edge() {
    let region = Region::open();
    let response = region
        .get_raw(&format!("/media/screenshots/{}.png", "0".repeat(64)))
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn pages_through_the_edge_refuse_framing_and_a_half_sent_request_is_cut() {
    let region = Region::open();
    let response = region.get_raw("/communities").await;
    assert_eq!(response.status(), StatusCode::OK);
    let csp = header(&response, "content-security-policy").to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(response.headers()["x-frame-options"], "DENY");
    // A client that opens a connection to the edge and never finishes its request is dropped
    // after nginx's header timeout (10 s), not held for a minute.
    let port = EDGE.rsplit(':').next().unwrap();
    let mut slow = tokio::net::TcpStream::connect(format!("127.0.0.1:{port}"))
        .await
        .unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    slow.write_all(&[0x16, 0x03, 0x01]).await.unwrap();
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        slow.read_to_end(&mut rest),
    )
    .await;
    assert!(closed.is_ok(), "the edge kept a half-sent request open");
}

/// `method path` through the edge, with `body` (its content type and bytes) if given.
async fn send(
    region: &Region,
    method: reqwest::Method,
    path: &str,
    body: Option<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let mut request = region.client.request(method, format!("{EDGE}{path}"));
    if let Some((content_type, bytes)) = body {
        request = request.header("content-type", content_type).body(bytes);
    }
    request.send().await.unwrap()
}

/// A body over the edge's limit (13 MiB), refused by nginx before Plaza sees it.
fn too_large(content_type: &str) -> Option<(&str, Vec<u8>)> {
    Some((content_type, vec![b'a'; 14 * 1024 * 1024]))
}

#[tokio::test]
async fn the_edges_own_errors_on_console_paths_are_the_consoles_xml() {
    use reqwest::Method;
    let region = Region::open();
    let body = too_large("multipart/form-data; boundary=x");
    assert_console_error(
        send(&region, Method::POST, "/v1/posts", body).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;
    // A method nginx refuses itself, and a path longer than its header buffers.
    assert_console_error(
        send(&region, Method::TRACE, "/v1/communities", None).await,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
    let long = region
        .get_raw(&format!("/v1/communities/{}", "7".repeat(20_000)))
        .await;
    assert_console_error(long, StatusCode::URI_TOO_LONG, "uri_too_long").await;
    // Plaza's own console errors pass the edge untouched: a wrong method is its XML 405.
    assert_console_error(
        send(&region, Method::DELETE, "/v1/communities", None).await,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
    // The API keeps its JSON for the same refusal.
    let trace = send(&region, Method::TRACE, "/api/v1/communities", None).await;
    assert_eq!(trace.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(header(&trace, "content-type").starts_with("application/json"));
    let body: serde_json::Value = trace.json().await.unwrap();
    assert_eq!(body["error"], "method_not_allowed", "{body}");
}

#[tokio::test]
async fn a_form_too_large_for_the_edge_gets_the_friendly_page() {
    let region = Region::open();
    // A POST: the page is served for it too (a static file would answer nginx's own 405).
    let body = too_large("application/x-www-form-urlencoded");
    let response = send(&region, reqwest::Method::POST, "/signin", body).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(header(&response, "content-type").starts_with("text/html"));
    let html = response.text().await.unwrap();
    assert!(html.contains("That was too large"), "{html}");
}
