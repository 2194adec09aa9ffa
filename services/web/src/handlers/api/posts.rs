//! Posts and comments: show, delete, comment, Yeah.

use super::{CursorQuery, PLATFORM};
use crate::auth::{ApiReader, ApiUser};
use crate::ops::feeds;
use crate::ops::posts::{self, WriteInput};
use crate::{AppState, Result};
use axum::extract::State;
use axum::http::StatusCode;
use plaza_http::{Json, Path, Query};
use plaza_types::Id;
use plaza_types::api::posts::{CommentBody, CommentList, PostBody, Yeahed};
use plaza_types::api::users::UserList;
use plaza_types::empathy::TargetKind;

/// Show a post
#[utoipa::path(get, operation_id = "show_post", path = "/posts/{id}", tag = "posts", params(("id" = Id, Path)),
    responses((status = 200, description = "OK", body = PostBody)))]
pub async fn show(
    State(state): State<AppState>,
    ApiReader(viewer): ApiReader,
    Path(id): Path<Id>,
) -> Result<Json<PostBody>> {
    Ok(Json(PostBody {
        post: feeds::post(&state, viewer.as_ref(), id).await?,
    }))
}

/// Delete a post (its author, or an admin)
#[utoipa::path(delete, operation_id = "delete_post", path = "/posts/{id}", tag = "posts", security(("bearer" = [])),
    params(("id" = Id, Path)),
    responses((status = 200, description = "OK", body = PostBody)))]
pub async fn delete(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<Id>,
) -> Result<Json<PostBody>> {
    let post = posts::delete_post_view(&state, &user, id).await?;
    Ok(Json(PostBody { post }))
}

/// A post's comments, oldest first
#[utoipa::path(get, operation_id = "post_comments", path = "/posts/{id}/comments", tag = "posts",
    params(("id" = Id, Path), CursorQuery),
    responses((status = 200, description = "OK", body = CommentList)))]
pub async fn comments(
    State(state): State<AppState>,
    ApiReader(viewer): ApiReader,
    Path(id): Path<Id>,
    Query(q): Query<CursorQuery>,
) -> Result<Json<CommentList>> {
    feeds::existing_post(&state, id).await?;
    Ok(Json(
        feeds::comments(&state, viewer.as_ref(), id, q.cursor)
            .await?
            .into(),
    ))
}

/// Comment on a post
#[utoipa::path(post, operation_id = "create_comment", path = "/posts/{id}/comments", tag = "posts", security(("bearer" = [])),
    params(("id" = Id, Path)), request_body = WriteInput,
    responses((status = 201, description = "Created", body = CommentBody)))]
pub async fn comment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<Id>,
    Json(input): Json<WriteInput>,
) -> Result<(StatusCode, Json<CommentBody>)> {
    let comment = posts::comment_view(&state, &user, id, &input, PLATFORM).await?;
    Ok((StatusCode::CREATED, Json(CommentBody { comment })))
}

async fn yeah(
    state: &AppState,
    ApiUser(user): ApiUser,
    kind: TargetKind,
    id: Id,
    give: bool,
) -> Result<Json<Yeahed>> {
    let outcome = posts::yeah(state, &user, kind, id, give).await?;
    Ok(Json(Yeahed {
        yeahed: give,
        yeah_count: outcome.count,
    }))
}

/// Give a post a Yeah
#[utoipa::path(put, path = "/posts/{id}/yeah", tag = "yeahs", security(("bearer" = [])),
    params(("id" = Id, Path)),
    responses((status = 200, description = "OK", body = Yeahed)))]
pub async fn yeah_post(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<Id>,
) -> Result<Json<Yeahed>> {
    yeah(&state, user, TargetKind::Post, id, true).await
}

/// Take back a Yeah
#[utoipa::path(delete, path = "/posts/{id}/yeah", tag = "yeahs", security(("bearer" = [])),
    params(("id" = Id, Path)),
    responses((status = 200, description = "OK", body = Yeahed)))]
pub async fn unyeah_post(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<Id>,
) -> Result<Json<Yeahed>> {
    yeah(&state, user, TargetKind::Post, id, false).await
}

/// Give a comment a Yeah
#[utoipa::path(put, path = "/comments/{id}/yeah", tag = "yeahs", security(("bearer" = [])),
    params(("id" = Id, Path)),
    responses((status = 200, description = "OK", body = Yeahed)))]
pub async fn yeah_comment(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<Id>,
) -> Result<Json<Yeahed>> {
    yeah(&state, user, TargetKind::Comment, id, true).await
}

/// Take back a Yeah on a comment
#[utoipa::path(delete, path = "/comments/{id}/yeah", tag = "yeahs", security(("bearer" = [])),
    params(("id" = Id, Path)),
    responses((status = 200, description = "OK", body = Yeahed)))]
pub async fn unyeah_comment(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<Id>,
) -> Result<Json<Yeahed>> {
    yeah(&state, user, TargetKind::Comment, id, false).await
}

/// Who gave a post a Yeah, newest first
///
/// Without anyone the caller blocks or is blocked by.
#[utoipa::path(get, operation_id = "post_yeahers", path = "/posts/{id}/yeahs", tag = "yeahs",
    params(("id" = Id, Path), CursorQuery),
    responses((status = 200, description = "OK", body = UserList)))]
pub async fn yeahs(
    State(state): State<AppState>,
    ApiReader(viewer): ApiReader,
    Path(id): Path<Id>,
    Query(q): Query<CursorQuery>,
) -> Result<Json<UserList>> {
    feeds::existing_post(&state, id).await?;
    Ok(Json(
        feeds::yeahers(&state, viewer.as_ref(), id, q.cursor)
            .await?
            .into(),
    ))
}

/// Delete a comment (its author, or an admin)
///
/// The comment leaves lists and comment counts, its notifications go away and its drawing is
/// left for the media clean-up. Deleting a deleted comment changes nothing. Someone else gets 403
/// not_author; a missing comment 404 not_found.
#[utoipa::path(delete, path = "/comments/{id}", tag = "posts", security(("bearer" = [])),
    params(("id" = Id, Path)),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_comment(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<Id>,
) -> Result<StatusCode> {
    posts::delete_comment(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
