//! Articles: writing them, listing the published ones and finding related ones.

use chrono::{DateTime, SubsecRound, Utc};

use crate::redirects::SlugKind;
use crate::taxonomy::make_slug;
use crate::{
    Article, ArticleFilter, ArticleInput, ArticleStatus, ArticleSummary, Db, Image, Named, Page,
    Result, StoreError,
};

const SUMMARY_COLUMNS: &str = "a.id, a.slug, a.title, a.lead, a.status, a.published_at, a.updated_at, \
     a.image_url, a.image_alt, a.image_caption, a.image_width, a.image_height, \
     au.id AS author_id, au.slug AS author_slug, au.name AS author_name, \
     c.id AS category_id, c.slug AS category_slug, c.name AS category_name, \
     (SELECT CAST(COUNT(*) AS BIGINT) FROM comments cm WHERE cm.article_id = a.id AND cm.status = 'approved') AS comment_count";

const FROM_JOINED: &str = "FROM articles a \
     LEFT JOIN authors au ON au.id = a.author_id \
     LEFT JOIN categories c ON c.id = a.category_id";

/// How many related articles the block shows at most, and at least when the site has them.
const RELATED_MAX: i64 = 6;
const RELATED_MIN: usize = 3;

/// Appends to `article_events` inside the write's own transaction `$tx`, so the event
/// exists exactly when the write does. Consumers that must act on a write in the same
/// transaction (an outbox) add their statement here.
macro_rules! record_write {
    ($tx:ident, $article_id:expr, $kind:expr, $before:expr, $after:expr) => {
        let (record_before, record_after): (Option<&str>, Option<&str>) = ($before, $after);
        sqlx::query(
            "INSERT INTO article_events (article_id, kind, status_before, status_after, at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind($article_id)
        .bind($kind)
        .bind(record_before)
        .bind(record_after)
        .bind(Utc::now().trunc_subsecs(0))
        .execute(&mut *$tx)
        .await?;
        // Telegram outbox (crate::telegram): the first publication of an article enqueues its
        // channel post in this same transaction, so a publish can never lose its post and
        // the unique index on (article_id) WHERE kind = 'post' means it can never enqueue
        // two. An edit of a published article enqueues an edit job when the site asked for
        // channel edits and the article has a post row at all.
        let record_now = Utc::now().trunc_subsecs(3);
        if record_after == Some("published") && record_before != Some("published") {
            sqlx::query(crate::telegram::ENQUEUE_POST_SQL)
                .bind($article_id)
                .bind(record_now)
                .execute(&mut *$tx)
                .await?;
        } else if record_after == Some("published") && record_before == Some("published") {
            sqlx::query(crate::telegram::ENQUEUE_EDIT_SQL)
                .bind($article_id)
                .bind(record_now)
                .execute(&mut *$tx)
                .await?;
        }
    };
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    slug: String,
    title: String,
    lead: String,
    status: String,
    published_at: Option<DateTime<Utc>>,
    updated_at: DateTime<Utc>,
    image_url: Option<String>,
    image_alt: Option<String>,
    image_caption: Option<String>,
    image_width: Option<i64>,
    image_height: Option<i64>,
    author_id: Option<i64>,
    author_slug: Option<String>,
    author_name: Option<String>,
    category_id: Option<i64>,
    category_slug: Option<String>,
    category_name: Option<String>,
    comment_count: i64,
}

#[derive(sqlx::FromRow)]
struct ArticleRow {
    #[sqlx(flatten)]
    summary: SummaryRow,
    body_md: String,
    body_html: String,
    dateline: Option<String>,
    source: Option<String>,
    created_at: DateTime<Utc>,
}

fn named(id: Option<i64>, slug: Option<String>, name: Option<String>) -> Option<Named> {
    Some(Named {
        id: id?,
        slug: slug?,
        name: name?,
    })
}

impl From<SummaryRow> for ArticleSummary {
    fn from(r: SummaryRow) -> Self {
        let image = r.image_url.map(|url| Image {
            url,
            alt: r.image_alt.unwrap_or_default(),
            caption: r.image_caption.unwrap_or_default(),
            width: r.image_width,
            height: r.image_height,
        });
        ArticleSummary {
            id: r.id,
            slug: r.slug,
            title: r.title,
            lead: r.lead,
            status: ArticleStatus::parse(&r.status),
            published_at: r.published_at,
            updated_at: r.updated_at,
            author: named(r.author_id, r.author_slug, r.author_name),
            category: named(r.category_id, r.category_slug, r.category_name),
            image,
            comment_count: r.comment_count,
        }
    }
}

fn empty_to_none(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// The validated, derived values written for an [`ArticleInput`].
struct Prepared {
    title: String,
    body_html: String,
    published_at: Option<DateTime<Utc>>,
    tag_ids: Vec<i64>,
}

impl Db {
    async fn prepare(&self, input: &ArticleInput) -> Result<Prepared> {
        let title = input.title.trim().to_string();
        if title.is_empty() {
            return Err(StoreError::Invalid("title"));
        }
        let published_at = match (input.status, input.published_at) {
            (ArticleStatus::Scheduled, None) => return Err(StoreError::Invalid("published_at")),
            (ArticleStatus::Published, None) => Some(Utc::now()),
            (_, at) => at,
        }
        .map(|t| t.trunc_subsecs(0));
        let mut tag_ids = Vec::with_capacity(input.tags.len());
        for name in input.tags.iter().filter(|n| !n.trim().is_empty()) {
            let id = self.ensure_tag(name).await?.id;
            if !tag_ids.contains(&id) {
                tag_ids.push(id);
            }
        }
        Ok(Prepared {
            title,
            body_html: sahifa_text::markdown::render_markdown(&input.body_md),
            published_at,
            tag_ids,
        })
    }

    /// A slug based on `base` that no other article uses (`base`, `base-2`, `base-3`, ...).
    async fn free_article_slug(&self, base: &str, except_id: Option<i64>) -> Result<String> {
        for n in 1..1000 {
            let candidate = if n == 1 {
                base.to_string()
            } else {
                format!("{base}-{n}")
            };
            let taken: Option<(i64,)> = with_pool!(self, |pool| sqlx::query_as(
                "SELECT id FROM articles WHERE slug = $1"
            )
            .bind(&candidate)
            .fetch_optional(pool)
            .await)?;
            match taken {
                None => return Ok(candidate),
                Some((id,)) if Some(id) == except_id => return Ok(candidate),
                Some(_) => continue,
            }
        }
        Err(StoreError::Conflict("article slug"))
    }

    /// Creates an article and returns its id. The slug is made unique by a numeric suffix.
    pub async fn create_article(&self, input: &ArticleInput) -> Result<i64> {
        let prepared = self.prepare(input).await?;
        let base = make_slug(input.slug.as_deref(), &prepared.title)?;
        let slug = self.free_article_slug(&base, None).await?;
        let now = Utc::now().trunc_subsecs(0);
        // A backdated article (an import, the demo) has not changed since it went out.
        let updated_at = prepared.published_at.filter(|p| *p < now).unwrap_or(now);
        let image = input.image.as_ref();
        let id = with_pool!(self, |pool| async {
            let mut tx = pool.begin().await?;
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO articles (slug, title, lead, body_md, body_html, dateline, source, \
                 author_id, category_id, status, published_at, created_at, updated_at, \
                 image_url, image_alt, image_caption, image_width, image_height) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) \
                 RETURNING id",
            )
            .bind(&slug)
            .bind(&prepared.title)
            .bind(input.lead.trim())
            .bind(&input.body_md)
            .bind(&prepared.body_html)
            .bind(empty_to_none(&input.dateline))
            .bind(empty_to_none(&input.source))
            .bind(input.author_id)
            .bind(input.category_id)
            .bind(input.status.as_str())
            .bind(prepared.published_at)
            .bind(now)
            .bind(updated_at)
            .bind(image.map(|i| i.url.clone()))
            .bind(image.map(|i| i.alt.clone()))
            .bind(image.map(|i| i.caption.clone()))
            .bind(image.and_then(|i| i.width))
            .bind(image.and_then(|i| i.height))
            .fetch_one(&mut *tx)
            .await?;
            for tag_id in &prepared.tag_ids {
                sqlx::query("INSERT INTO article_tags (article_id, tag_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(tag_id)
                    .execute(&mut *tx)
                    .await?;
            }
            record_write!(tx, id, "created", None::<&str>, Some(input.status.as_str()));
            tx.commit().await?;
            Ok::<i64, sqlx::Error>(id)
        }
        .await)
        .map_err(|e| StoreError::on_unique(e, "article"))?;
        self.touch().await?;
        Ok(id)
    }

    /// Replaces an article's content. A changed slug keeps the old one as a 301 redirect.
    pub async fn update_article(&self, id: i64, input: &ArticleInput) -> Result<()> {
        let current = self
            .article_by_id(id)
            .await?
            .ok_or(StoreError::NotFound("article"))?;
        // Re-saving a published article without a time keeps its publication time: an edit
        // must not move an old story to the top of the listings.
        let mut input = input.clone();
        if input.published_at.is_none()
            && input.status == ArticleStatus::Published
            && current.summary.status == ArticleStatus::Published
        {
            input.published_at = current.summary.published_at;
        }
        let input = &input;
        let prepared = self.prepare(input).await?;
        let wanted = make_slug(
            input.slug.as_deref().or(Some(&current.summary.slug)),
            &prepared.title,
        )?;
        let slug = if wanted == current.summary.slug {
            wanted
        } else {
            self.free_article_slug(&wanted, Some(id)).await?
        };
        let now = Utc::now().trunc_subsecs(0);
        let image = input.image.as_ref();
        with_pool!(self, |pool| async {
            let mut tx = pool.begin().await?;
            sqlx::query(
                "UPDATE articles SET slug = $1, title = $2, lead = $3, body_md = $4, body_html = $5, \
                 dateline = $6, source = $7, author_id = $8, category_id = $9, status = $10, \
                 published_at = $11, updated_at = $12, image_url = $13, image_alt = $14, \
                 image_caption = $15, image_width = $16, image_height = $17 WHERE id = $18",
            )
            .bind(&slug)
            .bind(&prepared.title)
            .bind(input.lead.trim())
            .bind(&input.body_md)
            .bind(&prepared.body_html)
            .bind(empty_to_none(&input.dateline))
            .bind(empty_to_none(&input.source))
            .bind(input.author_id)
            .bind(input.category_id)
            .bind(input.status.as_str())
            .bind(prepared.published_at)
            .bind(now)
            .bind(image.map(|i| i.url.clone()))
            .bind(image.map(|i| i.alt.clone()))
            .bind(image.map(|i| i.caption.clone()))
            .bind(image.and_then(|i| i.width))
            .bind(image.and_then(|i| i.height))
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM article_tags WHERE article_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for tag_id in &prepared.tag_ids {
                sqlx::query("INSERT INTO article_tags (article_id, tag_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(tag_id)
                    .execute(&mut *tx)
                    .await?;
            }
            record_write!(tx, id, "updated", Some(current.summary.status.as_str()), Some(input.status.as_str()));
            tx.commit().await?;
            Ok::<(), sqlx::Error>(())
        }
        .await)
        .map_err(|e| StoreError::on_unique(e, "article"))?;
        if slug != current.summary.slug {
            self.remember_old_slug(SlugKind::Article, &current.summary.slug, id)
                .await?;
        }
        self.touch().await
    }

    /// Deletes an article (its tags links go with it; its old slugs stop redirecting).
    pub async fn delete_article(&self, id: i64) -> Result<()> {
        let before = self
            .article_by_id(id)
            .await?
            .map(|a| a.summary.status.as_str());
        with_pool!(self, |pool| async {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM slug_redirects WHERE kind = 'article' AND target_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM articles WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            record_write!(tx, id, "deleted", before, None::<&str>);
            tx.commit().await
        }
        .await)?;
        self.touch().await
    }

    async fn article_where(
        &self,
        condition: &str,
        bind: ArticleKey<'_>,
    ) -> Result<Option<Article>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, a.body_md, a.body_html, a.dateline, a.source, a.created_at \
             {FROM_JOINED} WHERE {condition}"
        );
        let row: Option<ArticleRow> = match bind {
            ArticleKey::Id(id) => with_pool!(self, |pool| sqlx::query_as(&sql)
                .bind(id)
                .fetch_optional(pool)
                .await)?,
            ArticleKey::Slug(slug) => with_pool!(self, |pool| sqlx::query_as(&sql)
                .bind(slug)
                .fetch_optional(pool)
                .await)?,
        };
        let Some(row) = row else { return Ok(None) };
        let tags = self.article_tags(row.summary.id).await?;
        Ok(Some(Article {
            summary: row.summary.into(),
            body_md: row.body_md,
            body_html: row.body_html,
            dateline: row.dateline,
            source: row.source,
            tags,
            created_at: row.created_at,
        }))
    }

    /// Any article by id, whatever its status (for editors and importers).
    pub async fn article_by_id(&self, id: i64) -> Result<Option<Article>> {
        self.article_where("a.id = $1", ArticleKey::Id(id)).await
    }

    /// A published article by its current slug.
    pub async fn published_article(&self, slug: &str) -> Result<Option<Article>> {
        self.article_where(
            "a.slug = $1 AND a.status = 'published'",
            ArticleKey::Slug(slug),
        )
        .await
    }

    /// One page of published articles, newest first.
    pub async fn published_articles(
        &self,
        filter: ArticleFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Page<ArticleSummary>> {
        let condition = "a.status = 'published' \
             AND ($1 IS NULL OR a.category_id IN (WITH RECURSIVE sub(id) AS ( \
                SELECT CAST($1 AS BIGINT) UNION SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id) \
              SELECT id FROM sub)) \
             AND ($2 IS NULL OR a.author_id = $2) \
             AND ($3 IS NULL OR EXISTS (SELECT 1 FROM article_tags x WHERE x.article_id = a.id AND x.tag_id = $3))";
        let list_sql = format!(
            "SELECT {SUMMARY_COLUMNS} {FROM_JOINED} WHERE {condition} \
             ORDER BY a.published_at DESC, a.id DESC LIMIT $4 OFFSET $5"
        );
        let count_sql =
            format!("SELECT CAST(COUNT(*) AS BIGINT) FROM articles a WHERE {condition}");
        let rows: Vec<SummaryRow> = with_pool!(self, |pool| sqlx::query_as(&list_sql)
            .bind(filter.category_id)
            .bind(filter.author_id)
            .bind(filter.tag_id)
            .bind(limit.max(0))
            .bind(offset.max(0))
            .fetch_all(pool)
            .await)?;
        let (total,): (i64,) = with_pool!(self, |pool| sqlx::query_as(&count_sql)
            .bind(filter.category_id)
            .bind(filter.author_id)
            .bind(filter.tag_id)
            .fetch_one(pool)
            .await)?;
        Ok(Page {
            items: rows.into_iter().map(Into::into).collect(),
            total,
        })
    }

    /// Articles related to `article`: published ones in the same category or sharing a tag,
    /// newest first, at most six; topped up with the latest articles when fewer than three
    /// qualify. Never the article itself.
    pub async fn related_articles(&self, article: &Article) -> Result<Vec<ArticleSummary>> {
        let id = article.summary.id;
        let category_id = article.summary.category.as_ref().map(|c| c.id);
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} {FROM_JOINED} \
             WHERE a.status = 'published' AND a.id <> $1 \
               AND (a.category_id = $2 OR EXISTS ( \
                    SELECT 1 FROM article_tags x JOIN article_tags mine ON mine.tag_id = x.tag_id \
                    WHERE x.article_id = a.id AND mine.article_id = $1)) \
             ORDER BY a.published_at DESC, a.id DESC LIMIT $3"
        );
        let rows: Vec<SummaryRow> = with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(id)
            .bind(category_id)
            .bind(RELATED_MAX)
            .fetch_all(pool)
            .await)?;
        let mut related: Vec<ArticleSummary> = rows.into_iter().map(Into::into).collect();
        if related.len() < RELATED_MIN {
            let latest = self
                .published_articles(ArticleFilter::default(), RELATED_MAX + 1, 0)
                .await?;
            for candidate in latest.items {
                if related.len() >= RELATED_MIN {
                    break;
                }
                if candidate.id != id && related.iter().all(|r| r.id != candidate.id) {
                    related.push(candidate);
                }
            }
        }
        Ok(related)
    }

    /// The number of articles in the database (any status).
    pub async fn article_count(&self) -> Result<i64> {
        let (n,): (i64,) = with_pool!(self, |pool| sqlx::query_as(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM articles"
        )
        .fetch_one(pool)
        .await)?;
        Ok(n)
    }
}

enum ArticleKey<'a> {
    Id(i64),
    Slug(&'a str),
}

/// One entry of the article write log.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ArticleEvent {
    /// Position in the log (increasing).
    pub id: i64,
    /// The article written.
    pub article_id: i64,
    /// `created`, `updated` or `deleted`.
    pub kind: String,
    /// Status before the write (`None` on create).
    pub status_before: Option<String>,
    /// Status after the write (`None` on delete).
    pub status_after: Option<String>,
    /// When, UTC.
    pub at: DateTime<Utc>,
}

impl Db {
    /// Events after `after_id`, oldest first, at most `limit`.
    pub async fn article_events_after(
        &self,
        after_id: i64,
        limit: i64,
    ) -> Result<Vec<ArticleEvent>> {
        Ok(with_pool!(self, |pool| sqlx::query_as(
            "SELECT id, article_id, kind, status_before, status_after, at FROM article_events \
             WHERE id > $1 ORDER BY id LIMIT $2"
        )
        .bind(after_id)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
    }
}
