//! What carries the site beyond its own pages: the short links (`/s/{id}`), `robots.txt`,
//! and the cache + conditional GET shared by feeds and sitemaps.
//!
//! Feeds and sitemaps are cached like pages (rendered once per content epoch, kept in every
//! encoding), but each document also remembers its media type and the last change of what
//! it lists, so readers and crawlers get `Last-Modified` as well as an `ETag`.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, RwLock};

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use sahifa_store::ArticleStatus;

use crate::encoded::{EncodedBody, representation_headers};
use crate::error::AppError;
use crate::pages::moved_permanently;
use crate::state::AppState;
use crate::urls;

/// A rendered feed or sitemap.
#[derive(Debug)]
pub struct Document {
    epoch: u64,
    content_type: &'static str,
    last_modified: Option<DateTime<Utc>>,
    body: EncodedBody,
}

/// Documents by request key, valid for one content epoch (see `crate::cache`).
#[derive(Debug)]
pub struct DocumentCache {
    entries: RwLock<HashMap<String, Arc<Document>>>,
    max_entries: usize,
}

impl DocumentCache {
    /// A cache of at most `max_entries` documents.
    pub fn new(max_entries: usize) -> DocumentCache {
        DocumentCache {
            entries: RwLock::new(HashMap::new()),
            max_entries,
        }
    }

    fn get(&self, key: &str, epoch: u64) -> Option<Arc<Document>> {
        let entries = self.entries.read().ok()?;
        entries.get(key).filter(|d| d.epoch == epoch).cloned()
    }

    fn put(&self, key: String, doc: Arc<Document>) {
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        if entries.len() >= self.max_entries && !entries.contains_key(&key) {
            let epoch = doc.epoch;
            entries.retain(|_, d| d.epoch == epoch);
            if entries.len() >= self.max_entries {
                entries.clear();
            }
        }
        entries.insert(key, doc);
    }
}

/// A rendered document body and the last change of its content.
pub struct Rendered {
    /// The bytes.
    pub body: String,
    /// Newest edit among the things listed, for `Last-Modified`.
    pub last_modified: Option<DateTime<Utc>>,
}

/// Answers from the document cache, rendering on a miss; `Ok(None)` from `render` is a 404.
pub async fn serve_document<F, Fut>(
    state: &AppState,
    key: String,
    content_type: &'static str,
    request: &HeaderMap,
    render: F,
) -> Response
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Option<Rendered>, AppError>>,
{
    let epoch = state.db().epoch();
    let doc = match state.documents().get(&key, epoch) {
        Some(doc) => doc,
        None => match render().await {
            Ok(Some(rendered)) => {
                let doc = Arc::new(Document {
                    epoch,
                    content_type,
                    last_modified: rendered.last_modified,
                    body: EncodedBody::new(rendered.body.into_bytes()),
                });
                state.documents().put(key, doc.clone());
                doc
            }
            Ok(None) => return AppError::NotFound.into_response(),
            Err(err) => return err.into_response(),
        },
    };
    document_response(&doc, request)
}

fn document_response(doc: &Document, request: &HeaderMap) -> Response {
    let (bytes, encoding, etag) = doc.body.select(request);
    let mut headers = HeaderMap::new();
    representation_headers(&mut headers, encoding, &etag);
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    if let Some(at) = doc.last_modified
        && let Ok(value) = HeaderValue::from_str(&http_date(&at))
    {
        headers.insert(header::LAST_MODIFIED, value);
    }
    // If-None-Match wins over If-Modified-Since when both are sent (RFC 9110 13.1.3).
    let not_modified = if request.contains_key(header::IF_NONE_MATCH) {
        doc.body.not_modified(request)
    } else {
        match (
            doc.last_modified,
            request
                .get(header::IF_MODIFIED_SINCE)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| DateTime::parse_from_rfc2822(v).ok()),
        ) {
            (Some(changed), Some(since)) => changed.timestamp() <= since.timestamp(),
            _ => false,
        }
    };
    if not_modified {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(doc.content_type),
    );
    (StatusCode::OK, headers, Body::from(bytes)).into_response()
}

/// An HTTP date (`Tue, 01 Dec 2026 08:00:00 GMT`).
pub fn http_date(at: &DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// `GET /s/{id}`: 301 to the article's canonical URL; 404 for an unknown or unpublished id.
pub async fn short_link(State(state): State<AppState>, Path(raw): Path<String>) -> Response {
    let digits = sahifa_text::digits::to_ascii_digits(raw.trim());
    let Ok(id) = digits.parse::<i64>() else {
        return AppError::NotFound.into_response();
    };
    match state.db().article_by_id(id).await {
        Ok(Some(article)) if article.summary.status == ArticleStatus::Published => {
            let location = format!(
                "{}{}",
                state.config().base_url,
                urls::article(&article.summary.slug)
            );
            moved_permanently(&location)
        }
        Ok(_) => AppError::NotFound.into_response(),
        Err(err) => AppError::from(err).into_response(),
    }
}

/// The absolute short link of article `id`.
pub fn short_url(state: &AppState, id: i64) -> String {
    format!("{}/s/{id}", state.config().base_url)
}

/// `GET /robots.txt`: everything public may be crawled; the admin, the admin API and search
/// result pages (endless, thin) may not. Points crawlers at both sitemaps.
pub async fn robots(State(state): State<AppState>) -> Response {
    let base = &state.config().base_url;
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /admin\nDisallow: /api/v1/admin\nDisallow: /search\n\n\
         Sitemap: {base}/sitemap.xml\nSitemap: {base}/sitemaps/news.xml\n"
    );
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
