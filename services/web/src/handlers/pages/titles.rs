//! Titles on the site: a title's page (its communities), the admin pages that register titles
//! and manage their communities and app keys, and the settings page that gives a player a code
//! to link a game.

use super::{Form, Layout, PageResult, form_message, form_status, render, render_status};
use crate::auth::Viewer;
use crate::db::titles::Title;
use crate::ops::titles as ops;
use crate::views::CommunityView;
use crate::{AppState, Error};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use plaza_http::Path;
use plaza_types::Id;
use plaza_types::api::game::{AppKeyView, GameTitle, LinkCode, SubCommunityInput, TitleInput};

#[derive(Template)]
#[template(path = "title.html")]
struct TitlePage {
    layout: Layout,
    title_id: String,
    title: Option<Title>,
    communities: Vec<CommunityView>,
}

/// `GET /titles/{title_id}`: a title and its communities.
pub async fn show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(title_id): Path<String>,
) -> PageResult {
    let (title, communities) = ops::page(&state, &title_id).await?;
    let id = title_id.to_ascii_uppercase();
    let name = title
        .as_ref()
        .map_or_else(|| id.clone(), |t| t.name.clone());
    render(&TitlePage {
        layout: Layout::new(&state, &viewer, name, format!("/titles/{id}")).await,
        title_id: id,
        title,
        communities,
    })
}

#[derive(Template)]
#[template(path = "admin_titles.html")]
struct AdminTitlesPage {
    layout: Layout,
    titles: Vec<Title>,
    input: TitleInput,
    form_error: Option<String>,
}

fn admin(viewer: &Viewer) -> Result<&crate::db::users::User, Error> {
    let user = viewer.require()?;
    crate::ops::admin_only(user)?;
    Ok(user)
}

async fn titles_page(
    state: &AppState,
    viewer: &Viewer,
    input: TitleInput,
    form_error: Option<String>,
) -> PageResult {
    let user = admin(viewer)?;
    let (titles, _) = ops::list(state, user, None).await?;
    render_status(
        form_status(form_error.as_deref()),
        &AdminTitlesPage {
            layout: Layout::titled(state, viewer, "game.admin_heading", "/admin/titles").await,
            titles,
            input,
            form_error,
        },
    )
}

/// `GET /admin/titles`.
pub async fn admin_index(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    titles_page(&state, &viewer, TitleInput::default(), None).await
}

#[derive(Debug, serde::Deserialize)]
pub struct TitleForm {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    input: TitleInput,
}

/// `POST /admin/titles`: registers a title, then shows it.
pub async fn admin_register(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<TitleForm>,
) -> PageResult {
    let user = viewer.require_form(&form.csrf)?;
    match ops::register(&state, user, &form.input).await {
        Ok(t) => Ok(Redirect::to(&format!("/admin/titles/{}", t.title_id)).into_response()),
        Err(e @ (Error::Invalid(_) | Error::Conflict { .. })) => {
            let message = form_message(&viewer, &e);
            titles_page(&state, &viewer, form.input, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "admin_title.html")]
struct AdminTitlePage {
    layout: Layout,
    title: GameTitle,
    keys: Vec<AppKeyView>,
    /// A key just issued: its full text, shown this once.
    issued: Option<String>,
    form_error: Option<String>,
}

async fn title_page(
    state: &AppState,
    viewer: &Viewer,
    title_id: &str,
    issued: Option<String>,
    form_error: Option<String>,
) -> PageResult {
    let user = admin(viewer)?;
    let title = ops::admin_title(state, user, title_id).await?;
    let keys = ops::keys(state, user, &title).await?;
    render_status(
        form_status(form_error.as_deref()),
        &AdminTitlePage {
            layout: Layout::new(
                state,
                viewer,
                title.name.clone(),
                format!("/admin/titles/{}", title.title_id),
            )
            .await,
            title: ops::view(state, &title).await?,
            keys: keys.iter().map(ops::key_view).collect(),
            issued,
            form_error,
        },
    )
}

/// `GET /admin/titles/{title_id}`: the title's communities and app keys.
pub async fn admin_show(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(title_id): Path<String>,
) -> PageResult {
    title_page(&state, &viewer, &title_id, None, None).await
}

#[derive(Debug, serde::Deserialize)]
pub struct CommunityForm {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    input: SubCommunityInput,
}

/// `POST /admin/titles/{title_id}/communities`: adds a sub-community.
pub async fn admin_add_community(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(title_id): Path<String>,
    Form(form): Form<CommunityForm>,
) -> PageResult {
    let user = viewer.require_form(&form.csrf)?;
    let title = ops::admin_title(&state, user, &title_id).await?;
    match ops::add_community(&state, user, &title, &form.input).await {
        Ok(_) => Ok(Redirect::to(&format!("/admin/titles/{}", title.title_id)).into_response()),
        Err(e @ Error::Invalid(_)) => {
            let message = form_message(&viewer, &e);
            title_page(&state, &viewer, &title_id, None, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct KeyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    grace_hours: Option<u32>,
}

/// `POST /admin/titles/{title_id}/app_keys`: issues a key and shows its secret this once.
pub async fn admin_issue_key(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(title_id): Path<String>,
    Form(form): Form<KeyForm>,
) -> PageResult {
    let user = viewer.require_form(&form.csrf)?;
    let title = ops::admin_title(&state, user, &title_id).await?;
    match ops::issue_key(&state, user, &title, &form.label).await {
        Ok((_, full)) => title_page(&state, &viewer, &title_id, Some(full), None).await,
        Err(e @ Error::Invalid(_)) => {
            let message = form_message(&viewer, &e);
            title_page(&state, &viewer, &title_id, None, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /admin/app_keys/{id}/revoke`.
pub async fn admin_revoke_key(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<Id>,
    Form(form): Form<KeyForm>,
) -> PageResult {
    let user = viewer.require_form(&form.csrf)?;
    let key = ops::revoke_key(&state, user, id).await?;
    Ok(Redirect::to(&format!("/admin/titles/{}", key.title_id)).into_response())
}

/// `POST /admin/app_keys/{id}/rotate`: a new key (shown this once); the old one keeps working
/// for the grace period.
pub async fn admin_rotate_key(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<Id>,
    Form(form): Form<KeyForm>,
) -> PageResult {
    let user = viewer.require_form(&form.csrf)?;
    let old = ops::key(&state, user, id).await?;
    match ops::rotate_key(&state, user, id, form.grace_hours).await {
        Ok((_, full)) => title_page(&state, &viewer, &old.title_id, Some(full), None).await,
        Err(e @ Error::Invalid(_)) => {
            let message = form_message(&viewer, &e);
            title_page(&state, &viewer, &old.title_id, None, Some(message)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "settings_games.html")]
struct GamesSettingsPage {
    layout: Layout,
    code: Option<LinkCode>,
}

/// `GET /settings/games`: how to link a game.
pub async fn settings(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    viewer.require()?;
    render(&GamesSettingsPage {
        layout: Layout::titled(&state, &viewer, "game.settings_heading", "/settings/games").await,
        code: None,
    })
}

#[derive(Debug, serde::Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /settings/games`: a new link code, shown on the page.
pub async fn new_code(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<CodeForm>,
) -> PageResult {
    let user = viewer.require_form(&form.csrf)?;
    let code = ops::link_code(&state, user).await?;
    render(&GamesSettingsPage {
        layout: Layout::titled(&state, &viewer, "game.settings_heading", "/settings/games").await,
        code: Some(code),
    })
}
