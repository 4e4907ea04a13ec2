//! Public HTML pages. Each handler names a cache key and a render function; [`serve_page`]
//! answers from the page cache when it can and renders (then caches) when it cannot.

pub mod archive;
pub mod article;
pub mod errors;
pub mod home;
pub mod search;

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::cache::CachedPage;
use crate::encoded::{EncodedBody, representation_headers};
use crate::error::AppError;
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

/// The `?page=` number: absent means 1; anything but a positive integer is a bad request.
pub fn page_number(query: &HashMap<String, String>) -> Result<i64, AppError> {
    match query.get("page") {
        None => Ok(1),
        Some(raw) => {
            let ascii = sahifa_text::digits::to_ascii_digits(raw.trim());
            match ascii.parse::<i64>() {
                Ok(n) if (1..=100_000).contains(&n) => Ok(n),
                _ => Err(AppError::BadRequest),
            }
        }
    }
}

/// A 301 to `location`. (axum's `Redirect::permanent` answers 308; old links, crawlers and
/// WordPress-era tooling expect the classic 301.)
pub fn moved_permanently(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, value)]).into_response(),
        Err(_) => AppError::NotFound.into_response(),
    }
}

pub use crate::error::see_other;
