//! Authors (bylines): reads, and the writes the use cases run inside their transaction.

use chrono::Utc;

use crate::error::Unique;
use crate::{Author, Db, Result, StoreError, Tx};

/// The columns an [`Author`] is read from.
const AUTHOR_COLUMNS: &str =
    "id, slug, name, bio, photo_media_id, link_x, link_telegram, link_facebook, link_website";

/// A byline's profile as a use case stores it (already checked).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileWrite {
    /// Display name.
    pub name: String,
    /// Biography, plain text.
    pub bio: String,
    /// Media-library photo.
    pub photo_media_id: Option<i64>,
    /// Link to X.
    pub link_x: String,
    /// Link to Telegram.
    pub link_telegram: String,
    /// Link to Facebook.
    pub link_facebook: String,
    /// Website.
    pub link_website: String,
}

impl Db {
    /// Every author, by name.
    pub async fn authors(&self) -> Result<Vec<Author>> {
        Ok(with_pool!(self, |pool| sqlx::query_as(&format!(
            "SELECT {AUTHOR_COLUMNS} FROM authors ORDER BY name"
        ))
        .fetch_all(pool)
        .await)?)
    }

    /// The author with this slug.
    pub async fn author_by_slug(&self, slug: &str) -> Result<Option<Author>> {
        Ok(with_pool!(self, |pool| sqlx::query_as(&format!(
            "SELECT {AUTHOR_COLUMNS} FROM authors WHERE slug = $1"
        ))
        .bind(slug)
        .fetch_optional(pool)
        .await)?)
    }

    /// The author with this id.
    pub async fn author_by_id(&self, id: i64) -> Result<Option<Author>> {
        Ok(with_pool!(self, |pool| sqlx::query_as(&format!(
            "SELECT {AUTHOR_COLUMNS} FROM authors WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(pool)
        .await)?)
    }

    /// The author with this name, if one exists (used by importers).
    pub async fn author_by_name(&self, name: &str) -> Result<Option<Author>> {
        Ok(with_pool!(self, |pool| sqlx::query_as(&format!(
            "SELECT {AUTHOR_COLUMNS} FROM authors WHERE name = $1"
        ))
        .bind(name.trim())
        .fetch_optional(pool)
        .await)?)
    }
}

// ----- writes, inside a use case's transaction -----

/// The id of the byline named exactly `name`, if one exists.
pub async fn by_name(tx: &mut Tx, name: &str) -> Result<Option<i64>> {
    let row: Option<(i64,)> = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT id FROM authors WHERE name = $1 ORDER BY id LIMIT 1"
    )
    .bind(name)
    .fetch_optional(&mut *conn)
    .await)?;
    Ok(row.map(|(id,)| id))
}

/// Whether byline `id` exists.
pub async fn exists(tx: &mut Tx, id: i64) -> Result<bool> {
    let row: Option<(i64,)> = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT id FROM authors WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await)?;
    Ok(row.is_some())
}

/// Whether a byline already has `slug`. Asked before inserting because on PostgreSQL a
/// failed INSERT aborts the whole transaction, so a collision cannot be retried in it.
pub async fn slug_taken(tx: &mut Tx, slug: &str) -> Result<bool> {
    let row: Option<(i64,)> = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT id FROM authors WHERE slug = $1"
    )
    .bind(slug)
    .fetch_optional(&mut *conn)
    .await)?;
    Ok(row.is_some())
}

/// Inserts a byline with a slug the caller has chosen; returns its id.
pub async fn insert(tx: &mut Tx, slug: &str, name: &str, bio: &str) -> Result<i64> {
    let (id,): (i64,) = with_tx!(tx, |conn| sqlx::query_as(
        "INSERT INTO authors (slug, name, bio, created_at) VALUES ($1, $2, $3, $4) RETURNING id"
    )
    .bind(slug)
    .bind(name)
    .bind(bio)
    .bind(Utc::now())
    .fetch_one(&mut *conn)
    .await)
    .map_err(|e| StoreError::on_unique(e, Unique::AuthorSlug))?;
    Ok(id)
}

/// The current slug of byline `id`, locked for this transaction.
pub async fn slug_for_update(tx: &mut Tx, id: i64) -> Result<Option<String>> {
    let sql = match tx.backend() {
        crate::Backend::Postgres => "SELECT slug FROM authors WHERE id = $1 FOR UPDATE",
        crate::Backend::Sqlite => "SELECT slug FROM authors WHERE id = $1",
    };
    let row: Option<(String,)> = with_tx!(tx, |conn| sqlx::query_as(sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await)?;
    Ok(row.map(|(slug,)| slug))
}

/// Sets byline `id`'s slug.
pub async fn set_slug(tx: &mut Tx, id: i64, slug: &str) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE authors SET slug = $1 WHERE id = $2"
    )
    .bind(slug)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))
    .map_err(|e| StoreError::on_unique(e, Unique::AuthorSlug))?;
    Ok(())
}

/// Byline `id`, locked for this transaction.
pub async fn for_update(tx: &mut Tx, id: i64) -> Result<Option<Author>> {
    let lock = match tx.backend() {
        crate::Backend::Postgres => " FOR UPDATE",
        crate::Backend::Sqlite => "",
    };
    let sql = format!("SELECT {AUTHOR_COLUMNS} FROM authors WHERE id = $1{lock}");
    Ok(with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await)?)
}

/// Stores byline `id`'s profile.
pub async fn update_profile(tx: &mut Tx, id: i64, p: &ProfileWrite) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE authors SET name = $1, bio = $2, photo_media_id = $3, link_x = $4, \
         link_telegram = $5, link_facebook = $6, link_website = $7 WHERE id = $8"
    )
    .bind(&p.name)
    .bind(&p.bio)
    .bind(p.photo_media_id)
    .bind(&p.link_x)
    .bind(&p.link_telegram)
    .bind(&p.link_facebook)
    .bind(&p.link_website)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Gives every article without an owner to account `owner`; returns how many.
pub async fn adopt_unowned_articles(tx: &mut Tx, owner: i64) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE articles SET owner_id = $1 WHERE owner_id IS NULL"
    )
    .bind(owner)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?)
}

/// Gives article `article`, when it has no owner, to the account its byline belongs to,
/// or else to `fallback`; returns whether it now has one.
pub async fn own_by_byline(tx: &mut Tx, article: i64, fallback: Option<i64>) -> Result<bool> {
    let changed = with_tx!(tx, |conn| sqlx::query(
        "UPDATE articles SET owner_id = COALESCE((SELECT u.id FROM users u \
         WHERE u.author_id = articles.author_id ORDER BY u.id LIMIT 1), $2) \
         WHERE id = $1 AND owner_id IS NULL"
    )
    .bind(article)
    .bind(fallback)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(changed > 0)
}
