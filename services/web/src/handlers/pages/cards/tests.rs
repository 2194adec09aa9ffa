//! A card filled in for a reader reads exactly as the card rendered for that reader alone, and
//! keeps nothing of another reader's.

use super::*;
use crate::handlers::pages::LayoutUser;
use crate::i18n::{Catalogs, Lang, Locale};
use chrono::{DateTime, TimeZone, Utc};
use plaza_types::Id;
use plaza_types::api::communities::CommunityView;
use plaza_types::api::users::UserRef;

fn created() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 12, 0, 0)
        .single()
        .unwrap()
}

fn reader(csrf: &str, path: &str, lang: Lang, now: DateTime<Utc>) -> Layout {
    let catalogs = Arc::new(Catalogs::load().unwrap());
    let mut layout = Layout::bare("A page".into(), Locale::new(catalogs, lang).at(now));
    layout.user = Some(LayoutUser {
        username: "reader".into(),
        display_name: "Reader".into(),
        is_admin: false,
        is_moderator: false,
    });
    layout.csrf = csrf.into();
    layout.path = path.into();
    layout
}

fn post(id: i64) -> PostView {
    PostView {
        id: Id(id),
        community: CommunityView {
            id: Id(7),
            title_id: "0005000000000000".into(),
            name: "Splat & <Co>".into(),
            description: String::new(),
            icon_url: None,
            url: "/titles/0005000000000000/7".into(),
            created_at: created(),
            hue: 120,
            icon: 2,
        },
        author: UserRef {
            id: Id(3),
            username: "author".into(),
            display_name: "O'Brien \"the <b>\"".into(),
        },
        body: "Hello <script>alert(1)</script> & bye".into(),
        feeling: 1,
        feeling_name: "happy",
        spoiler: false,
        topic_tag: Some("tips".into()),
        platform: "web".into(),
        comment_count: 2,
        yeah_count: 1234,
        yeahed_by_me: false,
        deleted: false,
        created_at: created(),
        url: format!("/posts/{id}"),
        drawing_url: Some("/media/d.png".into()),
        drawing_url_2x: Some("/media/d@2x.png".into()),
        drawing_alt: None,
        screenshot_url: None,
        screenshot_thumb_url: None,
        screenshot_width: None,
        screenshot_height: None,
        moderation: Default::default(),
        moderation_reason: None,
        mine: false,
        game: None,
        title_name: None,
    }
}

/// The card as filled in for `layout` (through the cache).
fn filled(layout: &Layout, post: &PostView) -> String {
    layout.post(post).to_string()
}

/// The card rendered for `layout` alone, with no holes.
fn alone(layout: &Layout, post: &PostView) -> String {
    PostCard { layout, post }.render().unwrap()
}

/// `html` with each form key (fresh for every form) replaced by `KEY`.
fn keys_out(html: &str) -> String {
    let field = "name=\"idempotency_key\" value=\"";
    let mut out = String::new();
    let mut rest = html;
    while let Some(at) = rest.find(field) {
        out.push_str(&rest[..at + field.len()]);
        rest = &rest[at + field.len()..];
        let end = rest.find('"').unwrap();
        assert!(end > 0, "an empty form key in {html}");
        out.push_str("KEY");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn a_filled_card_reads_as_the_card_rendered_for_the_reader_alone() {
    let now = created() + chrono::Duration::minutes(3);
    for lang in [Lang::En, Lang::Ja] {
        let layout = reader(
            "csrf-one",
            "/titles/0005000000000000/7?tab=popular&x=1",
            lang,
            now,
        );
        let mut p = post(100 + lang as i64);
        for (mine, yeahed, spoiler) in [
            (false, false, false),
            (true, false, true),
            (false, true, true),
        ] {
            (p.mine, p.yeahed_by_me, p.spoiler) = (mine, yeahed, spoiler);
            let expected = keys_out(&alone(&layout, &p));
            // Twice: rendered into the cache, then filled from it.
            assert_eq!(keys_out(&filled(&layout, &p)), expected);
            assert_eq!(keys_out(&filled(&layout, &p)), expected);
        }
        let html = filled(&layout, &p);
        assert!(html.contains("value=\"csrf-one\""), "{html}");
        assert!(html.contains("?tab=popular&#38;x=1"), "{html}");
        assert!(html.contains("Hello &#60;script&#62;"), "{html}");
        for hole in [Hole::Csrf, Hole::Path, Hole::FormKey, Hole::Ago] {
            assert!(!html.contains(hole.mark()), "{html}");
        }
    }
}

#[test]
fn each_reader_gets_their_own_token_path_form_keys_and_time() {
    let p = post(200);
    let first = reader(
        "token-a",
        "/a",
        Lang::En,
        created() + chrono::Duration::minutes(3),
    );
    let second = reader(
        "token-b",
        "/b",
        Lang::En,
        created() + chrono::Duration::hours(2),
    );
    let a = filled(&first, &p);
    let b = filled(&second, &p);
    assert!(a.contains("token-a") && !a.contains("token-b"), "{a}");
    assert!(b.contains("token-b") && !b.contains("token-a"), "{b}");
    assert!(
        a.contains("value=\"/a\"") && b.contains("value=\"/b\""),
        "{b}"
    );
    assert!(a.contains("3 minutes ago"), "{a}");
    assert!(
        b.contains("2 hours ago") && !b.contains("3 minutes ago"),
        "{b}"
    );
    assert_eq!(
        keys_out(&a)
            .replace("token-a", "T")
            .replace("/a\"", "P\"")
            .replace("3 minutes ago", "AGO"),
        keys_out(&b)
            .replace("token-b", "T")
            .replace("/b\"", "P\"")
            .replace("2 hours ago", "AGO")
    );
    // A fresh form key every time, never a kept one.
    let key = |html: &str| {
        let field = "name=\"idempotency_key\" value=\"";
        let at = html.find(field).unwrap() + field.len();
        html[at..at + html[at..].find('"').unwrap()].to_owned()
    };
    assert_ne!(key(&a), key(&filled(&first, &p)));
}

#[test]
fn a_changed_post_or_language_is_a_new_card() {
    let layout = reader("t", "/", Lang::En, created());
    let mut p = post(300);
    assert!(filled(&layout, &p).contains("1,234"));
    p.yeah_count = 1235;
    assert!(filled(&layout, &p).contains("1,235"));
    p.yeahed_by_me = true;
    assert!(filled(&layout, &p).contains("class=\"yeah on\""));
    let ja = reader("t", "/", Lang::Ja, created());
    assert_eq!(keys_out(&filled(&ja, &p)), keys_out(&alone(&ja, &p)));
    // Signed out: no report link and a disabled Yeah button, as rendered alone.
    let mut anyone = reader("t", "/", Lang::En, created());
    anyone.user = None;
    let html = filled(&anyone, &p);
    assert_eq!(keys_out(&html), keys_out(&alone(&anyone, &p)));
    assert!(!html.contains("/report?"), "{html}");
}
