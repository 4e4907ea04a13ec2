//! The Telegram delivery outbox: one row per channel post (and per channel edit) of an
//! article, written by the publishing use case inside the article write's transaction and worked
//! off by the `sahifa-telegram` worker.
//!
//! Exactly-once rests on three rules:
//! 1. at most one `post` row per article (a unique partial index, `ON CONFLICT DO NOTHING`);
//! 2. a worker *claims* a row before sending: the claim is one `UPDATE ... RETURNING` that
//!    only matches a row still due, so two workers (threads or processes) can never both
//!    win it; on PostgreSQL the candidate is picked with `FOR UPDATE SKIP LOCKED` so
//!    workers do not queue behind each other;
//! 3. a claim is a lease: a worker that dies mid-job leaves a `sending` row whose lease
//!    expires, and the next claim takes it over. The only window for a duplicate post is a
//!    crash (or a lost response) after Telegram accepted the message and before the `sent`
//!    row was written.

use chrono::{DateTime, Duration, SubsecRound, Utc};

use crate::{Db, Result, Tx};

/// Where a delivery job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryStatus {
    /// Waiting for its time (a first attempt or a retry).
    Pending,
    /// Claimed by a worker whose lease has not run out.
    Sending,
    /// Telegram accepted the message.
    Sent,
    /// Given up after an error that more attempts would not fix.
    Failed,
    /// Nothing to deliver (posting off, category opted out, article gone).
    Skipped,
}

impl DeliveryStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Sending => "sending",
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Skipped => "skipped",
        }
    }

    /// Whether an editor's retry can change anything: a sent job would post twice, a
    /// pending or sending one is already on its way.
    pub fn retryable(self) -> bool {
        matches!(self, DeliveryStatus::Failed | DeliveryStatus::Skipped)
    }
}

/// What a delivery job does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeliveryKind {
    /// The channel post of a first publication.
    Post,
    /// An edit of that post after the article changed.
    Edit,
}

impl DeliveryKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryKind::Post => "post",
            DeliveryKind::Edit => "edit",
        }
    }
}

/// A stored status or kind that this version does not know (a hand-edited row).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown telegram delivery value {0:?}")]
pub struct UnknownValue(String);

impl TryFrom<String> for DeliveryStatus {
    type Error = UnknownValue;

    fn try_from(value: String) -> std::result::Result<Self, Self::Error> {
        Ok(match value.as_str() {
            "pending" => DeliveryStatus::Pending,
            "sending" => DeliveryStatus::Sending,
            "sent" => DeliveryStatus::Sent,
            "failed" => DeliveryStatus::Failed,
            "skipped" => DeliveryStatus::Skipped,
            _ => return Err(UnknownValue(value)),
        })
    }
}

impl TryFrom<String> for DeliveryKind {
    type Error = UnknownValue;

    fn try_from(value: String) -> std::result::Result<Self, Self::Error> {
        Ok(match value.as_str() {
            "post" => DeliveryKind::Post,
            "edit" => DeliveryKind::Edit,
            _ => return Err(UnknownValue(value)),
        })
    }
}

// Comparing with the stored name keeps checks such as `job.status == "sent"` readable in
// tests and templates' callers.
impl PartialEq<&str> for DeliveryStatus {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<&str> for DeliveryKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for DeliveryStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for DeliveryKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Enqueues the post of article `$1` at time `$2`; a second publish finds the row and
/// inserts nothing.
pub(crate) const ENQUEUE_POST_SQL: &str = "INSERT INTO telegram_deliveries \
     (article_id, kind, status, attempts, next_attempt_at, created_at, updated_at) \
     VALUES ($1, 'post', 'pending', 0, $2, $2, $2) ON CONFLICT DO NOTHING";

/// Enqueues an edit of article `$1` when the article has a post to edit.
pub(crate) const ENQUEUE_EDIT_SQL: &str = "INSERT INTO telegram_deliveries \
     (article_id, kind, status, attempts, next_attempt_at, created_at, updated_at) \
     SELECT $1, 'edit', 'pending', 0, $2, $2, $2 \
     WHERE EXISTS (SELECT 1 FROM telegram_deliveries WHERE article_id = $1 AND kind = 'post')";

/// Queues the channel post of an article's first publication, inside the publishing
/// transaction: the post exists exactly when the publication does, and the unique index on
/// (article_id) WHERE kind = 'post' means a second publication enqueues nothing.
pub async fn enqueue_post(tx: &mut crate::Tx, article_id: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(ENQUEUE_POST_SQL)
        .bind(article_id)
        .bind(Utc::now().trunc_subsecs(3))
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Records the channel posts of `article_ids` as never to be made (`reason` says why:
/// an imported archive is not news), so that not even a scheduled one is posted when
/// it goes out: the post's row exists, and a publication enqueues nothing.
pub async fn record_skipped_posts(
    tx: &mut crate::Tx,
    article_ids: &[i64],
    reason: &str,
) -> Result<()> {
    let at = Utc::now().trunc_subsecs(3);
    for chunk in article_ids.chunks(crate::batch::ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO telegram_deliveries \
             (article_id, kind, status, attempts, next_attempt_at, last_error, created_at, updated_at) \
             VALUES {} ON CONFLICT DO NOTHING",
            crate::batch::rows_of(chunk.len(), 3, |p| format!(
                "(${p}, 'post', 'skipped', 0, ${t}, ${r}, ${t}, ${t})",
                t = p + 1,
                r = p + 2
            ))
        );
        with_tx!(tx, |conn| {
            let mut query = sqlx::query(&sql);
            for id in chunk {
                query = query.bind(id).bind(at).bind(reason);
            }
            query.execute(&mut *conn).await.map(|r| r.rows_affected())
        })?;
    }
    Ok(())
}

/// Queues an edit of the channel message of a published article that was posted.
pub async fn enqueue_edit(tx: &mut crate::Tx, article_id: i64) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(ENQUEUE_EDIT_SQL)
        .bind(article_id)
        .bind(Utc::now().trunc_subsecs(3))
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Column list for `RETURNING` (SQLite does not accept a table alias there).
const PLAIN_COLUMNS: &str = "id, article_id, kind, status, attempts, next_attempt_at, \
     lease_until, claimed_by, chat_id, message_id, with_photo, last_error, \
     created_at, updated_at, sent_at";

const COLUMNS: &str = "d.id, d.article_id, d.kind, d.status, d.attempts, d.next_attempt_at, \
     d.lease_until, d.claimed_by, d.chat_id, d.message_id, d.with_photo, d.last_error, \
     d.created_at, d.updated_at, d.sent_at";

/// One delivery job.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TelegramDelivery {
    /// Row id.
    pub id: i64,
    /// The article to post or edit.
    pub article_id: i64,
    /// A post or an edit.
    #[sqlx(try_from = "String")]
    pub kind: DeliveryKind,
    /// Where the job stands.
    #[sqlx(try_from = "String")]
    pub status: DeliveryStatus,
    /// Attempts made so far (a claim counts as one).
    pub attempts: i64,
    /// When the job is next due.
    pub next_attempt_at: DateTime<Utc>,
    /// Until when the current claim holds.
    pub lease_until: Option<DateTime<Utc>>,
    /// Which worker holds (or last held) the claim.
    pub claimed_by: Option<String>,
    /// The chat the message went to.
    pub chat_id: Option<String>,
    /// Telegram's id of the posted message (for later edits).
    pub message_id: Option<i64>,
    /// Whether the post went out as a photo with caption (edits then change the caption).
    pub with_photo: bool,
    /// Why the last attempt failed, or why the job was skipped.
    pub last_error: Option<String>,
    /// When the job was enqueued.
    pub created_at: DateTime<Utc>,
    /// Last change of this row.
    pub updated_at: DateTime<Utc>,
    /// When Telegram accepted the message.
    pub sent_at: Option<DateTime<Utc>>,
}

/// A delivery with the article's title, for the admin list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TelegramDeliveryListed {
    /// The job.
    #[sqlx(flatten)]
    pub delivery: TelegramDelivery,
    /// The article's headline, `None` when it was deleted since.
    pub title: Option<String>,
}

fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}

impl Db {
    /// Claims the next due job for `worker` until `lease` from now: a pending job whose time
    /// has come, or a `sending` job whose claimant's lease ran out (it crashed). Returns
    /// `None` when nothing is due. Never returns the same job to two callers at once.
    pub async fn claim_telegram_delivery(
        &self,
        worker: &str,
        lease: std::time::Duration,
    ) -> Result<Option<TelegramDelivery>> {
        let now = now();
        let lease_until = now + Duration::from_std(lease).unwrap_or(Duration::seconds(60));
        // The due condition is repeated outside the sub-select: on PostgreSQL a claimant that
        // waited for a concurrent claim re-checks the updated row against it and matches
        // nothing, instead of claiming the job a second time.
        let due = "((status = 'pending' AND next_attempt_at <= $1) \
                    OR (status = 'sending' AND lease_until < $1))";
        let lock = match self.backend() {
            crate::Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            crate::Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE telegram_deliveries SET status = 'sending', lease_until = $2, \
             claimed_by = $3, attempts = attempts + 1, updated_at = $1 \
             WHERE id = (SELECT id FROM telegram_deliveries WHERE {due} \
                         ORDER BY next_attempt_at, id LIMIT 1{lock}) \
               AND {due} \
             RETURNING {PLAIN_COLUMNS}"
        );
        let row: Option<TelegramDelivery> = with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(now)
            .bind(lease_until)
            .bind(worker)
            .fetch_optional(pool)
            .await)?;
        Ok(row)
    }

    /// Records that Telegram accepted job `id` as message `message_id` in `chat_id`.
    pub async fn telegram_delivery_sent(
        &self,
        id: i64,
        chat_id: &str,
        message_id: i64,
        with_photo: bool,
    ) -> Result<()> {
        let now = now();
        with_pool!(self, |pool| sqlx::query(
            "UPDATE telegram_deliveries SET status = 'sent', chat_id = $2, message_id = $3, \
             with_photo = $4, sent_at = $5, updated_at = $5, lease_until = NULL, last_error = NULL \
             WHERE id = $1"
        )
        .bind(id)
        .bind(chat_id)
        .bind(message_id)
        .bind(with_photo)
        .bind(now)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Puts job `id` back in the queue for another attempt at `at`, keeping `error`.
    pub async fn telegram_delivery_retry_at(
        &self,
        id: i64,
        at: DateTime<Utc>,
        error: &str,
    ) -> Result<()> {
        self.finish_telegram_delivery(
            id,
            DeliveryStatus::Pending,
            Some(at.trunc_subsecs(3)),
            error,
        )
        .await
    }

    /// Marks job `id` failed for good (an editor may retry it) with the reason.
    pub async fn telegram_delivery_failed(&self, id: i64, error: &str) -> Result<()> {
        self.finish_telegram_delivery(id, DeliveryStatus::Failed, None, error)
            .await
    }

    /// Marks job `id` as needing no delivery, with the reason.
    pub async fn telegram_delivery_skipped(&self, id: i64, reason: &str) -> Result<()> {
        self.finish_telegram_delivery(id, DeliveryStatus::Skipped, None, reason)
            .await
    }

    async fn finish_telegram_delivery(
        &self,
        id: i64,
        status: DeliveryStatus,
        next: Option<DateTime<Utc>>,
        error: &str,
    ) -> Result<()> {
        let now = now();
        with_pool!(self, |pool| {
            sqlx::query(
            "UPDATE telegram_deliveries SET status = $2, next_attempt_at = COALESCE($3, next_attempt_at), \
             last_error = $4, lease_until = NULL, updated_at = $5 WHERE id = $1 AND status <> 'sent'"
        )
        .bind(id)
        .bind(status.as_str())
        .bind(next)
        .bind(error)
        .bind(now)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// One job by id.
    pub async fn telegram_delivery(&self, id: i64) -> Result<Option<TelegramDelivery>> {
        let sql = format!("SELECT {COLUMNS} FROM telegram_deliveries d WHERE d.id = $1");
        Ok(with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await)?)
    }

    /// Every job of one article, oldest first.
    pub async fn telegram_deliveries_of(&self, article_id: i64) -> Result<Vec<TelegramDelivery>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM telegram_deliveries d WHERE d.article_id = $1 ORDER BY d.id"
        );
        Ok(with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(article_id)
            .fetch_all(pool)
            .await)?)
    }

    /// The newest jobs first, with the article titles, for the admin list.
    pub async fn telegram_deliveries(
        &self,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<TelegramDeliveryListed>> {
        let sql = format!(
            "SELECT {COLUMNS}, a.title FROM telegram_deliveries d \
             LEFT JOIN articles a ON a.id = d.article_id \
             ORDER BY d.id DESC LIMIT $1 OFFSET $2"
        );
        Ok(with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(limit.max(0))
            .bind(offset.max(0))
            .fetch_all(pool)
            .await)?)
    }

    /// Whether article `article_id` has an edit job newer than `id` still waiting: the newer
    /// one will send the latest text, so the older one has nothing left to do.
    pub async fn telegram_newer_edit_pending(&self, article_id: i64, id: i64) -> Result<bool> {
        let row: Option<(i64,)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT id FROM telegram_deliveries WHERE article_id = $1 AND kind = 'edit' \
             AND id > $2 AND status IN ('pending', 'sending') LIMIT 1"
        )
        .bind(article_id)
        .bind(id)
        .fetch_optional(pool)
        .await)?;
        Ok(row.is_some())
    }
}

/// Job `id` inside `tx`, locked until the transaction ends on PostgreSQL, so a retry does
/// not race a worker's claim.
pub async fn delivery_for_update(tx: &mut Tx, id: i64) -> Result<Option<TelegramDelivery>> {
    let lock = match tx.backend() {
        crate::Backend::Postgres => " FOR UPDATE",
        crate::Backend::Sqlite => "",
    };
    let sql = format!("SELECT {COLUMNS} FROM telegram_deliveries d WHERE d.id = $1{lock}");
    Ok(with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await)?)
}

/// Makes failed or skipped job `id` due now with a fresh attempt count; returns whether it
/// was re-queued. The status condition is in the statement, so a job sent meanwhile is
/// never queued again (that would post twice).
pub async fn requeue(tx: &mut Tx, id: i64) -> Result<bool> {
    let now = now();
    let changed = with_tx!(tx, |conn| sqlx::query(
        "UPDATE telegram_deliveries SET status = $3, attempts = 0, next_attempt_at = $2, \
         lease_until = NULL, updated_at = $2 WHERE id = $1 AND status IN ($4, $5)"
    )
    .bind(id)
    .bind(now)
    .bind(DeliveryStatus::Pending.as_str())
    .bind(DeliveryStatus::Failed.as_str())
    .bind(DeliveryStatus::Skipped.as_str())
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(changed > 0)
}
