//! Users: profiles, their posts, Yeahs, graph and favourites; follow and block; the activity feed.

use super::{CursorQuery, list};
use crate::auth::ApiUser;
use crate::db::follows::{self, Direction};
use crate::db::{blocks, communities, favourites, users};
use crate::ops::{feeds, social};
use crate::views::{CommunityView, UserRef, UserView};
use crate::{AppState, Result};
use axum::extract::State;
use plaza_http::{Json, Path, Query};
use plaza_types::{Cursor, Id, PAGE_SIZE, Page};
use serde_json::{Value, json};

/// `GET /api/v1/users/{name}`: the profile with counts and, for a signed-in caller, the relation.
pub async fn show(
    State(state): State<AppState>,
    viewer: Option<ApiUser>,
    Path(name): Path<String>,
) -> Result<Json<Value>> {
    let user = social::find_user(&state, &name).await?;
    let (following_count, follower_count) = follows::counts(&state.db, user.id).await?;
    let mut body = json!({"user": UserView::from(&user)});
    body["user"]["following_count"] = json!(following_count);
    body["user"]["follower_count"] = json!(follower_count);
    if let Some(ApiUser(v)) = viewer {
        body["user"]["followed_by_me"] = json!(follows::exists(&state.db, v.id, user.id).await?);
        body["user"]["blocked_by_me"] = json!(blocks::exists(&state.db, v.id, user.id).await?);
    }
    Ok(Json(body))
}

/// `GET /api/v1/users/{name}/posts`.
pub async fn posts(
    State(state): State<AppState>,
    viewer: Option<ApiUser>,
    Path(name): Path<String>,
    Query(q): Query<CursorQuery>,
) -> Result<Json<Value>> {
    let user = social::find_user(&state, &name).await?;
    let viewer = viewer.map(|v| v.0);
    Ok(list(
        "posts",
        feeds::user_posts(&state, viewer.as_ref(), &user, q.cursor).await?,
    ))
}

/// `GET /api/v1/users/{name}/yeahs`: posts the user gave a Yeah.
pub async fn yeahs(
    State(state): State<AppState>,
    viewer: Option<ApiUser>,
    Path(name): Path<String>,
    Query(q): Query<CursorQuery>,
) -> Result<Json<Value>> {
    let user = social::find_user(&state, &name).await?;
    let viewer = viewer.map(|v| v.0);
    Ok(list(
        "posts",
        feeds::user_yeahs(&state, viewer.as_ref(), &user, q.cursor).await?,
    ))
}

/// A page of one side of the graph, as people.
pub async fn graph_page(
    state: &AppState,
    user: Id,
    direction: Direction,
    cursor: Option<String>,
) -> Result<Page<UserRef>> {
    let before = Cursor::key_from(cursor.as_deref())?;
    let page = follows::list(&state.db, user, direction, before, PAGE_SIZE).await?;
    let found = users::by_ids(&state.db, &page.items).await?;
    Ok(Page {
        items: page
            .items
            .iter()
            .filter_map(|id| found.get(id))
            .map(UserRef::from)
            .collect(),
        next_cursor: page.next_cursor,
    })
}

/// `GET /api/v1/users/{name}/following`.
pub async fn following(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(q): Query<CursorQuery>,
) -> Result<Json<Value>> {
    let user = social::find_user(&state, &name).await?;
    Ok(list(
        "users",
        graph_page(&state, user.id, Direction::Following, q.cursor).await?,
    ))
}

/// `GET /api/v1/users/{name}/followers`.
pub async fn followers(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(q): Query<CursorQuery>,
) -> Result<Json<Value>> {
    let user = social::find_user(&state, &name).await?;
    Ok(list(
        "users",
        graph_page(&state, user.id, Direction::Followers, q.cursor).await?,
    ))
}

/// A page of a user's favourite communities.
pub async fn favourites_page(
    state: &AppState,
    user: Id,
    cursor: Option<String>,
) -> Result<Page<CommunityView>> {
    let before = Cursor::key_from(cursor.as_deref())?;
    let page = favourites::list(&state.db, user, before, PAGE_SIZE).await?;
    let found = communities::by_ids(&state.db, &page.items).await?;
    Ok(Page {
        items: page
            .items
            .iter()
            .filter_map(|id| found.get(id))
            .map(CommunityView::from)
            .collect(),
        next_cursor: page.next_cursor,
    })
}

/// `GET /api/v1/users/{name}/favourites`.
pub async fn user_favourites(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(q): Query<CursorQuery>,
) -> Result<Json<Value>> {
    let user = social::find_user(&state, &name).await?;
    Ok(list(
        "communities",
        favourites_page(&state, user.id, q.cursor).await?,
    ))
}

/// `PUT /api/v1/users/{name}/follow`.
pub async fn follow(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    Path(name): Path<String>,
) -> Result<Json<Value>> {
    Ok(Json(
        json!({"following": social::set_follow(&state, &me, &name, true).await?}),
    ))
}

/// `DELETE /api/v1/users/{name}/follow`.
pub async fn unfollow(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    Path(name): Path<String>,
) -> Result<Json<Value>> {
    Ok(Json(
        json!({"following": social::set_follow(&state, &me, &name, false).await?}),
    ))
}

/// `PUT /api/v1/users/{name}/block`.
pub async fn block(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    Path(name): Path<String>,
) -> Result<Json<Value>> {
    Ok(Json(
        json!({"blocking": social::set_block(&state, &me, &name, true).await?}),
    ))
}

/// `DELETE /api/v1/users/{name}/block`.
pub async fn unblock(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    Path(name): Path<String>,
) -> Result<Json<Value>> {
    Ok(Json(
        json!({"blocking": social::set_block(&state, &me, &name, false).await?}),
    ))
}

/// `GET /api/v1/feeds/activity`: the caller's posts and those of everyone they follow.
pub async fn activity(
    State(state): State<AppState>,
    ApiUser(me): ApiUser,
    Query(q): Query<CursorQuery>,
) -> Result<Json<Value>> {
    Ok(list("posts", feeds::activity(&state, &me, q.cursor).await?))
}
