//! What the desk editor keeps while a writer works (migration 0017): autosaved copies of
//! the editor form, and who has an article open.
//!
//! A lock is a claim renewed by the editor's heartbeat: the holder is whoever renewed it
//! last within the lock's time to live, so a closed tab or a crashed browser frees the
//! article by itself. Claims are single statements, so two people opening an article at
//! once cannot both hold it.

use chrono::{DateTime, Duration, SubsecRound, Utc};

use crate::{ArticleStatus, Db, Result};

/// A writer's autosaved copy of the editor form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Autosave {
    /// The form's fields, as the editor sent them (JSON object of strings).
    pub fields: String,
    /// When it was saved.
    pub saved_at: DateTime<Utc>,
}

/// Who holds an article's lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockHolder {
    /// The holder's account.
    pub user_id: i64,
    /// Their display name.
    pub name: String,
    /// When they last renewed it.
    pub heartbeat_at: DateTime<Utc>,
}

/// The key of a writer's new, not yet saved article.
pub const NEW_ARTICLE: i64 = 0;

impl Db {
    /// The owner and status of article `id`, for a permission check without a transaction.
    pub async fn article_owner_status(
        &self,
        id: i64,
    ) -> Result<Option<(Option<i64>, ArticleStatus)>> {
        let row: Option<(Option<i64>, String)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT owner_id, status FROM articles WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(pool)
        .await)?;
        Ok(row.map(|(owner, status)| (owner, ArticleStatus::parse(&status))))
    }

    /// Replaces `user_id`'s autosave of article `article_id` ([`NEW_ARTICLE`] for a new one).
    pub async fn put_autosave(
        &self,
        user_id: i64,
        article_id: i64,
        fields: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let now = now.trunc_subsecs(6);
        with_pool!(self, |pool| sqlx::query(
            "INSERT INTO article_autosaves (user_id, article_id, fields, saved_at) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (user_id, article_id) DO UPDATE SET fields = $3, saved_at = $4"
        )
        .bind(user_id)
        .bind(article_id)
        .bind(fields)
        .bind(now)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// `user_id`'s autosave of article `article_id`, if any.
    pub async fn autosave(&self, user_id: i64, article_id: i64) -> Result<Option<Autosave>> {
        let row: Option<(String, DateTime<Utc>)> = with_pool!(self, |pool| {
            sqlx::query_as(
            "SELECT fields, saved_at FROM article_autosaves WHERE user_id = $1 AND article_id = $2"
        )
        .bind(user_id)
        .bind(article_id)
        .fetch_optional(pool)
        .await
        })?;
        Ok(row.map(|(fields, saved_at)| Autosave { fields, saved_at }))
    }

    /// Forgets `user_id`'s autosave of article `article_id` (saved, or discarded).
    pub async fn delete_autosave(&self, user_id: i64, article_id: i64) -> Result<()> {
        with_pool!(self, |pool| sqlx::query(
            "DELETE FROM article_autosaves WHERE user_id = $1 AND article_id = $2"
        )
        .bind(user_id)
        .bind(article_id)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Claims or renews article `article_id`'s lock for `user_id`, unless someone else
    /// renewed it within `ttl`; with `take_over`, takes it from them (remembering whom).
    /// Returns the holder after the attempt.
    pub async fn claim_lock(
        &self,
        article_id: i64,
        user_id: i64,
        take_over: bool,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<Option<LockHolder>> {
        let now = now.trunc_subsecs(6);
        let stale = now - ttl;
        // One statement: a free, stale or own lock becomes the caller's; a live lock of
        // someone else stays theirs unless taken over.
        with_pool!(self, |pool| sqlx::query(
            "INSERT INTO article_locks (article_id, user_id, taken_from, heartbeat_at) \
             VALUES ($1, $2, NULL, $3) \
             ON CONFLICT (article_id) DO UPDATE SET \
               taken_from = CASE WHEN article_locks.user_id = $2 THEN article_locks.taken_from \
                                 ELSE article_locks.user_id END, \
               user_id = $2, heartbeat_at = $3 \
             WHERE article_locks.user_id = $2 OR article_locks.heartbeat_at < $4 OR $5"
        )
        .bind(article_id)
        .bind(user_id)
        .bind(now)
        .bind(stale)
        .bind(take_over)
        .execute(pool)
        .await
        .map(|_| ()))?;
        self.lock_holder(article_id, now, ttl).await
    }

    /// Who holds article `article_id` open within `ttl` of `now`.
    pub async fn lock_holder(
        &self,
        article_id: i64,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<Option<LockHolder>> {
        let row: Option<(i64, String, DateTime<Utc>)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT l.user_id, u.name, l.heartbeat_at FROM article_locks l \
             JOIN users u ON u.id = l.user_id \
             WHERE l.article_id = $1 AND l.heartbeat_at >= $2"
        )
        .bind(article_id)
        .bind((now - ttl).trunc_subsecs(6))
        .fetch_optional(pool)
        .await)?;
        Ok(row.map(|(user_id, name, heartbeat_at)| LockHolder {
            user_id,
            name,
            heartbeat_at,
        }))
    }

    /// Frees article `article_id` if `user_id` holds it (the editor was left).
    pub async fn release_lock(&self, article_id: i64, user_id: i64) -> Result<()> {
        with_pool!(self, |pool| sqlx::query(
            "DELETE FROM article_locks WHERE article_id = $1 AND user_id = $2"
        )
        .bind(article_id)
        .bind(user_id)
        .execute(pool)
        .await
        .map(|_| ()))?;
        Ok(())
    }
}
