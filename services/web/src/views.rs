//! What the API and the pages show: posts, comments, users, communities, sessions and
//! notifications, built from the data `ops` fetched and joined (see [`crate::ops::join`]).
//! Presentation only: nothing here reads a database or calls a service.

use crate::db::communities::Community;
use crate::db::sessions::Session;
use crate::db::users::User;
use crate::i18n::{Locale, fill};
use chrono::{DateTime, Utc};
use plaza_types::empathy::Summary;
use plaza_types::notification::{Group, Kind};
use plaza_types::timeline::{Comment, Post};
use plaza_types::validate::FEELINGS;
use plaza_types::{Id, to_datetime};
use serde::Serialize;
use std::collections::HashMap;

/// A person as shown beside what they wrote.
#[derive(Debug, Clone, Serialize)]
pub struct UserRef {
    pub id: Id,
    pub username: String,
    pub display_name: String,
}

impl UserRef {
    fn of(user: Option<&User>, id: Id) -> Self {
        match user {
            Some(u) => UserRef::from(u),
            None => UserRef {
                id,
                username: String::new(),
                display_name: "(deleted account)".into(),
            },
        }
    }
}

impl From<&User> for UserRef {
    fn from(u: &User) -> Self {
        UserRef {
            id: u.id,
            username: u.username.clone(),
            display_name: u.shown_name().to_owned(),
        }
    }
}

/// An account's public profile.
#[derive(Debug, Clone, Serialize)]
pub struct UserView {
    pub id: Id,
    pub username: String,
    pub display_name: String,
    pub bio: String,
    pub is_admin: bool,
    pub home_region: u8,
    pub created_at: DateTime<Utc>,
}

impl From<&User> for UserView {
    fn from(u: &User) -> Self {
        UserView {
            id: u.id,
            username: u.username.clone(),
            display_name: u.shown_name().to_owned(),
            bio: u.bio.clone(),
            is_admin: u.is_admin,
            home_region: u.home_region,
            created_at: to_datetime(u.created_at),
        }
    }
}

/// A community as shown in lists and on its page.
#[derive(Debug, Clone, Serialize)]
pub struct CommunityView {
    pub id: Id,
    pub title_id: String,
    pub name: String,
    pub description: String,
    pub icon_url: Option<String>,
    pub url: String,
    pub created_at: DateTime<Utc>,
    /// The banner's colour (a hue, 0–359) and icon (one of six), made from the id so that each
    /// community keeps its own look.
    #[serde(skip)]
    pub hue: u16,
    #[serde(skip)]
    pub icon: u8,
}

/// The banner hue and icon of a community: spread by a hash of the id, because ids made close
/// together differ only in their low bits.
pub fn banner_look(id: Id) -> (u16, u8) {
    let mixed = (id.0 as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let hue = u16::try_from((mixed >> 40) % 360).unwrap_or(0);
    let icon = u8::try_from((mixed >> 20) % 6).unwrap_or(0);
    (hue, icon)
}

impl From<&Community> for CommunityView {
    fn from(c: &Community) -> Self {
        let (hue, icon) = banner_look(c.id);
        CommunityView {
            id: c.id,
            title_id: c.title_id.clone(),
            name: c.name.clone(),
            description: c.description.clone(),
            icon_url: c.icon_url.clone(),
            url: format!("/titles/{}/{}", c.title_id, c.id),
            created_at: to_datetime(c.created_at),
            hue,
            icon,
        }
    }
}

/// A post with everything needed to show it.
#[derive(Debug, Clone, Serialize)]
pub struct PostView {
    pub id: Id,
    pub community: CommunityView,
    pub author: UserRef,
    pub body: String,
    pub feeling: u8,
    pub feeling_name: &'static str,
    pub spoiler: bool,
    pub topic_tag: Option<String>,
    pub platform: String,
    pub comment_count: i64,
    pub yeah_count: i64,
    pub yeahed_by_me: bool,
    pub deleted: bool,
    pub created_at: DateTime<Utc>,
    pub url: String,
    /// The drawing (320×120) and its 2× rendition, when the post has one.
    pub drawing_url: Option<String>,
    pub drawing_url_2x: Option<String>,
    /// The author's description of the drawing, its text alternative.
    pub drawing_alt: Option<String>,
    /// The screenshot (at most 1920×1080), its size and its thumbnail for feeds.
    pub screenshot_url: Option<String>,
    pub screenshot_thumb_url: Option<String>,
    pub screenshot_width: Option<u32>,
    pub screenshot_height: Option<u32>,
    /// Whether the viewer wrote it (they may delete it, and cannot Yeah it).
    #[serde(skip)]
    pub mine: bool,
}

/// A comment with everything needed to show it.
#[derive(Debug, Clone, Serialize)]
pub struct CommentView {
    pub id: Id,
    pub post_id: Id,
    pub author: UserRef,
    pub body: String,
    pub feeling: u8,
    pub feeling_name: &'static str,
    pub spoiler: bool,
    pub yeah_count: i64,
    pub yeahed_by_me: bool,
    pub created_at: DateTime<Utc>,
    /// The comment's drawing and its 2× rendition, when it has one.
    pub drawing_url: Option<String>,
    pub drawing_url_2x: Option<String>,
    /// The author's description of the drawing.
    pub drawing_alt: Option<String>,
    #[serde(skip)]
    pub mine: bool,
}

/// A grouped notification, with its sentence.
#[derive(Debug, Clone, Serialize)]
pub struct NotificationView {
    pub id: Id,
    pub kind: Kind,
    pub target_id: Id,
    pub actors: Vec<UserRef>,
    pub actor_count: i64,
    pub text: String,
    pub url: String,
    pub read: bool,
    pub updated_at: DateTime<Utc>,
}

/// One session or token as its owner sees it (on the settings page).
#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    pub id: String,
    /// `"browser"` (a page session) or `"api"` (a bearer token).
    pub kind: &'static str,
    pub created_at: DateTime<Utc>,
    /// Updated at most hourly; `None` when not known.
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
    pub user_agent: String,
    /// Whether this is the session making the request.
    pub current: bool,
}

impl SessionView {
    /// `s` (whose token hashes to `hash`) as shown to its owner; `current` is the hash of the
    /// caller's own token, if known.
    pub fn new(hash: &str, s: Session, current: Option<&str>) -> Self {
        SessionView {
            id: s.id,
            kind: if s.kind == crate::auth::KIND_COOKIE {
                "browser"
            } else {
                "api"
            },
            created_at: to_datetime(s.created_at),
            last_used_at: (s.last_used_at > 0).then(|| to_datetime(s.last_used_at)),
            expires_at: to_datetime(s.expires_at),
            user_agent: s.user_agent,
            current: current == Some(hash),
        }
    }
}

fn feeling_name(f: u8) -> &'static str {
    FEELINGS.get(usize::from(f)).copied().unwrap_or("normal")
}

impl PostView {
    /// `p` as `viewer` sees it, with its author, community, Yeahs and the comment count the
    /// viewer sees (when it differs from the post's own); `media` makes a stored object's URL.
    pub fn new(
        p: Post,
        author: Option<&User>,
        community: Option<&Community>,
        yeahs: Option<&Summary>,
        comment_count: Option<i64>,
        viewer: Option<Id>,
        media: &dyn Fn(&str) -> String,
    ) -> Self {
        let community = community
            .map(CommunityView::from)
            .unwrap_or_else(|| CommunityView {
                id: p.community_id,
                title_id: String::new(),
                name: "(removed community)".into(),
                description: String::new(),
                icon_url: None,
                url: "/communities".into(),
                created_at: to_datetime(0),
                hue: 0,
                icon: 0,
            });
        PostView {
            id: p.id,
            community,
            author: UserRef::of(author, p.author_id),
            body: p.body,
            feeling: p.feeling,
            feeling_name: feeling_name(p.feeling),
            spoiler: p.spoiler,
            topic_tag: p.topic_tag,
            platform: p.platform,
            comment_count: comment_count.unwrap_or(p.comment_count),
            yeah_count: yeahs.map_or(0, |s| s.count),
            yeahed_by_me: yeahs.is_some_and(|s| s.yeahed_by_viewer),
            deleted: p.deleted,
            created_at: to_datetime(p.created_at),
            url: format!("/posts/{}", p.id),
            drawing_url: p.drawing.as_deref().map(media),
            drawing_alt: p.drawing_alt,
            screenshot_url: p.screenshot.as_ref().map(|s| media(&s.key)),
            screenshot_thumb_url: p
                .screenshot
                .as_ref()
                .map(|s| media(&crate::media::thumb_key(&s.key))),
            screenshot_width: p.screenshot.as_ref().map(|s| s.width),
            screenshot_height: p.screenshot.as_ref().map(|s| s.height),
            drawing_url_2x: p
                .drawing
                .as_deref()
                .map(|k| media(&crate::media::double_key(k))),
            mine: viewer == Some(p.author_id),
        }
    }
}

impl CommentView {
    /// `c` as `viewer` sees it, with its author and Yeahs.
    pub fn new(
        c: Comment,
        author: Option<&User>,
        yeahs: Option<&Summary>,
        viewer: Option<Id>,
        media: &dyn Fn(&str) -> String,
    ) -> Self {
        CommentView {
            id: c.id,
            post_id: c.post_id,
            author: UserRef::of(author, c.author_id),
            body: c.body,
            feeling: c.feeling,
            feeling_name: feeling_name(c.feeling),
            spoiler: c.spoiler,
            yeah_count: yeahs.map_or(0, |s| s.count),
            yeahed_by_me: yeahs.is_some_and(|s| s.yeahed_by_viewer),
            created_at: to_datetime(c.created_at),
            drawing_url: c.drawing.as_deref().map(media),
            drawing_alt: c.drawing_alt,
            drawing_url_2x: c
                .drawing
                .as_deref()
                .map(|k| media(&crate::media::double_key(k))),
            mine: viewer == Some(c.author_id),
        }
    }
}

/// "alice", "alice and bob", "alice, bob and 1 other", "alice, bob and 3 others".
pub fn actor_phrase(names: &[String], count: i64) -> String {
    let shown = i64::try_from(names.len()).unwrap_or(0);
    let others = (count - shown).max(0);
    match (names, others) {
        ([], _) => "Someone".into(),
        ([a], 0) => a.clone(),
        ([a, b], 0) => format!("{a} and {b}"),
        ([a], n) => format!("{a} and {n} other{}", if n == 1 { "" } else { "s" }),
        ([a, b, ..], n) => format!("{a}, {b} and {n} other{}", if n == 1 { "" } else { "s" }),
    }
}

/// A notification's sentence in `locale`'s language: "alice, bob and 3 others gave your post
/// a Yeah." / "aliceさん、bobさんほか3人があなたの投稿に「そうだね」しました。"
pub fn notification_sentence(locale: &Locale, kind: Kind, names: &[&str], count: i64) -> String {
    let shown = i64::try_from(names.len()).unwrap_or(0);
    let others = (count - shown).max(0);
    let actors = match (names, others) {
        ([], _) => locale.t("actors.someone").to_owned(),
        ([a], 0) => fill(locale.t("actors.one"), &[("a", a)]),
        ([a, b], 0) => fill(locale.t("actors.two"), &[("a", a), ("b", b)]),
        ([a], n) => fill(&locale.tn("actors.one_more", n), &[("a", a)]),
        ([a, b, ..], n) => fill(&locale.tn("actors.two_more", n), &[("a", a), ("b", b)]),
    };
    let key = match kind {
        Kind::PostYeah => "notifications.post_yeah",
        Kind::CommentYeah => "notifications.comment_yeah",
        Kind::PostComment => "notifications.post_comment",
        Kind::ThreadComment => "notifications.thread_comment",
        Kind::Follow => "notifications.follow",
    };
    fill(locale.t(key), &[("actors", &actors)])
}

/// The sentence for a notification (English, for the JSON API).
pub fn notification_text(kind: Kind, actors: &str) -> String {
    match kind {
        Kind::PostYeah => format!("{actors} gave your post a Yeah."),
        Kind::CommentYeah => format!("{actors} gave your comment a Yeah."),
        Kind::PostComment => format!("{actors} commented on your post."),
        Kind::ThreadComment => format!("{actors} commented on a post you commented on."),
        Kind::Follow => format!("{actors} followed you."),
    }
}

impl NotificationView {
    /// A notification group with its latest actors (`users` holds those still around).
    pub fn new(g: Group, users: &HashMap<Id, User>) -> Self {
        let actors: Vec<UserRef> = g
            .latest_actor_ids
            .iter()
            .map(|id| UserRef::of(users.get(id), *id))
            .collect();
        let names: Vec<String> = actors.iter().map(|a| a.display_name.clone()).collect();
        let text = notification_text(g.kind, &actor_phrase(&names, g.actor_count));
        let url = match g.kind {
            Kind::PostYeah | Kind::PostComment | Kind::ThreadComment => {
                format!("/posts/{}", g.target_id)
            }
            Kind::CommentYeah => format!("/comments/{}", g.target_id),
            Kind::Follow => actors
                .first()
                .map(|a| format!("/users/{}", a.username))
                .unwrap_or_else(|| "/notifications".into()),
        };
        NotificationView {
            id: g.id,
            kind: g.kind,
            target_id: g.target_id,
            actors,
            actor_count: g.actor_count,
            text,
            url,
            read: g.read,
            updated_at: to_datetime(g.updated_at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn actor_phrases_group_the_rest_as_others() {
        assert_eq!(actor_phrase(&names(&["alice"]), 1), "alice");
        assert_eq!(actor_phrase(&names(&["alice", "bob"]), 2), "alice and bob");
        assert_eq!(
            actor_phrase(&names(&["alice", "bob"]), 3),
            "alice, bob and 1 other"
        );
        assert_eq!(
            actor_phrase(&names(&["alice", "bob"]), 5),
            "alice, bob and 3 others"
        );
        assert_eq!(
            notification_text(Kind::PostYeah, &actor_phrase(&names(&["alice", "bob"]), 5)),
            "alice, bob and 3 others gave your post a Yeah."
        );
    }
}
