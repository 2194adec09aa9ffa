//! `Accept-Language` (RFC 9110 §12.5.4): the supported language the browser likes best.

use super::Lang;

/// The supported language with the highest quality in an `Accept-Language` value; among equal
/// qualities the first listed wins. `q=0` refuses a language, as does a quality that is not a
/// number from 0 to 1; `*` accepts the default. Parsing and ordering by quality is the
/// `accept-language` crate's.
pub fn best(header: &str) -> Option<Lang> {
    accept_language::parse_with_quality(header)
        .into_iter()
        .filter(|(_, quality)| *quality > 0.0 && *quality <= 1.0)
        .find_map(|(tag, _)| {
            if tag == "*" {
                Some(Lang::default())
            } else {
                Lang::from_tag(&tag)
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highest_quality_supported_language_wins() {
        assert_eq!(best("ja"), Some(Lang::Ja));
        assert_eq!(best("ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7"), Some(Lang::Ja));
        assert_eq!(best("en;q=0.5, ja;q=0.8"), Some(Lang::Ja));
        assert_eq!(best("ja;q=0.5, EN-gb;q=0.8"), Some(Lang::En));
        assert_eq!(best("fr-FR, fr;q=0.9, ja;q=0.1"), Some(Lang::Ja));
    }

    #[test]
    fn ties_go_to_the_first_listed() {
        assert_eq!(best("en, ja"), Some(Lang::En));
        assert_eq!(best("ja;q=0.7, en;q=0.7"), Some(Lang::Ja));
    }

    #[test]
    fn refused_unknown_and_malformed_entries_are_skipped() {
        assert_eq!(best("ja;q=0, en;q=0.1"), Some(Lang::En));
        assert_eq!(best("ja;q=0.000"), None);
        assert_eq!(best("fr, de"), None);
        assert_eq!(best(""), None);
        assert_eq!(best("ja;q=2, en;q=0.3"), Some(Lang::En));
        assert_eq!(best("ja;q=abc"), None);
        assert_eq!(best("*;q=0.5, fr"), Some(Lang::En));
    }
}
