//! Comment HTML as the plain text Sahifa stores for a comment.
//!
//! A comment is stored as its typed text (`comments::text::clean`d) and rendered by
//! escaping it, blank lines making paragraphs and single newlines line breaks. A WordPress
//! comment is HTML shown through `wpautop()`: its newlines already mean what Sahifa's
//! mean, so they are kept, and its markup is reduced to the text a reader saw.

use super::html::{self, Token};

/// Elements that stand as paragraphs of their own.
const PARAGRAPHS: &[&str] = &[
    "p",
    "div",
    "blockquote",
    "ul",
    "ol",
    "dl",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "table",
    "figure",
    "hr",
    "section",
    "article",
    "address",
];

/// Elements that start a line of their own.
const LINES: &[&str] = &["li", "tr", "dt", "dd", "figcaption", "caption"];

/// `html` (a comment's `wp:comment_content`) as Sahifa comment text: character
/// references decoded once (`&amp;lt;` is the text `&lt;`), tags removed, `<br>` a newline,
/// paragraphs and other blocks separated by a blank line, a link's text kept and its URL
/// added in brackets when the text is something else, an image as its `alt`. Nothing
/// else is changed: no Unicode normalisation, bidi controls left to the comment store's
/// own cleaning.
pub fn comment_text(html: &str) -> String {
    let html = html.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(html.len());
    let mut link: Option<(String, usize)> = None;
    // A newline right after a `<br>` is the same line break, as `wpautop()` reads it.
    let mut after_br = false;
    for token in html::tokens(&html) {
        let skip_newline = std::mem::take(&mut after_br);
        match token {
            Token::Text(text) => {
                let text = match text.trim_start_matches([' ', '\t']).strip_prefix('\n') {
                    Some(rest) if skip_newline => rest,
                    _ => text,
                };
                out.push_str(&html::decode(text));
            }
            Token::Raw(_) | Token::Comment(_) => {}
            Token::Start(tag) => {
                let name = tag.name.as_str();
                if name == "br" {
                    trim_spaces(&mut out);
                    out.push('\n');
                    after_br = true;
                } else if PARAGRAPHS.contains(&name) {
                    paragraph_break(&mut out);
                } else if LINES.contains(&name) {
                    line_break(&mut out);
                } else if name == "a" {
                    let href = tag.attr("href").map(|h| h.trim().to_string());
                    link = href.map(|h| (h, out.len()));
                } else if name == "img"
                    && let Some(alt) = tag.attr("alt").filter(|a| !a.trim().is_empty())
                {
                    out.push_str(&alt);
                }
            }
            Token::End { name, .. } => {
                if PARAGRAPHS.contains(&name.as_str()) {
                    paragraph_break(&mut out);
                } else if LINES.contains(&name.as_str()) {
                    line_break(&mut out);
                } else if name == "a"
                    && let Some((href, start)) = link.take()
                {
                    let text = out.get(start..).unwrap_or_default().trim().to_string();
                    let web = ["http://", "https://", "mailto:"]
                        .iter()
                        .any(|s| href.to_ascii_lowercase().starts_with(s));
                    if web && !same_link(&href, &text) {
                        if text.is_empty() {
                            out.push_str(&href);
                        } else {
                            out.push_str(" (");
                            out.push_str(&href);
                            out.push(')');
                        }
                    }
                }
            }
        }
    }
    tidy(&out)
}

/// Whether a link's text already says where it goes.
fn same_link(href: &str, text: &str) -> bool {
    let bare = |s: &str| {
        let s = s.trim();
        let s = s
            .strip_prefix("https://")
            .or_else(|| s.strip_prefix("http://"))
            .or_else(|| s.strip_prefix("mailto:"))
            .unwrap_or(s);
        let s = s.strip_prefix("www.").unwrap_or(s);
        s.trim_end_matches('/').to_string()
    };
    bare(href) == bare(text)
}

fn trim_spaces(out: &mut String) {
    let kept = out.trim_end_matches([' ', '\t']).len();
    out.truncate(kept);
}

fn line_break(out: &mut String) {
    trim_spaces(out);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

fn paragraph_break(out: &mut String) {
    let kept = out.trim_end_matches([' ', '\t', '\n']).len();
    out.truncate(kept);
    if !out.is_empty() {
        out.push_str("\n\n");
    }
}

/// Lines without trailing spaces, runs of blank lines as one, no blank lines at the ends.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = false;
    for line in text.split('\n') {
        let line = line.trim_end_matches([' ', '\t']);
        if line.trim_start_matches([' ', '\t']).is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank { "\n\n" } else { "\n" });
        }
        blank = false;
        out.push_str(line);
    }
    out
}
