//! What creating a post and creating a comment share: checking what was written, and answering
//! a retried write with what its first attempt stored instead of storing it twice.

use crate::Result;
use plaza_types::validate;

/// The checked text, feeling and drawing of a new post or comment.
pub struct Content {
    pub body: String,
    pub feeling: u8,
    pub drawing: Option<String>,
    pub drawing_alt: Option<String>,
}

impl Content {
    /// Checks what was written. The body may be empty when a drawing (or `other_media`, a
    /// post's screenshot) carries the message; a description belongs to a drawing and is
    /// dropped without one.
    pub fn check(
        body: &str,
        feeling: u8,
        drawing: Option<&str>,
        drawing_alt: Option<&str>,
        other_media: bool,
    ) -> Result<Self> {
        let drawing = drawing
            .map(validate::media_key)
            .transpose()?
            .map(str::to_owned);
        let body = if drawing.is_some() || other_media {
            validate::optional_body(body)?
        } else {
            validate::body(body)?
        };
        let feeling = validate::feeling(i64::from(feeling))?;
        let drawing_alt = match &drawing {
            Some(_) => validate::drawing_alt(drawing_alt)?,
            None => None,
        };
        Ok(Self {
            body,
            feeling,
            drawing,
            drawing_alt,
        })
    }
}

/// Settles an insert made under an idempotency key. `Ok(None)`: this attempt stored the row.
/// `Ok(Some(row))`: an earlier attempt with the same key committed in the meantime (the insert
/// hit the key's unique index), so that attempt's row is the answer.
pub async fn settle<T>(
    inserted: Result<(), sqlx::Error>,
    key: Option<&str>,
    earlier: impl AsyncFnOnce(&str) -> Result<Option<T>, sqlx::Error>,
) -> Result<Option<T>> {
    match (inserted, key) {
        (Ok(()), _) => Ok(None),
        (Err(e), Some(key)) if plaza_storage::is_unique_violation(&e) => {
            match earlier(key).await? {
                Some(row) => Ok(Some(row)),
                None => Err(e.into()),
            }
        }
        (Err(e), _) => Err(e.into()),
    }
}
