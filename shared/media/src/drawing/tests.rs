//! The drawing corpus: valid paintings in every accepted form, each kind of malformed one, and a
//! brief mutation fuzz of the TGA/BMP/zlib path.

use super::*;
use base64::Engine;
use image::ExtendedColorType;
use image::codecs::bmp::BmpEncoder;
use image::codecs::tga::TgaEncoder;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::io::Write;

/// A recognisable picture: a frame, a diagonal and a filled box.
fn pattern() -> Drawing {
    let mut d = Drawing::blank();
    for x in 0..WIDTH {
        d.set(x, 0, true);
        d.set(x, HEIGHT - 1, true);
    }
    for y in 0..HEIGHT {
        d.set(0, y, true);
        d.set(y * 2, y, true);
    }
    for y in 40..60 {
        for x in 200..260 {
            d.set(x, y, true);
        }
    }
    d
}

fn rgba(d: &Drawing, w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity((w * h * 4) as usize);
    for y in 0..h {
        for x in 0..w {
            let v = if d.ink(x, y) { 0 } else { 255 };
            out.extend_from_slice(&[v, v, v, 255]);
        }
    }
    out
}

fn tga(d: &Drawing, w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    TgaEncoder::new(&mut out)
        .encode(&rgba(d, w, h), w, h, ExtendedColorType::Rgba8)
        .unwrap();
    out
}

fn bmp(d: &Drawing) -> Vec<u8> {
    let mut out = Vec::new();
    BmpEncoder::new(&mut out)
        .encode(
            &rgba(d, WIDTH, HEIGHT),
            WIDTH,
            HEIGHT,
            ExtendedColorType::Rgba8,
        )
        .unwrap();
    out
}

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn b64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

#[test]
fn a_wii_u_tga_painting_round_trips_pixel_for_pixel() {
    let d = pattern();
    let decoded = Drawing::from_game_base64(&b64(&zlib(&tga(&d, WIDTH, HEIGHT)))).unwrap();
    assert_eq!(decoded, d);
    // The stored PNG decodes back to the same pixels, and is 1-bit.
    let png = decoded.to_png(1);
    assert_eq!(Drawing::from_png(&png).unwrap(), d);
    let info = png::Decoder::new(Cursor::new(&png)).read_info().unwrap();
    assert_eq!(info.info().bit_depth, png::BitDepth::One);
}

#[test]
fn a_3ds_bmp_painting_round_trips() {
    let d = pattern();
    assert_eq!(Drawing::from_game_base64(&b64(&zlib(&bmp(&d)))).unwrap(), d);
}

#[test]
fn a_png_painting_and_its_2x_rendition_are_accepted() {
    let d = pattern();
    let png = d.to_png(1);
    assert_eq!(Drawing::from_game_base64(&b64(&png)).unwrap(), d);
    let double = d.to_png(2);
    let img = image::load_from_memory(&double).unwrap();
    assert_eq!((img.width(), img.height()), (640, 240));
    assert_eq!(
        img.to_luma8().get_pixel(401, 81).0[0],
        0,
        "ink stays ink at 2x"
    );
}

#[test]
fn colours_are_reduced_to_ink_and_paper() {
    let mut raw = rgba(&Drawing::blank(), WIDTH, HEIGHT);
    // A dark red pixel is ink, a light yellow one paper, a transparent black one paper.
    raw[0..4].copy_from_slice(&[120, 10, 10, 255]);
    raw[4..8].copy_from_slice(&[250, 240, 120, 255]);
    raw[8..12].copy_from_slice(&[0, 0, 0, 0]);
    let mut out = Vec::new();
    TgaEncoder::new(&mut out)
        .encode(&raw, WIDTH, HEIGHT, ExtendedColorType::Rgba8)
        .unwrap();
    let d = Drawing::from_game_bytes(&zlib(&out)).unwrap();
    assert!(d.ink(0, 0));
    assert!(!d.ink(1, 0));
    assert!(!d.ink(2, 0));
}

#[test]
fn each_kind_of_bad_painting_has_its_own_error() {
    let d = pattern();
    assert_eq!(
        Drawing::from_game_base64("not base64 !!!"),
        Err(MediaError::InvalidBase64)
    );
    assert_eq!(
        Drawing::from_game_base64(&b64(&zlib(b"hello, this is not an image at all"))),
        Err(MediaError::NotAnImage)
    );
    assert_eq!(
        Drawing::from_game_bytes(b"plain bytes, not zlib"),
        Err(MediaError::NotAnImage)
    );
    let full = zlib(&tga(&d, WIDTH, HEIGHT));
    assert_eq!(
        Drawing::from_game_bytes(&full[..full.len() / 2]),
        Err(MediaError::Truncated)
    );
    let raw = tga(&d, WIDTH, HEIGHT);
    assert_eq!(
        Drawing::from_game_bytes(&zlib(&raw[..raw.len() * 2 / 3])),
        Err(MediaError::Truncated)
    );
    assert_eq!(
        Drawing::from_game_bytes(&zlib(&tga(&d, 100, 100))),
        Err(MediaError::WrongSize(100, 100))
    );
    // A 20 KB stream that unpacks to 20 MB.
    let bomb = zlib(&vec![0u8; 20 * 1024 * 1024]);
    assert!(bomb.len() < MAX_COMPRESSED);
    assert_eq!(
        Drawing::from_game_bytes(&bomb),
        Err(MediaError::DecompressionBomb)
    );
    // Too many bytes as sent.
    let noise: Vec<u8> = (0..MAX_COMPRESSED + 1)
        .map(|i| (i * 7919 % 251) as u8)
        .collect();
    assert_eq!(
        Drawing::from_game_bytes(&noise),
        Err(MediaError::TooLarge(MAX_COMPRESSED))
    );
    assert_eq!(
        Drawing::from_game_base64(&b64(&noise)),
        Err(MediaError::TooLarge(MAX_COMPRESSED))
    );
}

#[test]
fn a_png_claiming_huge_dimensions_is_refused_before_decoding() {
    // A valid 1-bit PNG header announcing 60000×60000 pixels, with almost no data.
    let mut out = Vec::new();
    {
        let mut e = png::Encoder::new(&mut out, 60_000, 60_000);
        e.set_color(png::ColorType::Grayscale);
        e.set_depth(png::BitDepth::One);
        let _ = e.write_header().map(|mut w| w.write_image_data(&[]));
    }
    assert!(out.len() < 1000);
    assert_eq!(Drawing::from_png(&out), Err(MediaError::DecompressionBomb));
    assert_eq!(
        Drawing::from_png(b"GIF89a not a png"),
        Err(MediaError::NotAnImage)
    );
}

#[test]
fn fuzzing_the_tga_bmp_zlib_path_never_panics() {
    let d = pattern();
    let seeds = [tga(&d, WIDTH, HEIGHT), bmp(&d), d.to_png(1)];
    let mut rng = SmallRng::seed_from_u64(0xF022);
    for round in 0..1500 {
        let mut raw = seeds[round % seeds.len()].clone();
        for _ in 0..rng.random_range(1..8) {
            match rng.random_range(0..4) {
                0 => {
                    let i = rng.random_range(0..raw.len());
                    raw[i] ^= 1 << rng.random_range(0..8);
                }
                1 => {
                    let i = rng.random_range(0..raw.len().min(64));
                    raw[i] = rng.random();
                }
                2 => raw.truncate(rng.random_range(0..raw.len())),
                _ => {
                    let i = rng.random_range(0..raw.len());
                    raw.insert(i, rng.random());
                }
            }
            if raw.is_empty() {
                raw.push(0);
            }
        }
        // Mutated images reach the decoders through zlib, and mutated streams reach zlib itself.
        let _ = Drawing::from_game_bytes(&zlib(&raw));
        let mut stream = zlib(&raw);
        let i = rng.random_range(0..stream.len());
        stream[i] ^= 0x55;
        let _ = Drawing::from_game_bytes(&stream);
        let _ = Drawing::from_png(&raw);
    }
}
