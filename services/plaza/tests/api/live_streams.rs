//! The live unread stream when the region's announcements cannot be heard: with Redis
//! unreachable, a stream sends its count and then says live updates are paused, so the page
//! polls instead.

use crate::helpers::TestApp;
use futures_util::StreamExt;
use std::time::Duration;

#[tokio::test]
async fn with_redis_unreachable_a_live_stream_says_it_is_paused() {
    // Nothing listens on port 1: every connection to this "Redis" is refused at once.
    let app = TestApp::start_configured(None, |c| {
        c.redis_url = "redis://127.0.0.1:1/".into();
    })
    .await;
    let token = app.sign_up("uma").await;
    let response = app.notification_stream_at(&app.url, &token).await;
    let mut stream = response.bytes_stream();
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !text.contains("event: paused") {
        let Ok(Some(chunk)) = tokio::time::timeout_at(deadline, stream.next()).await else {
            panic!("no paused event; got: {text}");
        };
        text.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
    }
    let unread = text.find("event: unread").expect("the count first");
    assert!(unread < text.find("event: paused").unwrap(), "{text}");
    assert!(text.contains("data: live updates are paused"), "{text}");
}
