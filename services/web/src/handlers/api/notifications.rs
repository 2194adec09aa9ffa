//! Notifications: grouped list, unread count, mark read.

use super::{CursorQuery, list};
use crate::auth::ApiUser;
use crate::ops::feeds;
use crate::{AppState, Result};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use plaza_http::{Json, Query};
use serde_json::{Value, json};

/// `GET /api/v1/notifications`.
pub async fn index(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    Query(q): Query<CursorQuery>,
) -> Result<Json<Value>> {
    Ok(list(
        "notifications",
        feeds::notifications(&state, &me, q.cursor).await?,
    ))
}

/// `GET /api/v1/notifications/unread_count`.
pub async fn unread(State(state): State<AppState>, ApiUser(me): ApiUser) -> Result<Json<Value>> {
    let count = state.notification.unread(me.id).await?;
    Ok(Json(json!({"unread": count.unread})))
}

/// `GET /api/v1/notifications/stream`: the unread count, live (Server-Sent Events).
pub async fn stream(State(state): State<AppState>, ApiUser(me): ApiUser) -> Response {
    crate::live::unread_stream(state, me.id).into_response()
}

/// `POST /api/v1/notifications/read`: marks everything read.
pub async fn mark_read(State(state): State<AppState>, ApiUser(me): ApiUser) -> Result<Json<Value>> {
    let count = state.notification.mark_read(me.id).await?;
    Ok(Json(json!({"unread": count.unread})))
}
