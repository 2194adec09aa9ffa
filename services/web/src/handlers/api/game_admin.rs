//! The admin API for games (`/api/v1/admin/...`): register titles and their communities, issue,
//! revoke and rotate app keys; and a player's link code (`/api/v1/me/game_link_code`).

use crate::auth::ApiUser;
use crate::ops::titles;
use crate::{AppState, Result};
use axum::extract::State;
use axum::http::StatusCode;
use plaza_http::{Json, Path, Query};
use plaza_types::Id;
use plaza_types::api::CursorQuery;
use plaza_types::api::game::{
    AppKeyBody, AppKeyInput, AppKeyList, GameTitleBody, GameTitleList, IssuedAppKey, LinkCode,
    RotateInput, SubCommunityInput, TitleInput,
};

/// Register a title with its main community (admins only)
#[utoipa::path(post, operation_id = "register_title", path = "/admin/titles", tag = "game admin",
    security(("bearer" = [])), request_body = TitleInput,
    responses((status = 201, description = "Created", body = GameTitleBody)))]
pub async fn register(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<TitleInput>,
) -> Result<(StatusCode, Json<GameTitleBody>)> {
    let title = titles::register(&state, &user, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(GameTitleBody {
            title: titles::view(&state, &title).await?,
        }),
    ))
}

/// The registered titles (admins only)
#[utoipa::path(get, operation_id = "list_titles", path = "/admin/titles", tag = "game admin",
    security(("bearer" = [])), params(CursorQuery),
    responses((status = 200, description = "OK", body = GameTitleList)))]
pub async fn index(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<CursorQuery>,
) -> Result<Json<GameTitleList>> {
    let (found, next_cursor) = titles::list(&state, &user, q.cursor.as_deref()).await?;
    let mut list = Vec::with_capacity(found.len());
    for t in &found {
        list.push(titles::view(&state, t).await?);
    }
    Ok(Json(GameTitleList {
        titles: list,
        next_cursor,
    }))
}

/// A title with its communities (admins only)
#[utoipa::path(get, operation_id = "show_title", path = "/admin/titles/{title_id}", tag = "game admin",
    security(("bearer" = [])), params(("title_id" = String, Path)),
    responses((status = 200, description = "OK", body = GameTitleBody)))]
pub async fn show(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(title_id): Path<String>,
) -> Result<Json<GameTitleBody>> {
    let title = titles::admin_title(&state, &user, &title_id).await?;
    Ok(Json(GameTitleBody {
        title: titles::view(&state, &title).await?,
    }))
}

/// Add a sub-community to a title (admins only)
#[utoipa::path(post, operation_id = "add_title_community", path = "/admin/titles/{title_id}/communities", tag = "game admin",
    security(("bearer" = [])), params(("title_id" = String, Path)), request_body = SubCommunityInput,
    responses((status = 201, description = "Created", body = GameTitleBody)))]
pub async fn add_community(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(title_id): Path<String>,
    Json(input): Json<SubCommunityInput>,
) -> Result<(StatusCode, Json<GameTitleBody>)> {
    let title = titles::admin_title(&state, &user, &title_id).await?;
    titles::add_community(&state, &user, &title, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(GameTitleBody {
            title: titles::view(&state, &title).await?,
        }),
    ))
}

/// A title's app keys, never their secrets (admins only)
#[utoipa::path(get, operation_id = "list_app_keys", path = "/admin/titles/{title_id}/app_keys", tag = "game admin",
    security(("bearer" = [])), params(("title_id" = String, Path)),
    responses((status = 200, description = "OK", body = AppKeyList)))]
pub async fn keys(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(title_id): Path<String>,
) -> Result<Json<AppKeyList>> {
    let title = titles::admin_title(&state, &user, &title_id).await?;
    let keys = titles::keys(&state, &user, &title).await?;
    Ok(Json(AppKeyList {
        app_keys: keys.iter().map(titles::key_view).collect(),
    }))
}

/// Issue an app key for a title; its secret is in this answer only (admins only)
#[utoipa::path(post, operation_id = "issue_app_key", path = "/admin/titles/{title_id}/app_keys", tag = "game admin",
    security(("bearer" = [])), params(("title_id" = String, Path)), request_body = AppKeyInput,
    responses((status = 201, description = "Created", body = IssuedAppKey)))]
pub async fn issue_key(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(title_id): Path<String>,
    Json(input): Json<AppKeyInput>,
) -> Result<(StatusCode, Json<IssuedAppKey>)> {
    let title = titles::admin_title(&state, &user, &title_id).await?;
    let (key, full) = titles::issue_key(&state, &user, &title, &input.label).await?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedAppKey {
            key: full,
            app_key: titles::key_view(&key),
        }),
    ))
}

/// Revoke an app key at once (admins only)
#[utoipa::path(post, operation_id = "revoke_app_key", path = "/admin/app_keys/{id}/revoke", tag = "game admin",
    security(("bearer" = [])), params(("id" = Id, Path)),
    responses((status = 200, description = "OK", body = AppKeyBody)))]
pub async fn revoke_key(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<Id>,
) -> Result<Json<AppKeyBody>> {
    let key = titles::revoke_key(&state, &user, id).await?;
    Ok(Json(AppKeyBody {
        app_key: titles::key_view(&key),
    }))
}

/// Rotate an app key: a new key, the old one working for a grace period (admins only)
#[utoipa::path(post, operation_id = "rotate_app_key", path = "/admin/app_keys/{id}/rotate", tag = "game admin",
    security(("bearer" = [])), params(("id" = Id, Path)), request_body = RotateInput,
    responses((status = 201, description = "Created", body = IssuedAppKey)))]
pub async fn rotate_key(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<Id>,
    Json(input): Json<RotateInput>,
) -> Result<(StatusCode, Json<IssuedAppKey>)> {
    let (key, full) = titles::rotate_key(&state, &user, id, input.grace_hours).await?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedAppKey {
            key: full,
            app_key: titles::key_view(&key),
        }),
    ))
}

/// A short code to link a game to one's account (valid 10 minutes, once)
#[utoipa::path(post, operation_id = "game_link_code", path = "/me/game_link_code", tag = "game",
    security(("bearer" = [])),
    responses((status = 201, description = "Created", body = LinkCode)))]
pub async fn link_code(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
) -> Result<(StatusCode, Json<LinkCode>)> {
    Ok((
        StatusCode::CREATED,
        Json(titles::link_code(&state, &user).await?),
    ))
}
