//! The limits on what people write, checked in one place so that pages, the JSON API and the
//! services agree. Each failure has a stable snake_case code.

/// A rule that input broke: a stable code and a message a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Invalid {
    pub code: &'static str,
    pub message: String,
}

fn invalid(code: &'static str, message: impl Into<String>) -> Invalid {
    Invalid {
        code,
        message: message.into(),
    }
}

pub const USERNAME_MIN: usize = 3;
pub const USERNAME_MAX: usize = 16;
pub const PASSWORD_MIN: usize = 8;
/// Argon2 hashes any length, but an unbounded password is a cheap way to burn server CPU.
pub const PASSWORD_MAX: usize = 128;
pub const DISPLAY_NAME_MAX: usize = 32;
pub const BIO_MAX: usize = 300;
pub const BODY_MAX: usize = 1000;
pub const TOPIC_MAX: usize = 50;
pub const DRAWING_ALT_MAX: usize = 300;
pub const COMMUNITY_NAME_MAX: usize = 64;
pub const COMMUNITY_DESCRIPTION_MAX: usize = 1000;
pub const TITLE_ID_MAX: usize = 32;
pub const ICON_URL_MAX: usize = 500;
/// Feelings: normal, happy, like, surprised, frustrated, puzzled.
pub const FEELINGS: [&str; 6] = [
    "normal",
    "happy",
    "like",
    "surprised",
    "frustrated",
    "puzzled",
];

fn has_control(text: &str, allow_newlines: bool) -> bool {
    text.chars()
        .any(|c| c.is_control() && !(allow_newlines && (c == '\n' || c == '\r' || c == '\t')))
}

/// Characters that change the order text is shown in: embeddings, overrides, isolates and the
/// directional marks. In a name they can make it read as someone else's.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that show nothing (or only join or vary their neighbours): zero-width spaces and
/// joiners, the BOM, fillers, soft hyphens, variation selectors, tags and other default-ignorable
/// code points, plus the line and paragraph separators.
fn is_invisible(c: char) -> bool {
    is_bidi_control(c)
        || matches!(
            c,
            '\u{00AD}'
                | '\u{034F}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180B}'..='\u{180F}'
                | '\u{200B}'..='\u{200D}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{2060}'..='\u{2065}'
                | '\u{206A}'..='\u{206F}'
                | '\u{3164}'
                | '\u{FE00}'..='\u{FE0F}'
                | '\u{FEFF}'
                | '\u{FFA0}'
                | '\u{FFF0}'..='\u{FFF8}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E0FFF}'
        )
}

/// Joiners and variation selectors that emoji sequences (👨‍👩‍👧, ❤️) and some scripts (Persian,
/// the Indic scripts) need between visible characters; allowed in names, but not alone.
fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200C}' | '\u{200D}' | '\u{FE0E}' | '\u{FE0F}')
}

/// Whether a name holds a control character or an invisible one (other than the joiners that
/// sit between visible characters), or shows nothing at all.
fn misleading_name(name: &str) -> bool {
    name.chars()
        .any(|c| c.is_control() || (is_invisible(c) && !is_joiner(c)))
        || (!name.is_empty() && name.chars().all(|c| is_invisible(c) || c.is_whitespace()))
}

fn invalid_characters(what: &str) -> Invalid {
    invalid(
        "invalid_characters",
        format!("{what} cannot contain control, invisible or text-direction characters."),
    )
}

/// A username: 3–16 letters, digits, `.`, `_` or `-`.
pub fn username(name: &str) -> Result<&str, Invalid> {
    if misleading_name(name) {
        return Err(invalid_characters("A username"));
    }
    let n = name.chars().count();
    if !(USERNAME_MIN..=USERNAME_MAX).contains(&n)
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Err(invalid(
            "invalid_username",
            "A username is 3 to 16 letters, digits, '.', '_' or '-'.",
        ));
    }
    Ok(name)
}

/// A password: 8 to 128 characters.
pub fn password(password: &str) -> Result<&str, Invalid> {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        return Err(invalid(
            "password_too_short",
            "A password needs at least 8 characters.",
        ));
    }
    if n > PASSWORD_MAX {
        return Err(invalid(
            "password_too_long",
            "A password can be at most 128 characters.",
        ));
    }
    Ok(password)
}

/// Text of a post or comment: 1–1000 characters after trimming, not all of them invisible.
pub fn body(text: &str) -> Result<String, Invalid> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(invalid("body_empty", "Write something first."));
    }
    if trimmed
        .chars()
        .all(|c| is_invisible(c) || c.is_whitespace())
    {
        return Err(invalid(
            "body_invisible",
            "The text has no visible characters.",
        ));
    }
    if trimmed.chars().count() > BODY_MAX {
        return Err(invalid(
            "body_too_long",
            "A post or comment can be at most 1000 characters.",
        ));
    }
    if has_control(trimmed, true) {
        return Err(invalid(
            "body_invalid_characters",
            "The text contains control characters.",
        ));
    }
    Ok(trimmed.to_owned())
}

/// Text of a post that carries a picture: may be empty, else as [`body`] (so text made only of
/// invisible characters is refused, not kept as a caption that shows nothing).
pub fn optional_body(text: &str) -> Result<String, Invalid> {
    if text.trim().is_empty() {
        return Ok(String::new());
    }
    body(text)
}

/// An object-store key as the services pass it: short, plain characters, no path tricks.
pub fn media_key(key: &str) -> Result<&str, Invalid> {
    let ok = !key.is_empty()
        && key.len() <= 120
        && !key.contains("..")
        && !key.starts_with('/')
        && key.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'/' | b'@' | b'.' | b'-')
        });
    if ok {
        Ok(key)
    } else {
        Err(invalid("invalid_media_key", "The media key is not valid."))
    }
}

/// A feeling number, 0–5.
pub fn feeling(value: i64) -> Result<u8, Invalid> {
    match u8::try_from(value) {
        Ok(v) if usize::from(v) < FEELINGS.len() => Ok(v),
        _ => Err(invalid(
            "invalid_feeling",
            "The feeling must be a number from 0 to 5.",
        )),
    }
}

/// An optional topic tag, at most 50 characters; blank means none.
pub fn topic_tag(tag: Option<&str>) -> Result<Option<String>, Invalid> {
    let Some(tag) = tag.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if tag.chars().count() > TOPIC_MAX || has_control(tag, false) {
        return Err(invalid(
            "invalid_topic_tag",
            "A topic tag is at most 50 characters on one line.",
        ));
    }
    Ok(Some(tag.to_owned()))
}

/// A name on one line: no control or invisible characters (`invalid_characters`, whatever the
/// length), then at most `max` characters (`code`).
fn bounded_name(text: &str, max: usize, code: &'static str, what: &str) -> Result<String, Invalid> {
    let t = text.trim();
    if misleading_name(t) {
        return Err(invalid_characters(what));
    }
    bounded_line(t, max, code, what)
}

fn bounded_line(text: &str, max: usize, code: &'static str, what: &str) -> Result<String, Invalid> {
    let t = text.trim();
    if t.chars().count() > max || has_control(t, false) {
        return Err(invalid(
            code,
            format!("{what} is at most {max} characters on one line."),
        ));
    }
    Ok(t.to_owned())
}

/// The description of a drawing (its text alternative), at most 300 characters on one line;
/// blank means none.
pub fn drawing_alt(text: Option<&str>) -> Result<Option<String>, Invalid> {
    let Some(t) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if t.chars().count() > DRAWING_ALT_MAX || has_control(t, false) {
        return Err(invalid(
            "drawing_alt_too_long",
            "A drawing's description is at most 300 characters on one line.",
        ));
    }
    Ok(Some(t.to_owned()))
}

/// A display name, at most 32 characters (blank means "use the username").
pub fn display_name(text: &str) -> Result<String, Invalid> {
    bounded_name(
        text,
        DISPLAY_NAME_MAX,
        "display_name_too_long",
        "A display name",
    )
}

/// A profile bio, at most 300 characters.
pub fn bio(text: &str) -> Result<String, Invalid> {
    let t = text.trim();
    if t.chars().count() > BIO_MAX || has_control(t, true) {
        return Err(invalid("bio_too_long", "A bio is at most 300 characters."));
    }
    Ok(t.to_owned())
}

/// A community name, 1–64 characters.
pub fn community_name(text: &str) -> Result<String, Invalid> {
    let t = bounded_name(
        text,
        COMMUNITY_NAME_MAX,
        "invalid_community_name",
        "A community name",
    )?;
    if t.is_empty() {
        return Err(invalid(
            "invalid_community_name",
            "A community needs a name.",
        ));
    }
    Ok(t)
}

/// A community description, at most 1000 characters.
pub fn community_description(text: &str) -> Result<String, Invalid> {
    let t = text.trim();
    if t.chars().count() > COMMUNITY_DESCRIPTION_MAX || has_control(t, true) {
        return Err(invalid(
            "invalid_description",
            "A description is at most 1000 characters.",
        ));
    }
    Ok(t.to_owned())
}

/// A game's title id: 1–32 letters and digits (consoles use 16 hex digits).
pub fn title_id(text: &str) -> Result<String, Invalid> {
    let t = text.trim();
    if t.is_empty() || t.len() > TITLE_ID_MAX || !t.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(invalid(
            "invalid_title_id",
            "A title id is 1 to 32 letters and digits.",
        ));
    }
    Ok(t.to_ascii_uppercase())
}

/// A community icon: blank, or an http(s) URL or site path of at most 500 characters. A path
/// that starts with `//` (or `/\`, which browsers read the same) names another host with the
/// page's scheme, so it is refused like any other scheme.
pub fn icon_url(text: &str) -> Result<Option<String>, Invalid> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let site_path = t.starts_with('/') && !t.starts_with("//") && !t.starts_with("/\\");
    let scheme_ok = t.starts_with("https://") || t.starts_with("http://") || site_path;
    if !scheme_ok || t.len() > ICON_URL_MAX || t.chars().any(|c| c.is_whitespace() || c == '"') {
        return Err(invalid(
            "invalid_icon",
            "An icon is an http(s) URL or a path on this site.",
        ));
    }
    Ok(Some(t.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_follow_the_rules() {
        for ok in ["abc", "Alice_01", "a.b-c", "sixteen_chars_ok"] {
            assert!(username(ok).is_ok(), "{ok}");
        }
        for bad in [
            "ab",
            "seventeen_chars__",
            "has space",
            "émile",
            "semi;colon",
            "",
        ] {
            assert_eq!(username(bad).unwrap_err().code, "invalid_username", "{bad}");
        }
    }

    #[test]
    fn passwords_need_eight_to_128_characters() {
        assert_eq!(password("1234567").unwrap_err().code, "password_too_short");
        assert!(password("12345678").is_ok());
        assert_eq!(
            password(&"x".repeat(129)).unwrap_err().code,
            "password_too_long"
        );
    }

    #[test]
    fn bodies_are_trimmed_and_bounded_in_characters() {
        assert_eq!(body("  hi  ").unwrap(), "hi");
        assert_eq!(body("   \n ").unwrap_err().code, "body_empty");
        assert!(body(&"あ".repeat(1000)).is_ok());
        assert_eq!(body(&"あ".repeat(1001)).unwrap_err().code, "body_too_long");
        assert_eq!(
            body("bell\u{7}").unwrap_err().code,
            "body_invalid_characters"
        );
        assert!(body("two\nlines").is_ok());
    }

    #[test]
    fn feelings_are_zero_to_five() {
        assert_eq!(feeling(0).unwrap(), 0);
        assert_eq!(feeling(5).unwrap(), 5);
        assert!(feeling(6).is_err());
        assert!(feeling(-1).is_err());
    }

    #[test]
    fn topic_tags_are_optional_and_short() {
        assert_eq!(topic_tag(None).unwrap(), None);
        assert_eq!(topic_tag(Some("  ")).unwrap(), None);
        assert_eq!(
            topic_tag(Some(" speedrun ")).unwrap().as_deref(),
            Some("speedrun")
        );
        assert!(topic_tag(Some(&"t".repeat(51))).is_err());
    }

    #[test]
    fn profile_fields_are_bounded() {
        assert_eq!(drawing_alt(Some("  ")).unwrap(), None);
        assert_eq!(
            drawing_alt(Some(" a cat ")).unwrap().as_deref(),
            Some("a cat")
        );
        assert!(drawing_alt(Some(&"あ".repeat(300))).is_ok());
        assert_eq!(
            drawing_alt(Some(&"a".repeat(301))).unwrap_err().code,
            "drawing_alt_too_long"
        );
        assert!(drawing_alt(Some("two\nlines")).is_err());
        assert!(display_name(&"d".repeat(32)).is_ok());
        assert!(display_name(&"d".repeat(33)).is_err());
        assert!(bio(&"b".repeat(300)).is_ok());
        assert!(bio(&"b".repeat(301)).is_err());
    }

    #[test]
    fn community_fields_are_checked() {
        assert_eq!(title_id("0005000010101c00").unwrap(), "0005000010101C00");
        assert!(title_id("not a title").is_err());
        assert!(community_name("").is_err());
        assert!(icon_url("javascript:alert(1)").is_err());
        assert_eq!(icon_url("").unwrap(), None);
        assert!(icon_url("/static/icon.png").unwrap().is_some());
        assert!(icon_url("https://example.com/a.png").unwrap().is_some());
    }

    #[test]
    fn protocol_relative_and_other_schemes_are_not_icons() {
        for bad in [
            "//evil.example/x.png",
            " //evil.example/x.png",
            "/\\evil.example/x.png",
            "javascript:alert(1)",
            "data:image/png;base64,AAAA",
            "ftp://example.com/x.png",
            "HTTPS://example.com/x.png",
        ] {
            assert_eq!(icon_url(bad).unwrap_err().code, "invalid_icon", "{bad}");
        }
    }

    #[test]
    fn names_with_control_invisible_or_direction_characters_are_refused() {
        for bad in [
            "evil\u{202E}gnp.exe",
            "\u{2066}admin\u{2069}",
            "ad\u{200B}min",
            "\u{FEFF}admin",
            "nul\u{0}byte",
            "tab\there",
            "\u{200D}",
            "\u{3164}",
            "line\u{2028}break",
            "soft\u{AD}hyphen",
        ] {
            assert_eq!(
                display_name(bad).unwrap_err().code,
                "invalid_characters",
                "{bad:?}"
            );
            assert_eq!(
                community_name(bad).unwrap_err().code,
                "invalid_characters",
                "{bad:?}"
            );
        }
        for bad in ["ali\u{202E}ce", "bob\u{0}", "\u{200B}carol"] {
            assert_eq!(
                username(bad).unwrap_err().code,
                "invalid_characters",
                "{bad:?}"
            );
        }
        // A NUL is a bad character whatever the length.
        assert_eq!(
            display_name(&format!("{}\u{0}", "x".repeat(40)))
                .unwrap_err()
                .code,
            "invalid_characters"
        );
        assert_eq!(
            display_name(&"x".repeat(33)).unwrap_err().code,
            "display_name_too_long"
        );
    }

    #[test]
    fn names_keep_emoji_sequences_and_scripts_that_need_joiners() {
        for ok in [
            "👨\u{200D}👩\u{200D}👧",
            "❤\u{FE0F} fan",
            "می\u{200C}خواهم",
            "אבג",
            "Zoë",
        ] {
            assert!(display_name(ok).is_ok(), "{ok:?}");
            assert!(community_name(ok).is_ok(), "{ok:?}");
        }
    }

    #[test]
    fn bodies_of_only_invisible_characters_are_refused() {
        for bad in [
            "\u{200B}",
            "\u{200B}\u{200C}\u{200D}\u{2060}",
            "\u{FEFF}",
            " \u{200B} \n\u{FEFF} ",
            "\u{3164}",
            "\u{202E}",
        ] {
            assert_eq!(body(bad).unwrap_err().code, "body_invisible", "{bad:?}");
            assert_eq!(
                optional_body(bad).unwrap_err().code,
                "body_invisible",
                "{bad:?}"
            );
        }
        assert_eq!(body("hi\u{200B}there").unwrap(), "hi\u{200B}there");
        assert_eq!(optional_body(" ").unwrap(), "");
    }
}
