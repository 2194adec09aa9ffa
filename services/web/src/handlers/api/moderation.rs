//! Moderation through the API: reports, the review queue, moderators' actions, the audit log,
//! appointing moderators, and staff notices. Roles and scope are checked in `ops`.

use super::CursorQuery;
use crate::auth::ApiUser;
use crate::ops::{moderation, review, social};
use crate::{AppState, Result};
use axum::extract::State;
use axum::http::StatusCode;
use plaza_http::{Json, Path, Query};
use plaza_types::Id;
use plaza_types::api::moderation::{
    ActionInput, LogEntryCreated, LogList, ModeratorCreated, ModeratorInput, ModeratorList,
    NoticeWrapper, QueueList, QueueQuery, ReportCreated, ReportInput, ReportView,
};
use plaza_types::moderation::{Target, TargetKind};

/// Report a post, comment or account
///
/// Once per person and target (a second is 409 already_reported). Enough distinct people's
/// spoiler reports mark a post or comment a spoiler; enough reports of any reason hide it until
/// a moderator reviews it. 422 report_reason_required (reason other without text),
/// report_too_long, invalid_report_reason; 403 cannot_report_own; 404 not_found.
#[utoipa::path(post, operation_id = "create_report", path = "/reports", tag = "moderation", security(("bearer" = [])),
    request_body = ReportInput,
    responses((status = 201, description = "Reported", body = ReportCreated)))]
pub async fn report(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<ReportInput>,
) -> Result<(StatusCode, Json<ReportCreated>)> {
    let target = Target {
        kind: input.target_kind,
        id: input.target_id,
    };
    let done = moderation::report(&state, &user, target, input.reason, &input.body).await?;
    Ok((
        StatusCode::CREATED,
        Json(ReportCreated {
            report: ReportView {
                id: done.report_id,
                target,
                reason: input.reason,
                body: input.body.trim().to_owned(),
                marked_spoiler: done.marked_spoiler,
                hidden: done.hidden,
            },
        }),
    ))
}

/// The review queue (moderators)
///
/// Open reports grouped by target, the most recently reported first (`sort=newest`, the
/// default) or the most reported first (`sort=most_reported`), with the content, the author
/// and earlier actions. A community moderator sees their communities' only; 403
/// not_moderator for everyone else.
#[utoipa::path(get, operation_id = "moderation_queue", path = "/moderation/queue", tag = "moderation", security(("bearer" = [])),
    params(QueueQuery),
    responses((status = 200, description = "OK", body = QueueList)))]
pub async fn queue(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<QueueQuery>,
) -> Result<Json<QueueList>> {
    Ok(Json(review::queue(&state, &user, &q).await?.into()))
}

async fn act(
    state: &AppState,
    user: &ApiUser,
    target: Target,
    input: &ActionInput,
) -> Result<Json<LogEntryCreated>> {
    Ok(Json(LogEntryCreated {
        entry: review::act(state, &user.0, target, input).await?,
    }))
}

/// Act on a post (moderators of its community)
///
/// dismiss, mark_spoiler, hide, remove, restore, warn, suspend (duration_hours), ban
/// (hide_content) or lift. Resolves the post's open reports and notifies its author and the
/// reporters. 403 not_moderator / not_moderator_here / protected_account / own_account; 422
/// invalid_action, reason_required, reason_too_long, invalid_duration.
#[utoipa::path(post, operation_id = "moderate_post", path = "/moderation/posts/{id}/actions", tag = "moderation", security(("bearer" = [])),
    params(("id" = Id, Path)), request_body = ActionInput,
    responses((status = 200, description = "The log entry", body = LogEntryCreated)))]
pub async fn act_on_post(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<Id>,
    Json(input): Json<ActionInput>,
) -> Result<Json<LogEntryCreated>> {
    let target = Target {
        kind: TargetKind::Post,
        id,
    };
    act(&state, &user, target, &input).await
}

/// Act on a comment (moderators of its community)
///
/// As for posts.
#[utoipa::path(post, operation_id = "moderate_comment", path = "/moderation/comments/{id}/actions", tag = "moderation", security(("bearer" = [])),
    params(("id" = Id, Path)), request_body = ActionInput,
    responses((status = 200, description = "The log entry", body = LogEntryCreated)))]
pub async fn act_on_comment(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<Id>,
    Json(input): Json<ActionInput>,
) -> Result<Json<LogEntryCreated>> {
    let target = Target {
        kind: TargetKind::Comment,
        id,
    };
    act(&state, &user, target, &input).await
}

/// Act on an account (global moderators and admins)
///
/// dismiss, warn, suspend, ban or lift.
#[utoipa::path(post, operation_id = "moderate_account", path = "/moderation/accounts/{name}/actions", tag = "moderation", security(("bearer" = [])),
    params(("name" = String, Path)), request_body = ActionInput,
    responses((status = 200, description = "The log entry", body = LogEntryCreated)))]
pub async fn act_on_account(
    State(state): State<AppState>,
    user: ApiUser,
    Path(name): Path<String>,
    Json(input): Json<ActionInput>,
) -> Result<Json<LogEntryCreated>> {
    // Who may act is checked before whom: a member learns nothing from this endpoint.
    review::require_moderator(&state, &user.0).await?;
    let account = social::find_user(&state, &name).await?;
    let target = Target {
        kind: TargetKind::Account,
        id: account.id,
    };
    act(&state, &user, target, &input).await
}

/// The moderation log (admins)
#[utoipa::path(get, operation_id = "moderation_log", path = "/moderation/log", tag = "moderation", security(("bearer" = [])),
    params(CursorQuery),
    responses((status = 200, description = "OK", body = LogList)))]
pub async fn log(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<CursorQuery>,
) -> Result<Json<LogList>> {
    Ok(Json(review::log(&state, &user, q.cursor).await?.into()))
}

/// Moderators (admins)
#[utoipa::path(get, operation_id = "list_moderators", path = "/moderation/moderators", tag = "moderation", security(("bearer" = [])),
    params(CursorQuery),
    responses((status = 200, description = "OK", body = ModeratorList)))]
pub async fn moderators(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Query(q): Query<CursorQuery>,
) -> Result<Json<ModeratorList>> {
    Ok(Json(
        review::moderators(&state, &user, q.cursor).await?.into(),
    ))
}

/// Appoint a moderator (admins)
///
/// For one community, or (no community_id) for every community. 409 already_moderator.
#[utoipa::path(post, operation_id = "appoint_moderator", path = "/moderation/moderators", tag = "moderation", security(("bearer" = [])),
    request_body = ModeratorInput,
    responses((status = 201, description = "Appointed", body = ModeratorCreated)))]
pub async fn appoint(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Json(input): Json<ModeratorInput>,
) -> Result<(StatusCode, Json<ModeratorCreated>)> {
    let moderator = review::appoint(&state, &user, &input.username, input.community_id).await?;
    Ok((StatusCode::CREATED, Json(ModeratorCreated { moderator })))
}

/// End an appointment (admins)
#[utoipa::path(delete, operation_id = "remove_moderator", path = "/moderation/moderators/{id}", tag = "moderation", security(("bearer" = [])),
    params(("id" = Id, Path)),
    responses((status = 204, description = "Removed")))]
pub async fn remove_moderator(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<Id>,
) -> Result<StatusCode> {
    review::remove_moderator(&state, &user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A staff notice
///
/// What moderators did and why (to the person acted on), or that a report was handled (to its
/// reporters). 404 for anyone else.
#[utoipa::path(get, operation_id = "show_notice", path = "/notices/{id}", tag = "moderation", security(("bearer" = [])),
    params(("id" = Id, Path)),
    responses((status = 200, description = "OK", body = NoticeWrapper)))]
pub async fn notice(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<Id>,
) -> Result<Json<NoticeWrapper>> {
    Ok(Json(NoticeWrapper {
        notice: review::notice(&state, &user, id).await?,
    }))
}
