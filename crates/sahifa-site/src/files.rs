//! Static theme assets and stored media files.

use std::path::{Component, PathBuf};

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use sahifa_http::encoded::representation_headers;
use sahifa_http::error::AppError;
use sahifa_http::state::AppState;
use sahifa_http::theme::content_type;

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

/// `GET /media/{*path}`: a file under `<data-dir>/media`. Paths that try to leave that
/// folder are refused.
pub async fn serve_media(State(state): State<AppState>, Path(path): Path<String>) -> Response {
    let Some(relative) = safe_relative(&path) else {
        return AppError::NotFound.into_response();
    };
    let full = state.config().data_dir.join("media").join(relative);
    match tokio::fs::read(&full).await {
        Ok(bytes) => {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(&path)),
            );
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            );
            if path.ends_with(".svg") {
                // An SVG can carry script; served as a document it must not run any.
                headers.insert(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(
                        "default-src 'none'; style-src 'unsafe-inline'; sandbox",
                    ),
                );
            }
            (headers, Body::from(bytes)).into_response()
        }
        Err(_) => AppError::NotFound.into_response(),
    }
}

fn safe_relative(path: &str) -> Option<PathBuf> {
    let candidate = std::path::Path::new(path);
    let mut out = PathBuf::new();
    for part in candidate.components() {
        match part {
            Component::Normal(p) => out.push(p),
            _ => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::safe_relative;

    #[test]
    fn refuses_escapes() {
        assert!(safe_relative("../etc/passwd").is_none());
        assert!(safe_relative("/etc/passwd").is_none());
        assert!(safe_relative("demo/../../x").is_none());
        assert!(safe_relative("demo/oil.svg").is_some());
    }
}
