//! Queries: what a reader typed becomes a tantivy query built term by term.
//!
//! tantivy's query parser is never given reader input: its syntax (`+`, `-`, `:`, `^`,
//! brackets, `AND`) would turn ordinary text into errors or into field lookups. Instead
//! the text is split on double quotes (quoted parts are phrases; an unbalanced quote just
//! ends the last phrase), run through the analyser, and each word becomes a group "this word
//! in any field, any of its forms", with field boosts. Every group is required; when that
//! finds nothing and there are three or more groups, one group may be missing. Input is
//! bounded (characters and groups), so a 10 KB query costs the same as a long sentence.
//! Nothing here returns an error for any input: a query that analyses to nothing simply
//! matches nothing.

use std::collections::HashSet;
use std::ops::Bound;

use chrono::{DateTime, Utc};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query,
    RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, Order, Searcher, TantivyDocument, Term};

use crate::Result;
use crate::analysis::analyze;
use crate::index::{Fields, SearchIndex};
use crate::snippet;

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
            parsed.highlight.extend(w.forms.iter().cloned());
        }
        if i % 2 == 1 && words.len() > 1 {
            let first = words[0].position;
            let phrase = words
                .into_iter()
                .take(MAX_GROUPS)
                .map(|w| (w.position - first, w.forms))
                .collect();
            parsed.groups.push(Group::Phrase(phrase));
        } else {
            for w in words {
                let group = Group::Word(w.forms);
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

fn group_query(f: &Fields, group: &Group) -> Box<dyn Query> {
    match group {
        Group::Word(forms) => {
            let per_field: Vec<Box<dyn Query>> = weighted_fields(f)
                .into_iter()
                .map(|(field, boost)| {
                    let q: Box<dyn Query> = if forms.len() == 1 {
                        term_query(field, &forms[0])
                    } else {
                        Box::new(BooleanQuery::union(
                            forms.iter().map(|form| term_query(field, form)).collect(),
                        ))
                    };
                    Box::new(BoostQuery::new(q, boost)) as Box<dyn Query>
                })
                .collect();
            // The best field counts fully, the others a little: a word in title and body
            // beats one in the body only, without repeating fields dominating.
            Box::new(DisjunctionMaxQuery::with_tie_breaker(per_field, 0.2))
        }
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
        if results.total == 0 && groups.len() >= 3 {
            // All but one word: a reader's extra word should not hide every result.
            let wanted = groups.len() - 1;
            let words = BooleanQuery::with_minimum_required_clauses(
                groups.into_iter().map(|q| (Occur::Should, q)).collect(),
                wanted,
            );
            let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(words))];
            clauses.extend(filters(&f, req));
            results = self.collect(&searcher, &BooleanQuery::new(clauses), req, &parsed)?;
        }
        Ok(results)
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
                hits: Vec::new(),
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
        Ok(SearchResults { total, hits })
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
