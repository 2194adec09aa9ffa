//! HTML with holes: rendered once with a per-process random mark wherever a reader's own part
//! goes, then kept with the marks cut out, and filled in for each reader by copying. A post's
//! card (`handlers::pages::cards`) has four kinds of holes; a page kept for every signed-out
//! reader (`handlers::pages::ForAnyone`) has its CSRF token as its only holes.

use std::fmt::{self, Display};
use std::sync::LazyLock;

/// One reader's part of rendered HTML.
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

    /// What HTML is rendered with where this hole goes.
    pub fn mark(self) -> &'static str {
        &MARKS[self as usize]
    }

    fn of(letter: char) -> Option<Hole> {
        HOLES.into_iter().find(|h| h.letter() == letter)
    }
}

/// A value, or (in HTML rendered with holes) the hole it goes into.
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

/// Rendered HTML with holes: the HTML without its marks, and where each hole goes in it.
#[derive(Debug)]
pub struct Holed {
    html: String,
    holes: Vec<(usize, Hole)>,
}

impl Holed {
    /// `rendered` with its marks taken out and noted as holes.
    pub fn cut(rendered: &str) -> Holed {
        let mut holed = Holed {
            html: String::with_capacity(rendered.len()),
            holes: Vec::new(),
        };
        let mut rest = rendered;
        while let Some(at) = rest.find(MARK.as_str()) {
            let after = &rest[at + MARK.len()..];
            let hole = after.chars().next().and_then(Hole::of);
            holed.html.push_str(&rest[..at]);
            match hole {
                Some(hole) => {
                    holed.holes.push((holed.html.len(), hole));
                    rest = &after[1..];
                }
                // Not a mark after all (no hole's letter follows): kept as it is.
                None => {
                    holed.html.push_str(&MARK);
                    rest = after;
                }
            }
        }
        holed.html.push_str(rest);
        holed
    }

    /// How many bytes of HTML it keeps.
    pub fn bytes(&self) -> usize {
        self.html.len()
    }

    /// Writes the HTML into `out`, with `fill` writing each hole.
    pub fn write<W: fmt::Write>(
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

    /// A page with `csrf` (a token: letters, digits, `-` and `_`) in its CSRF holes; any other
    /// hole (a page kept for signed-out readers has none) keeps its mark.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cutting_notes_each_hole_where_its_mark_was() {
        let rendered = format!(
            "<a>{}</a>{}{}x{}",
            Hole::Csrf.mark(),
            Hole::Ago.mark(),
            Hole::Path.mark(),
            Hole::FormKey.mark()
        );
        let holed = Holed::cut(&rendered);
        assert_eq!(holed.html, "<a></a>x");
        assert_eq!(
            holed.holes,
            vec![
                (3, Hole::Csrf),
                (7, Hole::Ago),
                (7, Hole::Path),
                (8, Hole::FormKey)
            ]
        );
    }

    #[test]
    fn a_page_for_signed_out_readers_gets_each_readers_token_in_every_csrf_hole() {
        let mark = Hole::Csrf.mark();
        let page = Holed::cut(&format!(
            "<form><input value=\"{mark}\"></form><form><input value=\"{mark}\"></form>"
        ));
        assert_eq!(
            page.with_csrf("tok_1"),
            "<form><input value=\"tok_1\"></form><form><input value=\"tok_1\"></form>"
        );
        assert_eq!(
            page.with_csrf("tok_2"),
            "<form><input value=\"tok_2\"></form><form><input value=\"tok_2\"></form>"
        );
    }
}
