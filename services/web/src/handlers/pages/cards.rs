//! A post's card (`_post.html`) rendered once for every reader who sees it alike, then filled in
//! with each reader's own parts.
//!
//! Most of a page of posts is the same for everyone who reads it: the author, the text, the
//! drawing, the counts, the translated labels. What is a reader's own is small: their CSRF token,
//! the path the forms come back to, a fresh key for each form and how long ago each post was
//! written (which changes by the minute). A card is rendered with those four left as holes and
//! kept under a hash of everything else it shows: the whole post as the reader sees it (their
//! Yeah and whether it is theirs are part of it), the language, and whether anyone is signed in.
//! A changed post (a new Yeah, an edit, moderation) is a new key, so a kept card is never stale;
//! cards nobody reads any more leave the cache by its size bound and idle time.

use super::Layout;
use crate::holes::{Hole, Holed};
use crate::views::PostView;
use askama::Template;
use std::fmt::{self, Display};
use std::hash::BuildHasher;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

/// The card template, rendered with a [`Layout::with_holes`].
#[derive(Template)]
#[template(path = "_post.html")]
struct PostCard<'a> {
    layout: &'a Layout,
    post: &'a PostView,
}

/// A post's card, rendered with holes for the reader's own parts.
fn render(layout: &Layout, post: &PostView) -> Result<Holed, askama::Error> {
    let rendered = PostCard {
        layout: &layout.with_holes(),
        post,
    }
    .render()?;
    Ok(Holed::cut(&rendered))
}

/// `card` with `layout`'s reader's own parts in its holes.
fn fill(card: &Holed, f: &mut fmt::Formatter<'_>, layout: &Layout, post: &PostView) -> fmt::Result {
    card.write(f, |f, hole| match hole {
        Hole::Csrf => escaped(f, &layout.csrf),
        Hole::Path => escaped(f, &layout.path),
        Hole::FormKey => f.write_str(&layout.form_key()),
        Hole::Ago => escaped(f, layout.locale.ago_text(&post.created_at)),
    })
}

fn escaped(f: &mut impl fmt::Write, text: impl Display) -> fmt::Result {
    write!(
        f,
        "{}",
        askama::filters::escape(text, askama::filters::Html).map_err(|_| fmt::Error)?
    )
}

/// How many bytes of cards a process keeps (the most used).
const KEPT_BYTES: u64 = 4 * 1024 * 1024;
/// A card nobody has read for this long leaves.
const IDLE: Duration = Duration::from_secs(300);

/// Cards by post and a hash of what they show. The post's id is part of the key, so two posts
/// never share a card; the hash is seeded per process.
static CARDS: LazyLock<moka::sync::Cache<(plaza_types::Id, u64), Arc<Holed>>> =
    LazyLock::new(|| {
        moka::sync::Cache::builder()
            .max_capacity(KEPT_BYTES)
            .weigher(|_, card: &Arc<Holed>| u32::try_from(card.bytes()).unwrap_or(u32::MAX))
            .time_to_idle(IDLE)
            .build()
    });

static SEED: LazyLock<foldhash::quality::RandomState> =
    LazyLock::new(foldhash::quality::RandomState::default);

/// A post's card for one reader: see [`Layout::post`].
pub struct PostHtml<'a> {
    pub(super) layout: &'a Layout,
    pub(super) post: &'a PostView,
}

impl Display for PostHtml<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (layout, post) = (self.layout, self.post);
        // Everything the card shows but its holes.
        let shown = SEED.hash_one((post, layout.locale.lang().code(), layout.user.is_some()));
        let key = (post.id, shown);
        let card = match CARDS.get(&key) {
            Some(card) => card,
            None => {
                let card = Arc::new(render(layout, post).map_err(|_| fmt::Error)?);
                CARDS.insert(key, card.clone());
                card
            }
        };
        fill(&card, f, layout, post)
    }
}

#[cfg(test)]
mod tests;
