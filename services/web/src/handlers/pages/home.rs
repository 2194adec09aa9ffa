//! The home page and the list of communities.

use super::{Layout, PageResult, next_url, render};
use crate::AppState;
use crate::auth::Viewer;
use crate::db::communities;
use crate::ops::social::favourites_page;
use crate::views::CommunityView;
use askama::Template;
use axum::extract::State;
use plaza_http::Query;
use plaza_types::Cursor;
use plaza_types::api::CursorQuery;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
    communities: Vec<CommunityView>,
    favourites: Vec<CommunityView>,
}

/// `GET /`.
pub async fn home(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let page = communities::list(&state.db, None, 50).await?;
    let favourites = match &viewer.user {
        Some(u) => favourites_page(&state, u.id, None).await?.items,
        None => Vec::new(),
    };
    render(&HomePage {
        layout: Layout::titled(&viewer, "title.home", "/"),
        communities: page.items.iter().map(CommunityView::from).collect(),
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
    let after = Cursor::key_from(q.cursor.as_deref()).map_err(crate::Error::from)?;
    let page = communities::list(&state.db, after, 50).await?;
    render(&CommunitiesPage {
        layout: Layout::titled(&viewer, "title.communities", "/communities"),
        communities: page.items.iter().map(CommunityView::from).collect(),
        next_url: next_url("/communities", page.next_cursor.as_deref()),
    })
}
