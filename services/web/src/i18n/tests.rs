//! The catalogs agree with each other and with the templates, and the formatting reads right.

use super::*;
use crate::views::notification_sentence;
use chrono::TimeZone;
use plaza_types::notification::Kind;
use std::collections::BTreeSet;

fn catalogs() -> Arc<Catalogs> {
    Arc::new(Catalogs::load().expect("the catalogs parse"))
}

fn locale(lang: Lang) -> Locale {
    Locale::new(catalogs(), lang)
}

/// The placeholders (`{name}`) in a message, sorted.
fn placeholders(message: &str) -> BTreeSet<&str> {
    let mut found = BTreeSet::new();
    let mut rest = message;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        found.insert(&rest[open + 1..open + close]);
        rest = &rest[open + close + 1..];
    }
    found
}

#[test]
fn every_key_is_in_every_catalog_with_the_same_placeholders() {
    let all = catalogs();
    let en = all.catalog(Lang::En);
    for lang in Lang::ALL {
        let other = all.catalog(lang);
        let missing: Vec<&str> = en.keys().filter(|k| other.get(k).is_none()).collect();
        let extra: Vec<&str> = other.keys().filter(|k| en.get(k).is_none()).collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", lang.code());
        assert!(
            extra.is_empty(),
            "{} has unknown keys {extra:?}",
            lang.code()
        );
        for (key, message) in en.entries() {
            let translated = other.get(key).unwrap_or_default();
            // A date pattern may use the month's name or its number, as the language writes it.
            if key == "format.date" {
                continue;
            }
            assert_eq!(
                placeholders(message),
                placeholders(translated),
                "{}: {key} has other placeholders than in English",
                lang.code()
            );
            // Only a few messages may be empty; none may be only spaces by mistake.
            assert!(
                translated.is_empty() || !translated.trim().is_empty() || key == "list.separator",
                "{}: {key} is blank",
                lang.code()
            );
        }
    }
}

/// Every `layout.t("key")` (and `tn`, `tv`, `before`, `after`) in the templates.
fn keys_used_in_templates() -> BTreeSet<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../templates");
    let mut keys = BTreeSet::new();
    for entry in std::fs::read_dir(dir).expect("the templates folder") {
        let path = entry.expect("a template").path();
        let text = std::fs::read_to_string(&path).expect("a readable template");
        for call in ["t", "tn", "tv", "before", "after", "titled"] {
            let needle = format!("layout.{call}(\"");
            for (at, _) in text.match_indices(&needle) {
                let rest = &text[at + needle.len()..];
                let end = rest.find('"').expect("a closing quote");
                keys.insert(rest[..end].to_owned());
            }
        }
    }
    keys
}

#[test]
fn every_key_the_templates_use_is_in_the_catalogs() {
    let keys = keys_used_in_templates();
    assert!(
        keys.len() > 50,
        "the scan found the lookups ({})",
        keys.len()
    );
    let all = catalogs();
    for lang in Lang::ALL {
        let catalog = all.catalog(lang);
        let missing: Vec<&String> = keys
            .iter()
            .filter(|k| {
                // Counted messages are looked up by their forms.
                catalog.get(k).is_none() && catalog.get(&format!("{k}.other")).is_none()
            })
            .collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", lang.code());
    }
}

#[test]
fn templates_have_no_english_left_between_tags() {
    // A rough check that catches a forgotten word: text outside `{{ }}`/`{% %}` and tags.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../templates");
    for entry in std::fs::read_dir(dir).expect("the templates folder") {
        let path = entry.expect("a template").path();
        let text = std::fs::read_to_string(&path).expect("a readable template");
        let mut plain = String::new();
        let mut depth = 0usize;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '{' if matches!(chars.peek(), Some('{' | '%' | '#')) => depth += 1,
                '}' | '%' | '#' if depth > 0 && chars.peek() == Some(&'}') => {
                    chars.next();
                    depth -= 1;
                }
                '<' if depth == 0 => depth += 1000,
                '>' if depth >= 1000 => depth -= 1000,
                _ if depth == 0 => plain.push(c),
                _ => {}
            }
        }
        let words: Vec<&str> = plain
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() > 1 && *w != "Plaza" && *w != "DOCTYPE")
            .collect();
        assert!(words.is_empty(), "{}: {words:?}", path.display());
    }
}

#[test]
fn feelings_yeahs_and_error_codes_have_messages() {
    let all = catalogs();
    for lang in Lang::ALL {
        let catalog = all.catalog(lang);
        for feeling in plaza_types::validate::FEELINGS {
            assert!(catalog.get(&format!("feeling.{feeling}")).is_some());
            assert!(catalog.get(&format!("yeah.{feeling}")).is_some());
        }
        for code in [
            "not_found",
            "no_route",
            "internal_error",
            "csrf_failed",
            "rate_limited",
            "media_unavailable",
            "media_busy",
            "invalid_username",
            "password_too_short",
            "username_taken",
            "invalid_credentials",
            "wrong_password",
            "invalid_characters",
            "body_invisible",
            "body_empty",
            "body_too_long",
            "display_name_too_long",
            "bio_too_long",
            "invalid_language",
            "drawing_alt_too_long",
            "not_an_image",
            "screenshot_too_large",
            "own_content",
            "blocked",
        ] {
            assert!(
                catalog.get(&format!("error.{code}")).is_some(),
                "{}: error.{code}",
                lang.code()
            );
        }
    }
}

#[test]
fn dates_and_numbers_read_as_each_language_writes_them() {
    let at = Utc.with_ymd_and_hms(2026, 11, 22, 9, 30, 0).unwrap();
    let en = locale(Lang::En);
    let ja = locale(Lang::Ja);
    assert_eq!(en.date(&at), "Nov 22, 2026");
    assert_eq!(ja.date(&at), "2026年11月22日");
    assert_eq!(en.number(1_234_567), "1,234,567");
    assert_eq!(ja.number(12_345), "12,345");
    assert_eq!(en.tn("post.comments", 1), "1 comment");
    assert_eq!(en.tn("post.comments", 1500), "1,500 comments");
    assert_eq!(ja.tn("post.comments", 3), "コメント3件");
}

#[test]
fn recent_times_are_relative() {
    let en = locale(Lang::En);
    let ja = locale(Lang::Ja);
    let now = en.now;
    let minutes = now - chrono::Duration::minutes(3);
    assert_eq!(en.ago(&minutes), "3 minutes ago");
    assert_eq!(ja.with_lang(Lang::Ja).ago(&minutes), "3分前");
    assert_eq!(en.ago(&(now - chrono::Duration::hours(1))), "1 hour ago");
    assert_eq!(en.ago(&now), "just now");
    let long_ago = now - chrono::Duration::days(30);
    assert_eq!(en.ago(&long_ago), en.date(&long_ago));
}

#[test]
fn notification_sentences_group_people_in_each_language() {
    let en = locale(Lang::En);
    let ja = locale(Lang::Ja);
    for (locale, kind, names, people, sentence) in [
        (
            &en,
            Kind::PostYeah,
            &["alice", "bob"][..],
            5,
            "alice, bob and 3 others gave your post a Yeah.",
        ),
        (
            &en,
            Kind::Follow,
            &["alice"],
            2,
            "alice and 1 other followed you.",
        ),
        (
            &en,
            Kind::PostComment,
            &["alice", "bob"],
            2,
            "alice and bob commented on your post.",
        ),
        (
            &ja,
            Kind::PostYeah,
            &["alice", "bob"],
            5,
            "aliceさん、bobさんほか3人があなたの投稿に「そうだね」しました。",
        ),
        (
            &ja,
            Kind::Follow,
            &["{a}"],
            1,
            "{a}さんがあなたをフォローしました。",
        ),
    ] {
        assert_eq!(notification_sentence(locale, kind, names, people), sentence);
    }
}

#[test]
fn the_language_comes_from_the_account_then_the_cookie_then_the_browser() {
    let mut headers = HeaderMap::new();
    assert_eq!(choose(&headers, None), Lang::En);
    headers.insert(
        axum::http::header::ACCEPT_LANGUAGE,
        "ja-JP,ja;q=0.9,en;q=0.5".parse().unwrap(),
    );
    assert_eq!(choose(&headers, None), Lang::Ja);
    assert_eq!(choose(&headers, Some("")), Lang::Ja);
    assert_eq!(choose(&headers, Some("en")), Lang::En);
    headers.insert(axum::http::header::COOKIE, "plaza_lang=en".parse().unwrap());
    assert_eq!(choose(&headers, None), Lang::En);
    assert_eq!(choose(&headers, Some("ja")), Lang::Ja);
}

#[test]
fn link_messages_split_around_the_link() {
    let ja = locale(Lang::Ja);
    assert_eq!(ja.before("community.sign_in_to_post"), "投稿するには");
    assert_eq!(ja.after("community.sign_in_to_post"), "してください。");
    let en = locale(Lang::En);
    assert_eq!(en.before("community.sign_in_to_post"), "");
    assert_eq!(en.after("community.sign_in_to_post"), " to post.");
}
