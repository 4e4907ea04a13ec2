//! Queries: what a reader typed becomes a tantivy query built term by term.
//!
//! tantivy's query parser is never given reader input: its syntax (`+`, `-`, `:`, `^`,
//! brackets, `AND`) would turn ordinary text into errors or into field lookups. Instead
//! the text is split on double quotes (quoted parts are phrases; an unbalanced quote just
//! ends the last phrase), run through the analyser, and each word becomes a group "this word
//! in any field, any of its forms", with field boosts. A word's skeleton variant (see
//! [`crate::variants`]) is one of its forms at a lower weight, so «ترمب» finds «ترامب» and
//! the exact spelling still ranks first. Every group is required. When that finds nothing
//! the search does not end on an empty page:
//!
//! - with three or more groups, it falls back to the articles that match most of the
//!   query's words weighted by rarity (each word weighs `ln(1 + N / (df + 1))`; an article
//!   must match at least 60 % of the weight, two thirds for a three-word query, and at
//!   least half the words, never fewer than two), ranked by that coverage, and says so ([`SearchResults::partial`]): a word the
//!   site never used weighs most, so a query about something never covered still finds
//!   nothing, and a fallback never rests on one common word;
//! - a word that occurs nowhere gets a correction from the index's own vocabulary
//!   (edit distance 1, 2 for long words), offered as [`SearchResults::did_you_mean`].
//!
//! Input is bounded (characters and groups), so a 10 KB query costs the same as a long
//! sentence.
//! Nothing here returns an error for any input: a query that analyses to nothing simply
//! matches nothing.

use std::collections::{HashMap, HashSet};
use std::ops::Bound;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::columnar::ColumnValues;
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, EnableScoring, FuzzyTermQuery,
    Occur, PhraseQuery, Query, RangeQuery, Scorer, TermQuery, Weight,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{
    DocAddress, DocId, DocSet, Order, Score, Searcher, SegmentOrdinal, SegmentReader,
    TantivyDocument, Term,
};

use crate::Result;
use crate::analysis::analyze;
use crate::index::{Fields, SearchIndex};
use crate::{lexicon, snippet, variants};

/// Weight of a skeleton variant next to the exact spelling.
pub const VARIANT_WEIGHT: f32 = 0.35;
/// Share of the query's rarity weight a fallback result must match, for queries of four
/// words or more.
pub const FALLBACK_MIN_COVERAGE: f32 = 0.6;
/// The same for three-word queries: two thirds, so the missing word can never be the
/// rarest of the three (a word the site never used makes the query one it never covered).
pub const FALLBACK_MIN_COVERAGE_3: f32 = 2.0 / 3.0;
/// The note a results page shows above fallback results.
pub const PARTIAL_NOTE_AR: &str = "لا نتائج تطابق كل الكلمات؛ هذه أقرب النتائج";
/// [`PARTIAL_NOTE_AR`] in English.
pub const PARTIAL_NOTE_EN: &str = "No results match all the words; these are the closest.";
/// The label before a [`SearchResults::did_you_mean`] link.
pub const DID_YOU_MEAN_AR: &str = "هل تقصد";
/// [`DID_YOU_MEAN_AR`] in English.
pub const DID_YOU_MEAN_EN: &str = "Did you mean";

/// Characters of a query that are looked at; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 512;
/// Word and phrase groups that are looked at.
pub const MAX_GROUPS: usize = 12;
/// Results can be paged this deep and no further.
pub const MAX_OFFSET: usize = 1_000;
/// Characters of a body snippet.
pub const SNIPPET_CHARS: usize = 220;

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best match first.
    #[default]
    Relevance,
    /// Newest first (among matches).
    Newest,
}

impl Sort {
    /// Parses `relevance` / `newest`; anything else is relevance.
    pub fn parse(s: &str) -> Sort {
        match s.trim() {
            "newest" | "date" => Sort::Newest,
            _ => Sort::Relevance,
        }
    }

    /// The query-string value.
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Relevance => "relevance",
            Sort::Newest => "newest",
        }
    }
}

/// One search.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    /// What the reader typed.
    pub q: String,
    /// Only this category (slug) and its subcategories.
    pub category: Option<String>,
    /// Published at or after (Unix seconds).
    pub from: Option<i64>,
    /// Published before (Unix seconds, exclusive).
    pub to: Option<i64>,
    /// Order.
    pub sort: Sort,
    /// Results to skip.
    pub offset: usize,
    /// Results to return (at least 1, at most 100).
    pub limit: usize,
}

/// One result, ready to show.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    /// Article id.
    pub id: i64,
    /// Slug.
    pub slug: String,
    /// Headline as stored.
    pub title: String,
    /// Headline, HTML-escaped, matched words in `<mark>`.
    pub title_html: String,
    /// Excerpt of the body (or the lead), HTML-escaped, matched words in `<mark>`.
    pub snippet_html: String,
    /// Category slug and name.
    pub category: Option<(String, String)>,
    /// Publication time.
    pub published_at: DateTime<Utc>,
    /// Relevance score (0 when sorted by date).
    pub score: f32,
}

/// A page of results.
#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    /// Matches across all pages.
    pub total: usize,
    /// This page.
    pub hits: Vec<SearchHit>,
    /// No article matched every word: these are the articles matching most of them
    /// (show [`PARTIAL_NOTE_AR`] above them).
    pub partial: bool,
    /// The query with its unknown words replaced by the nearest words of the index, when
    /// the query as typed matched nothing in full and a correction exists.
    pub did_you_mean: Option<String>,
}

/// A query after analysis.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedQuery {
    /// Each group is a word (its forms) or a phrase (main forms with positions).
    pub groups: Vec<Group>,
    /// Every term that should be highlighted.
    pub highlight: HashSet<String>,
}

/// One required part of a query.
#[derive(Debug, Clone, PartialEq)]
pub enum Group {
    /// A single word: any of its forms.
    Word(Vec<String>),
    /// Words in this order: `(relative position, forms)`.
    Phrase(Vec<(usize, Vec<String>)>),
    /// Two short words that may be one name written apart («فيس بوك»): both words, or the
    /// skeleton of the two read as one.
    Pair {
        /// Forms of the first word.
        first: Vec<String>,
        /// Forms of the second word.
        second: Vec<String>,
        /// The joined skeleton term.
        joined: String,
    },
}

/// Cuts `s` to at most `max` characters (on a character boundary).
fn bounded(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Analyses a reader's query. Never fails; may return no groups.
pub fn parse(q: &str) -> ParsedQuery {
    let q = bounded(q, MAX_QUERY_CHARS);
    let mut parsed = ParsedQuery::default();
    // Even-numbered parts are outside quotes, odd-numbered inside. An unbalanced quote
    // leaves the tail as a phrase, which is what a reader who forgot to close it meant.
    for (i, part) in q.split(['"', '«', '»', '“', '”']).enumerate() {
        let words = analyze(part);
        if words.is_empty() {
            continue;
        }
        for w in &words {
            for form in &w.forms {
                parsed.highlight.insert(form.clone());
                // Highlighting looks for terms inside words: a singular's plurals are
                // what a plural in the text contains.
                parsed
                    .highlight
                    .extend(lexicon::plurals_of(form).iter().cloned());
            }
        }
        if i % 2 == 1
            && words.len() > 1
            && let Some(first) = words.first().map(|w| w.position)
        {
            let phrase = words
                .into_iter()
                .take(MAX_GROUPS)
                .map(|w| (w.position - first, w.forms))
                .collect();
            parsed.groups.push(Group::Phrase(phrase));
        } else {
            let mut words = words.into_iter().peekable();
            while let Some(w) = words.next() {
                let group = match (w.joined, words.peek()) {
                    (Some(joined), Some(_)) => {
                        let second = words.next().map(|n| n.forms).unwrap_or_default();
                        Group::Pair {
                            first: w.forms,
                            second,
                            joined,
                        }
                    }
                    _ => Group::Word(w.forms),
                };
                if !parsed.groups.contains(&group) {
                    parsed.groups.push(group);
                }
            }
        }
    }
    parsed.groups.truncate(MAX_GROUPS);
    parsed
}

/// Field weights: a word in the headline says more about the article than one in the body.
fn weighted_fields(f: &Fields) -> [(Field, f32); 6] {
    [
        (f.title, 3.0),
        (f.lead, 2.0),
        (f.tags, 1.8),
        (f.category, 1.5),
        (f.author, 1.3),
        (f.body, 1.0),
    ]
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

/// Any of `forms` in one field, skeleton variants at [`VARIANT_WEIGHT`].
fn forms_query(field: Field, forms: &[String]) -> Box<dyn Query> {
    let (variant, exact): (Vec<&String>, Vec<&String>) =
        forms.iter().partition(|f| variants::is_variant(f));
    let mut clauses: Vec<Box<dyn Query>> = exact.iter().map(|f| term_query(field, f)).collect();
    if !variant.is_empty() {
        let v: Box<dyn Query> = if let [only] = variant.as_slice() {
            term_query(field, only)
        } else {
            Box::new(BooleanQuery::union(
                variant.iter().map(|f| term_query(field, f)).collect(),
            ))
        };
        clauses.push(Box::new(BoostQuery::new(v, VARIANT_WEIGHT)));
    }
    if clauses.len() == 1
        && let Some(only) = clauses.pop()
    {
        return only;
    }
    Box::new(BooleanQuery::union(clauses))
}

fn word_query(f: &Fields, forms: &[String]) -> Box<dyn Query> {
    let per_field: Vec<Box<dyn Query>> = weighted_fields(f)
        .into_iter()
        .map(|(field, boost)| {
            Box::new(BoostQuery::new(forms_query(field, forms), boost)) as Box<dyn Query>
        })
        .collect();
    // The best field counts fully, the others a little: a word in title and body beats
    // one in the body only, without repeating fields dominating.
    Box::new(DisjunctionMaxQuery::with_tie_breaker(per_field, 0.2))
}

fn group_query(f: &Fields, group: &Group) -> Box<dyn Query> {
    match group {
        Group::Word(forms) => word_query(f, forms),
        Group::Pair {
            first,
            second,
            joined,
        } => Box::new(BooleanQuery::union(vec![
            Box::new(BooleanQuery::intersection(vec![
                word_query(f, first),
                word_query(f, second),
            ])),
            word_query(f, std::slice::from_ref(joined)),
        ])),
        Group::Phrase(words) => {
            let per_field: Vec<Box<dyn Query>> = [(f.title, 3.0), (f.lead, 2.0), (f.body, 1.0)]
                .into_iter()
                .map(|(field, boost)| {
                    // Documents carry every form of a word at its position; matching the
                    // phrase on each word's main form is enough because a query word's
                    // main form is also among the document word's forms.
                    let terms = words
                        .iter()
                        .filter_map(|(pos, forms)| {
                            forms
                                .first()
                                .map(|t| (*pos, Term::from_field_text(field, t)))
                        })
                        .collect();
                    Box::new(BoostQuery::new(
                        Box::new(PhraseQuery::new_with_offset(terms)),
                        boost,
                    )) as Box<dyn Query>
                })
                .collect();
            Box::new(DisjunctionMaxQuery::with_tie_breaker(per_field, 0.2))
        }
    }
}

fn filters(f: &Fields, req: &SearchRequest) -> Vec<(Occur, Box<dyn Query>)> {
    let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if let Some(slug) = req.category.as_deref().filter(|s| !s.is_empty()) {
        let q = TermQuery::new(
            Term::from_field_text(f.category_path, slug),
            IndexRecordOption::Basic,
        );
        out.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(Box::new(q), 0.0)),
        ));
    }
    if req.from.is_some() || req.to.is_some() {
        let lower = req.from.map_or(Bound::Unbounded, |t| {
            Bound::Included(Term::from_field_i64(f.published, t))
        });
        let upper = req.to.map_or(Bound::Unbounded, |t| {
            Bound::Excluded(Term::from_field_i64(f.published, t))
        });
        let q = RangeQuery::new(lower, upper);
        out.push((
            Occur::Must,
            Box::new(ConstScoreQuery::new(Box::new(q), 0.0)),
        ));
    }
    out
}

impl SearchIndex {
    /// Runs a search. Never fails on the query text; errors are index failures only.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        let parsed = parse(&req.q);
        if parsed.groups.is_empty() {
            return Ok(SearchResults::default());
        }
        let f = self.fields();
        let searcher = self.inner.reader.searcher();
        let groups: Vec<Box<dyn Query>> =
            parsed.groups.iter().map(|g| group_query(&f, g)).collect();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = groups
            .iter()
            .map(|q| (Occur::Must, q.box_clone()))
            .collect();
        clauses.extend(filters(&f, req));
        let strict = BooleanQuery::new(clauses);
        let mut results = self.collect(&searcher, &strict, req, &parsed)?;
        if results.total == 0 {
            // Document frequencies without the filters: rarity is a property of the word.
            let counts = groups
                .iter()
                .map(|g| searcher.search(g.as_ref(), &Count))
                .collect::<tantivy::Result<Vec<usize>>>()?;
            if groups.len() >= 3 {
                results = self.fallback(&searcher, &groups, &counts, req, &parsed)?;
            }
            results.did_you_mean = self.did_you_mean(&searcher, &req.q, &parsed, &counts)?;
        }
        Ok(results)
    }

    /// The articles matching most of the query's words, weighted by rarity (see the
    /// module docs). Empty when no article qualifies.
    fn fallback(
        &self,
        searcher: &Searcher,
        groups: &[Box<dyn Query>],
        counts: &[usize],
        req: &SearchRequest,
        parsed: &ParsedQuery,
    ) -> Result<SearchResults> {
        let n = groups.len();
        let min_groups = n.div_ceil(2).max(2);
        if counts.iter().filter(|&&c| c > 0).count() < min_groups {
            return Ok(SearchResults::default());
        }
        let docs = searcher.num_docs() as f32;
        let weights: Vec<f32> = counts
            .iter()
            .map(|&c| (1.0 + docs / (c as f32 + 1.0)).ln())
            .collect();
        let share = if n <= 3 {
            FALLBACK_MIN_COVERAGE_3
        } else {
            FALLBACK_MIN_COVERAGE
        };
        let min_coverage = share * weights.iter().sum::<f32>();
        let scoring = EnableScoring::disabled_from_searcher(searcher);
        let group_weights = groups
            .iter()
            .map(|g| g.weight(scoring))
            .collect::<tantivy::Result<Vec<Box<dyn Weight>>>>()?;
        let f = self.fields();
        let candidates = BooleanQuery::with_minimum_required_clauses(
            groups
                .iter()
                .map(|q| (Occur::Should, q.box_clone()))
                .collect(),
            min_groups,
        );
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(candidates))];
        clauses.extend(filters(&f, req));
        let collector = Coverage {
            groups: group_weights,
            weights,
            min_coverage,
            min_groups,
            newest: req.sort == Sort::Newest,
        };
        let mut found = searcher.search(&BooleanQuery::new(clauses), &collector)?;
        if req.sort == Sort::Newest {
            found.sort_by_key(|c| std::cmp::Reverse(c.date));
        } else {
            found.sort_by(|a, b| {
                b.coverage
                    .total_cmp(&a.coverage)
                    .then(b.score.total_cmp(&a.score))
            });
        }
        let total = found.len();
        let mut hits = Vec::new();
        if req.offset <= MAX_OFFSET {
            for c in found.iter().skip(req.offset).take(req.limit.clamp(1, 100)) {
                let doc: TantivyDocument = searcher.doc(c.address)?;
                let score = if req.sort == Sort::Newest {
                    0.0
                } else {
                    c.score
                };
                hits.push(self.hit(&doc, score, &parsed.highlight));
            }
        }
        Ok(SearchResults {
            total,
            hits,
            partial: total > 0,
            did_you_mean: None,
        })
    }

    /// The query with each word that occurs nowhere replaced by the nearest word of the
    /// index's vocabulary (headlines and leads of the articles holding it), if any word
    /// was replaced.
    fn did_you_mean(
        &self,
        searcher: &Searcher,
        q: &str,
        parsed: &ParsedQuery,
        counts: &[usize],
    ) -> Result<Option<String>> {
        let f = self.fields();
        let mut changed = false;
        let mut out = Vec::new();
        for token in bounded(q, MAX_QUERY_CHARS).split_whitespace() {
            let words = analyze(token);
            let unknown = match words.as_slice() {
                [w] => parsed
                    .groups
                    .iter()
                    .position(|g| *g == Group::Word(w.forms.clone()))
                    .and_then(|i| counts.get(i))
                    .is_some_and(|&c| c == 0),
                _ => false,
            };
            let correction = if unknown {
                self.correction(searcher, &f, &crate::analysis::normalize(token))?
            } else {
                None
            };
            match correction {
                Some(word) => {
                    changed = true;
                    out.push(word);
                }
                None => out.push(token.to_string()),
            }
        }
        Ok(changed.then(|| out.join(" ")))
    }

    /// The word of headlines and tags nearest to a normalised query word (edit distance
    /// 1, 2 from seven letters on), as written there; the most frequent of the nearest.
    fn correction(&self, searcher: &Searcher, f: &Fields, word: &str) -> Result<Option<String>> {
        let len = word.chars().count();
        if len < 4 || !word.chars().all(char::is_alphabetic) {
            return Ok(None);
        }
        let distance: usize = if len >= 7 { 2 } else { 1 };
        let query =
            FuzzyTermQuery::new(Term::from_field_text(f.suggest, word), distance as u8, true);
        let top = searcher.search(&query, &TopDocs::with_limit(8).order_by_score())?;
        let mut candidates: HashMap<String, (usize, usize, String)> = HashMap::new();
        for (_, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let texts = doc
                .get_first(f.title)
                .into_iter()
                .chain(doc.get_all(f.tags))
                .filter_map(|v| v.as_str());
            for text in texts {
                for (surface, normalized) in crate::analysis::surface_words(text) {
                    let bare = crate::analysis::strip_article(&normalized);
                    let d = levenshtein(&normalized, word).min(levenshtein(bare, word));
                    if d == 0 || d > distance {
                        continue;
                    }
                    let entry =
                        candidates
                            .entry(normalized.clone())
                            .or_insert((d, 0, surface.to_string()));
                    entry.1 += 1;
                }
            }
        }
        Ok(candidates
            .into_values()
            .min_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)))
            .map(|(_, _, surface)| surface))
    }

    fn collect(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        req: &SearchRequest,
        parsed: &ParsedQuery,
    ) -> Result<SearchResults> {
        if req.offset > MAX_OFFSET {
            // Deep pages are not served (nobody reads them; crawlers would make them
            // costly), but the count stays right.
            let total = searcher.search(query, &Count)?;
            return Ok(SearchResults {
                total,
                ..Default::default()
            });
        }
        let limit = req.limit.clamp(1, 100);
        let top = TopDocs::with_limit(limit).and_offset(req.offset);
        let (total, addresses): (usize, Vec<(f32, DocAddress)>) = match req.sort {
            Sort::Relevance => searcher.search(query, &(Count, top.order_by_score()))?,
            Sort::Newest => {
                let (total, docs) = searcher.search(
                    query,
                    &(
                        Count,
                        top.order_by_fast_field::<i64>("published", Order::Desc),
                    ),
                )?;
                (total, docs.into_iter().map(|(_, a)| (0.0, a)).collect())
            }
        };
        let mut hits = Vec::with_capacity(addresses.len());
        for (score, address) in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            hits.push(self.hit(&doc, score, &parsed.highlight));
        }
        Ok(SearchResults {
            total,
            hits,
            ..Default::default()
        })
    }

    fn hit(&self, doc: &TantivyDocument, score: f32, terms: &HashSet<String>) -> SearchHit {
        let f = self.fields();
        let text = |field: Field| -> String {
            doc.get_first(field)
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        };
        let title = text(f.title);
        let body = text(f.body);
        let lead = text(f.lead);
        // Prefer the body passage that matched; fall back to the lead when only the
        // headline or the lead matched (their words are visible either way).
        let body_marks = crate::analysis::matching_spans(&body, terms);
        let snippet_html = if !body_marks.is_empty() || lead.is_empty() {
            snippet::excerpt_marked(&body, &body_marks, SNIPPET_CHARS)
        } else {
            snippet::excerpt(&lead, terms, SNIPPET_CHARS)
        };
        let category = match (text(f.category_slug), text(f.category)) {
            (slug, name) if !slug.is_empty() => Some((slug, name)),
            _ => None,
        };
        let published = doc
            .get_first(f.published)
            .and_then(|v| v.as_i64())
            .unwrap_or_default();
        SearchHit {
            id: doc
                .get_first(f.id)
                .and_then(|v| v.as_u64())
                .map_or(0, |v| i64::try_from(v).unwrap_or(0)),
            slug: text(f.slug),
            title_html: snippet::highlight_all(&title, terms),
            title,
            snippet_html,
            category,
            published_at: DateTime::from_timestamp(published, 0).unwrap_or_default(),
            score,
        }
    }
}

/// Levenshtein distance in characters.
fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = i;
        let mut prev = i + 1;
        let mut next_row = Vec::with_capacity(row.len());
        next_row.push(prev);
        for (j, cb) in b.iter().enumerate() {
            let up = row.get(j + 1).copied().unwrap_or(usize::MAX - 1);
            let value = (diagonal + usize::from(ca != *cb))
                .min(up + 1)
                .min(prev + 1);
            diagonal = up;
            prev = value;
            next_row.push(value);
        }
        row = next_row;
    }
    row.last().copied().unwrap_or(0)
}

/// A fallback candidate.
struct Covered {
    coverage: f32,
    score: Score,
    date: i64,
    address: DocAddress,
}

/// Collects the documents whose matched groups carry enough of the query's weight,
/// checking each group's postings alongside the candidate query (documents arrive in
/// order within a segment, so every group's doc set only moves forward).
struct Coverage {
    groups: Vec<Box<dyn Weight>>,
    weights: Vec<f32>,
    min_coverage: f32,
    min_groups: usize,
    newest: bool,
}

struct SegmentCoverage {
    segment: SegmentOrdinal,
    scorers: Vec<Box<dyn Scorer>>,
    weights: Vec<f32>,
    min_coverage: f32,
    min_groups: usize,
    published: Option<Arc<dyn ColumnValues<i64>>>,
    found: Vec<Covered>,
}

impl Collector for Coverage {
    type Fruit = Vec<Covered>;
    type Child = SegmentCoverage;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentCoverage> {
        let scorers = self
            .groups
            .iter()
            .map(|w| w.scorer(reader, 1.0))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let published = if self.newest {
            reader
                .fast_fields()
                .i64("published")
                .ok()
                .map(|c| c.first_or_default_col(0))
        } else {
            None
        };
        Ok(SegmentCoverage {
            segment,
            scorers,
            weights: self.weights.clone(),
            min_coverage: self.min_coverage,
            min_groups: self.min_groups,
            published,
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<Covered>>) -> tantivy::Result<Vec<Covered>> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for SegmentCoverage {
    type Fruit = Vec<Covered>;

    fn collect(&mut self, doc: DocId, score: Score) {
        let (mut coverage, mut matched) = (0.0, 0);
        for (scorer, weight) in self.scorers.iter_mut().zip(&self.weights) {
            if scorer.doc() < doc {
                scorer.seek(doc);
            }
            if scorer.doc() == doc {
                coverage += weight;
                matched += 1;
            }
        }
        if matched >= self.min_groups && coverage >= self.min_coverage {
            self.found.push(Covered {
                coverage,
                score,
                date: self.published.as_ref().map_or(0, |c| c.get_val(doc)),
                address: DocAddress::new(self.segment, doc),
            });
        }
    }

    fn harvest(self) -> Vec<Covered> {
        self.found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_make_phrases_and_unbalanced_quotes_are_fine() {
        let p = parse("\"النفط الخام\" أسعار");
        assert!(matches!(p.groups[0], Group::Phrase(_)));
        assert!(matches!(p.groups[1], Group::Word(_)));
        let p = parse("أسعار \"النفط الخام");
        assert_eq!(p.groups.len(), 2);
        assert!(parse("\"\"\"").groups.is_empty());
        assert!(
            parse("+ - && || ! ( ) { } [ ] ^ ~ * ? : \\ /")
                .groups
                .is_empty()
        );
        assert!(parse("AND OR NOT").groups.len() <= 3);
    }

    #[test]
    fn long_queries_are_bounded() {
        let long = "نفط ".repeat(3000);
        let p = parse(&long);
        assert_eq!(p.groups.len(), 1);
        let varied: String = (0..2000).map(|i| format!("كلمة{i} ")).collect();
        assert!(parse(&varied).groups.len() <= MAX_GROUPS);
    }
}
