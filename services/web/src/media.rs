//! Storing drawings and serving media. Drawings are decoded off the async threads, turned into
//! 1-bit PNGs (1× and 2×) and stored under content addresses, so the same picture is stored once;
//! a bad upload is refused before anything is stored.

use crate::{AppState, Error, Result};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use plaza_media::{Drawing, MediaError, store};
use plaza_types::timeline::ScreenshotRef;

/// The longest any one image may take to decode and re-encode.
const PROCESSING_LIMIT: std::time::Duration = std::time::Duration::from_secs(20);

/// Runs image work on one of the process's image workers (off the async threads), bounded in
/// number and time: when no worker frees up within the configured wait the caller gets
/// `media_busy` (503, try again), and past the time limit `image_too_complex` (the work itself
/// is bounded by the size limits, ends on its own and keeps its worker until then).
async fn off_thread<T: Send + 'static>(
    state: &AppState,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T> {
    let task = state
        .images
        .spawn(work)
        .await
        .map_err(|_| Error::MediaBusy)?;
    match tokio::time::timeout(PROCESSING_LIMIT, task).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(Error::Internal(anyhow::anyhow!("image task: {e}"))),
        Err(_) => Err(Error::Media(MediaError::TooSlow)),
    }
}

/// Decodes a painting (base64, as the API and the canvas send it), stores its PNGs and returns
/// the 1× key; the 2× rendition is stored beside it (`<hash>@2x.png`).
pub async fn store_drawing(state: &AppState, painting: String) -> Result<String> {
    let drawing = off_thread(state, move || Drawing::from_game_base64(&painting)).await??;
    if drawing.is_blank() {
        return Err(Error::Media(MediaError::NotAnImage));
    }
    let (one, two) = off_thread(state, move || (drawing.to_png(1), drawing.to_png(2))).await?;
    let hash = store::content_hash(&one);
    let key = format!("drawings/{hash}.png");
    state.media.put(&key, &one).await.map_err(store_failed)?;
    state
        .media
        .put(&double_key(&key), &two)
        .await
        .map_err(store_failed)?;
    Ok(key)
}

/// Decodes a screenshot (base64 of a JPEG or PNG), re-encodes it without metadata, stores it and
/// its thumbnail, and returns where it is.
pub async fn store_screenshot(
    state: &AppState,
    base64: String,
    declared: Option<String>,
) -> Result<ScreenshotRef> {
    use base64::Engine;
    if base64.len() > plaza_media::screenshot::MAX_BYTES.div_ceil(3) * 4 + 4 {
        return Err(Error::Media(MediaError::ScreenshotTooLarge(
            plaza_media::screenshot::MAX_BYTES,
        )));
    }
    let shot = off_thread(state, move || {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(base64.trim().as_bytes())
            .map_err(|_| MediaError::InvalidBase64)?;
        plaza_media::screenshot::process(&bytes, declared.as_deref())
    })
    .await??;
    let hash = store::content_hash(&shot.full);
    let key = format!("screenshots/{hash}.{}", shot.extension);
    state
        .media
        .put(&key, &shot.full)
        .await
        .map_err(store_failed)?;
    state
        .media
        .put(&thumb_key(&key), &shot.thumb)
        .await
        .map_err(store_failed)?;
    Ok(ScreenshotRef {
        key,
        width: shot.width,
        height: shot.height,
    })
}

/// The key of a screenshot's thumbnail.
pub fn thumb_key(key: &str) -> String {
    match key.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}-thumb.{ext}"),
        None => format!("{key}-thumb"),
    }
}

/// A failed write to the object store: logged here (the client only hears "try again").
fn store_failed(e: std::io::Error) -> Error {
    tracing::warn!(error = %e, "the media store refused an object");
    Error::MediaStore(e)
}

/// The key of a drawing's 2× rendition.
pub fn double_key(key: &str) -> String {
    key.strip_suffix(".png")
        .map_or_else(|| key.to_owned(), |k| format!("{k}@2x.png"))
}

/// The public URL of a stored object: under `media_url` (`/media` on this site by default, or
/// a CDN's address).
pub fn url(state: &AppState, key: &str) -> String {
    format!("{}/{key}", state.config.media_url.trim_end_matches('/'))
}

/// `GET /media/{*key}`: a stored object, cacheable forever (keys are content addresses).
pub async fn serve(
    State(state): State<AppState>,
    axum::extract::Path(key): axum::extract::Path<String>,
) -> Response {
    // A key this store never makes (a folder such as `drawings/`, a dot path) is simply not
    // there, like a missing object.
    if !store::valid_key(&key) {
        return Error::NotFound("picture").into_response();
    }
    match state.media.get(&key).await {
        Ok(Some(bytes)) => (
            [
                (
                    header::CONTENT_TYPE,
                    if key.ends_with(".jpg") {
                        "image/jpeg"
                    } else {
                        "image/png"
                    },
                ),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            bytes,
        )
            .into_response(),
        Ok(None) => Error::NotFound("picture").into_response(),
        Err(e) => plaza_http::ErrorResponse::internal(e).into_response(),
    }
}
