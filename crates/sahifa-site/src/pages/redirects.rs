//! Permanent redirects that keep old and hand-typed URLs working: WordPress's search URL
//! (`/?s=…`) and a trailing slash on a public page's path.

use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;

use sahifa_http::responses::moved_permanently;

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
