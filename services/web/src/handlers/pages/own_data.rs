//! Settings pages for one's own data: the archive download and deleting the account.

use super::{Form, Layout, PageResult, render, render_status};
use crate::auth::Viewer;
use crate::client::ClientIp;
use crate::ops::own_data;
use crate::{AppState, Error};
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

/// `GET /settings/export`: everything the viewer posted, as a JSON file to save.
pub async fn export(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    let me = viewer.require()?;
    let archive = own_data::export(&state, me).await?;
    let body = serde_json::to_vec_pretty(&archive)
        .map_err(|e| Error::Internal(anyhow::anyhow!("writing the export: {e}")))?;
    let disposition = format!("attachment; filename=\"plaza-{}.json\"", me.username);
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "delete_account.html")]
struct DeletePage {
    layout: Layout,
    form_error: Option<String>,
}

/// `GET /settings/delete`: what deleting means, and the form that confirms it.
pub async fn confirm(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    viewer.require()?;
    render(&DeletePage {
        layout: Layout::titled(&state, &viewer, "own_data.delete_title", "/settings/delete").await,
        form_error: None,
    })
}

#[derive(Debug, serde::Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
}

/// `POST /settings/delete`: deletes the account and signs this browser out.
pub async fn delete(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    viewer: Viewer,
    Form(form): Form<DeleteForm>,
) -> PageResult {
    let me = viewer.require_form(&form.csrf)?;
    match own_data::delete_account(&state, me, &form.password, client).await {
        Ok(()) => Ok(super::auth::signed_out(&state)?),
        Err(e @ (Error::Invalid(_) | Error::Forbidden { .. })) => {
            let response = e.to_response();
            render_status(
                response.status,
                &DeletePage {
                    layout: Layout::titled(
                        &state,
                        &viewer,
                        "own_data.delete_title",
                        "/settings/delete",
                    )
                    .await,
                    form_error: Some(viewer.locale.error(&response.code, &response.message)),
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}
