//! What a site import remembers: which row each object of the old site became (so a second
//! import updates instead of copying), the old site's URLs, and an article's further
//! categories. The import use case (`sahifa_newsroom::import`) writes all of it inside its
//! one transaction.

use chrono::{DateTime, Utc};

use crate::{ArticleStatus, Db, NewComment, Result, Tx};

/// What an old URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegacyTarget {
    /// An article.
    Article(i64),
    /// A static page.
    Page(i64),
    /// A category archive.
    Category(i64),
    /// A tag archive.
    Tag(i64),
    /// An author's archive.
    Author(i64),
    /// A media-library file.
    Media(i64),
    /// A category's feed.
    CategoryFeed(i64),
    /// A tag's feed.
    TagFeed(i64),
    /// An author's feed.
    AuthorFeed(i64),
    /// The site's feed.
    SiteFeed,
}

impl LegacyTarget {
    fn parts(self) -> (&'static str, i64) {
        match self {
            LegacyTarget::Article(id) => ("article", id),
            LegacyTarget::Page(id) => ("page", id),
            LegacyTarget::Category(id) => ("category", id),
            LegacyTarget::Tag(id) => ("tag", id),
            LegacyTarget::Author(id) => ("author", id),
            LegacyTarget::Media(id) => ("media", id),
            LegacyTarget::CategoryFeed(id) => ("category-feed", id),
            LegacyTarget::TagFeed(id) => ("tag-feed", id),
            LegacyTarget::AuthorFeed(id) => ("author-feed", id),
            LegacyTarget::SiteFeed => ("site-feed", 0),
        }
    }

    fn from_parts(kind: &str, id: i64) -> Option<LegacyTarget> {
        Some(match kind {
            "article" => LegacyTarget::Article(id),
            "page" => LegacyTarget::Page(id),
            "category" => LegacyTarget::Category(id),
            "tag" => LegacyTarget::Tag(id),
            "author" => LegacyTarget::Author(id),
            "media" => LegacyTarget::Media(id),
            "category-feed" => LegacyTarget::CategoryFeed(id),
            "tag-feed" => LegacyTarget::TagFeed(id),
            "author-feed" => LegacyTarget::AuthorFeed(id),
            "site-feed" => LegacyTarget::SiteFeed,
            _ => return None,
        })
    }
}

impl Db {
    /// What the old URL `path` (normalised as stored, see the migration) names, if anything.
    pub async fn legacy_url(&self, path: &str) -> Result<Option<LegacyTarget>> {
        let row: Option<(String, i64)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT kind, target_id FROM legacy_urls WHERE path = $1"
        )
        .bind(path)
        .fetch_optional(pool)
        .await)?;
        Ok(row.and_then(|(kind, id)| LegacyTarget::from_parts(&kind, id)))
    }

    /// Every old URL that names something, in path order (for checks and the report).
    pub async fn legacy_urls(&self) -> Result<Vec<(String, LegacyTarget)>> {
        let rows: Vec<(String, String, i64)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT path, kind, target_id FROM legacy_urls ORDER BY path"
        )
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .filter_map(|(path, kind, id)| LegacyTarget::from_parts(&kind, id).map(|t| (path, t)))
            .collect())
    }

    /// The further categories of article `id`, in id order.
    pub async fn extra_categories(&self, article_id: i64) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> = with_pool!(self, |pool| {
            sqlx::query_as(
            "SELECT category_id FROM article_categories WHERE article_id = $1 ORDER BY category_id"
        )
        .bind(article_id)
        .fetch_all(pool)
        .await
        })?;
        Ok(rows.into_iter().map(|(c,)| c).collect())
    }
}

/// The row `key` of `kind` from `source` became, if it still exists in `table`, and the
/// fingerprint it was imported with.
pub async fn mapped(
    tx: &mut Tx,
    source: &str,
    kind: &str,
    key: &str,
    table: ImportTable,
) -> Result<Option<(i64, String)>> {
    // The table name comes from a fixed list, never from input.
    let sql = format!(
        "SELECT m.target_id, m.fingerprint FROM import_map m JOIN {} t ON t.id = m.target_id \
         WHERE m.source = $1 AND m.kind = $2 AND m.wp_key = $3",
        table.name()
    );
    Ok(with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(source)
        .bind(kind)
        .bind(key)
        .fetch_optional(&mut *conn)
        .await)?)
}

/// Remembers that `key` of `kind` from `source` is row `target_id`, imported as `fingerprint`.
pub async fn remember(
    tx: &mut Tx,
    source: &str,
    kind: &str,
    key: &str,
    target_id: i64,
    fingerprint: &str,
) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "INSERT INTO import_map (source, kind, wp_key, target_id, fingerprint) \
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (source, kind, wp_key) \
         DO UPDATE SET target_id = excluded.target_id, fingerprint = excluded.fingerprint"
    )
    .bind(source)
    .bind(kind)
    .bind(key)
    .bind(target_id)
    .bind(fingerprint)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Makes the old URL `path` name `target`; with `replace` false an existing entry is kept
/// (a former slug must never take over a URL that names something else). Returns whether
/// the entry is new (`Some(true)`), changed (`Some(false)`) or was already so (`None`).
pub async fn set_legacy_url(
    tx: &mut Tx,
    path: &str,
    target: LegacyTarget,
    replace: bool,
) -> Result<Option<bool>> {
    let (kind, id) = target.parts();
    // Most old URLs are new to the table: one statement for those.
    let inserted = with_tx!(tx, |conn| sqlx::query(
        "INSERT INTO legacy_urls (path, kind, target_id) VALUES ($1, $2, $3) \
         ON CONFLICT (path) DO NOTHING"
    )
    .bind(path)
    .bind(kind)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    if inserted == 1 {
        return Ok(Some(true));
    }
    let existing: Option<(String, i64)> = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT kind, target_id FROM legacy_urls WHERE path = $1"
    )
    .bind(path)
    .fetch_optional(&mut *conn)
    .await)?;
    match existing {
        None => Ok(None),
        Some((k, t)) if k == kind && t == id => Ok(None),
        Some(_) if !replace => Ok(None),
        Some(_) => {
            with_tx!(tx, |conn| sqlx::query(
                "UPDATE legacy_urls SET kind = $1, target_id = $2 WHERE path = $3"
            )
            .bind(kind)
            .bind(id)
            .bind(path)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected()))?;
            Ok(Some(false))
        }
    }
}

/// Makes `category_ids` the further categories of article `article_id`, in place of
/// those it had.
pub async fn set_extra_categories(
    tx: &mut Tx,
    article_id: i64,
    category_ids: &[i64],
) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM article_categories WHERE article_id = $1"
    )
    .bind(article_id)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    let pairs: Vec<(i64, i64)> = category_ids.iter().map(|c| (article_id, *c)).collect();
    insert_pairs(tx, "article_categories (article_id, category_id)", &pairs).await
}

/// Rewrites an imported comment with what a newer export says of it.
pub async fn update_comment(
    tx: &mut Tx,
    id: i64,
    c: &NewComment,
    created_at: DateTime<Utc>,
) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE comments SET article_id = $1, parent_id = $2, author_name = $3, email = $4, \
         url = $5, body = $6, status = $7, created_at = $8 WHERE id = $9"
    )
    .bind(c.article_id)
    .bind(c.parent_id)
    .bind(&c.author_name)
    .bind(&c.email)
    .bind(&c.url)
    .bind(&c.body)
    .bind(c.status.as_str())
    .bind(created_at)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The tables an import maps into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportTable {
    /// `articles`.
    Articles,
    /// `pages`.
    Pages,
    /// `categories`.
    Categories,
    /// `tags`.
    Tags,
    /// `authors`.
    Authors,
    /// `users`.
    Users,
    /// `comments`.
    Comments,
    /// `media`.
    Media,
}

impl ImportTable {
    fn name(self) -> &'static str {
        match self {
            ImportTable::Articles => "articles",
            ImportTable::Pages => "pages",
            ImportTable::Categories => "categories",
            ImportTable::Tags => "tags",
            ImportTable::Authors => "authors",
            ImportTable::Users => "users",
            ImportTable::Comments => "comments",
            ImportTable::Media => "media",
        }
    }
}

/// Renames author `id` (an imported byline the old site renamed).
pub async fn rename_author(tx: &mut Tx, id: i64, name: &str) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE authors SET name = $1 WHERE id = $2"
    )
    .bind(name)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Renames tag `id`.
pub async fn rename_tag(tx: &mut Tx, id: i64, name: &str) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE tags SET name = $1 WHERE id = $2"
    )
    .bind(name)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The account with `email` (compared without case), and its byline.
pub async fn account_by_email(tx: &mut Tx, email: &str) -> Result<Option<(i64, Option<i64>)>> {
    Ok(with_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, author_id FROM users WHERE lower(email) = lower($1)"
    )
    .bind(email)
    .fetch_optional(&mut *conn)
    .await)?)
}

/// Gives account `user_id` the byline `author_id`.
pub async fn set_account_byline(tx: &mut Tx, user_id: i64, author_id: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE users SET author_id = $1 WHERE id = $2"
    )
    .bind(author_id)
    .bind(user_id)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A comment as an export writes it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportComment {
    /// Id.
    pub id: i64,
    /// The comment it answers.
    pub parent_id: Option<i64>,
    /// Name shown.
    pub author_name: String,
    /// Email.
    pub email: String,
    /// Website.
    pub url: String,
    /// Text.
    pub body: String,
    /// `pending`, `approved`, `spam`, `trash`.
    pub status: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

impl Db {
    /// Ids of every article, any status, from `after` on (exclusive), at most `limit`.
    pub async fn article_ids_after(&self, after: i64, limit: i64) -> Result<Vec<i64>> {
        let rows: Vec<(i64,)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT id FROM articles WHERE id > $1 ORDER BY id LIMIT $2"
        )
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Every comment on article `id`, any status, oldest first.
    pub async fn comments_for_export(&self, article_id: i64) -> Result<Vec<ExportComment>> {
        Ok(with_pool!(self, |pool| sqlx::query_as(
            "SELECT id, parent_id, author_name, email, url, body, status, created_at \
             FROM comments WHERE article_id = $1 ORDER BY id"
        )
        .bind(article_id)
        .fetch_all(pool)
        .await)?)
    }

    /// Whether comments are closed on article `id`, and its featured media record.
    pub async fn export_extras(&self, article_id: i64) -> Result<(bool, Option<i64>)> {
        let closed: Option<(i64,)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT article_id FROM comment_closed_articles WHERE article_id = $1"
        )
        .bind(article_id)
        .fetch_optional(pool)
        .await)?;
        let media: Option<(Option<i64>,)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT image_media_id FROM articles WHERE id = $1"
        )
        .bind(article_id)
        .fetch_optional(pool)
        .await)?;
        Ok((closed.is_some(), media.and_then(|(m,)| m)))
    }
}

/// Inserts the `pairs` into `table` (a fixed name) in batches, skipping those already
/// there (a pair given twice included).
async fn insert_pairs(tx: &mut Tx, table: &str, pairs: &[(i64, i64)]) -> Result<()> {
    for chunk in pairs.chunks(crate::batch::ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO {table} VALUES {} ON CONFLICT DO NOTHING",
            crate::batch::placeholders(chunk.len(), 2)
        );
        with_tx!(tx, |conn| {
            let mut query = sqlx::query(&sql);
            for (left, right) in chunk {
                query = query.bind(left).bind(right);
            }
            query.execute(&mut *conn).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// [`remember`] for many rows at once: `(kind, key, target_id, fingerprint)`. An import
/// makes a handful of these per post; one statement for a batch instead of one each
/// is most of what keeps an import fast on SQLite.
pub async fn remember_many(
    tx: &mut Tx,
    source: &str,
    rows: &[(String, String, i64, String)],
) -> Result<()> {
    for chunk in rows.chunks(crate::batch::ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO import_map (source, kind, wp_key, target_id, fingerprint) VALUES {} \
             ON CONFLICT (source, kind, wp_key) \
             DO UPDATE SET target_id = excluded.target_id, fingerprint = excluded.fingerprint",
            crate::batch::placeholders(chunk.len(), 5)
        );
        with_tx!(tx, |conn| {
            let mut query = sqlx::query(&sql);
            for (kind, key, id, print) in chunk {
                query = query.bind(source).bind(kind).bind(key).bind(id).bind(print);
            }
            query.execute(&mut *conn).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Adds the old URLs `rows` that are not in the table yet, in one statement per batch;
/// returns the paths it added (the others are already there, naming something).
pub async fn add_legacy_urls(
    tx: &mut Tx,
    rows: &[(String, LegacyTarget)],
) -> Result<std::collections::HashSet<String>> {
    let mut added = std::collections::HashSet::new();
    for chunk in rows.chunks(crate::batch::ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO legacy_urls (path, kind, target_id) VALUES {} \
             ON CONFLICT (path) DO NOTHING RETURNING path",
            crate::batch::placeholders(chunk.len(), 3)
        );
        let paths: Vec<(String,)> = with_tx!(tx, |conn| {
            let mut query = sqlx::query_as(&sql);
            for (path, target) in chunk {
                let (kind, id) = target.parts();
                query = query.bind(path).bind(kind).bind(id);
            }
            query.fetch_all(&mut *conn).await
        })?;
        added.extend(paths.into_iter().map(|(p,)| p));
    }
    Ok(added)
}

/// Whether anything from `source` was imported before.
pub async fn source_known(tx: &mut Tx, source: &str) -> Result<bool> {
    let row: Option<(i32,)> = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT 1 FROM import_map WHERE source = $1 LIMIT 1"
    )
    .bind(source)
    .fetch_optional(&mut *conn)
    .await)?;
    Ok(row.is_some())
}

/// What an import writes for each article besides its row, kept back and written a batch
/// at a time (no answer is needed from any of it): its write-log event (which the search
/// index follows), its channel post recorded as never to be made, its first revision.
#[derive(Debug, Default)]
pub struct ArticleTrail {
    /// `(article id, event kind, status before, status after)`.
    pub events: Vec<(i64, &'static str, Option<ArticleStatus>, ArticleStatus)>,
    /// Articles never to be posted to the channel.
    pub never_post: Vec<i64>,
    /// `(article id, snapshot as JSON)`.
    pub revisions: Vec<(i64, String)>,
    /// `(article id, tag id)` of articles new in this import.
    pub tags: Vec<(i64, i64)>,
    /// `(article id, category id)`: further categories of articles new in this import.
    pub categories: Vec<(i64, i64)>,
}

impl ArticleTrail {
    /// How many rows are held.
    pub fn len(&self) -> usize {
        self.events.len()
            + self.never_post.len()
            + self.revisions.len()
            + self.tags.len()
            + self.categories.len()
    }

    /// Nothing is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Writes what `trail` holds and empties it.
pub async fn write_trail(tx: &mut Tx, trail: &mut ArticleTrail) -> Result<()> {
    let events: Vec<_> = trail
        .events
        .drain(..)
        .map(|(id, kind, before, after)| (id, kind, before, Some(after)))
        .collect();
    crate::articles::record_events(tx, &events).await?;
    crate::telegram::record_skipped_posts(tx, &trail.never_post, "imported").await?;
    trail.never_post.clear();
    crate::newsroom::insert_unsigned_revisions(tx, &trail.revisions).await?;
    trail.revisions.clear();
    insert_pairs(tx, "article_tags (article_id, tag_id)", &trail.tags).await?;
    trail.tags.clear();
    insert_pairs(
        tx,
        "article_categories (article_id, category_id)",
        &trail.categories,
    )
    .await?;
    trail.categories.clear();
    Ok(())
}
