//! `Accept-Language` (RFC 9110 §12.5.4): the supported language the browser likes best.

use super::Lang;

/// The supported language with the highest quality in an `Accept-Language` value; among equal
/// qualities the first listed wins. `q=0` refuses a language; `*` accepts the default.
pub fn best(header: &str) -> Option<Lang> {
    let mut best: Option<(Lang, u16)> = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let tag = parts.next().unwrap_or_default().trim();
        let quality = parts
            .find_map(|p| {
                let (name, value) = p.split_once('=')?;
                (name.trim().eq_ignore_ascii_case("q")).then(|| quality(value.trim()))
            })
            .unwrap_or(Some(1000));
        let Some(quality) = quality.filter(|q| *q > 0) else {
            continue;
        };
        let lang = if tag == "*" {
            Some(Lang::default())
        } else {
            Lang::from_tag(tag)
        };
        if let Some(lang) = lang
            && best.is_none_or(|(_, q)| quality > q)
        {
            best = Some((lang, quality));
        }
    }
    best.map(|(lang, _)| lang)
}

/// A quality value (`0` to `1` with up to three decimals) in thousandths; `None` if malformed.
fn quality(value: &str) -> Option<u16> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: u16 = match whole {
        "0" => 0,
        "1" => 1,
        _ => return None,
    };
    let mut thousandths = 0u16;
    for (i, digit) in fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .enumerate()
    {
        let place = [100u16, 10, 1][i];
        thousandths += u16::from(digit - b'0') * place;
    }
    let q = whole * 1000 + thousandths;
    (q <= 1000).then_some(q)
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
