//! References to the old site's uploads: recognising them in every spelling WordPress and
//! its editors write, and the canonical form the importer keys its uploads by.

use percent_encoding::percent_decode_str;

/// The old site, parsed once per post.
#[derive(Debug, Clone)]
pub(super) struct OldSite {
    /// `scheme://host`, as the old base gives it (host lower-cased).
    origin: String,
    host: String,
    /// The base's path, ending with `/`.
    path: String,
    /// `name.files.wordpress.com` for a `name.wordpress.com` site: where WordPress.com
    /// serves its uploads.
    files_host: Option<String>,
}

/// What became of one reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Rewrite {
    /// Not an upload of the old site: left as it is.
    NotOld,
    /// The new URL.
    New(String),
    /// An old upload with nothing imported for it: the old absolute URL.
    Unresolved(String),
}

impl OldSite {
    pub(super) fn parse(old_base: &str) -> Option<OldSite> {
        let parsed = url::Url::parse(old_base.trim()).ok()?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return None;
        }
        let host = parsed.host_str()?.to_ascii_lowercase();
        let origin = match parsed.port() {
            Some(port) => format!("{}://{host}:{port}", parsed.scheme()),
            None => format!("{}://{host}", parsed.scheme()),
        };
        let mut path = parsed.path().to_string();
        if !path.ends_with('/') {
            path.push('/');
        }
        let files_host = host
            .strip_suffix(".wordpress.com")
            .filter(|name| !name.is_empty() && !name.contains('.'))
            .map(|name| format!("{name}.files.wordpress.com"));
        Some(OldSite {
            origin,
            host,
            path,
            files_host,
        })
    }

    /// The canonical key of `url` (decoded of character references already) when it is
    /// an upload of the old site: the old base followed by the upload's path
    /// percent-decoded, without query or fragment, a resized variant mapped to its
    /// original.
    pub(super) fn upload_key(&self, url: &str) -> Option<String> {
        let url = url.trim();
        let lower_start = url.get(..url.len().min(8))?.to_ascii_lowercase();
        let after_scheme = if lower_start.starts_with("https://") {
            url.get(8..)?
        } else if lower_start.starts_with("http://") {
            url.get(7..)?
        } else if url.starts_with("//") {
            url.get(2..)?
        } else if url.starts_with('/') && !url.starts_with("/\\") {
            // Root-relative: the old site's own host.
            return self.under_base(&self.origin, &self.path, url, true);
        } else {
            return None;
        };
        let authority_end = after_scheme
            .find(['/', '?', '#', '\\'])
            .unwrap_or(after_scheme.len());
        let authority = after_scheme.get(..authority_end)?.to_ascii_lowercase();
        let path = after_scheme.get(authority_end..)?;
        if authority.contains('@') {
            return None;
        }
        let host = authority
            .strip_suffix(":443")
            .or_else(|| authority.strip_suffix(":80"))
            .unwrap_or(&authority);
        let host = host.strip_suffix('.').unwrap_or(host);
        if host == self.host || self.origin.ends_with(&format!("//{host}")) {
            return self.under_base(&self.origin, &self.path, path, true);
        }
        if self.files_host.as_deref() == Some(host) {
            return self.under_base(&format!("https://{host}"), "/", path, false);
        }
        // Jetpack's image CDN serves `i0.wp.com/<host>/<path>`.
        if matches!(host, "i0.wp.com" | "i1.wp.com" | "i2.wp.com" | "i3.wp.com") {
            let inner = path.strip_prefix('/')?;
            let inner_host_end = inner.find('/')?;
            let (inner_host, inner_path) = inner.split_at_checked(inner_host_end)?;
            if inner_host.eq_ignore_ascii_case(&self.host) {
                return self.under_base(&self.origin, &self.path, inner_path, true);
            }
        }
        None
    }

    fn under_base(
        &self,
        origin: &str,
        base: &str,
        path: &str,
        uploads_only: bool,
    ) -> Option<String> {
        let path = path
            .find(['?', '#'])
            .and_then(|end| path.get(..end))
            .unwrap_or(path);
        let rest = path.strip_prefix(base)?;
        if uploads_only
            && !["wp-content/uploads/", "wp-content/blogs.dir/", "files/"]
                .iter()
                .any(|p| rest.starts_with(p))
        {
            return None;
        }
        let decoded = percent_decode_str(rest)
            .decode_utf8()
            .map_or_else(|_| rest.to_string(), |d| d.into_owned());
        // The importer reads these files from a local directory: nothing may climb out.
        if decoded.contains(['\\', '\0'])
            || decoded.split('/').any(|s| s == ".." || s == ".")
            || decoded.ends_with('/')
        {
            return None;
        }
        Some(format!(
            "{origin}{base}{}",
            sahifa_text::old_urls::upload_original(&decoded)
        ))
    }

    /// What `url` becomes, asking `upload` for the new URL of an old upload.
    pub(super) fn rewrite(&self, url: &str, upload: &dyn Fn(&str) -> Option<String>) -> Rewrite {
        let Some(key) = self.upload_key(url) else {
            return Rewrite::NotOld;
        };
        match upload(&key) {
            Some(new) => Rewrite::New(new),
            None if url.trim().starts_with("//") => Rewrite::Unresolved(format!(
                "{}:{}",
                self.origin.split(':').next().unwrap_or("https"),
                url.trim()
            )),
            None if url.trim().starts_with('/') => {
                Rewrite::Unresolved(format!("{}{}", self.origin, url.trim()))
            }
            None => Rewrite::Unresolved(url.trim().to_string()),
        }
    }

    /// Every old upload URL mentioned in `text` (raw HTML text or an attribute value): the
    /// byte range of each and its key. Only absolute and schemeless URLs are looked for.
    pub(super) fn mentions(&self, text: &str) -> Vec<(usize, usize, String)> {
        let mut found = Vec::new();
        let hosts = [Some(self.host.as_str()), self.files_host.as_deref()];
        let mut positions: Vec<usize> = Vec::new();
        for host in hosts.into_iter().flatten() {
            let mut from = 0;
            while let Some(i) = text.get(from..).and_then(|r| r.find(host)) {
                positions.push(from + i);
                from += i + host.len().max(1);
            }
        }
        positions.sort_unstable();
        let mut last_end = 0;
        for at in positions {
            if at < last_end {
                continue;
            }
            let before = text.get(..at).unwrap_or_default();
            let Some(before) = before.strip_suffix("//") else {
                continue;
            };
            let start = if before.len() >= 6
                && before
                    .get(before.len() - 6..)
                    .is_some_and(|s| s.eq_ignore_ascii_case("https:"))
            {
                before.len() - 6
            } else if before.len() >= 5
                && before
                    .get(before.len() - 5..)
                    .is_some_and(|s| s.eq_ignore_ascii_case("http:"))
            {
                before.len() - 5
            } else {
                before.len()
            };
            let tail = text.get(at..).unwrap_or_default();
            let mut len = tail
                .find(|c: char| {
                    c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | '[' | ']' | '(' | ')')
                })
                .unwrap_or(tail.len());
            while let Some(last) = tail.get(..len).and_then(|s| s.chars().next_back()) {
                if matches!(last, '.' | ',' | ';' | ':' | '!' | '?' | '،' | '؛' | '؟') {
                    len -= last.len_utf8();
                } else {
                    break;
                }
            }
            let end = at + len;
            let Some(candidate) = text.get(start..end) else {
                continue;
            };
            if let Some(key) = self.upload_key(&super::html::decode(candidate)) {
                found.push((start, end, key));
                last_end = end;
            }
        }
        found
    }
}
