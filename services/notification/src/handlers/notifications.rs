//! Delivering, listing and reading notifications.

use crate::db::notifications as db;
use crate::{AppState, Error, Result};
use axum::extract::State;
use plaza_cache::UnreadCounts;
use plaza_http::{Json, Path, Query};
use plaza_types::notification::{
    Delivered, ErasedTargets, Event, Group, UnreadCount, Withdrawal, Withdrawn,
};
use plaza_types::{Cursor, ErrorBody, Id, Page, page_limit};

/// Delivers an event; the same dedupe key twice notifies once, and nobody is told of their own
/// actions.
#[utoipa::path(
    post,
    path = "/v1/events",
    tag = "notifications",
    operation_id = "deliver_event",
    request_body = Event,
    responses(
        (status = 200, description = "Whether the event made or grew a notification.", body = Delivered),
        (status = 422, description = "`invalid_event`: the dedupe key is empty or over 190 bytes.", body = ErrorBody),
    )
)]
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
        renew_unread(&state, event.recipient_id).await;
        state.live.publish(event.recipient_id.0).await;
    }
    Ok(Json(Delivered { notified }))
}

/// Takes an actor out of a recipient's notifications (or removes whole groups of one target);
/// a group left empty disappears, also from the unread count.
#[utoipa::path(
    post,
    path = "/v1/withdrawals",
    tag = "notifications",
    operation_id = "withdraw",
    request_body = Withdrawal,
    responses(
        (status = 200, description = "Whether any notification changed.", body = Withdrawn),
        (status = 422, description = "`invalid_event`: a withdrawal without an actor must name a kind and a target.", body = ErrorBody),
    )
)]
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
        renew_unread(&state, w.recipient_id).await;
        state.live.publish(w.recipient_id.0).await;
    }
    Ok(Json(Withdrawn { changed }))
}

/// Erases a deleted account from notifications written in this region: its own notifications,
/// and its name in everyone else's (a group left without actors goes). Idempotent.
#[utoipa::path(
    post,
    path = "/v1/users/{id}/erase",
    tag = "notifications",
    operation_id = "erase_user_notifications",
    params(("id" = Id, Path, description = "The deleted account's id.")),
    responses((status = 200, description = "Whether anything changed.", body = Withdrawn))
)]
pub async fn erase_user(
    State(state): State<AppState>,
    Path(id): Path<Id>,
) -> Result<Json<Withdrawn>> {
    let all = |recipient, actor| Withdrawal {
        recipient_id: recipient,
        kind: None,
        target_id: None,
        actor_id: actor,
        at: None,
    };
    let mut changed = db::withdraw(&state.db, &all(id, None)).await?;
    renew_unread(&state, id).await;
    loop {
        let recipients = db::recipients_naming(&state.db, id, state.config.region, 200).await?;
        for recipient in &recipients {
            changed |= db::withdraw(&state.db, &all(*recipient, Some(id))).await?;
            renew_unread(&state, *recipient).await;
        }
        if recipients.len() < 200 {
            break;
        }
    }
    Ok(Json(Withdrawn { changed }))
}

/// Removes every notification about a deleted account's posts and comments (Yeahs on them,
/// comments in their threads) from everyone's list. Idempotent.
#[utoipa::path(post, path = "/v1/targets/erase", tag = "notifications", operation_id = "erase_target_notifications",
    request_body = ErasedTargets, responses(
        (status = 200, description = "Whether anything changed.", body = Withdrawn),
        (status = 422, description = "`invalid_event`: more than 500 targets.", body = ErrorBody)))]
pub async fn erase_targets(
    State(state): State<AppState>,
    Json(req): Json<ErasedTargets>,
) -> Result<Json<Withdrawn>> {
    if req.target_ids.len() > ErasedTargets::MAX {
        return Err(Error::InvalidEvent("at most 500 targets a request"));
    }
    let recipients = db::erase_targets(&state.db, &req.target_ids).await?;
    for recipient in &recipients {
        renew_unread(&state, *recipient).await;
        state.live.publish(recipient.0).await;
    }
    Ok(Json(Withdrawn {
        changed: !recipients.is_empty(),
    }))
}

async fn renew_unread(state: &AppState, recipient: Id) {
    UnreadCounts::renew(state.cache.as_ref(), recipient, &state.ids).await;
}

async fn cached_unread(state: &AppState, recipient: Id) -> Result<i64> {
    let cache = state.cache.as_ref();
    let unread = || db::unread(&state.db, recipient);
    Ok(
        match UnreadCounts::key(cache, recipient, &state.ids).await {
            Some(key) => plaza_cache::read_through(cache, &key, UnreadCounts::TTL, unread).await?,
            None => unread().await?,
        },
    )
}

/// A page of notification groups.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Where the page starts (from the previous page's `next_cursor`).
    cursor: Option<String>,
    /// At most this many (1–100, default 20).
    limit: Option<u32>,
}

/// A recipient's notification groups, most recently active first.
#[utoipa::path(
    get,
    path = "/v1/users/{id}/notifications",
    tag = "notifications",
    operation_id = "list_notifications",
    params(("id" = Id, Path, description = "The recipient's id."), ListQuery),
    responses(
        (status = 200, description = "A page of notification groups, most recently active first.", body = Page<Group>),
        (status = 400, description = "`invalid_cursor`, or `invalid_query`.", body = ErrorBody),
    )
)]
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
#[utoipa::path(
    get,
    path = "/v1/users/{id}/unread",
    tag = "notifications",
    operation_id = "unread_count",
    params(("id" = Id, Path, description = "The recipient's id.")),
    responses((status = 200, description = "How many groups are unread.", body = UnreadCount))
)]
pub async fn unread(
    State(state): State<AppState>,
    Path(recipient): Path<Id>,
) -> Result<Json<UnreadCount>> {
    Ok(Json(UnreadCount {
        unread: cached_unread(&state, recipient).await?,
    }))
}

/// Marks everything read.
#[utoipa::path(
    post,
    path = "/v1/users/{id}/read",
    tag = "notifications",
    operation_id = "mark_read",
    params(("id" = Id, Path, description = "The recipient's id.")),
    responses((status = 200, description = "The unread count after marking everything read.", body = UnreadCount))
)]
pub async fn mark_read(
    State(state): State<AppState>,
    Path(recipient): Path<Id>,
) -> Result<Json<UnreadCount>> {
    db::mark_read(&state.db, recipient).await?;
    renew_unread(&state, recipient).await;
    Ok(Json(UnreadCount {
        unread: cached_unread(&state, recipient).await?,
    }))
}
