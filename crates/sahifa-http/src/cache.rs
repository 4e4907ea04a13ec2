//! The rendered-page cache.
//!
//! Public pages depend only on what is stored, so a page stays valid until something it
//! shows changes. Each entry keeps what it shows (its [`Deps`], recorded while it rendered,
//! see `crate::deps`) and the registry's sequence number when its render began; it is
//! current while none of those things was retired since (see
//! `sahifa_store::retirements`). A write therefore retires the pages that show what it
//! changed, in this process and, through the database's log, in every other one, and the
//! rest of the cache stays warm. The check is one atomic read on a hit: an entry remembers
//! the last sequence number it was found current at, and looks at its things only when the
//! registry has moved on since.
//!
//! Memory is bounded by a budget in bytes (every stored encoding counts) and by an entry
//! count; when either is reached the entries read least recently give way, one by one, and
//! never the whole cache. The store is `quick_cache`: its Clock-PRO eviction is
//! scan-resistant, so a client walking through thousands of URLs that nobody reads twice
//! evicts its own entries before the pages readers keep asking for, which plain LRU (the
//! `lru` crate) would not, and a hit takes a shard's read lock only (no global mutex on the
//! hot path, unlike an LRU list that must be reordered on every read). Retired entries need
//! no sweep: a current render replaces them under the same key, and the rest age out.
//!
//! Each cache also keeps the renders in flight for its keys (see `crate::single_flight`
//! and `crate::serving`), so that concurrent misses for one key share one render and a
//! retired entry can be answered, marked stale, while its successor renders.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::http::{HeaderValue, StatusCode};
use chrono::{DateTime, Utc};
use quick_cache::Weighter;
use quick_cache::sync::Cache;

use sahifa_store::retirements::Registry;

use crate::deps::Deps;
use crate::encoded::EncodedBody;
use crate::serving::Outcome;
use crate::single_flight::SingleFlight;

/// The default memory budget of the page cache.
pub const DEFAULT_BUDGET_BYTES: u64 = 256 * 1024 * 1024;

/// Bookkeeping an entry costs beyond its bytes (key, headers, table slot).
const ENTRY_OVERHEAD: u64 = 256;

/// When an entry was rendered and what it shows: what decides whether it is current.
#[derive(Debug)]
pub struct Stamp {
    /// The registry's sequence number when the render began.
    pub rendered_at: u64,
    /// What the entry shows.
    pub deps: Deps,
    /// The last sequence number the entry was found current at.
    checked: AtomicU64,
}

impl Stamp {
    /// A stamp for an entry whose render began at `rendered_at`.
    pub fn new(rendered_at: u64, deps: Deps) -> Stamp {
        Stamp {
            rendered_at,
            deps,
            checked: AtomicU64::new(rendered_at),
        }
    }

    /// Whether nothing the entry shows was retired since it was rendered. `now` is the
    /// registry's current sequence number, read by the caller before this.
    pub fn is_current(&self, registry: &Registry, now: u64) -> bool {
        if self.checked.load(Ordering::Acquire) == now {
            return true;
        }
        if registry.is_current(self.rendered_at, self.deps.list()) {
            // `fetch_max`: a slower check that read an older `now` never moves it back.
            self.checked.fetch_max(now, Ordering::AcqRel);
            return true;
        }
        false
    }
}

/// What the cache holds: anything stamped with when it was rendered and what it shows.
pub trait Stamped {
    /// The entry's stamp.
    fn stamp(&self) -> &Stamp;
    /// The bytes the entry keeps in memory, every encoding counted.
    fn stored_bytes(&self) -> u64;
}

/// A page as served: status and body in every encoding, stamped.
#[derive(Debug)]
pub struct CachedPage {
    /// When it was rendered and what it shows.
    pub stamp: Stamp,
    /// Response status (only 200 pages are cached today).
    pub status: StatusCode,
    /// The HTML.
    pub body: EncodedBody,
    /// Its own Content-Security-Policy, when it differs from the site's default (a page
    /// framing embedded posts).
    pub csp: Option<HeaderValue>,
}

impl Stamped for CachedPage {
    fn stamp(&self) -> &Stamp {
        &self.stamp
    }

    fn stored_bytes(&self) -> u64 {
        encoded_bytes(&self.body)
    }
}

/// A feed or sitemap as served: also its media type and the newest change of what it
/// lists, for `Last-Modified`.
#[derive(Debug)]
pub struct CachedDocument {
    /// When it was rendered and what it shows.
    pub stamp: Stamp,
    /// Its media type.
    pub content_type: &'static str,
    /// Newest edit among the things listed.
    pub last_modified: Option<DateTime<Utc>>,
    /// The bytes in every encoding.
    pub body: EncodedBody,
}

impl Stamped for CachedDocument {
    fn stamp(&self) -> &Stamp {
        &self.stamp
    }

    fn stored_bytes(&self) -> u64 {
        encoded_bytes(&self.body)
    }
}

/// What a cached body counts against the budget (see `EncodedBody::stored_bytes`).
fn encoded_bytes(body: &EncodedBody) -> u64 {
    body.stored_bytes()
}

/// An entry with the weight it was admitted at: the cache must see the same weight when
/// the entry leaves as when it came in.
struct Slot<T> {
    entry: Arc<T>,
    weight: u64,
}

impl<T> Clone for Slot<T> {
    fn clone(&self) -> Self {
        Slot {
            entry: self.entry.clone(),
            weight: self.weight,
        }
    }
}

#[derive(Clone)]
struct SlotWeight;

impl<T> Weighter<String, Slot<T>> for SlotWeight {
    fn weight(&self, _key: &String, slot: &Slot<T>) -> u64 {
        slot.weight
    }
}

/// Entries by request key, each valid until something it shows is retired.
pub struct RenderCache<T> {
    entries: Cache<String, Slot<T>, SlotWeight>,
    max_entries: u64,
    /// The least an entry weighs, `budget / max_entries`: with it the byte budget also
    /// bounds the entry count, however small the pages.
    min_weight: AtomicU64,
    /// Renders in flight, by key.
    flights: SingleFlight<Outcome<T>>,
    /// Renders run so far (for tests and metrics).
    renders: AtomicU64,
    /// Test hook: while set, renders wait for the semaphore to close before they start
    /// (see [`RenderCache::hold_renders`]). Only a starting render reads it, never a hit.
    gate: Mutex<Option<Arc<tokio::sync::Semaphore>>>,
}

impl<T> std::fmt::Debug for RenderCache<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenderCache")
            .field("len", &self.entries.len())
            .field("weight", &self.entries.weight())
            .field("budget", &self.entries.capacity())
            .finish()
    }
}

/// Rendered pages.
pub type PageCache = RenderCache<CachedPage>;

/// Rendered feeds and sitemaps.
pub type DocumentCache = RenderCache<CachedDocument>;

impl<T: Stamped> RenderCache<T> {
    /// A cache holding at most `max_entries` entries within the default memory budget.
    pub fn new(max_entries: usize) -> RenderCache<T> {
        RenderCache::with_budget(max_entries, DEFAULT_BUDGET_BYTES)
    }

    /// A cache holding at most `max_entries` entries and `budget_bytes` of stored bodies.
    pub fn with_budget(max_entries: usize, budget_bytes: u64) -> RenderCache<T> {
        let max_entries = (max_entries as u64).max(1);
        let budget = budget_bytes.max(1);
        // Each shard evicts on its own; shards of a few MiB keep any one page well within
        // one while still spreading concurrent readers over several locks.
        let shards = (budget / (8 * 1024 * 1024)).clamp(1, 16) as usize;
        let entries = Cache::with_options(
            quick_cache::OptionsBuilder::new()
                .estimated_items_capacity(max_entries.min(100_000) as usize)
                .weight_capacity(budget)
                .shards(shards.next_power_of_two())
                .build()
                // It refuses only options left unset, and both capacities are set above.
                .expect("cache options are complete"),
            SlotWeight,
            Default::default(),
            Default::default(),
        );
        RenderCache {
            entries,
            max_entries,
            min_weight: AtomicU64::new(budget / max_entries),
            flights: SingleFlight::default(),
            renders: AtomicU64::new(0),
            gate: Mutex::new(None),
        }
    }

    /// Changes the memory budget (the start-up configuration); entries beyond it leave,
    /// least recently used first.
    pub fn set_budget(&self, budget_bytes: u64) {
        let budget = budget_bytes.max(1);
        self.min_weight
            .store(budget / self.max_entries, Ordering::Relaxed);
        self.entries.set_capacity(budget);
    }

    /// The entry for `key` if it is current.
    pub fn get(&self, key: &str, registry: &Registry) -> Option<Arc<T>> {
        let now = registry.now();
        self.lookup(key)
            .filter(|entry| entry.stamp().is_current(registry, now))
    }

    /// The entry for `key`, current or not (the caller checks).
    pub fn lookup(&self, key: &str) -> Option<Arc<T>> {
        self.entries.get(key).map(|slot| slot.entry)
    }

    /// Stores an entry, making room by evicting the least recently used ones. An entry
    /// larger than the budget allows is not kept.
    pub fn put(&self, key: String, entry: Arc<T>) {
        let weight = (entry.stored_bytes() + key.len() as u64 + ENTRY_OVERHEAD)
            .max(self.min_weight.load(Ordering::Relaxed));
        self.entries.insert(key, Slot { entry, weight });
    }

    /// How many entries are held (for tests and metrics).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes the entries are charged for (for tests and metrics).
    pub fn weight(&self) -> u64 {
        self.entries.weight()
    }

    /// The memory budget in bytes.
    pub fn budget(&self) -> u64 {
        self.entries.capacity()
    }

    /// How many renders this cache's misses have run (for tests and metrics).
    pub fn renders(&self) -> u64 {
        self.renders.load(Ordering::SeqCst)
    }

    /// How many requests have awaited a render so far, the ones that started it included
    /// (for tests: a request counted here is waiting or has been answered by a render).
    pub fn render_waits(&self) -> u64 {
        self.flights.tickets()
    }

    /// How many renders are in flight right now.
    pub fn renders_in_flight(&self) -> usize {
        self.flights.len()
    }

    /// Test hook: renders that start from now on wait, before rendering, until
    /// [`RenderCache::release_renders`] is called. Costs production nothing but a check of
    /// an empty slot when a render starts.
    pub fn hold_renders(&self) {
        *self.gate.lock().unwrap_or_else(PoisonError::into_inner) =
            Some(Arc::new(tokio::sync::Semaphore::new(0)));
    }

    /// Lets held renders (and all later ones) run.
    pub fn release_renders(&self) {
        if let Some(gate) = self
            .gate
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            gate.close();
        }
    }

    pub(crate) fn flights(&self) -> &SingleFlight<Outcome<T>> {
        &self.flights
    }

    /// Counts a render and hands out the test gate, if one is set.
    pub(crate) fn start_render(&self) -> Option<Arc<tokio::sync::Semaphore>> {
        self.renders.fetch_add(1, Ordering::SeqCst);
        self.gate
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sahifa_store::{Dep, Retired};

    fn stamp(rendered_at: u64, deps: &[Dep]) -> Stamp {
        let deps = deps_of(deps);
        Stamp::new(rendered_at, deps)
    }

    /// Deps as a render of `deps` would have recorded them.
    fn deps_of(deps: &[Dep]) -> Deps {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        runtime.block_on(crate::deps::recording(async {
            crate::deps::record_all(deps.iter().copied());
            crate::deps::collected()
        }))
    }

    fn page(rendered_at: u64) -> Arc<CachedPage> {
        page_showing(rendered_at, &[])
    }

    fn page_showing(rendered_at: u64, deps: &[Dep]) -> Arc<CachedPage> {
        Arc::new(CachedPage {
            stamp: stamp(rendered_at, deps),
            status: StatusCode::OK,
            body: EncodedBody::new(b"x".to_vec()),
            csp: None,
        })
    }

    /// A page of about `kib` KiB of text that compresses poorly, so every encoding counts.
    fn big_page(epoch: u64, kib: usize, seed: u64) -> Arc<CachedPage> {
        let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
        let body: Vec<u8> = (0..kib * 1024)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                b'a' + ((state >> 33) % 26) as u8
            })
            .collect();
        Arc::new(CachedPage {
            stamp: stamp(epoch, &[]),
            status: StatusCode::OK,
            body: EncodedBody::new(body),
            csp: None,
        })
    }

    #[test]
    fn an_entry_lives_until_what_it_shows_is_retired() {
        let registry = Registry::default();
        let cache = PageCache::new(10);
        let at = registry.now();
        cache.put(
            "/".into(),
            page_showing(at, &[Dep::Latest, Dep::Article(1)]),
        );
        cache.put("/other".into(), page_showing(at, &[Dep::Article(2)]));
        assert!(cache.get("/", &registry).is_some());
        registry.retire(&Retired::Some(vec![Dep::Article(2)].into()), false);
        assert!(
            cache.get("/", &registry).is_some(),
            "retired by an unrelated write"
        );
        assert!(cache.get("/other", &registry).is_none());
        registry.retire(&Retired::Some(vec![Dep::Latest].into()), false);
        assert!(cache.get("/", &registry).is_none());
        // Rendered again after the retirements: current.
        cache.put("/".into(), page_showing(registry.now(), &[Dep::Latest]));
        assert!(cache.get("/", &registry).is_some());
        registry.retire(&Retired::Everything, false);
        assert!(cache.get("/", &registry).is_none());
    }

    #[test]
    fn stays_bounded_without_emptying() {
        let cache = PageCache::new(3);
        for i in 0..9 {
            cache.put(format!("/{i}"), page(1));
            assert!(cache.len() <= 3);
        }
        assert_eq!(cache.len(), 3);
        // A full cache of current entries makes room for one more by evicting one, not all.
        cache.put("/new".into(), page(2));
        assert!(cache.len() >= 2, "the cache was emptied: {}", cache.len());
        assert!(cache.get("/new", &Registry::default()).is_some());
    }

    #[test]
    fn the_budget_counts_every_encoding() {
        let page = big_page(1, 4, 7);
        let identity = page.body.identity().len() as u64;
        assert!(
            page.stored_bytes() > identity,
            "compressed copies not counted"
        );
        let cache = PageCache::with_budget(1000, 1024 * 1024);
        cache.put("/a".into(), page.clone());
        assert!(cache.weight() >= page.stored_bytes());
    }

    #[test]
    fn hot_entries_survive_a_flood_beyond_the_budget() {
        // A 2 MiB budget and pages of ~24 KiB in all encodings: a few dozen fit.
        let registry = Registry::default();
        let cache = PageCache::with_budget(10_000, 2 * 1024 * 1024);
        cache.put("/hot".into(), big_page(1, 12, 1));
        for i in 0..600u64 {
            // Readers keep asking for the hot page while a client walks new URLs.
            assert!(
                cache.get("/hot", &registry).is_some(),
                "hot page evicted at {i}"
            );
            cache.put(format!("/flood/{i}"), big_page(1, 12, i + 2));
            assert!(cache.weight() <= cache.budget(), "over budget at {i}");
        }
        assert!(cache.get("/hot", &registry).is_some());
        assert!(cache.len() > 1, "the cache was emptied");
    }

    #[test]
    fn an_oversized_entry_is_not_kept() {
        let cache = PageCache::with_budget(10, 16 * 1024);
        cache.put("/big".into(), big_page(1, 64, 3));
        assert!(cache.get("/big", &Registry::default()).is_none());
        assert!(cache.weight() <= cache.budget());
    }

    #[test]
    fn a_smaller_budget_evicts_down_to_it() {
        let cache = PageCache::with_budget(10_000, 4 * 1024 * 1024);
        for i in 0..64u64 {
            cache.put(format!("/{i}"), big_page(1, 12, i));
        }
        cache.set_budget(512 * 1024);
        assert!(cache.weight() <= 512 * 1024);
        assert!(!cache.is_empty());
    }
}
