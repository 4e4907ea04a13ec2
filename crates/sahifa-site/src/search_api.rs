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
use serde_json::json;

use crate::pages::search::{MAX_PAGE, SearchParams, run_search};
use sahifa_http::error::ApiError;
use sahifa_http::state::AppState;
use sahifa_http::urls;

const DEFAULT_PER_PAGE: usize = 10;
const MAX_PER_PAGE: usize = 50;

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
        return Json(json!({"total": 0, "results": []})).into_response();
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
    let items: Vec<_> = results
        .hits
        .iter()
        .map(|h| {
            json!({
                "title": h.title,
                "slug": h.slug,
                "url": format!("{base}{}", urls::article(&h.slug)),
                "snippet": h.snippet_html,
                "category": h.category.as_ref().map(|(slug, name)| json!({"name": name, "slug": slug})),
                "published_at": h.published_at,
            })
        })
        .collect();
    Json(json!({"total": results.total, "results": items})).into_response()
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
