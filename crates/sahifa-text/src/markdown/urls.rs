//! What the sanitiser does with a URL that has no scheme.
//!
//! A path (`/politics/x`, `../a`, `#notes`, `?p=2`) stays on the site and passes through.
//! A protocol-relative URL (`//host/path`) only looks relative: a browser sends the reader
//! to `host`, so it is an external link, and is written out as `https://host/path`. That
//! makes it absolute for everything downstream (the feeds make site-relative links
//! absolute by prefixing the site's address, which would turn `//host` into a path on our
//! own site), and an image on it is never fetched over plain http.

use std::borrow::Cow;

/// The rewritten form of a scheme-less URL (`None` would drop the attribute; every
/// scheme-less URL is kept, in one form or the other).
pub(crate) fn relative(url: &str) -> Option<Cow<'_, str>> {
    Some(match protocol_relative(url) {
        Some(rest) => Cow::Owned(format!("https://{rest}")),
        None => Cow::Borrowed(url),
    })
}

/// For a URL a browser would read as `//host...`, what follows the two slashes.
///
/// Browsers strip leading and trailing C0 controls and spaces, drop every tab and newline
/// inside, and read `\` as `/` in http(s) URLs, so `\\host`, `/\host`, ` //host` and
/// `/<TAB>/host` all lead to `host` too.
fn protocol_relative(url: &str) -> Option<String> {
    let trimmed = url.trim_matches(|c: char| c <= ' ');
    let cleaned: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .map(|c| if c == '\\' { '/' } else { c })
        .collect();
    let rest = cleaned.strip_prefix("//")?;
    Some(rest.trim_start_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_pass_and_protocol_relative_urls_become_https() {
        for path in ["/politics/روحاني", "../a", "#notes", "?p=2", "a/b", ""] {
            assert_eq!(relative(path).as_deref(), Some(path), "{path:?}");
        }
        for (url, want) in [
            ("//evil.example/x.png", "https://evil.example/x.png"),
            ("\\\\evil.example/x", "https://evil.example/x"),
            ("/\\evil.example", "https://evil.example"),
            (" //evil.example", "https://evil.example"),
            ("/\t/evil.example/a", "https://evil.example/a"),
            ("///evil.example", "https://evil.example"),
        ] {
            assert_eq!(relative(url).as_deref(), Some(want), "{url:?}");
        }
    }
}
