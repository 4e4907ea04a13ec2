//! What the search index reads: published articles with everything it indexes (body text,
//! tags, category, author) in keyset-paged batches, and summaries by id for result cards.
//!
//! The search crate keeps its own index per process and treats the database as the source
//! of truth, so these reads are all it needs: a full rebuild pages through
//! [`Db::articles_for_index`], and the write-log follower re-reads single articles with
//! [`Db::article_for_index`].

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::{Db, Result};

/// One published article as the search index sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexArticle {
    /// Row id (the index's key).
    pub id: i64,
    /// Current slug.
    pub slug: String,
    /// Headline.
    pub title: String,
    /// Standfirst.
    pub lead: String,
    /// The body (schema HTML); the indexer turns it into plain text.
    pub body_html: String,
    /// Publication time, UTC.
    pub published_at: DateTime<Utc>,
    /// Category id, slug and name.
    pub category: Option<(i64, String, String)>,
    /// Byline name.
    pub author: Option<String>,
    /// Tags as (slug, name).
    pub tags: Vec<(String, String)>,
}

#[derive(sqlx::FromRow)]
struct IndexRow {
    id: i64,
    status: String,
    slug: String,
    title: String,
    lead: String,
    body_html: String,
    published_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
    category_id: Option<i64>,
    category_slug: Option<String>,
    category_name: Option<String>,
    author_name: Option<String>,
}

const INDEX_SELECT: &str = "SELECT a.id, a.status, a.slug, a.title, a.lead, a.body_html, a.published_at, \
     a.updated_at, c.id AS category_id, c.slug AS category_slug, c.name AS category_name, \
     au.name AS author_name \
     FROM articles a \
     LEFT JOIN authors au ON au.id = a.author_id \
     LEFT JOIN categories c ON c.id = a.category_id";

impl Db {
    /// The published articles among the `limit` articles following `after_id` in id
    /// order, with their tags, and the last id looked at (`None` when there are no more):
    /// pass it as the next `after_id`. Paging by id (not OFFSET) keeps a rebuild over
    /// 100 000 rows linear.
    ///
    /// The status is checked here rather than in SQL on purpose: with `status =
    /// 'published'` in the WHERE clause SQLite picks the `(status, published_at)` index
    /// and sorts every published row, bodies included, for each batch, which made
    /// rebuilds quadratic. Walking the primary key and skipping drafts costs nothing.
    pub async fn articles_for_index(
        &self,
        after_id: i64,
        limit: i64,
    ) -> Result<(Vec<IndexArticle>, Option<i64>)> {
        let sql = format!("{INDEX_SELECT} WHERE a.id > $1 ORDER BY a.id LIMIT $2");
        let rows: Vec<IndexRow> = with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(after_id)
            .bind(limit.max(1))
            .fetch_all(pool)
            .await)?;
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
            return Ok((Vec::new(), None));
        };
        let (low, high) = (first.id, last.id);
        // One query for the whole batch's tags: the id range is exactly the batch's.
        let tag_rows: Vec<(i64, String, String)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT at.article_id, t.slug, t.name FROM article_tags at \
             JOIN tags t ON t.id = at.tag_id \
             WHERE at.article_id >= $1 AND at.article_id <= $2"
        )
        .bind(low)
        .bind(high)
        .fetch_all(pool)
        .await)?;
        let mut tags: HashMap<i64, Vec<(String, String)>> = HashMap::new();
        for (article_id, slug, name) in tag_rows {
            tags.entry(article_id).or_default().push((slug, name));
        }
        let articles = rows
            .into_iter()
            .filter(|row| row.status == "published")
            .map(|row| {
                let mut article_tags = tags.remove(&row.id).unwrap_or_default();
                article_tags.sort_by(|a, b| a.1.cmp(&b.1));
                into_index_article(row, article_tags)
            })
            .collect();
        Ok((articles, Some(high)))
    }

    /// The article with this id if it is published, as the index sees it; `None` when it
    /// is missing or not public (the caller then removes it from the index).
    pub async fn article_for_index(&self, id: i64) -> Result<Option<IndexArticle>> {
        let sql = format!("{INDEX_SELECT} WHERE a.status = 'published' AND a.id = $1");
        let row: Option<IndexRow> = with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await)?;
        let Some(row) = row else { return Ok(None) };
        let tags = self
            .article_tags(row.id)
            .await?
            .into_iter()
            .map(|t| (t.slug, t.name))
            .collect();
        Ok(Some(into_index_article(row, tags)))
    }

    /// How many articles are published (what a complete index holds).
    pub async fn published_article_count(&self) -> Result<i64> {
        let (n,): (i64,) = with_pool!(self, |pool| sqlx::query_as(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM articles WHERE status = 'published'"
        )
        .fetch_one(pool)
        .await)?;
        Ok(n)
    }

    /// The id of the newest entry in the article write log (0 when empty).
    pub async fn last_article_event_id(&self) -> Result<i64> {
        let (n,): (Option<i64>,) = with_pool!(self, |pool| sqlx::query_as(
            "SELECT CAST(MAX(id) AS BIGINT) FROM article_events"
        )
        .fetch_one(pool)
        .await)?;
        Ok(n.unwrap_or(0))
    }
}

fn into_index_article(row: IndexRow, tags: Vec<(String, String)>) -> IndexArticle {
    let category = match (row.category_id, row.category_slug, row.category_name) {
        (Some(id), Some(slug), Some(name)) => Some((id, slug, name)),
        _ => None,
    };
    IndexArticle {
        id: row.id,
        slug: row.slug,
        title: row.title,
        lead: row.lead,
        body_html: row.body_html,
        published_at: row.published_at.unwrap_or(row.updated_at),
        category,
        author: row.author_name,
        tags,
    }
}
