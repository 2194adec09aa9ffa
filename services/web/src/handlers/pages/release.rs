//! Staff's release page: which track this browser is on, which release answered each service,
//! and a form to opt into or out of the preview track (the signed cookie the edge verifies).

use super::{Form, Layout, PageResult, render, render_status};
use crate::auth::Viewer;
use crate::handlers::api::release::with_preview_cookie;
use crate::ops::release as ops;
use crate::{AppState, Error};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use plaza_types::api::release::{ReleaseReport, TrackName};

#[derive(Template)]
#[template(path = "admin_release.html")]
struct ReleasePage {
    layout: Layout,
    report: ReleaseReport,
    /// Whether this region can issue preview cookies at all.
    preview_on: bool,
    form_error: Option<String>,
}

impl ReleasePage {
    fn on_preview(&self) -> bool {
        self.report.request_track == TrackName::Preview
    }
}

async fn release_page(
    state: &AppState,
    viewer: &Viewer,
    form_error: Option<String>,
) -> Result<ReleasePage, Error> {
    let user = viewer.require()?;
    Ok(ReleasePage {
        report: ops::report(state, user).await?,
        layout: Layout::titled(state, viewer, "release.title", "/admin/release").await,
        preview_on: state.config.preview.is_some(),
        form_error,
    })
}

/// `GET /admin/release` (moderators and admins).
pub async fn show(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    render(&release_page(&state, &viewer, None).await?)
}

#[derive(Debug, serde::Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    track: String,
}

/// `POST /admin/release`: `track=preview` sets the preview cookie, `track=stable` clears it.
pub async fn choose(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<TrackForm>,
) -> PageResult {
    let user = viewer.require_form(&form.csrf)?;
    let track = match form.track.as_str() {
        "preview" => TrackName::Preview,
        "stable" => TrackName::Stable,
        _ => {
            let invalid = plaza_types::validate::Invalid {
                code: "invalid_track",
                message: "Choose the stable or the preview track.".into(),
            };
            return Err(Error::Invalid(invalid).into());
        }
    };
    match ops::choose(&state, user, track).await {
        Ok((_, value)) => {
            let mut response = Redirect::to("/admin/release").into_response();
            with_preview_cookie(&state, &mut response, value);
            Ok(response)
        }
        Err(e @ Error::Conflict { .. }) => {
            let body = e.to_response();
            let message = viewer.locale.error(&body.code, &body.message);
            let page = release_page(&state, &viewer, Some(message)).await?;
            render_status(StatusCode::CONFLICT, &page)
        }
        Err(e) => Err(e.into()),
    }
}
