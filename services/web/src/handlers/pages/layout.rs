//! The frame every page shares (title, the signed-in person, CSRF token, unread count) and the
//! language it is written in, with the lookups templates translate and format with.

use super::FEELINGS;
use super::cards::PostHtml;
use crate::AppState;
use crate::auth::Viewer;
use crate::holes::{Hole, OrHole};
use crate::i18n::{Lang, Locale};
use crate::ops::feeds;

/// The signed-in person as the header shows them.
#[derive(Debug, Clone)]
pub struct LayoutUser {
    pub username: String,
    pub display_name: String,
    pub is_admin: bool,
    /// Whether they moderate anything (the header links the review queue).
    pub is_moderator: bool,
}

/// What every page's frame needs, including the language it is written in: templates
/// translate with `layout.t("key")` and format with `layout.number(n)`, `layout.ago(at)`.
#[derive(Debug, Clone)]
pub struct Layout {
    pub title: String,
    pub user: Option<LayoutUser>,
    pub csrf: String,
    pub unread: i64,
    /// This page's path and query, for forms that come back here.
    pub path: String,
    pub locale: Locale,
    /// Whether the page may miss the viewer's latest change (another region's write not yet
    /// replicated here in time, see `crate::causal`).
    pub stale: bool,
    /// Whether this frame renders a post for every reader alike ([`super::cards`]): what is
    /// each reader's own (CSRF token, path, form keys, "ago") is left as a hole.
    holes: bool,
}

/// The header's unread count (0 for nobody signed in). A nicety: when the notification service
/// is down the page still renders, with no count.
async fn unread_count(state: &AppState, viewer: &Viewer) -> i64 {
    match &viewer.user {
        Some(user) => feeds::unread_count(state, user).await.unwrap_or(0),
        None => 0,
    }
}

impl Layout {
    /// The frame for `viewer` on the page at `path`, with the unread count the header shows
    /// (fetched only here: requests that redirect never ask for it).
    pub async fn new(
        state: &AppState,
        viewer: &Viewer,
        title: impl Into<String>,
        path: impl Into<String>,
    ) -> Self {
        // A nicety like the unread count: without the roles the page renders without the link.
        let is_moderator = match &viewer.user {
            Some(_) => crate::ops::moderation::roles(state, viewer.user.as_ref())
                .await
                .is_ok_and(|r| r.is_moderator()),
            None => false,
        };
        Layout {
            title: title.into(),
            user: viewer.user.as_ref().map(|u| LayoutUser {
                username: u.username.clone(),
                display_name: u.shown_name().to_owned(),
                is_admin: u.is_admin,
                is_moderator,
            }),
            csrf: viewer.csrf.clone(),
            unread: unread_count(state, viewer).await,
            path: path.into(),
            locale: viewer.locale.clone(),
            stale: viewer.stale,
            holes: false,
        }
    }

    /// A fresh key for one write form's hidden `idempotency_key` field (each call makes a new
    /// one): sending the form again answers as the first time (see [`crate::idempotency`]).
    pub fn form_key(&self) -> String {
        if self.holes {
            return Hole::FormKey.mark().to_owned();
        }
        plaza_http::context::new_request_id()
    }

    /// This frame with each reader's own parts left as holes, to render a post's card once for
    /// every reader who sees it alike ([`super::cards`]).
    pub(super) fn with_holes(&self) -> Layout {
        Layout {
            csrf: Hole::Csrf.mark().to_owned(),
            path: Hole::Path.mark().to_owned(),
            holes: true,
            ..self.clone()
        }
    }

    /// `post` as a list shows it: its card, rendered once for every reader who sees it alike
    /// and filled in with this reader's own parts ([`super::cards`]).
    pub fn post<'a>(&'a self, post: &'a crate::views::PostView) -> PostHtml<'a> {
        PostHtml { layout: self, post }
    }

    /// The frame with the title under `title_key` in the viewer's language.
    pub async fn titled(
        state: &AppState,
        viewer: &Viewer,
        title_key: &str,
        path: impl Into<String>,
    ) -> Self {
        Layout::new(state, viewer, viewer.locale.t(title_key), path).await
    }

    /// The frame of an error page: nobody signed in, no forms, in `locale`'s language.
    pub fn bare(title: String, locale: Locale) -> Self {
        Layout {
            title,
            user: None,
            csrf: String::new(),
            unread: 0,
            path: "/".into(),
            locale,
            stale: false,
            holes: false,
        }
    }

    /// Whether the signed-in person is an admin (who may delete any post or comment).
    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.is_admin)
    }

    /// The words for a moderation state ("hidden pending review", …).
    pub fn moderation(&self, state: &plaza_types::moderation::ModerationState) -> &str {
        use plaza_types::moderation::ModerationState as S;
        self.t(match state {
            S::Visible => "moderation.state.visible",
            S::PendingReview => "moderation.state.pending_review",
            S::Hidden => "moderation.state.hidden",
            S::Removed => "moderation.state.removed",
            S::HiddenWithAccount => "moderation.state.hidden_with_account",
        })
    }

    /// The words for a report reason.
    pub fn reason(&self, reason: &plaza_types::moderation::ReportReason) -> String {
        self.locale
            .t(&format!("moderation.reason.{}", reason.name()))
            .to_owned()
    }

    /// The words for a moderation action.
    pub fn action(&self, action: &plaza_types::moderation::Action) -> String {
        self.locale
            .t(&format!("moderation.action.{}", action.name()))
            .to_owned()
    }

    /// The page's language code, for `<html lang>`.
    pub fn lang(&self) -> &'static str {
        self.locale.lang().code()
    }

    /// The languages to choose from: (code, the language's own name).
    pub fn languages(&self) -> Vec<(&'static str, &'static str)> {
        Lang::ALL
            .iter()
            .map(|l| (l.code(), l.native_name()))
            .collect()
    }

    /// See [`Locale::t`].
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.locale.t(key)
    }

    /// See [`Locale::tn`] (templates pass their arguments by reference).
    pub fn tn<'a>(&'a self, key: &'a str, n: &i64) -> crate::i18n::format::Counted<'a> {
        self.locale.counted(key, *n)
    }

    /// See [`Locale::tv`].
    pub fn tv<'a>(
        &'a self,
        key: &'a str,
        name: &'a str,
        value: &'a str,
    ) -> crate::i18n::text::Filled<'a> {
        self.locale.filled(key, name, value)
    }

    /// See [`Locale::before`].
    pub fn before<'a>(&'a self, key: &'a str) -> &'a str {
        self.locale.before(key)
    }

    /// See [`Locale::after`].
    pub fn after<'a>(&'a self, key: &'a str) -> &'a str {
        self.locale.after(key)
    }

    /// See [`Locale::number`].
    pub fn number(&self, n: &i64) -> crate::i18n::format::Grouped<'_> {
        self.locale.grouped(*n)
    }

    /// See [`Locale::ago`].
    pub fn ago(&self, at: &chrono::DateTime<chrono::Utc>) -> OrHole<crate::i18n::format::Ago<'_>> {
        if self.holes {
            return OrHole::Hole(Hole::Ago);
        }
        OrHole::Value(self.locale.ago_text(at))
    }

    /// `at` as RFC 3339, for a `<time>`'s `datetime`.
    pub fn iso(&self, at: &chrono::DateTime<chrono::Utc>) -> crate::i18n::format::Iso {
        crate::i18n::format::Iso(*at)
    }

    /// `at` as `2026-11-22 12:34 UTC`.
    pub fn stamp(&self, at: &chrono::DateTime<chrono::Utc>) -> crate::i18n::format::Stamp {
        crate::i18n::format::Stamp(*at)
    }

    /// See [`Locale::feeling`].
    pub fn feeling<'a>(&'a self, name: &'a str) -> &'a str {
        self.locale.feeling(name)
    }

    /// The feeling a face is drawn for: one of the six names ("normal" for anything else).
    pub fn face_of(&self, name: &str) -> &'static str {
        FEELINGS
            .iter()
            .find(|f| **f == name)
            .copied()
            .unwrap_or("normal")
    }

    /// See [`Locale::yeah`].
    pub fn yeah(&self, feeling: &str) -> &str {
        self.locale.yeah(feeling)
    }

    /// The "open in game" link of a game's post (see docs/GAMES.md): the game registers the
    /// `plaza-game` scheme and reads the title, the post and its app_data (base64url) from it.
    pub fn game_link(
        &self,
        game: &plaza_types::game::GameFields,
        post: &plaza_types::Id,
    ) -> String {
        use base64::Engine;
        let data = game
            .app_data
            .as_deref()
            .map(|d| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(d))
            .unwrap_or_default();
        format!(
            "plaza-game://{}/posts/{post}?app_data={data}",
            game.title_id
        )
    }

    /// A grouped notification's sentence in the page's language.
    pub fn notification(&self, n: &crate::views::NotificationView) -> String {
        let names: Vec<&str> = n.actors.iter().map(|a| a.display_name.as_str()).collect();
        crate::views::notification_sentence(&self.locale, n.kind, &names, n.actor_count)
    }
}
