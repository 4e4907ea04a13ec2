//! `GET /search?q=`: the search page, and the parameter handling it shares with the JSON
//! search API.
//!
//! Search pages are not put in the page cache: every distinct query string would be an
//! entry, so a crawler inventing queries could push the article pages out. A search is a
//! few milliseconds of index work, cheaper than the render, so there is nothing to save.
//!
//! Parameters never produce an error page: an unparsable page number means page 1, an
//! unparsable date is ignored (and shown back empty), an unknown sort means relevance.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;
use serde::Serialize;

use sahifa_search::{SearchRequest, SearchResults, Sort};

use crate::view::{self, Link, Pagination};
use sahifa_http::error::AppError;
use sahifa_http::state::{AppState, SiteView};
use sahifa_http::urls;

/// Results per page on the search page.
pub const PER_PAGE: usize = 10;
/// The deepest page offered (results beyond are not worth paging to).
pub const MAX_PAGE: usize = 100;

/// The search parameters, as understood.
#[derive(Debug, Clone, Default)]
pub struct SearchParams {
    /// The query text as typed.
    pub q: String,
    /// Category slug filter.
    pub category: Option<String>,
    /// `YYYY-MM-DD` (first day included), as typed when valid.
    pub from: Option<NaiveDate>,
    /// `YYYY-MM-DD` (last day included).
    pub to: Option<NaiveDate>,
    /// Order.
    pub sort: Sort,
    /// 1-based page.
    pub page: usize,
}

fn parse_date(raw: Option<&String>) -> Option<NaiveDate> {
    let ascii = sahifa_text::digits::to_ascii_digits(raw?.trim());
    NaiveDate::parse_from_str(&ascii, "%Y-%m-%d").ok()
}

impl SearchParams {
    /// Reads the query string; never fails.
    pub fn from_query(query: &HashMap<String, String>, max_page: usize) -> SearchParams {
        let page = query
            .get("page")
            .and_then(|p| {
                sahifa_text::digits::to_ascii_digits(p.trim())
                    .parse::<usize>()
                    .ok()
            })
            .filter(|p| *p >= 1)
            .unwrap_or(1)
            .min(max_page);
        SearchParams {
            q: query.get("q").cloned().unwrap_or_default(),
            category: query
                .get("category")
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty() && c.len() <= 200),
            from: parse_date(query.get("from")),
            to: parse_date(query.get("to")),
            sort: Sort::parse(query.get("sort").map(String::as_str).unwrap_or_default()),
            page,
        }
    }

    /// The index request for these parameters; dates are days in the site's time zone.
    pub fn request(&self, tz: Tz, per_page: usize) -> SearchRequest {
        let midnight = |d: NaiveDate| -> Option<i64> {
            let local = d.and_hms_opt(0, 0, 0)?;
            tz.from_local_datetime(&local)
                .earliest()
                .map(|t| t.timestamp())
        };
        SearchRequest {
            q: self.q.clone(),
            category: self.category.clone(),
            from: self.from.and_then(midnight),
            to: self.to.and_then(|d| d.succ_opt()).and_then(midnight),
            sort: self.sort,
            offset: (self.page - 1) * per_page,
            limit: per_page,
        }
    }

    /// `/search?...` for these parameters on `page`, omitting defaults.
    pub fn url(&self, page: usize) -> String {
        let mut parts = vec![format!("q={}", urls::query_value(&self.q))];
        if let Some(c) = &self.category {
            parts.push(format!("category={}", urls::query_value(c)));
        }
        if let Some(d) = self.from {
            parts.push(format!("from={d}"));
        }
        if let Some(d) = self.to {
            parts.push(format!("to={d}"));
        }
        if self.sort != Sort::Relevance {
            parts.push(format!("sort={}", self.sort.as_str()));
        }
        if page > 1 {
            parts.push(format!("page={page}"));
        }
        format!("/search?{}", parts.join("&"))
    }
}

/// Runs the search off the async threads (index reads are blocking file I/O).
pub async fn run_search(
    state: &AppState,
    request: SearchRequest,
) -> Result<Option<SearchResults>, AppError> {
    let Some(index) = state.search().cloned() else {
        return Ok(None);
    };
    let results = tokio::task::spawn_blocking(move || index.search(&request))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Some(results))
}

/// `GET /search`.
pub async fn show_search(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    match render(&state, &query).await {
        Ok(html) => {
            let mut response = Html(html).into_response();
            // Results change with every edit; the browser may keep nothing.
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(err) => err.into_response(),
    }
}

/// The search page's context (search.html).
#[derive(Debug, Serialize)]
pub struct SearchPage<'a> {
    search: SearchView<'a>,
    pagination: Option<Pagination>,
}

/// The form as submitted and what it found.
#[derive(Debug, Serialize)]
pub struct SearchView<'a> {
    /// The query as typed.
    q: &'a str,
    has_query: bool,
    /// False when this process runs no search index.
    available: bool,
    total: usize,
    category: Option<&'a str>,
    /// `YYYY-MM-DD`, or `None` when absent or unparsable.
    from: Option<String>,
    to: Option<String>,
    sort: &'static str,
    categories: Vec<CategoryOption<'a>>,
    results: Vec<HitView>,
    /// No article matched every word: the results are the closest ones.
    partial: bool,
    /// A spelling the index knows, for a query that found nothing in full.
    did_you_mean: Option<DidYouMean>,
}

/// «هل تقصد»: the corrected query and the search URL for it (same filters).
#[derive(Debug, Serialize)]
pub struct DidYouMean {
    q: String,
    url: String,
}

/// A choice of the category filter.
#[derive(Debug, Serialize)]
pub struct CategoryOption<'a> {
    slug: &'a str,
    name: &'a str,
    /// A subcategory, shown indented.
    child: bool,
    selected: bool,
}

/// One result.
#[derive(Debug, Serialize)]
pub struct HitView {
    title: String,
    /// The title with the matched words in `<mark>`.
    title_html: String,
    url: String,
    snippet_html: String,
    category: Option<Link>,
    date_display: String,
    date_iso: String,
}

async fn render(state: &AppState, query: &HashMap<String, String>) -> Result<String, AppError> {
    let site = state.site().await?;
    let params = SearchParams::from_query(query, MAX_PAGE);
    let has_query = !params.q.trim().is_empty();
    let results = if has_query {
        run_search(state, params.request(site.tz, PER_PAGE)).await?
    } else {
        Some(SearchResults::default())
    };
    let available = results.is_some();
    let results = results.unwrap_or_default();
    let total_pages = results.total.div_ceil(PER_PAGE).clamp(1, MAX_PAGE);
    let ctx = SearchPage {
        search: SearchView {
            q: &params.q,
            has_query,
            available,
            total: results.total,
            category: params.category.as_deref(),
            from: params.from.map(|d| d.to_string()),
            to: params.to.map(|d| d.to_string()),
            sort: params.sort.as_str(),
            categories: category_options(&site, params.category.as_deref()),
            results: results.hits.iter().map(|h| hit_view(&site, h)).collect(),
            partial: results.partial,
            did_you_mean: results.did_you_mean.as_ref().map(|q| DidYouMean {
                url: SearchParams {
                    q: q.clone(),
                    ..params.clone()
                }
                .url(1),
                q: q.clone(),
            }),
        },
        pagination: pagination(&params, params.page, total_pages),
    };
    let heading = state.catalog().text(site.lang, "search-title");
    let title = if has_query {
        format!("{heading}: {} - {}", params.q.trim(), site.settings.name)
    } else {
        format!("{heading} - {}", site.settings.name)
    };
    let mut args = HashMap::new();
    args.insert(
        "site".to_string(),
        sahifa_http::i18n::Arg::Text(site.settings.name.clone()),
    );
    let description = state
        .catalog()
        .get(site.lang, "search-meta-description", &args);
    view::render(
        state,
        &site,
        "search.html",
        &title,
        Some(&description),
        "/search",
        ctx,
    )
}

fn category_options<'a>(site: &'a SiteView, selected: Option<&str>) -> Vec<CategoryOption<'a>> {
    site.categories
        .iter()
        .map(|c| CategoryOption {
            slug: &c.slug,
            name: &c.name,
            child: c.parent_id.is_some(),
            selected: selected == Some(c.slug.as_str()),
        })
        .collect()
}

fn hit_view(site: &SiteView, h: &sahifa_search::SearchHit) -> HitView {
    HitView {
        title: h.title.clone(),
        title_html: h.title_html.clone(),
        url: urls::article(&h.slug),
        snippet_html: h.snippet_html.clone(),
        category: h.category.as_ref().map(|(slug, name)| Link {
            name: name.clone(),
            url: urls::category(slug),
        }),
        date_display: view::display_date(site, &h.published_at),
        date_iso: h.published_at.to_rfc3339(),
    }
}

/// The theme's pagination block (see docs/THEMES.md) with search URLs.
fn pagination(params: &SearchParams, current: usize, total_pages: usize) -> Option<Pagination> {
    // Both are at most MAX_PAGE, and a page URL's number comes back from one of them.
    let url = |n: i64| params.url(usize::try_from(n).unwrap_or(1));
    view::pagination_with(current as i64, total_pages as i64, url)
}
