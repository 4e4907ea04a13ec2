//! Answering from the rendered-page cache: pages, feeds and sitemaps are rendered once
//! until something they show changes, and kept in every encoding (see `crate::cache`);
//! these functions look a request up, render on a miss and answer with the validators
//! (`ETag`, and for documents `Last-Modified`) that let browsers, readers and crawlers
//! revalidate cheaply, and with what HTTP caches in front need: how long they may keep the
//! answer (`Cache-Control`'s `s-maxage`, `stale-while-revalidate`, `stale-if-error`) and
//! the keys a purge names it by (`xkey`, `Surrogate-Key`, `Cache-Tag`; see `crate::purge`).
//!
//! No miss storms: a miss renders in a spawned task that every concurrent request for the
//! same key awaits, when that render began after the last change of what the page shows (single flight, `crate::single_flight`), so 50 readers of a
//! retired page cost one render, and a reader who disconnects cancels nobody's render.
//!
//! Stale while revalidate: a request that finds its key's entry retired (something it
//! shows changed) while a render of the successor is already in flight is answered at once
//! with the retired entry, marked `X-Sahifa-Cache: stale` (its own `ETag`, so a browser
//! that revalidates later gets the new page), instead of queueing behind the render. The
//! request that *starts* the render waits for it, so one client that writes and then reads
//! (an editor, or a test) always sees its write: stale answers go only to readers who
//! arrive while someone else is already waiting for the fresh page. The bound
//! `WebConfig::stale_for` (default [`DEFAULT_STALE_FOR`]) counts from the moment that render started, which is the moment this
//! process first needed the retired page again: a flight older than that (a render stuck
//! on a slow database) gets no more stale answers, its latecomers wait for it instead.
//! Requests with `Cache-Control: no-cache` / `Pragma: no-cache` (a hard reload) or a
//! session cookie (staff) are never answered stale.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use crate::auth::session::SESSION_COOKIE;
use crate::cache::{CachedDocument, CachedPage, RenderCache, Stamp, Stamped};
use crate::deps;
use crate::encoded::{EncodedBody, representation_headers};
use crate::error::AppError;
use crate::responses::moved_permanently;
use crate::state::AppState;

/// How long after a retired entry's re-render started the entry may still be answered,
/// marked stale, to requests arriving meanwhile (`WebConfig::stale_for`'s default).
pub const DEFAULT_STALE_FOR: Duration = Duration::from_secs(3);

/// The response header that marks a retired entry answered while its successor renders.
pub const CACHE_STATUS_HEADER: &str = "x-sahifa-cache";

/// What a page handler produces: a page to show, or a redirect to where it lives now.
pub enum Rendered {
    /// HTML to cache and serve.
    Html(String),
    /// HTML that frames embedded posts from these origins (its CSP allows them).
    Framing(String, Vec<&'static str>),
    /// A permanent redirect (old slug, non-canonical spelling).
    Moved(String),
}

/// What one render came to, handed to every request that awaited it.
pub enum Outcome<T> {
    /// A cacheable entry (already stored in the cache).
    Entry(Arc<T>),
    /// A permanent redirect.
    Moved(String),
    /// Nothing lives at this URL.
    NotFound,
    /// The render failed.
    Failed(AppError),
}

impl<T> Clone for Outcome<T> {
    fn clone(&self) -> Self {
        match self {
            Outcome::Entry(entry) => Outcome::Entry(entry.clone()),
            Outcome::Moved(to) => Outcome::Moved(to.clone()),
            Outcome::NotFound => Outcome::NotFound,
            Outcome::Failed(err) => Outcome::Failed(err.clone()),
        }
    }
}

/// Whether an answer is current or a retired entry given while its successor renders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Freshness {
    Fresh,
    Stale,
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
    Fut: Future<Output = Result<Rendered, AppError>> + Send + 'static,
{
    let (outcome, freshness) = cached(state, AppState::cache, key, request, |rendered_at| {
        let rendering = render();
        async move {
            match rendering.await {
                Ok(Rendered::Html(html)) => Outcome::Entry(Arc::new(CachedPage {
                    stamp: Stamp::new(rendered_at, deps::collected()),
                    status: StatusCode::OK,
                    body: EncodedBody::new(html.into_bytes()),
                    csp: None,
                })),
                Ok(Rendered::Framing(html, origins)) => Outcome::Entry(Arc::new(CachedPage {
                    stamp: Stamp::new(rendered_at, deps::collected()),
                    status: StatusCode::OK,
                    body: EncodedBody::new(html.into_bytes()),
                    csp: Some(crate::headers::csp_framing(&origins)),
                })),
                Ok(Rendered::Moved(to)) => Outcome::Moved(to),
                Err(err) => Outcome::Failed(err),
            }
        }
    })
    .await;
    match outcome {
        Outcome::Entry(page) => marked(page_response(state, &page, request), freshness),
        Outcome::Moved(to) => moved_permanently(&to),
        Outcome::NotFound => AppError::NotFound.into_response(),
        Outcome::Failed(err) => err.into_response(),
    }
}

/// The cache's entry for `key`, or the outcome of rendering it (shared with every
/// concurrent request for it), or its retired entry while someone else's render runs.
async fn cached<T, F, Fut>(
    state: &AppState,
    cache_of: fn(&AppState) -> &RenderCache<T>,
    key: String,
    request: &HeaderMap,
    render: F,
) -> (Outcome<T>, Freshness)
where
    T: Stamped + Send + Sync + 'static,
    F: FnOnce(u64) -> Fut,
    Fut: Future<Output = Outcome<T>> + Send + 'static,
{
    let registry = state.db().registry();
    // Read before rendering: a write that lands mid-render then makes this entry stale at
    // once instead of keeping old content under a new stamp.
    let now = registry.now();
    let cache = cache_of(state);
    // The hit path: one cache read and one atomic comparison; no lock, no allocation.
    let held = match cache.lookup(&key) {
        Some(entry) if entry.stamp().is_current(registry, now) => {
            return (Outcome::Entry(entry), Freshness::Fresh);
        }
        held => held,
    };
    // A render that began after the last change of what the retired entry showed renders
    // what this request must see; without an entry, only one that began now or later.
    let needed = held
        .as_ref()
        .map_or(now, |entry| registry.last_change(entry.stamp().deps.list()));
    let flights = cache.flights();
    if let Some(entry) = held
        && may_answer_stale(request)
        && flights
            .started(&key, needed)
            .is_some_and(|at| at.elapsed() < state.config().stale_for)
    {
        return (Outcome::Entry(entry), Freshness::Stale);
    }
    let ticket = flights.join_since(&key, needed, now, || {
        let state = state.clone();
        let key = key.clone();
        let rendering = deps::recording(render(now));
        async move {
            let cache = cache_of(&state);
            let registry = state.db().registry();
            // A flight that ended between this request's lookup and its join has stored
            // the entry: take it rather than render again.
            if let Some(entry) = cache.lookup(&key)
                && entry.stamp().is_current(registry, registry.now())
            {
                return Outcome::Entry(entry);
            }
            if let Some(gate) = cache.start_render() {
                // The test hook: wait until the test closes the gate.
                let _ = gate.acquire().await;
            }
            let outcome = rendering.await;
            if let Outcome::Entry(entry) = &outcome {
                cache.put(key, entry.clone());
            }
            outcome
        }
    });
    let outcome = ticket.wait().await.unwrap_or_else(|| {
        Outcome::Failed(AppError::Internal(
            "the render task panicked or was aborted".into(),
        ))
    });
    (outcome, Freshness::Fresh)
}

/// Whether this request may be answered with a retired entry: not a hard reload, and not
/// staff (who expect to see what they just changed).
fn may_answer_stale(request: &HeaderMap) -> bool {
    let asks_no_cache = [header::CACHE_CONTROL, header::PRAGMA].iter().any(|name| {
        request
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.to_ascii_lowercase().contains("no-cache"))
    });
    !asks_no_cache && !has_session(request)
}

/// Whether the request carries a session cookie (staff signed in).
fn has_session(request: &HeaderMap) -> bool {
    request
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|pair| {
            pair.trim()
                .strip_prefix(SESSION_COOKIE)
                .is_some_and(|rest| rest.starts_with('='))
        })
}

/// Marks a stale answer as such; shared caches may keep it a second at most.
fn marked(mut response: Response, freshness: Freshness) -> Response {
    if freshness == Freshness::Stale {
        let headers = response.headers_mut();
        headers.insert(CACHE_STATUS_HEADER, HeaderValue::from_static("stale"));
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=0, s-maxage=1"),
        );
    }
    response
}

/// The caching headers of a cached entry: how long browsers and shared caches may keep
/// it, and the keys purges name it by. Staff (a session cookie) get `private, no-cache`:
/// what they just changed must show on their next load, and no shared cache should hold
/// a response to a signed-in request.
fn caching_headers(
    headers: &mut HeaderMap,
    stamp: &Stamp,
    request: &HeaderMap,
    control: &HeaderValue,
) {
    if has_session(request) {
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        );
        return;
    }
    headers.insert(header::CACHE_CONTROL, control.clone());
    let keys = stamp.deps.keys_header();
    headers.insert(XKEY, keys.clone());
    headers.insert(SURROGATE_KEY, keys.clone());
    headers.insert(CACHE_TAG, stamp.deps.tags_header().clone());
}

/// `xkey`: the key list Varnish's `vmod_xkey` reads.
const XKEY: header::HeaderName = header::HeaderName::from_static("xkey");
/// `Surrogate-Key`: the key list Fastly-style caches read.
const SURROGATE_KEY: header::HeaderName = header::HeaderName::from_static("surrogate-key");
/// `Cache-Tag`: the key list Cloudflare-style caches read (comma-separated).
const CACHE_TAG: header::HeaderName = header::HeaderName::from_static("cache-tag");

/// Builds the response for a cached page, honouring `If-None-Match` and `Accept-Encoding`.
pub fn page_response(state: &AppState, page: &CachedPage, request: &HeaderMap) -> Response {
    let (bytes, encoding, etag) = page.body.select(request);
    let mut headers = HeaderMap::new();
    representation_headers(&mut headers, encoding, &etag);
    caching_headers(
        &mut headers,
        &page.stamp,
        request,
        &state.edge_headers().page,
    );
    if page.body.not_modified(request) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Some(csp) = &page.csp {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp.clone());
    }
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
    Fut: Future<Output = Result<Option<RenderedDocument>, AppError>> + Send + 'static,
{
    let (outcome, freshness) = cached(state, AppState::documents, key, request, |rendered_at| {
        let rendering = render();
        async move {
            match rendering.await {
                Ok(Some(rendered)) => Outcome::Entry(Arc::new(CachedDocument {
                    stamp: Stamp::new(rendered_at, deps::collected()),
                    content_type,
                    last_modified: rendered.last_modified,
                    body: EncodedBody::new(rendered.body.into_bytes()),
                })),
                Ok(None) => Outcome::NotFound,
                Err(err) => Outcome::Failed(err),
            }
        }
    })
    .await;
    match outcome {
        Outcome::Entry(doc) => marked(document_response(state, &doc, request), freshness),
        Outcome::Moved(to) => moved_permanently(&to),
        Outcome::NotFound => AppError::NotFound.into_response(),
        Outcome::Failed(err) => err.into_response(),
    }
}

fn document_response(state: &AppState, doc: &CachedDocument, request: &HeaderMap) -> Response {
    let (bytes, encoding, etag) = doc.body.select(request);
    let mut headers = HeaderMap::new();
    representation_headers(&mut headers, encoding, &etag);
    caching_headers(
        &mut headers,
        &doc.stamp,
        request,
        &state.edge_headers().document,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn request(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.append(*name, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn hard_reloads_and_staff_are_never_answered_stale() {
        assert!(may_answer_stale(&request(&[])));
        assert!(may_answer_stale(&request(&[
            ("cache-control", "max-age=0"),
            ("cookie", "theme=dark; sahifa_session_hint=1"),
        ])));
        assert!(!may_answer_stale(&request(&[(
            "cache-control",
            "No-Cache"
        )])));
        assert!(!may_answer_stale(&request(&[("pragma", "no-cache")])));
        assert!(!may_answer_stale(&request(&[(
            "cookie",
            "theme=dark; sahifa_session=abc"
        )])));
        assert!(!may_answer_stale(&request(&[
            ("cookie", "theme=dark"),
            ("cookie", "sahifa_session=abc"),
        ])));
    }
}
