//! Queries behind sitemaps: light rows of every published article and the last change of
//! each archive, so a sitemap never loads article bodies.

use chrono::{DateTime, Utc};

use crate::{Db, Result};

/// What a sitemap entry needs of an article.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SitemapArticle {
    /// Row id.
    pub id: i64,
    /// Current slug.
    pub slug: String,
    /// Headline (for the news sitemap).
    pub title: String,
    /// Publication time.
    pub published_at: Option<DateTime<Utc>>,
    /// Last edit.
    pub updated_at: DateTime<Utc>,
}

/// An archive (category, tag or author) with its newest published article's edit time.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SitemapArchive {
    /// The archive's slug.
    pub slug: String,
    /// Last edit of any published article in it.
    pub lastmod: Option<DateTime<Utc>>,
}

/// Which archives [`Db::sitemap_archives`] lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveKind {
    /// Categories (articles filed directly in them).
    Category,
    /// Tags.
    Tag,
    /// Authors.
    Author,
}

impl Db {
    /// Published articles, newest first; only those published at or after `since` when
    /// given, at most `limit`.
    pub async fn sitemap_articles(
        &self,
        since: Option<DateTime<Utc>>,
        limit: i64,
    ) -> Result<Vec<SitemapArticle>> {
        let rows = with_pool!(self, |pool| sqlx::query_as(
            "SELECT id, slug, title, published_at, updated_at FROM articles \
             WHERE status = 'published' AND ($1 IS NULL OR published_at >= $1) \
             ORDER BY published_at DESC, id DESC LIMIT $2"
        )
        .bind(since)
        .bind(limit.max(0))
        .fetch_all(pool)
        .await)?;
        Ok(rows)
    }

    /// Archives holding at least one published article, with their last change. The
    /// maximum is taken over the articles' edit times, so an edit moves `lastmod` on.
    pub async fn sitemap_archives(&self, kind: ArchiveKind) -> Result<Vec<SitemapArchive>> {
        let sql = match kind {
            ArchiveKind::Category => {
                "SELECT c.slug AS slug, MAX(a.updated_at) AS lastmod FROM categories c \
                 JOIN articles a ON a.category_id = c.id AND a.status = 'published' \
                 GROUP BY c.id, c.slug ORDER BY c.slug"
            }
            ArchiveKind::Tag => {
                "SELECT t.slug AS slug, MAX(a.updated_at) AS lastmod FROM tags t \
                 JOIN article_tags x ON x.tag_id = t.id \
                 JOIN articles a ON a.id = x.article_id AND a.status = 'published' \
                 GROUP BY t.id, t.slug ORDER BY t.slug"
            }
            ArchiveKind::Author => {
                "SELECT au.slug AS slug, MAX(a.updated_at) AS lastmod FROM authors au \
                 JOIN articles a ON a.author_id = au.id AND a.status = 'published' \
                 GROUP BY au.id, au.slug ORDER BY au.slug"
            }
        };
        let rows = with_pool!(self, |pool| sqlx::query_as(sql).fetch_all(pool).await)?;
        Ok(rows)
    }
}
