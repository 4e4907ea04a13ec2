//! Media records: one row per uploaded image (its files live under
//! `<data-dir>/media/uploads/`). Reads are [`Db`] methods; the writes take the use case's
//! [`Tx`], so a record commits with its audit entry.

use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;

use crate::error::Unique;
use crate::{Db, Result, StoreError, Tx};

/// A stored image and its variants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct MediaRow {
    /// Row id.
    pub id: i64,
    /// File name stem under `<data-dir>/media/uploads/`.
    pub stem: String,
    /// `jpeg`, `png` or `webp`.
    pub kind: String,
    /// Pixel width of the original.
    pub width: i64,
    /// Pixel height of the original.
    pub height: i64,
    /// Size of the stored original.
    pub bytes: i64,
    /// JSON list of variant file names and widths.
    pub variants: String,
    /// Alternative text.
    pub alt: String,
    /// Caption.
    pub caption: String,
    /// Credit («رويترز»), shown after the caption.
    pub credit: String,
    /// Name of the uploaded file (display only).
    pub original_name: String,
    /// Uploader.
    pub uploaded_by: Option<i64>,
    /// Upload time.
    pub created_at: DateTime<Utc>,
}

impl MediaRow {
    /// The file extension of the stored original.
    pub fn extension(&self) -> &'static str {
        match self.kind.as_str() {
            "png" => "png",
            "webp" => "webp",
            _ => "jpg",
        }
    }

    /// Where readers fetch the original.
    pub fn original_url(&self) -> String {
        format!("/media/uploads/{}.{}", self.stem, self.extension())
    }
}

/// What to record for a new media file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMedia {
    /// File name stem.
    pub stem: String,
    /// `jpeg`, `png` or `webp`.
    pub kind: String,
    /// Width.
    pub width: i64,
    /// Height.
    pub height: i64,
    /// Bytes of the original.
    pub bytes: i64,
    /// JSON list of variants.
    pub variants: String,
    /// Alternative text.
    pub alt: String,
    /// Caption.
    pub caption: String,
    /// Uploaded file name.
    pub original_name: String,
    /// Uploader.
    pub uploaded_by: Option<i64>,
}

const MEDIA_COLUMNS: &str = "id, stem, kind, width, height, bytes, variants, alt, caption, credit, original_name, uploaded_by, created_at";

impl Db {
    /// The media library, newest first.
    pub async fn media_list(&self, limit: i64, offset: i64) -> Result<(Vec<MediaRow>, i64)> {
        let sql = format!("SELECT {MEDIA_COLUMNS} FROM media ORDER BY id DESC LIMIT $1 OFFSET $2");
        let rows: Vec<MediaRow> = with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await)?;
        let (total,): (i64,) = with_pool!(self, |pool| sqlx::query_as(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM media"
        )
        .fetch_one(pool)
        .await)?;
        Ok((rows, total))
    }

    /// One media record.
    pub async fn media_by_id(&self, id: i64) -> Result<Option<MediaRow>> {
        let sql = format!("SELECT {MEDIA_COLUMNS} FROM media WHERE id = $1");
        Ok(with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await)?)
    }

    /// Articles whose featured image is this media file.
    pub async fn media_usage(&self, id: i64) -> Result<Vec<(i64, String)>> {
        Ok(with_pool!(self, |pool| sqlx::query_as(
            "SELECT id, title FROM articles WHERE image_media_id = $1 ORDER BY id"
        )
        .bind(id)
        .fetch_all(pool)
        .await)?)
    }
}

/// Records an uploaded file; returns its id.
pub async fn insert(tx: &mut Tx, m: &NewMedia) -> Result<i64> {
    let (id,): (i64,) = with_tx!(tx, |conn| sqlx::query_as(
        "INSERT INTO media (stem, kind, width, height, bytes, variants, alt, caption, original_name, uploaded_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id"
    )
    .bind(&m.stem)
    .bind(&m.kind)
    .bind(m.width)
    .bind(m.height)
    .bind(m.bytes)
    .bind(&m.variants)
    .bind(&m.alt)
    .bind(&m.caption)
    .bind(&m.original_name)
    .bind(m.uploaded_by)
    .bind(Utc::now().trunc_subsecs(0))
    .fetch_one(&mut *conn)
    .await)
    .map_err(|e| StoreError::on_unique(e, Unique::MediaStem))?;
    Ok(id)
}

/// Media record `id` inside `tx`, locked until the transaction ends on PostgreSQL (SQLite's
/// transaction already holds the write lock).
pub async fn for_update(tx: &mut Tx, id: i64) -> Result<Option<MediaRow>> {
    let sql = match tx.backend() {
        crate::Backend::Postgres => {
            format!("SELECT {MEDIA_COLUMNS} FROM media WHERE id = $1 FOR UPDATE")
        }
        crate::Backend::Sqlite => format!("SELECT {MEDIA_COLUMNS} FROM media WHERE id = $1"),
    };
    Ok(with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await)?)
}

/// Sets the alt text and caption of media record `id`, and its credit when given.
pub async fn update_text(
    tx: &mut Tx,
    id: i64,
    alt: &str,
    caption: &str,
    credit: Option<&str>,
) -> Result<()> {
    let done = with_tx!(tx, |conn| sqlx::query(
        "UPDATE media SET alt = $1, caption = $2, credit = COALESCE($3, credit) WHERE id = $4"
    )
    .bind(alt)
    .bind(caption)
    .bind(credit)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound("media"));
    }
    Ok(())
}

/// The articles (id, title) whose featured image is media record `id`, seen inside `tx`.
pub async fn usage(tx: &mut Tx, id: i64) -> Result<Vec<(i64, String)>> {
    Ok(with_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, title FROM articles WHERE image_media_id = $1 ORDER BY id"
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await)?)
}

/// Deletes media record `id`.
pub async fn delete(tx: &mut Tx, id: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query("DELETE FROM media WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}
