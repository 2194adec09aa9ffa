//! Posts, replies and communities written as the console protocol's XML elements.

use super::ConsoleResult;
use super::xml::Doc;
use crate::AppState;
use crate::ops::consoles;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use plaza_types::Id;
use plaza_types::api::posts::{CommentView, PostView};

/// A post or reply with its painting fetched (consoles draw the TGA themselves).
#[derive(Debug)]
pub struct Shown<T> {
    pub item: T,
    pub painting: Option<Vec<u8>>,
}

/// The posts with their paintings.
pub async fn posts(state: &AppState, views: Vec<PostView>) -> ConsoleResult<Vec<Shown<PostView>>> {
    let mut out = Vec::with_capacity(views.len());
    for item in views {
        let painting = consoles::painting_tga(state, item.drawing_url.as_deref()).await?;
        out.push(Shown { item, painting });
    }
    Ok(out)
}

/// The replies with their paintings.
pub async fn replies(
    state: &AppState,
    views: Vec<CommentView>,
) -> ConsoleResult<Vec<Shown<CommentView>>> {
    let mut out = Vec::with_capacity(views.len());
    for item in views {
        let painting = consoles::painting_tga(state, item.drawing_url.as_deref()).await?;
        out.push(Shown { item, painting });
    }
    Ok(out)
}

/// A 16-hex-digit title id as consoles write it: decimal.
pub fn decimal_title_id(hex: &str) -> Option<u64> {
    u64::from_str_radix(hex, 16).ok()
}

/// Times as consoles read them: `YYYY-MM-DD HH:MM:SS`, UTC.
fn time(t: &DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

fn painting(doc: &mut Doc, bytes: Option<&[u8]>, url: Option<&str>) {
    match bytes {
        Some(bytes) => {
            doc.open("painting");
            doc.text("format", "tga");
            doc.text("content", STANDARD.encode(bytes));
            doc.text("size", bytes.len());
            doc.text("url", url.unwrap_or_default());
            doc.close();
        }
        None => doc.empty("painting"),
    }
}

/// What posts and replies both carry between their body and their own fields, in the order
/// consoles read it: when, the Yeahs, the feeling and the id.
fn reactions(doc: &mut Doc, at: &DateTime<Utc>, yeahs: i64, yeahed: bool, feeling: u8, id: Id) {
    doc.text("created_at", time(at));
    doc.text("empathy_count", yeahs);
    doc.flag("empathy_added", yeahed);
    doc.text("feeling_id", feeling);
    doc.text("id", id);
}

/// `<post>…</post>`.
pub fn post(doc: &mut Doc, shown: &Shown<PostView>) {
    let p = &shown.item;
    let game = p.game.clone().unwrap_or_default();
    let title_hex = if game.title_id.is_empty() {
        p.community.title_id.clone()
    } else {
        game.title_id.clone()
    };
    let title_id = decimal_title_id(&title_hex);
    doc.open("post");
    doc.text_or_empty(
        "app_data",
        game.app_data.as_ref().map(|d| STANDARD.encode(d)),
    );
    doc.text("body", &p.body);
    doc.text("community_id", p.community.id);
    reactions(
        doc,
        &p.created_at,
        p.yeah_count,
        p.yeahed_by_me,
        p.feeling,
        p.id,
    );
    doc.flag("is_app_jumpable", game.is_app_jumpable);
    doc.flag("is_autopost", game.is_autopost);
    doc.flag("is_spoiler", p.spoiler);
    painting(doc, shown.painting.as_deref(), p.drawing_url.as_deref());
    doc.text("pid", p.author.id);
    match p.platform.as_str() {
        "wiiu" => doc.text("platform_id", 1),
        "3ds" => doc.text("platform_id", 0),
        _ => doc.empty("platform_id"),
    }
    doc.text("reply_count", p.comment_count);
    doc.text("screen_name", &p.author.display_name);
    doc.text("user_name", &p.author.username);
    doc.text_or_empty("screenshot", p.screenshot_url.as_ref());
    for key in &game.search_keys {
        doc.text("search_key", key);
    }
    doc.text_or_empty("title_id", title_id);
    match &p.topic_tag {
        Some(tag) => {
            doc.open("topic_tag");
            doc.text("name", tag);
            doc.text_or_empty("title_id", title_id);
            doc.close();
        }
        None => doc.empty("topic_tag"),
    }
    doc.text("url", &p.url);
    doc.close();
}

/// A reply, written as consoles read one: a `<post>` with `in_reply_to_id`.
pub fn reply(doc: &mut Doc, shown: &Shown<CommentView>) {
    let c = &shown.item;
    doc.open("post");
    doc.text("body", &c.body);
    reactions(
        doc,
        &c.created_at,
        c.yeah_count,
        c.yeahed_by_me,
        c.feeling,
        c.id,
    );
    doc.text("in_reply_to_id", c.post_id);
    doc.flag("is_spoiler", c.spoiler);
    painting(doc, shown.painting.as_deref(), c.drawing_url.as_deref());
    doc.text("pid", c.author.id);
    doc.text("screen_name", &c.author.display_name);
    doc.text("user_name", &c.author.username);
    doc.close();
}

/// `<posts>` of a list.
pub fn post_list(doc: &mut Doc, posts: &[Shown<PostView>]) {
    doc.open("posts");
    for p in posts {
        post(doc, p);
    }
    doc.close();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_ids_are_written_in_decimal_as_consoles_send_them() {
        assert_eq!(
            decimal_title_id("0005000010176900"),
            Some(1_407_375_153_522_944)
        );
        assert_eq!(decimal_title_id("not hex"), None);
    }
}
