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
/// folder are refused, and so are symbolic links inside it: uploads are only ever regular
/// files, and a link (planted by a careless restore or a compromised tool) could point
/// anywhere on the machine.
pub async fn serve_media(State(state): State<AppState>, Path(path): Path<String>) -> Response {
    let Some(relative) = safe_relative(&path) else {
        return AppError::NotFound.into_response();
    };
    let root = state.config().data_dir.join("media");
    let Some(full) = regular_file_under(&root, &relative).await else {
        return AppError::NotFound.into_response();
    };
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

/// `root/relative` when every step below `root` is a real folder and the last a regular
/// file, none of them a symbolic link. (`root` itself may be a link: that is the operator's
/// choice of where media live.)
async fn regular_file_under(root: &std::path::Path, relative: &std::path::Path) -> Option<PathBuf> {
    let mut at = root.to_path_buf();
    let mut parts = relative.components().peekable();
    while let Some(part) = parts.next() {
        at.push(part);
        let meta = tokio::fs::symlink_metadata(&at).await.ok()?;
        let last = parts.peek().is_none();
        let fits = if last { meta.is_file() } else { meta.is_dir() };
        if !fits {
            return None;
        }
    }
    Some(at)
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
    use super::{regular_file_under, safe_relative};

    #[cfg(unix)]
    #[tokio::test]
    async fn symbolic_links_are_not_followed() {
        let dir = tempfile_dir();
        let root = dir.join("media");
        std::fs::create_dir_all(root.join("uploads")).expect("mkdir");
        std::fs::write(root.join("uploads/a.jpg"), b"jpg").expect("write");
        std::fs::write(dir.join("secret.txt"), b"secret").expect("write");
        std::os::unix::fs::symlink(dir.join("secret.txt"), root.join("uploads/b.jpg"))
            .expect("symlink");
        std::os::unix::fs::symlink(root.join("uploads"), root.join("linked")).expect("symlink");
        let found = |p: &'static str| {
            let root = root.clone();
            async move { regular_file_under(&root, std::path::Path::new(p)).await }
        };
        assert!(found("uploads/a.jpg").await.is_some());
        assert!(found("uploads/b.jpg").await.is_none(), "file link followed");
        assert!(
            found("linked/a.jpg").await.is_none(),
            "folder link followed"
        );
        assert!(found("uploads").await.is_none(), "a folder is not a file");
        assert!(found("uploads/missing.jpg").await.is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "sahifa-files-test-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        dir
    }

    #[test]
    fn refuses_escapes() {
        assert!(safe_relative("../etc/passwd").is_none());
        assert!(safe_relative("/etc/passwd").is_none());
        assert!(safe_relative("demo/../../x").is_none());
        assert!(safe_relative("demo/oil.svg").is_some());
    }
}
