//! Pictures people upload: product pictures here, and profile pictures through the same
//! pipeline ([`square_jpeg`]). An upload is judged by its content (PNG, JPEG or WebP
//! magic bytes, then a full decode under pixel and memory limits, so a polyglot file or a
//! decompression bomb goes no further), never by its name or declared type; it is
//! flattened onto white and re-encoded as JPEG, which drops every piece of metadata (GPS
//! positions included). Product pictures are resized into up to four widths for
//! `srcset`, named `catalog/<generated key>-<width>.jpg` and served with immutable
//! caching: a new picture always gets a new key.

use super::model::Image;

/// The widths made for `srcset`, never larger than the original.
pub const WIDTHS: [u32; 4] = [320, 640, 1024, 1600];
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// Larger pictures are refused before they are decoded (decompression bombs).
pub const MAX_SIDE: u32 = 8000;
/// Where catalog pictures are served from; the key and width complete the name.
pub const URL_PREFIX: &str = "/media/catalog/";

/// The stored name of one width of a picture.
pub fn file_name(key: &str, width: u32) -> String {
    format!("catalog/{key}-{width}.jpg")
}

/// Whether `name` (after `/media/`) is a name this module could have made.
pub fn is_served_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("catalog/") else {
        return false;
    };
    let Some(stem) = rest.strip_suffix(".jpg") else {
        return false;
    };
    !stem.is_empty()
        && stem.len() <= 80
        && stem
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// The picture as pages show it.
/// A picture from the nullable columns of a left join (`id`, `key`, `alt`, `width`,
/// `height`, `widths`): `None` when there is no picture.
pub fn from_columns(
    id: Option<String>,
    key: Option<String>,
    alt: Option<String>,
    width: Option<i64>,
    height: Option<i64>,
    widths: Option<String>,
) -> Option<Image> {
    match (id, key, widths) {
        (Some(id), Some(key), Some(widths)) => Some(view(
            id,
            &key,
            alt.unwrap_or_default(),
            width.unwrap_or(0),
            height.unwrap_or(0),
            &widths,
        )),
        _ => None,
    }
}

pub fn view(id: String, key: &str, alt: String, width: i64, height: i64, widths: &str) -> Image {
    let widths: Vec<u32> = widths.split(',').filter_map(|w| w.parse().ok()).collect();
    let url = |w: u32| format!("/media/{}", file_name(key, w));
    Image {
        id,
        alt,
        width,
        height,
        src: widths.last().map(|w| url(*w)).unwrap_or_default(),
        srcset: widths
            .iter()
            .map(|w| format!("{} {w}w", url(*w)))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// The image format of `bytes`, judged by their first bytes.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("png")
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("jpg")
    } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("webp")
    } else {
        None
    }
}

/// Why an upload was refused, in words for the person who chose the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    #[error("choose a picture to upload")]
    Empty,
    /// The limit, in MB.
    #[error("the picture is larger than {0} MB; choose a smaller one")]
    TooLarge(usize),
    #[error("use a PNG, JPEG or WebP picture")]
    NotAnImage,
    #[error("the picture could not be read; it may be damaged")]
    Damaged,
    #[error("the picture is more than 8000 pixels wide or high")]
    TooManyPixels,
}

/// A re-encoded picture: its size and one JPEG per width (smallest first).
pub struct Processed {
    pub width: u32,
    pub height: u32,
    pub files: Vec<(u32, Vec<u8>)>,
}

impl Processed {
    pub fn widths(&self) -> String {
        self.files
            .iter()
            .map(|(w, _)| w.to_string())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Checks and decodes an upload of at most `max_bytes` (sniffed format, pixel and memory
/// limits), flattened onto white. CPU-bound: call it from `spawn_blocking`.
#[cfg(feature = "ssr")]
pub fn decode(bytes: &[u8], max_bytes: usize) -> Result<image::RgbImage, Rejected> {
    use image::{ImageFormat, ImageReader, Limits};
    if bytes.is_empty() {
        return Err(Rejected::Empty);
    }
    if bytes.len() > max_bytes {
        return Err(Rejected::TooLarge(max_bytes / (1024 * 1024)));
    }
    let format = match sniff(bytes).ok_or(Rejected::NotAnImage)? {
        "png" => ImageFormat::Png,
        "jpg" => ImageFormat::Jpeg,
        _ => ImageFormat::WebP,
    };
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let decoded = reader.decode().map_err(|err| match err {
        image::ImageError::Limits(_) => Rejected::TooManyPixels,
        _ => Rejected::Damaged,
    })?;
    // Transparent parts become white, as on the page background.
    let rgba = decoded.to_rgba8();
    let (width, height) = rgba.dimensions();
    let mut rgb = image::RgbImage::new(width, height);
    for (x, y, p) in rgba.enumerate_pixels() {
        let a = u32::from(p[3]);
        let mix = |c: u8| ((u32::from(c) * a + 255 * (255 - a)) / 255) as u8;
        rgb.put_pixel(x, y, image::Rgb([mix(p[0]), mix(p[1]), mix(p[2])]));
    }
    Ok(rgb)
}

#[cfg(feature = "ssr")]
fn jpeg(picture: &image::RgbImage) -> Result<Vec<u8>, Rejected> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 82)
        .encode_image(picture)
        .map_err(|_| Rejected::Damaged)?;
    Ok(out)
}

/// An upload as a square JPEG of at most `side` pixels (the centre, cropped): profile
/// pictures. CPU-bound: call it from `spawn_blocking`.
#[cfg(feature = "ssr")]
pub fn square_jpeg(bytes: &[u8], max_bytes: usize, side: u32) -> Result<Vec<u8>, Rejected> {
    let rgb = decode(bytes, max_bytes)?;
    let (width, height) = rgb.dimensions();
    let crop = width.min(height);
    let square =
        image::imageops::crop_imm(&rgb, (width - crop) / 2, (height - crop) / 2, crop, crop)
            .to_image();
    let out = if crop > side {
        image::imageops::resize(&square, side, side, image::imageops::FilterType::CatmullRom)
    } else {
        square
    };
    jpeg(&out)
}

/// Checks, decodes and re-encodes `bytes`. CPU-bound: call it from `spawn_blocking`.
#[cfg(feature = "ssr")]
pub fn process(bytes: &[u8]) -> Result<Processed, Rejected> {
    use image::imageops::FilterType;
    let rgb = decode(bytes, MAX_BYTES)?;
    let (width, height) = rgb.dimensions();
    let mut widths: Vec<u32> = WIDTHS.iter().copied().filter(|w| *w < width).collect();
    if width <= WIDTHS[WIDTHS.len() - 1] {
        widths.push(width);
    } else if widths.last() != Some(&WIDTHS[WIDTHS.len() - 1]) {
        widths.push(WIDTHS[WIDTHS.len() - 1]);
    }
    let mut files = Vec::with_capacity(widths.len());
    for w in widths {
        let h = ((u64::from(height) * u64::from(w)) / u64::from(width)).max(1) as u32;
        let resized = if w == width {
            rgb.clone()
        } else {
            image::imageops::resize(&rgb, w, h, FilterType::CatmullRom)
        };
        files.push((w, jpeg(&resized)?));
    }
    Ok(Processed {
        width,
        height,
        files,
    })
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(width, height, image::Rgba([200, 10, 10, 128]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png)
            .expect("png");
        out.into_inner()
    }

    #[test]
    fn formats_are_known_by_content_not_name() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("png"));
        assert_eq!(sniff(&[0xff, 0xd8, 0xff, 0xe0, 0, 0]), Some("jpg"));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Some("webp"));
        assert_eq!(sniff(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), None);
        assert_eq!(sniff(b"GIF89a"), None);
    }

    #[test]
    fn a_picture_is_reencoded_into_widths_never_larger_than_itself() {
        let done = process(&png(700, 350)).expect("processed");
        assert_eq!((done.width, done.height), (700, 350));
        assert_eq!(done.widths(), "320,640,700");
        for (_, jpeg) in &done.files {
            assert_eq!(sniff(jpeg), Some("jpg"));
        }
        let small = process(&png(100, 100)).expect("processed");
        assert_eq!(small.widths(), "100");
        let big = process(&png(2000, 100)).expect("processed");
        assert_eq!(big.widths(), "320,640,1024,1600");
    }

    #[test]
    fn bad_uploads_are_refused_with_a_reason() {
        assert_eq!(process(b"").err(), Some(Rejected::Empty));
        assert_eq!(process(b"GIF89a....").err(), Some(Rejected::NotAnImage));
        let mut truncated = png(50, 50);
        truncated.truncate(60);
        assert_eq!(process(&truncated).err(), Some(Rejected::Damaged));
        assert_eq!(
            process(&vec![0xff; MAX_BYTES + 1]).err(),
            Some(Rejected::TooLarge(10))
        );
        assert_eq!(process(&png(8001, 1)).err(), Some(Rejected::TooManyPixels));
    }

    #[test]
    fn a_profile_picture_is_a_small_square_jpeg_whatever_was_sent() {
        let out = square_jpeg(&png(900, 300), 1024 * 1024, 256).expect("processed");
        assert_eq!(sniff(&out), Some("jpg"));
        let back = image::load_from_memory(&out).expect("decodes");
        assert_eq!((back.width(), back.height()), (256, 256));
        // A PNG that is also an HTML page (a polyglot) comes out as a plain JPEG.
        let mut polyglot = png(40, 40);
        polyglot.extend_from_slice(b"<html><script>alert(1)</script></html>");
        let out = square_jpeg(&polyglot, 1024 * 1024, 256).expect("still a picture");
        assert!(!out.windows(7).any(|w| w == b"<script"));
        assert_eq!(
            square_jpeg(&png(8001, 2), 1024 * 1024, 256).err(),
            Some(Rejected::TooManyPixels)
        );
    }

    #[test]
    fn only_generated_names_are_served() {
        assert!(is_served_name("catalog/0a1b-320.jpg"));
        assert!(!is_served_name("catalog/../secret.jpg"));
        assert!(!is_served_name("avatars/x.jpg"));
        assert!(!is_served_name("catalog/x.png"));
    }
}
