//! Reader comments: storage for the public thread, the moderation queue, CAPTCHA replay
//! protection and the privacy sweeps. Public reads never select `email` or `ip`.
//!
//! SQL only: the rules (the moderation pipeline, who may moderate, what a valid comment
//! is) live in `sahifa-newsroom`, which runs the writes below inside one [`Tx`].

use chrono::{DateTime, SubsecRound, Utc};

use crate::error::Unique;
use crate::{CommentStatus, Db, Result, StoreError, Tx};

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
    /// Moderation state.
    pub status: CommentStatus,
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
    #[sqlx(try_from = "String")]
    pub status: CommentStatus,
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

impl Db {
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

    /// Counts per moderation state, in [`CommentStatus::ALL`] order.
    pub async fn comment_status_counts(&self) -> Result<Vec<(CommentStatus, i64)>> {
        let rows: Vec<(String, i64)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT status, COUNT(*) FROM comments GROUP BY status"
        )
        .fetch_all(pool)
        .await)?;
        Ok(CommentStatus::ALL
            .iter()
            .map(|s| {
                let n = rows
                    .iter()
                    .find(|(k, _)| k == s.as_str())
                    .map_or(0, |(_, n)| *n);
                (*s, n)
            })
            .collect())
    }

    /// A page of the moderation queue for one state, newest first; with the total.
    pub async fn admin_comments(
        &self,
        status: CommentStatus,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<AdminComment>, i64)> {
        let sql = format!(
            "{ADMIN_SELECT} WHERE c.status = $1 ORDER BY c.created_at DESC, c.id DESC LIMIT $2 OFFSET $3"
        );
        let rows: Vec<AdminComment> = with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(status.as_str())
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await)?;
        let (total,): (i64,) = with_pool!(self, |pool| sqlx::query_as(
            "SELECT COUNT(*) FROM comments WHERE status = $1"
        )
        .bind(status.as_str())
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

/// What a moderation use case needs to know of a comment before changing it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CommentState {
    /// Id.
    pub id: i64,
    /// The article it is on.
    pub article_id: i64,
    /// Moderation state.
    #[sqlx(try_from = "String")]
    pub status: CommentStatus,
    /// Email.
    pub email: String,
    /// Client address (until erased).
    pub ip: Option<String>,
}

/// The state of comment `id` inside `tx`, locked until the transaction ends (PostgreSQL:
/// `FOR UPDATE`; SQLite: the transaction holds the write lock).
pub async fn state_for_update(tx: &mut Tx, id: i64) -> Result<Option<CommentState>> {
    const COLUMNS: &str = "SELECT id, article_id, status, email, ip FROM comments WHERE id = $1";
    let sql = match tx.backend() {
        crate::Backend::Postgres => format!("{COLUMNS} FOR UPDATE"),
        crate::Backend::Sqlite => COLUMNS.to_string(),
    };
    Ok(with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await)?)
}

/// Whether comment `id` is approved and on article `article_id` (a valid reply target).
pub async fn is_approved_on(tx: &mut Tx, id: i64, article_id: i64) -> Result<bool> {
    let row: Option<(i64,)> = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT id FROM comments WHERE id = $1 AND article_id = $2 AND status = 'approved'"
    )
    .bind(id)
    .bind(article_id)
    .fetch_optional(&mut *conn)
    .await)?;
    Ok(row.is_some())
}

/// Whether an editor closed this article's comments.
pub async fn is_closed(tx: &mut Tx, article_id: i64) -> Result<bool> {
    let row: Option<(i64,)> = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT article_id FROM comment_closed_articles WHERE article_id = $1"
    )
    .bind(article_id)
    .fetch_optional(&mut *conn)
    .await)?;
    Ok(row.is_some())
}

/// The newest comment time from this IP or this email.
pub async fn last_from(tx: &mut Tx, ip: &str, email: &str) -> Result<Option<DateTime<Utc>>> {
    let row: Option<(DateTime<Utc>,)> = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT created_at FROM comments WHERE ip = $1 OR email = $2 \
         ORDER BY created_at DESC LIMIT 1"
    )
    .bind(ip)
    .bind(email)
    .fetch_optional(&mut *conn)
    .await)?;
    Ok(row.map(|(t,)| t))
}

/// How many comments this IP wrote since `since`.
pub async fn count_from_ip_since(tx: &mut Tx, ip: &str, since: DateTime<Utc>) -> Result<i64> {
    let (n,): (i64,) = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT COUNT(*) FROM comments WHERE ip = $1 AND created_at >= $2"
    )
    .bind(ip)
    .bind(since)
    .fetch_one(&mut *conn)
    .await)?;
    Ok(n)
}

/// Whether the same author (by email or name) already left exactly this text on this
/// article, in any state but trash.
pub async fn has_same_text(
    tx: &mut Tx,
    article_id: i64,
    email: &str,
    author_name: &str,
    body: &str,
) -> Result<bool> {
    let row: Option<(i64,)> = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT id FROM comments WHERE article_id = $1 AND body = $2 AND status <> 'trash' \
         AND (email = $3 OR author_name = $4) LIMIT 1"
    )
    .bind(article_id)
    .bind(body)
    .bind(email)
    .bind(author_name)
    .fetch_optional(&mut *conn)
    .await)?;
    Ok(row.is_some())
}

/// Whether this email has an approved comment.
pub async fn has_approved_from(tx: &mut Tx, email: &str) -> Result<bool> {
    let row: Option<(i64,)> = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT id FROM comments WHERE email = $1 AND status = 'approved' LIMIT 1"
    )
    .bind(email)
    .fetch_optional(&mut *conn)
    .await)?;
    Ok(row.is_some())
}

/// Stores a comment; returns its id.
pub async fn insert(tx: &mut Tx, c: &NewComment) -> Result<i64> {
    insert_at(tx, c, now()).await
}

/// Inserts a comment written at `created_at` (an imported one keeps its own time).
pub async fn insert_at(tx: &mut Tx, c: &NewComment, created_at: DateTime<Utc>) -> Result<i64> {
    insert_many_at(tx, &[(c, created_at)])
        .await?
        .into_iter()
        .next()
        .ok_or(StoreError::NotFound("comment"))
}

/// Inserts comments as they were written elsewhere, each with its own creation time (an
/// imported archive's), in batches; returns their ids in the order given. None of them
/// may answer another of `rows`: a reply's parent is inserted before it, in an earlier
/// call.
pub async fn insert_many_at(
    tx: &mut Tx,
    rows: &[(&NewComment, DateTime<Utc>)],
) -> Result<Vec<i64>> {
    const WIDTH: usize = 13;
    let mut ids = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(crate::batch::ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO comments (article_id, parent_id, author_name, email, url, body, status, \
             user_id, is_staff, ip, user_agent, reason, created_at) VALUES {} RETURNING id",
            crate::batch::placeholders(chunk.len(), WIDTH)
        );
        let mut returned: Vec<(i64,)> = with_tx!(tx, |conn| {
            let mut query = sqlx::query_as(&sql);
            for (c, created_at) in chunk {
                query = query
                    .bind(c.article_id)
                    .bind(c.parent_id)
                    .bind(&c.author_name)
                    .bind(&c.email)
                    .bind(&c.url)
                    .bind(&c.body)
                    .bind(c.status.as_str())
                    .bind(c.user_id)
                    .bind(i64::from(c.is_staff))
                    .bind(&c.ip)
                    .bind(&c.user_agent)
                    .bind(&c.reason)
                    .bind(*created_at);
            }
            query.fetch_all(&mut *conn).await
        })
        .map_err(|e| StoreError::on_unique(e, Unique::Row))?;
        if returned.len() != chunk.len() {
            return Err(StoreError::Database(sqlx::Error::Protocol(format!(
                "{} comments inserted, {} ids returned",
                chunk.len(),
                returned.len()
            ))));
        }
        // Neither engine promises RETURNING's order, but both number the rows of one
        // VALUES list in its order (SQLite from the table's largest id up, PostgreSQL from
        // its sequence, which only grows): ascending ids are the rows as given.
        returned.sort_unstable();
        ids.extend(returned.into_iter().map(|(id,)| id));
    }
    Ok(ids)
}

/// Moves comments to `status`; returns how many exist.
pub async fn set_status(tx: &mut Tx, ids: &[i64], status: CommentStatus) -> Result<u64> {
    let mut changed = 0;
    for id in ids {
        changed += with_tx!(tx, |conn| sqlx::query(
            "UPDATE comments SET status = $2 WHERE id = $1"
        )
        .bind(id)
        .bind(status.as_str())
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
    }
    Ok(changed)
}

/// Deletes comments for good (their replies go with them); returns how many.
pub async fn delete(tx: &mut Tx, ids: &[i64]) -> Result<u64> {
    let mut deleted = 0;
    for id in ids {
        deleted += with_tx!(tx, |conn| sqlx::query("DELETE FROM comments WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected()))?;
    }
    Ok(deleted)
}

/// The articles the comments `ids` are on (each once), for retiring their pages.
pub async fn articles_of(tx: &mut Tx, ids: &[i64]) -> Result<Vec<i64>> {
    let mut articles = Vec::new();
    for id in ids {
        let article: Option<(i64,)> = with_tx!(tx, |conn| sqlx::query_as(
            "SELECT article_id FROM comments WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(&mut *conn)
        .await)?;
        if let Some((article,)) = article
            && !articles.contains(&article)
        {
            articles.push(article);
        }
    }
    Ok(articles)
}

/// Replaces a comment's author fields and text; false when there is no such comment.
pub async fn update(
    tx: &mut Tx,
    id: i64,
    author_name: &str,
    email: &str,
    url: &str,
    body: &str,
) -> Result<bool> {
    let n = with_tx!(tx, |conn| sqlx::query(
        "UPDATE comments SET author_name = $2, email = $3, url = $4, body = $5 WHERE id = $1"
    )
    .bind(id)
    .bind(author_name)
    .bind(email)
    .bind(url)
    .bind(body)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// Deletes every comment written with this email; returns how many.
pub async fn erase_by_email(tx: &mut Tx, email: &str) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM comments WHERE email = $1"
    )
    .bind(email)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?)
}

/// Records a CAPTCHA token as used. False when it already was (a replay), here or in
/// another process: the primary key decides.
pub async fn use_token(tx: &mut Tx, token_id: &str, expires_at: DateTime<Utc>) -> Result<bool> {
    let n = with_tx!(tx, |conn| sqlx::query(
        "INSERT INTO comment_used_tokens (token_id, expires_at) VALUES ($1, $2) \
         ON CONFLICT (token_id) DO NOTHING"
    )
    .bind(token_id)
    .bind(expires_at)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Forgets used tokens past their expiry (a replay of one is refused as expired anyway).
pub async fn forget_tokens_before(tx: &mut Tx, now: DateTime<Utc>) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM comment_used_tokens WHERE expires_at < $1"
    )
    .bind(now)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?)
}

/// Erases the IPs of comments written before `before`; returns how many.
pub async fn erase_ips_before(tx: &mut Tx, before: DateTime<Utc>) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE comments SET ip = NULL WHERE ip IS NOT NULL AND created_at < $1"
    )
    .bind(before)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?)
}

/// Marks an article's comments closed by hand, or removes the mark.
pub async fn set_closed(tx: &mut Tx, article_id: i64, closed: bool) -> Result<()> {
    if closed {
        with_tx!(tx, |conn| sqlx::query(
            "INSERT INTO comment_closed_articles (article_id) VALUES ($1) \
             ON CONFLICT (article_id) DO NOTHING"
        )
        .bind(article_id)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))
        .map_err(|e| StoreError::on_unique(e, Unique::Row))?;
    } else {
        with_tx!(tx, |conn| sqlx::query(
            "DELETE FROM comment_closed_articles WHERE article_id = $1"
        )
        .bind(article_id)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Writes settings rows (the `comments.*` keys), each replacing its previous value.
pub async fn store_settings(tx: &mut Tx, pairs: &[(&str, String)]) -> Result<()> {
    with_tx!(tx, |conn| {
        for (key, value) in pairs {
            sqlx::query(
                "INSERT INTO site_settings (key, value) VALUES ($1, $2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )
            .bind(key)
            .bind(value)
            .execute(&mut *conn)
            .await?;
        }
        Ok::<(), StoreError>(())
    })
}
