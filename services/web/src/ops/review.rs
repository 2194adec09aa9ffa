//! The moderators' side: the review queue, actions on reported content and accounts, the
//! audit log, appointing moderators, and the staff notices people read. Every action is checked
//! here for the actor's role and scope and written to the moderation log in the same
//! transaction as its suspension row and notifications.

use super::moderation::{
    REASON_MAX, Resolved, Roles, change_content, entry, invalid, resolve, roles, send_command,
};
use crate::db::moderation_log::{self, Entry};
use crate::db::reports::QueueStart;
use crate::db::suspensions::{self, SuspensionKind};
use crate::db::users::{self, User};
use crate::db::{moderators, reports, sessions};
use crate::views::UserRef;
use crate::{AppState, Error, Result};
use plaza_storage::queue;
use plaza_types::api::moderation::{
    ActionInput, LogEntry, ModeratorView, NoticeView, QueueItem, QueueQuery, QueueReport,
    QueueSort, SuspensionView,
};
use plaza_types::jobs::{Job, ModerateAuthor};
use plaza_types::moderation::{
    Action, AuthorModeration, ModerationChange, ModerationState, Target, TargetKind,
};
use plaza_types::notification::{Event, Kind};
use plaza_types::{Cursor, Id, Page, now_millis, page_limit, to_datetime};
use std::collections::HashMap;

/// Queue items per page (each carries its content, reports and the author's history).
const QUEUE_PAGE: u32 = 20;
/// The longest suspension, in hours (a year).
pub const SUSPEND_MAX_HOURS: u32 = 8760;

fn not_moderator() -> Error {
    Error::forbidden("not_moderator", "Only moderators can do that.")
}

/// Refuses with 403 `not_admin` unless `user` is an admin.
fn require_admin(user: &User) -> Result<()> {
    if user.is_admin {
        Ok(())
    } else {
        Err(Error::forbidden("not_admin", "Only admins can do that."))
    }
}

/// Refuses with 403 `not_moderator` unless `user` moderates something.
pub async fn require_moderator(state: &AppState, user: &User) -> Result<()> {
    moderator_roles(state, user).await.map(|_| ())
}

/// The roles of `user`, who must moderate something.
async fn moderator_roles(state: &AppState, user: &User) -> Result<Roles> {
    let roles = roles(state, Some(user)).await?;
    if roles.is_moderator() {
        Ok(roles)
    } else {
        Err(not_moderator())
    }
}

fn suspension_view(s: &suspensions::Suspension) -> SuspensionView {
    SuspensionView {
        until: s.until.map(to_datetime),
        reason: s.reason.clone(),
        banned: s.kind == SuspensionKind::Banned,
    }
}

/// Log entries with their people.
async fn log_views(state: &AppState, entries: Vec<Entry>) -> Result<Vec<LogEntry>> {
    let ids: Vec<Id> = entries
        .iter()
        .flat_map(|e| [e.actor_id, e.target_author_id])
        .collect();
    let people = users::by_ids(&state.db, &ids).await?;
    let person = |id: Id| {
        people
            .get(&id)
            .map_or_else(|| UserRef::deleted(id), UserRef::from)
    };
    Ok(entries
        .into_iter()
        .map(|e| LogEntry {
            id: e.id,
            actor: (e.actor_id.0 != 0).then(|| person(e.actor_id)),
            action: e.action,
            target: e.target,
            target_author: person(e.target_author_id),
            community_id: e.community_id,
            reason: e.reason,
            until: e.until.map(to_datetime),
            report_count: e.report_count,
            created_at: to_datetime(e.created_at),
        })
        .collect())
}

/// The review queue `moderator` may work on: open reports grouped by target, the most recently
/// reported or the most reported first (`query.sort`), each with the content, its reports, its author and earlier actions.
pub async fn queue(
    state: &AppState,
    moderator: &User,
    query: &QueueQuery,
) -> Result<Page<QueueItem>> {
    let roles = moderator_roles(state, moderator).await?;
    let cursor = query.cursor.as_deref();
    let start = match query.sort {
        QueueSort::Newest => QueueStart::Newest(Cursor::key_from(cursor)?),
        QueueSort::MostReported => QueueStart::MostReported(Cursor::offset_from(cursor)?),
    };
    let page = reports::queue(&state.db, roles.scope(), start, QUEUE_PAGE).await?;
    let post_ids: Vec<Id> = page
        .items
        .iter()
        .filter(|i| i.target.kind == TargetKind::Post)
        .map(|i| i.target.id)
        .collect();
    let posts = state.timeline.posts(&post_ids).await?;
    let mut posts: HashMap<Id, _> = super::join::posts(state, Some(moderator.id), posts)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let mut comments = Vec::new();
    for item in page
        .items
        .iter()
        .filter(|i| i.target.kind == TargetKind::Comment)
    {
        match state.timeline.comment(item.target.id).await {
            Ok(c) => comments.push(c),
            Err(plaza_clients::ClientError::Api { status: 404, .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let mut comments: HashMap<Id, _> = super::join::comments(state, Some(moderator.id), comments)
        .await?
        .into_iter()
        .map(|c| (c.id, c))
        .collect();
    let mut open = Vec::with_capacity(page.items.len());
    let mut people: Vec<Id> = Vec::new();
    for item in &page.items {
        let reports = reports::open_for(&state.db.pool, item.target).await?;
        let history = moderation_log::about_author(&state.db, item.target_author_id, 10).await?;
        people.push(item.target_author_id);
        people.extend(reports.iter().map(|r| r.reporter_id));
        open.push((reports, history));
    }
    let people = users::by_ids(&state.db, &people).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for (item, (reports, history)) in page.items.into_iter().zip(open) {
        let author = people.get(&item.target_author_id);
        let suspension = suspensions::current(&state.db, item.target_author_id).await?;
        items.push(QueueItem {
            target: item.target,
            open_reports: item.open_reports,
            last_reported_at: to_datetime(item.newest_report_id.millis()),
            community_id: item.community_id,
            post: posts
                .remove(&item.target.id)
                .filter(|_| item.target.kind == TargetKind::Post),
            comment: comments
                .remove(&item.target.id)
                .filter(|_| item.target.kind == TargetKind::Comment),
            author: author.map_or_else(|| UserRef::deleted(item.target_author_id), UserRef::from),
            author_since: to_datetime(author.map_or(0, |a| a.created_at)),
            author_suspension: suspension.as_ref().map(suspension_view),
            reports: reports
                .into_iter()
                .map(|r| QueueReport {
                    id: r.id,
                    reporter: (r.reporter_id.0 != 0).then(|| {
                        people
                            .get(&r.reporter_id)
                            .map_or_else(|| UserRef::deleted(r.reporter_id), UserRef::from)
                    }),
                    reason: r.reason,
                    body: r.body,
                    created_at: to_datetime(r.created_at),
                })
                .collect(),
            earlier_actions: log_views(state, history).await?,
        });
    }
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

/// Checks what `input` asks of `r` and returns its reason and, for a suspension, its end.
fn check_action(r: &Resolved, input: &ActionInput) -> Result<(String, Option<i64>)> {
    let content = matches!(r.target.kind, TargetKind::Post | TargetKind::Comment);
    let allowed = match input.action {
        Action::Dismiss | Action::Warn | Action::Suspend | Action::Ban | Action::Lift => true,
        Action::MarkSpoiler | Action::Hide | Action::Remove | Action::Restore => content,
        Action::HoldForReview
        | Action::AutoSpoiler
        | Action::AppointModerator
        | Action::RemoveModerator => false,
    };
    if !allowed {
        return Err(invalid(
            "invalid_action",
            "That action does not apply to this target.",
        ));
    }
    let reason = input.reason.trim().to_owned();
    if reason.chars().count() > REASON_MAX {
        return Err(invalid(
            "reason_too_long",
            format!("A reason can be at most {REASON_MAX} characters."),
        ));
    }
    let needs_reason = matches!(
        input.action,
        Action::Hide | Action::Remove | Action::Warn | Action::Suspend | Action::Ban
    );
    if needs_reason && reason.is_empty() {
        return Err(invalid(
            "reason_required",
            "Say why: the person it is about is shown the reason.",
        ));
    }
    let until = if input.action == Action::Suspend {
        match input.duration_hours {
            Some(h) if (1..=SUSPEND_MAX_HOURS).contains(&h) => {
                Some(now_millis() + i64::from(h) * 3_600_000)
            }
            _ => {
                return Err(invalid(
                    "invalid_duration",
                    format!("A suspension lasts 1 to {SUSPEND_MAX_HOURS} hours."),
                ));
            }
        }
    } else {
        None
    };
    Ok((reason, until))
}

/// `moderator` acts on a reported (or any) target: the action is checked against their role
/// and scope, applied, written to the log with why, resolves the target's open reports, and
/// tells the author (a staff notice) and every reporter (their report was handled).
pub async fn act(
    state: &AppState,
    moderator: &User,
    target: Target,
    input: &ActionInput,
) -> Result<LogEntry> {
    let roles = moderator_roles(state, moderator).await?;
    let r = resolve(state, target).await?;
    if !roles.can_moderate(r.community_id) {
        return Err(Error::forbidden(
            "not_moderator_here",
            "You do not moderate where this was posted.",
        ));
    }
    let (reason, until) = check_action(&r, input)?;
    let about_account = matches!(
        input.action,
        Action::Warn | Action::Suspend | Action::Ban | Action::Lift
    );
    if about_account {
        if r.author_id == moderator.id {
            return Err(Error::forbidden(
                "own_account",
                "You cannot act on your own account.",
            ));
        }
        let author = users::by_id(&state.db, r.author_id)
            .await?
            .ok_or(Error::NotFound("account"))?;
        if author.is_admin {
            return Err(Error::forbidden(
                "protected_account",
                "Admins cannot be warned, suspended or banned.",
            ));
        }
    }
    let current = suspensions::current(&state.db, r.author_id).await?;
    if input.action == Action::Lift && current.is_none() {
        return Err(Error::conflict(
            "not_suspended",
            "This account is not suspended or banned.",
        ));
    }
    // The content's own change first (its region's timeline applies it; a retry repeats it
    // harmlessly), then the log, suspension and notices in one transaction.
    let change = match input.action {
        Action::MarkSpoiler => Some(ModerationChange {
            spoiler: Some(true),
            ..ModerationChange::default()
        }),
        Action::Hide => Some(state_change(ModerationState::Hidden, &reason)),
        Action::Remove => Some(state_change(ModerationState::Removed, &reason)),
        Action::Restore => Some(state_change(ModerationState::Visible, "")),
        // Dismissed reports were unfounded: what they held for review is shown again.
        Action::Dismiss if r.state == ModerationState::PendingReview => {
            Some(state_change(ModerationState::Visible, ""))
        }
        _ => None,
    };
    let mut commands = Vec::new();
    if let Some(change) = change {
        commands.push(change_content(state, &r, &change).await?);
    }
    // A ban ends the account's sessions: a session older than a ban is refused in every region
    // (`db::sessions`); the home region, which wrote the rows, also deletes them.
    let home = if about_account {
        users::by_id(&state.db, r.author_id)
            .await?
            .map_or(state.config.region, |u| u.home_region)
    } else {
        state.config.region
    };
    if input.action == Action::Ban && home == state.config.region {
        sessions::delete_all(&state.db, r.author_id, None).await?;
    }
    // A ban may hide the account's content; lifting shows again what the ban hid with the
    // account (only that: what a moderator hid or removed on its own stays so).
    let author_change = match input.action {
        Action::Ban if input.hide_content => Some(AuthorModeration {
            author_id: r.author_id,
            state: ModerationState::HiddenWithAccount,
            reason: Some(reason.clone()),
        }),
        Action::Lift => Some(AuthorModeration {
            author_id: r.author_id,
            state: ModerationState::Visible,
            reason: None,
        }),
        _ => None,
    };
    if let Some(moderation) = author_change {
        // What this region wrote changes at once; the home region's rows through its outbox.
        state.timeline.moderate_author(&moderation).await?;
        if home != state.config.region {
            commands.push(Some(Job::ModerateAuthor(ModerateAuthor {
                region: home,
                moderation,
            })));
        }
    }
    let mut tx = state.db.begin_write().await?;
    for command in commands {
        send_command(state, &mut tx, command).await?;
    }
    let open = reports::open_for(&mut *tx, target).await?;
    let mut log = entry(state, moderator.id, input.action, &r, &reason);
    log.until = until;
    log.resolves = true;
    log.report_count = i64::try_from(open.len()).unwrap_or(i64::MAX);
    moderation_log::insert(&mut *tx, state.config.region, &log).await?;
    let kind = match input.action {
        Action::Suspend => Some(SuspensionKind::Suspended),
        Action::Ban => Some(SuspensionKind::Banned),
        Action::Lift => Some(SuspensionKind::Lifted),
        _ => None,
    };
    if let Some(kind) = kind {
        suspensions::insert(
            &mut *tx,
            state.ids.next_id(),
            state.config.region,
            r.author_id,
            kind,
            &reason,
            until,
            log.id,
            moderator.id,
        )
        .await?;
    }
    let mut recipients: Vec<(Id, Kind)> = Vec::new();
    if !matches!(input.action, Action::Dismiss | Action::Restore) {
        recipients.push((r.author_id, Kind::StaffNotice));
    }
    let mut reporters: Vec<Id> = open
        .iter()
        .map(|o| o.reporter_id)
        .filter(|id| id.0 != 0 && *id != r.author_id)
        .collect();
    reporters.sort_unstable();
    reporters.dedup();
    recipients.extend(reporters.into_iter().map(|id| (id, Kind::ReportHandled)));
    for (recipient, kind) in recipients {
        let event = Event {
            recipient_id: recipient,
            kind,
            target_id: log.id,
            // Kept for the record; the notice names no person (see `views::notification_view`).
            actor_id: moderator.id,
            dedupe_key: format!("staff:{}:{recipient}", log.id),
            at: log.created_at,
        };
        queue::enqueue(
            &mut tx,
            state.ids.next_id(),
            state.config.region,
            &Job::Notify(event),
        )
        .await?;
    }
    // Suspensions and appointments are what a session lookup reads beside the account.
    sessions::commit(tx).await?;
    tracing::info!(
        log_id = %log.id,
        moderator = %moderator.id,
        action = log.action.name(),
        target = %target.id,
        "moderation action"
    );
    Ok(log_views(state, vec![log]).await?.remove(0))
}

fn state_change(state: ModerationState, reason: &str) -> ModerationChange {
    ModerationChange {
        state: Some(state),
        reason: (!reason.is_empty()).then(|| reason.to_owned()),
        spoiler: None,
        only_if_visible: false,
    }
}

/// The moderation log, newest first: admins only.
pub async fn log(state: &AppState, admin: &User, cursor: Option<String>) -> Result<Page<LogEntry>> {
    require_admin(admin)?;
    let before = Cursor::key_from(cursor.as_deref())?;
    let page = moderation_log::list(&state.db, before, page_limit(Some(50))).await?;
    Ok(Page {
        items: log_views(state, page.items).await?,
        next_cursor: page.next_cursor,
    })
}

async fn moderator_views(
    state: &AppState,
    list: Vec<moderators::Moderator>,
) -> Result<Vec<ModeratorView>> {
    let ids: Vec<Id> = list.iter().map(|m| m.user_id).collect();
    let people = users::by_ids(&state.db, &ids).await?;
    Ok(list
        .into_iter()
        .map(|m| ModeratorView {
            id: m.id,
            user: people
                .get(&m.user_id)
                .map_or_else(|| UserRef::deleted(m.user_id), UserRef::from),
            community_id: m.community_id,
            created_at: to_datetime(m.created_at),
        })
        .collect())
}

/// Every moderator, the latest appointed first: admins only.
pub async fn moderators(
    state: &AppState,
    admin: &User,
    cursor: Option<String>,
) -> Result<Page<ModeratorView>> {
    require_admin(admin)?;
    let before = Cursor::key_from(cursor.as_deref())?;
    let page = moderators::list(&state.db, before, page_limit(Some(50))).await?;
    Ok(Page {
        items: moderator_views(state, page.items).await?,
        next_cursor: page.next_cursor,
    })
}

/// An admin appoints `username` a moderator of `community` (or of every community).
pub async fn appoint(
    state: &AppState,
    admin: &User,
    username: &str,
    community: Option<Id>,
) -> Result<ModeratorView> {
    require_admin(admin)?;
    let user = users::by_username(&state.db, username.trim())
        .await?
        .ok_or(Error::NotFound("user"))?;
    if let Some(c) = community {
        crate::cache::community(state, c)
            .await?
            .ok_or(Error::NotFound("community"))?;
    }
    let mut tx = state.db.begin_write().await?;
    if !moderators::insert(
        &mut *tx, &state.db, &state.ids, user.id, community, admin.id,
    )
    .await?
    {
        return Err(Error::conflict(
            "already_moderator",
            "That person already moderates there.",
        ));
    }
    let r = Resolved {
        target: Target {
            kind: TargetKind::Account,
            id: user.id,
        },
        author_id: user.id,
        community_id: community,
        state: ModerationState::Visible,
        spoiler: false,
        region: 0,
    };
    let log = entry(state, admin.id, Action::AppointModerator, &r, "");
    moderation_log::insert(&mut *tx, state.config.region, &log).await?;
    // Suspensions and appointments are what a session lookup reads beside the account.
    sessions::commit(tx).await?;
    let found = moderators::find(&state.db, user.id, community)
        .await?
        .ok_or(Error::NotFound("moderator"))?;
    Ok(moderator_views(state, vec![found]).await?.remove(0))
}

/// An admin ends an appointment (only the region that made it may delete its row).
pub async fn remove_moderator(state: &AppState, admin: &User, id: Id) -> Result<()> {
    require_admin(admin)?;
    let found = moderators::list_one(&state.db, id)
        .await?
        .ok_or(Error::NotFound("moderator"))?;
    if found.region != state.config.region {
        return Err(Error::conflict(
            "other_region",
            "That appointment was made in another region, which must end it.",
        ));
    }
    let r = Resolved {
        target: Target {
            kind: TargetKind::Account,
            id: found.user_id,
        },
        author_id: found.user_id,
        community_id: found.community_id,
        state: ModerationState::Visible,
        spoiler: false,
        region: 0,
    };
    let mut tx = state.db.begin_write().await?;
    moderators::delete(&mut *tx, id).await?;
    let log = entry(state, admin.id, Action::RemoveModerator, &r, "");
    moderation_log::insert(&mut *tx, state.config.region, &log).await?;
    // Suspensions and appointments are what a session lookup reads beside the account.
    sessions::commit(tx).await?;
    Ok(())
}

/// A staff notice as `viewer` may see it: the person acted on sees what and why, a reporter of
/// the target sees that it was handled, moderators of the place see it all; anyone else 404.
pub async fn notice(state: &AppState, viewer: &User, id: Id) -> Result<NoticeView> {
    let e = moderation_log::get(&state.db, id)
        .await?
        .ok_or(Error::NotFound("notice"))?;
    let about_me = e.target_author_id == viewer.id;
    let viewer_roles = roles(state, Some(viewer)).await?;
    let moderator = viewer_roles.can_moderate(e.community_id);
    let reporter = !about_me && reports::exists(&state.db, viewer.id, e.target).await?;
    if !(about_me || moderator || reporter) {
        return Err(Error::NotFound("notice"));
    }
    let target_gone = match resolve(state, e.target).await {
        Ok(r) => !super::moderation::may_see(
            r.state,
            r.author_id,
            r.community_id,
            Some(viewer),
            &viewer_roles,
        ),
        Err(Error::NotFound(_)) => true,
        Err(Error::Service(plaza_clients::ClientError::Api { status: 404, .. })) => true,
        Err(other) => return Err(other),
    };
    Ok(NoticeView {
        id: e.id,
        action: e.action,
        target: e.target,
        reason: (about_me || moderator).then_some(e.reason),
        until: e.until.map(to_datetime),
        about_me,
        target_gone,
        created_at: to_datetime(e.created_at),
    })
}
