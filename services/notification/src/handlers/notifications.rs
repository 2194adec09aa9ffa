//! Delivering, listing and reading notifications.

use crate::db::notifications as db;
use crate::{AppState, Error, Result};
use axum::extract::State;
use plaza_http::{Json, Path, Query};
use plaza_types::notification::{Delivered, Event, Group, UnreadCount, Withdrawal, Withdrawn};
use plaza_types::{Cursor, Id, Page, page_limit};

/// Delivers an event; the same dedupe key twice notifies once, and nobody is told of their own
/// actions.
pub async fn deliver(
    State(state): State<AppState>,
    Json(event): Json<Event>,
) -> Result<Json<Delivered>> {
    if event.dedupe_key.is_empty() || event.dedupe_key.len() > 190 {
        return Err(Error::InvalidEvent("the dedupe key must be 1 to 190 bytes"));
    }
    if event.recipient_id == event.actor_id {
        return Ok(Json(Delivered { notified: false }));
    }
    let notified = db::deliver(&state, &event).await?;
    if notified {
        forget_unread(&state, event.recipient_id).await;
        state.live.publish(event.recipient_id.0).await;
    }
    Ok(Json(Delivered { notified }))
}

/// Takes an actor out of a recipient's notifications (or removes whole groups of one target);
/// a group left empty disappears, also from the unread count.
pub async fn withdraw(
    State(state): State<AppState>,
    Json(w): Json<Withdrawal>,
) -> Result<Json<Withdrawn>> {
    if w.actor_id.is_none() && (w.kind.is_none() || w.target_id.is_none()) {
        return Err(Error::InvalidEvent(
            "a withdrawal without an actor must name a kind and a target",
        ));
    }
    let changed = db::withdraw(&state.db, &w).await?;
    if changed {
        forget_unread(&state, w.recipient_id).await;
        state.live.publish(w.recipient_id.0).await;
    }
    Ok(Json(Withdrawn { changed }))
}

/// How long an unread count may be served from the cache (every page header asks for it).
const UNREAD_TTL: std::time::Duration = std::time::Duration::from_secs(30);

fn unread_key(recipient: Id) -> String {
    format!("notification:unread:{recipient}")
}

async fn forget_unread(state: &AppState, recipient: Id) {
    state.cache.delete(&unread_key(recipient)).await;
}

async fn cached_unread(state: &AppState, recipient: Id) -> Result<i64> {
    let key = unread_key(recipient);
    let unread = || db::unread(&state.db, recipient);
    Ok(plaza_cache::read_through(state.cache.as_ref(), &key, UNREAD_TTL, unread).await?)
}

#[derive(Debug, serde::Deserialize)]
pub struct ListQuery {
    cursor: Option<String>,
    limit: Option<u32>,
}

/// A recipient's notification groups, most recently active first.
pub async fn list(
    State(state): State<AppState>,
    Path(recipient): Path<Id>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Page<Group>>> {
    let before = Cursor::key_from(q.cursor.as_deref())?;
    Ok(Json(
        db::list(&state.db, recipient, before, page_limit(q.limit)).await?,
    ))
}

/// How many groups the recipient has not read.
pub async fn unread(
    State(state): State<AppState>,
    Path(recipient): Path<Id>,
) -> Result<Json<UnreadCount>> {
    Ok(Json(UnreadCount {
        unread: cached_unread(&state, recipient).await?,
    }))
}

/// Marks everything read.
pub async fn mark_read(
    State(state): State<AppState>,
    Path(recipient): Path<Id>,
) -> Result<Json<UnreadCount>> {
    db::mark_read(&state.db, recipient).await?;
    forget_unread(&state, recipient).await;
    Ok(Json(UnreadCount {
        unread: cached_unread(&state, recipient).await?,
    }))
}
