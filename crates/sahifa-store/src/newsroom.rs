//! What the newsroom admin needs beyond the public content model: ownership and review
//! flags, the admin article list, revisions, the audit trail and the scheduled-publishing
//! sweep (media records live in [`crate::media`]).

use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;

use crate::{ArticleInput, ArticleStatus, Db, Result, StoreError};

/// A row of the admin article list.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct AdminArticleRow {
    /// Row id.
    pub id: i64,
    /// Current slug.
    pub slug: String,
    /// Headline.
    pub title: String,
    /// Lifecycle state.
    #[sqlx(try_from = "String")]
    pub status: ArticleStatus,
    /// A contributor asked for review.
    pub review_requested: bool,
    /// Publication time.
    pub published_at: Option<DateTime<Utc>>,
    /// Last edit.
    pub updated_at: DateTime<Utc>,
    /// The account that owns the article.
    pub owner_id: Option<i64>,
    /// Owner's name.
    pub owner_name: Option<String>,
    /// Category name.
    pub category_name: Option<String>,
    /// Byline name.
    pub author_name: Option<String>,
}

/// Filters of the admin article list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdminArticleFilter {
    /// Only articles in this state.
    pub status: Option<ListedStatus>,
    /// Category id.
    pub category_id: Option<i64>,
    /// Byline author id.
    pub author_id: Option<i64>,
    /// Only articles owned by this account.
    pub owner_id: Option<i64>,
    /// Words the title must contain.
    pub title_contains: Option<String>,
}

/// The states the admin list filters by: an article's status, with drafts awaiting review
/// apart from the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ListedStatus {
    /// Drafts nobody asked to review.
    Draft,
    /// Drafts awaiting review.
    Pending,
    /// Waiting for their time.
    Scheduled,
    /// Public.
    Published,
}

impl ListedStatus {
    /// Every state, in the order the admin shows them.
    pub const ALL: [ListedStatus; 4] = [
        ListedStatus::Pending,
        ListedStatus::Draft,
        ListedStatus::Scheduled,
        ListedStatus::Published,
    ];

    /// The name used in URLs and templates.
    pub fn as_str(self) -> &'static str {
        match self {
            ListedStatus::Draft => "draft",
            ListedStatus::Pending => "pending",
            ListedStatus::Scheduled => "scheduled",
            ListedStatus::Published => "published",
        }
    }

    /// Reads the name; anything else is no filter.
    pub fn parse(s: &str) -> Option<ListedStatus> {
        ListedStatus::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// How an article row is listed.
    pub fn of(status: ArticleStatus, review_requested: bool) -> ListedStatus {
        match status {
            ArticleStatus::Draft if review_requested => ListedStatus::Pending,
            ArticleStatus::Draft => ListedStatus::Draft,
            ArticleStatus::Scheduled => ListedStatus::Scheduled,
            ArticleStatus::Published => ListedStatus::Published,
        }
    }
}

/// One saved state of an article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Revision {
    /// Row id.
    pub id: i64,
    /// The article.
    pub article_id: i64,
    /// Who saved it.
    pub user_id: Option<i64>,
    /// Their name at the time of reading.
    pub user_name: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The saved content.
    pub snapshot: ArticleInput,
}

/// One audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    /// Row id.
    pub id: i64,
    /// Who acted (None for the scheduler or a deleted account).
    pub user_id: Option<i64>,
    /// Their name when they acted.
    pub user_name: String,
    /// `created`, `published`, `unpublished`, `deleted`, ...
    pub action: String,
    /// `article`, `user`, `settings`, ...
    pub object_kind: String,
    /// The object's id.
    pub object_id: Option<i64>,
    /// A human-readable detail (a title, an email).
    pub detail: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// id, article_id, user_id, user name, created_at, snapshot JSON.
type RevisionRow = (i64, i64, Option<i64>, Option<String>, DateTime<Utc>, String);

impl Db {
    /// Owner and review flag of an article.
    pub async fn article_admin_flags(
        &self,
        article_id: i64,
    ) -> Result<Option<(Option<i64>, bool)>> {
        Ok(with_pool!(self, |pool| sqlx::query_as(
            "SELECT owner_id, review_requested FROM articles WHERE id = $1"
        )
        .bind(article_id)
        .fetch_optional(pool)
        .await)?)
    }

    /// One page of the admin article list, most recently edited first.
    pub async fn admin_articles(
        &self,
        filter: &AdminArticleFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<AdminArticleRow>, i64)> {
        let (status, pending) = match filter.status {
            Some(ListedStatus::Pending) => (Some("draft"), Some(true)),
            Some(ListedStatus::Draft) => (Some("draft"), None),
            Some(ListedStatus::Scheduled) => (Some("scheduled"), None),
            Some(ListedStatus::Published) => (Some("published"), None),
            None => (None, None),
        };
        let like = filter
            .title_contains
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                format!(
                    "%{}%",
                    s.replace('\\', "\\\\")
                        .replace('%', "\\%")
                        .replace('_', "\\_")
                )
            });
        let condition = "($1 IS NULL OR a.status = $1) \
             AND ($2 IS NULL OR a.review_requested = $2) \
             AND ($3 IS NULL OR a.category_id = $3) \
             AND ($4 IS NULL OR a.author_id = $4) \
             AND ($5 IS NULL OR a.owner_id = $5) \
             AND ($6 IS NULL OR a.title LIKE $6 ESCAPE '\\')";
        let list_sql = format!(
            "SELECT a.id, a.slug, a.title, a.status, a.review_requested, a.published_at, a.updated_at, \
                    a.owner_id, u.name AS owner_name, c.name AS category_name, au.name AS author_name \
             FROM articles a \
             LEFT JOIN users u ON u.id = a.owner_id \
             LEFT JOIN categories c ON c.id = a.category_id \
             LEFT JOIN authors au ON au.id = a.author_id \
             WHERE {condition} ORDER BY a.updated_at DESC, a.id DESC LIMIT $7 OFFSET $8"
        );
        let count_sql =
            format!("SELECT CAST(COUNT(*) AS BIGINT) FROM articles a WHERE {condition}");
        let rows: Vec<AdminArticleRow> = with_pool!(self, |pool| sqlx::query_as(&list_sql)
            .bind(status)
            .bind(pending)
            .bind(filter.category_id)
            .bind(filter.author_id)
            .bind(filter.owner_id)
            .bind(&like)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await)?;
        let (total,): (i64,) = with_pool!(self, |pool| sqlx::query_as(&count_sql)
            .bind(status)
            .bind(pending)
            .bind(filter.category_id)
            .bind(filter.author_id)
            .bind(filter.owner_id)
            .bind(&like)
            .fetch_one(pool)
            .await)?;
        Ok((rows, total))
    }

    /// Counts for the dashboard: drafts, pending review, scheduled, published; `owner`
    /// limits them to one account's articles.
    pub async fn article_status_counts(&self, owner: Option<i64>) -> Result<(i64, i64, i64, i64)> {
        let rows: Vec<(String, bool, i64)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT status, review_requested, CAST(COUNT(*) AS BIGINT) FROM articles \
             WHERE ($1 IS NULL OR owner_id = $1) GROUP BY status, review_requested"
        )
        .bind(owner)
        .fetch_all(pool)
        .await)?;
        let mut counts = (0, 0, 0, 0);
        for (status, review, n) in rows {
            match (status.as_str(), review) {
                ("draft", true) => counts.1 += n,
                ("draft", false) => counts.0 += n,
                ("scheduled", _) => counts.2 += n,
                ("published", _) => counts.3 += n,
                _ => {}
            }
        }
        Ok(counts)
    }

    // ----- revisions -----

    /// Every revision of an article, newest first.
    pub async fn revisions(&self, article_id: i64) -> Result<Vec<Revision>> {
        let rows: Vec<RevisionRow> = with_pool!(self, |pool| {
            sqlx::query_as(
            "SELECT r.id, r.article_id, r.user_id, u.name, r.created_at, r.snapshot FROM article_revisions r \
             LEFT JOIN users u ON u.id = r.user_id WHERE r.article_id = $1 ORDER BY r.id DESC"
        )
        .bind(article_id)
        .fetch_all(pool)
        .await
        })?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, article_id, user_id, user_name, created_at, json)| {
                let snapshot = serde_json::from_str(&json).ok()?;
                Some(Revision {
                    id,
                    article_id,
                    user_id,
                    user_name,
                    created_at,
                    snapshot,
                })
            })
            .collect())
    }

    // ----- audit -----

    /// One page of the audit trail, newest first, and the total.
    pub async fn audit_entries(&self, limit: i64, offset: i64) -> Result<(Vec<AuditEntry>, i64)> {
        let rows: Vec<AuditEntry> = with_pool!(self, |pool| {
            sqlx::query_as(
            "SELECT id, user_id, user_name, action, object_kind, object_id, detail, at FROM audit_log \
             ORDER BY id DESC LIMIT $1 OFFSET $2"
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await
        })?;
        let (total,): (i64,) = with_pool!(self, |pool| sqlx::query_as(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log"
        )
        .fetch_one(pool)
        .await)?;
        Ok((rows, total))
    }
}

impl Db {
    /// The media record an article's featured image comes from, if any.
    pub async fn article_media_id(&self, article_id: i64) -> Result<Option<i64>> {
        let row: Option<(Option<i64>,)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT image_media_id FROM articles WHERE id = $1"
        )
        .bind(article_id)
        .fetch_optional(pool)
        .await)?;
        Ok(row.and_then(|(m,)| m))
    }
}

/// Keeps a revision of an article as just saved; returns its id.
pub async fn insert_revision(
    tx: &mut crate::Tx,
    article_id: i64,
    user_id: Option<i64>,
    snapshot: &ArticleInput,
) -> Result<i64> {
    let json = serde_json::to_string(snapshot).map_err(|_| StoreError::Invalid("revision"))?;
    let sql = format!("{INSERT_REVISIONS} ($1, $2, $3, $4) RETURNING id");
    let (id,): (i64,) = with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(article_id)
        .bind(user_id)
        .bind(Utc::now())
        .bind(&json)
        .fetch_one(&mut *conn)
        .await)?;
    Ok(id)
}

const INSERT_REVISIONS: &str =
    "INSERT INTO article_revisions (article_id, user_id, created_at, snapshot) VALUES";

/// [`insert_revision`] for many revisions written by no account (an import's):
/// `(article id, snapshot as JSON)`.
pub async fn insert_unsigned_revisions(tx: &mut crate::Tx, rows: &[(i64, String)]) -> Result<()> {
    let user: Option<i64> = None;
    for chunk in rows.chunks(crate::batch::ROWS_PER_STATEMENT) {
        let sql = format!(
            "{INSERT_REVISIONS} {}",
            crate::batch::placeholders(chunk.len(), 4)
        );
        with_tx!(tx, |conn| {
            let mut query = sqlx::query(&sql);
            for (id, snapshot) in chunk {
                query = query.bind(id).bind(user).bind(Utc::now()).bind(snapshot);
            }
            query.execute(&mut *conn).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// The newest revision of article `id`, read inside `tx` (a save compares it with the
/// revision its writer started from).
pub async fn latest_revision_id(tx: &mut crate::Tx, article_id: i64) -> Result<Option<i64>> {
    let (id,): (Option<i64>,) = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT MAX(id) FROM article_revisions WHERE article_id = $1"
    )
    .bind(article_id)
    .fetch_one(&mut *conn)
    .await)?;
    Ok(id)
}

/// The snapshot of revision `revision_id` of article `article_id`, read inside `tx`.
pub async fn revision_snapshot(
    tx: &mut crate::Tx,
    article_id: i64,
    revision_id: i64,
) -> Result<Option<ArticleInput>> {
    let row: Option<(String,)> = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT snapshot FROM article_revisions WHERE id = $1 AND article_id = $2"
    )
    .bind(revision_id)
    .bind(article_id)
    .fetch_optional(&mut *conn)
    .await)?;
    Ok(row.and_then(|(json,)| serde_json::from_str(&json).ok()))
}

/// One entry for the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord<'a> {
    /// Who acted: an account id and its name, or `None` for the system (the scheduler, an
    /// import).
    pub actor: Option<(i64, &'a str)>,
    /// `created`, `published`, `unpublished`, `deleted`, ...
    pub action: &'a str,
    /// `article`, `user`, `settings`, ...
    pub object_kind: &'a str,
    /// The object's id.
    pub object_id: Option<i64>,
    /// A human-readable detail (a title, an email).
    pub detail: &'a str,
}

/// Appends to the audit trail inside `tx`.
pub async fn insert_audit(tx: &mut crate::Tx, entry: &AuditRecord<'_>) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "INSERT INTO audit_log (user_id, user_name, action, object_kind, object_id, detail, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    )
    .bind(entry.actor.map(|u| u.0))
    .bind(entry.actor.map(|u| u.1).unwrap_or(""))
    .bind(entry.action)
    .bind(entry.object_kind)
    .bind(entry.object_id)
    .bind(entry.detail)
    .bind(Utc::now().trunc_subsecs(0))
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}
