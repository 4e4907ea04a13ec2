//! The «الأكثر قراءة» block: the articles read most in the last 24 hours and 7 days, from
//! the view counts the server keeps itself (see `sahifa_http::views`).
//!
//! A background task ([`spawn`]) writes the counted views every [`FLUSH_EVERY`] and, at
//! most every [`REFRESH_EVERY`], re-reads the two rankings from the database's hour buckets
//! (so every node sharing the database shows the same ranking). The ranking is held in
//! memory; a page renders the block from it, never from a per-request query. The home and
//! article pages put the ranking's generation in their cache key: when the order changes,
//! those pages re-render once, and nothing else in the page cache is retired.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;

use sahifa_http::error::AppError;
use sahifa_http::state::AppState;
use sahifa_http::urls;
use sahifa_http::views::{ListedArticles, Ranking};
use sahifa_store::views::hour_start;

/// How often counted views are written to the database.
pub const FLUSH_EVERY: Duration = Duration::from_secs(30);

/// The least time between two ranking refreshes (each follows a flush).
pub const REFRESH_EVERY: Duration = Duration::from_secs(120);

/// Articles listed per window.
pub const SHOWN: usize = 5;

/// Articles ranked per window: one more than shown, so an article's own page, which leaves
/// itself out, still lists [`SHOWN`].
const RANKED: i64 = SHOWN as i64 + 1;

/// The block's context (`partials/most_read.html`); absent when nothing was read.
#[derive(Debug, Serialize)]
pub struct MostReadBlock {
    /// Most read in the last 24 hours.
    day: Vec<MostReadItem>,
    /// Most read in the last 7 days.
    week: Vec<MostReadItem>,
}

/// One entry of a list.
#[derive(Debug, Serialize)]
pub struct MostReadItem {
    /// Place in the list, from 1.
    rank: usize,
    title: String,
    url: String,
}

/// The block for a page, leaving out `exclude` (the article the page shows): `None` when
/// neither window has anything to list. The listed articles' current titles are read once
/// per ranking generation and kept until one of them changes, shared by every page.
pub async fn block(
    state: &AppState,
    exclude: Option<i64>,
) -> Result<Option<MostReadBlock>, AppError> {
    // Sequence and generation first: a change that lands mid-read then only makes this
    // copy stale instead of keeping old rows under the new stamp.
    let registry = state.db().registry();
    let at = registry.now();
    let generation = state.views().generation();
    let ranking = state.views().ranking();
    if ranking.day.is_empty() && ranking.week.is_empty() {
        return Ok(None);
    }
    let summaries = match state.views().listed(registry, generation) {
        Some(summaries) => summaries,
        None => {
            let mut ids: Vec<i64> = Vec::new();
            for ranked in ranking.day.iter().chain(ranking.week.iter()) {
                if !ids.contains(&ranked.article_id) {
                    ids.push(ranked.article_id);
                }
            }
            // Only what is published right now (the ranking may be a few minutes old).
            let summaries = Arc::new(state.db().published_summaries_by_ids(&ids).await?);
            state.views().set_listed(ListedArticles {
                at,
                shows: ids
                    .iter()
                    .copied()
                    .map(sahifa_store::Dep::Article)
                    .collect(),
                generation,
                articles: summaries.clone(),
            });
            summaries
        }
    };
    let list = |ranked: &[sahifa_store::views::RankedArticle]| -> Vec<MostReadItem> {
        ranked
            .iter()
            .filter(|r| Some(r.article_id) != exclude)
            .filter_map(|r| summaries.iter().find(|s| s.id == r.article_id))
            .take(SHOWN)
            .enumerate()
            .map(|(i, s)| {
                sahifa_http::deps::record(sahifa_store::Dep::Article(s.id));
                MostReadItem {
                    rank: i + 1,
                    title: s.title.clone(),
                    url: urls::article(&s.slug),
                }
            })
            .collect()
    };
    let block = MostReadBlock {
        day: list(&ranking.day),
        week: list(&ranking.week),
    };
    Ok((!block.day.is_empty() || !block.week.is_empty()).then_some(block))
}

/// The part of a cache key that changes with the ranking, for the pages showing the block.
pub fn cache_key_part(state: &AppState) -> String {
    format!("mr{}", state.views().generation())
}

/// Writes the views counted so far; on failure they go back to the counter for the next
/// try. Returns how many (article, hour) tallies were written.
pub async fn flush_now(state: &AppState) -> Result<u64, sahifa_newsroom::NewsroomError> {
    let batch = state.views().take();
    if batch.is_empty() {
        return Ok(0);
    }
    let now = chrono::Utc::now().timestamp();
    match state.newsroom().record_views(&batch, now).await {
        Ok(written) => Ok(written),
        Err(err) => {
            let dropped = state.views().restore(batch);
            if dropped > 0 {
                tracing::warn!(dropped, "view counts dropped: the pending tallies are full");
            }
            Err(err)
        }
    }
}

/// Re-reads both rankings from the database; returns whether their order changed (and so
/// the pages showing them will re-render).
pub async fn refresh_now(state: &AppState) -> Result<bool, sahifa_store::StoreError> {
    let now = chrono::Utc::now().timestamp();
    let current_hour = hour_start(now);
    let db = state.db();
    let day = db
        .most_viewed_articles(current_hour - 23 * 3600, RANKED)
        .await?;
    let week = db
        .most_viewed_articles(current_hour - (7 * 24 - 1) * 3600, RANKED)
        .await?;
    Ok(state.views().set_ranking(Ranking { day, week }))
}

/// The running flusher; [`MostReadTask::shutdown`] writes what is left.
pub struct MostReadTask {
    stop: Arc<tokio::sync::Notify>,
    handle: tokio::task::JoinHandle<()>,
}

impl MostReadTask {
    /// Stops the task after a last flush, waiting at most `deadline` for it.
    pub async fn shutdown(self, deadline: Duration) {
        self.stop.notify_one();
        if tokio::time::timeout(deadline, self.handle).await.is_err() {
            tracing::warn!("the last view flush did not finish in time");
        }
    }

    /// Stops the task without a last flush.
    pub fn abort(&self) {
        self.handle.abort();
    }
}

/// Starts the flusher: it refreshes the ranking at once (so a restarted server shows the
/// block from its first page), then flushes every `flush_every` and refreshes after a
/// flush once `refresh_every` has passed.
pub fn spawn(state: AppState, flush_every: Duration, refresh_every: Duration) -> MostReadTask {
    let stop = Arc::new(tokio::sync::Notify::new());
    let stopped = stop.clone();
    let handle = tokio::spawn(async move {
        let mut ticker = tokio::time::interval(flush_every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut refreshed: Option<Instant> = None;
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                () = stopped.notified() => {
                    if let Err(err) = flush_now(&state).await {
                        tracing::warn!(error = %err, "the last view flush failed");
                    }
                    return;
                }
            }
            if let Err(err) = flush_now(&state).await {
                tracing::warn!(error = %err, "view flush failed; the counts wait for the next");
            }
            if refreshed.is_none_or(|at| at.elapsed() >= refresh_every) {
                match refresh_now(&state).await {
                    Ok(_) => refreshed = Some(Instant::now()),
                    Err(err) => tracing::warn!(error = %err, "most-read refresh failed"),
                }
            }
        }
    });
    MostReadTask { stop, handle }
}
