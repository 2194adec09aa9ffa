//! Drawings: 320×120 two-colour pictures. Games send them as base64 of a zlib-compressed 32-bit
//! TGA (Wii U) or BMP (3DS), as the consoles did, or as a PNG; the browser canvas sends a PNG.
//! Every one is decoded with limits, checked for its exact size, reduced to ink and paper, and
//! stored as a 1-bit PNG (and a 2× rendition for high-density screens).

use crate::MediaError;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use std::io::{Cursor, Read};

/// A drawing's width in pixels.
pub const WIDTH: u32 = 320;
/// A drawing's height in pixels.
pub const HEIGHT: u32 = 120;
/// The most bytes a painting may have as sent (compressed), as on the consoles.
pub const MAX_COMPRESSED: usize = 40_960;
/// The most bytes a compressed painting may unpack to: a 32-bit 320×120 image with generous room
/// for headers. A stream that unpacks further is a decompression bomb.
pub const MAX_UNPACKED: usize = (WIDTH * HEIGHT * 4) as usize + 64 * 1024;
const PNG_MAGIC: &[u8] = b"\x89PNG\r\n\x1a\n";

/// A decoded drawing: one flag per pixel, true where there is ink.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawing {
    ink: Vec<bool>,
}

impl Drawing {
    /// A blank drawing.
    pub fn blank() -> Self {
        Drawing {
            ink: vec![false; (WIDTH * HEIGHT) as usize],
        }
    }

    /// Whether pixel (x, y) has ink.
    pub fn ink(&self, x: u32, y: u32) -> bool {
        x < WIDTH && y < HEIGHT && self.ink[(y * WIDTH + x) as usize]
    }

    /// Sets pixel (x, y).
    pub fn set(&mut self, x: u32, y: u32, ink: bool) {
        if x < WIDTH && y < HEIGHT {
            self.ink[(y * WIDTH + x) as usize] = ink;
        }
    }

    /// Whether nothing is drawn.
    pub fn is_blank(&self) -> bool {
        !self.ink.iter().any(|i| *i)
    }

    /// Decodes a painting as games send it: base64 of a zlib-compressed TGA or BMP, or of a PNG.
    pub fn from_game_base64(text: &str) -> Result<Self, MediaError> {
        let text: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        if text.len() > MAX_COMPRESSED.div_ceil(3) * 4 {
            return Err(MediaError::TooLarge(MAX_COMPRESSED));
        }
        let bytes = STANDARD
            .decode(text.as_bytes())
            .map_err(|_| MediaError::InvalidBase64)?;
        Self::from_game_bytes(&bytes)
    }

    /// Decodes a painting's bytes: a zlib-compressed TGA or BMP, or a PNG.
    pub fn from_game_bytes(bytes: &[u8]) -> Result<Self, MediaError> {
        if bytes.len() > MAX_COMPRESSED {
            return Err(MediaError::TooLarge(MAX_COMPRESSED));
        }
        if bytes.starts_with(PNG_MAGIC) {
            return Self::from_png(bytes);
        }
        let raw = inflate(bytes)?;
        if raw.starts_with(b"BM") {
            decode(&raw, Some(ImageFormat::Bmp))
        } else if raw.starts_with(PNG_MAGIC) {
            decode(&raw, Some(ImageFormat::Png))
        } else {
            decode(&raw, Some(ImageFormat::Tga))
        }
    }

    /// Decodes a PNG drawing (what the browser canvas sends).
    pub fn from_png(bytes: &[u8]) -> Result<Self, MediaError> {
        if bytes.len() > MAX_COMPRESSED {
            return Err(MediaError::TooLarge(MAX_COMPRESSED));
        }
        if !bytes.starts_with(PNG_MAGIC) {
            return Err(MediaError::NotAnImage);
        }
        decode(bytes, Some(ImageFormat::Png))
    }

    /// The drawing as a 1-bit grayscale PNG, each pixel `scale`×`scale`.
    pub fn to_png(&self, scale: u32) -> Vec<u8> {
        let scale = scale.clamp(1, 4);
        let (w, h) = (WIDTH * scale, HEIGHT * scale);
        let row_bytes = w.div_ceil(8) as usize;
        let mut data = vec![0u8; row_bytes * h as usize];
        for y in 0..h {
            for x in 0..w {
                // In 1-bit grayscale 1 is white: paper sets the bit, ink leaves it clear.
                if !self.ink(x / scale, y / scale) {
                    data[y as usize * row_bytes + (x / 8) as usize] |= 0x80 >> (x % 8);
                }
            }
        }
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, w, h);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::One);
        encoder.set_compression(png::Compression::High);
        // Writing to a Vec cannot fail, and the dimensions and data length agree by construction.
        if let Ok(mut writer) = encoder.write_header()
            && writer.write_image_data(&data).is_ok()
        {
            let _ = writer.finish();
        }
        out
    }
}

/// Inflates a zlib stream, refusing one that unpacks past [`MAX_UNPACKED`].
fn inflate(bytes: &[u8]) -> Result<Vec<u8>, MediaError> {
    let mut out = Vec::new();
    let mut reader = flate2::read::ZlibDecoder::new(bytes).take(MAX_UNPACKED as u64 + 1);
    match reader.read_to_end(&mut out) {
        Ok(_) if out.len() > MAX_UNPACKED => Err(MediaError::DecompressionBomb),
        Ok(_) => Ok(out),
        Err(_) if out.is_empty() => Err(MediaError::NotAnImage),
        Err(_) => Err(MediaError::Truncated),
    }
}

fn decode(bytes: &[u8], format: Option<ImageFormat>) -> Result<Drawing, MediaError> {
    let mut reader = ImageReader::new(Cursor::new(bytes));
    if let Some(f) = format {
        reader.set_format(f);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(2048);
    limits.max_image_height = Some(2048);
    limits.max_alloc = Some(16 * 1024 * 1024);
    reader.limits(limits);
    let (w, h) = reader.into_dimensions().map_err(classify)?;
    if (w, h) != (WIDTH, HEIGHT) {
        return Err(MediaError::WrongSize(w, h));
    }
    let mut reader = ImageReader::new(Cursor::new(bytes));
    if let Some(f) = format {
        reader.set_format(f);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(WIDTH);
    limits.max_image_height = Some(HEIGHT);
    limits.max_alloc = Some(16 * 1024 * 1024);
    reader.limits(limits);
    let image = reader.decode().map_err(classify)?;
    Ok(reduce(&image))
}

pub(crate) fn classify(err: image::ImageError) -> MediaError {
    use image::ImageError as E;
    match err {
        E::Limits(_) => MediaError::DecompressionBomb,
        E::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => MediaError::Truncated,
        E::Decoding(d) if d.to_string().to_ascii_lowercase().contains("eof") => {
            MediaError::Truncated
        }
        _ => MediaError::NotAnImage,
    }
}

/// Two colours: a pixel is ink when it is mostly opaque and darker than mid-grey.
fn reduce(image: &DynamicImage) -> Drawing {
    let rgba = image.to_rgba8();
    let mut drawing = Drawing::blank();
    for (x, y, p) in rgba.enumerate_pixels() {
        let [r, g, b, a] = p.0;
        let luma = (u32::from(r) * 299 + u32::from(g) * 587 + u32::from(b) * 114) / 1000;
        drawing.set(x, y, a >= 128 && luma < 128);
    }
    drawing
}

#[cfg(test)]
mod tests;
