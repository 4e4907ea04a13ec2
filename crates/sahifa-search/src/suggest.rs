//! Suggestions as the reader types: headlines and tags whose words start with what was
//! typed, newest first.
//!
//! The `suggest` field holds the normalised, unstemmed words of each headline and tag
//! (and each word without its article, so «انتخ» finds «الانتخابات»). A suggestion
//! request takes every word but the last as a whole word and the last as a prefix,
//! expands the prefix from the field's term dictionary (the most frequent few
//! completions), and returns matching tags and headlines. Nothing is stemmed: a word the
//! reader has not finished has no stem yet.

use std::collections::HashSet;

use tantivy::Index;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{Order, TantivyDocument, Term};

use crate::Result;
use crate::analysis::{normalized_words, strip_article};
use crate::index::SearchIndex;

/// The name of the suggestion field's tokenizer.
pub const TOKENIZER_NAME: &str = "sahifa_suggest";

/// Characters of the typed text that are looked at.
pub const MAX_SUGGEST_CHARS: usize = 100;
/// Completions of the last word that are searched for.
const MAX_COMPLETIONS: usize = 24;
/// Terms of the dictionary looked at per segment for one prefix.
const MAX_SCANNED: usize = 4_000;

/// What a suggestion points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuggestionKind {
    /// An article, by its headline.
    Headline,
    /// A tag.
    Tag,
}

/// One suggestion for the search box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// Headline or tag.
    pub kind: SuggestionKind,
    /// The text to show (the headline or the tag name, as stored).
    pub text: String,
    /// The article's slug or the tag's slug.
    pub slug: String,
    /// The article id (for headlines).
    pub id: Option<i64>,
}

pub(crate) fn register(index: &Index) {
    index
        .tokenizers()
        .register(TOKENIZER_NAME, SuggestTokenizer);
}

/// Every normalised word, and the same word without its article at the same position.
#[derive(Clone, Default)]
pub struct SuggestTokenizer;

/// Token stream of [`SuggestTokenizer`].
pub struct SuggestTokenStream {
    queue: std::vec::IntoIter<Token>,
    current: Token,
}

impl Tokenizer for SuggestTokenizer {
    type TokenStream<'a> = SuggestTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> SuggestTokenStream {
        let mut tokens = Vec::new();
        for (position, word) in normalized_words(text).into_iter().enumerate() {
            let bare = strip_article(&word).to_string();
            if bare != word {
                tokens.push(Token {
                    position,
                    text: bare,
                    ..Token::default()
                });
            }
            tokens.push(Token {
                position,
                text: word,
                ..Token::default()
            });
        }
        SuggestTokenStream {
            queue: tokens.into_iter(),
            current: Token::default(),
        }
    }
}

impl TokenStream for SuggestTokenStream {
    fn advance(&mut self) -> bool {
        match self.queue.next() {
            Some(token) => {
                self.current = token;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

/// Whether a text's words cover the typed words (all but the last whole, the last as a
/// prefix).
fn text_matches(text: &str, whole: &[String], prefix: &str) -> bool {
    let words: Vec<String> = normalized_words(text);
    let has = |w: &str| words.iter().any(|x| x == w || strip_article(x) == w);
    whole.iter().all(|w| has(w))
        && words
            .iter()
            .any(|x| x.starts_with(prefix) || strip_article(x).starts_with(prefix))
}

impl SearchIndex {
    /// Up to `limit` suggestions for what a reader has typed so far: matching tags first,
    /// then headlines, newest first. Empty for fewer than two letters. Never fails on the
    /// text; errors are index failures only.
    pub fn suggest(&self, typed: &str, limit: usize) -> Result<Vec<Suggestion>> {
        let limit = limit.clamp(1, 20);
        let typed: String = typed.chars().take(MAX_SUGGEST_CHARS).collect();
        let mut words = normalized_words(&typed);
        // A trailing space means the last word is finished.
        let finished = typed.ends_with(char::is_whitespace);
        let Some(last) = words.pop() else {
            return Ok(Vec::new());
        };
        if last.chars().count() < 2 && words.is_empty() {
            return Ok(Vec::new());
        }
        let f = self.fields();
        let searcher = self.inner.reader.searcher();
        let mut completions: Vec<(u32, String)> = Vec::new();
        if finished {
            completions.push((1, last.clone()));
        } else {
            for segment in searcher.segment_readers() {
                let inverted = segment.inverted_index(f.suggest)?;
                let mut stream = inverted
                    .terms()
                    .range()
                    .ge(last.as_bytes())
                    .into_stream()
                    .map_err(tantivy::TantivyError::from)?;
                let mut scanned = 0;
                while stream.advance() && scanned < MAX_SCANNED {
                    scanned += 1;
                    let key = stream.key();
                    if !key.starts_with(last.as_bytes()) {
                        break;
                    }
                    let Ok(term) = std::str::from_utf8(key) else {
                        continue;
                    };
                    let df = stream.value().doc_freq;
                    match completions.iter_mut().find(|(_, t)| t == term) {
                        Some(entry) => entry.0 += df,
                        None => completions.push((df, term.to_string())),
                    }
                }
            }
            completions.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            completions.truncate(MAX_COMPLETIONS);
        }
        if completions.is_empty() {
            return Ok(Vec::new());
        }
        let term = |w: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(f.suggest, w),
                IndexRecordOption::Basic,
            ))
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .map(|w| (Occur::Must, term(strip_article(w))))
            .collect();
        clauses.push((
            Occur::Must,
            Box::new(BooleanQuery::union(
                completions.iter().map(|(_, t)| term(t)).collect(),
            )),
        ));
        let query = BooleanQuery::new(clauses);
        let top = searcher.search(
            &query,
            &TopDocs::with_limit(limit * 3).order_by_fast_field::<i64>("published", Order::Desc),
        )?;
        let whole: Vec<String> = words.iter().map(|w| strip_article(w).to_string()).collect();
        let prefix = if finished {
            last.clone()
        } else {
            strip_article(&last).to_string()
        };
        let mut tags = Vec::new();
        let mut headlines = Vec::new();
        let mut seen_tags = HashSet::new();
        for (_, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let names = doc.get_all(f.tags).filter_map(|v| v.as_str());
            let slugs = doc.get_all(f.tag_slug).filter_map(|v| v.as_str());
            for (name, slug) in names.zip(slugs) {
                if text_matches(name, &whole, &prefix) && seen_tags.insert(slug.to_string()) {
                    tags.push(Suggestion {
                        kind: SuggestionKind::Tag,
                        text: name.to_string(),
                        slug: slug.to_string(),
                        id: None,
                    });
                }
            }
            let title = doc
                .get_first(f.title)
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            if text_matches(title, &whole, &prefix) {
                headlines.push(Suggestion {
                    kind: SuggestionKind::Headline,
                    text: title.to_string(),
                    slug: doc
                        .get_first(f.slug)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_string(),
                    id: doc
                        .get_first(f.id)
                        .and_then(|v| v.as_u64())
                        .and_then(|v| i64::try_from(v).ok()),
                });
            }
        }
        // At most half the list for tags, so headlines always show.
        tags.truncate(limit.div_ceil(2));
        let room = limit.saturating_sub(tags.len());
        headlines.truncate(room);
        tags.extend(headlines);
        Ok(tags)
    }
}
