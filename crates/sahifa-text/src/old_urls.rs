//! The URLs of a site moved here (a WordPress import), as one key per address: what the
//! import stores and what a request for an unknown path is looked up by.

use percent_encoding::percent_decode_str;

/// The query parameters by which WordPress names a post, page, attachment, archive or feed
/// on its front page (`/?p=12`), in the order it resolves them.
const NAMING_PARAMETERS: [&str; 7] = [
    "p",
    "page_id",
    "attachment_id",
    "cat",
    "tag",
    "author",
    "feed",
];

/// The key of an old URL's `path` and `query`: the path percent-decoded (the browser,
/// the old site and a search engine each encode Arabic a little differently; a path that
/// does not decode to UTF-8 stays as it came), without its trailing slashes; on the front
/// page, of the query only the one parameter WordPress names something by (`/?p=12`).
/// `None` for an address that names nothing (the front page itself).
pub fn key(path: &str, query: Option<&str>) -> Option<String> {
    let decoded = match percent_decode_str(path).decode_utf8() {
        Ok(text) => text.into_owned(),
        Err(_) => path.to_string(),
    };
    let trimmed = decoded.trim_end_matches('/');
    let front = trimmed.is_empty() || trimmed == "/index.php";
    if !front {
        return Some(trimmed.to_string());
    }
    let query = query?;
    let pairs: Vec<(&str, &str)> = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .collect();
    NAMING_PARAMETERS.iter().find_map(|name| {
        pairs
            .iter()
            .find(|(key, value)| key == name && !value.trim().is_empty())
            .map(|(_, value)| {
                let value = percent_decode_str(value)
                    .decode_utf8()
                    .map(|v| v.into_owned())
                    .unwrap_or_else(|_| (*value).to_string());
                format!("/?{name}={}", value.trim())
            })
    })
}

/// The key of a full old URL (`https://example.com/2020/01/slug/?x`): its path and query.
pub fn key_of_url(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    key(parsed.path(), parsed.query())
}

/// The original of a resized WordPress upload: `a-150x150.jpg` and `a-scaled.jpg` are
/// sizes WordPress made of `a.jpg` (its sub-sizes are named `-{w}x{h}`, its big-image
/// copy `-scaled`, and a sub-size of that `-scaled-{w}x{h}`); any other name is its own
/// original. Takes a path or a URL; a query and fragment are kept.
pub fn upload_original(url: &str) -> String {
    let path_end = url.find(['?', '#']).unwrap_or(url.len());
    let (path, suffix) = url.split_at_checked(path_end).unwrap_or((url, ""));
    let name_start = path.rfind('/').map_or(0, |i| i + 1);
    let (dir, name) = path.split_at_checked(name_start).unwrap_or(("", path));
    let Some(dot) = name.rfind('.') else {
        return url.to_string();
    };
    let (mut stem, ext) = name.split_at_checked(dot).unwrap_or((name, ""));
    if ext.len() < 2 {
        return url.to_string();
    }
    if let Some((head, size)) = stem.rsplit_once('-')
        && !head.is_empty()
        && let Some((w, h)) = size.split_once('x')
        && [w, h]
            .iter()
            .all(|n| (1..=5).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()))
    {
        stem = head;
    }
    if let Some(head) = stem.strip_suffix("-scaled").filter(|h| !h.is_empty()) {
        stem = head;
    }
    format!("{dir}{stem}{ext}{suffix}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_agree_however_the_address_is_written() {
        let encoded = "/2020/01/02/%D8%B9%D8%A7%D8%AC%D9%84/";
        let lower = "/2020/01/02/%d8%b9%d8%a7%d8%ac%d9%84";
        let raw = "/2020/01/02/عاجل";
        assert_eq!(key(encoded, None).as_deref(), Some(raw));
        assert_eq!(key(lower, None).as_deref(), Some(raw));
        assert_eq!(key(raw, Some("utm_source=x")).as_deref(), Some(raw));
    }

    #[test]
    fn the_front_page_names_things_by_one_parameter() {
        assert_eq!(key("/", Some("p=12")).as_deref(), Some("/?p=12"));
        assert_eq!(
            key("/", Some("utm=1&page_id=7")).as_deref(),
            Some("/?page_id=7")
        );
        assert_eq!(key("/index.php", Some("p=3")).as_deref(), Some("/?p=3"));
        assert_eq!(key("/", Some("feed=rss2")).as_deref(), Some("/?feed=rss2"));
        assert_eq!(
            key("/", Some("tag=%D9%86%D9%81%D8%B7")).as_deref(),
            Some("/?tag=نفط")
        );
        assert_eq!(key("/", Some("s=x")), None);
        assert_eq!(key("/", None), None);
        assert_eq!(key("/", Some("p=")), None);
    }

    #[test]
    fn resized_uploads_lead_to_their_original() {
        assert_eq!(
            upload_original("/wp-content/uploads/2020/01/a-150x150.jpg"),
            "/wp-content/uploads/2020/01/a.jpg"
        );
        assert_eq!(upload_original("/u/a-b-scaled.jpeg"), "/u/a-b.jpeg");
        assert_eq!(upload_original("/u/photo-2020.jpg"), "/u/photo-2020.jpg");
        assert_eq!(upload_original("/u/-10x10.jpg"), "/u/-10x10.jpg");
        assert_eq!(upload_original("/u/noext"), "/u/noext");
    }

    #[test]
    fn full_urls() {
        assert_eq!(
            key_of_url("https://example.com/?p=1").as_deref(),
            Some("/?p=1")
        );
        assert_eq!(
            key_of_url("http://example.com/news/a-b/").as_deref(),
            Some("/news/a-b")
        );
        assert_eq!(key_of_url("not a url"), None);
    }
}
