//! The interface's languages (English and Japanese): message catalogs (`locales/<lang>.toml`,
//! compiled into the binary and parsed once at start), the [`Locale`] every page renders with,
//! and how a request's language is chosen (the account's setting, then the `plaza_lang` cookie,
//! then `Accept-Language`, then English).

pub mod accept;
pub mod format;
#[cfg(test)]
mod tests;
pub mod text;

use anyhow::Context;
use axum::http::HeaderMap;
use axum_extra::extract::CookieJar;
use chrono::{DateTime, Utc};
use std::sync::Arc;

pub use text::fill;

/// The cookie that remembers a signed-out visitor's language choice.
pub const LANG_COOKIE: &str = "plaza_lang";

/// A language the interface is translated into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Ja,
}

impl Lang {
    /// Every language, the default first.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ja];

    /// The BCP 47 code (`<html lang>`, the cookie and the account setting).
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }

    /// The language of a tag such as `ja`, `ja-JP` or `EN-gb` (its primary subtag).
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?;
        Lang::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(primary))
    }

    /// The language's own name for itself, for the language choices.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ja => "日本語",
        }
    }

    fn source(self) -> &'static str {
        match self {
            Lang::En => include_str!("../../../../locales/en.toml"),
            Lang::Ja => include_str!("../../../../locales/ja.toml"),
        }
    }
}

/// One language's messages, by dotted key (`nav.communities`, `post.comments.other`).
#[derive(Debug, Default)]
pub struct Catalog {
    messages: foldhash::HashMap<String, String>,
}

impl Catalog {
    /// Parses a catalog: TOML tables of strings, flattened to dotted keys.
    pub fn parse(source: &str) -> anyhow::Result<Self> {
        let table: toml::Table = source.parse().context("the catalog is not valid TOML")?;
        let mut messages = foldhash::HashMap::default();
        flatten("", &table, &mut messages)?;
        Ok(Catalog { messages })
    }

    /// The message for `key`, if the catalog has it.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.messages.get(key).map(String::as_str)
    }

    /// Every key, in no particular order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.messages.keys().map(String::as_str)
    }

    /// Every (key, message), in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        self.messages.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

fn flatten(
    prefix: &str,
    table: &toml::Table,
    out: &mut foldhash::HashMap<String, String>,
) -> anyhow::Result<()> {
    for (name, value) in table {
        let key = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        match value {
            toml::Value::String(s) => {
                out.insert(key, s.clone());
            }
            toml::Value::Table(t) => flatten(&key, t, out)?,
            _ => anyhow::bail!("catalog key {key} is not a string"),
        }
    }
    Ok(())
}

/// Every language's catalog, parsed once at start and shared by the handlers.
#[derive(Debug)]
pub struct Catalogs {
    en: Catalog,
    ja: Catalog,
}

impl Catalogs {
    /// Parses the catalogs compiled into the binary; a broken catalog stops the start.
    pub fn load() -> anyhow::Result<Self> {
        let parse = |lang: Lang| {
            Catalog::parse(lang.source())
                .with_context(|| format!("parsing locales/{}.toml", lang.code()))
        };
        Ok(Catalogs {
            en: parse(Lang::En)?,
            ja: parse(Lang::Ja)?,
        })
    }

    /// The catalog of `lang`.
    pub fn catalog(&self, lang: Lang) -> &Catalog {
        match lang {
            Lang::En => &self.en,
            Lang::Ja => &self.ja,
        }
    }
}

/// Chooses the language for a request: the account's setting (`""` when it follows the
/// browser), else the `plaza_lang` cookie, else the best `Accept-Language` match, else English.
pub fn choose(headers: &HeaderMap, account_setting: Option<&str>) -> Lang {
    if let Some(lang) = account_setting.and_then(Lang::from_tag) {
        return lang;
    }
    let jar = CookieJar::from_headers(headers);
    if let Some(lang) = jar.get(LANG_COOKIE).and_then(|c| Lang::from_tag(c.value())) {
        return lang;
    }
    headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(accept::best)
        .unwrap_or_default()
}

/// A language with its catalog and the moment the page is rendered (for "3 minutes ago"):
/// what templates translate and format with.
#[derive(Debug, Clone)]
pub struct Locale {
    lang: Lang,
    catalogs: Arc<Catalogs>,
    now: DateTime<Utc>,
}

impl Locale {
    /// `lang`'s messages, rendering now.
    pub fn new(catalogs: Arc<Catalogs>, lang: Lang) -> Self {
        Locale {
            lang,
            catalogs,
            now: Utc::now(),
        }
    }

    /// The same language at another moment (tests of what reads "ago").
    #[cfg(test)]
    pub fn at(&self, now: DateTime<Utc>) -> Self {
        Locale {
            now,
            ..self.clone()
        }
    }

    /// The same moment in another language.
    pub fn with_lang(&self, lang: Lang) -> Self {
        Locale {
            lang,
            ..self.clone()
        }
    }

    /// The language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The message for `key`. A missing key (the tests keep every used key in every catalog)
    /// falls back to English, then to the key itself, so a page still renders.
    pub fn t<'a>(&'a self, key: &'a str) -> &'a str {
        self.lookup(key).unwrap_or(key)
    }

    fn lookup(&self, key: &str) -> Option<&str> {
        self.catalogs
            .catalog(self.lang)
            .get(key)
            .or_else(|| self.catalogs.catalog(Lang::En).get(key))
    }

    /// [`Self::lookup`] of `prefix.name`, the key put together on the stack: a page looks up
    /// a plural form, a feeling or a Yeah button per post.
    fn lookup_joined(&self, prefix: &str, name: &str) -> Option<&str> {
        let mut buf = [0u8; 64];
        let len = prefix.len() + 1 + name.len();
        if len > buf.len() {
            return self.lookup(&format!("{prefix}.{name}"));
        }
        buf[..prefix.len()].copy_from_slice(prefix.as_bytes());
        buf[prefix.len()] = b'.';
        buf[prefix.len() + 1..len].copy_from_slice(name.as_bytes());
        // Two whole `str`s and an ASCII dot: always UTF-8.
        std::str::from_utf8(&buf[..len])
            .ok()
            .and_then(|key| self.lookup(key))
    }

    /// The message for `key` if the current catalog has it.
    pub fn try_t(&self, key: &str) -> Option<&str> {
        self.catalogs.catalog(self.lang).get(key)
    }

    /// A counted message: `key.one` or `key.other` by the language's plural rule, with `{n}`
    /// formatted with thousands separators.
    pub fn tn(&self, key: &str, n: i64) -> String {
        self.counted(key, n).to_string()
    }

    /// [`Self::tn`] as it is written into a page, with no string of its own.
    pub fn counted<'a>(&'a self, key: &'a str, n: i64) -> format::Counted<'a> {
        let form = format::plural_form(self.lang, n);
        format::Counted {
            message: self.lookup_joined(key, form).unwrap_or(key),
            n: self.grouped(n),
        }
    }

    /// A message with one named placeholder filled in (`{name}`).
    pub fn tv(&self, key: &str, name: &str, value: &str) -> String {
        self.filled(key, name, value).to_string()
    }

    /// [`Self::tv`] as it is written into a page, with no string of its own.
    pub fn filled<'a>(&'a self, key: &'a str, name: &'a str, value: &'a str) -> text::Filled<'a> {
        text::Filled {
            message: self.t(key),
            name,
            value,
        }
    }

    /// The text before `{link}` in a message that wraps a link (`"<a>Sign in</a> to post"`).
    pub fn before<'a>(&'a self, key: &'a str) -> &'a str {
        let message = self.t(key);
        message.split_once("{link}").map_or(message, |(b, _)| b)
    }

    /// The text after `{link}` in a message that wraps a link.
    pub fn after<'a>(&'a self, key: &'a str) -> &'a str {
        self.t(key).split_once("{link}").map_or("", |(_, a)| a)
    }

    /// A count with the language's thousands separator: 12,345.
    pub fn number(&self, n: i64) -> String {
        self.grouped(n).to_string()
    }

    /// [`Self::number`] as it is written into a page.
    pub fn grouped(&self, n: i64) -> format::Grouped<'_> {
        format::Grouped {
            n,
            separator: self.t("format.thousands"),
        }
    }

    /// A calendar date: "Nov 22, 2026" / "2026年11月22日".
    pub fn date(&self, at: &DateTime<Utc>) -> String {
        format::date(at, |k| self.lookup(k).unwrap_or_default().to_owned())
    }

    /// How long ago, for the last week ("3 minutes ago" / "3分前"), else the date.
    pub fn ago(&self, at: &DateTime<Utc>) -> String {
        self.ago_text(at).to_string()
    }

    /// [`Self::ago`] as it is written into a page.
    pub fn ago_text(&self, at: &DateTime<Utc>) -> format::Ago<'_> {
        match format::elapsed(self.now, *at) {
            format::Elapsed::JustNow => format::Ago::Text(self.t("time.just_now")),
            format::Elapsed::Minutes(n) => {
                format::Ago::Counted(self.counted("time.minutes_ago", n))
            }
            format::Elapsed::Hours(n) => format::Ago::Counted(self.counted("time.hours_ago", n)),
            format::Elapsed::Days(n) => format::Ago::Counted(self.counted("time.days_ago", n)),
            format::Elapsed::Long => format::Ago::Date(self.date(at)),
        }
    }

    /// A feeling's name ("Happy" / "うれしい").
    pub fn feeling<'a>(&'a self, name: &'a str) -> &'a str {
        self.lookup_joined("feeling", name).unwrap_or(name)
    }

    /// The Yeah button's words for a post of a feeling ("Yeah!", "Yeah♥", "Yeah!?" …).
    pub fn yeah(&self, feeling: &str) -> &str {
        self.lookup_joined("yeah", feeling)
            .or_else(|| self.lookup("yeah.normal"))
            .unwrap_or("Yeah!")
    }

    /// The message for an error code, or `fallback` (the English message) when there is none.
    pub fn error(&self, code: &str, fallback: &str) -> String {
        self.try_t(&format!("error.{code}"))
            .map_or_else(|| fallback.to_owned(), str::to_owned)
    }
}
