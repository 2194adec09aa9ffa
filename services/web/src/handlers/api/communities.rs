//! Communities: list, show, create and edit (admins), favourite, and their posts.

use super::{CursorQuery, PLATFORM};
use crate::auth::{ApiReader, ApiUser};
use crate::ops::communities::{self as ops, CommunityInput};
use crate::ops::{
    feeds,
    posts::{self, WriteInput},
};
use crate::views::CommunityView;
use crate::{AppState, Result};
use axum::extract::State;
use axum::http::StatusCode;
use plaza_http::{Json, Path, Query};
use plaza_types::Id;
use plaza_types::api::communities::{
    CommunityBody, CommunityDetailBody, CommunityList, Favourited,
};
use plaza_types::api::posts::{PostBody, PostList};

/// List communities
#[utoipa::path(get, path = "/communities", tag = "communities", params(CursorQuery),
    responses((status = 200, description = "OK", body = CommunityList)))]
pub async fn index(
    State(state): State<AppState>,
    Query(q): Query<CursorQuery>,
) -> Result<Json<CommunityList>> {
    Ok(Json(
        ops::list_page(&state, q.cursor.as_deref()).await?.into(),
    ))
}

/// Show a community
///
/// `favourited` is null for a signed-out caller.
#[utoipa::path(get, operation_id = "show_community", path = "/communities/{id}", tag = "communities", params(("id" = Id, Path)),
    responses((status = 200, description = "OK", body = CommunityDetailBody)))]
pub async fn show(
    State(state): State<AppState>,
    ApiReader(viewer): ApiReader,
    Path(id): Path<Id>,
) -> Result<Json<CommunityDetailBody>> {
    Ok(Json(CommunityDetailBody {
        community: ops::detail(&state, viewer.as_ref(), id).await?,
    }))
}

/// Create a community (admins)
#[utoipa::path(post, operation_id = "create_community", path = "/communities", tag = "communities", security(("bearer" = [])),
    request_body = CommunityInput,
    responses((status = 201, description = "Created", body = CommunityBody)))]
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<CommunityInput>,
) -> Result<(StatusCode, Json<CommunityBody>)> {
    let c = ops::create(&state, &user, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(CommunityBody {
            community: CommunityView::from(&c),
        }),
    ))
}

/// Edit a community (admins)
#[utoipa::path(patch, operation_id = "update_community", path = "/communities/{id}", tag = "communities", security(("bearer" = [])),
    params(("id" = Id, Path)),
    request_body = CommunityInput,
    responses((status = 200, description = "OK", body = CommunityBody)))]
pub async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<Id>,
    Json(input): Json<CommunityInput>,
) -> Result<Json<CommunityBody>> {
    let c = ops::update(&state, &user, id, &input).await?;
    Ok(Json(CommunityBody {
        community: CommunityView::from(&c),
    }))
}

/// Favourite a community
#[utoipa::path(put, path = "/communities/{id}/favourite", tag = "communities",
    security(("bearer" = [])), params(("id" = Id, Path)),
    responses((status = 200, description = "OK", body = Favourited)))]
pub async fn favourite(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<Id>,
) -> Result<Json<Favourited>> {
    let favourited = ops::set_favourite(&state, &user, id, true).await?;
    Ok(Json(Favourited { favourited }))
}

/// Unfavourite a community
#[utoipa::path(delete, path = "/communities/{id}/favourite", tag = "communities",
    security(("bearer" = [])), params(("id" = Id, Path)),
    responses((status = 200, description = "OK", body = Favourited)))]
pub async fn unfavourite(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<Id>,
) -> Result<Json<Favourited>> {
    let favourited = ops::set_favourite(&state, &user, id, false).await?;
    Ok(Json(Favourited { favourited }))
}

/// A community's posts, newest first
#[utoipa::path(get, operation_id = "community_posts", path = "/communities/{id}/posts", tag = "posts",
    params(("id" = Id, Path), CursorQuery),
    responses((status = 200, description = "OK", body = PostList)))]
pub async fn posts(
    State(state): State<AppState>,
    ApiReader(viewer): ApiReader,
    Path(id): Path<Id>,
    Query(q): Query<CursorQuery>,
) -> Result<Json<PostList>> {
    ops::existing(&state, id).await?;
    Ok(Json(
        feeds::community(&state, viewer.as_ref(), id, q.cursor)
            .await?
            .into(),
    ))
}

/// A community's posts with the most Yeahs in the last 7 days
#[utoipa::path(get, operation_id = "popular_posts", path = "/communities/{id}/posts/popular", tag = "posts",
    params(("id" = Id, Path), CursorQuery),
    responses((status = 200, description = "OK", body = PostList)))]
pub async fn popular(
    State(state): State<AppState>,
    ApiReader(viewer): ApiReader,
    Path(id): Path<Id>,
    Query(q): Query<CursorQuery>,
) -> Result<Json<PostList>> {
    ops::existing(&state, id).await?;
    Ok(Json(
        feeds::popular(&state, viewer.as_ref(), id, q.cursor)
            .await?
            .into(),
    ))
}

/// Post in a community
#[utoipa::path(post, operation_id = "create_post", path = "/communities/{id}/posts", tag = "posts", security(("bearer" = [])),
    params(("id" = Id, Path)), request_body = WriteInput,
    responses((status = 201, description = "Created", body = PostBody)))]
pub async fn create_post(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<Id>,
    Json(input): Json<WriteInput>,
) -> Result<(StatusCode, Json<PostBody>)> {
    let post = posts::create_post_view(&state, &user, id, &input, PLATFORM).await?;
    Ok((StatusCode::CREATED, Json(PostBody { post })))
}
