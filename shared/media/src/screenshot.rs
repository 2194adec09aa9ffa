//! Screenshots: JPEG or PNG up to 8 MiB. The format is read from the bytes (a declared type that
//! disagrees is refused), the header's dimensions are checked before decoding, larger than
//! 1920×1080 is scaled down, and the picture is re-encoded, which drops every metadata block (EXIF
//! with GPS, comments, colour profiles). A thumbnail for feeds fits in 320×180.

use crate::MediaError;
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// The most bytes a screenshot may have.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// Larger screenshots are scaled down to fit in this box.
pub const MAX_WIDTH: u32 = 1920;
pub const MAX_HEIGHT: u32 = 1080;
/// Thumbnails fit in this box.
pub const THUMB_WIDTH: u32 = 320;
pub const THUMB_HEIGHT: u32 = 180;
/// The largest picture decoded at all: anything bigger is refused from its header.
const DECODE_LIMIT: u32 = 4096;
/// The most one decode may allocate for its frame: a 4096×4096 picture at 8 bits per RGBA
/// channel. A picture whose frame would need more (16-bit channels, say) is refused from its
/// header as `decompression_bomb`.
pub const MAX_DECODE_BYTES: u64 = DECODE_LIMIT as u64 * DECODE_LIMIT as u64 * 4;

/// A screenshot ready to store.
#[derive(Clone)]
pub struct Screenshot {
    /// `jpg` or `png`.
    pub extension: &'static str,
    pub full: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub thumb: Vec<u8>,
    pub thumb_width: u32,
    pub thumb_height: u32,
}

impl std::fmt::Debug for Screenshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Screenshot")
            .field("extension", &self.extension)
            .field("size", &(self.width, self.height))
            .field("bytes", &self.full.len())
            .field("thumb_size", &(self.thumb_width, self.thumb_height))
            .finish()
    }
}

fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else {
        None
    }
}

/// Validates and re-encodes a screenshot. `declared` is the content type the client claimed, if
/// any.
pub fn process(bytes: &[u8], declared: Option<&str>) -> Result<Screenshot, MediaError> {
    if bytes.len() > MAX_BYTES {
        return Err(MediaError::ScreenshotTooLarge(MAX_BYTES));
    }
    let format = sniff(bytes).ok_or(MediaError::NotAnImage)?;
    if let Some(declared) = declared {
        let expected = match format {
            ImageFormat::Jpeg => "image/jpeg",
            _ => "image/png",
        };
        if !declared.eq_ignore_ascii_case(expected) {
            return Err(MediaError::ContentTypeMismatch);
        }
    }
    // A JPEG ends with its end-of-image marker; decoders would fill a cut-off one with grey.
    if format == ImageFormat::Jpeg && !bytes.ends_with(&[0xFF, 0xD9]) {
        return Err(MediaError::Truncated);
    }
    let reader = |limit: u32| {
        let mut r = ImageReader::with_format(Cursor::new(bytes), format);
        let mut limits = Limits::default();
        limits.max_image_width = Some(limit);
        limits.max_image_height = Some(limit);
        limits.max_alloc = Some(MAX_DECODE_BYTES);
        r.limits(limits);
        r
    };
    let (w, h) = reader(DECODE_LIMIT)
        .into_dimensions()
        .map_err(crate::drawing::classify)?;
    if w == 0 || h == 0 || w > DECODE_LIMIT || h > DECODE_LIMIT {
        return Err(MediaError::DecompressionBomb);
    }
    let mut image = reader(DECODE_LIMIT)
        .decode()
        .map_err(crate::drawing::classify)?;
    // Scaled down by area averaging in integers: a filtered resize keeps an intermediate of
    // 32-bit floats per channel (about 126 MB for a 4096×4096 picture), twice the frame itself.
    if image.width() > MAX_WIDTH || image.height() > MAX_HEIGHT {
        image = image.thumbnail(MAX_WIDTH, MAX_HEIGHT);
    }
    // A thumbnail is never larger than its picture: a small screenshot is its own thumbnail.
    let thumb = if image.width() > THUMB_WIDTH || image.height() > THUMB_HEIGHT {
        image.thumbnail(THUMB_WIDTH, THUMB_HEIGHT)
    } else {
        image.clone()
    };
    let (full, extension) = encode(&image, format)?;
    let (thumb_bytes, _) = encode(&thumb, format)?;
    Ok(Screenshot {
        extension,
        width: image.width(),
        height: image.height(),
        full,
        thumb_width: thumb.width(),
        thumb_height: thumb.height(),
        thumb: thumb_bytes,
    })
}

fn encode(
    image: &DynamicImage,
    format: ImageFormat,
) -> Result<(Vec<u8>, &'static str), MediaError> {
    let mut out = Vec::new();
    let result = if format == ImageFormat::Jpeg {
        let rgb = image.to_rgb8();
        JpegEncoder::new_with_quality(&mut out, 85)
            .encode_image(&rgb)
            .map(|()| "jpg")
    } else {
        image
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .map(|()| "png")
    };
    let extension = result.map_err(|_| MediaError::NotAnImage)?;
    Ok((out, extension))
}

#[cfg(test)]
mod tests {
    use super::*;
    use plaza_test_support::{has_gps, jpeg, phone_photo};

    /// A plain opaque PNG of `w` × `h`.
    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(w, h, image::Rgba([10, 20, 30, 255]));
        let mut out = Vec::new();
        DynamicImage::ImageRgba8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn a_phone_photo_loses_its_exif_and_is_scaled_down() {
        let photo = phone_photo(2400, 1350);
        assert!(has_gps(&photo));
        let s = process(&photo, Some("image/jpeg")).unwrap();
        assert_eq!((s.width, s.height), (1920, 1080));
        assert_eq!(s.extension, "jpg");
        assert!(!has_gps(&s.full));
        assert!(!s.full.windows(4).any(|w| w == b"Exif"));
        assert!(s.thumb_width <= 320 && s.thumb_height <= 180);
        assert_eq!(
            image::load_from_memory(&s.thumb).unwrap().width(),
            s.thumb_width
        );
    }

    #[test]
    fn small_pngs_keep_their_size_and_format() {
        let s = process(&png(400, 240), None).unwrap();
        assert_eq!((s.width, s.height, s.extension), (400, 240, "png"));
    }

    #[test]
    fn a_thumbnail_is_never_larger_than_its_screenshot() {
        let s = process(&png(64, 48), None).unwrap();
        assert_eq!((s.thumb_width, s.thumb_height), (64, 48));
        let thumb = image::load_from_memory(&s.thumb).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (64, 48));
    }

    #[test]
    fn bad_screenshots_have_their_own_codes() {
        assert_eq!(
            process(b"GIF89a....", None).unwrap_err(),
            MediaError::NotAnImage
        );
        assert_eq!(
            process(&jpeg(64, 64), Some("image/png")).unwrap_err(),
            MediaError::ContentTypeMismatch
        );
        let j = jpeg(640, 480);
        assert_eq!(
            process(&j[..j.len() / 3], None).unwrap_err(),
            MediaError::Truncated
        );
        assert_eq!(
            process(&vec![0xFF; MAX_BYTES + 1], None).unwrap_err(),
            MediaError::ScreenshotTooLarge(MAX_BYTES)
        );
        // A PNG header announcing 60000×60000 pixels.
        let mut bomb = Vec::new();
        {
            let mut e = png::Encoder::new(&mut bomb, 60_000, 60_000);
            e.set_color(png::ColorType::Grayscale);
            e.set_depth(png::BitDepth::One);
            let _ = e.write_header().map(|mut w| w.write_image_data(&[]));
        }
        assert_eq!(
            process(&bomb, None).unwrap_err(),
            MediaError::DecompressionBomb
        );
    }

    /// A PNG with a header and the start of its pixel data (the frame is reserved before the
    /// data is read).
    fn png_header(w: u32, h: u32, depth: png::BitDepth) -> Vec<u8> {
        let mut out = Vec::new();
        let mut e = png::Encoder::new(&mut out, w, h);
        e.set_color(png::ColorType::Rgba);
        e.set_depth(depth);
        let mut writer = e.write_header().unwrap();
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut z, &[0u8; 1024]).unwrap();
        writer
            .write_chunk(png::chunk::IDAT, &z.finish().unwrap())
            .unwrap();
        drop(writer);
        out
    }

    #[test]
    fn a_frame_past_the_allocation_limit_is_refused_before_decoding() {
        // Within the dimension limit, but 16 bits per channel: a 128 MiB frame.
        let deep = png_header(DECODE_LIMIT, DECODE_LIMIT, png::BitDepth::Sixteen);
        assert_eq!(
            process(&deep, None).unwrap_err(),
            MediaError::DecompressionBomb
        );
        // The same size at 8 bits fits the limit exactly and gets as far as its (missing) data.
        let shallow = png_header(DECODE_LIMIT, DECODE_LIMIT, png::BitDepth::Eight);
        assert_ne!(
            process(&shallow, None).unwrap_err(),
            MediaError::DecompressionBomb
        );
    }
}
