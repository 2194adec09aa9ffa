//! The signed-in person's own pages: activity, notifications and settings.

use super::{CursorQuery, Form, Layout, PageResult, back_to, next_url, render, render_status};
use crate::auth::Viewer;
use crate::client::ClientIp;
use crate::i18n::Lang;
use crate::ops::accounts::{self, invalid_language};
use crate::ops::feeds;
use crate::session::{language_cookie, set_cookie};
use crate::views::{NotificationView, PostView, SessionView};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use plaza_http::{Json, Path, Query};
use plaza_types::notification::UnreadCount;

#[derive(Template)]
#[template(path = "activity.html")]
struct ActivityPage {
    layout: Layout,
    posts: std::sync::Arc<Vec<PostView>>,
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
            &state,
            &viewer,
            "title.activity",
            next_url("/activity", q.cursor.as_deref()).unwrap_or_else(|| "/activity".into()),
        )
        .await,
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
        layout: Layout::titled(&state, &viewer, "title.notifications", "/notifications").await,
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
    let me = viewer.require_form(&form.csrf)?;
    feeds::mark_all_read(&state, me).await?;
    Ok(Redirect::to("/notifications").into_response())
}

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

/// `GET /notifications/unread.json`: the header's live count, for the page's script.
pub async fn unread(
    State(state): State<AppState>,
    viewer: Viewer,
) -> Result<Json<UnreadCount>, Error> {
    let me = viewer.require()?;
    // As in the header: a count that cannot be read now shows as none.
    let unread = feeds::unread_count(&state, me).await.unwrap_or(0);
    Ok(Json(UnreadCount { unread }))
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
    /// The catalog key of what was just done (`settings.saved`, ...), shown once.
    notice: Option<&'static str>,
    password_error: Option<String>,
    /// The account's sessions and API tokens, this browser's marked `current`.
    sessions: Vec<SessionView>,
}

impl SettingsPage {
    /// The page for the signed-in viewer as saved, with their sessions.
    async fn load(state: &AppState, viewer: &Viewer) -> Result<Self, Error> {
        let me = viewer.require()?;
        let sessions = accounts::sessions(state, me, viewer.session.as_deref()).await?;
        Ok(SettingsPage {
            display_name: me.display_name.clone(),
            bio: me.bio.clone(),
            language: me.language.clone(),
            layout: Layout::titled(state, viewer, "title.settings", "/settings").await,
            form_error: None,
            notice: None,
            password_error: None,
            sessions,
        })
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct SettingsQuery {
    saved: Option<String>,
}

/// `GET /settings` (`?saved=1` after saving the profile, `?saved=password` after changing the
/// password, `?saved=session` after ending a session).
pub async fn settings(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<SettingsQuery>,
) -> PageResult {
    let mut page = SettingsPage::load(&state, &viewer).await?;
    page.notice = match q.saved.as_deref() {
        None => None,
        Some("password") => Some("settings.password_changed"),
        Some("session") => Some("settings.session_ended"),
        Some(_) => Some("settings.saved"),
    };
    render(&page)
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
    let me = viewer.require_form(&form.csrf)?;
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
        Err(Error::Invalid(i)) => {
            let mut page = SettingsPage::load(&state, &viewer).await?;
            page.form_error = Some(viewer.locale.error(i.code, &i.message));
            page.display_name = form.display_name;
            page.bio = form.bio;
            page.language = form.language;
            render_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

/// `POST /settings/password`: changes the password; every other session and token ends, this
/// browser stays signed in.
pub async fn change_password(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    viewer: Viewer,
    Form(form): Form<PasswordForm>,
) -> PageResult {
    let me = viewer.require_form(&form.csrf)?;
    let keep = viewer.session.as_deref().ok_or(Error::Unauthenticated)?;
    let changed = accounts::change_password(
        &state,
        me,
        &form.current_password,
        &form.new_password,
        client,
        keep,
    )
    .await;
    match changed {
        Ok(()) => Ok(Redirect::to("/settings?saved=password").into_response()),
        Err(e @ (Error::Invalid(_) | Error::Forbidden { .. })) => {
            let response = e.to_response();
            let mut page = SettingsPage::load(&state, &viewer).await?;
            page.password_error = Some(viewer.locale.error(&response.code, &response.message));
            render_status(response.status, &page)
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /settings/sessions/{id}/revoke`: ends one session or token; ending this browser's own
/// signs it out.
pub async fn revoke_session(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<CsrfOnly>,
) -> PageResult {
    let me = viewer.require_form(&form.csrf)?;
    accounts::revoke_session(&state, me, &id).await?;
    if accounts::is_current_session(viewer.session.as_deref(), &id) {
        return Ok(super::auth::signed_out(&state)?);
    }
    Ok(Redirect::to("/settings?saved=session").into_response())
}

/// `POST /settings/sessions/revoke_all`: signs out everywhere, this browser included.
pub async fn revoke_all_sessions(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<CsrfOnly>,
) -> PageResult {
    let me = viewer.require_form(&form.csrf)?;
    accounts::revoke_all_sessions(&state, me).await?;
    Ok(super::auth::signed_out(&state)?)
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
    let mut response = back_to(form.back.as_deref(), "/").into_response();
    set_cookie(
        &mut response,
        language_cookie(lang, state.config.secure_cookies),
    );
    Ok(response)
}
