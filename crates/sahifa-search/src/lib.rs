//! Sahifa's search: an Arabic analyser, a tantivy index kept per process and fed from the
//! article write log, programmatic queries with highlighted snippets, and content-based
//! related articles.
//!
//! - [`analysis`]: normalisation, stop words, light stemming (documents and queries alike).
//! - [`index`]: schema, opening/recovering the index folder, rebuilds, per-article updates.
//! - [`query`]: turning what a reader typed into a query without ever failing on it.
//! - [`lexicon`]: broken plurals, native words and false friends (data files in `data/`).
//! - [`variants`]: consonant skeletons that let transliterations and Latin spellings meet.
//! - [`snippet`]: HTML-safe excerpts with the matched words in `<mark>`.
//! - [`suggest`]: headlines and tags by prefix, for the search box.
//! - [`related`]: "more like this" over title, lead, body and tags.
//! - [`follower`]: the background task that applies the write log within a second.
//!
//! The database stays the source of truth: [`open_fresh`] rebuilds a missing, stale,
//! foreign or damaged index from it at start-up.

// Text, queries, uploads and forms decide indexes here, and a panic takes a request down:
// look up with `get` and propagate errors instead of unwrapping.
#![warn(clippy::indexing_slicing)]
#![warn(clippy::unwrap_used)]

pub mod analysis;
pub mod follower;
pub mod index;
pub mod lexicon;
pub mod query;
pub mod related;
pub mod snippet;
pub mod suggest;
pub mod variants;

use std::path::{Path, PathBuf};

pub use index::{IndexOptions, Marker, OpenOutcome, SearchIndex};
pub use query::{SearchHit, SearchRequest, SearchResults, Sort};
pub use suggest::{Suggestion, SuggestionKind};

use sahifa_store::Db;

/// The index folder inside a data dir.
pub fn index_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("search-index")
}

/// Why a search operation failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The index files could not be read or written.
    #[error("search index error: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// Another process (a running server, a `sahifa reindex`) holds this index's writer.
    #[error(
        "the search index at {0} is in use by another Sahifa process (each process needs its own data dir)"
    )]
    Locked(String),
    /// Reading from the database failed.
    #[error(transparent)]
    Store(#[from] sahifa_store::StoreError),
    /// A file-system operation on the index folder failed.
    #[error("cannot use the index folder {path}: {source}")]
    Io {
        /// The folder.
        path: String,
        /// What failed.
        source: std::io::Error,
    },
    /// A background indexing task panicked or was cancelled.
    #[error("indexing task failed: {0}")]
    Join(String),
    /// A previous panic left the writer unusable.
    #[error("the index writer is unusable after an earlier failure")]
    Poisoned,
}

impl SearchError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> SearchError {
        SearchError::Io {
            path: path.display().to_string(),
            source,
        }
    }

    pub(crate) fn join(err: tokio::task::JoinError) -> SearchError {
        SearchError::Join(err.to_string())
    }

    pub(crate) fn from_writer(err: tantivy::TantivyError) -> SearchError {
        match err {
            tantivy::TantivyError::LockFailure(_, _) => SearchError::Locked(String::new()),
            other => SearchError::Index(other),
        }
    }
}

/// Result alias for search calls.
pub type Result<T, E = SearchError> = std::result::Result<T, E>;

/// Opens the index in `dir` and makes it reflect the database before returning:
///
/// - missing, unreadable, of another schema or analyser format: rebuilt;
/// - ahead of the database's write log (a restored or different database): rebuilt;
/// - behind: caught up from the write log, then the document count is compared with the
///   database's published articles and the index rebuilt on any difference (this also
///   repairs an index that missed an event, see [`follower`]).
///
/// Returns the index, what was done, and the write-log position to follow from.
pub async fn open_fresh(
    db: &Db,
    dir: &Path,
    options: IndexOptions,
    progress: Option<index::Progress<'_>>,
) -> Result<(SearchIndex, OpenOutcome, i64)> {
    let (search, marker, problem) = SearchIndex::open(dir, options).map_err(|e| match e {
        SearchError::Locked(_) => SearchError::Locked(dir.display().to_string()),
        other => other,
    })?;
    let db_cursor = db.last_article_event_id().await?;
    let reason = match (marker, problem) {
        (_, Some(problem)) => Some(problem),
        (None, None) => Some("the index has no marker".to_string()),
        (Some(m), None) if m.format != index::FORMAT_VERSION => {
            Some(format!("analyser format {} is outdated", m.format))
        }
        (Some(m), None) if m.cursor > db_cursor => {
            Some("the index is ahead of the database (another or a restored database)".into())
        }
        (Some(m), None) => {
            let mut cursor = m.cursor;
            loop {
                let events = db.article_events_after(cursor, 1000).await?;
                let Some(last) = events.last() else { break };
                cursor = last.id;
                let mut ids: Vec<i64> = events.iter().map(|e| e.article_id).collect();
                ids.sort_unstable();
                ids.dedup();
                search.apply(db, &ids, cursor).await?;
            }
            let published = db.published_article_count().await?.max(0) as u64;
            if search.num_docs() != published {
                Some(format!(
                    "the index holds {} articles, the database {published}",
                    search.num_docs()
                ))
            } else {
                // The follower starts from the old marker, not from `cursor`: catching up
                // read the log once, and on PostgreSQL an event committed out of order in
                // that moment would otherwise be behind the follower's start for good.
                // Re-applying the caught-up events once is harmless.
                return Ok((search, OpenOutcome::Current, m.cursor));
            }
        }
    };
    let reason = reason.unwrap_or_default();
    tracing::info!(%reason, dir = %dir.display(), "rebuilding the search index");
    let marker = search.rebuild(db, progress).await?;
    Ok((search, OpenOutcome::Rebuilt(reason), marker.cursor))
}
