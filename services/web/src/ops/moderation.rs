//! Moderation that every write path and other pieces call: who moderates what ([`roles`]),
//! whether an account may write ([`is_suspended`], [`check_can_write`]), reports and their
//! thresholds ([`report`]), and holding content for review ([`hold_for_review`], which the word
//! filters call too). The review queue and moderators' actions are in [`super::review`].

use crate::db::moderation_log::{self, Entry};
use crate::db::moderators;
use crate::db::reports::{self, NewReport};
use crate::db::suspensions::{self, Suspension};
use crate::db::users::{self, User};
use crate::limits::Action as Limit;
use crate::{AppState, Error, Result};
use plaza_storage::queue;
use plaza_types::jobs::{Job, ModerateContent};
use plaza_types::moderation::{
    Action, ModerationChange, ModerationState, ReportReason, Target, TargetKind,
};
use plaza_types::{Id, now_millis};

/// The longest reason or report text, in characters.
pub const REASON_MAX: usize = 500;

/// What one account may moderate.
#[derive(Debug, Clone, Default)]
pub struct Roles {
    pub admin: bool,
    /// A moderator of every community.
    pub global: bool,
    /// The communities it moderates.
    pub communities: Vec<Id>,
}

impl Roles {
    /// Whether it may act on something in `community` (`None`: an account, which only admins
    /// and global moderators act on).
    pub fn can_moderate(&self, community: Option<Id>) -> bool {
        self.admin || self.global || community.is_some_and(|c| self.communities.contains(&c))
    }

    /// Whether it moderates anything at all (sees the review queue).
    pub fn is_moderator(&self) -> bool {
        self.admin || self.global || !self.communities.is_empty()
    }

    /// The communities its queue is limited to; `None` for all of them.
    pub fn scope(&self) -> Option<&[Id]> {
        if self.admin || self.global {
            None
        } else {
            Some(&self.communities)
        }
    }
}

/// The roles of `user` (nothing for a visitor).
pub async fn roles(state: &AppState, user: Option<&User>) -> Result<Roles> {
    let Some(user) = user else {
        return Ok(Roles::default());
    };
    let mut roles = Roles {
        admin: user.is_admin,
        ..Roles::default()
    };
    if user.standing.is_some_and(|s| !s.moderates) {
        return Ok(roles);
    }
    for m in moderators::of_user(&state.db, user.id).await? {
        match m.community_id {
            None => roles.global = true,
            Some(c) => roles.communities.push(c),
        }
    }
    Ok(roles)
}

/// The suspension or ban `account` is under now, if any.
pub async fn is_suspended(state: &AppState, account: Id) -> Result<Option<Suspension>> {
    Ok(suspensions::current(&state.db, account).await?)
}

/// The `account_suspended` refusal for `s`: until when, and why.
pub fn suspended_error(s: &Suspension) -> Error {
    Error::Suspended {
        until: s.until,
        reason: s.reason.clone(),
    }
}

/// Refuses with `account_suspended` when `user` is suspended or banned. Every write path calls
/// this: the session middleware does for all pages and the JSON API; other entry points (the
/// game APIs) call it themselves.
pub async fn check_can_write(state: &AppState, user: &User) -> Result<()> {
    if user.standing.is_some_and(|s| !s.ever_suspended) {
        return Ok(());
    }
    match is_suspended(state, user.id).await? {
        Some(s) => Err(suspended_error(&s)),
        None => Ok(()),
    }
}

/// What moderation needs to know about a target: who wrote it, where, whether it is shown.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub target: Target,
    pub author_id: Id,
    pub community_id: Option<Id>,
    pub state: ModerationState,
    pub spoiler: bool,
    /// The region that wrote the post or comment, the only one that changes it (0 for an
    /// account).
    pub region: u8,
}

/// Finds a target (404 `not_found` when it does not exist or was deleted).
pub async fn resolve(state: &AppState, target: Target) -> Result<Resolved> {
    Ok(match target.kind {
        TargetKind::Post => {
            let p = state.timeline.post(target.id).await?;
            if p.deleted {
                return Err(Error::NotFound("post"));
            }
            Resolved {
                target,
                author_id: p.author_id,
                community_id: Some(p.community_id),
                state: p.moderation,
                spoiler: p.spoiler,
                region: p.region,
            }
        }
        TargetKind::Comment => {
            let c = state.timeline.comment(target.id).await?;
            if c.deleted {
                return Err(Error::NotFound("comment"));
            }
            let p = state.timeline.post(c.post_id).await?;
            Resolved {
                target,
                author_id: c.author_id,
                community_id: Some(p.community_id),
                state: c.moderation,
                spoiler: c.spoiler,
                region: c.region,
            }
        }
        TargetKind::Account => {
            users::by_id(&state.db, target.id)
                .await?
                .ok_or(Error::NotFound("account"))?;
            Resolved {
                target,
                author_id: target.id,
                community_id: None,
                state: ModerationState::Visible,
                spoiler: false,
                region: 0,
            }
        }
    })
}

/// Applies a change to a post or comment. Content this region wrote changes at once through
/// the timeline service, and `None` comes back. Content another region wrote is that region's
/// to change (ARCHITECTURE §3): the command to send it comes back, for the caller to queue in
/// the transaction that records the decision ([`plaza_storage::queue::enqueue`] addresses it
/// to that region's outbox), and that region's worker applies it once.
pub(crate) async fn change_content(
    state: &AppState,
    r: &Resolved,
    change: &ModerationChange,
) -> Result<Option<Job>> {
    if r.target.kind == TargetKind::Account {
        return Ok(None);
    }
    if r.region != 0 && r.region != state.config.region {
        return Ok(Some(Job::ModerateContent(ModerateContent {
            region: r.region,
            target: r.target,
            change: change.clone(),
        })));
    }
    match r.target.kind {
        TargetKind::Post => {
            state.timeline.moderate_post(r.target.id, change).await?;
        }
        TargetKind::Comment => {
            state.timeline.moderate_comment(r.target.id, change).await?;
        }
        TargetKind::Account => {}
    }
    Ok(None)
}

/// Queues `command` (from [`change_content`]) in `tx`, if there is one.
pub(crate) async fn send_command(
    state: &AppState,
    tx: &mut plaza_storage::Tx,
    command: Option<Job>,
) -> Result<()> {
    if let Some(job) = command {
        queue::enqueue(tx, state.ids.next_id(), state.config.region, &job).await?;
    }
    Ok(())
}

/// A new log entry by `actor` (Id(0): the system) about `r`.
pub(crate) fn entry(
    state: &AppState,
    actor: Id,
    action: Action,
    r: &Resolved,
    reason: &str,
) -> Entry {
    Entry {
        id: state.ids.next_id(),
        actor_id: actor,
        action,
        target: r.target,
        target_author_id: r.author_id,
        community_id: r.community_id,
        reason: reason.to_owned(),
        until: None,
        resolves: false,
        report_count: 0,
        created_at: now_millis(),
    }
}

/// Hides a post or comment until a moderator reviews it and puts it in the review queue as a
/// report by the system, with `reason` (the word filters' "hold for review", and the report
/// threshold). For an account, only the report is made (its profile is reviewed as is).
/// Content already hidden or removed keeps the moderator's decision; the report still queues.
pub async fn hold_for_review(state: &AppState, target: Target, reason: &str) -> Result<()> {
    let r = resolve(state, target).await?;
    let reason: String = reason.chars().take(REASON_MAX).collect();
    hold(state, &r, &reason, true).await
}

/// [`hold_for_review`] on a resolved target; `report` adds the system's report (the threshold
/// does not: its reports are the people's).
async fn hold(state: &AppState, r: &Resolved, reason: &str, report: bool) -> Result<()> {
    let command = change_content(
        state,
        r,
        &ModerationChange {
            state: Some(ModerationState::PendingReview),
            reason: Some(reason.to_owned()),
            spoiler: None,
            only_if_visible: true,
        },
    )
    .await?;
    let mut tx = state.db.begin_write().await?;
    send_command(state, &mut tx, command).await?;
    if report {
        let new = NewReport {
            id: state.ids.next_id(),
            region: state.config.region,
            reporter_id: Id(0),
            target: r.target,
            target_author_id: r.author_id,
            community_id: r.community_id,
            reason: ReportReason::Other,
            body: reason,
        };
        reports::insert(&mut *tx, &new).await?;
    }
    let log = entry(state, Id(0), Action::HoldForReview, r, reason);
    moderation_log::insert(&mut *tx, state.config.region, &log).await?;
    tx.commit().await?;
    Ok(())
}

/// What a report did.
#[derive(Debug, Clone)]
pub struct Reported {
    pub report_id: Id,
    /// The reports passed the spoiler threshold: the content is now marked a spoiler.
    pub marked_spoiler: bool,
    /// The reports passed the hiding threshold: the content is hidden pending review.
    pub hidden: bool,
}

/// `reporter` reports a post, comment or account, once per target. A reason `other` needs a
/// text. Enough distinct people's spoiler reports mark it a spoiler; enough reports of any
/// reason hide it until a moderator reviews it (`config.moderation`).
pub async fn report(
    state: &AppState,
    reporter: &User,
    target: Target,
    reason: ReportReason,
    body: &str,
) -> Result<Reported> {
    let body = body.trim();
    if body.chars().count() > REASON_MAX {
        return Err(invalid(
            "report_too_long",
            format!("A report's text can be at most {REASON_MAX} characters."),
        ));
    }
    if reason == ReportReason::Other && body.is_empty() {
        return Err(invalid(
            "report_reason_required",
            "Say what is wrong when the reason is \"other\".",
        ));
    }
    if reason == ReportReason::Spoiler && target.kind == TargetKind::Account {
        return Err(invalid(
            "invalid_report_reason",
            "An account cannot be reported as a spoiler.",
        ));
    }
    super::limit(state, Limit::Comment, &[&format!("report:{}", reporter.id)]).await?;
    let r = resolve(state, target).await?;
    if r.author_id == reporter.id {
        return Err(Error::forbidden(
            "cannot_report_own",
            "You cannot report your own posts, comments or account.",
        ));
    }
    if reports::exists(&state.db, reporter.id, target).await? {
        return Err(already_reported());
    }
    if !r.state.is_visible()
        && !roles(state, Some(reporter))
            .await?
            .can_moderate(r.community_id)
    {
        return Err(Error::NotFound(target.kind.name()));
    }
    let new = NewReport {
        id: state.ids.next_id(),
        region: state.config.region,
        reporter_id: reporter.id,
        target,
        target_author_id: r.author_id,
        community_id: r.community_id,
        reason,
        body,
    };
    // The unique key decides between two reports sent at once.
    if !reports::insert(state.db.writer(), &new).await? {
        return Err(already_reported());
    }
    let mut outcome = Reported {
        report_id: new.id,
        marked_spoiler: false,
        hidden: false,
    };
    if target.kind == TargetKind::Account {
        return Ok(outcome);
    }
    let open = reports::open_for(&state.db.pool, target).await?;
    let people = |only_spoiler: bool| {
        let mut ids: Vec<Id> = open
            .iter()
            .filter(|o| {
                o.reporter_id.0 != 0 && (!only_spoiler || o.reason == ReportReason::Spoiler)
            })
            .map(|o| o.reporter_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.len()
    };
    let limits = state.config.moderation;
    if !r.spoiler && people(true) >= limits.spoiler_reports as usize {
        let command = change_content(
            state,
            &r,
            &ModerationChange {
                spoiler: Some(true),
                ..ModerationChange::default()
            },
        )
        .await?;
        let log = entry(state, Id(0), Action::AutoSpoiler, &r, "spoiler reports");
        let mut tx = state.db.begin_write().await?;
        send_command(state, &mut tx, command).await?;
        moderation_log::insert(&mut *tx, state.config.region, &log).await?;
        tx.commit().await?;
        outcome.marked_spoiler = true;
    }
    if r.state.is_visible() && people(false) >= limits.hide_reports as usize {
        hold(state, &r, "reports", false).await?;
        outcome.hidden = true;
    }
    Ok(outcome)
}

/// The one place that answers whether `viewer` may see `state`-moderated content by `author`
/// in `community`: everyone sees visible content; the author and moderators of the community
/// see the rest (the author with the reason).
pub fn may_see(
    state: ModerationState,
    author: Id,
    community: Option<Id>,
    viewer: Option<&User>,
    roles: &Roles,
) -> bool {
    state.is_visible() || viewer.is_some_and(|v| v.id == author) || roles.can_moderate(community)
}

fn already_reported() -> Error {
    Error::conflict("already_reported", "You have already reported this.")
}

/// A 422 with a stable code.
pub(crate) fn invalid(code: &'static str, message: impl Into<String>) -> Error {
    Error::Invalid(plaza_types::validate::Invalid {
        code,
        message: message.into(),
    })
}
