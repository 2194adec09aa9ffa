//! Admin pages: create and edit communities.

use super::{Form, Layout, PageResult, render, render_status};
use crate::auth::Viewer;
use crate::ops::communities::{self as ops, CommunityInput};
use crate::views::CommunityView;
use crate::{AppState, Error};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use plaza_http::Path;
use plaza_types::Id;

#[derive(Template)]
#[template(path = "admin_communities.html")]
struct AdminPage {
    layout: Layout,
    editing: Option<Id>,
    input: CommunityInput,
    communities: Vec<CommunityView>,
    form_error: Option<String>,
}

fn admin(viewer: &Viewer) -> Result<(), Error> {
    crate::ops::admin_only(viewer.require()?)
}

/// `GET /admin/communities`.
pub async fn index(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    admin(&viewer)?;
    let page = ops::list(&state, None, 100).await?;
    render(&AdminPage {
        layout: Layout::titled(&state, &viewer, "title.admin", "/admin/communities").await,
        editing: None,
        input: CommunityInput::default(),
        communities: page.items,
        form_error: None,
    })
}

#[derive(Debug, serde::Deserialize)]
pub struct CommunityForm {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    input: CommunityInput,
}

async fn answer(
    state: &AppState,
    viewer: &Viewer,
    editing: Option<Id>,
    input: CommunityInput,
    result: Result<CommunityView, Error>,
) -> PageResult {
    match result {
        Ok(c) => Ok(Redirect::to(&c.url).into_response()),
        Err(Error::Invalid(i)) => {
            let page = ops::list(state, None, 100).await?;
            render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &AdminPage {
                    layout: Layout::titled(state, viewer, "title.admin", "/admin/communities")
                        .await,
                    editing,
                    input,
                    communities: page.items,
                    form_error: Some(viewer.locale.error(i.code, &i.message)),
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/communities`.
pub async fn create(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<CommunityForm>,
) -> PageResult {
    let user = viewer.require_form(&form.csrf)?;
    let result = ops::create(&state, user, &form.input)
        .await
        .map(|c| CommunityView::from(&c));
    answer(&state, &viewer, None, form.input, result).await
}

/// `GET /admin/communities/{id}/edit`.
pub async fn edit(State(state): State<AppState>, viewer: Viewer, Path(id): Path<Id>) -> PageResult {
    admin(&viewer)?;
    let input = ops::edit_form(&state, id).await?;
    render(&AdminPage {
        layout: Layout::titled(
            &state,
            &viewer,
            "title.edit_community",
            format!("/admin/communities/{id}/edit"),
        )
        .await,
        editing: Some(id),
        input,
        communities: Vec::new(),
        form_error: None,
    })
}

/// `POST /admin/communities/{id}/edit`.
pub async fn update(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<Id>,
    Form(form): Form<CommunityForm>,
) -> PageResult {
    let user = viewer.require_form(&form.csrf)?;
    let result = ops::update(&state, user, id, &form.input)
        .await
        .map(|c| CommunityView::from(&c));
    answer(&state, &viewer, Some(id), form.input, result).await
}
