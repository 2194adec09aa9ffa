//! Live streams while Redis is down: a web process that cannot hear the region's announcements
//! says so in its streams (`event: paused`), so the page polls; when Redis is back they resume.

use crate::helpers::{Region, Restore, WEB1};
use futures_util::StreamExt;
use reqwest::StatusCode;
use std::time::Duration;

/// Reads server-sent events from `stream` (keeping what is left in `buffer`) until one named
/// `name` arrives; the events seen on the way, for the failure message.
async fn wait_for_event<S, B>(
    stream: &mut S,
    buffer: &mut String,
    name: &str,
    within: Duration,
) -> Result<(), String>
where
    S: futures_util::Stream<Item = reqwest::Result<B>> + Unpin,
    B: AsRef<[u8]>,
{
    let deadline = tokio::time::Instant::now() + within;
    let mut seen = String::new();
    loop {
        while let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            seen.push_str(&event);
            if event.lines().any(|l| l == format!("event: {name}")) {
                return Ok(());
            }
        }
        let chunk = tokio::time::timeout_at(deadline, stream.next())
            .await
            .map_err(|_| format!("no {name} event in time; got: {seen}"))?
            .ok_or_else(|| format!("the stream ended; got: {seen}"))?
            .map_err(|e| e.to_string())?;
        buffer.push_str(&String::from_utf8_lossy(chunk.as_ref()));
    }
}

#[tokio::test]
async fn with_redis_stopped_a_live_stream_says_it_is_paused_and_resumes_when_redis_is_back() {
    let region = Region::open();
    let (_, me) = region.sign_up("paused").await;
    let response = region
        .get_raw_at(WEB1, "/api/v1/notifications/stream", &me)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut stream = response.bytes_stream();
    let mut buffer = String::new();
    wait_for_event(&mut stream, &mut buffer, "unread", Duration::from_secs(10))
        .await
        .unwrap();

    let out = region.ctl(&["stop", "redis"]);
    assert!(out.contains("stopped"), "{out}");
    {
        let _restart = Restore(&region, &["start", "redis"]);
        wait_for_event(&mut stream, &mut buffer, "paused", Duration::from_secs(15))
            .await
            .unwrap();
    }
    // Redis is started again as `_restart` goes: the stream resumes and sends the count.
    wait_for_event(&mut stream, &mut buffer, "resumed", Duration::from_secs(20))
        .await
        .unwrap();
    wait_for_event(&mut stream, &mut buffer, "unread", Duration::from_secs(10))
        .await
        .unwrap();
}
