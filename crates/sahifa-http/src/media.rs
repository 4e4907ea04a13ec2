//! Where stored media files live and how their URLs look.
//!
//! Uploads are stored as `uploads/<stem>.<ext>` with responsive variants beside them
//! (`<stem>-640w.webp`, ...) in the media store ([`crate::media_store`]; by default the
//! folder `<data-dir>/media/`); `/media/...` serves them from there.

use std::path::PathBuf;

use sahifa_store::MediaRow;
use serde::{Deserialize, Serialize};

/// One stored variant, as recorded in `media.variants` (JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredVariant {
    /// File name under `media/uploads/`.
    pub file: String,
    /// Pixel width.
    pub width: u32,
    /// `webp`, `jpeg` or `png`.
    pub kind: String,
}

/// File extension of a stored kind.
pub fn extension(kind: &str) -> &'static str {
    match kind {
        "png" => "png",
        "webp" => "webp",
        _ => "jpg",
    }
}

/// Folder of uploaded files in the local media store.
pub fn uploads_dir(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("media").join("uploads")
}

/// URL of the original (metadata-stripped) file.
pub fn original_url(m: &MediaRow) -> String {
    m.original_url()
}

/// The variants of a media record.
pub fn variants(m: &MediaRow) -> Vec<StoredVariant> {
    serde_json::from_str(&m.variants).unwrap_or_default()
}

/// The smallest variant's URL, for thumbnails (the original when there is none).
pub fn thumb_url(m: &MediaRow) -> String {
    variants(m)
        .iter()
        .min_by_key(|v| v.width)
        .map(|v| format!("/media/uploads/{}", v.file))
        .unwrap_or_else(|| original_url(m))
}

/// `srcset` for one kind of variant (plus the original at its own width for that kind).
pub fn srcset(m: &MediaRow, kind: &str) -> String {
    let mut entries: Vec<(u32, String)> = variants(m)
        .into_iter()
        .filter(|v| v.kind == kind)
        .map(|v| (v.width, format!("/media/uploads/{} {}w", v.file, v.width)))
        .collect();
    if m.kind == kind {
        entries.push((m.width as u32, format!("{} {}w", original_url(m), m.width)));
    }
    entries.sort_by_key(|(w, _)| *w);
    entries
        .into_iter()
        .map(|(_, e)| e)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Widths of the responsive variants made for every upload (those narrower than the
/// original exist).
pub const VARIANT_WIDTHS: [u32; 3] = [320, 640, 1280];

/// For an uploaded image URL (`/media/uploads/<stem>.<ext>`) of a known width, the
/// `srcset` in its own format and in WebP. Variant names are derived, not looked up, so
/// listing pages need no query per image. `None` for anything that is not an upload.
pub fn srcsets_for_url(url: &str, width: Option<i64>) -> Option<(String, String)> {
    let file = url.strip_prefix("/media/uploads/")?;
    let (stem, ext) = file.rsplit_once('.')?;
    let width = u32::try_from(width?).ok()?;
    let widths: Vec<u32> = VARIANT_WIDTHS.into_iter().filter(|w| *w < width).collect();
    let own = widths
        .iter()
        .map(|w| format!("/media/uploads/{stem}-{w}w.{ext} {w}w"))
        .chain(std::iter::once(format!("{url} {width}w")))
        .collect::<Vec<_>>()
        .join(", ");
    let webp_widths: Vec<String> = widths
        .iter()
        .map(|w| format!("/media/uploads/{stem}-{w}w.webp {w}w"))
        .chain((ext == "webp").then(|| format!("{url} {width}w")))
        .collect();
    Some((own, webp_widths.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn srcsets_follow_the_variant_names() {
        let (own, webp) = srcsets_for_url("/media/uploads/abc.jpg", Some(1000)).expect("upload");
        assert_eq!(
            own,
            "/media/uploads/abc-320w.jpg 320w, /media/uploads/abc-640w.jpg 640w, /media/uploads/abc.jpg 1000w"
        );
        assert_eq!(
            webp,
            "/media/uploads/abc-320w.webp 320w, /media/uploads/abc-640w.webp 640w"
        );
        assert!(srcsets_for_url("/media/demo/x.svg", Some(1200)).is_none());
        assert!(srcsets_for_url("/media/uploads/abc.jpg", None).is_none());
    }
}
