//! Moderation pages: the report form, the review queue and its actions, the audit log,
//! appointing moderators, and the staff notices people read.

use super::{Form, Layout, PageResult, next_url, render, render_status};
use crate::auth::Viewer;
use crate::ops::{moderation, review, social};
use crate::{AppState, Error};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use plaza_http::{Path, Query};
use plaza_types::Id;
use plaza_types::api::moderation::{
    ActionInput, LogEntry, ModeratorView, NoticeView, QueueItem, QueueQuery, QueueSort,
};
use plaza_types::moderation::{Action, ReportReason, Target, TargetKind};

/// Which target a report form is about.
#[derive(Debug, serde::Deserialize)]
pub struct TargetQuery {
    kind: String,
    id: String,
    /// Set on the page the form's answer redirects to: the report was made.
    #[serde(default)]
    sent: Option<String>,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    layout: Layout,
    kind: String,
    id: String,
    reasons: [ReportReason; 6],
    chosen: String,
    body: String,
    form_error: Option<String>,
    done: bool,
}

/// A target named by a form or query (`post`, `comment` or `account` and an id or username).
async fn target_of(state: &AppState, kind: &str, id: &str) -> Result<Target, Error> {
    let kind = TargetKind::from_name(kind).ok_or(Error::NotFound("target"))?;
    let id = match kind {
        TargetKind::Account => social::find_user(state, id).await?.id,
        _ => id.parse::<Id>().map_err(|_| Error::NotFound("target"))?,
    };
    Ok(Target { kind, id })
}

/// `GET /report?kind=post&id=…`: the report form.
pub async fn report_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<TargetQuery>,
) -> PageResult {
    viewer.require()?;
    target_of(&state, &q.kind, &q.id).await?;
    render(&ReportPage {
        layout: Layout::titled(
            &state,
            &viewer,
            "title.report",
            format!("/report?kind={}&id={}", q.kind, q.id),
        )
        .await,
        kind: q.kind,
        id: q.id,
        reasons: ReportReason::ALL,
        chosen: String::new(),
        body: String::new(),
        form_error: None,
        done: q.sent.is_some(),
    })
}

#[derive(Debug, serde::Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    csrf: String,
    kind: String,
    id: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    body: String,
}

/// `POST /report`.
pub async fn report(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<ReportForm>,
) -> PageResult {
    let user = viewer.require_form(&form.csrf)?;
    let target = target_of(&state, &form.kind, &form.id).await?;
    let result = match ReportReason::from_name(&form.reason) {
        Some(reason) => moderation::report(&state, user, target, reason, &form.body)
            .await
            .map(|_| ()),
        None => Err(moderation::invalid(
            "invalid_report_reason",
            "Choose a reason.",
        )),
    };
    let (status, form_error) = match result {
        // Post/redirect/get: the thanks page is a GET, so neither reloading it nor the page's
        // script (which sends the form again when its answer is no redirect) reports twice.
        Ok(()) => {
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("kind", &form.kind)
                .append_pair("id", &form.id)
                .append_pair("sent", "1")
                .finish();
            return Ok(Redirect::to(&format!("/report?{query}")).into_response());
        }
        Err(Error::Invalid(i)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(viewer.locale.error(i.code, &i.message)),
        ),
        Err(Error::Conflict { code, message }) => (
            StatusCode::CONFLICT,
            Some(viewer.locale.error(code, message)),
        ),
        Err(e) => return Err(e.into()),
    };
    render_status(
        status,
        &ReportPage {
            layout: Layout::titled(&state, &viewer, "title.report", "/report").await,
            kind: form.kind,
            id: form.id,
            reasons: ReportReason::ALL,
            chosen: form.reason,
            body: form.body,
            form_error,
            done: false,
        },
    )
}

#[derive(Template)]
#[template(path = "moderation_queue.html")]
struct QueuePage {
    layout: Layout,
    items: Vec<QueueItem>,
    actions: Vec<Action>,
    /// The order shown.
    sort: QueueSort,
    next_url: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
pub struct CursorQuery {
    cursor: Option<String>,
}

/// `GET /moderation`: the review queue.
pub async fn queue(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<QueueQuery>,
) -> PageResult {
    let user = viewer.require()?;
    let page = review::queue(&state, user, &q).await?;
    render(&QueuePage {
        layout: Layout::titled(&state, &viewer, "title.moderation", "/moderation").await,
        items: page.items,
        actions: vec![
            Action::Dismiss,
            Action::MarkSpoiler,
            Action::Hide,
            Action::Remove,
            Action::Restore,
            Action::Warn,
            Action::Suspend,
            Action::Ban,
            Action::Lift,
        ],
        sort: q.sort,
        next_url: next_url(
            &format!("/moderation?sort={}", q.sort.name()),
            page.next_cursor.as_deref(),
        ),
    })
}

#[derive(Debug, serde::Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    duration_hours: String,
    hide_content: Option<String>,
    /// The queue's order to go back to.
    #[serde(default)]
    sort: Option<QueueSort>,
}

/// `POST /moderation/{kind}/{id}`: one action from the queue; back to the queue.
pub async fn act(
    State(state): State<AppState>,
    viewer: Viewer,
    Path((kind, id)): Path<(String, String)>,
    Form(form): Form<ActionForm>,
) -> PageResult {
    let user = viewer.require_form(&form.csrf)?;
    // Who may act is checked before the target is looked up.
    review::require_moderator(&state, user).await?;
    let target = target_of(&state, &kind, &id).await?;
    let action = Action::from_name(&form.action)
        .ok_or_else(|| moderation::invalid("invalid_action", "Choose an action."))?;
    let duration_hours = match form.duration_hours.trim() {
        "" => None,
        h => Some(h.parse::<u32>().map_err(|_| {
            moderation::invalid("invalid_duration", "A suspension lasts 1 to 8760 hours.")
        })?),
    };
    let input = ActionInput {
        action,
        reason: form.reason,
        duration_hours,
        hide_content: form.hide_content.is_some(),
    };
    review::act(&state, user, target, &input).await?;
    let sort = form.sort.unwrap_or_default();
    Ok(Redirect::to(&format!("/moderation?sort={}", sort.name())).into_response())
}

#[derive(Template)]
#[template(path = "moderation_log.html")]
struct LogPage {
    layout: Layout,
    entries: Vec<LogEntry>,
    next_url: Option<String>,
}

/// `GET /moderation/log`: the audit log (admins).
pub async fn log(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(q): Query<CursorQuery>,
) -> PageResult {
    let user = viewer.require()?;
    let page = review::log(&state, user, q.cursor).await?;
    render(&LogPage {
        layout: Layout::titled(&state, &viewer, "title.moderation_log", "/moderation/log").await,
        entries: page.items,
        next_url: next_url("/moderation/log", page.next_cursor.as_deref()),
    })
}

#[derive(Template)]
#[template(path = "admin_moderators.html")]
struct ModeratorsPage {
    layout: Layout,
    moderators: Vec<ModeratorView>,
    communities: Vec<crate::views::CommunityView>,
    form_error: Option<String>,
}

async fn moderators_page(
    state: &AppState,
    viewer: &Viewer,
    status: StatusCode,
    form_error: Option<String>,
) -> PageResult {
    let user = viewer.require()?;
    let list = review::moderators(state, user, None).await?;
    let communities = crate::ops::communities::list(state, None, 100).await?;
    render_status(
        status,
        &ModeratorsPage {
            layout: Layout::titled(state, viewer, "title.moderators", "/admin/moderators").await,
            moderators: list.items,
            communities: communities.items,
            form_error,
        },
    )
}

/// `GET /admin/moderators`.
pub async fn moderators(State(state): State<AppState>, viewer: Viewer) -> PageResult {
    moderators_page(&state, &viewer, StatusCode::OK, None).await
}

#[derive(Debug, serde::Deserialize)]
pub struct AppointForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    /// A community's id, or empty for every community.
    #[serde(default)]
    community_id: String,
}

/// `POST /admin/moderators`.
pub async fn appoint(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<AppointForm>,
) -> PageResult {
    let user = viewer.require_form(&form.csrf)?;
    let community = match form.community_id.trim() {
        "" => None,
        c => Some(c.parse::<Id>().map_err(|_| Error::NotFound("community"))?),
    };
    match review::appoint(&state, user, &form.username, community).await {
        Ok(_) => Ok(Redirect::to("/admin/moderators").into_response()),
        Err(Error::Conflict { code, message }) => {
            let error = viewer.locale.error(code, message);
            moderators_page(&state, &viewer, StatusCode::CONFLICT, Some(error)).await
        }
        Err(Error::NotFound(_)) => {
            let error = viewer.locale.t("moderation.no_such_user").to_owned();
            moderators_page(&state, &viewer, StatusCode::NOT_FOUND, Some(error)).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /admin/moderators/{id}/remove`.
pub async fn remove(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<Id>,
    Form(form): Form<CsrfForm>,
) -> PageResult {
    let user = viewer.require_form(&form.csrf)?;
    review::remove_moderator(&state, user, id).await?;
    Ok(Redirect::to("/admin/moderators").into_response())
}

#[derive(Template)]
#[template(path = "notice.html")]
struct NoticePage {
    layout: Layout,
    notice: NoticeView,
}

/// `GET /notices/{id}`: a staff notice.
pub async fn notice(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<Id>,
) -> PageResult {
    let user = viewer.require()?;
    let notice = review::notice(&state, user, id).await?;
    render(&NoticePage {
        layout: Layout::titled(&state, &viewer, "title.notice", format!("/notices/{id}")).await,
        notice,
    })
}
