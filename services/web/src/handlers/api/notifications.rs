//! Notifications: grouped list, unread count, mark read.

use super::CursorQuery;
use crate::auth::ApiUser;
use crate::ops::feeds;
use crate::{AppState, Result};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use plaza_http::{Json, Query};
use plaza_types::api::notifications::{NotificationList, Unread};

/// Grouped notifications, most recent first
#[utoipa::path(get, operation_id = "list_notifications", path = "/notifications", tag = "notifications", security(("bearer" = [])),
    params(CursorQuery),
    responses((status = 200, description = "OK", body = NotificationList)))]
pub async fn index(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    Query(q): Query<CursorQuery>,
) -> Result<Json<NotificationList>> {
    Ok(Json(
        feeds::notifications(&state, &me, q.cursor).await?.into(),
    ))
}

/// Unread notification groups
#[utoipa::path(get, path = "/notifications/unread_count", tag = "notifications",
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = Unread)))]
pub async fn unread(State(state): State<AppState>, ApiUser(me): ApiUser) -> Result<Json<Unread>> {
    let unread = feeds::unread_count(&state, &me).await?;
    Ok(Json(Unread { unread }))
}

/// The unread count, live (Server-Sent Events)
///
/// A text/event-stream that sends `event: unread` with data `{"unread": n}` at once and again
/// whenever a notification for the caller is made in any process of the region. The stream ends
/// after about a minute; reconnect (EventSource does this by itself, after the `retry` the stream
/// sets). Browsers signed in with a cookie use `/notifications/stream` on the site.
#[utoipa::path(get, path = "/notifications/stream", tag = "notifications",
    security(("bearer" = [])),
    responses((status = 200, description = "An event stream", content_type = "text/event-stream",
        body = String)))]
pub async fn stream(State(state): State<AppState>, ApiUser(me): ApiUser) -> Response {
    crate::live::unread_stream(state, me.id).into_response()
}

/// Mark every notification read
#[utoipa::path(post, path = "/notifications/read", tag = "notifications",
    security(("bearer" = [])),
    responses((status = 200, description = "OK", body = Unread)))]
pub async fn mark_read(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
) -> Result<Json<Unread>> {
    let unread = feeds::mark_all_read(&state, &me).await?;
    Ok(Json(Unread { unread }))
}
