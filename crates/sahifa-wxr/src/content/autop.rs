//! One pass over a page's HTML: WordPress's `wpautop()` for classic content (blank line
//! → paragraph, single newline → `<br />`, block-level elements never wrapped), and for
//! every page the rewriting of references to the old site's uploads and the conversion
//! of what the body schema has no element for (embed blocks, players, frames, embedded
//! tweets, `pre`) into what it has.

use std::borrow::Cow;

use super::html::{self, Tag, Token, escape_text, push_attr};
use super::urls::{OldSite, Rewrite};
use super::{Links, MediaLink};

/// `wpautop()`'s block-level elements: text never shares a paragraph with them.
const BLOCKS: &[&str] = &[
    "table",
    "thead",
    "tfoot",
    "caption",
    "col",
    "colgroup",
    "tbody",
    "tr",
    "td",
    "th",
    "div",
    "dl",
    "dd",
    "dt",
    "ul",
    "ol",
    "li",
    "pre",
    "form",
    "map",
    "area",
    "blockquote",
    "address",
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "fieldset",
    "legend",
    "section",
    "article",
    "aside",
    "hgroup",
    "header",
    "footer",
    "nav",
    "figure",
    "figcaption",
    "details",
    "menu",
    "summary",
    "main",
];

const VOID_BLOCKS: &[&str] = &["hr", "col", "area"];

/// Containers whose loose text is prose: it is made paragraphs as at the top level.
/// Anywhere else (a list item, a cell, a caption) a line of text stays as it is, and only
/// text broken by a blank line becomes paragraphs.
const FLOW: &[&str] = &[
    "div",
    "blockquote",
    "section",
    "article",
    "aside",
    "header",
    "footer",
    "nav",
    "main",
    "form",
    "address",
    "details",
    "fieldset",
];

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `figure.wp-block-embed`: the URL is the wrapper's text.
    EmbedFigure,
    /// `figure.wp-block-video` / `figure.wp-block-audio`.
    MediaFigure,
    /// A `video` or `audio` element.
    Media,
    Iframe,
    /// `blockquote.twitter-tweet` / `blockquote.instagram-media`: the provider's
    /// fallback markup around the post's link.
    Quote,
}

/// An element read whole before anything is written for it.
struct Capture {
    kind: Kind,
    name: String,
    depth: usize,
    urls: Vec<String>,
    text: String,
    caption: String,
    in_caption: usize,
    raw: String,
}

impl Capture {
    fn new(kind: Kind, tag: &Tag) -> Capture {
        let mut capture = Capture {
            kind,
            name: tag.name.clone(),
            depth: 1,
            urls: Vec::new(),
            text: String::new(),
            caption: String::new(),
            in_caption: 0,
            raw: tag.raw.to_string(),
        };
        capture.collect_urls(tag);
        capture
    }

    fn collect_urls(&mut self, tag: &Tag) {
        let names: &[&str] = match self.kind {
            Kind::Media | Kind::MediaFigure => &["src"],
            _ => &["src", "href", "data-instgrm-permalink"],
        };
        for name in names {
            if let Some(value) = tag.attr(name).filter(|v| !v.trim().is_empty()) {
                self.urls.push(value.trim().to_string());
            }
        }
    }

    /// Takes the next token; true when the element has ended.
    fn feed(&mut self, token: &Token) -> bool {
        match token {
            Token::Start(tag) => {
                self.raw.push_str(tag.raw);
                if tag.name == self.name && !tag.self_closing {
                    self.depth += 1;
                }
                self.collect_urls(tag);
                if tag.name == "figcaption" {
                    self.in_caption += 1;
                } else if self.in_caption > 0 {
                    self.caption.push_str(tag.raw);
                }
            }
            Token::End { name, raw } => {
                self.raw.push_str(raw);
                if *name == self.name {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return true;
                    }
                }
                if name == "figcaption" {
                    self.in_caption = self.in_caption.saturating_sub(1);
                } else if self.in_caption > 0 {
                    self.caption.push_str(raw);
                }
            }
            Token::Text(t) => {
                self.raw.push_str(t);
                if self.in_caption > 0 {
                    self.caption.push_str(t);
                } else {
                    self.text.push_str(&html::decode(t));
                }
            }
            Token::Raw(t) | Token::Comment(t) => self.raw.push_str(t),
        }
        false
    }
}

pub(super) struct Walker<'w, 'a> {
    links: &'w Links<'a>,
    site: Option<&'w OldSite>,
    autop: bool,
    captures: bool,
    pub(super) out: String,
    /// Old upload references left pointing at the old site.
    pub(super) unresolved: usize,
    /// The paragraph being gathered (autop).
    cur: String,
    started: bool,
    pending_newline: bool,
    /// Where the last `<br>` starts in `cur`, while nothing but whitespace followed it.
    last_br: Option<usize>,
    /// A blank line broke the text since the last block tag.
    split: bool,
    stack: Vec<String>,
    pre: usize,
    pre_fresh: bool,
    /// Inside a link: a URL in its text is only text.
    in_link: usize,
    capture: Option<Capture>,
}

impl<'w, 'a> Walker<'w, 'a> {
    pub(super) fn new(links: &'w Links<'a>, site: Option<&'w OldSite>, autop: bool) -> Self {
        Walker {
            links,
            site,
            autop,
            captures: true,
            out: String::new(),
            unresolved: 0,
            cur: String::new(),
            started: false,
            pending_newline: false,
            last_br: None,
            split: false,
            stack: Vec::new(),
            pre: 0,
            pre_fresh: false,
            in_link: 0,
            capture: None,
        }
    }

    pub(super) fn run(&mut self, text: &str) {
        self.out.reserve(text.len() + text.len() / 8);
        for token in html::tokens(text) {
            self.token(token);
        }
        if let Some(capture) = self.capture.take() {
            self.finish_capture(capture);
        }
        self.block_boundary();
    }

    fn token(&mut self, token: Token) {
        if let Some(capture) = &mut self.capture {
            if capture.feed(&token)
                && let Some(capture) = self.capture.take()
            {
                self.finish_capture(capture);
            }
            return;
        }
        match token {
            Token::Text(t) => self.text(t),
            Token::Raw(t) => self.inline(t),
            Token::Comment(_) => {}
            Token::Start(tag) => self.start(&tag),
            Token::End { name, raw } => self.end(&name, raw),
        }
    }

    fn start(&mut self, tag: &Tag) {
        let name = tag.name.as_str();
        if self.captures {
            let kind = match name {
                "figure" if tag.class_starting("wp-block-embed") => Some(Kind::EmbedFigure),
                "figure" if tag.has_class("wp-block-video") || tag.has_class("wp-block-audio") => {
                    Some(Kind::MediaFigure)
                }
                "video" | "audio" => Some(Kind::Media),
                "iframe" => Some(Kind::Iframe),
                "blockquote"
                    if tag.has_class("twitter-tweet") || tag.has_class("instagram-media") =>
                {
                    Some(Kind::Quote)
                }
                _ => None,
            };
            if let Some(kind) = kind {
                let capture = Capture::new(kind, tag);
                if tag.self_closing {
                    self.finish_capture(capture);
                } else {
                    self.capture = Some(capture);
                }
                return;
            }
        }
        if self.pre > 0 {
            self.pre_fresh = false;
        }
        match name {
            "img" => {
                let img = self.img(tag);
                self.inline(&img);
            }
            "a" => {
                let mut a = String::from("<a");
                if let Some(href) = tag.attr("href") {
                    let href = self.rewrite(&href);
                    push_attr(&mut a, "href", &href);
                }
                a.push('>');
                self.in_link += usize::from(!tag.self_closing);
                self.inline(&a);
            }
            "br" => self.br(tag.raw),
            "pre" => {
                self.block_tag("pre", "<p>", true, false);
                self.pre += 1;
                self.pre_fresh = true;
            }
            "figure" if tag.class_starting("wp-block-gallery") => {
                self.block_tag(
                    "figure",
                    "<figure class=\"gallery\">",
                    true,
                    tag.self_closing,
                );
            }
            _ if BLOCKS.contains(&name) => {
                let void = VOID_BLOCKS.contains(&name) || tag.self_closing;
                self.block_tag(name, tag.raw, true, void);
            }
            _ => self.inline(tag.raw),
        }
    }

    fn end(&mut self, name: &str, raw: &str) {
        if name == "pre" && self.pre > 0 {
            self.pre -= 1;
            self.block_tag("pre", "</p>", false, false);
        } else if BLOCKS.contains(&name) {
            self.block_tag(name, raw, false, false);
        } else if name == "a" {
            self.in_link = self.in_link.saturating_sub(1);
            self.inline(raw);
        } else {
            self.inline(raw);
        }
    }

    fn text(&mut self, text: &str) {
        let text = self.rewrite_mentions(text);
        if self.pre > 0 {
            let mut lines = String::with_capacity(text.len() + 16);
            let mut body: &str = &text;
            if self.pre_fresh {
                body = body.strip_prefix('\n').unwrap_or(body);
                self.pre_fresh = false;
            }
            for (i, line) in body.split('\n').enumerate() {
                if i > 0 {
                    lines.push_str("<br>\n");
                }
                lines.push_str(line);
            }
            self.inline(&lines);
        } else if self.autop {
            self.autop_text(&text);
        } else {
            self.out.push_str(&text);
        }
    }

    fn autop_text(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let spaces = bytes.get(i).copied().is_some_and(is_space);
            let mut j = i;
            let mut newlines = 0;
            while bytes.get(j).is_some_and(|b| is_space(*b) == spaces) {
                newlines += usize::from(bytes.get(j) == Some(&b'\n'));
                j += 1;
            }
            let run = text.get(i..j).unwrap_or_default();
            if !spaces {
                self.flush_newline();
                self.cur.push_str(run);
                self.started = true;
                self.last_br = None;
            } else if newlines >= 2 {
                self.paragraph_break();
            } else if newlines == 1 {
                self.pending_newline = self.started;
            } else if self.started && !self.pending_newline {
                self.cur.push_str(run);
            }
            i = j.max(i + 1);
        }
    }

    fn flush_newline(&mut self) {
        if self.pending_newline {
            self.pending_newline = false;
            if self.last_br.is_none() {
                self.cur.push_str("<br />");
            }
            self.cur.push('\n');
        }
    }

    /// Inline markup or raw text: part of the paragraph being gathered.
    fn inline(&mut self, html: &str) {
        if !self.autop {
            self.out.push_str(html);
            return;
        }
        self.flush_newline();
        self.cur.push_str(html);
        self.started = true;
        self.last_br = None;
    }

    fn br(&mut self, raw: &str) {
        if !self.autop || self.pre > 0 {
            self.inline(raw);
            return;
        }
        if let Some(at) = self.last_br {
            // Two line breaks in a row are a paragraph break, as in `wpautop()`.
            self.cur.truncate(at);
            self.pending_newline = false;
            self.paragraph_break();
            return;
        }
        self.flush_newline();
        self.last_br = Some(self.cur.len());
        self.cur.push_str(raw);
        self.started = true;
    }

    fn paragraph_break(&mut self) {
        self.emit_paragraph(true);
        self.split = true;
    }

    fn block_boundary(&mut self) {
        let flow = self
            .stack
            .last()
            .is_none_or(|name| FLOW.contains(&name.as_str()));
        self.emit_paragraph(self.split || flow);
        self.split = false;
    }

    fn emit_paragraph(&mut self, wrap: bool) {
        self.pending_newline = false;
        self.last_br = None;
        let content = self.cur.trim_end_matches(|c: char| c.is_ascii_whitespace());
        if self.started && !content.is_empty() {
            if wrap {
                self.out.push_str("<p>");
                self.out.push_str(content);
                self.out.push_str("</p>\n");
            } else {
                self.out.push_str(content);
            }
        }
        self.cur.clear();
        self.started = false;
    }

    fn block_tag(&mut self, name: &str, raw: &str, start: bool, void: bool) {
        if self.autop {
            self.block_boundary();
        }
        self.out.push_str(raw);
        if start && !void {
            self.stack.push(name.to_string());
        } else if !start && let Some(at) = self.stack.iter().rposition(|n| n == name) {
            self.stack.truncate(at);
        }
    }

    /// A block made whole by this pass (an embed, a link paragraph).
    fn block_html(&mut self, html: &str) {
        if html.is_empty() {
            return;
        }
        if self.autop {
            self.block_boundary();
        }
        self.out.push_str(html);
    }

    fn finish_capture(&mut self, capture: Capture) {
        let first_url = capture.urls.first().map(String::as_str).unwrap_or_default();
        let caption = capture.caption.trim();
        let mut html = match capture.kind {
            Kind::EmbedFigure => {
                let text = capture.text.trim();
                let url = if text.starts_with("http://") || text.starts_with("https://") {
                    text.split_whitespace().next().unwrap_or(text)
                } else {
                    first_url
                };
                super::embed_or_link(url)
            }
            Kind::MediaFigure | Kind::Media | Kind::Iframe => {
                match sahifa_text::embeds::recognise(first_url) {
                    Some(embed) => super::embed_figure(&embed),
                    None if is_web(first_url) || first_url.starts_with('/') => {
                        let link = if capture.kind == Kind::Iframe {
                            let mut a = String::from("<a href=\"");
                            html::escape_attr(&mut a, first_url);
                            a.push_str("\">");
                            escape_text(&mut a, first_url);
                            a.push_str("</a>");
                            a
                        } else {
                            super::shortcodes::media_link(first_url)
                        };
                        if capture.kind == Kind::Media {
                            link
                        } else {
                            format!("<p>{link}</p>")
                        }
                    }
                    None => String::new(),
                }
            }
            Kind::Quote => {
                let embed = capture
                    .urls
                    .iter()
                    .rev()
                    .find_map(|u| sahifa_text::embeds::recognise(u));
                match embed {
                    Some(embed) => super::embed_figure(&embed),
                    None => {
                        let mut plain = Walker::new(self.links, self.site, false);
                        plain.captures = false;
                        plain.run(&capture.raw);
                        self.unresolved += plain.unresolved;
                        self.block_html(&plain.out);
                        return;
                    }
                }
            }
        };
        if !caption.is_empty() {
            html.push_str("<p>");
            html.push_str(caption);
            html.push_str("</p>");
        }
        // What was made here links to the old site as much as what it replaced.
        let mut plain = Walker::new(self.links, self.site, false);
        plain.captures = false;
        plain.run(&html);
        self.unresolved += plain.unresolved;
        if capture.kind == Kind::Media && !plain.out.starts_with("<figure") {
            self.inline(&plain.out);
        } else {
            self.block_html(&plain.out);
        }
    }

    /// `url` pointing at its new home when it is an imported upload of the old site.
    fn rewrite(&mut self, url: &str) -> String {
        let Some(site) = self.site else {
            return url.to_string();
        };
        match site.rewrite(url, self.links.upload) {
            Rewrite::NotOld => url.to_string(),
            Rewrite::New(new) => new,
            Rewrite::Unresolved(old) => {
                self.unresolved += 1;
                old
            }
        }
    }

    fn rewrite_mentions<'t>(&mut self, text: &'t str) -> Cow<'t, str> {
        let Some(site) = self.site else {
            return Cow::Borrowed(text);
        };
        let mentions = site.mentions(text);
        if mentions.is_empty() {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (start, end, key) in mentions {
            out.push_str(text.get(at..start).unwrap_or_default());
            match (self.links.upload)(&key) {
                // Sanitize links a bare absolute URL; the new one may be relative.
                Some(new) if self.in_link == 0 => {
                    out.push_str("<a href=\"");
                    html::escape_attr(&mut out, &new);
                    out.push_str("\">");
                    escape_text(&mut out, &new);
                    out.push_str("</a>");
                }
                Some(new) => escape_text(&mut out, &new),
                None => {
                    self.unresolved += 1;
                    out.push_str(text.get(start..end).unwrap_or_default());
                }
            }
            at = end;
        }
        out.push_str(text.get(at..).unwrap_or_default());
        Cow::Owned(out)
    }

    /// The image in the schema's terms: its real source (lazy-loading plugins put it in
    /// `data-src` and a placeholder in `src`), rewritten, falling back on the attachment
    /// its `wp-image-N` class names when the file itself was not imported.
    fn img(&mut self, tag: &Tag) -> String {
        let usable = |v: &Cow<str>| !v.trim().is_empty() && !v.trim_start().starts_with("data:");
        let src = tag
            .attr("src")
            .filter(usable)
            .or_else(|| {
                ["data-src", "data-lazy-src", "data-original"]
                    .iter()
                    .find_map(|a| tag.attr(a).filter(usable))
            })
            .or_else(|| {
                tag.attr("srcset").and_then(|s| {
                    s.split(',')
                        .next()
                        .and_then(|c| c.split_whitespace().next())
                        .map(|c| Cow::Owned(c.to_string()))
                })
            })
            .or_else(|| tag.attr("src"));
        let attachment = || {
            tag.attr("class").and_then(|class| {
                class
                    .split_ascii_whitespace()
                    .find_map(|c| c.strip_prefix("wp-image-"))
                    .and_then(|id| id.parse::<i64>().ok())
                    .and_then(|id| (self.links.attachment)(id))
            })
        };
        let mut media: Option<MediaLink> = None;
        let new_src = match (src, self.site) {
            (Some(src), Some(site)) => match site.rewrite(&src, self.links.upload) {
                Rewrite::NotOld => Some(src.into_owned()),
                Rewrite::New(new) => Some(new),
                Rewrite::Unresolved(old) => match attachment() {
                    Some(m) => {
                        let url = m.url.clone();
                        media = Some(m);
                        Some(url)
                    }
                    None => {
                        self.unresolved += 1;
                        Some(old)
                    }
                },
            },
            (Some(src), None) => Some(src.into_owned()),
            (None, _) => attachment().map(|m| {
                let url = m.url.clone();
                media = Some(m);
                url
            }),
        };
        let mut out = String::from("<img");
        if let Some(src) = new_src {
            push_attr(&mut out, "src", &src);
        }
        let alt = match (tag.attr("alt"), &media) {
            (Some(alt), Some(m)) if alt.trim().is_empty() => Some(m.alt.clone()),
            (Some(alt), _) => Some(alt.into_owned()),
            (None, m) => m.as_ref().map(|m| m.alt.clone()),
        };
        if let Some(alt) = alt {
            push_attr(&mut out, "alt", &alt);
        }
        for (name, from_media) in [
            ("width", media.as_ref().and_then(|m| m.width)),
            ("height", media.as_ref().and_then(|m| m.height)),
        ] {
            let value = tag
                .attr(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                .or_else(|| from_media.map(|n| n.to_string()));
            if let Some(value) = value {
                push_attr(&mut out, name, &value);
            }
        }
        out.push('>');
        out
    }
}

fn is_web(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}
