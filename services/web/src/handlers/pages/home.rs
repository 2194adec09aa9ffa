//! The home page and the list of communities.

use super::{CursorQuery, Layout, PageResult, next_url, render};
use crate::AppState;
use crate::auth::Viewer;
use crate::ops::{communities, social};
use crate::views::CommunityView;
use askama::Template;
use axum::extract::State;
use plaza_http::Query;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    communities: Vec<CommunityView>,
    favourites: Vec<CommunityView>,
}

/// `GET /`.
pub async fn home(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let page = communities::list(&state, None, 50).await?;
    let favourites = match &viewer.user {
        Some(u) => social::favourites_page(&state, u.id, None).await?.items,
        None => Vec::new(),
    };
    render(&HomePage {
        layout: Layout::titled(&state, &viewer, "title.home", "/").await,
        communities: page.items,
        favourites,
    })
}

#[derive(Template)]
#[template(path = "communities.html")]
struct CommunitiesPage {
    layout: Layout,
    communities: Vec<CommunityView>,
    next_url: Option<String>,
}

/// `GET /communities`.
pub async fn communities(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<CursorQuery>,
) -> PageResult {
    let page = communities::list(&state, q.cursor.as_deref(), 50).await?;
    render(&CommunitiesPage {
        layout: Layout::titled(&state, &viewer, "title.communities", "/communities").await,
        communities: page.items,
        next_url: next_url("/communities", page.next_cursor.as_deref()),
    })
}
