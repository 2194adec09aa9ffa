//! The signed-in person's own pages: activity, notifications and settings.

use super::{Form, Layout, PageResult, next_url, render, render_status};
use crate::auth::Viewer;
use crate::handlers::api::CursorQuery;
use crate::ops::{accounts, feeds};
use crate::views::{NotificationView, PostView};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use plaza_http::{Json, Query};
use serde_json::{Value, json};

#[derive(Template)]
#[template(path = "activity.html")]
struct ActivityPage {
    layout: Layout,
    posts: Vec<PostView>,
    next_url: Option<String>,
}

/// `GET /activity`.
pub async fn activity(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<CursorQuery>,
) -> PageResult {
    let me = viewer.require()?;
    let page = feeds::activity(&state, me, q.cursor.clone()).await?;
    render(&ActivityPage {
        layout: Layout::new(
            &viewer,
            "Activity",
            next_url("/activity", q.cursor.as_deref()).unwrap_or_else(|| "/activity".into()),
        ),
        posts: page.items,
        next_url: next_url("/activity", page.next_cursor.as_deref()),
    })
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    layout: Layout,
    notifications: Vec<NotificationView>,
    next_url: Option<String>,
}

/// `GET /notifications`.
pub async fn notifications(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<CursorQuery>,
) -> PageResult {
    let me = viewer.require()?;
    let page = feeds::notifications(&state, me, q.cursor).await?;
    render(&NotificationsPage {
        layout: Layout::new(&viewer, "Notifications", "/notifications"),
        notifications: page.items,
        next_url: next_url("/notifications", page.next_cursor.as_deref()),
    })
}

#[derive(Debug, serde::Deserialize)]
pub struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// `POST /notifications/read`.
pub async fn mark_read(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<CsrfOnly>,
) -> PageResult {
    viewer.check_csrf(&form.csrf)?;
    let me = viewer.require()?;
    state
        .notification
        .mark_read(me.id)
        .await
        .map_err(Error::from)?;
    Ok(Redirect::to("/notifications").into_response())
}

/// `GET /notifications/unread.json`: the header's live count, for the page's script.
/// `GET /notifications/stream`: the header's unread count, live (Server-Sent Events).
pub async fn stream(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<axum::response::Response, Error> {
    let me = viewer.require()?;
    Ok(axum::response::IntoResponse::into_response(
        crate::live::unread_stream(state, me.id),
    ))
}

pub async fn unread(viewer: Viewer) -> Result<Json<Value>, Error> {
    viewer.require()?;
    Ok(Json(json!({"unread": viewer.unread})))
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    layout: Layout,
    display_name: String,
    bio: String,
    form_error: Option<String>,
    saved: bool,
}

/// `GET /settings`.
pub async fn settings(viewer: Viewer) -> PageResult {
    let me = viewer.require()?;
    render(&SettingsPage {
        display_name: me.display_name.clone(),
        bio: me.bio.clone(),
        layout: Layout::new(&viewer, "Settings", "/settings"),
        form_error: None,
        saved: false,
    })
}

#[derive(Debug, serde::Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    bio: String,
}

/// `POST /settings`.
pub async fn save_settings(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<SettingsForm>,
) -> PageResult {
    viewer.check_csrf(&form.csrf)?;
    let me = viewer.require()?;
    let (status, error, saved) =
        match accounts::update_profile(&state, me, Some(&form.display_name), Some(&form.bio)).await
        {
            Ok(_) => (StatusCode::OK, None, true),
            Err(Error::Invalid(i)) => (StatusCode::UNPROCESSABLE_ENTITY, Some(i.message), false),
            Err(e) => return Err(e.into()),
        };
    render_status(
        status,
        &SettingsPage {
            layout: Layout::new(&viewer, "Settings", "/settings"),
            display_name: form.display_name,
            bio: form.bio,
            form_error: error,
            saved,
        },
    )
}
