//! Where media files are kept: one interface over the local folder (the default), an
//! S3-compatible object store, or PostgreSQL, so that several nodes can serve an image
//! uploaded on any of them.
//!
//! Every writer (the upload, its variants, deletion, the demo seeding) and the `/media/...`
//! route go through [`MediaStore`]. Objects are named by their path under `/media/`
//! ([`MediaKey`], e.g. `uploads/<stem>-640w.webp`), so URLs are the same whatever the
//! backend and an existing `<data-dir>/media/` folder is the local store as it stands: no
//! migration.
//!
//! An enum rather than a trait object: the three backends are known, the calls stay plain
//! `async fn`s, and a match says in one place what each does.

mod local;
mod postgres;
mod s3;
mod spec;

use std::fmt;
use std::path::PathBuf;

/// The byte buffer objects are stored from and read into (cheap to clone and slice).
pub use axum::body::Bytes;
use chrono::{DateTime, Utc};

pub use local::LocalStore;
pub use postgres::PgStore;
pub use s3::{S3Settings, S3Store};
pub use spec::{MediaStoreSpec, SpecError};

/// Longest key accepted, in bytes (S3 allows 1024; URLs this long are not ours).
const KEY_MAX: usize = 512;

/// The name of a stored object: its path under `/media/`, `/`-separated, every segment
/// non-empty and neither `.` nor `..`, no backslash or control character. Anything else
/// (a request trying to leave the folder, say) is not a key at all.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MediaKey(String);

impl MediaKey {
    /// The key for `path`, or `None` when it is not a safe relative path.
    pub fn parse(path: &str) -> Option<MediaKey> {
        if path.is_empty() || path.len() > KEY_MAX {
            return None;
        }
        let fits = path.split('/').all(|segment| {
            !segment.is_empty()
                && segment != "."
                && segment != ".."
                && !segment.chars().any(|c| c == '\\' || c.is_control())
        });
        fits.then(|| MediaKey(path.to_string()))
    }

    /// The key of a file in `uploads/` (an original or a variant).
    pub fn upload(file: &str) -> Option<MediaKey> {
        Self::parse(&format!("uploads/{file}"))
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The segments of the key.
    pub fn segments(&self) -> impl Iterator<Item = &str> {
        self.0.split('/')
    }

    /// The MIME type readers get, from the extension (the bytes were checked on upload).
    pub fn content_type(&self) -> &'static str {
        crate::theme::content_type(&self.0)
    }
}

impl fmt::Display for MediaKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What is known about a stored object without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    /// Length in bytes.
    pub size: u64,
    /// A quoted strong validator (`"..."`), stable while the object is unchanged.
    pub etag: String,
    /// When it was last written, when the backend knows.
    pub last_modified: Option<DateTime<Utc>>,
}

/// A stored object and its bytes.
#[derive(Debug, Clone)]
pub struct StoredObject {
    /// The bytes.
    pub bytes: Bytes,
    /// The MIME type the store holds for it (informational: `/media/...` answers with the
    /// type of the key's extension, so an object altered in the bucket cannot turn an
    /// image URL into a page).
    pub content_type: String,
    /// Size and validator.
    pub info: ObjectInfo,
}

/// Why the store could not do what was asked. The message is English, for logs and
/// start-up errors; the admin shows a catalogue message instead.
#[derive(Debug, thiserror::Error)]
#[error("{backend} media store: {message}")]
pub struct MediaStoreError {
    /// `local`, `s3` or `postgres`.
    pub backend: &'static str,
    /// What went wrong.
    pub message: String,
}

impl MediaStoreError {
    fn new(backend: &'static str, message: impl fmt::Display) -> MediaStoreError {
        MediaStoreError {
            backend,
            message: message.to_string(),
        }
    }
}

/// Result of a store call.
pub type Result<T, E = MediaStoreError> = std::result::Result<T, E>;

/// Which kind of backend a store is (for messages such as `sahifa backup`'s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaStoreKind {
    /// `<data-dir>/media/`.
    Local,
    /// A bucket on an S3-compatible service.
    S3,
    /// The `media_objects` table.
    Postgres,
}

/// The media storage of a process; cheap to clone (clients are shared).
#[derive(Debug, Clone)]
pub enum MediaStore {
    /// A folder on this machine.
    Local(LocalStore),
    /// An S3-compatible bucket.
    S3(S3Store),
    /// PostgreSQL.
    Postgres(PgStore),
}

impl MediaStore {
    /// The local store rooted at `media_dir` (normally `<data-dir>/media`).
    pub fn local(media_dir: PathBuf) -> MediaStore {
        MediaStore::Local(LocalStore::new(media_dir))
    }

    /// The kind of backend.
    pub fn kind(&self) -> MediaStoreKind {
        match self {
            MediaStore::Local(_) => MediaStoreKind::Local,
            MediaStore::S3(_) => MediaStoreKind::S3,
            MediaStore::Postgres(_) => MediaStoreKind::Postgres,
        }
    }

    /// Where media are, for logs and command output (never with credentials).
    pub fn describe(&self) -> String {
        match self {
            MediaStore::Local(s) => format!("the folder {}", s.root().display()),
            MediaStore::S3(s) => s.describe(),
            MediaStore::Postgres(_) => "the PostgreSQL table media_objects".to_string(),
        }
    }

    /// Stores `bytes` at `key`, replacing what was there. A reader sees the old object or
    /// the new one, never part of one.
    pub async fn put(&self, key: &MediaKey, bytes: Bytes) -> Result<()> {
        match self {
            MediaStore::Local(s) => s.put(key, &bytes).await,
            MediaStore::S3(s) => s.put(key, bytes).await,
            MediaStore::Postgres(s) => s.put(key, &bytes).await,
        }
    }

    /// The object at `key`, `None` when there is none.
    pub async fn get(&self, key: &MediaKey) -> Result<Option<StoredObject>> {
        match self {
            MediaStore::Local(s) => s.get(key).await,
            MediaStore::S3(s) => s.get(key).await,
            MediaStore::Postgres(s) => s.get(key).await,
        }
    }

    /// Size and validator of the object at `key`, without reading it.
    pub async fn head(&self, key: &MediaKey) -> Result<Option<ObjectInfo>> {
        match self {
            MediaStore::Local(s) => s.head(key).await,
            MediaStore::S3(s) => s.head(key).await,
            MediaStore::Postgres(s) => s.head(key).await,
        }
    }

    /// Whether an object is stored at `key`.
    pub async fn exists(&self, key: &MediaKey) -> Result<bool> {
        Ok(self.head(key).await?.is_some())
    }

    /// Removes the object at `key`; removing a missing object is not an error.
    pub async fn delete(&self, key: &MediaKey) -> Result<()> {
        match self {
            MediaStore::Local(s) => s.delete(key).await,
            MediaStore::S3(s) => s.delete(key).await,
            MediaStore::Postgres(s) => s.delete(key).await,
        }
    }

    /// Proves the store answers (start-up fails fast on an unreachable bucket or a
    /// missing table rather than on the first upload).
    pub async fn check(&self) -> Result<()> {
        match self {
            MediaStore::Local(s) => s.check().await,
            MediaStore::S3(s) => s.check().await,
            MediaStore::Postgres(s) => s.check().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::MediaKey;

    #[test]
    fn keys_stay_inside_the_media_folder() {
        for bad in [
            "",
            "/etc/passwd",
            "../etc/passwd",
            "uploads/../../x",
            "uploads//a.jpg",
            "uploads/./a.jpg",
            "uploads/a.jpg/",
            "uploads\\..\\a.jpg",
            "uploads/a\u{0}.jpg",
        ] {
            assert!(MediaKey::parse(bad).is_none(), "{bad:?} accepted");
        }
        for good in ["demo/oil.svg", "uploads/abc-640w.webp", "uploads/صورة.jpg"] {
            assert_eq!(MediaKey::parse(good).map(|k| k.0), Some(good.to_string()));
        }
        assert!(MediaKey::parse(&"a".repeat(513)).is_none());
        assert_eq!(
            MediaKey::upload("x.jpg").map(|k| k.content_type()),
            Some("image/jpeg")
        );
    }
}
