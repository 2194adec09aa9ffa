//! Pictures for the media tests: photos as a camera or phone saves them, one with its GPS
//! position in EXIF, and how to tell whether a file still carries that position.

use image::codecs::jpeg::JpegEncoder;

/// A `w` × `h` JPEG photo (a colour gradient).
pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .expect("an RGB image encodes as JPEG");
    out
}

/// A `w` × `h` phone photo: [`jpeg`] with an APP1 EXIF segment holding a GPS position right
/// after its start-of-image marker.
pub fn phone_photo(w: u32, h: u32) -> Vec<u8> {
    let jpeg = jpeg(w, h);
    let payload = b"Exif\0\0MM\0*\0\0\0\x08GPSLatitude=35.6586N;GPSLongitude=139.7454E";
    let len = u16::try_from(payload.len() + 2).expect("a short segment");
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// Whether `file` still carries the GPS position that [`phone_photo`] writes.
pub fn has_gps(file: &[u8]) -> bool {
    file.windows(11).any(|w| w == b"GPSLatitude")
}
