//! What the API and the pages show: posts, comments, users, communities, sessions and
//! notifications, built from the data `ops` fetched and joined (see [`crate::ops::join`]).
//! Presentation only: nothing here reads a database or calls a service.

use crate::db::communities::Community;
use crate::db::users::User;
use crate::i18n::{Locale, fill};
use plaza_types::empathy::Summary;
use plaza_types::notification::{Group, Kind};
use plaza_types::timeline::{Comment, Post};
use plaza_types::validate::FEELINGS;
use plaza_types::{Id, to_datetime};
use std::collections::HashMap;

pub use plaza_types::api::accounts::{SessionView, UserView};
pub use plaza_types::api::communities::CommunityView;
pub use plaza_types::api::notifications::NotificationView;
pub use plaza_types::api::posts::{CommentView, PostView};
pub use plaza_types::api::users::UserRef;

/// `user`, or a stand-in for an account that no longer exists.
fn user_ref(user: Option<&User>, id: Id) -> UserRef {
    user.map_or_else(|| UserRef::deleted(id), UserRef::from)
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

fn feeling_name(f: u8) -> &'static str {
    FEELINGS.get(usize::from(f)).copied().unwrap_or("normal")
}

/// `p` as `viewer` sees it, with its author, community, Yeahs and the comment count the
/// viewer sees (when it differs from the post's own); `media` makes a stored object's URL.
pub fn post_view(
    p: Post,
    author: Option<&User>,
    community: Option<&Community>,
    yeahs: Option<&Summary>,
    comment_count: Option<i64>,
    viewer: Option<Id>,
    media: &dyn Fn(&str) -> String,
) -> PostView {
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
        author: user_ref(author, p.author_id),
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
        game: p.game,
        title_name: None,
    }
}

/// `c` as `viewer` sees it, with its author and Yeahs.
pub fn comment_view(
    c: Comment,
    author: Option<&User>,
    yeahs: Option<&Summary>,
    viewer: Option<Id>,
    media: &dyn Fn(&str) -> String,
) -> CommentView {
    CommentView {
        id: c.id,
        post_id: c.post_id,
        author: user_ref(author, c.author_id),
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

/// A notification group with its latest actors (`users` holds those still around).
pub fn notification_view(g: Group, users: &HashMap<Id, User>) -> NotificationView {
    let actors: Vec<UserRef> = g
        .latest_actor_ids
        .iter()
        .map(|id| user_ref(users.get(id), *id))
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
