//! The live unread count: a Server-Sent Events stream that sends the count at once and again
//! whenever a notification for the person is made, in this process or any other of the region
//! (see `plaza_cache::Live`). Streams end after a while and the browser reconnects; when the
//! process shuts down they end at once with a reconnect hint, so a restart is never held up by
//! open streams.

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
    first: bool,
    ends: Instant,
    /// The shutdown notice has been sent: the stream ends.
    said_goodbye: bool,
}

/// `user`'s unread count as `event: unread` / `data: {"unread": n}` (a
/// [`plaza_types::notification::UnreadCount`]), now and on every change.
pub fn unread_stream(
    state: AppState,
    user: Id,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let listener = Listener {
        rx: state.live.subscribe(),
        state,
        user,
        first: true,
        ends: Instant::now() + STREAM_LIFETIME,
        said_goodbye: false,
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
            let draining = l.state.draining.clone();
            let mut draining = std::pin::pin!(draining.started());
            loop {
                let news = tokio::time::timeout_at(l.ends, l.rx.recv());
                let news = tokio::select! {
                    () = &mut draining => {
                        return Some((Ok(goodbye()), Listener { said_goodbye: true, ..l }));
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

/// The last event of a stream whose process is shutting down: come back (to another process)
/// after [`RETRY`].
fn goodbye() -> Event {
    Event::default()
        .event("restart")
        .retry(RETRY)
        .data("this server is restarting; reconnect")
}
