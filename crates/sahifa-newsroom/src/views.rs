//! Recording article views: the batches each server process counted in memory (see
//! `sahifa_http::views`), written as one transaction.
//!
//! A system write: no actor, no permission, no audit entry (a view is not an editorial
//! act), and no content epoch bump, so cached pages stay cached; the most-read block
//! reaches them through its own ranking generation instead.

use sahifa_store::views::ViewTally;

use crate::{Newsroom, Result};

/// Hour buckets kept: the 7-day window plus a day's margin for clocks and late flushes.
/// Older buckets are pruned; the all-time totals keep their views.
pub const KEEP_HOURS: i64 = 8 * 24;

impl Newsroom {
    /// Adds `tallies` to the stored counts and prunes the buckets older than
    /// [`KEEP_HOURS`] before `now` (unix seconds), in one transaction: when it fails,
    /// nothing was added and the caller keeps the tallies for its next try. Returns how
    /// many tallies found their article.
    pub async fn record_views(&self, tallies: &[ViewTally], now: i64) -> Result<u64> {
        let mut tx = self.db().begin().await?;
        let added = tx.add_article_views(tallies).await?;
        let cutoff = sahifa_store::views::hour_start(now) - KEEP_HOURS * 3600;
        tx.prune_article_view_hours(cutoff).await?;
        tx.commit().await?;
        Ok(added)
    }
}
