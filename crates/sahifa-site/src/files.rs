//! Static theme assets and stored media files.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use sahifa_http::encoded::representation_headers;
use sahifa_http::error::AppError;
use sahifa_http::media_store::{MediaKey, MediaStoreError, ObjectInfo};
use sahifa_http::state::AppState;

/// `GET /static/{*path}`: a content-hashed theme asset, cacheable for a year.
pub async fn serve_asset(
    State(state): State<AppState>,
    Path(path): Path<String>,
    request: HeaderMap,
) -> Response {
    let Some(asset) = state.theme().asset(&path) else {
        return AppError::NotFound.into_response();
    };
    let (bytes, encoding, etag) = asset.body.select(&request);
    let mut headers = HeaderMap::new();
    representation_headers(&mut headers, encoding, &etag);
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    if asset.body.not_modified(&request) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    (headers, Body::from(bytes)).into_response()
}

/// `GET /media/{*path}` (and `HEAD`): a stored media file, from whichever store the
/// server was started with (`--media-store`): the same URLs for every backend. Paths that
/// try to leave the media folder are not keys and get 404; the local store also refuses
/// symbolic links inside it (see `sahifa_http::media_store`).
///
/// A conditional request or a `HEAD` is answered from the object's size and validator
/// without reading its bytes (for a remote store: one small request instead of the file).
pub async fn serve_media(
    State(state): State<AppState>,
    Path(path): Path<String>,
    method: Method,
    request: HeaderMap,
) -> Response {
    let Some(key) = MediaKey::parse(&path) else {
        return AppError::NotFound.into_response();
    };
    let store = &state.config().media_store;
    let conditional = request.contains_key(header::IF_NONE_MATCH);
    if method == Method::HEAD || conditional {
        let info = match store.head(&key).await {
            Ok(Some(info)) => info,
            Ok(None) => return AppError::NotFound.into_response(),
            Err(err) => return unavailable(&err),
        };
        let headers = media_headers(&key, &info);
        if etag_matches(&request, &info.etag) {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        if method == Method::HEAD {
            let mut headers = headers;
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(info.size));
            return (headers, Body::empty()).into_response();
        }
    }
    match store.get(&key).await {
        Ok(Some(object)) => {
            (media_headers(&key, &object.info), Body::from(object.bytes)).into_response()
        }
        Ok(None) => AppError::NotFound.into_response(),
        Err(err) => unavailable(&err),
    }
}

/// A store that does not answer: an internal error (logged), never a 404 (the file may
/// well exist, and a 404 would be cached as its absence).
fn unavailable(err: &MediaStoreError) -> Response {
    AppError::Internal(format!("cannot read a media file: {err}")).into_response()
}

/// Type, caching and validators of a media response.
fn media_headers(key: &MediaKey, info: &ObjectInfo) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(key.content_type()),
    );
    // A day, as before the store existed: upload names are never reused, but a deleted
    // image (a takedown) should leave shared caches within a day, not a year.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    if let Ok(etag) = HeaderValue::from_str(&info.etag) {
        headers.insert(header::ETAG, etag);
    }
    if let Some(modified) = info.last_modified
        && let Ok(value) =
            HeaderValue::from_str(&modified.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
    {
        headers.insert(header::LAST_MODIFIED, value);
    }
    if key.as_str().ends_with(".svg") {
        // An SVG can carry script; served as a document it must not run any.
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; sandbox"),
        );
    }
    headers
}

/// Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks for it).
fn etag_matches(request: &HeaderMap, etag: &str) -> bool {
    let Some(value) = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let ours = etag.strip_prefix("W/").unwrap_or(etag);
    value.split(',').map(str::trim).any(|tag| {
        let tag = tag.strip_prefix("W/").unwrap_or(tag);
        tag == "*" || tag == ours
    })
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, header};

    use super::etag_matches;

    #[test]
    fn validators_compare_weakly() {
        let with = |v: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(header::IF_NONE_MATCH, HeaderValue::from_static(v));
            h
        };
        assert!(etag_matches(&with("\"a1\""), "\"a1\""));
        assert!(etag_matches(&with("W/\"a1\", \"b2\""), "\"a1\""));
        assert!(etag_matches(&with("*"), "\"a1\""));
        assert!(!etag_matches(&with("\"a1-x\""), "\"a1\""));
        assert!(!etag_matches(&HeaderMap::new(), "\"a1\""));
    }
}
