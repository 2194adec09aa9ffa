//! Communities: list, show, create and edit (admins), favourite, and their posts.

use super::{CursorQuery, PLATFORM, list};
use crate::auth::ApiUser;
use crate::db::{communities, favourites};
use crate::ops::communities::{self as ops, CommunityInput};
use crate::ops::{
    feeds,
    posts::{self, WriteInput},
};
use crate::views::CommunityView;
use crate::{AppState, Error, Result};
use axum::extract::State;
use axum::http::StatusCode;
use plaza_http::{Json, Path, Query};
use plaza_types::{Cursor, Id, MAX_PAGE_SIZE, Page};
use serde_json::{Value, json};

/// `GET /api/v1/communities`.
pub async fn index(
    State(state): State<AppState>,
    Query(q): Query<CursorQuery>,
) -> Result<Json<Value>> {
    let after = Cursor::key_from(q.cursor.as_deref())?;
    let page = communities::list(&state.db, after, MAX_PAGE_SIZE).await?;
    Ok(list(
        "communities",
        Page {
            items: page
                .items
                .iter()
                .map(CommunityView::from)
                .collect::<Vec<_>>(),
            next_cursor: page.next_cursor,
        },
    ))
}

/// `GET /api/v1/communities/{id}`.
pub async fn show(
    State(state): State<AppState>,
    user: Option<ApiUser>,
    Path(id): Path<Id>,
) -> Result<Json<Value>> {
    let c = crate::cache::community(&state, id)
        .await?
        .ok_or(Error::NotFound("community"))?;
    let favourited = match user {
        Some(ApiUser(u)) => Some(favourites::exists(&state.db, u.id, id).await?),
        None => None,
    };
    let mut body = json!({"community": CommunityView::from(&c)});
    body["community"]["favourited"] = json!(favourited);
    Ok(Json(body))
}

/// `POST /api/v1/communities` (admins).
pub async fn create(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<CommunityInput>,
) -> Result<(StatusCode, Json<Value>)> {
    let c = ops::create(&state, &user, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"community": CommunityView::from(&c)})),
    ))
}

/// `PATCH /api/v1/communities/{id}` (admins).
pub async fn update(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<Id>,
    Json(input): Json<CommunityInput>,
) -> Result<Json<Value>> {
    let c = ops::update(&state, &user, id, &input).await?;
    Ok(Json(json!({"community": CommunityView::from(&c)})))
}

/// `PUT /api/v1/communities/{id}/favourite`.
pub async fn favourite(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<Id>,
) -> Result<Json<Value>> {
    let on = ops::set_favourite(&state, &user, id, true).await?;
    Ok(Json(json!({"favourited": on})))
}

/// `DELETE /api/v1/communities/{id}/favourite`.
pub async fn unfavourite(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<Id>,
) -> Result<Json<Value>> {
    let on = ops::set_favourite(&state, &user, id, false).await?;
    Ok(Json(json!({"favourited": on})))
}

async fn existing(state: &AppState, id: Id) -> Result<()> {
    crate::cache::community(state, id)
        .await?
        .ok_or(Error::NotFound("community"))?;
    Ok(())
}

/// `GET /api/v1/communities/{id}/posts`: newest first.
pub async fn posts(
    State(state): State<AppState>,
    user: Option<ApiUser>,
    Path(id): Path<Id>,
    Query(q): Query<CursorQuery>,
) -> Result<Json<Value>> {
    existing(&state, id).await?;
    let viewer = user.map(|u| u.0);
    Ok(list(
        "posts",
        feeds::community(&state, viewer.as_ref(), id, q.cursor).await?,
    ))
}

/// `GET /api/v1/communities/{id}/posts/popular`: most Yeahs in the last 7 days.
pub async fn popular(
    State(state): State<AppState>,
    user: Option<ApiUser>,
    Path(id): Path<Id>,
    Query(q): Query<CursorQuery>,
) -> Result<Json<Value>> {
    existing(&state, id).await?;
    let viewer = user.map(|u| u.0);
    Ok(list(
        "posts",
        feeds::popular(&state, viewer.as_ref(), id, q.cursor).await?,
    ))
}

/// `POST /api/v1/communities/{id}/posts`.
pub async fn create_post(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<Id>,
    Json(input): Json<WriteInput>,
) -> Result<(StatusCode, Json<Value>)> {
    let post = posts::create_post(&state, &user, id, &input, PLATFORM).await?;
    let view = crate::ops::join::posts(&state, Some(user.id), vec![post])
        .await?
        .pop()
        .ok_or(Error::NotFound("post"))?;
    Ok((StatusCode::CREATED, Json(json!({"post": view}))))
}
