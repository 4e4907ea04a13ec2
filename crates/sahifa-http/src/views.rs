//! Counting article views where the cached page is served, and the most-read ranking the
//! pages show.
//!
//! The hot path (a cached article page at static-file speed) pays for a view with a few
//! header checks, one keyed hash and two short critical sections on *sharded* maps: no
//! database round trip, no global lock. Views pile up per slug and UTC hour until the
//! flusher (`sahifa_site::most_read`) takes them and writes them in one transaction; a
//! failed write puts them back, within the same memory cap.
//!
//! What counts: a `GET` answered `200` (a `304` is a reload of a copy the reader already
//! has), not a prefetch or prerender (`Sec-Purpose`/`Purpose`/`X-Moz: prefetch`), not a
//! robot (the `isbot` crate's maintained user-agent list, and no `User-Agent` at all), and
//! one view per client address and article per [`RELOAD_WINDOW_SECS`]. The reload check
//! keys a bounded in-memory set by a hash of (address, article) salted with a key drawn at
//! start-up: no address is stored anywhere, and the set forgets everything on restart. No
//! cookie, no script, no third party.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, RwLock};
use std::time::Duration;

use axum::http::{Extensions, HeaderMap, Method, StatusCode, header};
use quick_cache::sync::{Cache, EntryAction, EntryResult};
use sahifa_store::views::{RankedArticle, ViewTally, hour_start};

/// A second view of the same article from the same address within this many seconds is a
/// reload and does not count. Short enough that readers behind one carrier-grade NAT
/// address still count on different visits, long enough to discount refreshing.
pub const RELOAD_WINDOW_SECS: i64 = 15 * 60;

/// How many (address, article) pairs the reload check remembers; beyond it the least
/// recently seen give way (an evicted pair may count again: the cost of a memory cap).
pub const RECENT_VIEWS_CAPACITY: usize = 200_000;

/// How many (article, hour) tallies wait for the database at most: far more than one flush
/// interval produces, so the cap only bites while the database keeps failing.
pub const MAX_PENDING_TALLIES: usize = 100_000;

/// Shards of the pending tallies: concurrent views of different articles rarely meet.
const SHARDS: usize = 16;

/// Robot user agents, compiled once per process.
static ROBOTS: LazyLock<isbot::Bots> = LazyLock::new(isbot::Bots::default);

/// Why a request did or did not count as a view (tests and logs read it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// A new view, counted.
    Counted,
    /// Not a reader's view: not `GET`, not `200`, or a prefetch.
    NotAView,
    /// A robot, or no user agent.
    Robot,
    /// The same address read this article within the reload window.
    Reload,
    /// The pending tallies are at their cap (the database has been failing).
    Full,
}

/// The most-read ranking the pages show, as the flusher last read it from the database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ranking {
    /// Most viewed in the last 24 hours, most first.
    pub day: Vec<RankedArticle>,
    /// Most viewed in the last 7 days, most first.
    pub week: Vec<RankedArticle>,
}

impl Ranking {
    /// Whether the two rankings list the same articles in the same order (view figures
    /// are not shown, so a change in them alone needs no re-render).
    fn same_order(&self, other: &Ranking) -> bool {
        let ids = |list: &[RankedArticle]| list.iter().map(|r| r.article_id).collect::<Vec<_>>();
        ids(&self.day) == ids(&other.day) && ids(&self.week) == ids(&other.week)
    }
}

/// Hour counts of one slug.
type HourCounts = Vec<(i64, i64)>;

/// The per-process view counter and most-read ranking (one in [`crate::AppState`]).
pub struct ViewCounter {
    shards: Box<[Mutex<HashMap<String, HourCounts>>]>,
    /// (slug, hour) tallies waiting, across shards.
    pending: AtomicUsize,
    /// Salted hash of (address, slug) → unix second of the last counted view.
    recent: Cache<u64, i64>,
    /// The salt: random keys drawn at start-up (SipHash keyed by the OS's randomness).
    salt: RandomState,
    ranking: RwLock<Arc<Ranking>>,
    /// Bumped whenever the ranking's order changes; the pages that show the block put it
    /// in their cache key, so they re-render once per change and the rest stay cached.
    generation: AtomicU64,
    /// The ranked articles as last read, with the (content epoch, generation) they were
    /// read at: every page rendered at that pair shares one read instead of each making
    /// its own (after an edit, every article page re-renders).
    listed: RwLock<Option<ListedArticles>>,
}

/// The ranked articles' current rows, valid for one content epoch and ranking generation.
#[derive(Debug, Clone)]
pub struct ListedArticles {
    /// The registry's sequence when they were read.
    pub at: u64,
    /// What they show: each ranked article, published or not when read (a publish or a
    /// withdrawal retires its key).
    pub shows: Vec<sahifa_store::Dep>,
    /// The ranking generation they were read for.
    pub generation: u64,
    /// The published ones among the ranked articles.
    pub articles: Arc<Vec<sahifa_store::ArticleSummary>>,
}

impl std::fmt::Debug for ViewCounter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ViewCounter")
            .field("pending", &self.pending.load(Ordering::Relaxed))
            .field("generation", &self.generation())
            .finish()
    }
}

impl Default for ViewCounter {
    fn default() -> Self {
        ViewCounter::new()
    }
}

impl ViewCounter {
    /// An empty counter with an empty ranking.
    pub fn new() -> ViewCounter {
        ViewCounter {
            shards: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            pending: AtomicUsize::new(0),
            recent: Cache::new(RECENT_VIEWS_CAPACITY),
            salt: RandomState::new(),
            ranking: RwLock::new(Arc::new(Ranking::default())),
            generation: AtomicU64::new(0),
            listed: RwLock::new(None),
        }
    }

    /// The ranked articles read at `epoch` for `generation`, if they were.
    pub fn listed(
        &self,
        registry: &sahifa_store::retirements::Registry,
        generation: u64,
    ) -> Option<Arc<Vec<sahifa_store::ArticleSummary>>> {
        let guard = self.listed.read().ok()?;
        guard
            .as_ref()
            .filter(|l| l.generation == generation && registry.is_current(l.at, &l.shows))
            .map(|l| l.articles.clone())
    }

    /// Keeps the ranked articles read for `generation`.
    pub fn set_listed(&self, listed: ListedArticles) {
        if let Ok(mut guard) = self.listed.write() {
            *guard = Some(listed);
        }
    }

    /// Counts the view of the article page `slug` answered with `status`, if it is one
    /// (see the module documentation for what counts).
    pub fn observe(
        &self,
        slug: &str,
        method: &Method,
        headers: &HeaderMap,
        extensions: &Extensions,
        status: StatusCode,
    ) -> Verdict {
        if status != StatusCode::OK || method != Method::GET || is_prefetch(headers) {
            return Verdict::NotAView;
        }
        if is_robot(headers) {
            return Verdict::Robot;
        }
        let client = crate::auth::session::client_ip(extensions);
        self.record(slug, &client, chrono::Utc::now().timestamp())
    }

    /// Counts a reader's view of `slug` from `client` at `now` (unix seconds), unless the
    /// same client's last counted view of it is younger than the reload window.
    pub fn record(&self, slug: &str, client: &str, now: i64) -> Verdict {
        let key = self.salt.hash_one((client, slug));
        // Atomic per key: of concurrent requests from one address, exactly one counts.
        let fresh = match self.recent.entry(&key, Some(Duration::ZERO), |_, seen| {
            if now - *seen < RELOAD_WINDOW_SECS {
                EntryAction::Retain(false)
            } else {
                *seen = now;
                EntryAction::Retain(true)
            }
        }) {
            EntryResult::Retained(fresh) => fresh,
            EntryResult::Vacant(guard) => {
                let _ = guard.insert(now);
                true
            }
            // Another request for the same key is inserting it right now.
            _ => false,
        };
        if !fresh {
            return Verdict::Reload;
        }
        if self.add(slug, hour_start(now), 1) {
            Verdict::Counted
        } else {
            Verdict::Full
        }
    }

    /// Adds `views` to the tally of (`slug`, `hour`); false when a new tally would pass
    /// the cap.
    fn add(&self, slug: &str, hour: i64, views: i64) -> bool {
        let shard = &self.shards[self.shard_of(slug)];
        let Ok(mut tallies) = shard.lock() else {
            return false;
        };
        if let Some(hours) = tallies.get_mut(slug) {
            if let Some((_, n)) = hours.iter_mut().find(|(h, _)| *h == hour) {
                *n += views;
                return true;
            }
            if !self.reserve() {
                return false;
            }
            hours.push((hour, views));
            return true;
        }
        if !self.reserve() {
            return false;
        }
        tallies.insert(slug.to_string(), vec![(hour, views)]);
        true
    }

    /// Takes room for one more tally, if the cap allows.
    fn reserve(&self) -> bool {
        self.pending
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < MAX_PENDING_TALLIES).then_some(n + 1)
            })
            .is_ok()
    }

    fn shard_of(&self, slug: &str) -> usize {
        (self.salt.hash_one(slug) as usize) % SHARDS
    }

    /// Takes every pending tally, leaving the counter empty (the flusher's batch).
    pub fn take(&self) -> Vec<ViewTally> {
        let mut batch = Vec::new();
        for shard in self.shards.iter() {
            let drained = match shard.lock() {
                Ok(mut tallies) => std::mem::take(&mut *tallies),
                Err(_) => continue,
            };
            for (slug, hours) in drained {
                self.pending.fetch_sub(hours.len(), Ordering::AcqRel);
                for (hour_start, views) in hours {
                    batch.push(ViewTally {
                        slug: slug.clone(),
                        hour_start,
                        views,
                    });
                }
            }
        }
        batch
    }

    /// Puts back a batch whose write failed, for the next try; tallies beyond the cap are
    /// dropped (and counted in the return value).
    pub fn restore(&self, batch: Vec<ViewTally>) -> usize {
        let mut dropped = 0;
        for tally in batch {
            if !self.add(&tally.slug, tally.hour_start, tally.views) {
                dropped += 1;
            }
        }
        dropped
    }

    /// How many (slug, hour) tallies wait for the database.
    pub fn pending(&self) -> usize {
        self.pending.load(Ordering::Acquire)
    }

    /// The ranking the pages show.
    pub fn ranking(&self) -> Arc<Ranking> {
        match self.ranking.read() {
            Ok(guard) => guard.clone(),
            Err(_) => Arc::new(Ranking::default()),
        }
    }

    /// The ranking's generation: part of the cache key of every page that shows it.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Replaces the ranking; the generation moves only when the order changed, so the
    /// pages showing the block re-render only then. Returns whether it moved.
    pub fn set_ranking(&self, ranking: Ranking) -> bool {
        let Ok(mut guard) = self.ranking.write() else {
            return false;
        };
        let changed = !guard.same_order(&ranking);
        *guard = Arc::new(ranking);
        if changed {
            self.generation.fetch_add(1, Ordering::AcqRel);
        }
        changed
    }
}

/// A prefetch or prerender request: the reader may never look at the page.
fn is_prefetch(headers: &HeaderMap) -> bool {
    ["sec-purpose", "purpose", "x-moz", "x-purpose"]
        .iter()
        .filter_map(|name| headers.get(*name))
        .filter_map(|value| value.to_str().ok())
        .any(|value| {
            let value = value.to_ascii_lowercase();
            value.contains("prefetch") || value.contains("prerender") || value == "preview"
        })
}

/// A robot by its `User-Agent`, or a client that sends none (no reader's browser does).
pub fn is_robot(headers: &HeaderMap) -> bool {
    match headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
    {
        None | Some("") => true,
        Some(agent) => ROBOTS.is_bot(agent),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:135.0) Gecko/20100101 Firefox/135.0";

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn headers_owned(name: &'static str, value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(name, HeaderValue::from_str(value).expect("header value"));
        map
    }

    #[test]
    fn robots_and_missing_agents_are_robots() {
        assert!(is_robot(&headers(&[])));
        assert!(is_robot(&headers(&[("user-agent", "  ")])));
        assert!(is_robot(&headers(&[(
            "user-agent",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
        )])));
        for robot in [
            "curl/8.5.0",
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)",
            "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
            "python-requests/2.32.3",
        ] {
            assert!(is_robot(&headers_owned("user-agent", robot)), "{robot}");
        }
        for reader in [
            FIREFOX,
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
        ] {
            assert!(!is_robot(&headers_owned("user-agent", reader)), "{reader}");
        }
    }

    #[test]
    fn prefetches_are_not_views() {
        assert!(is_prefetch(&headers(&[("sec-purpose", "prefetch")])));
        assert!(is_prefetch(&headers(&[(
            "sec-purpose",
            "prefetch;prerender"
        )])));
        assert!(is_prefetch(&headers(&[("purpose", "prefetch")])));
        assert!(is_prefetch(&headers(&[("x-moz", "prefetch")])));
        assert!(!is_prefetch(&headers(&[("user-agent", FIREFOX)])));
    }

    #[test]
    fn a_reload_within_the_window_counts_once_and_after_it_again() {
        let counter = ViewCounter::new();
        assert_eq!(counter.record("a", "10.0.0.1", 1000), Verdict::Counted);
        assert_eq!(counter.record("a", "10.0.0.1", 1001), Verdict::Reload);
        assert_eq!(counter.record("b", "10.0.0.1", 1001), Verdict::Counted);
        assert_eq!(counter.record("a", "10.0.0.2", 1002), Verdict::Counted);
        assert_eq!(
            counter.record("a", "10.0.0.1", 1000 + RELOAD_WINDOW_SECS),
            Verdict::Counted
        );
        let mut batch = counter.take();
        batch.sort_by(|x, y| (&x.slug, x.hour_start).cmp(&(&y.slug, y.hour_start)));
        let got: Vec<(&str, i64, i64)> = batch
            .iter()
            .map(|t| (t.slug.as_str(), t.hour_start, t.views))
            .collect();
        // 1000 s and 1900 s fall in hour 0; 1000 + 900 = 1900 as well.
        assert_eq!(got, vec![("a", 0, 3), ("b", 0, 1)]);
        assert_eq!(counter.pending(), 0);
        assert!(counter.take().is_empty());
    }

    #[test]
    fn a_failed_batch_goes_back_and_merges() {
        let counter = ViewCounter::new();
        counter.record("a", "1", 7200);
        let batch = counter.take();
        counter.record("a", "2", 7300);
        assert_eq!(counter.restore(batch), 0);
        let batch = counter.take();
        assert_eq!(batch.len(), 1);
        assert_eq!(batch[0].views, 2);
        assert_eq!(batch[0].hour_start, 7200);
    }

    #[test]
    fn the_generation_moves_only_when_the_order_changes() {
        let counter = ViewCounter::new();
        let ranked = |ids: &[(i64, i64)]| Ranking {
            day: ids
                .iter()
                .map(|&(article_id, views)| RankedArticle { article_id, views })
                .collect(),
            week: Vec::new(),
        };
        assert!(!counter.set_ranking(Ranking::default()));
        assert!(counter.set_ranking(ranked(&[(1, 5), (2, 3)])));
        assert_eq!(counter.generation(), 1);
        assert!(!counter.set_ranking(ranked(&[(1, 9), (2, 4)])));
        assert_eq!(counter.ranking().day[0].views, 9);
        assert!(counter.set_ranking(ranked(&[(2, 10), (1, 9)])));
        assert_eq!(counter.generation(), 2);
    }
}
