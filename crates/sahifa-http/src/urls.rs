//! Public URL shapes. Slugs stay Arabic and are percent-encoded as one path segment.

use sahifa_text::slug::encode_slug;

/// `/article/{slug}`.
pub fn article(slug: &str) -> String {
    format!("/article/{}", encode_slug(slug))
}

/// `/category/{slug}`.
pub fn category(slug: &str) -> String {
    format!("/category/{}", encode_slug(slug))
}

/// `/tag/{slug}`.
pub fn tag(slug: &str) -> String {
    format!("/tag/{}", encode_slug(slug))
}

/// `/author/{slug}`.
pub fn author(slug: &str) -> String {
    format!("/author/{}", encode_slug(slug))
}

/// `base` with `?page=n` for pages after the first, so page 1 has one canonical URL.
pub fn paged(base: &str, page: i64) -> String {
    if page <= 1 {
        base.to_string()
    } else {
        format!("{base}?page={page}")
    }
}

/// Percent-encodes a query-string value (everything but RFC 3986 unreserved characters).
pub fn query_value(value: &str) -> String {
    const SET: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(value, SET).to_string()
}
