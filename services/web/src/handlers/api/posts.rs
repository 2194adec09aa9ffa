//! Posts and comments: show, delete, comment, Yeah.

use super::{CursorQuery, PLATFORM, list};
use crate::auth::ApiUser;
use crate::ops::feeds;
use crate::ops::posts::{self, WriteInput};

use crate::{AppState, Error, Result};
use axum::extract::State;
use axum::http::StatusCode;
use plaza_http::{Json, Path, Query};
use plaza_types::Id;
use plaza_types::empathy::TargetKind;
use serde_json::{Value, json};

/// `GET /api/v1/posts/{id}`.
pub async fn show(
    State(state): State<AppState>,
    user: Option<ApiUser>,
    Path(id): Path<Id>,
) -> Result<Json<Value>> {
    let viewer = user.map(|u| u.0);
    Ok(Json(
        json!({"post": feeds::post(&state, viewer.as_ref(), id).await?}),
    ))
}

/// `DELETE /api/v1/posts/{id}`: the author, or an admin, deletes a post.
pub async fn delete(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<Id>,
) -> Result<Json<Value>> {
    let post = posts::delete_post(&state, &user, id).await?;
    let view = crate::ops::join::posts(&state, Some(user.id), vec![post])
        .await?
        .pop()
        .ok_or(Error::NotFound("post"))?;
    Ok(Json(json!({"post": view})))
}

/// `GET /api/v1/posts/{id}/comments`: oldest first.
pub async fn comments(
    State(state): State<AppState>,
    user: Option<ApiUser>,
    Path(id): Path<Id>,
    Query(q): Query<CursorQuery>,
) -> Result<Json<Value>> {
    let viewer = user.map(|u| u.0);
    state.timeline.post(id).await?;
    Ok(list(
        "comments",
        feeds::comments(&state, viewer.as_ref(), id, q.cursor).await?,
    ))
}

/// `POST /api/v1/posts/{id}/comments`.
pub async fn comment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<Id>,
    Json(input): Json<WriteInput>,
) -> Result<(StatusCode, Json<Value>)> {
    let comment = posts::comment(&state, &user, id, &input, PLATFORM).await?;
    let view = crate::ops::join::comments(&state, Some(user.id), vec![comment])
        .await?
        .pop()
        .ok_or(Error::NotFound("comment"))?;
    Ok((StatusCode::CREATED, Json(json!({"comment": view}))))
}

async fn yeah(
    state: &AppState,
    user: &crate::db::users::User,
    kind: TargetKind,
    id: Id,
    give: bool,
) -> Result<Json<Value>> {
    let outcome = posts::yeah(state, user, kind, id, give).await?;
    Ok(Json(json!({"yeahed": give, "yeah_count": outcome.count})))
}

/// `PUT /api/v1/posts/{id}/yeah`.
pub async fn yeah_post(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<Id>,
) -> Result<Json<Value>> {
    yeah(&state, &user, TargetKind::Post, id, true).await
}

/// `DELETE /api/v1/posts/{id}/yeah`.
pub async fn unyeah_post(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<Id>,
) -> Result<Json<Value>> {
    yeah(&state, &user, TargetKind::Post, id, false).await
}

/// `PUT /api/v1/comments/{id}/yeah`.
pub async fn yeah_comment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<Id>,
) -> Result<Json<Value>> {
    yeah(&state, &user, TargetKind::Comment, id, true).await
}

/// `DELETE /api/v1/comments/{id}/yeah`.
pub async fn unyeah_comment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<Id>,
) -> Result<Json<Value>> {
    yeah(&state, &user, TargetKind::Comment, id, false).await
}

/// `GET /api/v1/posts/{id}/yeahs`: who gave the post a Yeah, newest first (without anyone the
/// viewer blocks or is blocked by).
pub async fn yeahs(
    State(state): State<AppState>,
    user: Option<ApiUser>,
    Path(id): Path<Id>,
    Query(q): Query<CursorQuery>,
) -> Result<Json<Value>> {
    let viewer = user.map(|u| u.0);
    state.timeline.post(id).await?;
    Ok(list(
        "users",
        feeds::yeahers(&state, viewer.as_ref(), id, q.cursor).await?,
    ))
}

/// `DELETE /api/v1/comments/{id}`: the author, or an admin, deletes a comment.
pub async fn delete_comment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<Id>,
) -> Result<StatusCode> {
    posts::delete_comment(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
