//! Paintings in the form consoles sent them: a 320×120 picture as a zlib-compressed 32-bit TGA,
//! made here from the game's own pixels so that a game needs no image or zlib library.

use crate::error::{Error, Result};
use std::io::Write;

/// A painting's width in pixels.
pub const PAINTING_WIDTH: u16 = 320;
/// A painting's height in pixels.
pub const PAINTING_HEIGHT: u16 = 120;
/// The bytes of a painting's pixels as RGBA, row by row from the top.
pub const PAINTING_RGBA_LEN: usize = PAINTING_WIDTH as usize * PAINTING_HEIGHT as usize * 4;

/// A painting's bytes as the game API takes them (`GamePostInput::painting` once base64'd):
/// `rgba` is 320×120 pixels, 4 bytes each (red, green, blue, alpha), the top row first. Plaza
/// keeps a 1-bit drawing: dark pixels are ink.
pub fn painting_from_rgba(rgba: &[u8]) -> Result<Vec<u8>> {
    if rgba.len() != PAINTING_RGBA_LEN {
        return Err(Error::InvalidArgument(format!(
            "a painting is 320×120 RGBA pixels ({PAINTING_RGBA_LEN} bytes), got {} bytes",
            rgba.len()
        )));
    }
    let mut tga = Vec::with_capacity(18 + rgba.len());
    // Header: no id, no colour map, type 2 (uncompressed true colour), origin 0,0.
    tga.extend_from_slice(&[0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    tga.extend_from_slice(&PAINTING_WIDTH.to_le_bytes());
    tga.extend_from_slice(&PAINTING_HEIGHT.to_le_bytes());
    // 32 bits per pixel; descriptor: 8 alpha bits, rows stored top first.
    tga.extend_from_slice(&[32, 0x28]);
    for px in rgba.chunks_exact(4) {
        tga.extend_from_slice(&[px[2], px[1], px[0], px[3]]);
    }
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(&tga)
        .and_then(|()| z.finish())
        .map_err(|e| Error::InvalidArgument(format!("the painting could not be compressed: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn a_painting_is_a_zlib_tga_with_the_pixels_in_bgra() {
        let mut rgba = vec![255u8; PAINTING_RGBA_LEN];
        rgba[..4].copy_from_slice(&[10, 20, 30, 40]);
        let z = painting_from_rgba(&rgba).unwrap();
        let mut tga = Vec::new();
        flate2::read::ZlibDecoder::new(&z[..])
            .read_to_end(&mut tga)
            .unwrap();
        assert_eq!(tga.len(), 18 + PAINTING_RGBA_LEN);
        assert_eq!(&tga[12..16], &[64, 1, 120, 0], "320 by 120");
        assert_eq!(&tga[18..22], &[30, 20, 10, 40]);
        assert!(z.len() < 40_960, "within the server's limit: {}", z.len());
    }

    #[test]
    fn a_painting_of_the_wrong_size_is_refused() {
        assert!(matches!(
            painting_from_rgba(&[0; 16]),
            Err(Error::InvalidArgument(_))
        ));
    }
}
