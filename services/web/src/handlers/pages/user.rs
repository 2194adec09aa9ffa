//! A user's page: profile, posts, Yeahs, following and followers; follow and block buttons.

use super::{CursorQuery, Form, Layout, PageResult, SwitchForm, next_url, render};
use crate::AppState;
use crate::auth::Viewer;
use crate::ops::feeds;
use crate::ops::social::{self, Direction};
use crate::views::{CommunityView, PostView, UserRef, UserView};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use plaza_http::{Path, Query};

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    layout: Layout,
    profile: UserView,
    tab: &'static str,
    posts: Vec<PostView>,
    people: Vec<UserRef>,
    favourites: Vec<CommunityView>,
    next_url: Option<String>,
    following_count: i64,
    follower_count: i64,
    followed_by_me: bool,
    blocked_by_me: bool,
    is_me: bool,
}

async fn user_page(
    state: &AppState,
    viewer: &Viewer,
    name: &str,
    tab: &'static str,
    cursor: Option<String>,
) -> PageResult {
    let user = social::find_user(state, name).await?;
    let me = viewer.user.as_ref();
    let relationship = social::relationship(state, me, &user).await?;
    let (posts, people, next) = match tab {
        "yeahs" => {
            let p = feeds::user_yeahs(state, me, &user, cursor.clone()).await?;
            (p.items, Vec::new(), p.next_cursor)
        }
        "following" => {
            let p =
                social::graph_page(state, user.id, Direction::Following, cursor.clone()).await?;
            (Vec::new(), p.items, p.next_cursor)
        }
        "followers" => {
            let p =
                social::graph_page(state, user.id, Direction::Followers, cursor.clone()).await?;
            (Vec::new(), p.items, p.next_cursor)
        }
        _ => {
            let p = feeds::user_posts(state, me, &user, cursor.clone()).await?;
            (p.items, Vec::new(), p.next_cursor)
        }
    };
    let base = if tab == "posts" {
        format!("/users/{}", user.username)
    } else {
        format!("/users/{}/{tab}", user.username)
    };
    let path = next_url(&base, cursor.as_deref()).unwrap_or_else(|| base.clone());
    render(&UserPage {
        layout: Layout::new(state, viewer, user.shown_name().to_owned(), path).await,
        favourites: social::favourites_page(state, user.id, None).await?.items,
        is_me: me.is_some_and(|m| m.id == user.id),
        profile: UserView::from(&user),
        tab,
        posts,
        people,
        next_url: next_url(&base, next.as_deref()),
        following_count: relationship.following_count,
        follower_count: relationship.follower_count,
        followed_by_me: relationship.followed_by_me,
        blocked_by_me: relationship.blocked_by_me,
    })
}

/// The tabs of a user's page after the posts, named by the last segment of their URL.
const TABS: [&str; 3] = ["yeahs", "following", "followers"];

/// `GET /users/{name}`: the user's posts.
pub async fn posts(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(name): Path<String>,
    Query(q): Query<CursorQuery>,
) -> PageResult {
    user_page(&state, &viewer, &name, "posts", q.cursor).await
}

/// `GET /users/{name}/{tab}`: the user's Yeahs, following or followers; any other tab is a
/// page that does not exist.
pub async fn tab(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((name, tab)): Path<(String, String)>,
    Query(q): Query<CursorQuery>,
) -> PageResult {
    match TABS.into_iter().find(|t| *t == tab) {
        Some(tab) => user_page(&state, &viewer, &name, tab, q.cursor).await,
        None => Ok(super::not_found().await),
    }
}

/// `POST /users/{name}/follow` (`BLOCK` false) and `POST /users/{name}/block` (`BLOCK` true):
/// the form's switch turns following, or blocking, on or off.
pub async fn relation<const BLOCK: bool>(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(name): Path<String>,
    Form(form): Form<SwitchForm>,
) -> PageResult {
    let me = viewer.require_form(&form.csrf)?;
    if BLOCK {
        social::set_block(&state, me, &name, form.on()).await?;
    } else {
        social::set_follow(&state, me, &name, form.on()).await?;
    }
    Ok(Redirect::to(&format!("/users/{name}")).into_response())
}
