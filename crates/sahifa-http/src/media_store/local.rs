//! The default store: files under `<data-dir>/media/`, laid out exactly as before the
//! store existed (`uploads/<stem>.<ext>`, variants beside them, `demo/...`).
//!
//! Reading refuses symbolic links below the root: uploads are only ever regular files, and
//! a link (planted by a careless restore or a compromised tool) could point anywhere on the
//! machine. The root itself may be a link: that is the operator's choice of where media
//! live.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use axum::body::Bytes;
use tokio::io::AsyncWriteExt;

use super::{MediaKey, MediaStoreError, ObjectInfo, Result, StoredObject};

const BACKEND: &str = "local";

/// Files under one folder.
#[derive(Debug, Clone)]
pub struct LocalStore {
    root: PathBuf,
}

impl LocalStore {
    /// The store rooted at `root`.
    pub fn new(root: PathBuf) -> LocalStore {
        LocalStore { root }
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path_of(&self, key: &MediaKey) -> PathBuf {
        let mut path = self.root.clone();
        path.extend(key.segments());
        path
    }

    pub(super) async fn put(&self, key: &MediaKey, bytes: &[u8]) -> Result<()> {
        let path = self.path_of(key);
        let fail = |what: &str, err: std::io::Error| {
            MediaStoreError::new(BACKEND, format!("{what} {}: {err}", path.display()))
        };
        let dir = path.parent().unwrap_or(&self.root);
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| fail("cannot create the folder of", e))?;
        // Written beside the target and renamed over it, so a reader never gets half a file.
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let partial = dir.join(format!(
            ".{name}.partial-{}",
            crate::auth::tokens::random_token()
                .chars()
                .take(8)
                .collect::<String>()
        ));
        let written = async {
            let mut file = tokio::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&partial)
                .await?;
            file.write_all(bytes).await?;
            file.sync_all().await?;
            tokio::fs::rename(&partial, &path).await
        }
        .await;
        if let Err(err) = written {
            let _ = tokio::fs::remove_file(&partial).await;
            return Err(fail("cannot write", err));
        }
        Ok(())
    }

    pub(super) async fn get(&self, key: &MediaKey) -> Result<Option<StoredObject>> {
        let Some((path, info)) = self.regular_file(key).await else {
            return Ok(None);
        };
        match tokio::fs::read(&path).await {
            Ok(bytes) => Ok(Some(StoredObject {
                content_type: key.content_type().to_string(),
                info: ObjectInfo {
                    size: bytes.len() as u64,
                    ..info
                },
                bytes: Bytes::from(bytes),
            })),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(MediaStoreError::new(
                BACKEND,
                format!("cannot read {}: {err}", path.display()),
            )),
        }
    }

    pub(super) async fn head(&self, key: &MediaKey) -> Result<Option<ObjectInfo>> {
        Ok(self.regular_file(key).await.map(|(_, info)| info))
    }

    pub(super) async fn delete(&self, key: &MediaKey) -> Result<()> {
        let path = self.path_of(key);
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(err) => Err(MediaStoreError::new(
                BACKEND,
                format!("cannot remove {}: {err}", path.display()),
            )),
        }
    }

    pub(super) async fn check(&self) -> Result<()> {
        tokio::fs::create_dir_all(&self.root).await.map_err(|err| {
            MediaStoreError::new(
                BACKEND,
                format!("cannot create {}: {err}", self.root.display()),
            )
        })
    }

    /// The file of `key` and its validator, when every step below the root is a real
    /// folder and the last a regular file, none of them a symbolic link.
    async fn regular_file(&self, key: &MediaKey) -> Option<(PathBuf, ObjectInfo)> {
        let mut at = self.root.clone();
        let mut segments = key.segments().peekable();
        while let Some(segment) = segments.next() {
            at.push(segment);
            let meta = tokio::fs::symlink_metadata(&at).await.ok()?;
            if segments.peek().is_none() {
                if !meta.is_file() {
                    return None;
                }
                let info = file_info(&meta);
                return Some((at, info));
            }
            if !meta.is_dir() {
                return None;
            }
        }
        None
    }
}

/// Size and a validator from the file's length and modification time: no read needed, and
/// a file replaced in place (a restore) gets a new one.
fn file_info(meta: &std::fs::Metadata) -> ObjectInfo {
    let modified = meta.modified().ok();
    let nanos = modified
        .and_then(|m| m.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    ObjectInfo {
        size: meta.len(),
        etag: format!("\"{:x}-{nanos:x}\"", meta.len()),
        last_modified: modified.map(chrono::DateTime::<chrono::Utc>::from),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[tokio::test]
    async fn symbolic_links_are_not_followed() {
        let dir = tempdir();
        let root = dir.join("media");
        std::fs::create_dir_all(root.join("uploads")).expect("mkdir");
        std::fs::write(root.join("uploads/a.jpg"), b"jpg").expect("write");
        std::fs::write(dir.join("secret.txt"), b"secret").expect("write");
        std::os::unix::fs::symlink(dir.join("secret.txt"), root.join("uploads/b.jpg"))
            .expect("symlink");
        std::os::unix::fs::symlink(root.join("uploads"), root.join("linked")).expect("symlink");
        let store = LocalStore::new(root.clone());
        let found = |p: &'static str| {
            let store = store.clone();
            async move {
                let key = MediaKey::parse(p).expect("key");
                store.get(&key).await.expect("read").map(|o| o.bytes)
            }
        };
        assert_eq!(found("uploads/a.jpg").await.as_deref(), Some(&b"jpg"[..]));
        assert!(found("uploads/b.jpg").await.is_none(), "file link followed");
        assert!(
            found("linked/a.jpg").await.is_none(),
            "folder link followed"
        );
        assert!(found("uploads").await.is_none(), "a folder is not a file");
        assert!(found("uploads/missing.jpg").await.is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn tempdir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "sahifa-local-store-test-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }
}
