//! Telegram use cases: retry a delivery of the outbox, save the channel-posting settings.
//! Channel posting is the desk's business: the Telegram admin is open to editors and
//! administrators, and only administrators change its settings.

use sahifa_store::newsroom::{AuditRecord, insert_audit};
use sahifa_store::telegram::{delivery_for_update, requeue};
use sahifa_telegram::settings::{self, DEFAULT_TEMPLATE, SettingsUpdate};

use crate::taxonomy::audit;
use crate::{Actor, Capability, FieldError, Newsroom, NewsroomError, Result};

/// What the Telegram settings form holds, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TelegramSettingsDraft {
    /// Posting on or off.
    pub enabled: bool,
    /// A new bot token; empty keeps the stored one (the form never shows it).
    pub bot_token: String,
    /// Remove the stored token.
    pub clear_token: bool,
    /// `@name`, `name`, a `t.me` link or a numeric chat id; empty for none.
    pub channel: String,
    /// The message template; the default (or empty) stores none, so a later default applies.
    pub template: String,
    /// Categories whose articles are not posted.
    pub excluded_categories: Vec<i64>,
    /// Edit the channel message when a published article is edited.
    pub edit_updates: bool,
}

/// What a retry did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// The job is due again, with a fresh attempt count.
    Requeued,
    /// Nothing to retry: the job was sent, or is already waiting or being sent.
    NotNeeded,
}

impl Newsroom {
    /// Puts a failed or skipped delivery back in the queue. A sent job is never queued
    /// again (that would post twice), nor one that is already on its way.
    pub async fn retry_delivery(&self, actor: &Actor, id: i64) -> Result<Retry> {
        if !actor.can(Capability::PublishOthers) {
            return Err(NewsroomError::Forbidden);
        }
        let mut tx = self.db().begin().await?;
        let job = delivery_for_update(&mut tx, id)
            .await?
            .ok_or(NewsroomError::NotFound)?;
        if !job.status.retryable() || !requeue(&mut tx, id).await? {
            tx.rollback().await?;
            return Ok(Retry::NotNeeded);
        }
        let detail = format!("{} {}", job.kind, job.article_id);
        audit(&mut tx, actor, "retried", "telegram-delivery", id, &detail).await?;
        tx.commit().await?;
        Ok(Retry::Requeued)
    }

    /// Saves the Telegram settings; the token is checked for shape, the channel
    /// normalised. Returns the update as stored.
    pub async fn save_telegram_settings(
        &self,
        actor: &Actor,
        draft: &TelegramSettingsDraft,
    ) -> Result<SettingsUpdate> {
        if !actor.can(Capability::ManageSettings) {
            return Err(NewsroomError::Forbidden);
        }
        let update = check(draft)?;
        let mut tx = self.db().begin().await?;
        settings::write(&mut tx, &update).await?;
        // The token itself never reaches the audit trail.
        let token = if update.clear_token {
            "token removed"
        } else if update.bot_token.is_some() {
            "token changed"
        } else {
            "token kept"
        };
        let detail = format!(
            "telegram: {}, channel {}, {token}",
            if update.enabled { "on" } else { "off" },
            if update.channel.is_empty() {
                "-"
            } else {
                &update.channel
            },
        );
        insert_audit(
            &mut tx,
            &AuditRecord {
                actor: actor.audit_name(),
                action: "settings-changed",
                object_kind: "settings",
                object_id: None,
                detail: &detail,
            },
        )
        .await?;
        tx.commit().await?;
        Ok(update)
    }
}

fn check(draft: &TelegramSettingsDraft) -> Result<SettingsUpdate> {
    let mut errors = Vec::new();
    let token = draft.bot_token.trim();
    if !token.is_empty() && !settings::valid_token(token) {
        errors.push(FieldError {
            field: "bot_token",
            key: "admin-telegram-invalid-token",
        });
    }
    let channel = settings::normalise_channel(&draft.channel);
    if channel.is_none() {
        errors.push(FieldError {
            field: "channel",
            key: "admin-telegram-invalid-channel",
        });
    }
    let template = draft.template.trim();
    let mut excluded = draft.excluded_categories.clone();
    excluded.sort_unstable();
    excluded.dedup();
    match channel {
        Some(channel) if errors.is_empty() => Ok(SettingsUpdate {
            enabled: draft.enabled,
            bot_token: (!token.is_empty()).then(|| token.to_string()),
            clear_token: draft.clear_token,
            channel,
            template: if template == DEFAULT_TEMPLATE {
                String::new()
            } else {
                template.to_string()
            },
            excluded_categories: excluded,
            edit_updates: draft.edit_updates,
        }),
        _ => Err(NewsroomError::Invalid(errors)),
    }
}
