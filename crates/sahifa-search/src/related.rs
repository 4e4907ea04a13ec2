//! Related articles: "more like this" over the analysed title, lead, body and tags of an
//! article, plus a small bonus for each shared tag and for recency.
//!
//! Term selection is tantivy's MoreLikeThis (tf·idf of the article's own terms, the top
//! ones become a weighted OR query). Terms found in a single document cannot connect two
//! articles and terms found in most documents connect everything, so both are left out.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, MoreLikeThisQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, OwnedValue, Value};
use tantivy::{DocId, Score, SegmentReader, TantivyDocument, Term};

use crate::Result;
use crate::index::SearchIndex;

/// How many terms of the source article make up the similarity query.
const MAX_QUERY_TERMS: usize = 40;
/// A shared tag adds this much (MoreLikeThis scores are normalised so the best term is 1).
const SHARED_TAG_BOOST: f32 = 0.8;
/// Recency: an article from today gets up to this much extra, halving every `HALF_LIFE`.
const RECENCY_BONUS: f32 = 0.25;
const HALF_LIFE_DAYS: f32 = 60.0;

/// Lists the memo keeps for one reader generation before it starts over: a few per page
/// that can be cached, far fewer bytes than the pages themselves.
const MEMO_ENTRIES: usize = 8192;

/// Related lists computed on one reader generation and day. A list depends only on what
/// the index holds and, through the recency bonus, on the day; the index changes only when
/// the reader reloads after a commit: so a page re-rendered because a comment or a menu
/// changed reuses its list instead of running the similarity query again.
#[derive(Default)]
pub(crate) struct RelatedMemo {
    generation: u64,
    day: i64,
    lists: HashMap<(i64, usize), Arc<[i64]>>,
}

impl SearchIndex {
    /// The list [`SearchIndex::related`] would return, when it was already computed on the
    /// current reader: cheap enough to call on the request's own thread.
    pub fn related_memoised(&self, id: i64, limit: usize, now_unix: i64) -> Option<Vec<i64>> {
        let generation = self.inner.reader.searcher().generation().generation_id();
        let memo = self.inner.related_memo.lock().ok()?;
        if memo.generation != generation || memo.day != now_unix.div_euclid(86_400) {
            return None;
        }
        memo.lists.get(&(id, limit)).map(|ids| ids.to_vec())
    }

    /// Ids of up to `limit` published articles most similar to article `id`, best first.
    /// Empty when the article is not in the index or nothing is similar enough.
    pub fn related(&self, id: i64, limit: usize, now_unix: i64) -> Result<Vec<i64>> {
        let searcher = self.inner.reader.searcher();
        let generation = searcher.generation().generation_id();
        let ids = self.related_on(&searcher, id, limit, now_unix)?;
        if let Ok(mut memo) = self.inner.related_memo.lock() {
            let day = now_unix.div_euclid(86_400);
            if memo.generation != generation || memo.day != day || memo.lists.len() >= MEMO_ENTRIES
            {
                memo.generation = generation;
                memo.day = day;
                memo.lists.clear();
            }
            memo.lists.insert((id, limit), ids.as_slice().into());
        }
        Ok(ids)
    }

    fn related_on(
        &self,
        searcher: &tantivy::Searcher,
        id: i64,
        limit: usize,
        now_unix: i64,
    ) -> Result<Vec<i64>> {
        let f = self.fields();
        let id_term = Term::from_field_u64(f.id, id.max(0) as u64);
        let own = searcher.search(
            &TermQuery::new(id_term.clone(), IndexRecordOption::Basic),
            &TopDocs::with_limit(1).order_by_score(),
        )?;
        let Some((_, address)) = own.first() else {
            return Ok(Vec::new());
        };
        let doc: TantivyDocument = searcher.doc(*address)?;
        let values = |field| -> Vec<OwnedValue> {
            doc.get_all(field)
                .filter_map(|v| v.as_str().map(|s| OwnedValue::Str(s.to_string())))
                .collect()
        };
        let fields = vec![
            (f.title, values(f.title)),
            (f.lead, values(f.lead)),
            (f.body, values(f.body)),
            (f.tags, values(f.tags)),
        ];
        let num_docs = searcher.num_docs();
        let mlt = MoreLikeThisQuery::builder()
            .with_min_doc_frequency(2)
            .with_max_doc_frequency((num_docs / 3).max(3))
            .with_min_term_frequency(1)
            .with_max_query_terms(MAX_QUERY_TERMS)
            .with_min_word_length(4) // bytes: two Arabic letters
            .with_boost_factor(1.0)
            .with_document_fields(fields);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, Box::new(mlt)),
            (
                Occur::MustNot,
                Box::new(TermQuery::new(id_term, IndexRecordOption::Basic)),
            ),
        ];
        for tag in doc.get_all(f.tag_slug).filter_map(|v| v.as_str()) {
            let q = TermQuery::new(
                Term::from_field_text(f.tag_slug, tag),
                IndexRecordOption::Basic,
            );
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(q), SHARED_TAG_BOOST)),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let collector =
            TopDocs::with_limit(limit.max(1)).tweak_score(move |segment: &SegmentReader| {
                let published = segment
                    .fast_fields()
                    .i64("published")
                    .ok()
                    .map(|c| c.first_or_default_col(0));
                move |doc: DocId, score: Score| {
                    let at = published.as_ref().map_or(now_unix, |c| c.get_val(doc));
                    let age_days = ((now_unix - at).max(0) as f32) / 86_400.0;
                    score * (1.0 + RECENCY_BONUS * 0.5f32.powf(age_days / HALF_LIFE_DAYS))
                }
            });
        let top = searcher.search(&query, &collector)?;
        let mut ids = Vec::with_capacity(top.len());
        for (score, address) in top {
            if score <= 0.0 {
                continue;
            }
            let doc: TantivyDocument = searcher.doc(address)?;
            if let Some(other) = doc.get_first(f.id).and_then(|v| v.as_u64())
                && let Ok(other) = i64::try_from(other)
                && other != id
            {
                ids.push(other);
            }
        }
        Ok(ids)
    }
}
