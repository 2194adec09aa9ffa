//! Admin pages: the word filters and the banned sign-up ranges.

use super::{Form, Layout, PageResult, form_message, render, render_status};
use crate::auth::Viewer;
use crate::ops::filters as ops;
use crate::views::CommunityView;
use crate::{AppState, Error};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use plaza_http::{Path, Query};
use plaza_types::Id;
use plaza_types::api::filters::{
    BannedRangeInput, BannedRangeView, FilterActionName, WordFilterInput, WordFilterView,
};

#[derive(Template)]
#[template(path = "admin_word_filters.html")]
struct WordFiltersPage {
    layout: Layout,
    /// The list shown: none for the global list.
    community: Option<Id>,
    communities: Vec<CommunityView>,
    entries: Vec<WordFilterView>,
    pattern: String,
    form_error: Option<String>,
}

/// `?community_id=`; empty for the global list.
#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    community_id: String,
}

fn community_param(text: &str) -> Option<Id> {
    text.trim().parse().ok()
}

async fn words_page(
    state: &AppState,
    viewer: &Viewer,
    community: Option<Id>,
    pattern: String,
    form_error: Option<String>,
) -> Result<WordFiltersPage, Error> {
    let user = viewer.require()?;
    let entries = ops::word_list(state, user, community).await?;
    let communities = crate::ops::communities::list(state, None, 100).await?.items;
    Ok(WordFiltersPage {
        layout: Layout::titled(state, viewer, "word_filters.title", "/admin/word_filters").await,
        community,
        communities,
        entries,
        pattern,
        form_error,
    })
}

/// `GET /admin/word_filters`.
pub async fn words(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ListQuery>,
) -> PageResult {
    let page = words_page(
        &state,
        &viewer,
        community_param(&q.community_id),
        String::new(),
        None,
    )
    .await?;
    render(&page)
}

#[derive(Debug, serde::Deserialize)]
pub struct WordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    pattern: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    community_id: String,
}

fn list_url(community: Option<Id>) -> String {
    match community {
        Some(c) => format!("/admin/word_filters?community_id={c}"),
        None => "/admin/word_filters".into(),
    }
}

/// `POST /admin/word_filters`.
pub async fn add_word(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<WordForm>,
) -> PageResult {
    let user = viewer.require_form(&form.csrf)?;
    let community = community_param(&form.community_id);
    let input = WordFilterInput {
        community_id: community,
        pattern: form.pattern.clone(),
        action: if form.action == "hold" {
            FilterActionName::Hold
        } else {
            FilterActionName::Refuse
        },
    };
    match ops::add_word(&state, user, &input).await {
        Ok(_) => Ok(Redirect::to(&list_url(community)).into_response()),
        Err(e @ (Error::Invalid(_) | Error::Conflict { .. })) => {
            let message = form_message(&viewer, &e);
            let page = words_page(&state, &viewer, community, form.pattern, Some(message)).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    community_id: String,
}

/// `POST /admin/word_filters/{id}/delete`.
pub async fn remove_word(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<Id>,
    Form(form): Form<DeleteForm>,
) -> PageResult {
    let user = viewer.require_form(&form.csrf)?;
    ops::remove(&state, user, ops::AdminList::Words, id).await?;
    Ok(Redirect::to(&list_url(community_param(&form.community_id))).into_response())
}

#[derive(Template)]
#[template(path = "admin_banned_ranges.html")]
struct RangesPage {
    layout: Layout,
    ranges: Vec<BannedRangeView>,
    cidr: String,
    reason: String,
    form_error: Option<String>,
}

async fn ranges_page(
    state: &AppState,
    viewer: &Viewer,
    cidr: String,
    reason: String,
    form_error: Option<String>,
) -> Result<RangesPage, Error> {
    let user = viewer.require()?;
    Ok(RangesPage {
        layout: Layout::titled(state, viewer, "banned_ranges.title", "/admin/banned_ranges").await,
        ranges: ops::range_list(state, user).await?,
        cidr,
        reason,
        form_error,
    })
}

/// `GET /admin/banned_ranges`.
pub async fn ranges(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    render(&ranges_page(&state, &viewer, String::new(), String::new(), None).await?)
}

#[derive(Debug, serde::Deserialize)]
pub struct RangeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    cidr: String,
    #[serde(default)]
    reason: String,
}

/// `POST /admin/banned_ranges`.
pub async fn add_range(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<RangeForm>,
) -> PageResult {
    let user = viewer.require_form(&form.csrf)?;
    let input = BannedRangeInput {
        cidr: form.cidr.clone(),
        reason: form.reason.clone(),
    };
    match ops::add_range(&state, user, &input).await {
        Ok(_) => Ok(Redirect::to("/admin/banned_ranges").into_response()),
        Err(e @ (Error::Invalid(_) | Error::Conflict { .. })) => {
            let message = form_message(&viewer, &e);
            let page = ranges_page(&state, &viewer, form.cidr, form.reason, Some(message)).await?;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/banned_ranges/{id}/delete`.
pub async fn remove_range(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<Id>,
    Form(form): Form<DeleteForm>,
) -> PageResult {
    let user = viewer.require_form(&form.csrf)?;
    ops::remove(&state, user, ops::AdminList::Ranges, id).await?;
    Ok(Redirect::to("/admin/banned_ranges").into_response())
}
