//! Photos: the real type is sniffed from the bytes, then the image is
//! re-encoded as JPEG, which drops EXIF (GPS!) and anything else riding
//! along, and a thumbnail is made.
//!
//! Decoding is where a hostile upload hurts: a 410 KB PNG can claim
//! 12,000 × 12,000 pixels, 432 MB once decoded. So the header is read and
//! judged before a pixel is allocated, the image crate gets explicit limits
//! as a second guard, and decodes are rationed — at most [`MAX_DECODES`] at
//! a time and within [`DECODE_BUDGET_MIB`] of pixel memory — behind a short
//! queue ([`admit`]); beyond the queue the caller is told to come back.

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};
use std::io::Cursor;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{Semaphore, SemaphorePermit};

/// Largest upload accepted, per photo.
pub const MAX_PHOTO_BYTES: usize = 10 * 1024 * 1024;
/// Photos per case.
pub const MAX_PHOTOS: u64 = 6;
/// Longest side accepted. Phone cameras write at most 8000 px (a 48 MP
/// sensor's full-size JPEG) by default; bigger is a bomb or a scan.
pub const MAX_DIMENSION: u32 = 8000;
/// Most pixels accepted: 40 MP, well above the 12–24 MP phones write by
/// default, and at 4 bytes a pixel still inside [`DECODE_BUDGET_MIB`].
pub const MAX_PIXELS: u64 = 40_000_000;
/// Largest decoded image (16-bit RGBA at 40 MP would need 320 MB).
const MAX_DECODED_BYTES: u64 = 256 * 1024 * 1024;
/// What a decoder may allocate besides the pixels (the image crate's
/// `max_alloc`, which the PNG decoder applies to its rows and chunks): an
/// ICC profile of a few MB fits, a compressed 256 MB one — read with the
/// header, before any permit — does not.
const DECODER_SCRATCH: u64 = 16 * 1024 * 1024;
/// Decodes running at once: each holds a core and tens of MB.
pub const MAX_DECODES: usize = 2;
/// Uploads allowed to wait (reading their body or queued for a decode)
/// besides the ones decoding; more are answered "busy" at once so a burst
/// cannot pile up bodies in memory.
/// Each holds its body in memory (up to 10 MB): with the two decodes this
/// keeps a burst of camera photos inside the 300 MB the server may use.
pub const MAX_WAITING: usize = 6;
/// Pixel memory all running decodes may hold together. Two 12 MP photos
/// fit side by side; a 40 MP one runs alone.
pub const DECODE_BUDGET_MIB: u32 = 192;
/// Longest side kept; larger photos are scaled down.
const MAX_SIDE: u32 = 2560;
const THUMB_SIDE: u32 = 320;

/// Uploads admitted: decoding, queued, or still arriving.
static ADMITTED: Semaphore = Semaphore::const_new(MAX_DECODES + MAX_WAITING);
/// Decodes running.
static DECODES: Semaphore = Semaphore::const_new(MAX_DECODES);
/// Pixel memory of the running decodes, in MiB.
static DECODE_MEMORY: Semaphore = Semaphore::const_new(DECODE_BUDGET_MIB as usize);

/// Decodes under way now and the most seen at once since the last reset:
/// what the rationing promises, observable by tests and benchmarks.
static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

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
    /// Wider, taller or more pixels than we decode.
    TooManyPixels,
    /// The queue in front of the decoders is full; try again shortly.
    Busy,
}

/// What the header of an upload says, read without decoding a pixel.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Header {
    pub format: ImageFormat,
    pub width: u32,
    pub height: u32,
    /// Size of the decoded pixels.
    pub decoded_bytes: u64,
}

/// Uploads one user may have admitted at once: a phone sends its photos
/// one after another, so more is someone holding the queue for others.
pub const PER_USER: usize = 2;

/// Admitted uploads per user.
static BY_USER: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<i64, usize>>> =
    std::sync::LazyLock::new(Default::default);

/// A place in the queue in front of the decoders, held by one upload from
/// before its body is read until it is answered.
pub struct Admission {
    _slot: SemaphorePermit<'static>,
    user: i64,
}

impl Drop for Admission {
    fn drop(&mut self) {
        let mut map = BY_USER.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = map.get_mut(&self.user) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.user);
            }
        }
    }
}

/// The right to run one decode of a given size; released when dropped.
pub struct DecodePermit {
    _slot: SemaphorePermit<'static>,
    _memory: SemaphorePermit<'static>,
}

/// Takes a place in the queue, or says the server is busy. Network entry
/// points call this before reading a body so that waiting bodies are
/// bounded too, not only decodes.
pub fn admit(user: i64) -> Result<Admission, PhotoProblem> {
    let slot = ADMITTED.try_acquire().map_err(|_| PhotoProblem::Busy)?;
    let mut map = BY_USER.lock().unwrap_or_else(|p| p.into_inner());
    let n = map.entry(user).or_insert(0);
    if *n >= PER_USER {
        return Err(PhotoProblem::Busy);
    }
    *n += 1;
    Ok(Admission { _slot: slot, user })
}

/// Waits for a decoder and for room in the memory budget for an image with
/// `header` from an upload of `input_bytes`. Permits are always taken in
/// this order (slot, then memory), so two waiters cannot hold each other up.
pub async fn decode_permit(
    header: &Header,
    input_bytes: usize,
) -> Result<DecodePermit, PhotoProblem> {
    let slot = DECODES.acquire().await.map_err(|_| PhotoProblem::Busy)?;
    let memory = DECODE_MEMORY
        .acquire_many(memory_mib(header, input_bytes))
        .await
        .map_err(|_| PhotoProblem::Busy)?;
    Ok(DecodePermit {
        _slot: slot,
        _memory: memory,
    })
}

/// MiB a decode of `header` holds at its peak: the decoder's copy of the
/// input, the decoded pixels and the scaled copy; an image bigger than the
/// whole budget takes all of it and so runs alone.
fn memory_mib(header: &Header, input_bytes: usize) -> u32 {
    let scaled = header
        .decoded_bytes
        .min(u64::from(MAX_SIDE) * u64::from(MAX_SIDE) * 4);
    let bytes = header.decoded_bytes + scaled + input_bytes as u64;
    let mib = bytes.div_ceil(1024 * 1024).max(1);
    u32::try_from(mib)
        .unwrap_or(DECODE_BUDGET_MIB)
        .min(DECODE_BUDGET_MIB)
}

/// The most decodes that ran at once since [`reset_decodes_in_flight_peak`].
pub fn decodes_in_flight_peak() -> usize {
    PEAK.load(Ordering::SeqCst)
}

pub fn reset_decodes_in_flight_peak() {
    PEAK.store(IN_FLIGHT.load(Ordering::SeqCst), Ordering::SeqCst);
}

/// Counts one decode for as long as it lives.
struct InFlight;

impl InFlight {
    fn enter() -> InFlight {
        let now = IN_FLIGHT.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK.fetch_max(now, Ordering::SeqCst);
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The limits handed to the image crate before it reads anything.
fn limits() -> Limits {
    // `Limits` is non-exhaustive: start from its defaults, set ours.
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(DECODER_SCRATCH);
    limits
}

/// The real type, from the bytes; only JPEG, PNG and WebP are photos here.
fn sniff(bytes: &[u8]) -> Result<ImageFormat, PhotoProblem> {
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
    Ok(format)
}

fn refusal(e: ImageError) -> PhotoProblem {
    match e {
        ImageError::Limits(_) => PhotoProblem::TooManyPixels,
        _ => PhotoProblem::NotImage,
    }
}

fn check_size(width: u32, height: u32, decoded_bytes: u64) -> Result<(), PhotoProblem> {
    if width > MAX_DIMENSION
        || height > MAX_DIMENSION
        || u64::from(width) * u64::from(height) > MAX_PIXELS
        || decoded_bytes > MAX_DECODED_BYTES
    {
        return Err(PhotoProblem::TooManyPixels);
    }
    Ok(())
}

/// A decoder over `bytes` that has read the header only, with the size
/// already judged.
fn open(bytes: &[u8]) -> Result<(ImageFormat, impl ImageDecoder + '_), PhotoProblem> {
    let format = sniff(bytes)?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    // Set before the decoder exists: the PNG decoder checks them against
    // the header as it is built, the others right after.
    reader.limits(limits());
    let decoder = reader.into_decoder().map_err(refusal)?;
    let (width, height) = decoder.dimensions();
    check_size(width, height, decoder.total_bytes())?;
    Ok((format, decoder))
}

/// Reads and judges the header only: milliseconds even for a bomb, so it
/// runs before an upload waits for a decoder.
pub fn inspect(bytes: &[u8]) -> Result<Header, PhotoProblem> {
    let (format, decoder) = open(bytes)?;
    let (width, height) = decoder.dimensions();
    Ok(Header {
        format,
        width,
        height,
        decoded_bytes: decoder.total_bytes(),
    })
}

fn jpeg(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, PhotoProblem> {
    let mut out = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
    // Photos decode to RGB already: encode them without another copy.
    match img.as_rgb8() {
        Some(rgb) => encoder.encode_image(rgb),
        None => encoder.encode_image(&img.to_rgb8()),
    }
    .map_err(|_| PhotoProblem::NotImage)?;
    Ok(out)
}

/// Checks and re-encodes one upload. CPU- and memory-heavy: run it off the
/// async workers while holding a [`DecodePermit`].
pub fn process(bytes: &[u8]) -> Result<Processed, PhotoProblem> {
    let (_, mut decoder) = open(bytes)?;
    let _counted = InFlight::enter();
    // Phones store portrait shots sideways with an EXIF note to turn them;
    // the note goes with the EXIF, so the turn is made here.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut img = DynamicImage::from_decoder(decoder).map_err(refusal)?;
    if img.width().max(img.height()) > MAX_SIDE {
        // Area averaging straight into the smaller image: a filtered resize
        // would hold a float copy several times the size of the original.
        img = img.thumbnail(MAX_SIDE, MAX_SIDE);
    }
    img.apply_orientation(orientation);
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

    #[test]
    fn headers_claiming_too_many_pixels_are_refused_before_decoding() {
        // Tiny files (a few hundred bytes) whose headers claim too much.
        let wide = png(MAX_DIMENSION + 1, 2);
        assert_eq!(inspect(&wide).unwrap_err(), PhotoProblem::TooManyPixels);
        assert_eq!(process(&wide).unwrap_err(), PhotoProblem::TooManyPixels);
        let tall = png(2, MAX_DIMENSION + 1);
        assert_eq!(inspect(&tall).unwrap_err(), PhotoProblem::TooManyPixels);
        // Within each side but too many in all (7000 × 7000 = 49 MP).
        assert_eq!(
            check_size(7000, 7000, 7000 * 7000 * 3),
            Err(PhotoProblem::TooManyPixels)
        );
        assert_eq!(check_size(4000, 3000, 4000 * 3000 * 3), Ok(()));
        let ok = inspect(&png(40, 30)).unwrap();
        assert_eq!(
            (ok.format, ok.width, ok.height, ok.decoded_bytes),
            (ImageFormat::Png, 40, 30, 40 * 30 * 3)
        );
    }

    #[test]
    fn the_queue_in_front_of_the_decoders_is_bounded() {
        // The only test here that takes places: nothing else competes.
        // Many users, two places each at most.
        let held: Vec<Admission> = (0..MAX_DECODES + MAX_WAITING)
            .map(|i| admit(1000 + (i / PER_USER) as i64).expect("a place"))
            .collect();
        assert!(matches!(admit(5000), Err(PhotoProblem::Busy)));
        drop(held);
        assert!(admit(5000).is_ok(), "places come back when answered");
    }

    #[test]
    fn one_user_cannot_hold_the_queue() {
        let a = admit(-7).expect("first");
        let b = admit(-7).expect("second");
        assert!(
            matches!(admit(-7), Err(PhotoProblem::Busy)),
            "a third at once"
        );
        drop(a);
        let c = admit(-7).expect("a place once one is answered");
        drop((b, c));
    }

    #[test]
    fn a_decode_reserves_its_memory_within_the_budget() {
        let header = |w: u32, h: u32, bpp: u64| Header {
            format: ImageFormat::Jpeg,
            width: w,
            height: h,
            decoded_bytes: u64::from(w) * u64::from(h) * bpp,
        };
        // 12 MP: 36 MB of pixels, ~26 MB scaled, 6 MB of input.
        let twelve = memory_mib(&header(4000, 3000, 3), 6 << 20);
        assert!((60..=75).contains(&twelve), "{twelve}");
        assert!(2 * twelve <= DECODE_BUDGET_MIB, "two camera photos at once");
        let forty = memory_mib(&header(8000, 5000, 4), 9 << 20);
        assert!(
            forty + twelve > DECODE_BUDGET_MIB,
            "a 40 MP RGBA image runs alone"
        );
        assert_eq!(
            memory_mib(&header(8000, 8000, 4), 9 << 20),
            DECODE_BUDGET_MIB,
            "more than the budget takes all of it, never more"
        );
        assert_eq!(memory_mib(&header(1, 1, 3), 100), 1);
    }
}
