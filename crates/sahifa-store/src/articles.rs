//! Articles: writing them, listing the published ones and finding related ones.

use chrono::{DateTime, SubsecRound, Utc};

use crate::error::Unique;
use crate::{
    Article, ArticleFilter, ArticleStatus, ArticleSummary, Db, Image, Named, Page, Result,
    StoreError, Tx,
};

const SUMMARY_COLUMNS: &str = "a.id, a.slug, a.title, a.lead, a.status, a.published_at, a.updated_at, \
     a.image_url, a.image_alt, a.image_caption, a.image_width, a.image_height, \
     au.id AS author_id, au.slug AS author_slug, au.name AS author_name, \
     c.id AS category_id, c.slug AS category_slug, c.name AS category_name, \
     (SELECT CAST(COUNT(*) AS BIGINT) FROM comments cm WHERE cm.article_id = a.id AND cm.status = 'approved') AS comment_count";

const FROM_JOINED: &str = "FROM articles a \
     LEFT JOIN authors au ON au.id = a.author_id \
     LEFT JOIN categories c ON c.id = a.category_id";

/// The published articles an [`ArticleFilter`] selects ($1 category with its subcategories,
/// as the primary category or one of the further ones; $2 author, $3 tag; each NULL for
/// any).
const LISTED: &str = "a.status = 'published' \
     AND ($1 IS NULL OR a.category_id IN (WITH RECURSIVE sub(id) AS ( \
        SELECT CAST($1 AS BIGINT) UNION SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id) \
      SELECT id FROM sub) \
      OR a.id IN (SELECT ac.article_id FROM article_categories ac WHERE ac.category_id IN ( \
        WITH RECURSIVE sub(id) AS ( \
        SELECT CAST($1 AS BIGINT) UNION SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id) \
        SELECT id FROM sub))) \
     AND ($2 IS NULL OR a.author_id = $2) \
     AND ($3 IS NULL OR EXISTS (SELECT 1 FROM article_tags x WHERE x.article_id = a.id AND x.tag_id = $3))";

/// How many related articles the block shows at most, and at least when the site has them.
const RELATED_MAX: i64 = 6;
const RELATED_MIN: usize = 3;

/// Ids bound in one `IN (...)` list: far under SQLite's and PostgreSQL's parameter limits.
const IDS_PER_QUERY: usize = 500;

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

impl Db {
    async fn article_where(
        &self,
        condition: &str,
        bind: ArticleKey<'_>,
    ) -> Result<Option<Article>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS}, a.body_html, a.dateline, a.source, a.created_at \
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

    /// Summaries of the *published* articles among `ids`, in the order of `ids` (so a
    /// ranking computed elsewhere survives). Ids that are missing or not public are left
    /// out, which keeps an index that lags a moment behind from showing a withdrawn story.
    /// One query per [`IDS_PER_QUERY`] ids: a page render lists a handful, and each
    /// round trip to the database costs more than the rows it reads.
    pub async fn published_summaries_by_ids(&self, ids: &[i64]) -> Result<Vec<ArticleSummary>> {
        let mut found: Vec<ArticleSummary> = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT {SUMMARY_COLUMNS} {FROM_JOINED} \
                 WHERE a.status = 'published' AND a.id IN ({})",
                placeholders.join(", ")
            );
            let rows: Vec<SummaryRow> = with_pool!(self, |pool| {
                let mut query = sqlx::query_as(&sql);
                for id in chunk {
                    query = query.bind(*id);
                }
                query.fetch_all(pool).await
            })?;
            found.extend(rows.into_iter().map(ArticleSummary::from));
        }
        let mut ordered = Vec::with_capacity(found.len());
        for id in ids {
            if let Some(at) = found.iter().position(|a| a.id == *id) {
                ordered.push(found.swap_remove(at));
            }
        }
        Ok(ordered)
    }

    /// One page of published articles, newest first.
    pub async fn published_articles(
        &self,
        filter: ArticleFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Page<ArticleSummary>> {
        let list_sql = format!(
            "SELECT {SUMMARY_COLUMNS} {FROM_JOINED} WHERE {LISTED} \
             ORDER BY a.published_at DESC, a.id DESC LIMIT $4 OFFSET $5"
        );
        let count_sql = format!("SELECT CAST(COUNT(*) AS BIGINT) FROM articles a WHERE {LISTED}");
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

    /// One page of the articles published from `from` (included) to `until` (excluded),
    /// newest first: a date archive.
    pub async fn published_between(
        &self,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: i64,
        offset: i64,
    ) -> Result<Page<ArticleSummary>> {
        const WITHIN: &str =
            "a.status = 'published' AND a.published_at >= $1 AND a.published_at < $2";
        let list_sql = format!(
            "SELECT {SUMMARY_COLUMNS} {FROM_JOINED} WHERE {WITHIN} \
             ORDER BY a.published_at DESC, a.id DESC LIMIT $3 OFFSET $4"
        );
        let count_sql = format!("SELECT CAST(COUNT(*) AS BIGINT) FROM articles a WHERE {WITHIN}");
        let rows: Vec<SummaryRow> = with_pool!(self, |pool| sqlx::query_as(&list_sql)
            .bind(from)
            .bind(until)
            .bind(limit.max(0))
            .bind(offset.max(0))
            .fetch_all(pool)
            .await)?;
        let (total,): (i64,) = with_pool!(self, |pool| sqlx::query_as(&count_sql)
            .bind(from)
            .bind(until)
            .fetch_one(pool)
            .await)?;
        Ok(Page {
            items: rows.into_iter().map(Into::into).collect(),
            total,
        })
    }

    /// The newest `limit` published articles `filter` selects, without counting them all:
    /// for blocks that show a few and never page (the home page's category blocks).
    pub async fn newest_published(
        &self,
        filter: ArticleFilter,
        limit: i64,
    ) -> Result<Vec<ArticleSummary>> {
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} {FROM_JOINED} WHERE {LISTED} \
             ORDER BY a.published_at DESC, a.id DESC LIMIT $4"
        );
        let rows: Vec<SummaryRow> = with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(filter.category_id)
            .bind(filter.author_id)
            .bind(filter.tag_id)
            .bind(limit.max(0))
            .fetch_all(pool)
            .await)?;
        Ok(rows.into_iter().map(Into::into).collect())
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

/// Every column of an article row that a save writes, already validated and derived by the
/// use case (slug chosen, body rendered, times settled).
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleWrite {
    /// The slug, unique among articles.
    pub slug: String,
    /// Headline.
    pub title: String,
    /// Standfirst.
    pub lead: String,
    /// The body (HTML of the body schema).
    pub body_html: String,
    /// Dateline, when there is one.
    pub dateline: Option<String>,
    /// Agency credit, when there is one.
    pub source: Option<String>,
    /// Byline.
    pub author_id: Option<i64>,
    /// Primary category.
    pub category_id: Option<i64>,
    /// Lifecycle state.
    pub status: ArticleStatus,
    /// When it went or goes public.
    pub published_at: Option<DateTime<Utc>>,
    /// Last edit as readers see it.
    pub updated_at: DateTime<Utc>,
    /// Featured image as printed.
    pub image: Option<Image>,
    /// The media-library record the featured image comes from.
    pub image_media_id: Option<i64>,
    /// A contributor asked for review.
    pub review_requested: bool,
}

/// What a use case needs to know of an article before changing it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ArticleState {
    /// Row id.
    pub id: i64,
    /// Current slug.
    pub slug: String,
    /// Headline.
    pub title: String,
    /// Stored status.
    pub status: String,
    /// Publication time.
    pub published_at: Option<DateTime<Utc>>,
    /// Owning account.
    pub owner_id: Option<i64>,
    /// The byline.
    pub author_id: Option<i64>,
    /// Awaiting review.
    pub review_requested: bool,
}

impl ArticleState {
    /// The typed status.
    pub fn status(&self) -> ArticleStatus {
        ArticleStatus::parse(&self.status)
    }
}

/// The state of article `id` inside `tx`, locked against concurrent changes until the
/// transaction ends (PostgreSQL: `FOR UPDATE`; SQLite: the transaction holds the write lock).
pub async fn state_for_update(tx: &mut Tx, id: i64) -> Result<Option<ArticleState>> {
    const COLUMNS: &str = "SELECT id, slug, title, status, published_at, owner_id, author_id, review_requested FROM articles WHERE id = $1";
    let sql = match tx.backend() {
        crate::Backend::Postgres => format!("{COLUMNS} FOR UPDATE"),
        crate::Backend::Sqlite => COLUMNS.to_string(),
    };
    Ok(with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await)?)
}

/// Where an article is listed: what decides which archives, feeds and lists show it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listing {
    /// Published (readers can see it).
    pub public: bool,
    /// Publication time (the lists' order).
    pub published_at: Option<DateTime<Utc>>,
    /// Its category.
    pub category_id: Option<i64>,
    /// Its further categories (an imported article's other WordPress categories).
    pub extra_category_ids: Vec<i64>,
    /// Its byline.
    pub author_id: Option<i64>,
    /// Its tags.
    pub tag_ids: Vec<i64>,
}

/// Where article `id` is listed, inside `tx` (for what a write retires).
pub async fn listing_of(tx: &mut Tx, id: i64) -> Result<Option<Listing>> {
    type Row = (String, Option<DateTime<Utc>>, Option<i64>, Option<i64>);
    let row: Option<Row> = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT status, published_at, category_id, author_id FROM articles WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await)?;
    let Some((status, published_at, category_id, author_id)) = row else {
        return Ok(None);
    };
    let tags: Vec<(i64,)> = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT tag_id FROM article_tags WHERE article_id = $1 ORDER BY tag_id"
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await)?;
    let extra: Vec<(i64,)> = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT category_id FROM article_categories WHERE article_id = $1 ORDER BY category_id"
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await)?;
    Ok(Some(Listing {
        public: ArticleStatus::parse(&status) == ArticleStatus::Published,
        published_at,
        category_id,
        extra_category_ids: extra.into_iter().map(|(c,)| c).collect(),
        author_id,
        tag_ids: tags.into_iter().map(|(t,)| t).collect(),
    }))
}

/// The id of the article that has `slug`, if any.
pub async fn slug_holder(tx: &mut Tx, slug: &str) -> Result<Option<i64>> {
    let row: Option<(i64,)> = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT id FROM articles WHERE slug = $1"
    )
    .bind(slug)
    .fetch_optional(&mut *conn)
    .await)?;
    Ok(row.map(|(id,)| id))
}

/// Inserts an article owned by `owner_id`; returns its id.
pub async fn insert(
    tx: &mut Tx,
    w: &ArticleWrite,
    owner_id: Option<i64>,
    created_at: DateTime<Utc>,
) -> Result<i64> {
    insert_returning(tx, w, owner_id, created_at, "RETURNING id")
        .await?
        .ok_or(StoreError::Conflict(Unique::ArticleSlug))
}

/// [`insert`], unless another article has the slug already (then `None`, and nothing is
/// written): one statement where a check and an insert would be two, for an import's
/// hundred thousand articles.
pub async fn insert_if_slug_free(
    tx: &mut Tx,
    w: &ArticleWrite,
    owner_id: Option<i64>,
    created_at: DateTime<Utc>,
) -> Result<Option<i64>> {
    insert_returning(
        tx,
        w,
        owner_id,
        created_at,
        "ON CONFLICT (slug) DO NOTHING RETURNING id",
    )
    .await
}

async fn insert_returning(
    tx: &mut Tx,
    w: &ArticleWrite,
    owner_id: Option<i64>,
    created_at: DateTime<Utc>,
    ending: &str,
) -> Result<Option<i64>> {
    let image = w.image.as_ref();
    let sql = format!(
        "INSERT INTO articles (slug, title, lead, body_md, body_html, body_format, dateline, \
         source, author_id, category_id, status, published_at, created_at, updated_at, \
         image_url, image_alt, image_caption, image_width, image_height, \
         image_media_id, review_requested, owner_id) \
         VALUES ($1, $2, $3, '', $4, 'html', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) \
         {ending}"
    );
    let row: Option<(i64,)> = with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(&w.slug)
        .bind(&w.title)
        .bind(&w.lead)
        .bind(&w.body_html)
        .bind(&w.dateline)
        .bind(&w.source)
        .bind(w.author_id)
        .bind(w.category_id)
        .bind(w.status.as_str())
        .bind(w.published_at)
        .bind(created_at)
        .bind(w.updated_at)
        .bind(image.map(|i| i.url.clone()))
        .bind(image.map(|i| i.alt.clone()))
        .bind(image.map(|i| i.caption.clone()))
        .bind(image.and_then(|i| i.width))
        .bind(image.and_then(|i| i.height))
        .bind(w.image_media_id)
        .bind(w.review_requested)
        .bind(owner_id)
        .fetch_optional(&mut *conn)
        .await)
    .map_err(|e| StoreError::on_unique(e, Unique::ArticleSlug))?;
    Ok(row.map(|(id,)| id))
}

/// Replaces every written column of article `id` (owner and creation time stay).
pub async fn update(tx: &mut Tx, id: i64, w: &ArticleWrite) -> Result<()> {
    let image = w.image.as_ref();
    let affected = with_tx!(tx, |conn| sqlx::query(
        "UPDATE articles SET slug = $1, title = $2, lead = $3, body_md = '', body_html = $4, \
         body_format = 'html', dateline = $5, source = $6, author_id = $7, category_id = $8, \
         status = $9, published_at = $10, updated_at = $11, image_url = $12, image_alt = $13, \
         image_caption = $14, image_width = $15, image_height = $16, image_media_id = $17, \
         review_requested = $18 WHERE id = $19",
    )
    .bind(&w.slug)
    .bind(&w.title)
    .bind(&w.lead)
    .bind(&w.body_html)
    .bind(&w.dateline)
    .bind(&w.source)
    .bind(w.author_id)
    .bind(w.category_id)
    .bind(w.status.as_str())
    .bind(w.published_at)
    .bind(w.updated_at)
    .bind(image.map(|i| i.url.clone()))
    .bind(image.map(|i| i.alt.clone()))
    .bind(image.map(|i| i.caption.clone()))
    .bind(image.and_then(|i| i.width))
    .bind(image.and_then(|i| i.height))
    .bind(w.image_media_id)
    .bind(w.review_requested)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))
    .map_err(|e| StoreError::on_unique(e, Unique::ArticleSlug))?;
    if affected == 0 {
        return Err(StoreError::NotFound("article"));
    }
    Ok(())
}

/// Makes `tag_ids` the article's tags, in that order.
pub async fn set_tags(tx: &mut Tx, article_id: i64, tag_ids: &[i64]) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query("DELETE FROM article_tags WHERE article_id = $1")
            .bind(article_id)
            .execute(&mut *conn)
            .await?;
        for tag_id in tag_ids {
            sqlx::query("INSERT INTO article_tags (article_id, tag_id) VALUES ($1, $2)")
                .bind(article_id)
                .bind(tag_id)
                .execute(&mut *conn)
                .await
                .map_err(|e| StoreError::on_unique(e, Unique::Row))?;
        }
        Ok::<(), StoreError>(())
    })
}

/// Deletes article `id` and the old slugs that redirected to it.
pub async fn delete(tx: &mut Tx, id: i64) -> Result<()> {
    with_tx!(tx, |conn| {
        sqlx::query("DELETE FROM slug_redirects WHERE kind = 'article' AND target_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM articles WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok::<(), StoreError>(())
    })
}

/// Appends to the article write log, which the search index follows.
pub async fn record_event(
    tx: &mut Tx,
    article_id: i64,
    kind: &str,
    before: Option<ArticleStatus>,
    after: Option<ArticleStatus>,
) -> Result<()> {
    record_events(tx, &[(article_id, kind, before, after)]).await
}

/// [`record_event`] for many: `(article id, kind, status before, status after)`.
pub async fn record_events(
    tx: &mut Tx,
    events: &[(i64, &str, Option<ArticleStatus>, Option<ArticleStatus>)],
) -> Result<()> {
    let at = Utc::now().trunc_subsecs(0);
    for chunk in events.chunks(crate::batch::ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO article_events (article_id, kind, status_before, status_after, at) \
             VALUES {}",
            crate::batch::placeholders(chunk.len(), 5)
        );
        with_tx!(tx, |conn| {
            let mut query = sqlx::query(&sql);
            for (id, kind, before, after) in chunk {
                query = query
                    .bind(id)
                    .bind(kind)
                    .bind(before.map(ArticleStatus::as_str))
                    .bind(after.map(ArticleStatus::as_str))
                    .bind(at);
            }
            query.execute(&mut *conn).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Ids of scheduled articles whose time has come, oldest first, at most `limit`.
pub async fn due_scheduled(db: &Db, now: DateTime<Utc>, limit: i64) -> Result<Vec<i64>> {
    let rows: Vec<(i64,)> = with_pool!(db, |pool| sqlx::query_as(
        "SELECT id FROM articles WHERE status = 'scheduled' AND published_at <= $1 \
         ORDER BY published_at LIMIT $2"
    )
    .bind(now)
    .bind(limit)
    .fetch_all(pool)
    .await)?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Publishes scheduled article `id` if it is still scheduled; returns its title when this
/// call was the one that published it. The conditional UPDATE is the claim: when several
/// processes sweep at once exactly one of them gets the row.
pub async fn claim_scheduled(tx: &mut Tx, id: i64) -> Result<Option<String>> {
    let row: Option<(String,)> = with_tx!(tx, |conn| {
        sqlx::query_as(
        "UPDATE articles SET status = 'published', review_requested = $1, updated_at = published_at \
         WHERE id = $2 AND status = 'scheduled' RETURNING title",
    )
    .bind(false)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    })?;
    Ok(row.map(|(title,)| title))
}

/// Articles whose body is still Markdown (stored before bodies became HTML): id and
/// Markdown, lowest id first, at most `limit`.
pub async fn markdown_bodies(db: &Db, limit: i64) -> Result<Vec<(i64, String)>> {
    Ok(with_pool!(db, |pool| sqlx::query_as(
        "SELECT id, body_md FROM articles WHERE body_format = 'markdown' ORDER BY id LIMIT $1"
    )
    .bind(limit)
    .fetch_all(pool)
    .await)?)
}

/// Stores `body_html` as the body of article `id` converted from `body_md`, if it is still
/// that Markdown; false when it was converted or rewritten meanwhile (by another process,
/// or an editor's save, which stores HTML).
pub async fn store_converted_body(
    tx: &mut Tx,
    id: i64,
    body_md: &str,
    body_html: &str,
) -> Result<bool> {
    let affected = with_tx!(tx, |conn| sqlx::query(
        "UPDATE articles SET body_html = $1, body_md = '', body_format = 'html' \
         WHERE id = $2 AND body_format = 'markdown' AND body_md = $3",
    )
    .bind(body_html)
    .bind(id)
    .bind(body_md)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(affected == 1)
}
