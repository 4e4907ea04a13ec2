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

use crate::encoded::EncodedBody;

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

/// Pages by request key.
#[derive(Debug)]
pub struct PageCache {
    entries: RwLock<HashMap<String, Arc<CachedPage>>>,
    max_entries: usize,
}

impl PageCache {
    /// A cache holding at most `max_entries` pages.
    pub fn new(max_entries: usize) -> PageCache {
        PageCache {
            entries: RwLock::new(HashMap::new()),
            max_entries,
        }
    }

    /// The page for `key` if it was rendered at `epoch`.
    pub fn get(&self, key: &str, epoch: u64) -> Option<Arc<CachedPage>> {
        let entries = self.entries.read().ok()?;
        entries.get(key).filter(|p| p.epoch == epoch).cloned()
    }

    /// Stores a page. When full, stale entries go first; if all are current the cache is
    /// emptied, which bounds memory whatever URLs a crawler invents.
    pub fn put(&self, key: String, page: Arc<CachedPage>) {
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        if entries.len() >= self.max_entries && !entries.contains_key(&key) {
            let epoch = page.epoch;
            entries.retain(|_, p| p.epoch == epoch);
            if entries.len() >= self.max_entries {
                entries.clear();
            }
        }
        entries.insert(key, page);
    }

    /// How many pages are held (for tests and metrics).
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
