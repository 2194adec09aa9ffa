//! The request context: a request id and the release track (`x-plaza-track: stable|preview`),
//! taken from the incoming request or made fresh, held in a task-local for the request's whole
//! life (detached writes included) and sent on with every call to another service.

use axum::http::HeaderMap;

/// The header that carries the request id between services.
pub const REQUEST_ID_HEADER: &str = "x-request-id";
/// The header that carries the release track between services.
pub const TRACK_HEADER: &str = "x-plaza-track";
/// The header a client names a write with, so that a retry of it never writes twice.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";

/// Which release a request is served by (blue/green, ARCHITECTURE §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Track {
    Stable,
    Preview,
}

impl Track {
    /// The header value.
    pub fn as_str(self) -> &'static str {
        match self {
            Track::Stable => "stable",
            Track::Preview => "preview",
        }
    }
}

/// What a request carries from service to service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestContext {
    pub request_id: String,
    pub track: Track,
    /// The client's `Idempotency-Key` for this write, when it sent a well-formed one: stored with
    /// the row the write makes, so that a retry finds it.
    pub idempotency_key: Option<String>,
}

tokio::task_local! {
    static CURRENT: RequestContext;
}

impl RequestContext {
    /// The context of an incoming request: its ids if it carries well-formed ones, else new ones.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let request_id = headers
            .get(REQUEST_ID_HEADER)
            .and_then(|v| v.to_str().ok())
            .filter(|v| {
                !v.is_empty()
                    && v.len() <= 64
                    && v.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            })
            .map(str::to_owned)
            .unwrap_or_else(new_request_id);
        let track = match headers.get(TRACK_HEADER).and_then(|v| v.to_str().ok()) {
            Some("preview") => Track::Preview,
            _ => Track::Stable,
        };
        let idempotency_key = headers
            .get(IDEMPOTENCY_KEY_HEADER)
            .and_then(|v| v.to_str().ok())
            .filter(|k| valid_idempotency_key(k))
            .map(str::to_owned);
        Self {
            request_id,
            track,
            idempotency_key,
        }
    }

    /// A context for work that no request started (jobs, start-up).
    pub fn background() -> Self {
        Self {
            request_id: new_request_id(),
            track: Track::Stable,
            idempotency_key: None,
        }
    }

    /// The context of the request this task serves, if any.
    pub fn current() -> Option<Self> {
        CURRENT.try_with(Clone::clone).ok()
    }

    /// Runs `fut` with this context as the current one.
    pub async fn scope<F: Future>(self, fut: F) -> F::Output {
        CURRENT.scope(self, fut).await
    }
}

/// Whether `key` is a well-formed `Idempotency-Key`: 1 to 255 visible ASCII characters.
pub fn valid_idempotency_key(key: &str) -> bool {
    !key.is_empty() && key.len() <= 255 && key.bytes().all(|b| b.is_ascii_graphic())
}

/// A fresh random id (32 hex digits), for a request or a form's idempotency key. The bytes come
/// from `rand`'s thread-local generator (ChaCha, seeded and reseeded from the OS): a page with
/// twenty Yeah forms makes twenty of these, and one system call each showed in the profile.
pub fn new_request_id() -> String {
    use rand::Rng;
    let mut bytes = [0u8; 16];
    rand::rng().fill(&mut bytes);
    let mut digits = [0u8; 32];
    // `hex::encode` builds its string a char at a time; the slice form writes the digits at once
    // (it fails only for a slice of the wrong length, which 32 for 16 bytes is not).
    match hex::encode_to_slice(bytes, &mut digits) {
        Ok(()) => String::from_utf8_lossy(&digits).into_owned(),
        Err(_) => hex::encode(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The context of a request that came with these request-id and track headers.
    fn context_of(request_id: &str, track: &str) -> RequestContext {
        let mut headers = HeaderMap::new();
        headers.insert(REQUEST_ID_HEADER, request_id.parse().unwrap());
        headers.insert(TRACK_HEADER, track.parse().unwrap());
        RequestContext::from_headers(&headers)
    }

    #[test]
    fn fresh_ids_are_32_hex_digits_and_never_repeat() {
        let ids: std::collections::HashSet<String> =
            (0..10_000).map(|_| new_request_id()).collect();
        assert_eq!(ids.len(), 10_000);
        assert!(
            ids.iter()
                .all(|id| id.len() == 32 && hex::decode(id).is_ok())
        );
        // From other threads too (each has its own generator, seeded apart).
        let others: Vec<String> = (0..4)
            .map(|_| std::thread::spawn(new_request_id))
            .map(|t| t.join().expect("a thread"))
            .collect();
        assert!(others.iter().all(|id| !ids.contains(id)));
        assert_eq!(
            others
                .iter()
                .collect::<std::collections::HashSet<_>>()
                .len(),
            4
        );
    }

    #[test]
    fn incoming_ids_and_track_are_kept() {
        let ctx = context_of("abc-123", "preview");
        assert_eq!(ctx.request_id, "abc-123");
        assert_eq!(ctx.track, Track::Preview);
    }

    #[test]
    fn malformed_ids_are_replaced_and_unknown_tracks_are_stable() {
        let ctx = context_of("bad id\"<>", "beta");
        assert_eq!(ctx.request_id.len(), 32);
        assert_eq!(ctx.track, Track::Stable);
    }
}
