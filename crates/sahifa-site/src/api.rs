//! The read-only JSON content API for apps and headless front ends.
//!
//! Every list is paged the same way (`?page=1&per_page=20`, at most 100 a page) and answers
//! `{"page", "per_page", "total", "total_pages", "items": [...]}`. Errors are JSON too:
//! `{"error": {"code": "not_found", "message": "..."}}` with the message in the site's language.

use std::collections::HashMap;

use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use serde_json::{Value, json};

use sahifa_store::{Article, ArticleFilter, ArticleSummary};

use sahifa_http::error::ApiError;
use sahifa_http::state::AppState;
use sahifa_http::urls;

const DEFAULT_PER_PAGE: i64 = 20;
const MAX_PER_PAGE: i64 = 100;

/// The API's routes, mounted under `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/articles", get(list_articles))
        .route("/articles/{slug}", get(show_article))
        .route("/categories", get(list_categories))
        .route("/tags", get(list_tags))
        .fallback(api_not_found)
}

async fn api_error(
    _state: &AppState,
    status: StatusCode,
    code: &'static str,
    key: &'static str,
) -> ApiError {
    ApiError::new(status, code, key)
}

struct Paging {
    page: i64,
    per_page: i64,
}

impl Paging {
    fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }

    fn envelope(&self, total: i64, items: Vec<Value>) -> Value {
        json!({
            "page": self.page,
            "per_page": self.per_page,
            "total": total,
            "total_pages": crate::view::page_count(total, self.per_page),
            "items": items,
        })
    }
}

async fn paging(state: &AppState, query: &HashMap<String, String>) -> Result<Paging, ApiError> {
    let parse = |name: &str, default: i64, max: i64| -> Option<i64> {
        match query.get(name) {
            None => Some(default),
            Some(raw) => sahifa_text::digits::to_ascii_digits(raw.trim())
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=max).contains(n)),
        }
    };
    match (
        parse("page", 1, 100_000),
        parse("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE),
    ) {
        (Some(page), Some(per_page)) => Ok(Paging { page, per_page }),
        _ => Err(api_error(
            state,
            StatusCode::BAD_REQUEST,
            "bad_paging",
            "api-bad-paging",
        )
        .await),
    }
}

fn summary_json(state: &AppState, a: &ArticleSummary) -> Value {
    let url = urls::article(&a.slug);
    json!({
        "id": a.id,
        "slug": a.slug,
        "title": a.title,
        "lead": a.lead,
        "url": format!("{}{}", state.config().base_url, url),
        "published_at": a.published_at,
        "updated_at": a.updated_at,
        "author": a.author.as_ref().map(|p| json!({"name": p.name, "slug": p.slug})),
        "category": a.category.as_ref().map(|c| json!({"name": c.name, "slug": c.slug})),
        "image": a.image,
    })
}

fn article_json(state: &AppState, a: &Article) -> Value {
    let mut value = summary_json(state, &a.summary);
    if let Value::Object(map) = &mut value {
        map.insert("dateline".into(), json!(a.dateline));
        map.insert("source".into(), json!(a.source));
        map.insert("body_html".into(), json!(a.body_html));
        map.insert("body_markdown".into(), json!(a.body_md));
        map.insert(
            "tags".into(),
            json!(
                a.tags
                    .iter()
                    .map(|t| json!({"name": t.name, "slug": t.slug}))
                    .collect::<Vec<_>>()
            ),
        );
    }
    value
}

/// `GET /api/v1/articles`: published articles, newest first.
async fn list_articles(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let paging = paging(&state, &query).await?;
    let listing = state
        .db()
        .published_articles(ArticleFilter::default(), paging.per_page, paging.offset())
        .await?;
    let items = listing
        .items
        .iter()
        .map(|a| summary_json(&state, a))
        .collect();
    Ok(Json(paging.envelope(listing.total, items)))
}

/// `GET /api/v1/articles/{slug}`: one published article with its body.
async fn show_article(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Json<Value>, ApiError> {
    match state.db().published_article(&slug).await? {
        Some(article) => Ok(Json(article_json(&state, &article))),
        None => Err(api_error(&state, StatusCode::NOT_FOUND, "not_found", "api-not-found").await),
    }
}

/// `GET /api/v1/categories`: the category tree, parents before children.
async fn list_categories(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let paging = paging(&state, &query).await?;
    let all = state.db().categories().await?;
    let slug_of: HashMap<i64, &str> = all.iter().map(|c| (c.id, c.slug.as_str())).collect();
    let total = all.len() as i64;
    let items = all
        .iter()
        .skip(paging.offset() as usize)
        .take(paging.per_page as usize)
        .map(|c| {
            json!({
                "id": c.id,
                "slug": c.slug,
                "name": c.name,
                "description": c.description,
                "parent": c.parent_id.and_then(|p| slug_of.get(&p).copied()),
                "url": format!("{}{}", state.config().base_url, urls::category(&c.slug)),
            })
        })
        .collect();
    Ok(Json(paging.envelope(total, items)))
}

/// `GET /api/v1/tags`: tags with their published-article counts, most used first.
async fn list_tags(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Json<Value>, ApiError> {
    let paging = paging(&state, &query).await?;
    let all = state.db().tags_with_counts().await?;
    let total = all.len() as i64;
    let items = all
        .iter()
        .skip(paging.offset() as usize)
        .take(paging.per_page as usize)
        .map(|t| {
            json!({
                "id": t.id,
                "slug": t.slug,
                "name": t.name,
                "articles": t.articles,
                "url": format!("{}{}", state.config().base_url, urls::tag(&t.slug)),
            })
        })
        .collect();
    Ok(Json(paging.envelope(total, items)))
}

async fn api_not_found(State(state): State<AppState>) -> ApiError {
    api_error(&state, StatusCode::NOT_FOUND, "not_found", "api-not-found").await
}
