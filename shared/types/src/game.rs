//! What a game adds to a post, and the rules for it: title ids, `app_data`, search keys. The web
//! service checks them before anything is stored, and the timeline service again (as it does
//! for bodies), so both answer the same codes.

use crate::validate::Invalid;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The most bytes of `app_data` a post carries.
pub const APP_DATA_MAX: usize = 1024;
/// The most search keys a post carries.
pub const SEARCH_KEYS_MAX: usize = 5;
/// The most characters of one search key.
pub const SEARCH_KEY_MAX_CHARS: usize = 32;

/// A post's game fields (set only on posts a game made through an app key or the console API).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub struct GameFields {
    /// The title that posted it: 16 upper-case hex digits.
    pub title_id: String,
    /// The game's opaque bytes, at most [`APP_DATA_MAX`] (internally a JSON array of bytes).
    #[serde(default)]
    pub app_data: Option<Vec<u8>>,
    /// At most [`SEARCH_KEYS_MAX`] keys of at most [`SEARCH_KEY_MAX_CHARS`] characters.
    #[serde(default)]
    pub search_keys: Vec<String>,
    /// Posted by the game on the player's behalf (shown as such).
    #[serde(default)]
    pub is_autopost: bool,
    /// The post offers "open in game" with its `app_data`.
    #[serde(default)]
    pub is_app_jumpable: bool,
}

fn invalid(code: &'static str, message: impl Into<String>) -> Invalid {
    Invalid {
        code,
        message: message.into(),
    }
}

/// A 64-bit title id as Plaza writes it: exactly 16 hex digits (either case in), upper-case out.
pub fn title_id(text: &str) -> Result<String, Invalid> {
    let t = text.trim();
    if t.len() != 16 || !t.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(invalid(
            "malformed_title_id",
            "A title id is 16 hexadecimal digits, e.g. 0005000010101E00.",
        ));
    }
    Ok(t.to_ascii_uppercase())
}

/// `app_data` of at most [`APP_DATA_MAX`] bytes.
pub fn app_data(bytes: &[u8]) -> Result<(), Invalid> {
    if bytes.len() > APP_DATA_MAX {
        return Err(invalid(
            "app_data_too_large",
            "app_data is at most 1024 bytes.",
        ));
    }
    Ok(())
}

/// One search key: 1–32 characters on one line, kept as given (trimmed).
pub fn search_key(key: &str) -> Result<String, Invalid> {
    let k = key.trim();
    if k.is_empty() || k.chars().count() > SEARCH_KEY_MAX_CHARS || k.chars().any(char::is_control) {
        return Err(invalid(
            "invalid_search_key",
            "A search key is 1 to 32 characters on one line.",
        ));
    }
    Ok(k.to_owned())
}

/// A post's search keys: at most [`SEARCH_KEYS_MAX`], each valid; repeats are kept once.
pub fn search_keys(keys: &[String]) -> Result<Vec<String>, Invalid> {
    if keys.len() > SEARCH_KEYS_MAX {
        return Err(invalid(
            "too_many_search_keys",
            "A post has at most 5 search keys.",
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(keys.len());
    for key in keys {
        let key = search_key(key)?;
        if !out.contains(&key) {
            out.push(key);
        }
    }
    Ok(out)
}

/// Checks every game field of a post; returns them normalised.
pub fn fields(fields: &GameFields) -> Result<GameFields, Invalid> {
    if let Some(data) = &fields.app_data {
        app_data(data)?;
    }
    Ok(GameFields {
        title_id: title_id(&fields.title_id)?,
        app_data: fields.app_data.clone().filter(|d| !d.is_empty()),
        search_keys: search_keys(&fields.search_keys)?,
        is_autopost: fields.is_autopost,
        is_app_jumpable: fields.is_app_jumpable,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_ids_are_sixteen_hex_digits_written_upper_case() {
        assert_eq!(title_id("0005000010101e00").unwrap(), "0005000010101E00");
        for bad in [
            "",
            "0005000010101E0",
            "0005000010101E000",
            "000500001010XE00",
        ] {
            assert_eq!(
                title_id(bad).unwrap_err().code,
                "malformed_title_id",
                "{bad}"
            );
        }
    }

    #[test]
    fn app_data_is_at_most_1024_bytes() {
        assert!(app_data(&[0; 1024]).is_ok());
        assert_eq!(app_data(&[0; 1025]).unwrap_err().code, "app_data_too_large");
    }

    #[test]
    fn search_keys_are_few_short_and_on_one_line() {
        let five: Vec<String> = (0..5).map(|i| format!("k{i}")).collect();
        assert_eq!(search_keys(&five).unwrap().len(), 5);
        let six: Vec<String> = (0..6).map(|i| format!("k{i}")).collect();
        assert_eq!(search_keys(&six).unwrap_err().code, "too_many_search_keys");
        assert_eq!(
            search_keys(&["x".repeat(33)]).unwrap_err().code,
            "invalid_search_key"
        );
        assert!(search_keys(&["é".repeat(32)]).is_ok());
        assert_eq!(
            search_keys(&["a\nb".into()]).unwrap_err().code,
            "invalid_search_key"
        );
        assert_eq!(
            search_keys(&["a".into(), " a ".into()]).unwrap(),
            vec!["a".to_owned()]
        );
    }
}
