//! Users: profiles, their posts, Yeahs, graph and favourites; follow and block; the activity feed.

use super::CursorQuery;
use crate::auth::{ApiReader, ApiUser};
use crate::ops::feeds;
use crate::ops::social::{self, Direction};
use crate::{AppState, Result};
use axum::extract::State;
use plaza_http::{Json, Path, Query};
use plaza_types::api::communities::CommunityList;
use plaza_types::api::posts::PostList;
use plaza_types::api::users::{Blocking, Following, ProfileBody, UserList};

/// A user's profile with follow counts (and, signed in, followed_by_me / blocked_by_me)
#[utoipa::path(get, operation_id = "show_user", path = "/users/{name}", tag = "users", params(("name" = String, Path)),
    responses((status = 200, description = "OK", body = ProfileBody)))]
pub async fn show(
    State(state): State<AppState>,
    ApiReader(viewer): ApiReader,
    Path(name): Path<String>,
) -> Result<Json<ProfileBody>> {
    Ok(Json(ProfileBody {
        user: social::profile(&state, viewer.as_ref(), &name).await?,
    }))
}

/// A user's posts, newest first
#[utoipa::path(get, operation_id = "user_posts", path = "/users/{name}/posts", tag = "users",
    params(("name" = String, Path), CursorQuery),
    responses((status = 200, description = "OK", body = PostList)))]
pub async fn posts(
    State(state): State<AppState>,
    ApiReader(viewer): ApiReader,
    Path(name): Path<String>,
    Query(q): Query<CursorQuery>,
) -> Result<Json<PostList>> {
    let user = social::find_user(&state, &name).await?;
    Ok(Json(
        feeds::user_posts(&state, viewer.as_ref(), &user, q.cursor)
            .await?
            .into(),
    ))
}

/// Posts a user gave a Yeah
#[utoipa::path(get, operation_id = "user_yeahs", path = "/users/{name}/yeahs", tag = "users",
    params(("name" = String, Path), CursorQuery),
    responses((status = 200, description = "OK", body = PostList)))]
pub async fn yeahs(
    State(state): State<AppState>,
    ApiReader(viewer): ApiReader,
    Path(name): Path<String>,
    Query(q): Query<CursorQuery>,
) -> Result<Json<PostList>> {
    let user = social::find_user(&state, &name).await?;
    Ok(Json(
        feeds::user_yeahs(&state, viewer.as_ref(), &user, q.cursor)
            .await?
            .into(),
    ))
}

/// People a user follows
#[utoipa::path(get, path = "/users/{name}/following", tag = "users",
    params(("name" = String, Path), CursorQuery),
    responses((status = 200, description = "OK", body = UserList)))]
pub async fn following(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(q): Query<CursorQuery>,
) -> Result<Json<UserList>> {
    let user = social::find_user(&state, &name).await?;
    Ok(Json(
        social::graph_page(&state, user.id, Direction::Following, q.cursor)
            .await?
            .into(),
    ))
}

/// A user's followers
#[utoipa::path(get, path = "/users/{name}/followers", tag = "users",
    params(("name" = String, Path), CursorQuery),
    responses((status = 200, description = "OK", body = UserList)))]
pub async fn followers(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(q): Query<CursorQuery>,
) -> Result<Json<UserList>> {
    let user = social::find_user(&state, &name).await?;
    Ok(Json(
        social::graph_page(&state, user.id, Direction::Followers, q.cursor)
            .await?
            .into(),
    ))
}

/// A user's favourite communities
#[utoipa::path(get, path = "/users/{name}/favourites", tag = "users",
    params(("name" = String, Path), CursorQuery),
    responses((status = 200, description = "OK", body = CommunityList)))]
pub async fn user_favourites(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(q): Query<CursorQuery>,
) -> Result<Json<CommunityList>> {
    let user = social::find_user(&state, &name).await?;
    Ok(Json(
        social::favourites_page(&state, user.id, q.cursor)
            .await?
            .into(),
    ))
}

/// Follow (at most 1000 people)
#[utoipa::path(put, path = "/users/{name}/follow", tag = "users", security(("bearer" = [])),
    params(("name" = String, Path)),
    responses((status = 200, description = "OK", body = Following)))]
pub async fn follow(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    Path(name): Path<String>,
) -> Result<Json<Following>> {
    let following = social::set_follow(&state, &me, &name, true).await?;
    Ok(Json(Following { following }))
}

/// Unfollow
#[utoipa::path(delete, path = "/users/{name}/follow", tag = "users", security(("bearer" = [])),
    params(("name" = String, Path)),
    responses((status = 200, description = "OK", body = Following)))]
pub async fn unfollow(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    Path(name): Path<String>,
) -> Result<Json<Following>> {
    let following = social::set_follow(&state, &me, &name, false).await?;
    Ok(Json(Following { following }))
}

/// Block: ends follows both ways; neither sees the other's posts in feeds
#[utoipa::path(put, path = "/users/{name}/block", tag = "users", security(("bearer" = [])),
    params(("name" = String, Path)),
    responses((status = 200, description = "OK", body = Blocking)))]
pub async fn block(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    Path(name): Path<String>,
) -> Result<Json<Blocking>> {
    let blocking = social::set_block(&state, &me, &name, true).await?;
    Ok(Json(Blocking { blocking }))
}

/// Unblock
#[utoipa::path(delete, path = "/users/{name}/block", tag = "users", security(("bearer" = [])),
    params(("name" = String, Path)),
    responses((status = 200, description = "OK", body = Blocking)))]
pub async fn unblock(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    Path(name): Path<String>,
) -> Result<Json<Blocking>> {
    let blocking = social::set_block(&state, &me, &name, false).await?;
    Ok(Json(Blocking { blocking }))
}

/// Your posts and those of the people you follow, newest first
#[utoipa::path(get, path = "/feeds/activity", tag = "feeds", security(("bearer" = [])),
    params(CursorQuery),
    responses((status = 200, description = "OK", body = PostList)))]
pub async fn activity(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    Query(q): Query<CursorQuery>,
) -> Result<Json<PostList>> {
    Ok(Json(feeds::activity(&state, &me, q.cursor).await?.into()))
}
