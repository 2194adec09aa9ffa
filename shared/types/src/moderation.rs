//! Moderation's shared vocabulary: what a post or comment's moderation state is, why people
//! report, what moderators do, and what the web service asks the timeline service to change.

use crate::Id;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Whether a post or comment is shown. Anything but `Visible` is left out of every listing and
/// API answer, except for moderators and (with its reason) the author.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ModerationState {
    #[default]
    Visible,
    /// Hidden until a moderator reviews it (reports reached the threshold, or a word filter held it).
    PendingReview,
    /// Hidden by a moderator, with a reason its author sees.
    Hidden,
    /// Removed by a moderator, with a reason its author sees.
    Removed,
    /// Hidden with its author's account (a ban that hid everything they wrote); lifting the ban
    /// shows it again, unlike content a moderator hid on its own.
    HiddenWithAccount,
}

impl ModerationState {
    /// The number stored in the `moderation` column.
    pub fn code(self) -> i64 {
        match self {
            ModerationState::Visible => 0,
            ModerationState::PendingReview => 1,
            ModerationState::Hidden => 2,
            ModerationState::Removed => 3,
            ModerationState::HiddenWithAccount => 4,
        }
    }

    /// The state stored as `code` (an unknown number hides, the safe side).
    pub fn from_code(code: i64) -> Self {
        match code {
            0 => ModerationState::Visible,
            1 => ModerationState::PendingReview,
            3 => ModerationState::Removed,
            4 => ModerationState::HiddenWithAccount,
            _ => ModerationState::Hidden,
        }
    }

    /// Whether everyone may see it.
    pub fn is_visible(self) -> bool {
        self == ModerationState::Visible
    }
}

/// What a report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    Post,
    Comment,
    Account,
}

impl TargetKind {
    /// The number stored in `target_kind` columns.
    pub fn code(self) -> i64 {
        match self {
            TargetKind::Post => 1,
            TargetKind::Comment => 2,
            TargetKind::Account => 3,
        }
    }

    /// The kind stored as `code`.
    pub fn from_code(code: i64) -> Option<Self> {
        Some(match code {
            1 => TargetKind::Post,
            2 => TargetKind::Comment,
            3 => TargetKind::Account,
            _ => return None,
        })
    }

    /// The name used in URLs and forms (`post`, `comment`, `account`).
    pub fn name(self) -> &'static str {
        match self {
            TargetKind::Post => "post",
            TargetKind::Comment => "comment",
            TargetKind::Account => "account",
        }
    }

    /// The kind named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "post" => TargetKind::Post,
            "comment" => TargetKind::Comment,
            "account" => TargetKind::Account,
            _ => return None,
        })
    }
}

/// Something moderation is about: a post, a comment or an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub struct Target {
    pub kind: TargetKind,
    pub id: Id,
}

/// Why someone reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportReason {
    Spoiler,
    Harassment,
    Spam,
    InappropriateDrawing,
    PersonalInformation,
    Other,
}

impl ReportReason {
    /// Every reason, in the order forms list them.
    pub const ALL: [ReportReason; 6] = [
        ReportReason::Spoiler,
        ReportReason::Harassment,
        ReportReason::Spam,
        ReportReason::InappropriateDrawing,
        ReportReason::PersonalInformation,
        ReportReason::Other,
    ];

    /// The number stored in the `reason` column.
    pub fn code(self) -> i64 {
        match self {
            ReportReason::Spoiler => 1,
            ReportReason::Harassment => 2,
            ReportReason::Spam => 3,
            ReportReason::InappropriateDrawing => 4,
            ReportReason::PersonalInformation => 5,
            ReportReason::Other => 6,
        }
    }

    /// The reason stored as `code` (unknown numbers read as `Other`).
    pub fn from_code(code: i64) -> Self {
        Self::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .unwrap_or(ReportReason::Other)
    }

    /// The snake_case name (forms, translations).
    pub fn name(self) -> &'static str {
        match self {
            ReportReason::Spoiler => "spoiler",
            ReportReason::Harassment => "harassment",
            ReportReason::Spam => "spam",
            ReportReason::InappropriateDrawing => "inappropriate_drawing",
            ReportReason::PersonalInformation => "personal_information",
            ReportReason::Other => "other",
        }
    }

    /// The reason named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// What a moderator (or the system, or an admin) did; each is one audit log entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The reports were unfounded; nothing changes.
    Dismiss,
    /// The post or comment is marked a spoiler.
    MarkSpoiler,
    /// Hidden, with a reason its author sees.
    Hide,
    /// Removed, with a reason its author sees.
    Remove,
    /// The author is warned.
    Warn,
    /// The author cannot write until a time.
    Suspend,
    /// The author cannot write or sign in; their sessions end.
    Ban,
    /// A suspension or ban ends early.
    Lift,
    /// The system hid content pending review (report threshold or word filter).
    HoldForReview,
    /// Spoiler reports reached the threshold and the system marked the content a spoiler.
    AutoSpoiler,
    /// An admin appointed a moderator.
    AppointModerator,
    /// An admin removed a moderator.
    RemoveModerator,
    /// A moderator made held content visible again (restore).
    Restore,
}

impl Action {
    const ALL: [Action; 13] = [
        Action::Dismiss,
        Action::MarkSpoiler,
        Action::Hide,
        Action::Remove,
        Action::Warn,
        Action::Suspend,
        Action::Ban,
        Action::Lift,
        Action::HoldForReview,
        Action::AutoSpoiler,
        Action::AppointModerator,
        Action::RemoveModerator,
        Action::Restore,
    ];

    /// The number stored in the `action` column.
    pub fn code(self) -> i64 {
        match self {
            Action::Dismiss => 1,
            Action::MarkSpoiler => 2,
            Action::Hide => 3,
            Action::Remove => 4,
            Action::Warn => 5,
            Action::Suspend => 6,
            Action::Ban => 7,
            Action::Lift => 8,
            Action::HoldForReview => 9,
            Action::AutoSpoiler => 10,
            Action::AppointModerator => 11,
            Action::RemoveModerator => 12,
            Action::Restore => 13,
        }
    }

    /// The action stored as `code`.
    pub fn from_code(code: i64) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    /// The snake_case name (forms, translations).
    pub fn name(self) -> &'static str {
        match self {
            Action::Dismiss => "dismiss",
            Action::MarkSpoiler => "mark_spoiler",
            Action::Hide => "hide",
            Action::Remove => "remove",
            Action::Warn => "warn",
            Action::Suspend => "suspend",
            Action::Ban => "ban",
            Action::Lift => "lift",
            Action::HoldForReview => "hold_for_review",
            Action::AutoSpoiler => "auto_spoiler",
            Action::AppointModerator => "appoint_moderator",
            Action::RemoveModerator => "remove_moderator",
            Action::Restore => "restore",
        }
    }

    /// The action named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// What the web service asks the timeline service to change on one post or comment (only the
/// fields given change). The timeline applies it to rows of its own region only.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ModerationChange {
    #[serde(default)]
    pub state: Option<ModerationState>,
    /// The reason the author sees (with `state`).
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub spoiler: Option<bool>,
    /// Only change the state of a row that is visible: the threshold and the word filters hide
    /// what is shown and never undo a moderator's decision.
    #[serde(default)]
    pub only_if_visible: bool,
}

/// Hides (or shows again) every post and comment of an author written in this region (a ban
/// that hides the account's public content, or lifting it). Hiding marks only visible rows
/// [`ModerationState::HiddenWithAccount`]; showing again changes only those, so what a moderator
/// hid or removed on its own stays so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuthorModeration {
    pub author_id: Id,
    pub state: ModerationState,
    #[serde(default)]
    pub reason: Option<String>,
}

/// How many rows a moderation change touched.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ModerationChanged {
    pub changed: u64,
}
