//! Media files kept in PostgreSQL (`media_objects`, migration 0013), for sites whose nodes
//! share one database and no object store (`--media-store postgres`).
//!
//! These are file bytes, not content: writing them does not bump the content epoch (the
//! `media` row that points at them does, through its use case). SQLite has no such table
//! in use: every call there is refused with [`StoreError::Invalid`], and start-up refuses
//! the configuration before any request could reach this.

use chrono::{DateTime, Utc};

use crate::db::Pool;
use crate::{Db, Result, StoreError};

/// What is known about a stored object without reading its bytes.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MediaObjectInfo {
    /// MIME type it was stored with.
    pub content_type: String,
    /// Length in bytes.
    pub size: i64,
    /// The validator computed when it was written (a quoted strong ETag).
    pub etag: String,
    /// When it was last written.
    pub updated_at: DateTime<Utc>,
}

/// A stored object with its bytes.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct MediaObject {
    /// The bytes.
    pub body: Vec<u8>,
    /// MIME type it was stored with.
    pub content_type: String,
    /// Length in bytes.
    pub size: i64,
    /// The validator computed when it was written.
    pub etag: String,
    /// When it was last written.
    pub updated_at: DateTime<Utc>,
}

impl Db {
    fn media_pg(&self) -> Result<&sqlx::PgPool> {
        match self.pool() {
            Pool::Postgres(pool) => Ok(pool),
            Pool::Sqlite(_) => Err(StoreError::Invalid(
                "media store: PostgreSQL media storage on a SQLite database",
            )),
        }
    }

    /// Stores (or replaces) the object at `key`.
    pub async fn media_object_put(
        &self,
        key: &str,
        content_type: &str,
        body: &[u8],
        etag: &str,
    ) -> Result<()> {
        let pool = self.media_pg()?;
        let size = i64::try_from(body.len()).map_err(|_| StoreError::Invalid("object size"))?;
        sqlx::query(
            "INSERT INTO media_objects (key, content_type, body, size, etag, updated_at)
             VALUES ($1, $2, $3, $4, $5, now())
             ON CONFLICT (key) DO UPDATE SET content_type = EXCLUDED.content_type,
                 body = EXCLUDED.body, size = EXCLUDED.size, etag = EXCLUDED.etag,
                 updated_at = EXCLUDED.updated_at",
        )
        .bind(key)
        .bind(content_type)
        .bind(body)
        .bind(size)
        .bind(etag)
        .execute(pool)
        .await?;
        Ok(())
    }

    /// The object at `key` with its bytes.
    pub async fn media_object(&self, key: &str) -> Result<Option<MediaObject>> {
        let pool = self.media_pg()?;
        Ok(sqlx::query_as(
            "SELECT body, content_type, size, etag, updated_at FROM media_objects WHERE key = $1",
        )
        .bind(key)
        .fetch_optional(pool)
        .await?)
    }

    /// What is known about the object at `key`, without its bytes.
    pub async fn media_object_info(&self, key: &str) -> Result<Option<MediaObjectInfo>> {
        let pool = self.media_pg()?;
        Ok(sqlx::query_as(
            "SELECT content_type, size, etag, updated_at FROM media_objects WHERE key = $1",
        )
        .bind(key)
        .fetch_optional(pool)
        .await?)
    }

    /// Removes the object at `key`; a missing one is not an error.
    pub async fn media_object_delete(&self, key: &str) -> Result<()> {
        let pool = self.media_pg()?;
        sqlx::query("DELETE FROM media_objects WHERE key = $1")
            .bind(key)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// Whether the media table answers (start-up check of `--media-store postgres`).
    pub async fn media_objects_check(&self) -> Result<()> {
        let pool = self.media_pg()?;
        sqlx::query("SELECT 1 FROM media_objects LIMIT 1")
            .execute(pool)
            .await?;
        Ok(())
    }

    /// How many objects and bytes are stored (for `sahifa backup`'s report).
    pub async fn media_objects_total(&self) -> Result<(i64, i64)> {
        let pool = self.media_pg()?;
        Ok(
            sqlx::query_as("SELECT COUNT(*), COALESCE(SUM(size), 0)::BIGINT FROM media_objects")
                .fetch_one(pool)
                .await?,
        )
    }
}
