//! End-to-end tests of `process` on fixtures generated here with `image` itself, with
//! metadata spliced in by hand so that stripping is proved on real segment layouts.

use std::io::Cursor;
use std::time::{Duration, Instant};

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, GenericImageView, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};
use sahifa_media::{Limits, MediaError, MediaKind, Processed, Variant, process, sniff, srcset};

/// A string that must never survive processing: it is put in EXIF Make, XMP and PNG
/// text chunks of the fixtures.
const LEAK: &[u8] = b"SahifaLeakTestCam";

// ---------- fixture builders ----------

/// Left half red, right half blue: orientation changes are visible in the pixels.
fn two_tone(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, _| {
        if x < width / 2 {
            Rgb([220, 20, 20])
        } else {
            Rgb([20, 20, 220])
        }
    })
}

fn jpeg_of(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(img)
        .unwrap();
    out
}

fn encode_as(img: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

fn be16(v: u16) -> [u8; 2] {
    v.to_be_bytes()
}
fn be32(v: u32) -> [u8; 4] {
    v.to_be_bytes()
}

/// A big-endian TIFF/EXIF block with IFD0 {Make, Orientation, GPS IFD pointer} and a
/// GPS IFD {GPSLatitudeRef "N", GPSLatitude 33°18'50"}: what a phone writes.
fn exif_tiff(orientation: u16) -> Vec<u8> {
    let ifd0 = 8u32;
    let ifd0_len = 2 + 3 * 12 + 4;
    let gps_ifd = ifd0 + ifd0_len;
    let gps_len = 2 + 2 * 12 + 4;
    let lat_data = gps_ifd + gps_len;
    let make_data = lat_data + 24;
    let make_len = u32::try_from(LEAK.len()).unwrap() + 1;

    let mut t = Vec::new();
    t.extend_from_slice(b"MM");
    t.extend_from_slice(&be16(42));
    t.extend_from_slice(&be32(ifd0));
    // IFD0, entries sorted by tag.
    t.extend_from_slice(&be16(3));
    t.extend_from_slice(&be16(0x010F)); // Make, ASCII
    t.extend_from_slice(&be16(2));
    t.extend_from_slice(&be32(make_len));
    t.extend_from_slice(&be32(make_data));
    t.extend_from_slice(&be16(0x0112)); // Orientation, SHORT, inline
    t.extend_from_slice(&be16(3));
    t.extend_from_slice(&be32(1));
    t.extend_from_slice(&be16(orientation));
    t.extend_from_slice(&be16(0));
    t.extend_from_slice(&be16(0x8825)); // GPSInfo IFD pointer, LONG
    t.extend_from_slice(&be16(4));
    t.extend_from_slice(&be32(1));
    t.extend_from_slice(&be32(gps_ifd));
    t.extend_from_slice(&be32(0)); // no IFD1
    assert_eq!(t.len() as u32, gps_ifd);
    // GPS IFD.
    t.extend_from_slice(&be16(2));
    t.extend_from_slice(&be16(0x0001)); // GPSLatitudeRef, ASCII "N\0" inline
    t.extend_from_slice(&be16(2));
    t.extend_from_slice(&be32(2));
    t.extend_from_slice(b"N\0\0\0");
    t.extend_from_slice(&be16(0x0002)); // GPSLatitude, 3 RATIONALs
    t.extend_from_slice(&be16(5));
    t.extend_from_slice(&be32(3));
    t.extend_from_slice(&be32(lat_data));
    t.extend_from_slice(&be32(0));
    assert_eq!(t.len() as u32, lat_data);
    for (num, den) in [(33u32, 1u32), (18, 1), (5000, 100)] {
        t.extend_from_slice(&be32(num));
        t.extend_from_slice(&be32(den));
    }
    assert_eq!(t.len() as u32, make_data);
    t.extend_from_slice(LEAK);
    t.push(0);
    t
}

fn app_segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut seg = vec![0xFF, marker];
    seg.extend_from_slice(&be16(u16::try_from(payload.len() + 2).unwrap()));
    seg.extend_from_slice(payload);
    seg
}

/// Splices an EXIF APP1 (with GPS) and an XMP APP1 right after SOI.
fn jpeg_with_metadata(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend_from_slice(&exif_tiff(orientation));
    let mut xmp = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    xmp.extend_from_slice(b"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><tiff:Make>");
    xmp.extend_from_slice(LEAK);
    xmp.extend_from_slice(b"</tiff:Make></x:xmpmeta>");

    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&app_segment(0xE1, &exif));
    out.extend_from_slice(&app_segment(0xE1, &xmp));
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The markers of all header segments of a JPEG, up to and including SOS; walking the
/// structure rather than searching for FF E1 avoids false hits inside table data.
fn jpeg_markers(jpeg: &[u8]) -> Vec<u8> {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "not a JPEG");
    let mut markers = Vec::new();
    let mut i = 2;
    while i + 4 <= jpeg.len() {
        assert_eq!(jpeg[i], 0xFF, "segment does not start with 0xFF at {i}");
        let marker = jpeg[i + 1];
        markers.push(marker);
        if marker == 0xDA {
            break;
        }
        let len = usize::from(u16::from_be_bytes([jpeg[i + 2], jpeg[i + 3]]));
        i += 2 + len;
    }
    markers
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = be32(u32::try_from(data.len()).unwrap()).to_vec();
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    chunk.extend_from_slice(&be32(crc.finalize()));
    chunk
}

/// A PNG whose IHDR claims `width × height` RGBA8, with a token IDAT: a few dozen
/// bytes that would decode to `width × height × 4` bytes.
fn png_header_only(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&be32(width));
    ihdr.extend_from_slice(&be32(height));
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]); // 8-bit RGBA, deflate, adaptive, no interlace
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&png_chunk(b"IHDR", &ihdr));
    png.extend_from_slice(&png_chunk(b"IDAT", &[0x78, 0x9C, 0x62, 0x00, 0x00]));
    png.extend_from_slice(&png_chunk(b"IEND", &[]));
    png
}

/// Inserts chunks right after IHDR (signature 8 + IHDR chunk 25 bytes).
fn png_insert_after_ihdr(png: &[u8], chunks: &[Vec<u8>]) -> Vec<u8> {
    let mut out = png[..33].to_vec();
    for c in chunks {
        out.extend_from_slice(c);
    }
    out.extend_from_slice(&png[33..]);
    out
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn decode(bytes: &[u8]) -> DynamicImage {
    image::load_from_memory(bytes).unwrap()
}

fn variant(p: &Processed, width: u32, kind: MediaKind) -> &Variant {
    p.variants
        .iter()
        .find(|v| v.width == width && v.kind == kind)
        .unwrap_or_else(|| panic!("no {width}w {kind} variant in {p:?}"))
}

fn is_reddish(p: Rgba<u8>) -> bool {
    p[0] > 150 && p[2] < 100
}
fn is_bluish(p: Rgba<u8>) -> bool {
    p[2] > 150 && p[0] < 100
}

// ---------- refusals ----------

#[test]
fn text_file_named_jpg_is_unsupported_type() {
    // The name never reaches the library; only the bytes count.
    let err = process(
        b"Not a photo, just notes.txt renamed to photo.jpg\n",
        &Limits::default(),
    )
    .unwrap_err();
    assert!(matches!(err, MediaError::UnsupportedType), "{err:?}");
    assert_eq!(err.message_key(), "media-error-unsupported-type");
    assert!(err.is_client_error());
}

#[test]
fn empty_upload_is_refused() {
    let err = process(b"", &Limits::default()).unwrap_err();
    assert!(matches!(err, MediaError::Empty), "{err:?}");
    assert_eq!(err.message_key(), "media-error-empty");
}

#[test]
fn truncated_png_is_corrupt() {
    let img = DynamicImage::ImageRgb8(RgbImage::from_fn(300, 200, |x, y| {
        Rgb([(x % 256) as u8, (y % 256) as u8, ((x * y) % 256) as u8])
    }));
    let png = encode_as(&img, ImageFormat::Png);
    for cut in [png.len() / 2, png.len() - 20, 40] {
        let err = process(&png[..cut], &Limits::default()).unwrap_err();
        assert!(
            matches!(err, MediaError::Corrupt(_)),
            "cut at {cut}: {err:?}"
        );
        assert_eq!(err.message_key(), "media-error-corrupt");
    }
}

#[test]
fn png_bomb_is_refused_from_the_header() {
    let bomb = png_header_only(20_000, 20_000);
    assert!(bomb.len() < 100);
    let start = Instant::now();
    let err = process(&bomb, &Limits::default()).unwrap_err();
    let took = start.elapsed();
    match err {
        MediaError::TooManyPixels {
            width,
            height,
            max_pixels,
        } => {
            assert_eq!((width, height), (20_000, 20_000));
            assert_eq!(max_pixels, 40_000_000);
        }
        other => panic!("expected TooManyPixels, got {other:?}"),
    }
    assert_eq!(err_key(&bomb), "media-error-too-many-pixels");
    // Decoding 1.6 GB of pixels would take seconds (or abort); a header read is instant.
    assert!(took < Duration::from_millis(200), "took {took:?}");
    eprintln!("20000×20000 PNG refused in {took:?}");
}

fn err_key(bytes: &[u8]) -> &'static str {
    process(bytes, &Limits::default())
        .unwrap_err()
        .message_key()
}

#[test]
fn long_side_is_refused_from_the_header() {
    // 13000×10 is only 130 000 pixels, but wider than max_side.
    let err = process(&png_header_only(13_000, 10), &Limits::default()).unwrap_err();
    assert!(
        matches!(
            err,
            MediaError::SideTooLong {
                width: 13_000,
                height: 10,
                max_side: 12_000
            }
        ),
        "{err:?}"
    );
    assert_eq!(err.message_key(), "media-error-side-too-long");
}

#[test]
fn jpeg_over_the_pixel_limit_is_refused() {
    let jpeg = jpeg_of(&two_tone(400, 300));
    let limits = Limits {
        max_pixels: 100_000,
        ..Limits::default()
    };
    let err = process(&jpeg, &limits).unwrap_err();
    assert!(
        matches!(
            err,
            MediaError::TooManyPixels {
                width: 400,
                height: 300,
                max_pixels: 100_000
            }
        ),
        "{err:?}"
    );
}

#[test]
fn oversized_file_is_too_large() {
    // A JPEG signature followed by 15 MiB of filler: the size check comes first.
    let mut big = vec![0xFF, 0xD8, 0xFF, 0xE0];
    big.resize(15 * 1024 * 1024 + 1, 0);
    let start = Instant::now();
    let err = process(&big, &Limits::default()).unwrap_err();
    assert!(
        matches!(err, MediaError::TooLarge { max_bytes } if max_bytes == 15 * 1024 * 1024),
        "{err:?}"
    );
    assert_eq!(err.message_key(), "media-error-too-large");
    assert!(start.elapsed() < Duration::from_millis(100));

    // Exactly at the limit is not "too large" (it fails later, as garbage).
    let small = Limits {
        max_bytes: 1000,
        ..Limits::default()
    };
    let jpeg = jpeg_of(&two_tone(200, 100));
    assert!(jpeg.len() > 1000);
    assert!(matches!(
        process(&jpeg, &small),
        Err(MediaError::TooLarge { max_bytes: 1000 })
    ));
}

// ---------- successful processing ----------

#[test]
fn jpeg_2000x1000_gets_webp_and_jpeg_variants() {
    let jpeg = jpeg_of(&two_tone(2000, 1000));
    let start = Instant::now();
    let p = process(&jpeg, &Limits::default()).unwrap();
    eprintln!("2000×1000 JPEG processed in {:?}: {p:?}", start.elapsed());

    assert_eq!((p.kind, p.width, p.height), (MediaKind::Jpeg, 2000, 1000));
    assert_eq!(sniff(&p.original).unwrap(), MediaKind::Jpeg);
    assert_eq!(decode(&p.original).dimensions(), (2000, 1000));

    assert_eq!(p.variants.len(), 6);
    for (w, h) in [(320, 160), (640, 320), (1280, 640)] {
        for kind in [MediaKind::Webp, MediaKind::Jpeg] {
            let v = variant(&p, w, kind);
            assert_eq!((v.width, v.height), (w, h));
            assert_eq!(v.suffix, format!("{w}w.{}", kind.extension()));
            assert_eq!(sniff(&v.bytes).unwrap(), kind, "{v:?}");
            let img = decode(&v.bytes);
            assert_eq!(img.dimensions(), (w, h), "{v:?}");
            // The content survived resizing: red on the left, blue on the right.
            let img = img.to_rgba8();
            assert!(is_reddish(*img.get_pixel(w / 4, h / 2)));
            assert!(is_bluish(*img.get_pixel(3 * w / 4, h / 2)));
        }
    }
    // Ascending widths, so the order is stable for storage and srcset.
    let widths: Vec<u32> = p.variants.iter().map(|v| v.width).collect();
    assert!(widths.is_sorted());
}

#[test]
fn exif_gps_and_xmp_are_stripped_and_orientation_applied() {
    // 600×300 landscape pixels with Orientation 6 ("rotate 90° clockwise to view").
    let jpeg = jpeg_with_metadata(&jpeg_of(&two_tone(600, 300)), 6);
    assert!(contains(&jpeg, b"Exif\0\0") && contains(&jpeg, LEAK));
    assert_eq!(
        jpeg_markers(&jpeg).iter().filter(|&&m| m == 0xE1).count(),
        2
    );

    let p = process(&jpeg, &Limits::default()).unwrap();
    // Upright now: portrait, and the left (red) half became the top half.
    assert_eq!((p.width, p.height), (300, 600));
    let upright = decode(&p.original).to_rgba8();
    assert_eq!(upright.dimensions(), (300, 600));
    assert!(is_reddish(*upright.get_pixel(150, 100)));
    assert!(is_bluish(*upright.get_pixel(150, 500)));

    let outputs = std::iter::once(("original", &p.original, p.kind))
        .chain(p.variants.iter().map(|v| ("variant", &v.bytes, v.kind)));
    let mut checked = 0;
    for (what, bytes, kind) in outputs {
        assert!(!contains(bytes, b"Exif"), "{what} {kind} still has EXIF");
        assert!(
            !contains(bytes, LEAK),
            "{what} {kind} leaks the camera make"
        );
        assert!(
            !contains(bytes, b"ns.adobe.com/xap"),
            "{what} {kind} still has XMP"
        );
        if kind == MediaKind::Jpeg {
            let markers = jpeg_markers(bytes);
            assert!(
                !markers.contains(&0xE1),
                "{what} has an APP1 segment: {markers:x?}"
            );
        }
        checked += 1;
    }
    // The oriented width 300 is below every variant width: only the original.
    assert_eq!(p.variants.len(), 0);
    assert_eq!(checked, 1);
}

#[test]
fn orientation_and_stripping_hold_for_variants_too() {
    // Large enough for variants: 1600×900 with Orientation 8 (rotate 270° cw to view).
    let jpeg = jpeg_with_metadata(&jpeg_of(&two_tone(1600, 900)), 8);
    let p = process(&jpeg, &Limits::default()).unwrap();
    assert_eq!((p.width, p.height), (900, 1600));
    // Oriented width 900: variants 320 and 640 only.
    assert_eq!(p.variants.len(), 4);
    for (w, h) in [(320, 569), (640, 1138)] {
        for kind in [MediaKind::Webp, MediaKind::Jpeg] {
            let v = variant(&p, w, kind);
            assert_eq!((v.width, v.height), (w, h));
            assert!(!contains(&v.bytes, b"Exif") && !contains(&v.bytes, LEAK));
            let img = decode(&v.bytes).to_rgba8();
            assert_eq!(img.dimensions(), (w, h));
            // Rotating 270° cw moves the left (red) half to the bottom.
            assert!(is_bluish(*img.get_pixel(w / 2, h / 4)), "{v:?}");
            assert!(is_reddish(*img.get_pixel(w / 2, 3 * h / 4)), "{v:?}");
        }
    }
    for v in p.variants.iter().filter(|v| v.kind == MediaKind::Jpeg) {
        assert!(!jpeg_markers(&v.bytes).contains(&0xE1));
    }
}

#[test]
fn png_with_alpha_keeps_it_and_loses_text_and_exif_chunks() {
    // Opaque green left half, fully transparent right half.
    let img = RgbaImage::from_fn(800, 400, |x, _| {
        if x < 400 {
            Rgba([10, 200, 10, 255])
        } else {
            Rgba([0, 0, 0, 0])
        }
    });
    let png = encode_as(&DynamicImage::ImageRgba8(img), ImageFormat::Png);
    let mut text = b"Author\0".to_vec();
    text.extend_from_slice(LEAK);
    let png = png_insert_after_ihdr(
        &png,
        &[png_chunk(b"eXIf", &exif_tiff(1)), png_chunk(b"tEXt", &text)],
    );
    assert!(contains(&png, LEAK));

    let p = process(&png, &Limits::default()).unwrap();
    assert_eq!((p.kind, p.width, p.height), (MediaKind::Png, 800, 400));
    assert!(!contains(&p.original, LEAK) && !contains(&p.original, b"eXIf"));
    let orig = decode(&p.original);
    assert!(orig.color().has_alpha());
    assert_eq!(orig.to_rgba8().get_pixel(600, 200)[3], 0);

    assert_eq!(p.variants.len(), 4);
    for w in [320, 640] {
        for kind in [MediaKind::Webp, MediaKind::Png] {
            let v = variant(&p, w, kind);
            assert_eq!(v.height, w / 2);
            assert!(!contains(&v.bytes, LEAK) && !contains(&v.bytes, b"Exif"));
            let img = decode(&v.bytes);
            assert!(img.color().has_alpha(), "{v:?} lost its alpha channel");
            let img = img.to_rgba8();
            let opaque = *img.get_pixel(w / 8, w / 4);
            let clear = *img.get_pixel(7 * w / 8, w / 4);
            assert_eq!(opaque[3], 255, "{v:?}");
            assert!(opaque[1] > 150, "{v:?}: {opaque:?}");
            assert_eq!(clear[3], 0, "{v:?}");
        }
    }
}

#[test]
fn webp_upload_gets_webp_variants_only() {
    let img = DynamicImage::ImageRgb8(two_tone(700, 350));
    let webp = encode_as(&img, ImageFormat::WebP);
    let p = process(&webp, &Limits::default()).unwrap();
    assert_eq!((p.kind, p.width, p.height), (MediaKind::Webp, 700, 350));
    assert_eq!(sniff(&p.original).unwrap(), MediaKind::Webp);
    let kinds: Vec<(u32, MediaKind)> = p.variants.iter().map(|v| (v.width, v.kind)).collect();
    assert_eq!(kinds, [(320, MediaKind::Webp), (640, MediaKind::Webp)]);
}

#[test]
fn small_image_has_no_variants() {
    let p = process(&jpeg_of(&two_tone(320, 200)), &Limits::default()).unwrap();
    assert!(p.variants.is_empty());
    assert_eq!((p.width, p.height), (320, 200));
}

#[test]
fn srcset_lists_one_kind_by_width() {
    let p = process(&jpeg_of(&two_tone(1500, 1000)), &Limits::default()).unwrap();
    let url = |v: &Variant| format!("/media/abc-{}", v.suffix);
    assert_eq!(
        srcset(&p.variants, url, MediaKind::Webp),
        "/media/abc-320w.webp 320w, /media/abc-640w.webp 640w, /media/abc-1280w.webp 1280w"
    );
    assert_eq!(
        srcset(&p.variants, url, MediaKind::Jpeg),
        "/media/abc-320w.jpg 320w, /media/abc-640w.jpg 640w, /media/abc-1280w.jpg 1280w"
    );
    assert_eq!(srcset(&p.variants, url, MediaKind::Png), "");
}

#[test]
fn timing_of_a_12_megapixel_photo() {
    // Not an assertion on speed (shared CI cores), a number for the report.
    let img = RgbImage::from_fn(4000, 3000, |x, y| {
        Rgb([(x % 251) as u8, (y % 241) as u8, ((x + y) % 239) as u8])
    });
    let jpeg = jpeg_of(&img);
    let start = Instant::now();
    let p = process(&jpeg, &Limits::default()).unwrap();
    let sizes: Vec<String> = p
        .variants
        .iter()
        .map(|v| format!("{}={}KB", v.suffix, v.bytes.len() / 1024))
        .collect();
    eprintln!(
        "4000×3000 JPEG ({} KB) processed in {:?}; original {} KB; {}",
        jpeg.len() / 1024,
        start.elapsed(),
        p.original.len() / 1024,
        sizes.join(" ")
    );
    assert_eq!(p.variants.len(), 6);
}
