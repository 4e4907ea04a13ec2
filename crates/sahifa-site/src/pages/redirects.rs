//! Permanent redirects that keep old and hand-typed URLs working: WordPress's search URL
//! (`/?s=…`), a trailing slash on a public page's path, and every URL of a site imported
//! from WordPress.

use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

use sahifa_http::responses::moved_permanently;
use sahifa_http::state::AppState;
use sahifa_http::urls;
use sahifa_store::imports::LegacyTarget;
use sahifa_store::pages::PageStatus;

/// Path prefixes the trailing-slash redirect leaves alone: the admin and the API answer
/// their own paths, static and media paths name files, and short links (`/s/{id}`) are
/// machine-made ids that an empty `/s/` must not turn into a page-like `/s`.
const UNTOUCHED_PREFIXES: [&str; 5] = ["/admin/", "/api/", "/static/", "/media/", "/s/"];

/// Where WordPress's search URL (`/?s=…`, the query string `raw`) goes on this site: the
/// search page with `s` renamed `q` and `paged` renamed `page`, other parameters kept as
/// they came. An empty `s` leaves no `q` (the empty search page). `None` when there is no
/// `s`.
pub fn wordpress_search(raw: Option<&str>) -> Option<String> {
    let raw = raw?;
    let pairs: Vec<(&str, Option<&str>)> = raw
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((key, value)) => (key, Some(value)),
            None => (pair, None),
        })
        .collect();
    if !pairs.iter().any(|(key, _)| *key == "s") {
        return None;
    }
    let mut kept = Vec::new();
    for (key, value) in pairs {
        let value = value.unwrap_or("");
        match key {
            "s" if !value.is_empty() => kept.push(format!("q={value}")),
            // A `q` of the old URL would compete with the one `s` names.
            "s" | "q" => {}
            "paged" => kept.push(format!("page={value}")),
            _ => kept.push(format!("{key}={value}")),
        }
    }
    if kept.is_empty() {
        Some("/search".to_string())
    } else {
        Some(format!("/search?{}", kept.join("&")))
    }
}

/// The path without its trailing slashes, when a `GET` or `HEAD` of `path` should be sent
/// there: public pages have one URL each, without the slash WordPress put at their end.
fn without_trailing_slash(method: &Method, path: &str) -> Option<String> {
    if method != Method::GET && method != Method::HEAD {
        return None;
    }
    if path == "/" || !path.ends_with('/') {
        return None;
    }
    // `//host/` would become a protocol-relative URL pointing off the site.
    if path.starts_with("//") {
        return None;
    }
    if UNTOUCHED_PREFIXES
        .iter()
        .any(|prefix| path.starts_with(prefix))
    {
        return None;
    }
    let trimmed = path.trim_end_matches('/');
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// Middleware: a public URL with a trailing slash answers 301 to the same URL without it,
/// query kept.
pub async fn drop_trailing_slash(request: Request, next: Next) -> Response {
    let uri = request.uri();
    match without_trailing_slash(request.method(), uri.path()) {
        Some(path) => {
            let location = match uri.query() {
                Some(query) => format!("{path}?{query}"),
                None => path,
            };
            moved_permanently(&location)
        }
        None => next.run(request).await,
    }
}

/// Middleware: an address of the site imported from WordPress answers 301 to where what it
/// named lives now. Looked up only where nothing else answers (a 404, or the trailing-slash
/// redirect, which would otherwise send an old link through a second hop), and for the
/// front page's `?p=12`-style queries, so the pages of the site itself never pay for it.
pub async fn old_site_urls(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return next.run(request).await;
    }
    let path = request.uri().path().to_string();
    let query = request.uri().query().map(str::to_string);
    let front = path == "/" || path == "/index.php";
    if front {
        if let Some(key) = sahifa_text::old_urls::key(&path, query.as_deref())
            && let Some(location) = old_location(&state, &key).await
        {
            return moved_permanently(&location);
        }
        return next.run(request).await;
    }
    let response = next.run(request).await;
    let unanswered = response.status() == StatusCode::NOT_FOUND
        || response.status() == StatusCode::MOVED_PERMANENTLY && path.ends_with('/');
    if !unanswered {
        return response;
    }
    let Some(key) = sahifa_text::old_urls::key(&path, query.as_deref()) else {
        return response;
    };
    if let Some(location) = old_location(&state, &key).await {
        return moved_permanently(&location);
    }
    // WordPress's date archives (`/2026/03/20/`) go to this site's.
    if let Some(location) = super::date_archive::wordpress_date_archive(&key) {
        return moved_permanently(&location);
    }
    // WordPress's resized copies (`a-150x150.jpg`) of an imported upload go to the upload.
    if key.contains("/wp-content/uploads/") {
        let original = sahifa_text::old_urls::upload_original(&key);
        if original != key
            && let Some(location) = old_location(&state, &original).await
        {
            return moved_permanently(&location);
        }
    }
    response
}

/// Where the old address `key` leads now: `None` when it names nothing, or something
/// readers cannot see (a draft is not revealed by its old link).
async fn old_location(state: &AppState, key: &str) -> Option<String> {
    let db = state.db();
    let target = match db.legacy_url(key).await {
        Ok(target) => target?,
        Err(err) => {
            tracing::warn!(error = %err, "old URL lookup failed");
            return None;
        }
    };
    let found = async {
        Ok::<Option<String>, sahifa_store::StoreError>(match target {
            LegacyTarget::Article(id) => db
                .article_by_id(id)
                .await?
                .filter(|a| a.summary.status == sahifa_store::ArticleStatus::Published)
                .map(|a| urls::article(&a.summary.slug)),
            LegacyTarget::Page(id) => db
                .page_by_id(id)
                .await?
                .filter(|p| p.status == PageStatus::Published)
                .map(|p| format!("/page/{}", sahifa_text::slug::encode_slug(&p.slug))),
            LegacyTarget::Category(id) => db
                .category_by_id(id)
                .await?
                .map(|c| urls::category(&c.slug)),
            LegacyTarget::Tag(id) => db.tag_by_id(id).await?.map(|t| urls::tag(&t.slug)),
            LegacyTarget::Author(id) => db.author_by_id(id).await?.map(|a| urls::author(&a.slug)),
            LegacyTarget::Media(id) => db.media_by_id(id).await?.map(|m| m.original_url()),
            LegacyTarget::CategoryFeed(id) => db
                .category_by_id(id)
                .await?
                .map(|c| feed_of(&urls::category(&c.slug))),
            LegacyTarget::TagFeed(id) => db
                .tag_by_id(id)
                .await?
                .map(|t| feed_of(&urls::tag(&t.slug))),
            LegacyTarget::AuthorFeed(id) => db
                .author_by_id(id)
                .await?
                .map(|a| feed_of(&urls::author(&a.slug))),
            LegacyTarget::SiteFeed => {
                Some(crate::feeds::feed_path(None, crate::feeds::Format::Rss))
            }
        })
    };
    match found.await {
        Ok(location) => location,
        Err(err) => {
            tracing::warn!(error = %err, "old URL target lookup failed");
            None
        }
    }
}

fn feed_of(archive: &str) -> String {
    crate::feeds::feed_path(Some(archive), crate::feeds::Format::Rss)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wordpress_search_urls() {
        assert_eq!(wordpress_search(None), None);
        assert_eq!(wordpress_search(Some("page=2")), None);
        assert_eq!(
            wordpress_search(Some("s=%D8%BA%D8%B2%D8%A9")).as_deref(),
            Some("/search?q=%D8%BA%D8%B2%D8%A9")
        );
        assert_eq!(wordpress_search(Some("s=")).as_deref(), Some("/search"));
        assert_eq!(wordpress_search(Some("s")).as_deref(), Some("/search"));
        assert_eq!(
            wordpress_search(Some("s=a+b&paged=2&q=x")).as_deref(),
            Some("/search?q=a+b&page=2")
        );
    }

    #[test]
    fn trailing_slashes() {
        let get = Method::GET;
        assert_eq!(without_trailing_slash(&get, "/"), None);
        assert_eq!(
            without_trailing_slash(&get, "/category/x/").as_deref(),
            Some("/category/x")
        );
        assert_eq!(
            without_trailing_slash(&get, "/tag/x//").as_deref(),
            Some("/tag/x")
        );
        assert_eq!(without_trailing_slash(&get, "/category/x"), None);
        assert_eq!(without_trailing_slash(&get, "//evil.example/"), None);
        assert_eq!(without_trailing_slash(&get, "/admin/"), None);
        assert_eq!(without_trailing_slash(&get, "/admin/articles/"), None);
        assert_eq!(without_trailing_slash(&get, "/api/v1/articles/"), None);
        assert_eq!(without_trailing_slash(&get, "/static/css/"), None);
        assert_eq!(without_trailing_slash(&get, "/s/"), None);
        assert_eq!(without_trailing_slash(&Method::POST, "/search/"), None);
    }
}
