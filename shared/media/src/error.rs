//! Why an upload was refused. Each reason has its own stable code.

/// A refused upload.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    #[error("the painting is not valid base64")]
    InvalidBase64,
    #[error("the painting is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the data is not an image in an accepted format")]
    NotAnImage,
    #[error("the image is cut short or damaged")]
    Truncated,
    #[error("a drawing must be exactly 320×120 pixels, not {0}×{1}")]
    WrongSize(u32, u32),
    #[error("the image unpacks to far more data than it may")]
    DecompressionBomb,
    #[error("a screenshot can be at most {0} bytes")]
    ScreenshotTooLarge(usize),
    #[error("the declared content type does not match the image")]
    ContentTypeMismatch,
    #[error("the image took too long to process")]
    TooSlow,
}

impl MediaError {
    /// The stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            MediaError::InvalidBase64 => "invalid_base64",
            MediaError::TooLarge(_) => "painting_too_large",
            MediaError::NotAnImage => "not_an_image",
            MediaError::Truncated => "truncated_image",
            MediaError::WrongSize(..) => "wrong_drawing_size",
            MediaError::DecompressionBomb => "decompression_bomb",
            MediaError::ScreenshotTooLarge(_) => "screenshot_too_large",
            MediaError::ContentTypeMismatch => "content_type_mismatch",
            MediaError::TooSlow => "image_too_complex",
        }
    }

    /// Whether the error is about size (HTTP 413) rather than content (HTTP 422).
    pub fn is_too_large(&self) -> bool {
        matches!(
            self,
            MediaError::TooLarge(_)
                | MediaError::DecompressionBomb
                | MediaError::ScreenshotTooLarge(_)
        )
    }
}
