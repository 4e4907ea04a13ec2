//! `GET /api/v1/search?q=`: the search page's results as JSON, with the same parameters
//! (`q`, `category`, `from`, `to`, `sort`, `page`, plus `per_page` up to 50). Answers
//! `{"total": N, "results": [{"title", "slug", "url", "snippet", "category",
//! "published_at"}, ...]}`; `snippet` is HTML whose only markup is `<mark>`. Like the page,
//! it never answers an error for what was typed; 503 means this process runs no index.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::pages::search::{MAX_PAGE, SearchParams, run_search};
use sahifa_http::error::ApiError;
use sahifa_http::state::AppState;
use sahifa_http::urls;
use sahifa_search::suggest::SuggestionKind;

const DEFAULT_PER_PAGE: usize = 10;
const MAX_PER_PAGE: usize = 50;

// Fields in sorted order: the answer's objects were serde_json maps, which sort their
// keys, and the wire format stays byte-for-byte the same.

/// The answer of `GET /api/v1/search`.
#[derive(Debug, Serialize)]
struct SearchResponse<'a> {
    /// A spelling the index knows, when the query found nothing in full.
    #[serde(skip_serializing_if = "Option::is_none")]
    did_you_mean: Option<&'a str>,
    /// No article matched every word: these are the closest.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    partial: bool,
    results: Vec<SearchResult<'a>>,
    /// Matches across all pages.
    total: usize,
}

/// One match.
#[derive(Debug, Serialize)]
struct SearchResult<'a> {
    category: Option<ResultCategory<'a>>,
    published_at: DateTime<Utc>,
    slug: &'a str,
    /// HTML whose only markup is `<mark>`.
    snippet: &'a str,
    title: &'a str,
    /// Absolute URL of the article.
    url: String,
}

#[derive(Debug, Serialize)]
struct ResultCategory<'a> {
    name: &'a str,
    slug: &'a str,
}

/// `GET /api/v1/search`.
pub async fn search(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let per_page = query
        .get("per_page")
        .and_then(|p| {
            sahifa_text::digits::to_ascii_digits(p.trim())
                .parse::<usize>()
                .ok()
        })
        .filter(|n| *n >= 1)
        .unwrap_or(DEFAULT_PER_PAGE)
        .min(MAX_PER_PAGE);
    let params = SearchParams::from_query(&query, MAX_PAGE);
    let tz = match state.site().await {
        Ok(site) => site.tz,
        Err(err) => return internal(&err.to_string()),
    };
    if params.q.trim().is_empty() {
        return Json(SearchResponse {
            did_you_mean: None,
            partial: false,
            results: Vec::new(),
            total: 0,
        })
        .into_response();
    }
    let results = match run_search(&state, params.request(tz, per_page)).await {
        Ok(Some(results)) => results,
        Ok(None) => {
            return ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "search_unavailable",
                "api-search-unavailable",
            )
            .into_response();
        }
        Err(err) => return internal(&err.to_string()),
    };
    let base = &state.config().base_url;
    let items = results
        .hits
        .iter()
        .map(|h| SearchResult {
            category: h
                .category
                .as_ref()
                .map(|(slug, name)| ResultCategory { name, slug }),
            published_at: h.published_at,
            slug: &h.slug,
            snippet: &h.snippet_html,
            title: &h.title,
            url: format!("{base}{}", urls::article(&h.slug)),
        })
        .collect();
    Json(SearchResponse {
        did_you_mean: results.did_you_mean.as_deref(),
        partial: results.partial,
        results: items,
        total: results.total,
    })
    .into_response()
}

/// How many suggestions the search box shows.
const SUGGESTIONS: usize = 8;

/// The answer of `GET /api/v1/search/suggest`.
#[derive(Debug, Serialize)]
struct SuggestResponse {
    suggestions: Vec<SuggestionView>,
}

/// One suggestion: a headline (to its article) or a tag (to its archive).
#[derive(Debug, Serialize)]
struct SuggestionView {
    /// `headline` or `tag`.
    kind: &'static str,
    text: String,
    /// Site-relative URL of the article or the tag archive.
    url: String,
}

/// `GET /api/v1/search/suggest?q=`: headlines and tags completing what a reader has typed,
/// for the search box. Like search, nothing typed is an error; fewer than two letters
/// answer no suggestions. Cheap enough to ask on every keystroke (a prefix walk over the
/// index's own dictionary), and cacheable for a minute by the browser.
pub async fn suggest(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let typed = query.get("q").cloned().unwrap_or_default();
    let Some(index) = state.search().cloned() else {
        return ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "search_unavailable",
            "api-search-unavailable",
        )
        .into_response();
    };
    let found = tokio::task::spawn_blocking(move || index.suggest(&typed, SUGGESTIONS)).await;
    let suggestions = match found {
        Ok(Ok(found)) => found,
        Ok(Err(err)) => return internal(&err.to_string()),
        Err(err) => return internal(&err.to_string()),
    };
    let suggestions = suggestions
        .into_iter()
        .map(|s| match s.kind {
            SuggestionKind::Headline => SuggestionView {
                kind: "headline",
                url: urls::article(&s.slug),
                text: s.text,
            },
            SuggestionKind::Tag => SuggestionView {
                kind: "tag",
                url: urls::tag(&s.slug),
                text: s.text,
            },
        })
        .collect();
    (
        [(axum::http::header::CACHE_CONTROL, "public, max-age=60")],
        Json(SuggestResponse { suggestions }),
    )
        .into_response()
}

fn internal(detail: &str) -> Response {
    tracing::error!(%detail, "search api failed");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "error-500-message",
    )
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_keeps_sorted_keys() {
        let answer = SearchResponse {
            did_you_mean: Some("q"),
            partial: true,
            results: vec![SearchResult {
                category: Some(ResultCategory {
                    name: "n",
                    slug: "s",
                }),
                published_at: Utc::now(),
                slug: "s",
                snippet: "<mark>x</mark>",
                title: "t",
                url: "u".into(),
            }],
            total: 1,
        };
        let direct = serde_json::to_string(&answer).expect("serialises");
        let sorted = serde_json::to_value(&answer)
            .expect("serialises")
            .to_string();
        assert_eq!(direct, sorted);
    }
}
