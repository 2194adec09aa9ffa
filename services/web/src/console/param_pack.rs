//! The `X-Nintendo-ParamPack` header: what a Wii U or 3DS says about itself and the game that is
//! running on every request of the console API. It is base64 of `\key\value\key\value\` (ASCII,
//! the keys in no fixed order). The parser is strict: anything a console would not send is
//! refused with its own code, so a broken client learns exactly what is wrong.
//!
//! The fields (as consoles send them; every number decimal):
//! `title_id` (the running game, 64 bits; required), `platform_id` (0 = 3DS, 1 = Wii U;
//! required), `access_key` (the game's key from its metadata, 32 bits), `region_id` (a bit per
//! console region), `language_id`, `country_id`, `area_id`, `network_restriction`,
//! `friend_restriction`, `rating_restriction`, `rating_organization`, `transferable_id` (64 bits),
//! `tz_name` (text) and `utc_offset` (seconds, signed). Keys Plaza does not know are accepted and
//! ignored, as firmware versions differ.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};

/// The header's name.
pub const HEADER: &str = "x-nintendo-parampack";

/// The longest header accepted (a real one is about 400 characters).
pub const MAX_LEN: usize = 2048;

/// The console a request comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// Nintendo 3DS (`platform_id` 0).
    N3ds,
    /// Wii U (`platform_id` 1).
    WiiU,
}

impl Platform {
    /// The id consoles send.
    pub fn id(self) -> u8 {
        match self {
            Platform::N3ds => 0,
            Platform::WiiU => 1,
        }
    }

    /// The name Plaza stores on posts made from this console.
    pub fn name(self) -> &'static str {
        match self {
            Platform::N3ds => "3ds",
            Platform::WiiU => "wiiu",
        }
    }
}

/// A parsed ParamPack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamPack {
    pub title_id: u64,
    pub platform: Platform,
    pub access_key: Option<u32>,
    pub region_id: Option<u32>,
    pub language_id: Option<u8>,
    pub country_id: Option<u16>,
    pub area_id: Option<u32>,
    pub network_restriction: Option<u32>,
    pub friend_restriction: Option<u32>,
    pub rating_restriction: Option<u32>,
    pub rating_organization: Option<u32>,
    pub transferable_id: Option<u64>,
    pub tz_name: Option<String>,
    pub utc_offset: Option<i64>,
}

impl ParamPack {
    /// The title id as Plaza writes it: 16 upper-case hex digits.
    pub fn title_id_hex(&self) -> String {
        format!("{:016X}", self.title_id)
    }
}

/// Why a ParamPack was refused; each has its own stable code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamPackError {
    #[error("The X-Nintendo-ParamPack header is missing.")]
    Missing,
    #[error("The X-Nintendo-ParamPack header is longer than {MAX_LEN} characters.")]
    TooLong,
    #[error("The X-Nintendo-ParamPack header is not base64.")]
    NotBase64,
    #[error("The ParamPack is not text of the form \\key\\value\\key\\value\\.")]
    Malformed,
    #[error("The ParamPack has an odd number of fields: every key needs a value.")]
    OddFields,
    #[error("The ParamPack names the field {0} twice.")]
    DuplicateField(String),
    #[error("The ParamPack has no title_id.")]
    MissingTitleId,
    #[error("The ParamPack has no platform_id.")]
    MissingPlatform,
    #[error("The ParamPack's {0} is not a number in range.")]
    InvalidNumber(&'static str),
    #[error("The ParamPack's platform_id {0} is not a known console (0 = 3DS, 1 = Wii U).")]
    UnknownPlatform(String),
}

impl ParamPackError {
    /// The stable code of the refusal.
    pub fn code(&self) -> &'static str {
        match self {
            ParamPackError::Missing => "parampack_missing",
            ParamPackError::TooLong => "parampack_too_long",
            ParamPackError::NotBase64 => "parampack_not_base64",
            ParamPackError::Malformed => "parampack_malformed",
            ParamPackError::OddFields => "parampack_odd_fields",
            ParamPackError::DuplicateField(_) => "parampack_duplicate_field",
            ParamPackError::MissingTitleId => "parampack_missing_title_id",
            ParamPackError::MissingPlatform => "parampack_missing_platform",
            ParamPackError::InvalidNumber(_) => "parampack_invalid_number",
            ParamPackError::UnknownPlatform(_) => "parampack_unknown_platform",
        }
    }
}

/// The known numeric fields, named once so a value is checked against its own name.
const FIELDS: [&str; 14] = [
    "title_id",
    "platform_id",
    "access_key",
    "region_id",
    "language_id",
    "country_id",
    "area_id",
    "network_restriction",
    "friend_restriction",
    "rating_restriction",
    "rating_organization",
    "transferable_id",
    "tz_name",
    "utc_offset",
];

/// Parses the header's value.
pub fn parse(header: &str) -> Result<ParamPack, ParamPackError> {
    let header = header.trim();
    if header.is_empty() {
        return Err(ParamPackError::Missing);
    }
    if header.len() > MAX_LEN {
        return Err(ParamPackError::TooLong);
    }
    let bytes = STANDARD
        .decode(header)
        .or_else(|_| STANDARD_NO_PAD.decode(header))
        .map_err(|_| ParamPackError::NotBase64)?;
    let text = String::from_utf8(bytes).map_err(|_| ParamPackError::Malformed)?;
    let inner = text
        .strip_prefix('\\')
        .and_then(|t| t.strip_suffix('\\'))
        .ok_or(ParamPackError::Malformed)?;
    if inner.chars().any(char::is_control) {
        return Err(ParamPackError::Malformed);
    }
    let parts: Vec<&str> = inner.split('\\').collect();
    if !parts.len().is_multiple_of(2) {
        return Err(ParamPackError::OddFields);
    }
    let mut values: [Option<&str>; FIELDS.len()] = [None; FIELDS.len()];
    let mut seen_unknown: Vec<&str> = Vec::new();
    for pair in parts.chunks_exact(2) {
        let (key, value) = (pair[0], pair[1]);
        if key.is_empty() {
            return Err(ParamPackError::Malformed);
        }
        match FIELDS.iter().position(|f| *f == key) {
            Some(i) if values[i].is_some() => {
                return Err(ParamPackError::DuplicateField(key.to_owned()));
            }
            Some(i) => values[i] = Some(value),
            None if seen_unknown.contains(&key) => {
                return Err(ParamPackError::DuplicateField(key.to_owned()));
            }
            None => seen_unknown.push(key),
        }
    }
    let field = |name: &str| {
        FIELDS
            .iter()
            .position(|f| *f == name)
            .and_then(|i| values[i])
    };
    let title_id = number(
        "title_id",
        field("title_id").ok_or(ParamPackError::MissingTitleId)?,
    )?;
    let platform = match field("platform_id").ok_or(ParamPackError::MissingPlatform)? {
        "0" => Platform::N3ds,
        "1" => Platform::WiiU,
        other => {
            return Err(ParamPackError::UnknownPlatform(
                other.chars().take(20).collect(),
            ));
        }
    };
    Ok(ParamPack {
        title_id,
        platform,
        access_key: optional("access_key", field("access_key"))?,
        region_id: optional("region_id", field("region_id"))?,
        language_id: optional("language_id", field("language_id"))?,
        country_id: optional("country_id", field("country_id"))?,
        area_id: optional("area_id", field("area_id"))?,
        network_restriction: optional("network_restriction", field("network_restriction"))?,
        friend_restriction: optional("friend_restriction", field("friend_restriction"))?,
        rating_restriction: optional("rating_restriction", field("rating_restriction"))?,
        rating_organization: optional("rating_organization", field("rating_organization"))?,
        transferable_id: optional("transferable_id", field("transferable_id"))?,
        tz_name: field("tz_name")
            .filter(|t| !t.is_empty())
            .map(|t| t.chars().take(64).collect()),
        utc_offset: optional("utc_offset", field("utc_offset"))?,
    })
}

/// A decimal number of the field's type: digits only (a sign for signed fields), no spaces.
fn number<T: std::str::FromStr>(name: &'static str, text: &str) -> Result<T, ParamPackError> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ParamPackError::InvalidNumber(name));
    }
    text.parse()
        .map_err(|_| ParamPackError::InvalidNumber(name))
}

/// An optional number: absent or empty is none.
fn optional<T: std::str::FromStr>(
    name: &'static str,
    text: Option<&str>,
) -> Result<Option<T>, ParamPackError> {
    match text {
        None | Some("") => Ok(None),
        Some(t) => number(name, t).map(Some),
    }
}

/// Encodes fields as a console does (for tests and tools).
pub fn encode(fields: &[(&str, &str)]) -> String {
    let mut text = String::from("\\");
    for (key, value) in fields {
        text.push_str(key);
        text.push('\\');
        text.push_str(value);
        text.push('\\');
    }
    STANDARD.encode(text)
}

#[cfg(test)]
mod tests;
