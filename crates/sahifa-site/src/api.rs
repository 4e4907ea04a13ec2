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
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::Serialize;

use sahifa_store::{Article, ArticleFilter, ArticleSummary, Image, Named};

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

// The response structs declare their fields in sorted order: the API's objects have
// always come out with sorted keys (they were serde_json maps), and clients diffing
// responses should see no change.

/// Every list's envelope.
#[derive(Debug, Serialize)]
struct Envelope<T> {
    items: Vec<T>,
    page: i64,
    per_page: i64,
    /// Items across all pages.
    total: i64,
    total_pages: i64,
}

/// The name and slug of an author, category or tag.
#[derive(Debug, Serialize)]
struct NameSlug<'a> {
    name: &'a str,
    slug: &'a str,
}

impl<'a> From<&'a Named> for NameSlug<'a> {
    fn from(n: &'a Named) -> Self {
        NameSlug {
            name: &n.name,
            slug: &n.slug,
        }
    }
}

/// A featured image.
#[derive(Debug, Serialize)]
struct ApiImage<'a> {
    alt: &'a str,
    caption: &'a str,
    height: Option<i64>,
    /// As stored: site-relative or absolute.
    url: &'a str,
    width: Option<i64>,
}

impl<'a> From<&'a Image> for ApiImage<'a> {
    fn from(i: &'a Image) -> Self {
        ApiImage {
            alt: &i.alt,
            caption: &i.caption,
            height: i.height,
            url: &i.url,
            width: i.width,
        }
    }
}

/// An article in `GET /api/v1/articles`.
#[derive(Debug, Serialize)]
struct ApiSummary<'a> {
    author: Option<NameSlug<'a>>,
    category: Option<NameSlug<'a>>,
    id: i64,
    image: Option<ApiImage<'a>>,
    lead: &'a str,
    published_at: Option<DateTime<Utc>>,
    slug: &'a str,
    title: &'a str,
    updated_at: DateTime<Utc>,
    /// Absolute URL of the article page.
    url: String,
}

/// `GET /api/v1/articles/{slug}`: the summary's fields and the body.
#[derive(Debug, Serialize)]
struct ApiArticle<'a> {
    author: Option<NameSlug<'a>>,
    body_html: &'a str,
    category: Option<NameSlug<'a>>,
    dateline: Option<&'a str>,
    id: i64,
    image: Option<ApiImage<'a>>,
    lead: &'a str,
    published_at: Option<DateTime<Utc>>,
    slug: &'a str,
    source: Option<&'a str>,
    tags: Vec<NameSlug<'a>>,
    title: &'a str,
    updated_at: DateTime<Utc>,
    url: String,
}

/// A category in `GET /api/v1/categories`.
#[derive(Debug, Serialize)]
struct ApiCategory<'a> {
    description: &'a str,
    id: i64,
    name: &'a str,
    /// The parent category's slug.
    parent: Option<&'a str>,
    slug: &'a str,
    url: String,
}

/// A tag in `GET /api/v1/tags`.
#[derive(Debug, Serialize)]
struct ApiTag<'a> {
    /// Published articles with the tag.
    articles: i64,
    id: i64,
    name: &'a str,
    slug: &'a str,
    url: String,
}

struct Paging {
    page: i64,
    per_page: i64,
}

impl Paging {
    fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }

    fn envelope<T>(&self, total: i64, items: Vec<T>) -> Envelope<T> {
        Envelope {
            items,
            page: self.page,
            per_page: self.per_page,
            total,
            total_pages: crate::view::page_count(total, self.per_page),
        }
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

fn article_url(state: &AppState, slug: &str) -> String {
    format!("{}{}", state.config().base_url, urls::article(slug))
}

fn summary_json<'a>(state: &AppState, a: &'a ArticleSummary) -> ApiSummary<'a> {
    ApiSummary {
        author: a.author.as_ref().map(NameSlug::from),
        category: a.category.as_ref().map(NameSlug::from),
        id: a.id,
        image: a.image.as_ref().map(ApiImage::from),
        lead: &a.lead,
        published_at: a.published_at,
        slug: &a.slug,
        title: &a.title,
        updated_at: a.updated_at,
        url: article_url(state, &a.slug),
    }
}

fn article_json<'a>(state: &AppState, a: &'a Article) -> ApiArticle<'a> {
    let s = &a.summary;
    ApiArticle {
        author: s.author.as_ref().map(NameSlug::from),
        body_html: &a.body_html,
        category: s.category.as_ref().map(NameSlug::from),
        dateline: a.dateline.as_deref(),
        id: s.id,
        image: s.image.as_ref().map(ApiImage::from),
        lead: &s.lead,
        published_at: s.published_at,
        slug: &s.slug,
        source: a.source.as_deref(),
        tags: a
            .tags
            .iter()
            .map(|t| NameSlug {
                name: &t.name,
                slug: &t.slug,
            })
            .collect(),
        title: &s.title,
        updated_at: s.updated_at,
        url: article_url(state, &s.slug),
    }
}

/// `GET /api/v1/articles`: published articles, newest first.
async fn list_articles(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
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
    Ok(Json(paging.envelope(listing.total, items)).into_response())
}

/// `GET /api/v1/articles/{slug}`: one published article with its body.
async fn show_article(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    match state.db().published_article(&slug).await? {
        Some(article) => Ok(Json(article_json(&state, &article)).into_response()),
        None => Err(api_error(&state, StatusCode::NOT_FOUND, "not_found", "api-not-found").await),
    }
}

/// `GET /api/v1/categories`: the category tree, parents before children.
async fn list_categories(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let paging = paging(&state, &query).await?;
    let all = state.db().categories().await?;
    let slug_of: HashMap<i64, &str> = all.iter().map(|c| (c.id, c.slug.as_str())).collect();
    let total = all.len() as i64;
    let items = all
        .iter()
        .skip(paging.offset() as usize)
        .take(paging.per_page as usize)
        .map(|c| ApiCategory {
            description: &c.description,
            id: c.id,
            name: &c.name,
            parent: c.parent_id.and_then(|p| slug_of.get(&p).copied()),
            slug: &c.slug,
            url: format!("{}{}", state.config().base_url, urls::category(&c.slug)),
        })
        .collect();
    Ok(Json(paging.envelope(total, items)).into_response())
}

/// `GET /api/v1/tags`: tags with their published-article counts, most used first.
async fn list_tags(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let paging = paging(&state, &query).await?;
    let all = state.db().tags_with_counts().await?;
    let total = all.len() as i64;
    let items = all
        .iter()
        .skip(paging.offset() as usize)
        .take(paging.per_page as usize)
        .map(|t| ApiTag {
            articles: t.articles,
            id: t.id,
            name: &t.name,
            slug: &t.slug,
            url: format!("{}{}", state.config().base_url, urls::tag(&t.slug)),
        })
        .collect();
    Ok(Json(paging.envelope(total, items)).into_response())
}

async fn api_not_found(State(state): State<AppState>) -> ApiError {
    api_error(&state, StatusCode::NOT_FOUND, "not_found", "api-not-found").await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The structs must come out exactly as the sorted maps they replaced did.
    fn assert_sorted<T: Serialize>(value: &T) {
        let direct = serde_json::to_string(value).expect("serialises");
        let sorted = serde_json::to_value(value).expect("serialises").to_string();
        assert_eq!(direct, sorted);
    }

    #[test]
    fn responses_keep_sorted_keys() {
        let named = Named {
            id: 1,
            slug: "s".into(),
            name: "n".into(),
        };
        let image = Image {
            url: "/media/a.jpg".into(),
            alt: "a".into(),
            caption: "c".into(),
            width: Some(640),
            height: Some(480),
        };
        let now = Utc::now();
        let article = ApiArticle {
            author: Some(NameSlug::from(&named)),
            body_html: "<p>b</p>",
            category: Some(NameSlug::from(&named)),
            dateline: Some("d"),
            id: 1,
            image: Some(ApiImage::from(&image)),
            lead: "l",
            published_at: Some(now),
            slug: "s",
            source: None,
            tags: vec![NameSlug::from(&named)],
            title: "t",
            updated_at: now,
            url: "u".into(),
        };
        assert_sorted(&article);
        let summary = ApiSummary {
            author: None,
            category: Some(NameSlug::from(&named)),
            id: 1,
            image: Some(ApiImage::from(&image)),
            lead: "l",
            published_at: None,
            slug: "s",
            title: "t",
            updated_at: now,
            url: "u".into(),
        };
        let paging = Paging {
            page: 1,
            per_page: 20,
        };
        assert_sorted(&paging.envelope(1, vec![summary]));
        assert_sorted(&ApiCategory {
            description: "d",
            id: 1,
            name: "n",
            parent: Some("p"),
            slug: "s",
            url: "u".into(),
        });
        assert_sorted(&ApiTag {
            articles: 3,
            id: 1,
            name: "n",
            slug: "s",
            url: "u".into(),
        });
    }
}
