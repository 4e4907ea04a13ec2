//! The structural half of [`super::sanitize`]: newsroom rules over the token stream.
//!
//! Runs before the allowlist (which has the last word on safety) and does what an
//! allowlist cannot: text outside any block becomes paragraphs (a blank line between
//! two), containers such as `div` end a paragraph instead of running two together, `b`
//! and `i` become `strong` and `em` (and Google Docs' `span`s with a bold weight or an
//! italic style too, while its `<b style="font-weight:normal">` wrapper is dropped), `h1`
//! becomes `h2` and `h5`/`h6` become `h4` (the page owns the one `h1`), a paragraph that
//! is only a link to a known post becomes an embed, an embed figure is rebuilt in its
//! canonical form, bare URLs in text become links, and the bidi controls that reorder text
//! on screen (overrides, embeddings, isolates) are removed.
//!
//! It works on html5ever's tokenizer, not its tree builder: the tokenizer is linear, and
//! the depth and tag limits applied here are what keep the tree builder in the allowlist
//! (quadratic in nesting depth) fast whatever the input.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use crate::embeds::{self, Embed};

/// How deep elements may nest; deeper tags are dropped and their text kept.
pub const MAX_DEPTH: usize = 32;

/// How many tags a body may carry; beyond, tags are dropped and their text kept.
pub const MAX_TAGS: usize = 10_000;

/// How many open elements are tracked; tags beyond are dropped (and nothing deeper than
/// [`MAX_DEPTH`] is written anyway).
const MAX_TRACKED: usize = 256;

/// Elements that never have content.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements dropped with everything inside them.
const DROPPED_WITH_CONTENT: &[&str] = &[
    "script",
    "style",
    "iframe",
    "object",
    "noscript",
    "template",
    "svg",
    "math",
    "textarea",
    "select",
    "button",
    "title",
    "head",
    "noembed",
    "noframes",
    "xmp",
    "plaintext",
];

/// Inline elements: text and these may stand at the top level only inside a paragraph.
const INLINE: &[&str] = &[
    "a", "strong", "b", "em", "i", "br", "span", "small", "u", "s", "del", "ins", "code", "sub",
    "sup", "mark", "abbr", "cite", "q", "font", "img", "kbd", "var", "time", "bdi", "bdo",
];

/// Bidi controls that reorder what follows them: LRE, RLE, PDF, LRO, RLO and the isolates
/// LRI, RLI, FSI, PDI. The marks (LRM, RLM, ALM) only nudge neutral characters and are
/// kept; `dir="auto"` on every block does what the rest were used for.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// An element open in the input, and what it was written out as (`None`: dropped).
struct Open {
    name: String,
    emitted: Option<&'static str>,
}

/// A paragraph being written, watched for being only a link to an embeddable post.
struct Watch {
    /// Where its `<p>` starts in the output.
    start: usize,
    /// Its text so far.
    text: String,
    /// The `href` of its one link.
    href: Option<String>,
    /// It holds something besides text, line breaks and one link.
    mixed: bool,
    /// It holds a line break.
    breaks: bool,
}

impl Watch {
    fn at(start: usize) -> Watch {
        Watch {
            start,
            text: String::new(),
            href: None,
            mixed: false,
            breaks: false,
        }
    }
}

#[derive(Default)]
struct State {
    out: String,
    open: Vec<Open>,
    /// Text not yet written (the tokenizer hands text over in pieces).
    text: String,
    tags: usize,
    /// Inside an element dropped with its content: its name and how deep.
    skipping: Option<(String, usize)>,
    /// A paragraph this pass opened around top-level text.
    implicit_p: bool,
    watch: Option<Watch>,
}

struct Sink(RefCell<State>);

/// The body with the newsroom's structure applied (not yet safe: see [`super::sanitize`]).
pub(super) fn restructure(html: &str) -> String {
    let sink = Sink(RefCell::new(State {
        out: String::with_capacity(html.len() + html.len() / 8),
        ..State::default()
    }));
    let tokenizer = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    let mut state = tokenizer.sink.0.into_inner();
    state.flush_text();
    state.close_all();
    state.out
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut state = self.0.borrow_mut();
        match token {
            Token::CharacterTokens(text) => {
                if state.skipping.is_none() {
                    state
                        .text
                        .extend(text.chars().filter(|c| !is_bidi_control(*c)));
                }
            }
            Token::TagToken(tag) => return state.tag(tag),
            Token::NullCharacterToken
            | Token::CommentToken(_)
            | Token::DoctypeToken(_)
            | Token::EOFToken
            | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }
}

impl State {
    fn tag(&mut self, tag: Tag) -> TokenSinkResult<()> {
        let name = tag.name.to_string();
        if let Some((skipped, depth)) = &mut self.skipping {
            if *skipped == name {
                match tag.kind {
                    TagKind::StartTag if !tag.self_closing => *depth += 1,
                    TagKind::EndTag => *depth -= 1,
                    TagKind::StartTag => {}
                }
                if *depth == 0 {
                    self.skipping = None;
                }
            }
            return TokenSinkResult::Continue;
        }
        self.tags += 1;
        if self.tags > MAX_TAGS {
            return TokenSinkResult::Continue;
        }
        match tag.kind {
            TagKind::StartTag => self.start(&name, &tag),
            TagKind::EndTag => {
                self.flush_text();
                self.end(&name);
                TokenSinkResult::Continue
            }
        }
    }

    fn start(&mut self, name: &str, tag: &Tag) -> TokenSinkResult<()> {
        if DROPPED_WITH_CONTENT.contains(&name) {
            self.flush_text();
            // Only foreign elements (SVG, MathML) really close themselves: a browser reads
            // `<script/>` as an open script.
            if !tag.self_closing || !matches!(name, "svg" | "math") {
                self.skipping = Some((name.to_string(), 1));
            }
            // The tokenizer must read their content as the browser does (a `<b>` inside
            // a script is not a tag).
            return match name {
                "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                "style" | "iframe" | "noembed" | "noframes" | "xmp" => {
                    TokenSinkResult::RawData(RawKind::Rawtext)
                }
                "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
                "plaintext" => TokenSinkResult::Plaintext,
                _ => TokenSinkResult::Continue,
            };
        }
        self.flush_text();
        let emitted = if self.open.len() >= MAX_DEPTH {
            None
        } else {
            emitted_as(name, tag)
        };
        if !INLINE.contains(&name) {
            self.end_implicit_paragraph();
        } else if emitted.is_some() {
            self.ensure_block();
        }
        if name == "figure" && has_class(tag, "embed") {
            self.embed_figure(tag);
            return TokenSinkResult::Continue;
        }
        if name == "p" {
            // A paragraph does not nest: the browser closes an open one first.
            if self.open.iter().any(|o| o.name == "p") {
                self.end("p");
            }
        }
        if let Some(out_name) = emitted {
            if let Some(watch) = &mut self.watch {
                match out_name {
                    "a" if watch.href.is_none() => {
                        watch.href = attr(tag, "href").map(str::to_string);
                    }
                    "br" => watch.breaks = true,
                    _ => watch.mixed = true,
                }
            }
            if out_name == "p" {
                self.watch = Some(Watch::at(self.out.len()));
            }
            self.write_start(out_name, tag);
        }
        if !VOID.contains(&name) && !tag.self_closing && self.open.len() < MAX_TRACKED {
            self.open.push(Open {
                name: name.to_string(),
                emitted,
            });
        }
        TokenSinkResult::Continue
    }

    /// Closes the innermost open `name` and everything opened inside it; an end tag with
    /// nothing to close is ignored, as a browser does.
    fn end(&mut self, name: &str) {
        if !INLINE.contains(&name) {
            // A container's end ends the paragraph made around its text.
            self.end_implicit_paragraph();
        }
        let Some(at) = self.open.iter().rposition(|o| o.name == name) else {
            return;
        };
        while self.open.len() > at {
            let Some(open) = self.open.pop() else { break };
            if let Some(out_name) = open.emitted {
                self.write_end(out_name);
            }
        }
    }

    fn close_all(&mut self) {
        while let Some(open) = self.open.pop() {
            if let Some(out_name) = open.emitted {
                self.write_end(out_name);
            }
        }
        self.end_implicit_paragraph();
    }

    /// Whether text written now stands outside every block.
    fn at_top_level(&self) -> bool {
        !self.implicit_p && self.open.iter().all(|o| o.emitted.is_none_or(is_inline))
    }

    fn ensure_block(&mut self) {
        if self.at_top_level() {
            self.watch = Some(Watch::at(self.out.len()));
            self.out.push_str("<p>");
            self.implicit_p = true;
        }
    }

    fn end_implicit_paragraph(&mut self) {
        if self.implicit_p {
            self.implicit_p = false;
            self.write_end("p");
        }
    }

    /// Writes the text gathered so far: top-level text as paragraphs split at blank lines,
    /// bare URLs outside links as links.
    fn flush_text(&mut self) {
        if self.text.is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.text);
        // Split only where no inline element is open across the blank line.
        let splittable = self.open.iter().all(|o| o.emitted.is_none());
        if !splittable || (!self.implicit_p && !self.at_top_level()) {
            self.write_text(&text);
            return;
        }
        let mut paragraphs = text.split("\n\n").peekable();
        while let Some(paragraph) = paragraphs.next() {
            if !paragraph.trim().is_empty() {
                self.ensure_block();
                self.write_text(paragraph);
            } else if !self.implicit_p {
                // Whitespace between blocks keeps the source readable.
                self.out.push_str(paragraph);
            }
            if paragraphs.peek().is_some() {
                self.end_implicit_paragraph();
            }
        }
    }

    fn write_text(&mut self, text: &str) {
        if let Some(watch) = &mut self.watch {
            watch.text.push_str(text);
        }
        let in_link = self.open.iter().any(|o| o.emitted == Some("a"));
        if in_link {
            escape_text(&mut self.out, text);
            return;
        }
        let mut finder = linkify::LinkFinder::new();
        finder.kinds(&[linkify::LinkKind::Url]);
        for span in finder.spans(text) {
            let piece = span.as_str();
            let web = piece.starts_with("http://") || piece.starts_with("https://");
            if span.kind().is_some() && web {
                if let Some(watch) = &mut self.watch {
                    watch.href.get_or_insert_with(|| piece.to_string());
                }
                self.out.push_str("<a href=\"");
                escape_attribute(&mut self.out, piece);
                self.out.push_str("\">");
                escape_text(&mut self.out, piece);
                self.out.push_str("</a>");
            } else {
                escape_text(&mut self.out, piece);
            }
        }
    }

    fn write_start(&mut self, name: &str, tag: &Tag) {
        self.out.push('<');
        self.out.push_str(name);
        for (attribute, value) in kept_attributes(name, tag) {
            self.out.push(' ');
            self.out.push_str(attribute);
            self.out.push_str("=\"");
            escape_attribute(&mut self.out, &value);
            self.out.push('"');
        }
        self.out.push('>');
    }

    fn write_end(&mut self, name: &str) {
        if VOID.contains(&name) {
            return;
        }
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
        if name == "p"
            && let Some(watch) = self.watch.take()
        {
            self.settle_paragraph(watch);
        }
    }

    /// Drops the paragraph just written when it is empty (editors and word processors
    /// leave `<p><br></p>` and `<p>&nbsp;</p>` as spacing), and turns it into an embed
    /// when it is nothing but one link (or one bare URL) to a known provider's post.
    fn settle_paragraph(&mut self, watch: Watch) {
        if watch.mixed {
            return;
        }
        let text = watch.text.trim();
        if text.is_empty() && watch.href.is_none() {
            self.out.truncate(watch.start);
            return;
        }
        if watch.breaks {
            return;
        }
        let url = match watch.href.as_deref() {
            Some(href) if text == href || text.is_empty() || embeds::recognise(text).is_some() => {
                href
            }
            Some(_) => return,
            None => text,
        };
        let Some(embed) = embeds::recognise(url) else {
            return;
        };
        self.out.truncate(watch.start);
        write_embed(&mut self.out, &embed, None, None);
    }

    /// An embed figure from a client: rebuilt from its URL when that is a known post (its
    /// content replaced by the canonical fallback link), else kept as a plain link.
    fn embed_figure(&mut self, tag: &Tag) {
        if !tag.self_closing {
            self.skipping = Some(("figure".to_string(), 1));
        }
        let url = attr(tag, "data-url").unwrap_or_default();
        match embeds::recognise(url) {
            Some(embed) => write_embed(
                &mut self.out,
                &embed,
                attr(tag, "data-title"),
                attr(tag, "data-thumbnail"),
            ),
            None if url.starts_with("https://") || url.starts_with("http://") => {
                self.out.push_str("<p><a href=\"");
                escape_attribute(&mut self.out, url);
                self.out.push_str("\">");
                escape_text(&mut self.out, url);
                self.out.push_str("</a></p>");
            }
            None => {}
        }
    }
}

/// Writes the canonical embed figure: provider and URL as data, a link as its content
/// (what a feed reader or the API shows).
fn write_embed(out: &mut String, embed: &Embed, title: Option<&str>, thumbnail: Option<&str>) {
    out.push_str("<figure class=\"embed\" data-provider=\"");
    out.push_str(embed.provider.as_str());
    out.push_str("\" data-url=\"");
    escape_attribute(out, &embed.url);
    out.push('"');
    let title = title
        .map(|t| {
            t.trim()
                .chars()
                .filter(|c| !is_bidi_control(*c))
                .collect::<String>()
        })
        .filter(|t| !t.is_empty());
    if let Some(title) = &title {
        out.push_str(" data-title=\"");
        escape_attribute(out, title);
        out.push('"');
    }
    if let Some(thumbnail) = thumbnail.filter(|t| t.starts_with("/media/")) {
        out.push_str(" data-thumbnail=\"");
        escape_attribute(out, thumbnail);
        out.push('"');
    }
    out.push_str("><a href=\"");
    escape_attribute(out, &embed.url);
    out.push_str("\">");
    escape_text(out, title.as_deref().unwrap_or(&embed.url));
    out.push_str("</a></figure>");
}

fn is_inline(name: &str) -> bool {
    matches!(name, "a" | "strong" | "em" | "small")
}

/// What an input element is written out as, if at all.
fn emitted_as(name: &str, tag: &Tag) -> Option<&'static str> {
    let style = attr(tag, "style").unwrap_or_default().to_ascii_lowercase();
    let style: String = style.split_whitespace().collect();
    let bold_style = [
        "font-weight:bold",
        "font-weight:600",
        "font-weight:700",
        "font-weight:800",
        "font-weight:900",
    ]
    .iter()
    .any(|s| style.contains(s));
    let normal_weight = style.contains("font-weight:normal") || style.contains("font-weight:400");
    Some(match name {
        "p" => "p",
        "h1" | "h2" => "h2",
        "h3" => "h3",
        "h4" | "h5" | "h6" => "h4",
        // Google Docs wraps a whole copied document in a `<b>` of normal weight.
        "b" | "strong" if normal_weight => return None,
        "b" | "strong" => "strong",
        "i" | "em" | "cite" => "em",
        "span" if bold_style => "strong",
        "span" if style.contains("font-style:italic") => "em",
        "a" => "a",
        "br" => "br",
        "ul" => "ul",
        "ol" => "ol",
        "li" => "li",
        "blockquote" => "blockquote",
        "figure" => "figure",
        "figcaption" => "figcaption",
        "img" if attr(tag, "src").is_some_and(acceptable_image) => "img",
        "small" => "small",
        "table" => "table",
        "thead" => "thead",
        "tbody" => "tbody",
        "tr" => "tr",
        "th" => "th",
        "td" => "td",
        "hr" => "hr",
        _ => return None,
    })
}

/// An image the page may show: over http(s) or from the site itself.
fn acceptable_image(src: &str) -> bool {
    let src = src.trim();
    src.starts_with("https://")
        || src.starts_with("http://")
        || (src.starts_with('/') && !src.starts_with("//") && !src.starts_with("/\\"))
}

/// The attributes written for `name`, before the allowlist checks them again.
fn kept_attributes(name: &str, tag: &Tag) -> Vec<(&'static str, String)> {
    let keep: &[&'static str] = match name {
        "a" => &["href"],
        "img" => &["src", "alt", "width", "height"],
        "ol" => &["start"],
        "th" | "td" => &["colspan", "rowspan"],
        _ => &[],
    };
    let mut kept: Vec<(&'static str, String)> = keep
        .iter()
        .filter_map(|a| attr(tag, a).map(|v| (*a, strip_bidi(v))))
        .collect();
    let class = match name {
        "figure" if has_class(tag, "gallery") => Some("gallery"),
        "figure" if has_class(tag, "image") || has_class(tag, "wp-block-image") => Some("image"),
        "blockquote"
            if has_class(tag, "pull-quote")
                || has_class(tag, "pullquote")
                || has_class(tag, "wp-block-pullquote") =>
        {
            Some("pull-quote")
        }
        "small" if has_class(tag, "credit") => Some("credit"),
        _ => None,
    };
    if let Some(class) = class {
        kept.push(("class", class.to_string()));
    }
    kept
}

fn strip_bidi(value: &str) -> String {
    value.chars().filter(|c| !is_bidi_control(*c)).collect()
}

fn attr<'t>(tag: &'t Tag, name: &str) -> Option<&'t str> {
    tag.attrs
        .iter()
        .find(|a| &*a.name.local == name)
        .map(|a| &*a.value)
}

fn has_class(tag: &Tag, class: &str) -> bool {
    attr(tag, "class").is_some_and(|c| c.split_ascii_whitespace().any(|c| c == class))
}

fn escape_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            c => out.push(c),
        }
    }
}

fn escape_attribute(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            c => out.push(c),
        }
    }
}
