//! The live unread count: a Server-Sent Events stream that sends the count at once and again
//! whenever a notification for the person is made, in this process or any other of the region
//! (see `plaza_cache::Live`). Streams end after a while and the browser reconnects; when the
//! process shuts down they end at once with a reconnect hint, so a restart is never held up by
//! open streams.
//!
//! When this process cannot hear the region's announcements (Redis down), a stream says so with
//! `event: paused`, and the page polls the count instead; `event: resumed` (followed by the
//! count) says live updates are back.

use crate::AppState;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use plaza_types::Id;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::time::Instant;

/// How long one stream stays open before the client is asked to reconnect.
const STREAM_LIFETIME: Duration = Duration::from_secs(60);
/// How soon a client should come back: sent with every event, so also with the last one.
const RETRY: Duration = Duration::from_secs(2);

struct Listener {
    state: AppState,
    user: Id,
    rx: tokio::sync::broadcast::Receiver<i64>,
    /// Whether the region's announcements reach `rx` (see `plaza_cache::Live::connected`).
    connected: tokio::sync::watch::Receiver<bool>,
    /// Whether the client was last told that live updates are on.
    said_live: bool,
    /// Send the count without waiting for news (the first event, and after a resume).
    first: bool,
    ends: Instant,
    /// The shutdown notice has been sent: the stream ends.
    said_goodbye: bool,
    /// Counts the stream in `plaza_sse_connections` while it is open.
    _open: OpenStream,
}

/// One open live stream in `plaza_sse_connections`: counted when made, uncounted when dropped
/// (the stream ended or its client went away).
struct OpenStream;

impl OpenStream {
    fn new() -> Self {
        metrics::gauge!("plaza_sse_connections").increment(1.0);
        OpenStream
    }
}

impl Drop for OpenStream {
    fn drop(&mut self) {
        metrics::gauge!("plaza_sse_connections").decrement(1.0);
    }
}

/// `user`'s unread count as `event: unread` / `data: {"unread": n}` (a
/// [`plaza_types::notification::UnreadCount`]), now and on every change.
pub fn unread_stream(
    state: AppState,
    user: Id,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let listener = Listener {
        rx: state.live.subscribe(),
        connected: state.live.connected(),
        said_live: true,
        state,
        user,
        first: true,
        ends: Instant::now() + STREAM_LIFETIME,
        said_goodbye: false,
        _open: OpenStream::new(),
    };
    let stream = futures_util::stream::unfold(listener, |mut l| async move {
        if l.said_goodbye {
            return None;
        }
        if l.state.draining.is_draining() {
            return Some((
                Ok(goodbye()),
                Listener {
                    said_goodbye: true,
                    ..l
                },
            ));
        }
        if !l.first {
            if let Some(event) = l.live_change() {
                return Some((Ok(event), l));
            }
            let draining = l.state.draining.clone();
            let mut draining = std::pin::pin!(draining.started());
            loop {
                let news = tokio::time::timeout_at(l.ends, l.rx.recv());
                let news = tokio::select! {
                    () = &mut draining => {
                        return Some((Ok(goodbye()), Listener { said_goodbye: true, ..l }));
                    }
                    // A closed watch (a single process) never changes: wait for news only.
                    Ok(()) = l.connected.changed() => {
                        match l.live_change() {
                            Some(event) => return Some((Ok(event), l)),
                            None => continue,
                        }
                    }
                    news = news => news,
                };
                match news {
                    Ok(Ok(id)) if id == l.user.0 => break,
                    Ok(Ok(_)) => {}
                    // Missed some announcements: send the count in case one was ours.
                    Ok(Err(RecvError::Lagged(_))) => break,
                    Ok(Err(RecvError::Closed)) | Err(_) => return None,
                }
            }
        }
        l.first = false;
        let event = match l.state.notification.unread(l.user).await {
            Ok(count) => Event::default()
                .event("unread")
                .retry(RETRY)
                .json_data(&count)
                .unwrap_or_default(),
            // The count could not be read now; the next announcement tries again.
            Err(_) => Event::default().comment("unread count unavailable"),
        };
        Some((Ok(event), l))
    });
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

impl Listener {
    /// `paused` when the region's announcements stopped reaching this process since the client
    /// was last told, `resumed` when they came back (and the count follows at once, since news
    /// may have been missed meanwhile); nothing when that did not change.
    fn live_change(&mut self) -> Option<Event> {
        let live = *self.connected.borrow_and_update();
        if live == self.said_live {
            return None;
        }
        self.said_live = live;
        let event = if live {
            self.first = true;
            Event::default()
                .event("resumed")
                .data("live updates are back")
        } else {
            Event::default()
                .event("paused")
                .data("live updates are paused; poll the unread count")
        };
        Some(event.retry(RETRY))
    }
}

/// The last event of a stream whose process is shutting down: come back (to another process)
/// after [`RETRY`].
fn goodbye() -> Event {
    Event::default()
        .event("restart")
        .retry(RETRY)
        .data("this server is restarting; reconnect")
}
