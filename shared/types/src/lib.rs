//! Domain types shared by every Plaza service: ids, cursors, validation rules and the JSON shapes
//! the services exchange over REST. Nothing here touches a database or the network.

pub mod api;
pub mod cursor;
pub mod empathy;
pub mod error;
pub mod game;
pub mod health;
pub mod id;
pub mod jobs;
pub mod notification;
pub mod pages;
pub mod timeline;
pub mod validate;

pub use cursor::Cursor;
pub use error::ErrorBody;
pub use id::{Id, IdGenerator};

/// Milliseconds since the Unix epoch, UTC: how every table stores time, portable across dialects.
pub type Millis = i64;

/// The current time as [`Millis`].
pub fn now_millis() -> Millis {
    chrono::Utc::now().timestamp_millis()
}

/// Converts stored [`Millis`] to a UTC time for JSON (serialised as RFC 3339).
pub fn to_datetime(ms: Millis) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// A page of a keyset-paginated list. `next_cursor` is absent on the last page.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Makes a page from a read of up to `limit + 1` items: the extra item only tells that
    /// another page follows, whose cursor is the key of the last item kept.
    pub fn from_overfetch(mut items: Vec<T>, limit: u32, key: impl Fn(&T) -> i64) -> Self {
        let next_cursor = if items.len() > limit as usize {
            items.truncate(limit as usize);
            items.last().map(|last| Cursor::Key(key(last)).encode())
        } else {
            None
        };
        Page { items, next_cursor }
    }

    /// [`Page::from_overfetch`] for items read with a sort key that is not part of the item.
    pub fn from_overfetch_keyed(rows: Vec<(i64, T)>, limit: u32) -> Self {
        let page = Page::from_overfetch(rows, limit, |(key, _)| *key);
        Page {
            items: page.items.into_iter().map(|(_, item)| item).collect(),
            next_cursor: page.next_cursor,
        }
    }
}

/// How many items a list page holds unless the caller asks for fewer.
pub const PAGE_SIZE: u32 = 20;
/// The most items any list endpoint returns at once.
pub const MAX_PAGE_SIZE: u32 = 100;

/// Clamps a requested page size into `1..=MAX_PAGE_SIZE`, defaulting to [`PAGE_SIZE`].
pub fn page_limit(requested: Option<u32>) -> u32 {
    requested.unwrap_or(PAGE_SIZE).clamp(1, MAX_PAGE_SIZE)
}

/// A list of items wrapped as `{"items": [...]}` (batch answers).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Items<T> {
    pub items: Vec<T>,
}

/// A request naming a batch of ids (batch endpoints take at most [`MAX_PAGE_SIZE`]).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct IdsRequest {
    pub ids: Vec<Id>,
}
