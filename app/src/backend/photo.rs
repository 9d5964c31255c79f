//! Photos: the real type is sniffed from the bytes, then the image is
//! re-encoded as JPEG, which drops EXIF (GPS!) and anything else riding
//! along, and a thumbnail is made.

use image::{DynamicImage, ImageFormat};

/// Largest upload accepted, per photo.
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
/// Photos per case.
pub const MAX_PHOTOS: u64 = 6;
/// Longest side kept; larger photos are scaled down.
const MAX_SIDE: u32 = 2560;
const THUMB_SIDE: u32 = 320;

#[derive(Debug)]
pub struct Processed {
    pub full: Vec<u8>,
    pub thumb: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, PartialEq)]
pub enum PhotoProblem {
    TooLarge,
    NotImage,
}

fn jpeg(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, PhotoProblem> {
    let mut out = Vec::new();
    let rgb = img.to_rgb8();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&rgb)
        .map_err(|_| PhotoProblem::NotImage)?;
    Ok(out)
}

/// Checks and re-encodes one upload. CPU-heavy: call it off the async workers.
pub fn process(bytes: &[u8]) -> Result<Processed, PhotoProblem> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(PhotoProblem::TooLarge);
    }
    let format = image::guess_format(bytes).map_err(|_| PhotoProblem::NotImage)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(PhotoProblem::NotImage);
    }
    let mut img =
        image::load_from_memory_with_format(bytes, format).map_err(|_| PhotoProblem::NotImage)?;
    if img.width().max(img.height()) > MAX_SIDE {
        img = img.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Triangle);
    }
    let thumb = img.thumbnail(THUMB_SIDE, THUMB_SIDE);
    Ok(Processed {
        full: jpeg(&img, 85)?,
        thumb: jpeg(&thumb, 80)?,
        width: img.width(),
        height: img.height(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = DynamicImage::new_rgb8(w, h);
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    /// A JPEG with an EXIF block (APP1) carrying a GPS marker string.
    fn jpeg_with_exif() -> Vec<u8> {
        let mut plain = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut plain)
            .encode_image(&DynamicImage::new_rgb8(8, 8).to_rgb8())
            .unwrap();
        let payload = b"Exif\0\0GPSLatitude 36.6512 N";
        let mut app1 = vec![0xFF, 0xE1];
        app1.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        app1.extend_from_slice(payload);
        let mut out = plain[..2].to_vec();
        out.extend(app1);
        out.extend_from_slice(&plain[2..]);
        out
    }

    #[test]
    fn photos_are_reencoded_without_exif() {
        let input = jpeg_with_exif();
        assert!(input.windows(11).any(|w| w == b"GPSLatitude"));
        let p = process(&input).unwrap();
        assert!(
            !p.full.windows(11).any(|w| w == b"GPSLatitude"),
            "EXIF must be gone"
        );
        assert_eq!(&p.full[..2], &[0xFF, 0xD8], "a JPEG");
    }

    #[test]
    fn large_photos_are_scaled_and_thumbnailed() {
        let p = process(&png(3000, 1500)).unwrap();
        assert_eq!((p.width, p.height), (2560, 1280));
        let t = image::load_from_memory(&p.thumb).unwrap();
        assert!(t.width() <= 320 && t.height() <= 320);
    }

    #[test]
    fn non_images_and_oversized_uploads_are_refused() {
        assert_eq!(
            process(b"%PDF-1.7 not a photo").unwrap_err(),
            PhotoProblem::NotImage
        );
        assert_eq!(
            process(b"GIF89a......").unwrap_err(),
            PhotoProblem::NotImage
        );
        assert_eq!(
            process(&vec![0u8; MAX_PHOTO_BYTES + 1]).unwrap_err(),
            PhotoProblem::TooLarge
        );
    }
}
