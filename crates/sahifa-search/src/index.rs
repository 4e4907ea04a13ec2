//! The on-disk index: schema, opening (and recovering from) an index folder, full rebuilds
//! from the database, and applying single-article changes.
//!
//! The database is the source of truth; the index is a per-process cache of it. Each commit
//! carries a small JSON *marker* (tantivy's commit payload) with the analyser format, the
//! write-log cursor it reflects and the number of documents, so a process starting up can
//! tell a fresh index from a stale, foreign or damaged one without reading it all.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};

use sahifa_store::{Category, Db, Dep, IndexArticle, Retired};

use crate::analysis::{ArabicTokenizer, TOKENIZER_NAME};
use crate::{Result, SearchError};

/// Bump whenever the analyser or the schema changes: an index written with another format
/// is rebuilt at start-up, because its terms no longer match what queries produce.
pub const FORMAT_VERSION: u32 = 2;

/// Articles read from the database per batch during a rebuild.
const REBUILD_BATCH: i64 = 500;

/// The fields of the index.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Article id: the key for updates and deletes.
    pub id: Field,
    /// Slug, stored for links.
    pub slug: Field,
    /// Headline.
    pub title: Field,
    /// Standfirst.
    pub lead: Field,
    /// Body as plain text (stored for snippets and related-article terms).
    pub body: Field,
    /// Tag names, one value each.
    pub tags: Field,
    /// Tag slugs (exact, stored in the order of `tags`), for "shares a tag" in related
    /// articles and for linking tag suggestions.
    pub tag_slug: Field,
    /// Normalised, unstemmed words of the headline and the tags, for suggestions by prefix.
    pub suggest: Field,
    /// Category name (analysed).
    pub category: Field,
    /// Category slug, stored for the result's link.
    pub category_slug: Field,
    /// Slugs of the category and all its ancestors (exact), so a filter on a section also
    /// finds its subsections, as the archives do.
    pub category_path: Field,
    /// Byline.
    pub author: Field,
    /// Publication time, Unix seconds.
    pub published: Field,
}

fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER_NAME)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let fields = Fields {
        id: b.add_u64_field("id", INDEXED | STORED | FAST),
        slug: b.add_text_field("slug", STORED),
        title: b.add_text_field("title", text.clone()),
        lead: b.add_text_field("lead", text.clone()),
        body: b.add_text_field("body", text.clone()),
        tags: b.add_text_field("tags", text.clone()),
        tag_slug: b.add_text_field("tag_slug", STRING | STORED),
        suggest: b.add_text_field(
            "suggest",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(crate::suggest::TOKENIZER_NAME)
                    .set_index_option(IndexRecordOption::Basic),
            ),
        ),
        category: b.add_text_field("category", text.clone()),
        category_slug: b.add_text_field("category_slug", STORED),
        category_path: b.add_text_field("category_path", STRING),
        author: b.add_text_field("author", text),
        published: b.add_i64_field("published", INDEXED | STORED | FAST),
    };
    (b.build(), fields)
}

/// What the last commit says about the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marker {
    /// [`FORMAT_VERSION`] at the time of writing.
    pub format: u32,
    /// Every article-event id up to and including this one is reflected in the index.
    pub cursor: i64,
    /// Documents in the index after the commit.
    pub docs: u64,
}

/// How much the index writer may use.
#[derive(Debug, Clone, Copy)]
pub struct IndexOptions {
    /// Indexing threads.
    pub threads: usize,
    /// Total indexing memory budget in bytes (tantivy wants at least 15 MB per thread).
    pub heap_bytes: usize,
}

impl IndexOptions {
    /// For a server: one thread, a small budget. Edits arrive one article at a time and
    /// the two cores are shared with the web server; start-up rebuilds are still fast.
    pub fn server() -> IndexOptions {
        IndexOptions {
            threads: 1,
            heap_bytes: 48_000_000,
        }
    }

    /// For `sahifa reindex` and benchmarks: both cores.
    pub fn bulk() -> IndexOptions {
        IndexOptions {
            threads: 2,
            heap_bytes: 200_000_000,
        }
    }
}

/// Why an index was (re)built at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenOutcome {
    /// The index was current or was caught up from the write log.
    Current,
    /// The index was rebuilt from the database, for the reason given.
    Rebuilt(String),
}

/// A search index. Cheap to clone; all clones share the reader and the single writer.
#[derive(Clone)]
pub struct SearchIndex {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) index: Index,
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
    writer: Mutex<IndexWriter>,
    dir: PathBuf,
    /// Related-article lists already computed on the current reader.
    pub(crate) related_memo: Mutex<crate::related::RelatedMemo>,
}

/// Progress callback for rebuilds: `(done, total)`.
pub type Progress<'a> = &'a mut (dyn FnMut(u64, u64) + Send);

impl SearchIndex {
    /// Opens the index in `dir`, creating it when missing and starting over when it cannot
    /// be read or has another schema. Returns the index and the marker of its last commit
    /// (`None` for a new or recreated index, which must then be rebuilt).
    pub fn open(
        dir: &Path,
        options: IndexOptions,
    ) -> Result<(SearchIndex, Option<Marker>, Option<String>)> {
        let (schema, fields) = build_schema();
        let mut problem = None;
        let existing = if dir.join("meta.json").exists() {
            match Self::open_existing(dir, &schema) {
                Ok(index) => Some(index),
                Err(why) => {
                    problem = Some(why);
                    None
                }
            }
        } else {
            problem = Some("no index yet".to_string());
            None
        };
        let index = match existing {
            Some(index) => index,
            None => {
                if dir.exists() {
                    std::fs::remove_dir_all(dir).map_err(|e| SearchError::io(dir, e))?;
                }
                std::fs::create_dir_all(dir).map_err(|e| SearchError::io(dir, e))?;
                let index = Index::create_in_dir(dir, schema)?;
                index.tokenizers().register(TOKENIZER_NAME, ArabicTokenizer);
                crate::suggest::register(&index);
                index
            }
        };
        let marker = if problem.is_none() {
            index
                .load_metas()?
                .payload
                .and_then(|p| serde_json::from_str::<Marker>(&p).ok())
        } else {
            None
        };
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let writer = index
            .writer_with_num_threads(options.threads.max(1), options.heap_bytes.max(16_000_000))
            .map_err(SearchError::from_writer)?;
        let search = SearchIndex {
            inner: Arc::new(Inner {
                index,
                reader,
                fields,
                writer: Mutex::new(writer),
                dir: dir.to_path_buf(),
                related_memo: Mutex::new(crate::related::RelatedMemo::default()),
            }),
        };
        Ok((search, marker, problem))
    }

    fn open_existing(dir: &Path, schema: &Schema) -> std::result::Result<Index, String> {
        let index = Index::open_in_dir(dir).map_err(|e| format!("unreadable index: {e}"))?;
        if index.schema() != *schema {
            return Err("index schema differs".to_string());
        }
        index.tokenizers().register(TOKENIZER_NAME, ArabicTokenizer);
        crate::suggest::register(&index);
        // Opening a reader opens every segment: a damaged segment file fails here, not on
        // the first search.
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(|e| format!("unreadable segments: {e}"))?;
        let searcher = reader.searcher();
        for segment in searcher.segment_readers() {
            segment
                .get_store_reader(1)
                .map_err(|e| format!("unreadable document store: {e}"))?;
        }
        Ok(index)
    }

    /// The folder this index lives in.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// The fields (for queries built elsewhere in this crate).
    pub fn fields(&self) -> Fields {
        self.inner.fields
    }

    /// Documents visible to searches.
    pub fn num_docs(&self) -> u64 {
        self.inner.reader.searcher().num_docs()
    }

    /// The marker of the last commit, if any.
    pub fn marker(&self) -> Option<Marker> {
        self.inner
            .index
            .load_metas()
            .ok()?
            .payload
            .and_then(|p| serde_json::from_str(&p).ok())
    }

    /// Builds the tantivy document for an article.
    pub(crate) fn document(&self, a: &IndexArticle, paths: &CategoryPaths) -> TantivyDocument {
        let f = &self.inner.fields;
        let mut doc = TantivyDocument::default();
        doc.add_u64(f.id, a.id.max(0) as u64);
        doc.add_text(f.slug, &a.slug);
        doc.add_text(f.title, &a.title);
        doc.add_text(f.suggest, &a.title);
        doc.add_text(f.lead, &a.lead);
        doc.add_text(f.body, sahifa_text::body::plain_text(&a.body_html));
        for (slug, name) in &a.tags {
            doc.add_text(f.tags, name);
            doc.add_text(f.suggest, name);
            doc.add_text(f.tag_slug, slug);
        }
        if let Some((id, slug, name)) = &a.category {
            doc.add_text(f.category, name);
            doc.add_text(f.category_slug, slug);
            for s in paths.slugs(*id, slug) {
                doc.add_text(f.category_path, s);
            }
        }
        if let Some(author) = &a.author {
            doc.add_text(f.author, author);
        }
        doc.add_i64(f.published, a.published_at.timestamp());
        doc
    }

    fn id_term(&self, id: i64) -> Term {
        Term::from_field_u64(self.inner.fields.id, id.max(0) as u64)
    }

    /// Replaces the index's content with every published article of the database, then
    /// commits with a marker at the write-log position read *before* the first article,
    /// so nothing written during the rebuild can be missed (the follower re-applies it).
    pub async fn rebuild(&self, db: &Db, progress: Option<Progress<'_>>) -> Result<Marker> {
        let cursor = db.last_article_event_id().await?;
        let total = db.published_article_count().await?.max(0) as u64;
        let paths = CategoryPaths::load(db).await?;
        let mut progress = progress;
        {
            let writer = self.lock_writer()?;
            writer.delete_all_documents()?;
        }
        let mut done = 0u64;
        let mut after = 0i64;
        loop {
            let (batch, last_seen) = db.articles_for_index(after, REBUILD_BATCH).await?;
            let Some(last_seen) = last_seen else { break };
            after = last_seen;
            if batch.is_empty() {
                continue;
            }
            let docs: Vec<TantivyDocument> =
                batch.iter().map(|a| self.document(a, &paths)).collect();
            let this = self.clone();
            let n = docs.len() as u64;
            tokio::task::spawn_blocking(move || -> Result<()> {
                let writer = this.lock_writer()?;
                for doc in docs {
                    writer.add_document(doc)?;
                }
                Ok(())
            })
            .await
            .map_err(SearchError::join)??;
            done += n;
            if let Some(p) = progress.as_mut() {
                p(done, total.max(done));
            }
        }
        let marker = Marker {
            format: FORMAT_VERSION,
            cursor,
            docs: done,
        };
        self.commit(marker).await?;
        Ok(marker)
    }

    /// Re-reads the given articles from the database and updates the index to match:
    /// published ones are (re)indexed, missing or private ones removed. Commits with
    /// `cursor`, makes the change visible to searches and retires the articles' own pages.
    pub async fn apply(&self, db: &Db, article_ids: &[i64], cursor: i64) -> Result<()> {
        let paths = CategoryPaths::load(db).await?;
        let mut changes = Vec::with_capacity(article_ids.len());
        for &id in article_ids {
            let doc = db
                .article_for_index(id)
                .await?
                .map(|a| self.document(&a, &paths));
            changes.push((id, doc));
        }
        let this = self.clone();
        tokio::task::spawn_blocking(move || -> Result<()> {
            let writer = this.lock_writer()?;
            for (id, doc) in changes {
                writer.delete_term(this.id_term(id));
                if let Some(doc) = doc {
                    writer.add_document(doc)?;
                }
            }
            Ok(())
        })
        .await
        .map_err(SearchError::join)??;
        // `docs` is informational (the count before this commit); start-up compares the
        // live document count with the database instead.
        self.commit(Marker {
            format: FORMAT_VERSION,
            cursor,
            docs: self.num_docs(),
        })
        .await?;
        // The changed articles' own pages pick their related articles from the index: a
        // page rendered before the index knew its article's words fell back to the
        // database's list. Other pages keep their related block until something they show
        // changes (this node's index is its own, so no other process or cache hears of it).
        db.retire_local(&Retired::Some(
            article_ids.iter().copied().map(Dep::Article).collect(),
        ));
        Ok(())
    }

    /// Commits pending changes with `marker` and reloads the reader.
    async fn commit(&self, marker: Marker) -> Result<()> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || -> Result<()> {
            let payload = serde_json::to_string(&marker).unwrap_or_default();
            let mut writer = this.lock_writer()?;
            let mut prepared = writer.prepare_commit()?;
            prepared.set_payload(&payload);
            prepared.commit()?;
            drop(writer);
            this.inner.reader.reload()?;
            Ok(())
        })
        .await
        .map_err(SearchError::join)?
    }

    /// Brings back a writer that a failed write stopped: tantivy kills an `IndexWriter`
    /// whose indexing thread met an I/O error (a full or read-only disk), and every later
    /// add fails until it is rolled back, which starts fresh indexing threads from the
    /// last commit. The follower calls this after a failure, then re-applies the events.
    pub(crate) async fn reset_writer(&self) -> Result<()> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || -> Result<()> {
            this.inner.writer.clear_poison();
            let mut writer = this.lock_writer()?;
            writer.rollback()?;
            Ok(())
        })
        .await
        .map_err(SearchError::join)?
    }

    fn lock_writer(&self) -> Result<std::sync::MutexGuard<'_, IndexWriter>> {
        self.inner.writer.lock().map_err(|_| SearchError::Poisoned)
    }
}

/// For each category, its slug and the slugs of its ancestors.
pub(crate) struct CategoryPaths {
    by_id: HashMap<i64, Category>,
}

impl CategoryPaths {
    pub(crate) async fn load(db: &Db) -> Result<CategoryPaths> {
        let by_id = db
            .categories()
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        Ok(CategoryPaths { by_id })
    }

    fn slugs(&self, id: i64, own_slug: &str) -> Vec<String> {
        let mut out = vec![own_slug.to_string()];
        let mut current = self.by_id.get(&id).and_then(|c| c.parent_id);
        // Bounded walk: a cycle in hand-edited data must not hang the indexer.
        for _ in 0..32 {
            let Some(parent_id) = current else { break };
            let Some(parent) = self.by_id.get(&parent_id) else {
                break;
            };
            if out.contains(&parent.slug) {
                break;
            }
            out.push(parent.slug.clone());
            current = parent.parent_id;
        }
        out
    }
}
