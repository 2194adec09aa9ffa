//! Opaque keyset cursors. A cursor names the last item a page showed (or, for ranked lists, how
//! far the ranking was read); clients pass it back verbatim and never look inside.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Where the next page starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cursor {
    /// Items strictly before (for newest-first lists) or after (oldest-first) this key.
    Key(i64),
    /// Items after this many ranked items (popularity lists, whose order changes as they are read).
    Offset(u32),
}

/// The cursor was not one Plaza made.
#[derive(Debug, thiserror::Error)]
#[error("the cursor is not valid")]
pub struct BadCursor;

impl Cursor {
    /// The opaque text form.
    pub fn encode(self) -> String {
        let raw = match self {
            Cursor::Key(k) => format!("k{k}"),
            Cursor::Offset(o) => format!("o{o}"),
        };
        URL_SAFE_NO_PAD.encode(raw)
    }

    /// Parses a cursor made by [`Cursor::encode`].
    pub fn decode(text: &str) -> Result<Self, BadCursor> {
        if text.len() > 64 {
            return Err(BadCursor);
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| BadCursor)?;
        let raw = std::str::from_utf8(&bytes).map_err(|_| BadCursor)?;
        let (tag, rest) = raw.split_at_checked(1).ok_or(BadCursor)?;
        match tag {
            "k" => rest.parse().map(Cursor::Key).map_err(|_| BadCursor),
            "o" => rest.parse().map(Cursor::Offset).map_err(|_| BadCursor),
            _ => Err(BadCursor),
        }
    }

    /// The cursor a client sent, if it sent a non-empty one.
    fn given(text: Option<&str>) -> Option<&str> {
        text.filter(|t| !t.is_empty())
    }

    /// Decodes an optional cursor that must be a key cursor. An empty one (`?cursor=`) means
    /// the first page, as no cursor does.
    pub fn key_from(text: Option<&str>) -> Result<Option<i64>, BadCursor> {
        match Self::given(text).map(Cursor::decode).transpose()? {
            None => Ok(None),
            Some(Cursor::Key(k)) => Ok(Some(k)),
            Some(Cursor::Offset(_)) => Err(BadCursor),
        }
    }

    /// Decodes an optional cursor that must be an offset cursor (empty: the first page).
    pub fn offset_from(text: Option<&str>) -> Result<u32, BadCursor> {
        match Self::given(text).map(Cursor::decode).transpose()? {
            None => Ok(0),
            Some(Cursor::Offset(o)) => Ok(o),
            Some(Cursor::Key(_)) => Err(BadCursor),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip() {
        for c in [
            Cursor::Key(123456789012345),
            Cursor::Key(1),
            Cursor::Offset(40),
        ] {
            assert_eq!(Cursor::decode(&c.encode()).unwrap(), c);
        }
    }

    #[test]
    fn an_empty_cursor_means_the_first_page() {
        assert_eq!(Cursor::key_from(Some("")).ok(), Some(None));
        assert_eq!(Cursor::offset_from(Some("")).ok(), Some(0));
    }

    #[test]
    fn garbage_cursors_are_rejected() {
        for text in ["", "!!!", "eA", "azEyMw==", &"a".repeat(100)] {
            assert!(Cursor::decode(text).is_err(), "{text} should be rejected");
        }
    }

    #[test]
    fn a_key_cursor_is_not_an_offset_cursor() {
        let key = Cursor::Key(5).encode();
        assert!(Cursor::offset_from(Some(&key)).is_err());
        assert_eq!(Cursor::key_from(Some(&key)).unwrap(), Some(5));
        assert_eq!(Cursor::key_from(None).unwrap(), None);
    }
}
