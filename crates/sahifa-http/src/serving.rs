//! Answering from the rendered-page cache: pages, feeds and sitemaps are rendered once per
//! content epoch and kept in every encoding (see `crate::cache`); these functions look a
//! request up, render on a miss and answer with the validators (`ETag`, and for documents
//! `Last-Modified`) that let browsers, readers and crawlers revalidate cheaply.

use std::future::Future;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use crate::cache::{CachedDocument, CachedPage};
use crate::encoded::{EncodedBody, representation_headers};
use crate::error::AppError;
use crate::responses::moved_permanently;
use crate::state::AppState;

/// What a page handler produces: a page to show, or a redirect to where it lives now.
pub enum Rendered {
    /// HTML to cache and serve.
    Html(String),
    /// A permanent redirect (old slug, non-canonical spelling).
    Moved(String),
}

/// Answers a page request from the cache, rendering on a miss.
pub async fn serve_page<F, Fut>(
    state: &AppState,
    key: String,
    request: &HeaderMap,
    render: F,
) -> Response
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<Rendered, AppError>>,
{
    // Read the epoch before rendering: an edit that lands mid-render makes this entry stale
    // at once instead of caching old content under the new epoch.
    let epoch = state.db().epoch();
    let page = match state.cache().get(&key, epoch) {
        Some(page) => page,
        None => match render().await {
            Ok(Rendered::Html(html)) => {
                let page = Arc::new(CachedPage {
                    epoch,
                    status: StatusCode::OK,
                    body: EncodedBody::new(html.into_bytes()),
                });
                state.cache().put(key, page.clone());
                page
            }
            Ok(Rendered::Moved(to)) => return moved_permanently(&to),
            Err(err) => return err.into_response(),
        },
    };
    page_response(&page, request)
}

/// Builds the response for a cached page, honouring `If-None-Match` and `Accept-Encoding`.
pub fn page_response(page: &CachedPage, request: &HeaderMap) -> Response {
    let (bytes, encoding, etag) = page.body.select(request);
    let mut headers = HeaderMap::new();
    representation_headers(&mut headers, encoding, &etag);
    // Readers' browsers revalidate every time (cheap, thanks to the ETag) so an edit is
    // never hidden behind a stale copy.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, no-cache"),
    );
    if page.body.not_modified(request) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    (page.status, headers, Body::from(bytes)).into_response()
}

/// A rendered document body and the last change of its content.
pub struct RenderedDocument {
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
    Fut: Future<Output = Result<Option<RenderedDocument>, AppError>>,
{
    let epoch = state.db().epoch();
    let doc = match state.documents().get(&key, epoch) {
        Some(doc) => doc,
        None => match render().await {
            Ok(Some(rendered)) => {
                let doc = Arc::new(CachedDocument {
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

fn document_response(doc: &CachedDocument, request: &HeaderMap) -> Response {
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
