//! WordPress post content in Sahifa's body schema, and comment HTML as comment text.
//!
//! [`convert_post`] does what WordPress's `the_content` filters did for a reader of the
//! old site, in the order WordPress runs them, and then hands the result to
//! [`sahifa_text::body::sanitize`]:
//!
//! 1. `<!--more-->` is removed (noted in [`Converted::had_more`]) and the content is
//!    split into its `<!--nextpage-->` pages, which are joined again with `<hr>`.
//! 2. Shortcodes are rendered ([`shortcodes`]): `[caption]` → `figure.image` with its
//!    caption; `[gallery]` → `figure.gallery` of the attachments; `[embed]` → the embed
//!    of a known provider, else a paragraph with the link; `[video]`/`[audio]` → the
//!    embed when the source is a known provider's, else a link to the file with the
//!    file's name as its text (the schema has no player: the reader follows the link).
//!    Any other shortcode stays as its text.
//! 3. Classic content (no `<!-- wp:` block comment) gets a URL alone on its line turned
//!    into the provider's embed, and WordPress's `wpautop()` ([`autop`]). Block content
//!    is already HTML: it is never autop'd.
//! 4. One pass over the HTML ([`autop::Walker`]) rewrites every reference to an upload
//!    of the old site (`src`, `href`, `srcset`'s first candidate when there is no `src`,
//!    URLs in text) and turns embed blocks, `video`/`audio`, `iframe`s and embedded
//!    tweets into embeds or links; `pre` becomes a paragraph whose lines are kept with
//!    `<br>` (the schema has no preformatted text).
//!
//! Text is kept byte for byte: no Unicode normalisation, no slashes or quotes added or
//! removed. The only characters the result loses are the ones `sanitize` removes on
//! purpose (the bidi embedding, override and isolate controls).

mod autop;
mod comments;
mod html;
mod shortcodes;
mod urls;

use std::collections::HashSet;

use sahifa_text::embeds::Embed;

pub use comments::comment_text;

use html::{Token, escape_attr, push_attr};
use urls::OldSite;

/// Where a body's references go: the old site and what was imported from it.
pub struct Links<'a> {
    /// The old site's base URL, e.g. `https://example.com/` or `https://example.com/news/`
    /// (a missing trailing `/` is assumed). A reference is to an upload of the old site
    /// when it is on this host (over http, https or schemeless, or root-relative) under
    /// this path and then `wp-content/uploads/`, `wp-content/blogs.dir/` or `files/`; for
    /// a `name.wordpress.com` site, anything on `name.files.wordpress.com`; and the same
    /// through Jetpack's `i0.wp.com`–`i3.wp.com` image CDN.
    pub old_base: &'a str,
    /// The new URL of an imported upload, given its key: see [`upload_key`] (the old
    /// absolute URL of the original file, its path percent-decoded, without query).
    /// Resized variants are mapped to their original before it is asked.
    pub upload: &'a dyn Fn(&str) -> Option<String>,
    /// An imported attachment by its WordPress id: for `[gallery ids="…"]`, for
    /// `[caption id="attachment_N"]` and `wp-image-N` images whose file was not found.
    pub attachment: &'a dyn Fn(i64) -> Option<MediaLink>,
    /// The ids of the post's own image attachments (`post_parent` = the post), in menu
    /// order: what a `[gallery]` without `ids` shows, as WordPress did.
    pub post_attachments: &'a [i64],
}

/// An imported image, as a gallery or a caption shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MediaLink {
    /// Its new URL.
    pub url: String,
    /// Its alternative text (`_wp_attachment_image_alt`).
    pub alt: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// Its caption as plain text (the attachment's excerpt), shown under it in a
    /// gallery; empty for none.
    pub caption: String,
}

/// A converted post body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Converted {
    /// The body in the schema: already passed through [`sahifa_text::body::sanitize`].
    pub html: String,
    /// References to uploads of the old site that could not be rewritten (nothing was
    /// imported for them): they still point at the old host.
    pub old_host_references: usize,
    /// The content had a `<!--more-->` marker.
    pub had_more: bool,
    /// How many `<!--nextpage-->` pages it had (1 without the marker).
    pub pages: usize,
}

/// `raw` (a post's `content:encoded`) in Sahifa's body schema. Never panics; linear in
/// the length of `raw` apart from what `sanitize` costs.
pub fn convert_post(raw: &str, links: &Links) -> Converted {
    let site = OldSite::parse(links.old_base);
    let text: Cow<str> = if raw.contains('\r') {
        Cow::Owned(raw.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(raw)
    };
    let block = text.contains("<!-- wp:");
    let (text, had_more) = remove_more(&text);
    let pages = split_pages(&text);
    let mut html = String::with_capacity(text.len() + text.len() / 4);
    let mut unresolved = 0;
    let mut written = 0;
    for page in &pages {
        let expanded = shortcodes::expand(page, links, 0);
        let expanded = if block {
            expanded
        } else {
            bare_url_embeds(&expanded)
        };
        let mut walker = autop::Walker::new(links, site.as_ref(), !block);
        walker.run(&expanded);
        unresolved += walker.unresolved;
        if walker.out.trim().is_empty() {
            continue;
        }
        if written > 0 {
            html.push_str("\n<hr>\n");
        }
        html.push_str(&walker.out);
        written += 1;
    }
    Converted {
        html: sahifa_text::body::sanitize(&html),
        old_host_references: unresolved,
        had_more,
        pages: pages.len(),
    }
}

use std::borrow::Cow;

/// The content without its `<!--more-->` (and `<!--noteaser-->`) markers, and whether
/// it had one. A marker alone on its line separates paragraphs, as it did on the old
/// site's single post view.
fn remove_more(text: &str) -> (Cow<'_, str>, bool) {
    if !text.contains("<!--more") && !text.contains("<!--noteaser-->") {
        return (Cow::Borrowed(text), false);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut had_more = false;
    loop {
        let more = rest.find("<!--more");
        let teaser = rest.find("<!--noteaser-->");
        let (at, is_more) = match (more, teaser) {
            (Some(m), Some(t)) if t < m => (t, false),
            (Some(m), _) => (m, true),
            (None, Some(t)) => (t, false),
            (None, None) => break,
        };
        let end = rest
            .get(at..)
            .and_then(|r| r.find("-->"))
            .map_or(rest.len(), |e| at + e + 3);
        had_more |= is_more;
        let before = rest.get(..at).unwrap_or_default();
        let after = rest.get(end..).unwrap_or_default();
        if before.ends_with('\n') && after.starts_with('\n') {
            out.push_str(before.trim_end_matches('\n'));
            out.push_str("\n\n");
            rest = after.trim_start_matches('\n');
        } else {
            out.push_str(before);
            rest = after;
        }
    }
    out.push_str(rest);
    (Cow::Owned(out), had_more)
}

/// The `<!--nextpage-->` pages, as WordPress's `setup_postdata()` splits them.
fn split_pages(text: &str) -> Vec<String> {
    const MARK: &str = "<!--nextpage-->";
    if !text.contains(MARK) {
        return vec![text.to_string()];
    }
    let text = text
        .replace("\n<!--nextpage-->\n", MARK)
        .replace("\n<!--nextpage-->", MARK)
        .replace("<!--nextpage-->\n", MARK)
        .replace("<!-- wp:nextpage -->", "")
        .replace("<!-- /wp:nextpage -->", "");
    let text = text.strip_prefix(MARK).unwrap_or(&text);
    text.split(MARK).map(str::to_string).collect()
}

/// Classic content's URLs alone on their line, as the embed of their post when a known
/// provider's (WordPress's `autoembed()`); any other stays, and becomes a link.
fn bare_url_embeds(text: &str) -> String {
    if !text.contains("http") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let url = line.trim();
        let candidate = (url.starts_with("http://") || url.starts_with("https://"))
            && !url.contains(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"'));
        match candidate
            .then(|| sahifa_text::embeds::recognise(&html::decode(url)))
            .flatten()
        {
            Some(embed) => out.push_str(&embed_figure(&embed)),
            None => out.push_str(line),
        }
    }
    out
}

/// The schema's embed figure (`sanitize` fills in its fallback link).
fn embed_figure(embed: &Embed) -> String {
    let mut out = String::from("<figure class=\"embed\"");
    push_attr(&mut out, "data-provider", embed.provider.as_str());
    push_attr(&mut out, "data-url", &embed.url);
    out.push_str("></figure>");
    out
}

/// A known provider's post as its embed, any other web URL as a paragraph with its link.
fn embed_or_link(url: &str) -> String {
    let url = url.trim();
    if url.is_empty() {
        return String::new();
    }
    if let Some(embed) = sahifa_text::embeds::recognise(url) {
        return embed_figure(&embed);
    }
    let mut out = String::from("<p>");
    if url.starts_with("http://") || url.starts_with("https://") || url.starts_with('/') {
        out.push_str("<a href=\"");
        escape_attr(&mut out, url);
        out.push_str("\">");
        html::escape_text(&mut out, url);
        out.push_str("</a>");
    } else {
        html::escape_text(&mut out, url);
    }
    out.push_str("</p>");
    out
}

fn push_media_img(out: &mut String, image: &MediaLink) {
    out.push_str("<img");
    push_attr(out, "src", &image.url);
    push_attr(out, "alt", &image.alt);
    if let Some(width) = image.width {
        push_attr(out, "width", &width.to_string());
    }
    if let Some(height) = image.height {
        push_attr(out, "height", &height.to_string());
    }
    out.push('>');
}

/// The key [`Links::upload`] is asked with for `url`, when `url` is an upload of the
/// site at `old_base`: `old_base` followed by the upload's path percent-decoded (when
/// that is UTF-8), without query or fragment, a resized variant mapped to its original
/// (see [`sahifa_text::old_urls::upload_original`]). A path climbing out (`..`) is never an upload. The
/// importer keys what it imported (`wp:attachment_url`) with this same function.
pub fn upload_key(url: &str, old_base: &str) -> Option<String> {
    OldSite::parse(old_base)?.upload_key(&html::decode(url))
}

/// Where the upload an [`upload_key`] names lies in a copy of the old site's uploads
/// folder: the key's path after `wp-content/uploads/` (a network site's
/// `wp-content/blogs.dir/`, WordPress.com's `files/`), or the whole path on a separate
/// files host. The key is already decoded: nothing is decoded again.
pub fn upload_folder_path(key: &str) -> Option<&str> {
    let after_scheme = key.split_once("://").map_or(key, |(_, rest)| rest);
    let path = after_scheme.get(after_scheme.find('/')?..)?;
    let relative = ["/wp-content/uploads/", "/wp-content/blogs.dir/", "/files/"]
        .iter()
        .find_map(|marker| {
            path.find(marker)
                .and_then(|at| path.get(at + marker.len()..))
        })
        .unwrap_or_else(|| path.trim_start_matches('/'));
    (!relative.is_empty()).then_some(relative)
}

/// The keys (see [`upload_key`]) of every upload of the old site `raw` references, each
/// once, in first-seen order: in `src`, `href`, every `srcset` candidate, lazy-loading
/// `data-src` attributes, `poster`, and absolute URLs in text (shortcode attributes
/// included). This is what the importer fetches from its uploads directory.
pub fn upload_references(raw: &str, old_base: &str) -> Vec<String> {
    let Some(site) = OldSite::parse(old_base) else {
        return Vec::new();
    };
    let mut seen = HashSet::new();
    let mut found = Vec::new();
    let mut add = |key: String| {
        if seen.insert(key.clone()) {
            found.push(key);
        }
    };
    for token in html::tokens(raw) {
        match token {
            Token::Start(tag) => {
                for (name, value) in &tag.attrs {
                    let value = html::decode(value);
                    match name.as_str() {
                        "src" | "href" | "poster" | "data-src" | "data-lazy-src"
                        | "data-original" | "data-orig-file" | "data-large-file" => {
                            if let Some(key) = site.upload_key(&value) {
                                add(key);
                            }
                        }
                        "srcset" | "data-srcset" | "data-lazy-srcset" => {
                            for candidate in value.split(',') {
                                if let Some(key) = candidate
                                    .split_whitespace()
                                    .next()
                                    .and_then(|c| site.upload_key(c))
                                {
                                    add(key);
                                }
                            }
                        }
                        _ => {
                            for (_, _, key) in site.mentions(&value) {
                                add(key);
                            }
                        }
                    }
                }
            }
            Token::Text(text) | Token::Comment(text) => {
                for (_, _, key) in site.mentions(text) {
                    add(key);
                }
            }
            Token::Raw(_) | Token::End { .. } => {}
        }
    }
    found
}
