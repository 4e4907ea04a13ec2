//! Static pages («من نحن», «اتصل بنا», «سياسة الخصوصية»): reads for the public site and
//! the admin, and the transaction functions the newsroom's page use cases run.
//!
//! A page's body is stored twice, as typed (Markdown) and as the sanitised HTML the
//! newsroom rendered, like an article's. Earlier slugs live in `page_old_slugs` so old
//! links answer 301.

use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;

use crate::{Db, Result, StoreError, Tx, Unique};

/// A page's publication state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PageStatus {
    /// Only the newsroom sees it.
    #[default]
    Draft,
    /// Public at `/page/{slug}`.
    Published,
}

impl PageStatus {
    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            PageStatus::Draft => "draft",
            PageStatus::Published => "published",
        }
    }

    /// Parses a stored or typed value; anything unknown stays a draft, so it stays private.
    pub fn parse(value: &str) -> PageStatus {
        match value {
            "published" => PageStatus::Published,
            _ => PageStatus::Draft,
        }
    }
}

impl From<String> for PageStatus {
    fn from(value: String) -> Self {
        PageStatus::parse(&value)
    }
}

/// One stored page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Page {
    /// Row id.
    pub id: i64,
    /// The page above it in the breadcrumb.
    pub parent_id: Option<i64>,
    /// Unique among pages; Arabic letters allowed.
    pub slug: String,
    /// Heading and `<title>`.
    pub title: String,
    /// The meta description (may be empty: the body's start stands in).
    pub description: String,
    /// The body as typed.
    pub body_md: String,
    /// The sanitised HTML of the body.
    pub body_html: String,
    /// Draft or published.
    #[sqlx(try_from = "String")]
    pub status: PageStatus,
    /// First publication.
    pub published_at: Option<DateTime<Utc>>,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last edit.
    pub updated_at: DateTime<Utc>,
    /// Who saved it last (`None` once that account is gone, or for the demo).
    pub updated_by: Option<i64>,
}

/// A page in the admin list, with the name of whoever saved it last.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PageListed {
    /// The page.
    #[sqlx(flatten)]
    pub page: Page,
    /// The last editor's display name.
    pub editor_name: Option<String>,
}

/// Every column of a page a write sets, already checked by the use case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageWrite {
    /// Unique slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Meta description.
    pub description: String,
    /// Markdown body.
    pub body_md: String,
    /// Sanitised HTML of the body.
    pub body_html: String,
    /// Draft or published.
    pub status: PageStatus,
    /// Parent page.
    pub parent_id: Option<i64>,
    /// The account saving it.
    pub updated_by: Option<i64>,
}

const COLUMNS: &str = "id, parent_id, slug, title, description, body_md, body_html, status, \
                       published_at, created_at, updated_at, updated_by";

impl Db {
    /// Every page (any status), by title, with its last editor's name.
    pub async fn pages_listed(&self) -> Result<Vec<PageListed>> {
        let sql = format!(
            "SELECT p.{}, u.name AS editor_name FROM pages p \
             LEFT JOIN users u ON u.id = p.updated_by ORDER BY p.title, p.id",
            COLUMNS.replace(", ", ", p.")
        );
        Ok(with_pool!(self, |pool| sqlx::query_as(&sql)
            .fetch_all(pool)
            .await)?)
    }

    /// Every page (any status), by title.
    pub async fn pages(&self) -> Result<Vec<Page>> {
        let sql = format!("SELECT {COLUMNS} FROM pages ORDER BY title, id");
        Ok(with_pool!(self, |pool| sqlx::query_as(&sql)
            .fetch_all(pool)
            .await)?)
    }

    /// One page, any status.
    pub async fn page_by_id(&self, id: i64) -> Result<Option<Page>> {
        let sql = format!("SELECT {COLUMNS} FROM pages WHERE id = $1");
        Ok(with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await)?)
    }

    /// The page with this slug, any status.
    pub async fn page_by_slug(&self, slug: &str) -> Result<Option<Page>> {
        let sql = format!("SELECT {COLUMNS} FROM pages WHERE slug = $1");
        Ok(with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(slug)
            .fetch_optional(pool)
            .await)?)
    }

    /// The current slug of the page that once had `old_slug`.
    pub async fn page_redirect(&self, old_slug: &str) -> Result<Option<String>> {
        let row: Option<(String,)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT p.slug FROM page_old_slugs o JOIN pages p ON p.id = o.page_id \
             WHERE o.old_slug = $1"
        )
        .bind(old_slug)
        .fetch_optional(pool)
        .await)?;
        Ok(row.map(|(slug,)| slug))
    }

    /// Published pages as (slug, last edit), for the sitemap.
    pub async fn sitemap_pages(&self) -> Result<Vec<(String, DateTime<Utc>)>> {
        Ok(with_pool!(self, |pool| sqlx::query_as(
            "SELECT slug, updated_at FROM pages WHERE status = 'published' ORDER BY id"
        )
        .fetch_all(pool)
        .await)?)
    }
}

/// `FOR UPDATE` on PostgreSQL; SQLite's transaction already holds the write lock.
fn locking(tx: &Tx, sql: String) -> String {
    match tx.backend() {
        crate::Backend::Postgres => format!("{sql} FOR UPDATE"),
        crate::Backend::Sqlite => sql,
    }
}

/// Page `id` inside `tx`, locked until the transaction ends.
pub async fn page_for_update(tx: &mut Tx, id: i64) -> Result<Option<Page>> {
    let sql = locking(tx, format!("SELECT {COLUMNS} FROM pages WHERE id = $1"));
    Ok(with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await)?)
}

/// Every page's parent, as `(id, parent id)`, seen inside `tx`.
pub async fn page_parents(tx: &mut Tx) -> Result<Vec<(i64, Option<i64>)>> {
    Ok(with_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, parent_id FROM pages"
    )
    .fetch_all(&mut *conn)
    .await)?)
}

/// The id of the page that has `slug`, if any.
pub async fn slug_holder(tx: &mut Tx, slug: &str) -> Result<Option<i64>> {
    let row: Option<(i64,)> = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT id FROM pages WHERE slug = $1"
    )
    .bind(slug)
    .fetch_optional(&mut *conn)
    .await)?;
    Ok(row.map(|(id,)| id))
}

/// A unique-slug violation as the conflict the newsroom turns into a field error.
fn slug_conflict(err: sqlx::Error) -> StoreError {
    match StoreError::on_unique(err, Unique::Row) {
        StoreError::Conflict(_) => StoreError::Conflict(Unique::Row),
        other => other,
    }
}

/// Inserts a page; returns its id.
pub async fn insert_page(tx: &mut Tx, p: &PageWrite) -> Result<i64> {
    let now = Utc::now().trunc_subsecs(0);
    let published_at = (p.status == PageStatus::Published).then_some(now);
    let (id,): (i64,) = with_tx!(tx, |conn| sqlx::query_as(
        "INSERT INTO pages (parent_id, slug, title, description, body_md, body_html, status, \
         published_at, created_at, updated_at, updated_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id"
    )
    .bind(p.parent_id)
    .bind(&p.slug)
    .bind(&p.title)
    .bind(&p.description)
    .bind(&p.body_md)
    .bind(&p.body_html)
    .bind(p.status.as_str())
    .bind(published_at)
    .bind(now)
    .bind(now)
    .bind(p.updated_by)
    .fetch_one(&mut *conn)
    .await)
    .map_err(slug_conflict)?;
    Ok(id)
}

/// Replaces every written column of page `id`. The first publication keeps its time; a
/// page taken back to draft keeps it too, for when it comes back.
pub async fn update_page(tx: &mut Tx, id: i64, p: &PageWrite) -> Result<()> {
    let now = Utc::now().trunc_subsecs(0);
    let published_at = (p.status == PageStatus::Published).then_some(now);
    let done = with_tx!(tx, |conn| sqlx::query(
        "UPDATE pages SET parent_id = $1, slug = $2, title = $3, description = $4, \
         body_md = $5, body_html = $6, status = $7, \
         published_at = COALESCE(published_at, $8), updated_at = $9, updated_by = $10 \
         WHERE id = $11"
    )
    .bind(p.parent_id)
    .bind(&p.slug)
    .bind(&p.title)
    .bind(&p.description)
    .bind(&p.body_md)
    .bind(&p.body_html)
    .bind(p.status.as_str())
    .bind(published_at)
    .bind(now)
    .bind(p.updated_by)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))
    .map_err(slug_conflict)?;
    if done == 0 {
        return Err(StoreError::NotFound("page"));
    }
    Ok(())
}

/// Keeps `old_slug` answering for page `id` (and forgets it as an old slug of another).
pub async fn remember_old_slug(tx: &mut Tx, old_slug: &str, id: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "INSERT INTO page_old_slugs (old_slug, page_id) VALUES ($1, $2) \
         ON CONFLICT (old_slug) DO UPDATE SET page_id = excluded.page_id"
    )
    .bind(old_slug)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A slug now in use is nobody's old slug any more.
pub async fn forget_old_slug(tx: &mut Tx, slug: &str) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM page_old_slugs WHERE old_slug = $1"
    )
    .bind(slug)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Deletes page `id`; its children move up to `new_parent`. Menu items that pointed at
/// it lose their target (the schema empties the column) and drop out of public menus.
pub async fn delete_page(tx: &mut Tx, id: i64, new_parent: Option<i64>) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query("UPDATE pages SET parent_id = $1 WHERE parent_id = $2")
            .bind(new_parent)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        let done = sqlx::query("DELETE FROM pages WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        if done == 0 {
            return Err(StoreError::NotFound("page"));
        }
        Ok::<_, StoreError>(())
    })
}
