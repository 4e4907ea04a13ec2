//! What a write retires, and the registry that remembers it.
//!
//! A cached page (or feed, or sitemap) records the things it shows as [`Dep`]s: the articles
//! on it, the lists it draws from, its categories, tags, authors, static page and the site's
//! settings and menus. A write names the same things (see `sahifa_newsroom`, which knows
//! what each use case changes) and [`Tx::retire`](crate::Tx::retire)s them; when it
//! commits, the registry stamps each named thing with a new sequence number. A page
//! rendered at sequence `s` is current while none of its things carries a stamp above `s`,
//! so a comment approved on one article retires that article's page and the lists showing
//! its comment count, and the rest of the cache stays warm.
//!
//! The same names travel to other processes through the database (the
//! `cache_retirements` log, one row per committed version of the shared content counter)
//! and to HTTP caches in front (the `Surrogate-Key`/`xkey` headers and the purges that
//! name them), so one vocabulary serves all three.
//!
//! A write that cannot say what it changed retires everything, which is always correct.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

/// One thing a page shows and a write can change. Its text form (`a12`, `all`) is what the
/// cross-process log stores and what HTTP caches see as a surrogate key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dep {
    /// One article's content: headline, lead, image, body, byline, tags and comments
    /// (and so its comment count on every card).
    Article(i64),
    /// A category itself: its name and description.
    Category(i64),
    /// A tag itself: its name.
    Tag(i64),
    /// An author itself: name and profile.
    Author(i64),
    /// A static page.
    Page(i64),
    /// Which articles a category's archive lists.
    InCategory(i64),
    /// Which articles a tag's archive lists.
    InTag(i64),
    /// Which articles an author's archive lists.
    ByAuthor(i64),
    /// The membership of the site-wide latest list (home, feeds, sitemaps).
    Latest,
    /// Settings, menus and the category tree: what every page's frame shows.
    Site,
    /// Any article's content: for documents listing so many articles that naming each
    /// would make their key list unbounded (sitemaps).
    AnyArticle,
}

/// The surrogate key every cached response carries, so that one purge can drop them all.
pub const EVERYTHING_KEY: &str = "sahifa";

impl fmt::Display for Dep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Dep::Article(id) => write!(f, "a{id}"),
            Dep::Category(id) => write!(f, "c{id}"),
            Dep::Tag(id) => write!(f, "t{id}"),
            Dep::Author(id) => write!(f, "u{id}"),
            Dep::Page(id) => write!(f, "p{id}"),
            Dep::InCategory(id) => write!(f, "lc{id}"),
            Dep::InTag(id) => write!(f, "lt{id}"),
            Dep::ByAuthor(id) => write!(f, "lu{id}"),
            Dep::Latest => f.write_str("all"),
            Dep::Site => f.write_str("site"),
            Dep::AnyArticle => f.write_str("any"),
        }
    }
}

impl Dep {
    /// Reads the text form back; `None` for anything else.
    pub fn parse(text: &str) -> Option<Dep> {
        match text {
            "all" => return Some(Dep::Latest),
            "site" => return Some(Dep::Site),
            "any" => return Some(Dep::AnyArticle),
            _ => {}
        }
        let digits_at = text.find(|c: char| c.is_ascii_digit())?;
        let (kind, id) = text.split_at(digits_at);
        // Only the digits this module writes: no sign, no leading zero, no overflow.
        if id.is_empty() || (id.len() > 1 && id.starts_with('0')) {
            return None;
        }
        if !id.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let id: i64 = id.parse().ok()?;
        Some(match kind {
            "a" => Dep::Article(id),
            "c" => Dep::Category(id),
            "t" => Dep::Tag(id),
            "u" => Dep::Author(id),
            "p" => Dep::Page(id),
            "lc" => Dep::InCategory(id),
            "lt" => Dep::InTag(id),
            "lu" => Dep::ByAuthor(id),
            _ => return None,
        })
    }
}

/// What one committed write retired.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Retired {
    /// These things.
    Some(Arc<[Dep]>),
    /// Everything.
    Everything,
}

impl Retired {
    /// The text stored in the cross-process log: the keys separated by spaces, or `*`.
    pub fn to_log(&self) -> String {
        match self {
            Retired::Everything => "*".to_string(),
            Retired::Some(deps) => deps
                .iter()
                .map(Dep::to_string)
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    /// Reads a log entry back; anything unreadable retires everything, never nothing.
    pub fn from_log(text: &str) -> Retired {
        let mut deps = Vec::new();
        for word in text.split_ascii_whitespace() {
            match Dep::parse(word) {
                Some(dep) => deps.push(dep),
                None => return Retired::Everything,
            }
        }
        Retired::Some(deps.into())
    }
}

/// What an open transaction will retire when it commits.
#[derive(Debug, Default)]
pub(crate) enum Pending {
    #[default]
    Nothing,
    Some(BTreeSet<Dep>),
    Everything,
}

impl Pending {
    pub(crate) fn add(&mut self, deps: impl IntoIterator<Item = Dep>) {
        match self {
            Pending::Everything => {}
            Pending::Some(set) => set.extend(deps),
            Pending::Nothing => *self = Pending::Some(deps.into_iter().collect()),
        }
    }

    pub(crate) fn everything(&mut self) {
        *self = Pending::Everything;
    }

    /// `None` when nothing was retired.
    pub(crate) fn take(&mut self) -> Option<Retired> {
        match std::mem::take(self) {
            Pending::Nothing => None,
            Pending::Some(set) => Some(Retired::Some(set.into_iter().collect())),
            Pending::Everything => Some(Retired::Everything),
        }
    }
}

/// The registry of retirements in this process: a sequence that moves on with each one,
/// and for each thing ever retired the sequence number of its last retirement.
///
/// Ordering is what makes it safe: a page reads [`Registry::now`] *before* it reads the
/// database, and a write is stamped only *after* its commit. A page that read old data
/// therefore has a sequence number below the write's stamp and is stale; a page whose
/// number is at or above the stamp read after the commit.
#[derive(Debug)]
pub struct Registry {
    seq: AtomicU64,
    /// The sequence number of the last "everything" retirement.
    everything_at: AtomicU64,
    stamps: RwLock<HashMap<Dep, u64>>,
    /// Every retirement, for the HTTP purger (see `sahifa_http::purge`).
    announce: tokio::sync::broadcast::Sender<Retired>,
}

impl Default for Registry {
    fn default() -> Self {
        Registry {
            seq: AtomicU64::new(1),
            everything_at: AtomicU64::new(0),
            stamps: RwLock::new(HashMap::new()),
            announce: tokio::sync::broadcast::channel(1024).0,
        }
    }
}

impl Registry {
    /// The current sequence number: it moves on with every retirement.
    pub fn now(&self) -> u64 {
        self.seq.load(Ordering::Acquire)
    }

    /// Whether an entry rendered at `rendered_at` that shows `deps` is still current.
    pub fn is_current(&self, rendered_at: u64, deps: &[Dep]) -> bool {
        if self.everything_at.load(Ordering::Acquire) > rendered_at {
            return false;
        }
        if deps.is_empty() {
            return true;
        }
        let stamps = self.stamps.read().unwrap_or_else(PoisonError::into_inner);
        deps.iter()
            .all(|dep| stamps.get(dep).is_none_or(|&at| at <= rendered_at))
    }

    /// The sequence number of the last retirement of anything in `deps` (or of
    /// everything): a render that began at or after it shows their current state.
    pub fn last_change(&self, deps: &[Dep]) -> u64 {
        let everything = self.everything_at.load(Ordering::Acquire);
        let stamps = self.stamps.read().unwrap_or_else(PoisonError::into_inner);
        deps.iter()
            .filter_map(|dep| stamps.get(dep).copied())
            .fold(everything, u64::max)
    }

    /// Retires `what` in this process. `announce` says whether HTTP caches should hear of it
    /// from this process (the writer's own commits), or not (another node's write, which
    /// that node purges; process-local changes such as the search index).
    pub fn retire(&self, what: &Retired, announce: bool) {
        {
            // The write lock also orders the sequence: stamps and `seq` move together.
            let mut stamps = self.stamps.write().unwrap_or_else(PoisonError::into_inner);
            let next = self.seq.load(Ordering::Acquire) + 1;
            match what {
                Retired::Everything => {
                    self.everything_at.store(next, Ordering::Release);
                    // Every older stamp is now below `everything_at`: drop them, which keeps
                    // the table from growing for ever.
                    stamps.clear();
                }
                Retired::Some(deps) => {
                    for dep in deps.iter() {
                        stamps.insert(*dep, next);
                    }
                }
            }
            self.seq.store(next, Ordering::Release);
        }
        if announce {
            // No subscriber (no purge URLs configured) is not an error.
            let _ = self.announce.send(what.clone());
        }
    }

    /// Every retirement announced from now on.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<Retired> {
        self.announce.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms_read_back() {
        for dep in [
            Dep::Article(12),
            Dep::Category(3),
            Dep::Tag(90),
            Dep::Author(2),
            Dep::Page(7),
            Dep::InCategory(4),
            Dep::InTag(5),
            Dep::ByAuthor(6),
            Dep::Latest,
            Dep::Site,
            Dep::AnyArticle,
        ] {
            assert_eq!(Dep::parse(&dep.to_string()), Some(dep));
        }
        for bad in [
            "",
            "a",
            "a-1",
            "a01",
            "l1",
            "lx1",
            "x1",
            "a1x",
            "a99999999999999999999",
            "sahifa",
        ] {
            assert_eq!(Dep::parse(bad), None, "{bad:?}");
        }
        let some = Retired::Some(vec![Dep::Article(1), Dep::Latest].into());
        assert_eq!(some.to_log(), "a1 all");
        assert_eq!(Retired::from_log("a1 all"), some);
        assert_eq!(Retired::from_log("*"), Retired::Everything);
        assert_eq!(Retired::from_log("a1 ???"), Retired::Everything);
    }

    #[test]
    fn a_retirement_reaches_only_what_shows_it() {
        let registry = Registry::default();
        let home_at = registry.now();
        let home = [Dep::Site, Dep::Latest, Dep::Article(1), Dep::Article(2)];
        let other_at = registry.now();
        let other = [Dep::Site, Dep::Article(3)];
        registry.retire(&Retired::Some(vec![Dep::Article(2)].into()), false);
        assert!(!registry.is_current(home_at, &home));
        assert!(registry.is_current(other_at, &other));
        // Rendered after the retirement: current.
        assert!(registry.is_current(registry.now(), &home));
        registry.retire(&Retired::Everything, false);
        assert!(!registry.is_current(other_at, &other));
        assert!(registry.is_current(registry.now(), &other));
    }

    #[test]
    fn pending_retirements_merge() {
        let mut pending = Pending::default();
        assert_eq!(pending.take(), None);
        pending.add([Dep::Article(2), Dep::Latest]);
        pending.add([Dep::Article(2), Dep::Tag(1)]);
        assert_eq!(
            pending.take(),
            Some(Retired::Some(
                vec![Dep::Article(2), Dep::Tag(1), Dep::Latest].into()
            ))
        );
        pending.add([Dep::Article(2)]);
        pending.everything();
        pending.add([Dep::Tag(1)]);
        assert_eq!(pending.take(), Some(Retired::Everything));
    }
}
