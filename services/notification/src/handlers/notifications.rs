//! Delivering, listing and reading notifications.

use crate::db::notifications as db;
use crate::{AppState, Error, Result};
use axum::extract::State;
use plaza_http::{Json, Path, Query};
use plaza_types::notification::{Delivered, Event, Group, UnreadCount};
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
    Ok(Json(Delivered {
        notified: db::deliver(&state, &event).await?,
    }))
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
        unread: db::unread(&state.db, recipient).await?,
    }))
}

/// Marks everything read.
pub async fn mark_read(
    State(state): State<AppState>,
    Path(recipient): Path<Id>,
) -> Result<Json<UnreadCount>> {
    db::mark_read(&state.db, recipient).await?;
    Ok(Json(UnreadCount {
        unread: db::unread(&state.db, recipient).await?,
    }))
}
