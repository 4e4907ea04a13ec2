//! The outbox worker: claims due delivery jobs, sends them, records the outcome.
//!
//! One worker runs in each `sahifa serve` process. On PostgreSQL several processes share
//! the queue safely (claims use `FOR UPDATE SKIP LOCKED` and a lease); on SQLite there is
//! one process, and the same claim keeps even two honest.
//!
//! Retries: network errors, 5xx and 429 are retried with exponential backoff (429 waits at
//! least Telegram's `retry_after`); any other 4xx fails the job at once with Telegram's
//! description, which the admin page shows next to a retry button.
//!
//! Duplicates: a job is marked `sent` right after Telegram's answer. The one way an article
//! can reach the channel twice is for the process to die (or the answer to be lost) after
//! Telegram accepted the message and before that write: the job's lease then expires and
//! another claim sends it again. The lease is longer than the request timeout, so a live
//! worker never loses a job it is still sending.

use std::time::Duration;

use chrono::Utc;
use sahifa_store::{ArticleStatus, Db, DeliveryKind, DeliveryStatus, TelegramDelivery};
use serde_json::Value;
use tokio::sync::watch;

use crate::client::{BotApi, SendError};
use crate::message;
use crate::settings::{Overrides, TelegramSettings};

/// The «read more» button label per site language (from the locale catalogue).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    /// Arabic.
    pub ar: String,
    /// English.
    pub en: String,
}

/// How the worker runs. Defaults suit production; tests shorten the delays.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// The site's public origin (short links and image URLs), no trailing slash.
    pub base_url: String,
    /// Operator overrides (normally [`Overrides::from_env`]).
    pub overrides: Overrides,
    /// Button labels.
    pub labels: Labels,
    /// How often to look for due jobs when the queue is empty.
    pub poll_interval: Duration,
    /// First retry delay; doubles with each failed attempt.
    pub retry_base: Duration,
    /// Longest retry delay.
    pub retry_max: Duration,
    /// Attempts before a job that keeps failing transiently is given up.
    pub max_attempts: i64,
    /// How long a claim holds; must exceed `request_timeout`.
    pub lease: Duration,
    /// Timeout of one Bot API request.
    pub request_timeout: Duration,
    /// A post is skipped when the article was published this long before it was saved
    /// (imports and backdated articles are not news for the channel).
    pub backdated_after: chrono::Duration,
    /// This worker's name in `claimed_by`.
    pub worker_id: String,
}

impl WorkerConfig {
    /// Production defaults for a site at `base_url`.
    pub fn new(base_url: &str, overrides: Overrides, labels: Labels) -> WorkerConfig {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        WorkerConfig {
            base_url: base_url.trim_end_matches('/').to_string(),
            overrides,
            labels,
            poll_interval: Duration::from_secs(2),
            retry_base: Duration::from_secs(5),
            retry_max: Duration::from_secs(3600),
            max_attempts: 12,
            lease: Duration::from_secs(120),
            request_timeout: Duration::from_secs(30),
            backdated_after: chrono::Duration::hours(24),
            worker_id: format!("pid{}-{nanos:x}", std::process::id()),
        }
    }

    /// The delay before attempt `attempts + 1`: `retry_base · 2^(attempts-1)`, capped, and
    /// never shorter than what Telegram asked for.
    pub fn backoff(&self, attempts: i64, retry_after: Option<Duration>) -> Duration {
        let exp = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
        let delay = self
            .retry_base
            .saturating_mul(2u32.saturating_pow(exp))
            .min(self.retry_max);
        // Telegram's `retry_after` is the wait it will enforce; sooner is wasted.
        retry_after.unwrap_or(delay)
    }
}

/// A running worker.
pub struct WorkerHandle {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl WorkerHandle {
    /// Asks the worker to stop after the job in hand and waits up to `grace` for it.
    pub async fn shutdown(self, grace: Duration) {
        let _ = self.stop.send(true);
        let mut task = self.task;
        if tokio::time::timeout(grace, &mut task).await.is_err() {
            task.abort();
        }
    }

    /// Stops at once, as a crash would (for tests of lease expiry).
    pub fn abort(self) {
        self.task.abort();
    }
}

/// Starts the worker on the current runtime.
pub fn spawn_worker(db: Db, config: WorkerConfig) -> WorkerHandle {
    let (stop, mut stopped) = watch::channel(false);
    let task = tokio::spawn(async move {
        tracing::info!(worker = %config.worker_id, "telegram worker started");
        loop {
            if *stopped.borrow() {
                break;
            }
            let worked = match db
                .claim_telegram_delivery(&config.worker_id, config.lease)
                .await
            {
                Ok(Some(job)) => {
                    run_job(&db, &config, job).await;
                    true
                }
                Ok(None) => false,
                Err(err) => {
                    tracing::warn!(error = %err, "telegram worker cannot claim jobs");
                    false
                }
            };
            if !worked {
                tokio::select! {
                    () = tokio::time::sleep(config.poll_interval) => {}
                    _ = stopped.changed() => {}
                }
            }
        }
        tracing::info!(worker = %config.worker_id, "telegram worker stopped");
    });
    WorkerHandle { stop, task }
}

/// What became of one attempt.
enum Outcome {
    Sent {
        chat: String,
        message_id: i64,
        photo: bool,
    },
    Skipped(String),
    Failed(SendError),
    /// Not ready yet (an edit waiting for its post); try again later without counting.
    Later(String),
}

async fn run_job(db: &Db, config: &WorkerConfig, job: TelegramDelivery) {
    let outcome = match attempt(db, config, &job).await {
        Ok(outcome) => outcome,
        Err(err) => Outcome::Failed(SendError::Transient {
            reason: format!("database error: {err}"),
            retry_after: None,
        }),
    };
    let recorded = match outcome {
        Outcome::Sent {
            chat,
            message_id,
            photo,
        } => {
            tracing::info!(job = job.id, article = job.article_id, kind = %job.kind, message_id, "telegram delivery sent");
            db.telegram_delivery_sent(job.id, &chat, message_id, photo)
                .await
        }
        Outcome::Skipped(reason) => {
            tracing::info!(job = job.id, article = job.article_id, %reason, "telegram delivery skipped");
            db.telegram_delivery_skipped(job.id, &reason).await
        }
        Outcome::Later(reason) => {
            let at = Utc::now() + chrono_delay(config.retry_base);
            db.telegram_delivery_retry_at(job.id, at, &reason).await
        }
        Outcome::Failed(SendError::Permanent { reason, .. }) => {
            tracing::warn!(job = job.id, article = job.article_id, %reason, "telegram delivery failed");
            db.telegram_delivery_failed(job.id, &reason).await
        }
        Outcome::Failed(SendError::Transient {
            reason,
            retry_after,
        }) => {
            if job.attempts >= config.max_attempts {
                let reason = format!("gave up after {} attempts: {reason}", job.attempts);
                tracing::warn!(job = job.id, article = job.article_id, %reason, "telegram delivery failed");
                db.telegram_delivery_failed(job.id, &reason).await
            } else {
                let delay = config.backoff(job.attempts, retry_after);
                tracing::info!(job = job.id, article = job.article_id, %reason, delay_ms = delay.as_millis() as u64, "telegram delivery will be retried");
                let at = Utc::now() + chrono_delay(delay);
                db.telegram_delivery_retry_at(job.id, at, &reason).await
            }
        }
    };
    if let Err(err) = recorded {
        // The lease runs out and the job is claimed again; for a sent job that is the
        // documented duplicate window.
        tracing::error!(job = job.id, error = %err, "cannot record a telegram delivery outcome");
    }
}

fn chrono_delay(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::hours(1))
}

async fn attempt(
    db: &Db,
    config: &WorkerConfig,
    job: &TelegramDelivery,
) -> sahifa_store::Result<Outcome> {
    let settings = TelegramSettings::load(db, &config.overrides).await?;
    if !settings.enabled {
        return Ok(Outcome::Skipped("channel posting is off".into()));
    }
    if job.kind == DeliveryKind::Edit && !settings.edit_updates {
        return Ok(Outcome::Skipped("channel edits are off".into()));
    }
    if settings.bot_token.is_empty() || settings.channel.is_empty() {
        return Ok(Outcome::Failed(SendError::Permanent {
            reason: "not configured: set the bot token and the channel, then retry".into(),
            code: 0,
        }));
    }
    let Some(article) = db.article_by_id(job.article_id).await? else {
        return Ok(Outcome::Skipped("the article was deleted".into()));
    };
    if article.summary.status != ArticleStatus::Published {
        return Ok(Outcome::Skipped("the article is not published".into()));
    }
    if let Some(category) = &article.summary.category
        && !settings.excluded_categories.is_empty()
    {
        // Opting a section out covers its subsections too (as its archive and feed do).
        let categories = db.categories().await?;
        let mut current = Some(category.id);
        for _ in 0..categories.len().min(64) {
            let Some(id) = current else { break };
            if settings.excluded_categories.contains(&id) {
                let name = categories
                    .iter()
                    .find(|c| c.id == id)
                    .map_or(category.name.as_str(), |c| c.name.as_str());
                return Ok(Outcome::Skipped(format!(
                    "category «{name}» is not posted to the channel"
                )));
            }
            current = categories
                .iter()
                .find(|c| c.id == id)
                .and_then(|c| c.parent_id);
        }
    }
    let site = db.site_settings().await?;
    let label = if site.locale == "en" {
        &config.labels.en
    } else {
        &config.labels.ar
    };
    let post = message::post(
        &settings.template,
        &article,
        &site.name,
        &config.base_url,
        label,
    );
    let api = match BotApi::new(&settings.api_base, config.request_timeout) {
        Ok(api) => api,
        Err(err) => return Ok(Outcome::Failed(err)),
    };
    let token = settings.bot_token.as_str();
    if job.kind == DeliveryKind::Edit {
        return edit(db, &api, token, job, &post).await;
    }
    if let Some(published) = article.summary.published_at
        && published < job.created_at - config.backdated_after
    {
        return Ok(Outcome::Skipped(
            "published long before it was saved (import or backdated); not news for the channel"
                .into(),
        ));
    }
    let chat = settings.channel.as_str();
    if post.photo.is_some() {
        match api.call(token, "sendPhoto", &post.send_photo(chat)).await {
            Ok(result) => return Ok(sent(chat, &result, true)),
            // Telegram could not fetch or use the picture (a 4xx means nothing was posted):
            // the text post with its button is still worth sending.
            Err(SendError::Permanent { reason, code: 400 }) => {
                tracing::info!(job = job.id, %reason, "sendPhoto refused; sending text instead");
            }
            Err(err) => return Ok(Outcome::Failed(err)),
        }
    }
    Ok(
        match api
            .call(token, "sendMessage", &post.send_message(chat))
            .await
        {
            Ok(result) => sent(chat, &result, false),
            Err(err) => Outcome::Failed(err),
        },
    )
}

async fn edit(
    db: &Db,
    api: &BotApi,
    token: &str,
    job: &TelegramDelivery,
    post: &message::Post,
) -> sahifa_store::Result<Outcome> {
    if db
        .telegram_newer_edit_pending(job.article_id, job.id)
        .await?
    {
        return Ok(Outcome::Skipped("superseded by a newer edit".into()));
    }
    let deliveries = db.telegram_deliveries_of(job.article_id).await?;
    let Some(original) = deliveries.iter().find(|d| d.kind == DeliveryKind::Post) else {
        return Ok(Outcome::Skipped("no channel post to edit".into()));
    };
    let (Some(chat), Some(message_id)) = (
        original.chat_id.as_deref(),
        original.message_id.filter(|m| *m > 0),
    ) else {
        return Ok(match original.status {
            DeliveryStatus::Pending | DeliveryStatus::Sending => {
                Outcome::Later("waiting for the channel post".into())
            }
            _ => Outcome::Skipped("the article was never posted to the channel".into()),
        });
    };
    let (method, body) = if original.with_photo {
        ("editMessageCaption", post.edit_caption(chat, message_id))
    } else {
        ("editMessageText", post.edit_text(chat, message_id))
    };
    Ok(match api.call(token, method, &body).await {
        Ok(_) => Outcome::Sent {
            chat: chat.to_string(),
            message_id,
            photo: original.with_photo,
        },
        // Saving an article without changing what the post shows is not an error.
        Err(SendError::Permanent { reason, .. }) if reason.contains("message is not modified") => {
            Outcome::Sent {
                chat: chat.to_string(),
                message_id,
                photo: original.with_photo,
            }
        }
        Err(err) => Outcome::Failed(err),
    })
}

fn sent(chat: &str, result: &Value, photo: bool) -> Outcome {
    match result.get("message_id").and_then(Value::as_i64) {
        Some(message_id) => Outcome::Sent {
            chat: chat.to_string(),
            message_id,
            photo,
        },
        // Telegram said ok; the message is out. Record it (without an id edits are
        // impossible, but posting again would be a duplicate).
        None => Outcome::Sent {
            chat: chat.to_string(),
            message_id: 0,
            photo,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_honours_retry_after() {
        let mut c = WorkerConfig::new(
            "https://x",
            Overrides::default(),
            Labels {
                ar: "اقرأ".into(),
                en: "Read".into(),
            },
        );
        c.retry_base = Duration::from_millis(100);
        c.retry_max = Duration::from_secs(1);
        assert_eq!(c.backoff(1, None), Duration::from_millis(100));
        assert_eq!(c.backoff(2, None), Duration::from_millis(200));
        assert_eq!(c.backoff(3, None), Duration::from_millis(400));
        assert_eq!(c.backoff(30, None), Duration::from_secs(1));
        assert_eq!(
            c.backoff(1, Some(Duration::from_secs(3))),
            Duration::from_secs(3)
        );
    }
}
