//! Reader comments: storage for the public thread, the moderation queue, CAPTCHA replay
//! protection and the privacy sweeps. Public reads never select `email` or `ip`.

use crate::error::Unique;
use chrono::{DateTime, SubsecRound, Utc};

use crate::{Db, Result, StoreError};

/// The moderation states a comment can be in.
pub const COMMENT_STATUSES: [&str; 4] = ["pending", "approved", "spam", "trash"];

/// A comment about to be stored.
#[derive(Debug, Clone, Default)]
pub struct NewComment {
    /// The article commented on.
    pub article_id: i64,
    /// The comment replied to, if any.
    pub parent_id: Option<i64>,
    /// Display name.
    pub author_name: String,
    /// Private: used for moderation, first-time checks and privacy requests.
    pub email: String,
    /// Optional website.
    pub url: String,
    /// Plain text as typed.
    pub body: String,
    /// One of [`COMMENT_STATUSES`].
    pub status: String,
    /// The staff account that wrote it, when signed in.
    pub user_id: Option<i64>,
    /// Shown with a "staff" mark.
    pub is_staff: bool,
    /// Private: the client address, erased after the retention period.
    pub ip: Option<String>,
    /// Private: the browser's user agent (matched against word lists).
    pub user_agent: String,
    /// Why the pipeline chose the status (shown to moderators).
    pub reason: String,
}

/// What the public thread shows of a comment: no email, no IP.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PublicComment {
    /// Id.
    pub id: i64,
    /// Replied-to comment.
    pub parent_id: Option<i64>,
    /// Display name.
    pub author_name: String,
    /// Website.
    pub url: String,
    /// Plain text.
    pub body: String,
    /// 1 for staff replies.
    pub is_staff: i64,
    /// When written.
    pub created_at: DateTime<Utc>,
}

/// A comment as moderators see it.
#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct AdminComment {
    /// Id.
    pub id: i64,
    /// Article id.
    pub article_id: i64,
    /// Article title.
    pub article_title: String,
    /// Article slug.
    pub article_slug: String,
    /// Replied-to comment.
    pub parent_id: Option<i64>,
    /// Display name.
    pub author_name: String,
    /// Email.
    pub email: String,
    /// Website.
    pub url: String,
    /// Plain text.
    pub body: String,
    /// Moderation state.
    pub status: String,
    /// 1 for staff replies.
    pub is_staff: i64,
    /// Client address (until erased).
    pub ip: Option<String>,
    /// User agent.
    pub user_agent: String,
    /// Why the pipeline held or refused it.
    pub reason: String,
    /// When written.
    pub created_at: DateTime<Utc>,
}

const ADMIN_SELECT: &str = "SELECT c.id, c.article_id, a.title AS article_title, a.slug AS article_slug, \
     c.parent_id, c.author_name, c.email, c.url, c.body, c.status, c.is_staff, c.ip, c.user_agent, \
     c.reason, c.created_at FROM comments c JOIN articles a ON a.id = c.article_id";

fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}

fn check_status(status: &str) -> Result<()> {
    if COMMENT_STATUSES.contains(&status) {
        Ok(())
    } else {
        Err(StoreError::Invalid("comment status"))
    }
}

impl Db {
    /// Stores a comment; returns its id. A reply must belong to the same article.
    pub async fn insert_comment(&self, c: &NewComment) -> Result<i64> {
        check_status(&c.status)?;
        if let Some(parent) = c.parent_id {
            let row: Option<(i64,)> = with_pool!(self, |pool| sqlx::query_as(
                "SELECT article_id FROM comments WHERE id = $1"
            )
            .bind(parent)
            .fetch_optional(pool)
            .await)?;
            if row.map(|(a,)| a) != Some(c.article_id) {
                return Err(StoreError::Invalid("reply target"));
            }
        }
        let (id,): (i64,) = with_pool!(self, |pool| {
            sqlx::query_as(
            "INSERT INTO comments (article_id, parent_id, author_name, email, url, body, status, \
             user_id, is_staff, ip, user_agent, reason, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id"
        )
        .bind(c.article_id)
        .bind(c.parent_id)
        .bind(&c.author_name)
        .bind(&c.email)
        .bind(&c.url)
        .bind(&c.body)
        .bind(&c.status)
        .bind(c.user_id)
        .bind(i64::from(c.is_staff))
        .bind(&c.ip)
        .bind(&c.user_agent)
        .bind(&c.reason)
        .bind(now())
        .fetch_one(pool)
        .await
        })?;
        self.touch().await?;
        Ok(id)
    }

    /// The approved comments of an article, oldest first.
    pub async fn approved_comments(&self, article_id: i64) -> Result<Vec<PublicComment>> {
        Ok(with_pool!(self, |pool| sqlx::query_as(
            "SELECT id, parent_id, author_name, url, body, is_staff, created_at FROM comments \
             WHERE article_id = $1 AND status = 'approved' ORDER BY created_at, id"
        )
        .bind(article_id)
        .fetch_all(pool)
        .await)?)
    }

    /// Whether a comment with this id is approved on this article (a valid reply target).
    pub async fn approved_comment_on(&self, id: i64, article_id: i64) -> Result<bool> {
        let row: Option<(i64,)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT id FROM comments WHERE id = $1 AND article_id = $2 AND status = 'approved'"
        )
        .bind(id)
        .bind(article_id)
        .fetch_optional(pool)
        .await)?;
        Ok(row.is_some())
    }

    /// The newest comment time from this IP or this email, for flood protection.
    pub async fn last_comment_from(&self, ip: &str, email: &str) -> Result<Option<DateTime<Utc>>> {
        let row: Option<(DateTime<Utc>,)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT created_at FROM comments WHERE ip = $1 OR email = $2 \
             ORDER BY created_at DESC LIMIT 1"
        )
        .bind(ip)
        .bind(email)
        .fetch_optional(pool)
        .await)?;
        Ok(row.map(|(t,)| t))
    }

    /// How many comments this IP wrote since `since` (the per-IP rate limit).
    pub async fn comments_from_ip_since(&self, ip: &str, since: DateTime<Utc>) -> Result<i64> {
        let (n,): (i64,) = with_pool!(self, |pool| sqlx::query_as(
            "SELECT COUNT(*) FROM comments WHERE ip = $1 AND created_at >= $2"
        )
        .bind(ip)
        .bind(since)
        .fetch_one(pool)
        .await)?;
        Ok(n)
    }

    /// True when the same author already left exactly this text on this article (any state
    /// but trash), as WordPress's duplicate check does.
    pub async fn is_duplicate_comment(
        &self,
        article_id: i64,
        email: &str,
        author_name: &str,
        body: &str,
    ) -> Result<bool> {
        let row: Option<(i64,)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT id FROM comments WHERE article_id = $1 AND body = $2 AND status <> 'trash' \
             AND (email = $3 OR author_name = $4) LIMIT 1"
        )
        .bind(article_id)
        .bind(body)
        .bind(email)
        .bind(author_name)
        .fetch_optional(pool)
        .await)?;
        Ok(row.is_some())
    }

    /// Whether this email has an approved comment (a known author skips first-time holds).
    pub async fn has_approved_comment(&self, email: &str) -> Result<bool> {
        let row: Option<(i64,)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT id FROM comments WHERE email = $1 AND status = 'approved' LIMIT 1"
        )
        .bind(email)
        .fetch_optional(pool)
        .await)?;
        Ok(row.is_some())
    }

    /// Counts per moderation state, in [`COMMENT_STATUSES`] order.
    pub async fn comment_status_counts(&self) -> Result<Vec<(String, i64)>> {
        let rows: Vec<(String, i64)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT status, COUNT(*) FROM comments GROUP BY status"
        )
        .fetch_all(pool)
        .await)?;
        Ok(COMMENT_STATUSES
            .iter()
            .map(|s| {
                let n = rows.iter().find(|(k, _)| k == s).map_or(0, |(_, n)| *n);
                (s.to_string(), n)
            })
            .collect())
    }

    /// A page of the moderation queue for one state, newest first; with the total.
    pub async fn admin_comments(
        &self,
        status: &str,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<AdminComment>, i64)> {
        check_status(status)?;
        let sql = format!(
            "{ADMIN_SELECT} WHERE c.status = $1 ORDER BY c.created_at DESC, c.id DESC LIMIT $2 OFFSET $3"
        );
        let rows: Vec<AdminComment> = with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(status)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await)?;
        let (total,): (i64,) = with_pool!(self, |pool| sqlx::query_as(
            "SELECT COUNT(*) FROM comments WHERE status = $1"
        )
        .bind(status)
        .fetch_one(pool)
        .await)?;
        Ok((rows, total))
    }

    /// One comment for moderation.
    pub async fn admin_comment(&self, id: i64) -> Result<Option<AdminComment>> {
        let sql = format!("{ADMIN_SELECT} WHERE c.id = $1");
        Ok(with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await)?)
    }

    /// Every comment written with this email (privacy export).
    pub async fn comments_by_email(&self, email: &str) -> Result<Vec<AdminComment>> {
        let sql = format!("{ADMIN_SELECT} WHERE c.email = $1 ORDER BY c.created_at, c.id");
        Ok(with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(email)
            .fetch_all(pool)
            .await)?)
    }

    /// Moves comments to `status`; returns how many changed.
    pub async fn set_comments_status(&self, ids: &[i64], status: &str) -> Result<u64> {
        check_status(status)?;
        let mut changed = 0;
        for id in ids {
            changed += with_pool!(self, |pool| sqlx::query(
                "UPDATE comments SET status = $2 WHERE id = $1"
            )
            .bind(id)
            .bind(status)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        }
        self.touch().await?;
        Ok(changed)
    }

    /// Deletes comments for good (their replies go with them).
    pub async fn delete_comments(&self, ids: &[i64]) -> Result<u64> {
        let mut deleted = 0;
        for id in ids {
            deleted += with_pool!(self, |pool| sqlx::query(
                "DELETE FROM comments WHERE id = $1"
            )
            .bind(id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        }
        self.touch().await?;
        Ok(deleted)
    }

    /// A moderator's edit of a comment's author fields and text.
    pub async fn update_comment(
        &self,
        id: i64,
        author_name: &str,
        email: &str,
        url: &str,
        body: &str,
    ) -> Result<bool> {
        let n = with_pool!(self, |pool| {
            sqlx::query(
            "UPDATE comments SET author_name = $2, email = $3, url = $4, body = $5 WHERE id = $1"
        )
        .bind(id)
        .bind(author_name)
        .bind(email)
        .bind(url)
        .bind(body)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
        })?;
        self.touch().await?;
        Ok(n > 0)
    }

    /// Erases every comment written with this email (privacy request); returns how many.
    pub async fn erase_comments_by_email(&self, email: &str) -> Result<u64> {
        let n = with_pool!(self, |pool| sqlx::query(
            "DELETE FROM comments WHERE email = $1"
        )
        .bind(email)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        self.touch().await?;
        Ok(n)
    }

    /// Marks a CAPTCHA token as used. False when it already was (a replay), here or in
    /// another process: the primary key decides.
    pub async fn use_comment_token(
        &self,
        token_id: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<bool> {
        let n = with_pool!(self, |pool| sqlx::query(
            "INSERT INTO comment_used_tokens (token_id, expires_at) VALUES ($1, $2) \
             ON CONFLICT (token_id) DO NOTHING"
        )
        .bind(token_id)
        .bind(expires_at)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// The privacy and housekeeping sweep: forgets used tokens past their expiry and erases
    /// IPs of comments older than `ip_before`. Returns the number of IPs erased.
    pub async fn sweep_comments(
        &self,
        now: DateTime<Utc>,
        ip_before: DateTime<Utc>,
    ) -> Result<u64> {
        with_pool!(self, |pool| sqlx::query(
            "DELETE FROM comment_used_tokens WHERE expires_at < $1"
        )
        .bind(now)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        let erased = with_pool!(self, |pool| sqlx::query(
            "UPDATE comments SET ip = NULL WHERE ip IS NOT NULL AND created_at < $1"
        )
        .bind(ip_before)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(erased)
    }

    /// Opens or closes an article's comments by hand.
    pub async fn set_comments_closed(&self, article_id: i64, closed: bool) -> Result<()> {
        if closed {
            with_pool!(self, |pool| sqlx::query(
                "INSERT INTO comment_closed_articles (article_id) VALUES ($1) \
                 ON CONFLICT (article_id) DO NOTHING"
            )
            .bind(article_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
            .map_err(|e| StoreError::on_unique(e, Unique::Row))?;
        } else {
            with_pool!(self, |pool| sqlx::query(
                "DELETE FROM comment_closed_articles WHERE article_id = $1"
            )
            .bind(article_id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        }
        self.touch().await
    }

    /// Whether an editor closed this article's comments.
    pub async fn comments_closed(&self, article_id: i64) -> Result<bool> {
        let row: Option<(i64,)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT article_id FROM comment_closed_articles WHERE article_id = $1"
        )
        .bind(article_id)
        .fetch_optional(pool)
        .await)?;
        Ok(row.is_some())
    }

    /// Every setting whose key starts with `prefix`.
    pub async fn settings_with_prefix(&self, prefix: &str) -> Result<Vec<(String, String)>> {
        let pattern = format!("{prefix}%");
        Ok(with_pool!(self, |pool| sqlx::query_as(
            "SELECT key, value FROM site_settings WHERE key LIKE $1"
        )
        .bind(&pattern)
        .fetch_all(pool)
        .await)?)
    }

    /// Reads a setting, storing `value` first when it was never set. Two processes racing
    /// here agree on whichever row landed first. Not a content change: no epoch bump.
    pub async fn setting_or_insert(&self, key: &str, value: &str) -> Result<String> {
        with_pool!(self, |pool| sqlx::query(
            "INSERT INTO site_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING"
        )
        .bind(key)
        .bind(value)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(self
            .setting(key)
            .await?
            .unwrap_or_else(|| value.to_string()))
    }

    /// Articles whose comments were closed by hand: (id, title, slug).
    pub async fn closed_comment_articles(&self) -> Result<Vec<(i64, String, String)>> {
        Ok(with_pool!(self, |pool| sqlx::query_as(
            "SELECT a.id, a.title, a.slug FROM comment_closed_articles x \
             JOIN articles a ON a.id = x.article_id ORDER BY a.title"
        )
        .fetch_all(pool)
        .await)?)
    }
}
