//! Settings → Consoles: linking a Wii U or 3DS to the account by the code it shows, and
//! unlinking it (see `ops::consoles`).

use super::{Form, Layout, PageResult, render, render_status};
use crate::auth::Viewer;
use crate::ops::consoles;
use crate::{AppState, Error};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use plaza_http::{Path, Query};
use plaza_types::api::consoles::LinkedConsole;

#[derive(Template)]
#[template(path = "settings_consoles.html")]
struct ConsolesPage {
    layout: Layout,
    consoles: Vec<LinkedConsole>,
    /// The code as typed, kept when it was refused.
    code: String,
    error: Option<String>,
    /// The catalog key of what was just done, shown once.
    notice: Option<&'static str>,
}

impl ConsolesPage {
    async fn load(state: &AppState, viewer: &Viewer) -> Result<Self, Error> {
        let me = viewer.require()?;
        let consoles = consoles::list(state, me)
            .await?
            .into_iter()
            .map(consoles::view)
            .collect();
        Ok(ConsolesPage {
            layout: Layout::titled(state, viewer, "console.heading", "/settings/consoles").await,
            consoles,
            code: String::new(),
            error: None,
            notice: None,
        })
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct ConsolesQuery {
    done: Option<String>,
}

/// `GET /settings/consoles` (`?done=linked` or `?done=unlinked` after a change).
pub async fn index(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<ConsolesQuery>,
) -> PageResult {
    let mut page = ConsolesPage::load(&state, &viewer).await?;
    page.notice = match q.done.as_deref() {
        Some("linked") => Some("console.linked_now"),
        Some("unlinked") => Some("console.unlinked_now"),
        _ => None,
    };
    render(&page)
}

#[derive(Debug, serde::Deserialize)]
pub struct LinkForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

/// `POST /settings/consoles`: links the console showing the code.
pub async fn link(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<LinkForm>,
) -> PageResult {
    let me = viewer.require_form(&form.csrf)?;
    match consoles::link(&state, me, &form.code).await {
        Ok(_) => Ok(Redirect::to("/settings/consoles?done=linked").into_response()),
        Err(e @ (Error::Invalid(_) | Error::Conflict { .. })) => {
            let answer = e.to_response();
            let mut page = ConsolesPage::load(&state, &viewer).await?;
            page.error = Some(viewer.locale.error(&answer.code, &answer.message));
            page.code = form.code.chars().take(32).collect();
            render_status(answer.status, &page)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct UnlinkForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /settings/consoles/{id}/unlink`: the console stops acting for the account.
pub async fn unlink(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<plaza_types::Id>,
    Form(form): Form<UnlinkForm>,
) -> PageResult {
    let me = viewer.require_form(&form.csrf)?;
    consoles::unlink(&state, me, id.0).await?;
    Ok(Redirect::to("/settings/consoles?done=unlinked").into_response())
}
