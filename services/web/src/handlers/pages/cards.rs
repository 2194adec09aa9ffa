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
use crate::views::PostView;
use askama::Template;
use std::fmt::{self, Display};
use std::hash::BuildHasher;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

/// One reader's part of a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hole {
    /// The reader's CSRF token.
    Csrf,
    /// The page's path and query (where the forms come back to).
    Path,
    /// A fresh key for one form.
    FormKey,
    /// How long ago the post was written, from now.
    Ago,
}

const HOLES: [Hole; 4] = [Hole::Csrf, Hole::Path, Hole::FormKey, Hole::Ago];

/// What starts every hole's mark: random per process (hex digits, which escaping leaves alone),
/// so no post can contain it.
static MARK: LazyLock<String> = LazyLock::new(plaza_http::context::new_request_id);

/// Each hole's mark: [`MARK`] and the hole's letter (not a hex digit).
static MARKS: LazyLock<[String; 4]> =
    LazyLock::new(|| HOLES.map(|h| format!("{}{}", *MARK, h.letter())));

impl Hole {
    fn letter(self) -> char {
        match self {
            Hole::Csrf => 'q',
            Hole::Path => 'r',
            Hole::FormKey => 's',
            Hole::Ago => 't',
        }
    }

    /// What a card is rendered with where this hole goes.
    pub fn mark(self) -> &'static str {
        &MARKS[self as usize]
    }

    fn of(letter: char) -> Option<Hole> {
        HOLES.into_iter().find(|h| h.letter() == letter)
    }
}

/// A value, or (in a card) the hole it goes into.
pub enum OrHole<T> {
    Value(T),
    Hole(Hole),
}

impl<T: Display> Display for OrHole<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OrHole::Value(v) => v.fmt(f),
            OrHole::Hole(h) => f.write_str(h.mark()),
        }
    }
}

/// The card template, rendered with a [`Layout::with_holes`].
#[derive(Template)]
#[template(path = "_post.html")]
struct PostCard<'a> {
    layout: &'a Layout,
    post: &'a PostView,
}

/// Rendered HTML with holes: the HTML without its marks, and where each hole goes in it. A
/// post's card, or a whole page rendered for every signed-out reader (with the CSRF token as
/// its only holes, see `ForAnyone`).
#[derive(Debug)]
pub struct Card {
    html: String,
    holes: Vec<(usize, Hole)>,
}

impl Card {
    fn render(layout: &Layout, post: &PostView) -> Result<Card, askama::Error> {
        let rendered = PostCard {
            layout: &layout.with_holes(),
            post,
        }
        .render()?;
        Ok(Card::cut(&rendered))
    }

    /// `rendered` with its marks taken out and noted as holes.
    pub fn cut(rendered: &str) -> Card {
        let mut card = Card {
            html: String::with_capacity(rendered.len()),
            holes: Vec::new(),
        };
        let mut rest = rendered;
        while let Some(at) = rest.find(MARK.as_str()) {
            let after = &rest[at + MARK.len()..];
            let hole = after.chars().next().and_then(Hole::of);
            card.html.push_str(&rest[..at]);
            match hole {
                Some(hole) => {
                    card.holes.push((card.html.len(), hole));
                    rest = &after[1..];
                }
                // Not a mark after all (no hole's letter follows): kept as it is.
                None => {
                    card.html.push_str(&MARK);
                    rest = after;
                }
            }
        }
        card.html.push_str(rest);
        card
    }

    /// How many bytes of HTML it keeps.
    pub fn bytes(&self) -> usize {
        self.html.len()
    }

    /// Writes the HTML into `out`, with `fill` writing each hole.
    fn write<W: fmt::Write>(
        &self,
        out: &mut W,
        mut fill: impl FnMut(&mut W, Hole) -> fmt::Result,
    ) -> fmt::Result {
        let mut from = 0;
        for &(at, hole) in &self.holes {
            out.write_str(&self.html[from..at])?;
            fill(out, hole)?;
            from = at;
        }
        out.write_str(&self.html[from..])
    }

    /// The card with `layout`'s reader's own parts in its holes.
    fn fill(&self, f: &mut fmt::Formatter<'_>, layout: &Layout, post: &PostView) -> fmt::Result {
        self.write(f, |f, hole| match hole {
            Hole::Csrf => escaped(f, &layout.csrf),
            Hole::Path => escaped(f, &layout.path),
            Hole::FormKey => f.write_str(&layout.form_key()),
            Hole::Ago => escaped(f, layout.locale.ago_text(&post.created_at)),
        })
    }

    /// A page with `csrf` (a token: letters, digits, `-` and `_`) in its CSRF holes; any other
    /// hole (a page has none) keeps its mark.
    pub fn with_csrf(&self, csrf: &str) -> String {
        let mut html = String::with_capacity(self.html.len() + self.holes.len() * csrf.len());
        // Writing into a String cannot fail.
        let _ = self.write(&mut html, |out, hole| {
            out.push_str(if hole == Hole::Csrf {
                csrf
            } else {
                hole.mark()
            });
            Ok(())
        });
        html
    }
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
static CARDS: LazyLock<moka::sync::Cache<(plaza_types::Id, u64), Arc<Card>>> =
    LazyLock::new(|| {
        moka::sync::Cache::builder()
            .max_capacity(KEPT_BYTES)
            .weigher(|_, card: &Arc<Card>| u32::try_from(card.html.len()).unwrap_or(u32::MAX))
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
                let card = Arc::new(Card::render(layout, post).map_err(|_| fmt::Error)?);
                CARDS.insert(key, card.clone());
                card
            }
        };
        card.fill(f, layout, post)
    }
}

#[cfg(test)]
mod tests;
