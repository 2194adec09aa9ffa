//! The signed-in person's own pages: activity, notifications and settings.

use super::{Form, Layout, PageResult, back_to, next_url, render, render_status};
use crate::auth::Viewer;
use crate::handlers::api::CursorQuery;
use crate::i18n::{LANG_COOKIE, Lang};
use crate::ops::accounts::{self, invalid_language};
use crate::ops::feeds;
use crate::views::{NotificationView, PostView};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
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
        layout: Layout::titled(
            &viewer,
            "title.activity",
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
        layout: Layout::titled(&viewer, "title.notifications", "/notifications"),
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
    /// The account's language setting: `""` (follow the browser), `"en"` or `"ja"`.
    language: String,
    form_error: Option<String>,
    saved: bool,
}

#[derive(Debug, serde::Deserialize)]
pub struct SettingsQuery {
    saved: Option<String>,
}

/// `GET /settings` (`?saved=1` after a successful save).
pub async fn settings(viewer: Viewer, Query(q): Query<SettingsQuery>) -> PageResult {
    let me = viewer.require()?;
    render(&SettingsPage {
        display_name: me.display_name.clone(),
        bio: me.bio.clone(),
        language: me.language.clone(),
        layout: Layout::titled(&viewer, "title.settings", "/settings"),
        form_error: None,
        saved: q.saved.is_some(),
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
    #[serde(default)]
    language: String,
}

/// `POST /settings`: saves and comes back to the settings page, in the language just chosen.
pub async fn save_settings(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<SettingsForm>,
) -> PageResult {
    viewer.check_csrf(&form.csrf)?;
    let me = viewer.require()?;
    let saved = accounts::update_profile(
        &state,
        me,
        Some(&form.display_name),
        Some(&form.bio),
        Some(&form.language),
    )
    .await;
    match saved {
        Ok(_) => Ok(Redirect::to("/settings?saved=1").into_response()),
        Err(Error::Invalid(i)) => render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SettingsPage {
                layout: Layout::titled(&viewer, "title.settings", "/settings"),
                form_error: Some(viewer.locale.error(i.code, &i.message)),
                display_name: form.display_name,
                bio: form.bio,
                language: form.language,
                saved: false,
            },
        ),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    lang: String,
    back: Option<String>,
}

/// `POST /language`: the footer's language switch. Remembered in a cookie, and on the account
/// when someone is signed in.
pub async fn choose_language(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<LanguageForm>,
) -> PageResult {
    viewer.check_csrf(&form.csrf)?;
    let lang = Lang::from_tag(&form.lang)
        .filter(|l| l.code() == form.lang)
        .ok_or_else(|| Error::Invalid(invalid_language()))?;
    if let Some(me) = &viewer.user {
        accounts::set_language(&state, me, lang.code()).await?;
    }
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
        lang.code()
    );
    let mut response = back_to(form.back.as_deref(), "/").into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}
