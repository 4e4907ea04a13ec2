//! WordPress shortcodes, parsed as WordPress's own `get_shortcode_regex()` reads them:
//! attributes double-quoted, single-quoted or bare (and positional), self-closing
//! (`[x /]`) and enclosing (`[x]…[/x]`, the first `[/x]` ends it) forms, `[[x]]` written
//! out as the literal `[x]`. Only the shortcodes Sahifa has an equivalent for are
//! rendered; any other stays as its text.

use std::collections::HashMap;

use super::html::{self, Token, escape_attr, escape_text, push_attr};
use super::{Links, MediaLink};

/// Shortcodes rendered here; every one may enclose content.
const KNOWN: &[&str] = &[
    "caption",
    "wp_caption",
    "gallery",
    "embed",
    "video",
    "audio",
];

/// How deep shortcodes inside a caption are expanded.
const MAX_DEPTH: u8 = 3;

/// A shortcode's opening tag.
struct Open<'a> {
    name: &'a str,
    attrs: Vec<(Option<String>, String)>,
    self_closing: bool,
    /// Bytes from its `[` to just after its `]`.
    len: usize,
}

impl Open<'_> {
    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n.as_deref() == Some(name))
            .map(|(_, v)| v.as_str())
    }
}

/// `text` with its shortcodes rendered.
pub(super) fn expand(text: &str, links: &Links, depth: u8) -> String {
    if !text.contains('[') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    // Positions searched for already, so that no `[` makes the rest of the text be
    // searched again: `]` after a position, and each known shortcode's closing tag.
    let mut next_bracket: Option<Option<usize>> = None;
    let mut closes: HashMap<&str, Option<usize>> = HashMap::new();
    let mut i = 0;
    while let Some(rel) = text.get(i..).and_then(|r| r.find('[')) {
        let at = i + rel;
        out.push_str(text.get(i..at).unwrap_or_default());
        let escaped = text.get(at..).is_some_and(|r| r.starts_with("[["));
        let start = if escaped { at + 1 } else { at };
        let rbracket = match next_bracket {
            Some(Some(p)) if p > start => Some(p),
            Some(None) => None,
            _ => {
                let found = text
                    .get(start + 1..)
                    .and_then(|r| r.find(']'))
                    .map(|p| p + start + 1);
                next_bracket = Some(found);
                found
            }
        };
        let open = rbracket.and_then(|rb| parse_open(text, start, rb));
        let Some(open) = open else {
            out.push('[');
            i = at + 1;
            continue;
        };
        let known = KNOWN.contains(&open.name);
        let after_open = start + open.len;
        let mut content = None;
        let mut end = after_open;
        if known && !open.self_closing {
            let close_tag = format!("[/{}]", open.name);
            let close = match closes.get(open.name) {
                Some(Some(p)) if *p >= after_open => Some(*p),
                Some(None) => None,
                _ => {
                    let found = text
                        .get(after_open..)
                        .and_then(|r| r.find(&close_tag))
                        .map(|p| p + after_open);
                    closes.insert(open.name, found);
                    found
                }
            };
            if let Some(close) = close {
                content = text.get(after_open..close);
                end = close + close_tag.len();
            }
        }
        if escaped {
            if text.get(end..).is_some_and(|r| r.starts_with(']')) {
                out.push_str(text.get(start..end).unwrap_or_default());
                i = end + 1;
            } else {
                out.push('[');
                i = at + 1;
            }
            continue;
        }
        if !known {
            out.push('[');
            i = at + 1;
            continue;
        }
        out.push_str(&render(&open, content.unwrap_or_default(), links, depth));
        i = end;
    }
    out.push_str(text.get(i..).unwrap_or_default());
    out
}

/// The opening tag starting at `text[start]` (a `[`), whose attributes end at the `]` at
/// `rbracket`.
fn parse_open(text: &str, start: usize, rbracket: usize) -> Option<Open<'_>> {
    let inner = text.get(start + 1..rbracket)?;
    let name_len = inner
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(inner.len());
    let (name, rest) = inner.split_at_checked(name_len)?;
    if name.is_empty()
        || !(rest.is_empty() || rest.starts_with([' ', '\t', '\n', '\r', '/', '\u{a0}']))
    {
        return None;
    }
    let (rest, self_closing) = match rest.trim_end().strip_suffix('/') {
        Some(r) => (r, true),
        None => (rest, false),
    };
    Some(Open {
        name,
        attrs: parse_attrs(rest),
        self_closing,
        len: rbracket + 1 - start,
    })
}

/// Attributes as `shortcode_parse_atts()` reads them: names lower-cased, values as
/// written (character references are decoded where a value is used as a URL).
fn parse_attrs(text: &str) -> Vec<(Option<String>, String)> {
    let text: String = text
        .chars()
        .map(|c| {
            if matches!(c, '\u{a0}' | '\u{200b}') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let mut attrs = Vec::new();
    let mut rest = text.as_str();
    loop {
        rest = rest.trim_start();
        let Some(first) = rest.chars().next() else {
            break;
        };
        if first == '"' || first == '\'' {
            let body = rest.get(1..).unwrap_or_default();
            let end = body.find(first).unwrap_or(body.len());
            attrs.push((None, body.get(..end).unwrap_or_default().to_string()));
            rest = body.get(end + 1..).unwrap_or_default();
            continue;
        }
        let name_len = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        let name = rest.get(..name_len).unwrap_or_default();
        let after = rest.get(name_len..).unwrap_or_default().trim_start();
        if !name.is_empty()
            && let Some(value) = after.strip_prefix('=')
        {
            let value = value.trim_start();
            let (v, remaining) = match value.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let body = value.get(1..).unwrap_or_default();
                    let end = body.find(q).unwrap_or(body.len());
                    (
                        body.get(..end).unwrap_or_default(),
                        body.get(end + 1..).unwrap_or_default(),
                    )
                }
                _ => {
                    let end = value.find(char::is_whitespace).unwrap_or(value.len());
                    value.split_at_checked(end).unwrap_or((value, ""))
                }
            };
            attrs.push((Some(name.to_ascii_lowercase()), v.to_string()));
            rest = remaining;
            continue;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (word, remaining) = rest.split_at_checked(end).unwrap_or((rest, ""));
        attrs.push((None, word.to_string()));
        rest = remaining;
    }
    attrs
}

fn render(open: &Open, content: &str, links: &Links, depth: u8) -> String {
    match open.name {
        "caption" | "wp_caption" => caption(open, content, links, depth),
        "gallery" => gallery(open, links),
        "embed" => super::embed_or_link(html::decode(content.trim()).trim()),
        "video" => media(
            open,
            content,
            &["src", "mp4", "m4v", "webm", "ogv", "wmv", "flv"],
        ),
        "audio" => media(
            open,
            content,
            &["src", "mp3", "ogg", "flac", "m4a", "wav", "wma"],
        ),
        _ => String::new(),
    }
}

fn caption(open: &Open, content: &str, links: &Links, depth: u8) -> String {
    let content = if depth < MAX_DEPTH {
        expand(content, links, depth + 1)
    } else {
        content.to_string()
    };
    // The image, dropping the link WordPress wraps it in (the figure is the image).
    let mut image: Option<(usize, usize, String)> = None;
    let mut link_start: Option<usize> = None;
    let mut pos = 0;
    let mut after_image_link = false;
    for token in html::tokens(&content) {
        let len = token_len(&token);
        match &token {
            Token::Start(tag) if tag.name == "a" && image.is_none() => link_start = Some(pos),
            Token::Start(tag) if tag.name == "img" && image.is_none() => {
                let start = link_start.unwrap_or(pos);
                image = Some((start, pos + len, img_tag(tag, open)));
                after_image_link = link_start.is_some();
            }
            Token::End { name, .. } if name == "a" && after_image_link => {
                if let Some(img) = &mut image {
                    img.1 = pos + len;
                }
                after_image_link = false;
            }
            Token::Text(t) if t.trim().is_empty() => {}
            _ if image.is_none() => link_start = None,
            _ => after_image_link = false,
        }
        pos += len;
    }
    let Some((start, end, img)) = image else {
        return content;
    };
    let text = match open.attr("caption") {
        Some(c) => c.trim().to_string(),
        None => {
            let before = content.get(..start).unwrap_or_default().trim();
            let after = content.get(end..).unwrap_or_default().trim();
            match (before.is_empty(), after.is_empty()) {
                (true, _) => after.to_string(),
                (false, true) => before.to_string(),
                (false, false) => format!("{before} {after}"),
            }
        }
    };
    let mut out = String::from("<figure class=\"image\">");
    out.push_str(&img);
    if !text.is_empty() {
        out.push_str("<figcaption>");
        out.push_str(&text);
        out.push_str("</figcaption>");
    }
    out.push_str("</figure>");
    out
}

/// How many bytes of the input a token covers.
fn token_len(token: &Token) -> usize {
    match token {
        Token::Text(t) | Token::Raw(t) | Token::Comment(t) => t.len(),
        Token::Start(tag) => tag.raw.len(),
        Token::End { raw, .. } => raw.len(),
    }
}

/// The caption's image, with the attachment id of `[caption id="attachment_N"]` carried
/// as WordPress's own `wp-image-N` class so the image step can fall back on it.
fn img_tag(tag: &html::Tag, open: &Open) -> String {
    let mut out = String::from("<img");
    let id = open
        .attr("id")
        .and_then(|id| id.strip_prefix("attachment_"))
        .and_then(|n| n.trim().parse::<i64>().ok());
    let mut class_seen = false;
    for (name, _) in &tag.attrs {
        let Some(value) = tag.attr(name) else {
            continue;
        };
        if name == "class" {
            class_seen = true;
            let mut class = value.into_owned();
            if let Some(id) = id.filter(|_| !class.contains("wp-image-")) {
                class.push_str(&format!(" wp-image-{id}"));
            }
            push_attr(&mut out, name, &class);
        } else {
            push_attr(&mut out, name, &value);
        }
    }
    if !class_seen && let Some(id) = id {
        push_attr(&mut out, "class", &format!("wp-image-{id}"));
    }
    out.push('>');
    out
}

fn ids(list: &str) -> Vec<i64> {
    list.split(',')
        .filter_map(|id| id.trim().parse::<i64>().ok())
        .collect()
}

fn gallery(open: &Open, links: &Links) -> String {
    let mut wanted = ids(open
        .attr("ids")
        .or_else(|| open.attr("include"))
        .unwrap_or_default());
    if wanted.is_empty() {
        let excluded = ids(open.attr("exclude").unwrap_or_default());
        wanted = links
            .post_attachments
            .iter()
            .copied()
            .filter(|id| !excluded.contains(id))
            .collect();
        if open
            .attr("order")
            .is_some_and(|o| o.eq_ignore_ascii_case("desc"))
        {
            wanted.reverse();
        }
    }
    let images: Vec<MediaLink> = wanted
        .into_iter()
        .filter_map(|id| (links.attachment)(id))
        .collect();
    if images.is_empty() {
        return String::new();
    }
    let mut out = String::from("<figure class=\"gallery\">");
    for image in &images {
        out.push_str("<figure class=\"image\">");
        super::push_media_img(&mut out, image);
        if !image.caption.trim().is_empty() {
            out.push_str("<figcaption>");
            escape_text(&mut out, image.caption.trim());
            out.push_str("</figcaption>");
        }
        out.push_str("</figure>");
    }
    out.push_str("</figure>");
    out
}

fn media(open: &Open, content: &str, keys: &[&str]) -> String {
    let src = keys
        .iter()
        .find_map(|k| open.attr(k).filter(|v| !v.trim().is_empty()))
        // `[audio https://…]`: WordPress reads a bare URL as the source too.
        .or_else(|| {
            open.attrs.iter().find_map(|(name, value)| {
                (name.is_none() && (value.starts_with("http://") || value.starts_with("https://")))
                    .then_some(value.as_str())
            })
        })
        .map(|v| html::decode(v.trim()).into_owned());
    let Some(src) = src else {
        return content.to_string();
    };
    if let Some(embed) = sahifa_text::embeds::recognise(&src) {
        return super::embed_figure(&embed);
    }
    media_link(&src)
}

/// A link to a media file, its text the file's name.
pub(super) fn media_link(src: &str) -> String {
    let path = src.split(['?', '#']).next().unwrap_or(src);
    let name = path
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path);
    let name = percent_encoding::percent_decode_str(name)
        .decode_utf8()
        .map_or_else(|_| name.to_string(), |n| n.into_owned());
    let name = if name.trim().is_empty() {
        src.to_string()
    } else {
        name
    };
    let mut out = String::from("<a href=\"");
    escape_attr(&mut out, src);
    out.push_str("\">");
    escape_text(&mut out, &name);
    out.push_str("</a>");
    out
}
