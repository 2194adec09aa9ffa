//! A community's page: its posts (new or popular), the post form and the favourite button.

use super::{
    Draft, FEELINGS, ForAnyone, Form, Layout, PageResult, PostForm, SwitchForm, WriteForm, next_url,
};
use crate::auth::Viewer;
use crate::ops::{communities as community_ops, feeds, posts};
use crate::views::{CommunityView, PostView};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use plaza_http::{Path, Query};
use plaza_types::Id;

#[derive(Template)]
#[template(path = "community.html")]
struct CommunityPage {
    layout: Layout,
    community: CommunityView,
    tab: &'static str,
    posts: std::sync::Arc<Vec<PostView>>,
    next_url: Option<String>,
    favourited: bool,
    form_error: Option<String>,
    draft: Draft,
    feelings: [&'static str; 6],
}

#[derive(Debug, serde::Deserialize)]
pub struct CommunityQuery {
    tab: Option<String>,
    cursor: Option<String>,
}

async fn find(state: &AppState, id: Id) -> Result<CommunityView, Error> {
    Ok(CommunityView::from(
        &community_ops::existing(state, id).await?,
    ))
}

async fn show_page(
    state: &AppState,
    viewer: &Viewer,
    view: CommunityView,
    q: CommunityQuery,
    status: StatusCode,
    form: Option<(&WriteForm, String)>,
) -> PageResult {
    let tab = match q.tab.as_deref() {
        Some("popular") => "popular",
        Some("drawings") => "drawings",
        _ => "new",
    };
    let base = if tab == "new" {
        view.url.clone()
    } else {
        format!("{}?tab={tab}", view.url)
    };
    let path = match &q.cursor {
        Some(c) => next_url(&base, Some(c)).unwrap_or_else(|| base.clone()),
        None => base.clone(),
    };
    // A first page with no form on it is the same for every signed-out reader.
    let key = match (&q.cursor, &form, status) {
        (None, None, StatusCode::OK) if ForAnyone::shares(viewer) => {
            feeds::anyones_page_key(
                state,
                view.id,
                tab,
                (&view, viewer.locale.lang().code(), &path),
            )
            .await
        }
        _ => None,
    };
    let shared = match ForAnyone::find(state, viewer, key).await {
        Ok(shared) => shared,
        Err(kept) => return Ok(kept),
    };
    let viewer_shown = ForAnyone::viewer(&shared, viewer);
    let me = viewer.user.as_ref();
    let page = match tab {
        "popular" => feeds::popular(state, me, view.id, q.cursor.clone()).await?,
        "drawings" => feeds::drawings(state, me, view.id, q.cursor.clone()).await?,
        _ => feeds::community(state, me, view.id, q.cursor.clone()).await?,
    };
    let favourited = community_ops::is_favourite(state, me, view.id).await?;
    let (form_error, draft) = Draft::of(form);
    let page = CommunityPage {
        layout: Layout::new(state, viewer_shown, view.name.clone(), path).await,
        next_url: next_url(&base, page.next_cursor.as_deref()),
        community: view,
        tab,
        posts: page.items,
        favourited,
        form_error,
        draft,
        feelings: FEELINGS,
    };
    ForAnyone::render(shared, state, viewer, status, &page).await
}

/// `GET /titles/{title_id}/{community_id}`.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((title_id, id)): Path<(String, Id)>,
    Query(q): Query<CommunityQuery>,
) -> PageResult {
    let community = find(&state, id).await?;
    if community.title_id != title_id {
        return Ok(Redirect::permanent(&community.url).into_response());
    }
    show_page(&state, &viewer, community, q, StatusCode::OK, None).await
}

/// `POST /titles/{title_id}/{community_id}/posts`.
pub async fn create_post(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((_title_id, id)): Path<(String, Id)>,
    PostForm(form): PostForm,
) -> PageResult {
    let user = viewer.require_form(&form.csrf)?;
    let community = find(&state, id).await?;
    match posts::create_post(&state, user, id, &form.input(), "web").await {
        Ok(_) => Ok(Redirect::to(&community.url).into_response()),
        Err(Error::Invalid(invalid)) => {
            let q = CommunityQuery {
                tab: None,
                cursor: None,
            };
            show_page(
                &state,
                &viewer,
                community,
                q,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some((&form, viewer.locale.error(invalid.code, &invalid.message))),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /titles/{title_id}/{community_id}/favourite`.
pub async fn favourite(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((_title_id, id)): Path<(String, Id)>,
    Form(form): Form<SwitchForm>,
) -> PageResult {
    let user = viewer.require_form(&form.csrf)?;
    let community = find(&state, id).await?;
    community_ops::set_favourite(&state, user, id, form.on()).await?;
    Ok(Redirect::to(&community.url).into_response())
}
