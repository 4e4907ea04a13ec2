//! Following the article write log: the background task that keeps a process's index
//! within a second of the database.
//!
//! Every article write appends to `article_events` in its own transaction, so polling the
//! log (every 200 ms) sees every change. The subtle part is PostgreSQL: `BIGSERIAL` ids are
//! handed out when a transaction *inserts*, not when it commits, so id 11 can become
//! visible before id 10. A plain "after the last id seen" cursor would skip 10 for ever.
//!
//! The follower therefore keeps a *low-water mark*: every id at or below it has been
//! applied. It reads from the mark (not from the highest id seen), remembers which ids
//! above the mark it has already applied, and moves the mark up only over ids it has seen.
//! A missing id is waited for for [`GAP_GRACE`]: a transaction that is still open commits
//! within that time, and an id that never appears belongs to a rolled-back transaction
//! (sequences are not transactional) and is stepped over. While a gap is open the same
//! few events are re-read each poll; they are not re-applied. On SQLite (one writer at a
//! time) ids become visible in order and no gap ever waits.
//!
//! Applying an event re-reads the article from the database, so the index always takes
//! the current state (events are hints about *which* article changed, not deltas), and
//! applying one twice is harmless. The mark is stored with each commit, so a restart
//! resumes where the last commit left off; [`crate::open_fresh`] also compares document
//! counts at start-up, which repairs anything a stepped-over gap could have hidden.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use sahifa_store::Db;

use crate::index::SearchIndex;

/// How often the log is polled.
pub const POLL_EVERY: Duration = Duration::from_millis(200);
/// How long a missing event id is waited for before it is taken for a rollback.
pub const GAP_GRACE: Duration = Duration::from_secs(30);
/// Events read per query.
const BATCH: i64 = 500;

/// The follower's position in the log.
#[derive(Debug)]
pub struct Cursor {
    low_water: i64,
    applied: BTreeSet<i64>,
    gaps: HashMap<i64, Instant>,
}

impl Cursor {
    /// Starts after `low_water` (every id up to it is already reflected).
    pub fn new(low_water: i64) -> Cursor {
        Cursor {
            low_water,
            applied: BTreeSet::new(),
            gaps: HashMap::new(),
        }
    }

    /// Every id at or below this one has been applied.
    pub fn low_water(&self) -> i64 {
        self.low_water
    }

    /// Moves the mark over applied ids and expired gaps.
    fn advance(&mut self, now: Instant) {
        let Some(&highest) = self.applied.last() else {
            return;
        };
        let mut next = self.low_water + 1;
        while next <= highest {
            if self.applied.contains(&next) {
                next += 1;
                continue;
            }
            let first_seen = *self.gaps.entry(next).or_insert(now);
            if now.duration_since(first_seen) >= GAP_GRACE {
                tracing::debug!(
                    id = next,
                    "article event id never appeared; stepping over it"
                );
                next += 1;
                continue;
            }
            break;
        }
        self.low_water = next - 1;
        let low = self.low_water;
        self.applied.retain(|&id| id > low);
        self.gaps.retain(|&id, _| id > low);
    }
}

/// Reads new events once and applies them; returns how many articles were re-indexed.
pub async fn poll_once(index: &SearchIndex, db: &Db, cursor: &mut Cursor) -> crate::Result<usize> {
    let mut fresh = Vec::new();
    let mut after = cursor.low_water;
    loop {
        let events = db.article_events_after(after, BATCH).await?;
        let Some(last) = events.last() else { break };
        after = last.id;
        let full = events.len() as i64 == BATCH;
        fresh.extend(
            events
                .into_iter()
                .filter(|e| !cursor.applied.contains(&e.id)),
        );
        if !full {
            break;
        }
    }
    if fresh.is_empty() {
        cursor.advance(Instant::now());
        return Ok(0);
    }
    let mut ids: Vec<i64> = fresh.iter().map(|e| e.article_id).collect();
    ids.sort_unstable();
    ids.dedup();
    cursor.applied.extend(fresh.iter().map(|e| e.id));
    cursor.advance(Instant::now());
    index.apply(db, &ids, cursor.low_water).await?;
    Ok(ids.len())
}

/// The longest wait between attempts while indexing keeps failing.
pub const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// The wait before the next attempt after `failures` failures in a row: the poll interval,
/// doubled per failure, capped at [`MAX_BACKOFF`].
pub fn backoff(failures: u32) -> Duration {
    POLL_EVERY
        .saturating_mul(1u32 << failures.min(16))
        .min(MAX_BACKOFF)
}

/// Spawns the follower. It runs until the returned handle is aborted and never gives up:
/// a failure (the database away for a moment, a full or read-only disk under the index)
/// is logged, the index writer is reset, and the events not yet applied are read again
/// after a backoff that grows to [`MAX_BACKOFF`].
pub fn spawn(index: SearchIndex, db: Db, start_after: i64) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut cursor = Cursor::new(start_after);
        let mut failures: u32 = 0;
        loop {
            let wait = if failures == 0 {
                POLL_EVERY
            } else {
                backoff(failures)
            };
            tokio::time::sleep(wait).await;
            let before = Cursor {
                low_water: cursor.low_water,
                applied: cursor.applied.clone(),
                gaps: cursor.gaps.clone(),
            };
            match poll_once(&index, &db, &mut cursor).await {
                Ok(_) => {
                    if failures > 0 {
                        tracing::info!(failures, "search indexing recovered");
                    }
                    failures = 0;
                }
                Err(err) => {
                    failures = failures.saturating_add(1);
                    cursor = before;
                    tracing::warn!(
                        error = %err,
                        failures,
                        retry_in_ms = backoff(failures).as_millis() as u64,
                        "search indexing failed; retrying"
                    );
                    // A writer stopped by an I/O error fails every later add until reset.
                    if let Err(err) = index.reset_writer().await {
                        tracing::warn!(error = %err, "resetting the search index writer failed");
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mark_waits_for_gaps_then_steps_over_them() {
        let t0 = Instant::now();
        let mut c = Cursor::new(10);
        c.applied.extend([11, 13, 14]);
        c.advance(t0);
        assert_eq!(c.low_water(), 11, "12 is not visible yet");
        c.advance(t0 + Duration::from_secs(1));
        assert_eq!(c.low_water(), 11);
        c.applied.insert(12);
        c.advance(t0 + Duration::from_secs(2));
        assert_eq!(c.low_water(), 14);
        assert!(c.applied.is_empty());

        c.applied.extend([16]);
        c.advance(t0);
        assert_eq!(c.low_water(), 14);
        c.advance(t0 + GAP_GRACE);
        assert_eq!(c.low_water(), 16, "15 was rolled back");
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        assert_eq!(backoff(1), POLL_EVERY * 2);
        assert_eq!(backoff(2), POLL_EVERY * 4);
        assert_eq!(backoff(8), MAX_BACKOFF);
        assert_eq!(backoff(u32::MAX), MAX_BACKOFF);
    }
}
