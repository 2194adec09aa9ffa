//! Numbers, dates and plural forms for a language, from the catalog's patterns (`format.*`,
//! `month.*`, `time.*`): 12,345; "Nov 22, 2026" / "2026年11月22日"; "3 minutes ago" / "3分前".

use super::{Lang, fill};
use chrono::{DateTime, Datelike, Timelike, Utc};
use intl_pluralrules::{PluralCategory, PluralRuleType, PluralRules};
use std::fmt::{self, Write as _};
use std::sync::LazyLock;
use unic_langid::LanguageIdentifier;

/// The plural form (CLDR category) a count takes in `lang`, by the Unicode plural rules of the
/// `intl_pluralrules` crate: English has "one" and "other", Japanese only "other".
pub fn plural_form(lang: Lang, n: i64) -> &'static str {
    match rules(lang).and_then(|rules| rules.select(n).ok()) {
        Some(PluralCategory::ZERO) => "zero",
        Some(PluralCategory::ONE) => "one",
        Some(PluralCategory::TWO) => "two",
        Some(PluralCategory::FEW) => "few",
        Some(PluralCategory::MANY) => "many",
        Some(PluralCategory::OTHER) | None => "other",
    }
}

/// `lang`'s cardinal plural rules, made once: a page asks for dozens of plural forms, and
/// making the rules (parsing the language tag, finding its rule) costs more than using them.
fn rules(lang: Lang) -> Option<&'static PluralRules> {
    static RULES: LazyLock<Vec<(Lang, Option<PluralRules>)>> = LazyLock::new(|| {
        Lang::ALL
            .into_iter()
            .map(|lang| {
                let rules = lang
                    .code()
                    .parse::<LanguageIdentifier>()
                    .ok()
                    .and_then(|id| PluralRules::create(id, PluralRuleType::CARDINAL).ok());
                (lang, rules)
            })
            .collect()
    });
    RULES
        .iter()
        .find(|(l, _)| *l == lang)
        .and_then(|(_, rules)| rules.as_ref())
}

/// `n` with `separator` between groups of three digits.
pub fn group_thousands(n: i64, separator: &str) -> String {
    Grouped { n, separator }.to_string()
}

/// `n` with `separator` between groups of three digits, written as it is displayed (a page
/// shows a few per post).
#[derive(Debug, Clone, Copy)]
pub struct Grouped<'a> {
    pub n: i64,
    pub separator: &'a str,
}

impl fmt::Display for Grouped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buffer = itoa::Buffer::new();
        let digits = buffer.format(self.n.unsigned_abs());
        if self.n < 0 {
            f.write_char('-')?;
        }
        let first = match digits.len() % 3 {
            0 => 3,
            r => r,
        };
        f.write_str(&digits[..first])?;
        let mut at = first;
        while at < digits.len() {
            f.write_str(self.separator)?;
            f.write_str(&digits[at..at + 3])?;
            at += 3;
        }
        Ok(())
    }
}

/// A counted message (`{n}` grouped by thousands), filled as it is written.
#[derive(Debug, Clone, Copy)]
pub struct Counted<'a> {
    pub message: &'a str,
    pub n: Grouped<'a>,
}

impl fmt::Display for Counted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::text::fill_into(f, self.message, &[("n", self.n)])
    }
}

/// How long ago, as written on a page: a message, a counted message or a date.
#[derive(Debug, Clone)]
pub enum Ago<'a> {
    Text(&'a str),
    Counted(Counted<'a>),
    Date(String),
}

impl fmt::Display for Ago<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ago::Text(text) => f.write_str(text),
            Ago::Counted(counted) => counted.fmt(f),
            Ago::Date(date) => f.write_str(date),
        }
    }
}

/// A date by the catalog's `format.date` pattern (`{year}`, `{month}`, `{month_name}`, `{day}`).
pub fn date(at: &DateTime<Utc>, message: impl Fn(&str) -> String) -> String {
    let month = at.month().to_string();
    let month_name = message(&format!("month.{month}"));
    fill(
        &message("format.date"),
        &[
            ("year", &at.year().to_string()),
            ("month", &month),
            ("month_name", &month_name),
            ("day", &at.day().to_string()),
        ],
    )
}

/// A moment as `2026-11-22 12:34 UTC` (the title of every `<time>`), written field by field: a
/// page shows one per post, and chrono's `format` parses its pattern each time.
#[derive(Debug, Clone, Copy)]
pub struct Stamp(pub DateTime<Utc>);

impl fmt::Display for Stamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        date_and_minute(f, self.0, ' ')?;
        f.write_str(" UTC")
    }
}

/// `2026-11-22` then `between` then `12:34`.
fn date_and_minute(f: &mut fmt::Formatter<'_>, at: DateTime<Utc>, between: char) -> fmt::Result {
    write!(
        f,
        "{:04}-{:02}-{:02}{between}{:02}:{:02}",
        at.year(),
        at.month(),
        at.day(),
        at.hour(),
        at.minute()
    )
}

/// A moment as RFC 3339 (`2026-11-22T12:34:56.789+00:00`, a `<time>`'s `datetime`), the same
/// text as chrono's `to_rfc3339` (fractions of a second in 3, 6 or 9 digits, none when zero),
/// written without a string of its own.
#[derive(Debug, Clone, Copy)]
pub struct Iso(pub DateTime<Utc>);

impl fmt::Display for Iso {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        date_and_minute(f, self.0, 'T')?;
        write!(f, ":{:02}", self.0.second())?;
        let nanos = self.0.nanosecond();
        match nanos {
            0 => {}
            n if n % 1_000_000 == 0 => write!(f, ".{:03}", n / 1_000_000)?,
            n if n % 1_000 == 0 => write!(f, ".{:06}", n / 1_000)?,
            n => write!(f, ".{n:09}")?,
        }
        f.write_str("+00:00")
    }
}

/// How long ago something happened, in the unit a person would say it in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Elapsed {
    JustNow,
    Minutes(i64),
    Hours(i64),
    Days(i64),
    /// A week or more (or in the future): show the date.
    Long,
}

/// The time from `then` to `now`.
pub fn elapsed(now: DateTime<Utc>, then: DateTime<Utc>) -> Elapsed {
    let seconds = (now - then).num_seconds();
    match seconds {
        // A clock a little ahead on another node still reads as "just now".
        -60..60 => Elapsed::JustNow,
        60..3600 => Elapsed::Minutes(seconds / 60),
        3600..86_400 => Elapsed::Hours(seconds / 3600),
        86_400..604_800 => Elapsed::Days(seconds / 86_400),
        _ => Elapsed::Long,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(group_thousands(0, ","), "0");
        assert_eq!(group_thousands(999, ","), "999");
        assert_eq!(group_thousands(1000, ","), "1,000");
        assert_eq!(group_thousands(1_234_567, ","), "1,234,567");
        assert_eq!(group_thousands(-12_345, ","), "-12,345");
        assert_eq!(group_thousands(i64::MIN, ","), "-9,223,372,036,854,775,808");
    }

    #[test]
    fn a_stamp_reads_as_the_strftime_pattern_it_replaces() {
        let pattern = "%Y-%m-%d %H:%M UTC";
        for at in [
            Utc.with_ymd_and_hms(2026, 11, 22, 9, 5, 59).unwrap(),
            Utc.with_ymd_and_hms(999, 1, 2, 23, 0, 0).unwrap(),
            Utc.with_ymd_and_hms(2024, 2, 29, 0, 59, 1).unwrap(),
        ] {
            assert_eq!(Stamp(at).to_string(), at.format(pattern).to_string());
        }
    }

    #[test]
    fn an_iso_moment_reads_as_chrono_writes_it() {
        let base = Utc.with_ymd_and_hms(2026, 11, 22, 9, 5, 59).unwrap();
        for nanos in [0, 644_000_000, 5_000_000, 123_456_000, 1, 999_999_999] {
            let at = base + chrono::Duration::nanoseconds(nanos);
            assert_eq!(Iso(at).to_string(), at.to_rfc3339());
        }
    }

    #[test]
    fn elapsed_time_is_said_in_the_largest_whole_unit() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        let ago = |s: i64| elapsed(now, now - chrono::Duration::seconds(s));
        assert_eq!(ago(5), Elapsed::JustNow);
        assert_eq!(ago(-30), Elapsed::JustNow);
        assert_eq!(ago(3 * 60 + 59), Elapsed::Minutes(3));
        assert_eq!(ago(2 * 3600), Elapsed::Hours(2));
        assert_eq!(ago(3 * 86_400 + 10), Elapsed::Days(3));
        assert_eq!(ago(8 * 86_400), Elapsed::Long);
        assert_eq!(ago(-3600), Elapsed::Long);
    }

    #[test]
    fn plural_forms_follow_the_language() {
        assert_eq!(plural_form(Lang::En, 1), "one");
        assert_eq!(plural_form(Lang::En, 0), "other");
        assert_eq!(plural_form(Lang::En, 2), "other");
        assert_eq!(plural_form(Lang::En, 1_000_001), "other");
        assert_eq!(plural_form(Lang::Ja, 1), "other");
        assert_eq!(plural_form(Lang::Ja, 0), "other");
    }
}
