//! Media in the PostgreSQL database (`media_objects`, one `bytea` row per file): nodes
//! that share the database share the media, and the database's own backup holds them.

use axum::body::Bytes;
use sahifa_store::Db;
use sahifa_store::media_objects::MediaObjectInfo;

use super::{MediaKey, MediaStoreError, ObjectInfo, Result, StoredObject};

const BACKEND: &str = "postgres";

/// The `media_objects` table of a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PgStore {
    db: Db,
}

fn failed(err: sahifa_store::StoreError) -> MediaStoreError {
    MediaStoreError::new(BACKEND, err)
}

impl PgStore {
    /// The store in `db`; refused on SQLite, whose single file serves one node (its media
    /// folder is the store there).
    pub fn new(db: Db) -> Result<PgStore> {
        match db.backend() {
            sahifa_store::Backend::Postgres => Ok(PgStore { db }),
            sahifa_store::Backend::Sqlite => Err(MediaStoreError::new(
                BACKEND,
                "--media-store postgres needs a PostgreSQL database (SAHIFA_DATABASE_URL=postgres://...); \
                 on SQLite keep media in the local folder (--media-store local)",
            )),
        }
    }

    pub(super) async fn put(&self, key: &MediaKey, bytes: &[u8]) -> Result<()> {
        // The validator is the content's hash: the same on every node, and computed once.
        let etag = format!("\"{}\"", &blake3::hash(bytes).to_hex()[..32]);
        self.db
            .media_object_put(key.as_str(), key.content_type(), bytes, &etag)
            .await
            .map_err(failed)
    }

    pub(super) async fn get(&self, key: &MediaKey) -> Result<Option<StoredObject>> {
        let found = self.db.media_object(key.as_str()).await.map_err(failed)?;
        Ok(found.map(|o| StoredObject {
            content_type: o.content_type,
            info: ObjectInfo {
                size: o.body.len() as u64,
                etag: o.etag,
                last_modified: Some(o.updated_at),
            },
            bytes: Bytes::from(o.body),
        }))
    }

    pub(super) async fn head(&self, key: &MediaKey) -> Result<Option<ObjectInfo>> {
        let found = self
            .db
            .media_object_info(key.as_str())
            .await
            .map_err(failed)?;
        Ok(found.map(|o: MediaObjectInfo| ObjectInfo {
            size: u64::try_from(o.size).unwrap_or(0),
            etag: o.etag,
            last_modified: Some(o.updated_at),
        }))
    }

    pub(super) async fn delete(&self, key: &MediaKey) -> Result<()> {
        self.db
            .media_object_delete(key.as_str())
            .await
            .map_err(failed)
    }

    pub(super) async fn check(&self) -> Result<()> {
        self.db.media_objects_check().await.map_err(failed)
    }

    /// How many objects and bytes are stored.
    pub async fn totals(&self) -> Result<(i64, i64)> {
        self.db.media_objects_total().await.map_err(failed)
    }
}
