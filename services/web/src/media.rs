//! Storing drawings and serving media. Drawings are decoded off the async threads, turned into
//! 1-bit PNGs (1× and 2×) and stored under content addresses, so the same picture is stored once;
//! a bad upload is refused before anything is stored.

use crate::{AppState, Error, Result};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use plaza_media::{Drawing, MediaError, store};

/// Decodes a painting (base64, as the API and the canvas send it), stores its PNGs and returns
/// the 1× key; the 2× rendition is stored beside it (`<hash>@2x.png`).
pub async fn store_drawing(state: &AppState, painting: String) -> Result<String> {
    let drawing = tokio::task::spawn_blocking(move || Drawing::from_game_base64(&painting))
        .await
        .map_err(|e| Error::Internal(anyhow::anyhow!("drawing task: {e}")))??;
    if drawing.is_blank() {
        return Err(Error::Media(MediaError::NotAnImage));
    }
    let (one, two) = tokio::task::spawn_blocking(move || (drawing.to_png(1), drawing.to_png(2)))
        .await
        .map_err(|e| Error::Internal(anyhow::anyhow!("drawing task: {e}")))?;
    let hash = store::content_hash(&one);
    let key = format!("drawings/{hash}.png");
    state
        .media
        .put(&key, &one)
        .await
        .map_err(|e| Error::Internal(e.into()))?;
    state
        .media
        .put(&double_key(&key), &two)
        .await
        .map_err(|e| Error::Internal(e.into()))?;
    Ok(key)
}

/// The key of a drawing's 2× rendition.
pub fn double_key(key: &str) -> String {
    key.strip_suffix(".png")
        .map_or_else(|| key.to_owned(), |k| format!("{k}@2x.png"))
}

/// The public URL of a stored object.
pub fn url(key: &str) -> String {
    format!("/media/{key}")
}

/// `GET /media/{*key}`: a stored object, cacheable forever (keys are content addresses).
pub async fn serve(
    State(state): State<AppState>,
    axum::extract::Path(key): axum::extract::Path<String>,
) -> Response {
    if !store::valid_key(&key) {
        return StatusCode::NOT_FOUND.into_response();
    }
    match state.media.get(&key).await {
        Ok(Some(bytes)) => (
            [
                (header::CONTENT_TYPE, "image/png"),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => plaza_http::ErrorResponse::internal(e).into_response(),
    }
}
