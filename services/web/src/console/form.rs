//! What a console sends besides its headers: query parameters and the multipart form of a new
//! post, read strictly (a value a console would not send is refused with its own code).

use super::{ConsoleError, ConsoleResult};
use crate::ops::games::GameWrite;
use axum::extract::Multipart;
use axum::http::StatusCode;
use plaza_types::Id;
use plaza_types::api::posts::WriteInput;

/// The query's parameters in order (a key may repeat).
pub fn query(raw: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect()
}

/// The first value of `key`, if given and not empty.
pub fn param<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// A 0/1 flag (`true`/`false` too); 400 `invalid_flag` otherwise.
pub fn flag(name: &str, value: &str) -> ConsoleResult<bool> {
    match value.trim() {
        "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err(ConsoleError::bad_request(
            "invalid_flag",
            format!("{name} is 0 or 1."),
        )),
    }
}

/// A decimal number of the type asked for; 400 with `code` otherwise.
pub fn number<T: std::str::FromStr>(
    code: &'static str,
    name: &str,
    value: &str,
) -> ConsoleResult<T> {
    let v = value.trim();
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ConsoleError::bad_request(
            code,
            format!("{name} is a decimal number."),
        ));
    }
    v.parse()
        .map_err(|_| ConsoleError::bad_request(code, format!("{name} is out of range.")))
}

/// A community id in a path: `0` is the title's main community (none).
pub fn community_id(text: &str) -> ConsoleResult<Option<Id>> {
    let id: i64 = number("invalid_community_id", "The community id", text)?;
    Ok((id != 0).then_some(Id(id)))
}

/// A post id in a path.
pub fn post_id(text: &str) -> ConsoleResult<Id> {
    let id: i64 = number("invalid_post_id", "The post id", text)?;
    if id <= 0 {
        return Err(ConsoleError::bad_request(
            "invalid_post_id",
            "The post id is a positive number.",
        ));
    }
    Ok(Id(id))
}

/// The most bytes each text field of a post may have as sent (before checks of its content).
fn field_cap(name: &str) -> usize {
    match name {
        // A screenshot is base64 of a JPEG of at most 8 MiB.
        "screenshot" => 11 * 1024 * 1024 + 1024,
        // A painting is base64 of at most 40,960 bytes, with line breaks.
        "painting" => 64 * 1024,
        "body" => 8 * 1024,
        _ => 2048,
    }
}

/// A new post as a console sends it.
#[derive(Debug, Default)]
pub struct NewPost {
    /// None for the title's main community (`0` or absent).
    pub community_id: Option<Id>,
    pub write: GameWrite,
    pub language_id: Option<u8>,
}

/// Reads the multipart form of `POST /v1/posts`. Fields a console sends that Plaza has no use for
/// are skipped; a field Plaza reads may appear once (`search_key` up to five times, checked by
/// the games rules).
pub async fn new_post(mut form: Multipart) -> ConsoleResult<NewPost> {
    let mut post = NewPost::default();
    let mut seen: Vec<String> = Vec::new();
    let mut write = WriteInput {
        body: String::new(),
        feeling: 0,
        spoiler: false,
        topic_tag: None,
        painting: None,
        drawing_alt: None,
        screenshot: None,
        screenshot_type: None,
    };
    let mut app_data = None;
    loop {
        let field = match form.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(multipart_error(&e.body_text())),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let known = [
            "community_id",
            "body",
            "painting",
            "screenshot",
            "app_data",
            "feeling_id",
            "search_key",
            "topic_tag",
            "is_autopost",
            "is_spoiler",
            "is_app_jumpable",
            "language_id",
        ];
        if !known.contains(&name.as_str()) {
            continue;
        }
        if name != "search_key" {
            if seen.contains(&name) {
                return Err(ConsoleError::bad_request(
                    "duplicate_field",
                    format!("The form names {name} twice."),
                ));
            }
            seen.push(name.clone());
        }
        let bytes = field
            .bytes()
            .await
            .map_err(|e| multipart_error(&e.body_text()))?;
        if bytes.len() > field_cap(&name) {
            return Err(ConsoleError::refused(
                StatusCode::PAYLOAD_TOO_LARGE,
                "field_too_large",
                format!("The form's {name} is too large."),
            ));
        }
        let value = String::from_utf8(bytes.to_vec()).map_err(|_| {
            ConsoleError::bad_request(
                "invalid_multipart",
                format!("The form's {name} is not UTF-8 text."),
            )
        })?;
        match name.as_str() {
            "community_id" => post.community_id = community_id(&value)?,
            "body" => write.body = value,
            "painting" => write.painting = Some(value).filter(|v| !v.trim().is_empty()),
            "screenshot" => write.screenshot = Some(value).filter(|v| !v.trim().is_empty()),
            "app_data" => app_data = Some(value),
            "feeling_id" => write.feeling = number("invalid_feeling", "feeling_id", &value)?,
            "search_key" => post.write.search_keys.push(value),
            "topic_tag" => write.topic_tag = Some(value).filter(|v| !v.trim().is_empty()),
            "is_autopost" => post.write.is_autopost = flag("is_autopost", &value)?,
            "is_spoiler" => write.spoiler = flag("is_spoiler", &value)?,
            "is_app_jumpable" => post.write.is_app_jumpable = flag("is_app_jumpable", &value)?,
            "language_id" => {
                post.language_id = Some(number("invalid_language_id", "language_id", &value)?);
            }
            _ => {}
        }
    }
    post.write.app_data = crate::ops::games::decode_app_data(app_data.as_deref())?;
    post.write.write = write;
    Ok(post)
}

fn multipart_error(detail: &str) -> ConsoleError {
    if detail.contains("length limit") || detail.contains("too large") {
        return ConsoleError::refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            "request_too_large",
            "The form is too large.",
        );
    }
    ConsoleError::bad_request(
        "invalid_multipart",
        "The body is not a well-formed multipart/form-data form.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_and_ids_are_read_strictly() {
        assert!(flag("is_spoiler", "1").unwrap());
        assert!(!flag("is_spoiler", "0").unwrap());
        assert!(matches!(
            flag("is_spoiler", "yes"),
            Err(ConsoleError::Refused {
                code: "invalid_flag",
                ..
            })
        ));
        assert_eq!(community_id("0").unwrap(), None);
        assert_eq!(community_id("42").unwrap(), Some(Id(42)));
        assert!(matches!(
            community_id("-4"),
            Err(ConsoleError::Refused {
                code: "invalid_community_id",
                ..
            })
        ));
        assert!(matches!(
            post_id("0"),
            Err(ConsoleError::Refused {
                code: "invalid_post_id",
                ..
            })
        ));
    }

    #[test]
    fn repeated_query_keys_are_kept_in_order() {
        let q = query(Some("search_key=a&limit=5&search_key=b%20c"));
        assert_eq!(param(&q, "limit"), Some("5"));
        let keys: Vec<&str> = q
            .iter()
            .filter(|(k, _)| k == "search_key")
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(keys, ["a", "b c"]);
    }
}
