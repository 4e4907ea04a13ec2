//! Image handling for Sahifa uploads: a pure library, no I/O and no async.
//!
//! [`process`] takes the bytes of an uploaded file and either refuses it with a
//! [`MediaError`] (whose [`MediaError::message_key`] names a locale message for the
//! admin UI) or returns a [`Processed`] image: the original re-encoded without any
//! EXIF/GPS/XMP/IPTC metadata, plus responsive [`Variant`]s for `srcset`.
//!
//! # Run it off the async threads
//!
//! Decoding, resizing and encoding are CPU-bound and can take from tens of
//! milliseconds to a few seconds for a 40-megapixel photo, and a decoded image can
//! take a few hundred megabytes of memory. Callers in async code **must** run
//! [`process`] inside `tokio::task::spawn_blocking` (and should bound how many run at
//! once, e.g. with a semaphore, so that parallel uploads cannot exhaust memory):
//!
//! ```ignore
//! let limits = sahifa_media::Limits::default();
//! let processed = tokio::task::spawn_blocking(move || sahifa_media::process(&body, &limits))
//!     .await??;
//! ```
//!
//! # What is checked, in order
//!
//! 1. the byte size ([`MediaError::Empty`], [`MediaError::TooLarge`]);
//! 2. the type, from magic bytes only, never the file name ([`MediaError::UnsupportedType`]);
//! 3. the dimensions, read from the header before any pixel is decoded, so a
//!    decompression bomb is refused in microseconds ([`MediaError::TooManyPixels`],
//!    [`MediaError::SideTooLong`]);
//! 4. the pixel data itself ([`MediaError::Corrupt`], [`MediaError::UnsupportedFeature`]).
//!
//! # Known trade-offs
//!
//! * `image` 0.25 only has a **lossless** WebP encoder (VP8L). WebP output is therefore
//!   exact but, for photographs, usually larger than the JPEG at quality 85; it is
//!   excellent for PNG-like graphics. WebP originals are re-encoded losslessly too, so
//!   a lossy WebP upload may grow.
//! * Animated PNG/WebP keep only their first frame.
//! * The ICC colour profile, if any, is kept (it is colour data, not personal
//!   metadata, and dropping it would shift colours of e.g. Display-P3 phone photos).

// Text, queries, uploads and forms decide indexes here, and a panic takes a request down:
// look up with `get` and propagate errors instead of unwrapping.
#![warn(clippy::indexing_slicing)]
#![warn(clippy::unwrap_used)]

use std::fmt;
use std::io::Cursor;

use fast_image_resize as fir;
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::codecs::webp::WebPEncoder;
use image::{ColorType, DynamicImage, ImageDecoder, ImageEncoder, ImageError, ImageFormat};

/// Widths (in pixels) of the responsive variants. Only those strictly smaller than the
/// (oriented) original width are produced: upscaling would only waste bytes.
pub const VARIANT_WIDTHS: [u32; 3] = [320, 640, 1280];

/// JPEG quality for the re-encoded original and the JPEG variants: visually
/// transparent for news photos at a fraction of quality 95's size.
pub const JPEG_QUALITY: u8 = 85;

/// Upload limits. Every check happens before the expensive work it protects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted file, in bytes. Default 15 MiB.
    pub max_bytes: usize,
    /// Largest accepted `width × height`. Default 40 megapixels, which is above any
    /// current phone or press camera but keeps a decoded RGBA image around 160 MB.
    pub max_pixels: u64,
    /// Largest accepted width or height, in pixels. Default 12000; refuses absurd
    /// panoramas such as 100000×10 that pass the pixel count.
    pub max_side: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 15 * 1024 * 1024,
            max_pixels: 40_000_000,
            max_side: 12_000,
        }
    }
}

/// The accepted image formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaKind {
    /// JPEG (JFIF/EXIF).
    Jpeg,
    /// PNG (also APNG, of which only the first frame is kept).
    Png,
    /// WebP, lossy or lossless.
    Webp,
}

impl MediaKind {
    /// The file extension to store the file under, without the dot.
    pub fn extension(&self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
            Self::Webp => "webp",
        }
    }

    /// The MIME type to serve the file with.
    pub fn mime(&self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Webp => "image/webp",
        }
    }

    fn image_format(self) -> ImageFormat {
        match self {
            Self::Jpeg => ImageFormat::Jpeg,
            Self::Png => ImageFormat::Png,
            Self::Webp => ImageFormat::WebP,
        }
    }
}

impl fmt::Display for MediaKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

/// Why an upload was refused. Show users [`MediaError::message_key`], not `Display`
/// (which is English, for logs).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MediaError {
    /// The upload has no bytes.
    #[error("the file is empty")]
    Empty,
    /// The upload is larger than [`Limits::max_bytes`].
    #[error("the file is larger than {max_bytes} bytes")]
    TooLarge {
        /// The limit that was exceeded, in bytes.
        max_bytes: usize,
    },
    /// The bytes are not JPEG, PNG or WebP (whatever the file name says).
    #[error("the file is not a JPEG, PNG or WebP image")]
    UnsupportedType,
    /// The file claims to be an image but is truncated or undecodable.
    #[error("the image is damaged or incomplete: {0}")]
    Corrupt(String),
    /// `width × height` exceeds [`Limits::max_pixels`] (e.g. a decompression bomb);
    /// detected from the header, before decoding.
    #[error("the image is {width}×{height}, more than {max_pixels} pixels")]
    TooManyPixels {
        /// Width from the header.
        width: u32,
        /// Height from the header.
        height: u32,
        /// The limit that was exceeded.
        max_pixels: u64,
    },
    /// The width or height exceeds [`Limits::max_side`].
    #[error("the image is {width}×{height}, a side is longer than {max_side} pixels")]
    SideTooLong {
        /// Width from the header.
        width: u32,
        /// Height from the header.
        height: u32,
        /// The limit that was exceeded.
        max_side: u32,
    },
    /// A valid image using a feature the decoder does not handle (an unusual colour
    /// mode or coding variant).
    #[error("the image uses an unsupported feature: {0}")]
    UnsupportedFeature(String),
    /// Encoding or resizing failed; a bug or resource problem, not the user's fault.
    #[error("internal error while processing the image: {0}")]
    Internal(String),
}

impl MediaError {
    /// The locale key of a user-facing message for this error, e.g.
    /// `"media-error-too-large"`. Every key starts with `media-error-`.
    pub fn message_key(&self) -> &'static str {
        match self {
            Self::Empty => "media-error-empty",
            Self::TooLarge { .. } => "media-error-too-large",
            Self::UnsupportedType => "media-error-unsupported-type",
            Self::Corrupt(_) => "media-error-corrupt",
            Self::TooManyPixels { .. } => "media-error-too-many-pixels",
            Self::SideTooLong { .. } => "media-error-side-too-long",
            Self::UnsupportedFeature(_) => "media-error-unsupported-feature",
            Self::Internal(_) => "media-error-internal",
        }
    }

    /// Whether the upload itself is at fault (a 4xx), as opposed to the server
    /// ([`MediaError::Internal`], a 5xx).
    pub fn is_client_error(&self) -> bool {
        !matches!(self, Self::Internal(_))
    }
}

/// Determines the image type from the magic bytes only; the file name and the
/// client's `Content-Type` are never trusted.
pub fn sniff(bytes: &[u8]) -> Result<MediaKind, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    // SOI followed by the first marker's 0xFF.
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(MediaKind::Jpeg);
    }
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(MediaKind::Png);
    }
    // RIFF container (4-byte size in between) whose form type is WEBP.
    if bytes.get(0..4) == Some(b"RIFF".as_slice()) && bytes.get(8..12) == Some(b"WEBP".as_slice()) {
        return Ok(MediaKind::Webp);
    }
    Err(MediaError::UnsupportedType)
}

/// One resized rendition of an upload.
#[derive(Clone, PartialEq, Eq)]
pub struct Variant {
    /// Width in pixels (one of [`VARIANT_WIDTHS`]).
    pub width: u32,
    /// Height in pixels, keeping the original aspect ratio.
    pub height: u32,
    /// Encoding of [`Variant::bytes`].
    pub kind: MediaKind,
    /// The encoded file, without metadata.
    pub bytes: Vec<u8>,
    /// A file-name suffix that is unique within one upload, e.g. `"640w.webp"`; the
    /// storage layer can name the file `{id}-{suffix}`.
    pub suffix: String,
}

impl fmt::Debug for Variant {
    // Hand-written so that test failures and logs print sizes, not megabytes of bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Variant")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("kind", &self.kind)
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .field("suffix", &self.suffix)
            .finish()
    }
}

/// The result of [`process`].
#[derive(Clone, PartialEq, Eq)]
pub struct Processed {
    /// The format of the upload, which is also the format of [`Processed::original`].
    pub kind: MediaKind,
    /// Width of the original after applying its EXIF orientation.
    pub width: u32,
    /// Height of the original after applying its EXIF orientation.
    pub height: u32,
    /// The full-size image re-encoded in its own format without EXIF, GPS, XMP, IPTC or
    /// text metadata (only the ICC colour profile is kept), already upright.
    pub original: Vec<u8>,
    /// Smaller renditions, by ascending width; for each width a WebP one and, unless
    /// the upload is WebP itself, one in the original format. Empty when the image is
    /// no wider than the smallest variant width.
    pub variants: Vec<Variant>,
}

impl fmt::Debug for Processed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Processed")
            .field("kind", &self.kind)
            .field("width", &self.width)
            .field("height", &self.height)
            .field("original", &format_args!("<{} bytes>", self.original.len()))
            .field("variants", &self.variants)
            .finish()
    }
}

/// Validates an upload and produces its clean original and responsive variants.
///
/// CPU- and memory-heavy: call it from `spawn_blocking`, never on an async worker
/// thread (see the crate documentation).
pub fn process(bytes: &[u8], limits: &Limits) -> Result<Processed, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    if bytes.len() > limits.max_bytes {
        return Err(MediaError::TooLarge {
            max_bytes: limits.max_bytes,
        });
    }
    let kind = sniff(bytes)?;

    // Upper bound for what the decoder may allocate: the largest pixel we can get from
    // these formats is 16-bit RGBA (8 bytes), plus headroom for decoder state and
    // ancillary chunks. This is defence in depth behind the explicit header check.
    let max_alloc = limits
        .max_pixels
        .saturating_mul(8)
        .saturating_add(64 * 1024 * 1024);
    let mut alloc_only = image::Limits::default();
    alloc_only.max_alloc = Some(max_alloc);

    // The format comes from our own sniffing rather than `with_guessed_format`, so the
    // decoder is always the one for the type we accepted.
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), kind.image_format());
    // No strict width/height limits yet: we want our own, precise error from the header
    // check below rather than the decoder's generic limit error.
    reader.limits(alloc_only.clone());
    // Constructing the decoder parses only the header, never the pixel data.
    let mut decoder = reader.into_decoder().map_err(from_image_error)?;
    let (width, height) = decoder.dimensions();
    check_dimensions(width, height, limits)?;

    let mut strict = alloc_only;
    strict.max_image_width = Some(limits.max_side);
    strict.max_image_height = Some(limits.max_side);
    decoder.set_limits(strict).map_err(from_image_error)?;

    // Read before decoding: decoding consumes the decoder. A broken EXIF block is not a
    // reason to refuse a photo, so an unreadable orientation means "upright".
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten();

    let mut img = DynamicImage::from_decoder(decoder).map_err(from_image_error)?;
    // Metadata is about to be dropped, so bake the rotation into the pixels or phone
    // photos would end up sideways.
    img.apply_orientation(orientation);

    let original = encode(&img, kind, icc.as_deref())?;
    let variants = make_variants(&img, kind, icc.as_deref())?;
    Ok(Processed {
        kind,
        width: img.width(),
        height: img.height(),
        original,
        variants,
    })
}

/// Builds an HTML `srcset` value (`"url 320w, url 640w"`) from the variants of one
/// kind, in ascending width. Returns an empty string when there is none; callers may
/// then append the original with its own width descriptor.
pub fn srcset(
    variants: &[Variant],
    url_of: impl Fn(&Variant) -> String,
    kind: MediaKind,
) -> String {
    let mut of_kind: Vec<&Variant> = variants.iter().filter(|v| v.kind == kind).collect();
    of_kind.sort_by_key(|v| v.width);
    of_kind
        .iter()
        .map(|v| format!("{} {}w", url_of(v), v.width))
        .collect::<Vec<_>>()
        .join(", ")
}

fn check_dimensions(width: u32, height: u32, limits: &Limits) -> Result<(), MediaError> {
    if width == 0 || height == 0 {
        return Err(MediaError::Corrupt(format!(
            "the header says {width}×{height}"
        )));
    }
    // Checked first so that a bomb is reported as such even if a side is also too long.
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(MediaError::TooManyPixels {
            width,
            height,
            max_pixels: limits.max_pixels,
        });
    }
    if width > limits.max_side || height > limits.max_side {
        return Err(MediaError::SideTooLong {
            width,
            height,
            max_side: limits.max_side,
        });
    }
    Ok(())
}

fn from_image_error(e: ImageError) -> MediaError {
    match e {
        // Truncated files surface as unexpected EOF from the reader.
        ImageError::Decoding(_) | ImageError::IoError(_) => MediaError::Corrupt(e.to_string()),
        // The header check already passed, so this means the file needs far more memory
        // than its dimensions announce (e.g. a compressed text-chunk bomb): a malformed file.
        ImageError::Limits(_) => MediaError::Corrupt(format!("decoder limit exceeded: {e}")),
        ImageError::Unsupported(_) => MediaError::UnsupportedFeature(e.to_string()),
        ImageError::Parameter(_) | ImageError::Encoding(_) => MediaError::Internal(e.to_string()),
    }
}

/// Re-encodes `img` as `kind`. Only the ICC profile is written: the encoders emit no
/// EXIF/XMP unless asked to, which is what strips the metadata.
fn encode(img: &DynamicImage, kind: MediaKind, icc: Option<&[u8]>) -> Result<Vec<u8>, MediaError> {
    let mut out = Vec::new();
    let result = match kind {
        MediaKind::Jpeg => {
            let enc = with_icc(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY), icc);
            img.write_with_encoder(enc)
        }
        MediaKind::Png => {
            let enc = with_icc(
                PngEncoder::new_with_quality(
                    &mut out,
                    CompressionType::Default,
                    FilterType::Adaptive,
                ),
                icc,
            );
            img.write_with_encoder(enc)
        }
        MediaKind::Webp => {
            img.write_with_encoder(with_icc(WebPEncoder::new_lossless(&mut out), icc))
        }
    };
    result.map_err(|e| MediaError::Internal(format!("encoding {kind}: {e}")))?;
    Ok(out)
}

fn with_icc<E: ImageEncoder>(mut enc: E, icc: Option<&[u8]>) -> E {
    if let Some(icc) = icc {
        // Losing the profile only costs colour accuracy, never correctness.
        let _ = enc.set_icc_profile(icc.to_vec());
    }
    enc
}

fn make_variants(
    img: &DynamicImage,
    kind: MediaKind,
    icc: Option<&[u8]>,
) -> Result<Vec<Variant>, MediaError> {
    let (width, height) = (img.width(), img.height());
    let widths: Vec<u32> = VARIANT_WIDTHS.into_iter().filter(|&w| w < width).collect();
    if widths.is_empty() {
        return Ok(Vec::new());
    }

    // Variants are for browsers: 8-bit is all they need and all WebP can hold.
    let converted;
    let base = match img.color() {
        ColorType::L8 | ColorType::La8 | ColorType::Rgb8 | ColorType::Rgba8 => img,
        _ => {
            converted = if img.has_alpha() {
                DynamicImage::ImageRgba8(img.to_rgba8())
            } else {
                DynamicImage::ImageRgb8(img.to_rgb8())
            };
            &converted
        }
    };

    let mut resizer = fir::Resizer::new();
    // Lanczos3 is the sharpest common filter for downscaling; fast_image_resize also
    // premultiplies alpha so transparent edges do not get dark fringes.
    let options = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));

    let mut kinds = vec![MediaKind::Webp];
    if kind != MediaKind::Webp {
        kinds.push(kind);
    }

    // Largest first, each smaller one from the previous: the convolution cost is
    // proportional to the source size, so this is several times cheaper than always
    // starting from a 40-megapixel original, at no visible quality cost for ≥2× steps.
    let mut rendered: Vec<(u32, DynamicImage)> = Vec::with_capacity(widths.len());
    for &w in widths.iter().rev() {
        let h = scaled_height(width, height, w);
        let mut dst = DynamicImage::new(w, h, base.color());
        let src = rendered.last().map_or(base, |(_, prev)| prev);
        resizer
            .resize(src, &mut dst, &options)
            .map_err(|e| MediaError::Internal(format!("resizing to {w}×{h}: {e}")))?;
        rendered.push((w, dst));
    }
    rendered.reverse();

    let mut variants = Vec::with_capacity(rendered.len() * kinds.len());
    for (w, resized) in &rendered {
        for &k in &kinds {
            variants.push(Variant {
                width: *w,
                height: resized.height(),
                kind: k,
                bytes: encode(resized, k, icc)?,
                suffix: format!("{w}w.{}", k.extension()),
            });
        }
    }
    Ok(variants)
}

/// Height for `target_w` that keeps the aspect ratio, rounded to nearest, at least 1.
fn scaled_height(width: u32, height: u32, target_w: u32) -> u32 {
    let h = (u64::from(height) * u64::from(target_w) + u64::from(width) / 2) / u64::from(width);
    u32::try_from(h.max(1)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniff_by_magic_bytes() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]).unwrap(), MediaKind::Jpeg);
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n....").unwrap(), MediaKind::Png);
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8L").unwrap(), MediaKind::Webp);
        assert!(matches!(
            sniff(b"RIFF\x10\0\0\0WAVEfmt "),
            Err(MediaError::UnsupportedType)
        ));
        assert!(matches!(
            sniff(b"GIF89a......"),
            Err(MediaError::UnsupportedType)
        ));
        assert!(matches!(sniff(b"<html>"), Err(MediaError::UnsupportedType)));
        assert!(matches!(
            sniff(&[0xFF, 0xD8]),
            Err(MediaError::UnsupportedType)
        ));
        assert!(matches!(sniff(b""), Err(MediaError::Empty)));
    }

    #[test]
    fn scaled_height_rounds_and_never_hits_zero() {
        assert_eq!(scaled_height(2000, 1000, 640), 320);
        assert_eq!(scaled_height(3, 2, 320), 213);
        assert_eq!(scaled_height(12000, 1, 320), 1);
    }

    #[test]
    fn message_keys_are_distinct_and_prefixed() {
        let all = [
            MediaError::Empty,
            MediaError::TooLarge { max_bytes: 1 },
            MediaError::UnsupportedType,
            MediaError::Corrupt(String::new()),
            MediaError::TooManyPixels {
                width: 1,
                height: 1,
                max_pixels: 1,
            },
            MediaError::SideTooLong {
                width: 1,
                height: 1,
                max_side: 1,
            },
            MediaError::UnsupportedFeature(String::new()),
            MediaError::Internal(String::new()),
        ];
        let mut keys: Vec<_> = all.iter().map(MediaError::message_key).collect();
        assert!(keys.iter().all(|k| k.starts_with("media-error-")));
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), all.len());
    }

    #[test]
    fn kind_extension_and_mime() {
        assert_eq!(MediaKind::Jpeg.extension(), "jpg");
        assert_eq!(MediaKind::Png.mime(), "image/png");
        assert_eq!(MediaKind::Webp.mime(), "image/webp");
    }
}
