//! Never losing work in the editor: autosaved copies and the edit lock (issue 10, item 4).
//!
//! An autosave is the writer's own copy of the editor form, replaced every few seconds of
//! typing; it is not a revision and nobody else sees it. It is offered back when the writer
//! opens the article again (after a crash or a closed tab) and forgotten once they save or
//! discard it. The lock says who has an article open, like WordPress's: a second person
//! sees who holds it and may take it over, and the first is told on their next heartbeat.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use sahifa_store::User;
use sahifa_store::editing::{Autosave, LockHolder, NEW_ARTICLE};

use crate::permissions::{Capability, can, can_edit_article};
use crate::{Newsroom, NewsroomError, Result};

/// How long a lock outlives its last heartbeat (the editor beats every 30 seconds): a
/// closed tab frees the article after this.
pub const LOCK_TTL: Duration = Duration::seconds(150);

/// The most an autosave may hold, in bytes of JSON: a body at its limit, with the rest.
const MAX_AUTOSAVE_BYTES: usize = sahifa_text::body::MAX_BODY_BYTES + (64 << 10);

/// The lock after opening or renewing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditLock {
    /// The caller holds it.
    Mine,
    /// Someone else does.
    HeldBy(LockHolder),
}

impl Newsroom {
    /// Stores `user`'s autosave of article `article_id` (`None`: their new article);
    /// returns its time.
    pub async fn autosave(
        &self,
        user: &User,
        article_id: Option<i64>,
        fields: &BTreeMap<String, String>,
    ) -> Result<DateTime<Utc>> {
        let key = self.editable_key(user, article_id).await?;
        let json = serde_json::to_string(fields)
            .map_err(|e| NewsroomError::Internal(format!("autosave: {e}")))?;
        if json.len() > MAX_AUTOSAVE_BYTES {
            return Err(NewsroomError::invalid("body", "admin-error-body-too-long"));
        }
        let now = Utc::now();
        self.db().put_autosave(user.id, key, &json, now).await?;
        Ok(now)
    }

    /// `user`'s autosave of article `article_id` (`None`: their new article), with its
    /// fields.
    pub async fn autosaved(
        &self,
        user: &User,
        article_id: Option<i64>,
    ) -> Result<Option<(BTreeMap<String, String>, DateTime<Utc>)>> {
        let key = article_id.unwrap_or(NEW_ARTICLE);
        let Some(Autosave { fields, saved_at }) = self.db().autosave(user.id, key).await? else {
            return Ok(None);
        };
        // A copy that no longer reads is dropped rather than offered.
        Ok(serde_json::from_str(&fields).ok().map(|f| (f, saved_at)))
    }

    /// Forgets `user`'s autosave of article `article_id` (`None`: their new article).
    pub async fn discard_autosave(&self, user: &User, article_id: Option<i64>) -> Result<()> {
        Ok(self
            .db()
            .delete_autosave(user.id, article_id.unwrap_or(NEW_ARTICLE))
            .await?)
    }

    /// Opens article `article_id` for `user`, or renews their hold (the heartbeat): the lock
    /// is theirs when free, stale or already theirs, or when they take it over.
    pub async fn hold_for_editing(
        &self,
        user: &User,
        article_id: i64,
        take_over: bool,
    ) -> Result<EditLock> {
        self.editable_key(user, Some(article_id)).await?;
        let holder = self
            .db()
            .claim_lock(article_id, user.id, take_over, Utc::now(), LOCK_TTL)
            .await?;
        Ok(match holder {
            Some(holder) if holder.user_id != user.id => EditLock::HeldBy(holder),
            _ => EditLock::Mine,
        })
    }

    /// Frees article `article_id` if `user` holds it.
    pub async fn release_editing(&self, user: &User, article_id: i64) -> Result<()> {
        Ok(self.db().release_lock(article_id, user.id).await?)
    }

    /// The autosave key of an article `user` may edit (refused otherwise).
    async fn editable_key(&self, user: &User, article_id: Option<i64>) -> Result<i64> {
        let Some(id) = article_id else {
            return if can(user, Capability::WriteArticles) {
                Ok(NEW_ARTICLE)
            } else {
                Err(NewsroomError::Forbidden)
            };
        };
        let (owner, status) = self
            .db()
            .article_owner_status(id)
            .await?
            .ok_or(NewsroomError::NotFound)?;
        if can_edit_article(user, owner, status) {
            Ok(id)
        } else {
            Err(NewsroomError::Forbidden)
        }
    }
}
