//! The rendered-page cache.
//!
//! Public pages depend only on what is stored, so a page rendered at content epoch `e` is
//! valid for as long as the epoch stays `e`. Every store write bumps the epoch (see
//! `sahifa_store::Db::epoch`), which makes every entry stale at once: invalidation can never
//! miss a page that shows the changed thing, at the price of re-rendering pages that did
//! not change, which is cheap next to serving them.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use axum::http::StatusCode;
use chrono::{DateTime, Utc};

use crate::encoded::EncodedBody;

/// What the cache holds: anything stamped with the content epoch it shows.
pub trait Stamped {
    /// The content epoch the entry was rendered at.
    fn epoch(&self) -> u64;
}

/// A page as served: status and body in every encoding, stamped with the epoch it shows.
#[derive(Debug)]
pub struct CachedPage {
    /// The content epoch the page was rendered at.
    pub epoch: u64,
    /// Response status (only 200 pages are cached today).
    pub status: StatusCode,
    /// The HTML.
    pub body: EncodedBody,
}

impl Stamped for CachedPage {
    fn epoch(&self) -> u64 {
        self.epoch
    }
}

/// A feed or sitemap as served: also its media type and the newest change of what it
/// lists, for `Last-Modified`.
#[derive(Debug)]
pub struct CachedDocument {
    /// The content epoch the document was rendered at.
    pub epoch: u64,
    /// Its media type.
    pub content_type: &'static str,
    /// Newest edit among the things listed.
    pub last_modified: Option<DateTime<Utc>>,
    /// The bytes in every encoding.
    pub body: EncodedBody,
}

impl Stamped for CachedDocument {
    fn epoch(&self) -> u64 {
        self.epoch
    }
}

/// Entries by request key, each valid for the epoch it was rendered at.
#[derive(Debug)]
pub struct EpochCache<T> {
    entries: RwLock<HashMap<String, Arc<T>>>,
    max_entries: usize,
}

/// Rendered pages.
pub type PageCache = EpochCache<CachedPage>;

/// Rendered feeds and sitemaps.
pub type DocumentCache = EpochCache<CachedDocument>;

impl<T: Stamped> EpochCache<T> {
    /// A cache holding at most `max_entries` entries.
    pub fn new(max_entries: usize) -> EpochCache<T> {
        EpochCache {
            entries: RwLock::new(HashMap::new()),
            max_entries,
        }
    }

    /// The entry for `key` if it was rendered at `epoch`.
    pub fn get(&self, key: &str, epoch: u64) -> Option<Arc<T>> {
        let entries = self.entries.read().ok()?;
        entries.get(key).filter(|p| p.epoch() == epoch).cloned()
    }

    /// Stores an entry. When full, stale entries go first; if all are current the cache is
    /// emptied, which bounds memory whatever URLs a crawler invents.
    pub fn put(&self, key: String, entry: Arc<T>) {
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        if entries.len() >= self.max_entries && !entries.contains_key(&key) {
            let epoch = entry.epoch();
            entries.retain(|_, p| p.epoch() == epoch);
            if entries.len() >= self.max_entries {
                entries.clear();
            }
        }
        entries.insert(key, entry);
    }

    /// How many entries are held (for tests and metrics).
    pub fn len(&self) -> usize {
        self.entries.read().map(|e| e.len()).unwrap_or(0)
    }

    /// Whether the cache is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(epoch: u64) -> Arc<CachedPage> {
        Arc::new(CachedPage {
            epoch,
            status: StatusCode::OK,
            body: EncodedBody::new(b"x".to_vec()),
        })
    }

    #[test]
    fn entries_expire_with_the_epoch() {
        let cache = PageCache::new(10);
        cache.put("/".into(), page(1));
        assert!(cache.get("/", 1).is_some());
        assert!(cache.get("/", 2).is_none());
    }

    #[test]
    fn stays_bounded() {
        let cache = PageCache::new(3);
        for i in 0..9 {
            cache.put(format!("/{i}"), page(1));
            assert!(cache.len() <= 3);
        }
        assert_eq!(cache.len(), 3);
        cache.put("/new".into(), page(2));
        assert_eq!(cache.len(), 1);
    }
}
