//! The limits that keep rendering one body linear in its length.
//!
//! pulldown-cmark parses in linear time, but the HTML it produces is then parsed again by
//! html5ever inside the sanitiser, whose tree builder walks the stack of open elements for
//! many start tags: a body nested N elements deep (40 000 `>`, a long run of `1. 1. 1.`, or
//! raw `<div>` repeated) costs O(N²) there, seconds to minutes for a few hundred kilobytes.
//! So the depth of what reaches the sanitiser is bounded at its two sources: elements the
//! Markdown makes beyond [`MAX_NESTING`] are flattened (their content kept, their tags
//! dropped), and raw HTML nested deeper than [`MAX_RAW_NESTING`] or beyond
//! [`MAX_RAW_TAGS`] tags is shown as text. A body longer than [`MAX_BODY_BYTES`] is
//! refused by the save use case and cut at that length here.

use pulldown_cmark::{CowStr, Event, TagEnd};

/// The longest body rendered, in bytes of Markdown: 1 MiB, about fifty times the longest
/// real article, so only a mistake or an attack reaches it.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// How many elements deep the Markdown may nest (quotes, lists and their items, emphasis,
/// links...). A quote in a list item in a quote, with its paragraph, is 5; 32 allows
/// about 16 levels of nested lists.
pub const MAX_NESTING: usize = 32;

/// How deep raw HTML may nest (counted on its own, over the Markdown's depth) before the
/// rest of it is shown as text.
pub const MAX_RAW_NESTING: usize = 32;

/// How many raw HTML tags (opening or closing) a body may carry before the rest of its raw
/// HTML is shown as text. The nesting count above follows well-formed HTML exactly, but
/// the browser's parser can open elements the count does not see (an implied `<tbody>`,
/// a reopened `<b>`); this bounds what such tricks can add. Real bodies use a few dozen
/// (figures, sup/sub, a pasted table).
pub const MAX_RAW_TAGS: usize = 10_000;

/// Elements that never have content, so never nest.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Whether `md` is longer than a body may be.
pub fn too_long(md: &str) -> bool {
    md.len() > MAX_BODY_BYTES
}

/// `md` cut to at most [`MAX_BODY_BYTES`], on a character boundary.
pub fn within_limit(md: &str) -> &str {
    if !too_long(md) {
        return md;
    }
    let mut end = MAX_BODY_BYTES;
    while !md.is_char_boundary(end) {
        end -= 1;
    }
    md.get(..end).unwrap_or_default()
}

/// One tag of raw HTML: its lowercased name and whether it closes or is self-closed.
struct RawTag {
    name: String,
    closing: bool,
    self_closed: bool,
}

/// The tags of raw HTML in `html`: each `<` or `</` followed by an ASCII letter, up to its
/// `>` (quoted attribute values skipped). Comments are not told apart: a tag inside one
/// only counts against the budget, which errs on the safe side.
fn raw_tags(html: &str) -> Vec<RawTag> {
    let bytes = html.as_bytes();
    let mut tags = Vec::new();
    let mut i = 0;
    while let Some(offset) = bytes
        .get(i..)
        .and_then(|rest| rest.iter().position(|&b| b == b'<'))
    {
        i += offset + 1;
        let closing = bytes.get(i) == Some(&b'/');
        if closing {
            i += 1;
        }
        let start = i;
        while bytes
            .get(i)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-')
        {
            i += 1;
        }
        let Some(name) = html
            .get(start..i)
            .filter(|n| n.starts_with(|c: char| c.is_ascii_alphabetic()))
        else {
            continue;
        };
        let mut quote = None;
        let mut last = 0u8;
        while let Some(&b) = bytes.get(i) {
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b == b'>' || b == b'<' => break,
                None => {}
            }
            if quote.is_none() && !b.is_ascii_whitespace() {
                last = b;
            }
            i += 1;
        }
        let self_closed = bytes.get(i) == Some(&b'>') && last == b'/';
        tags.push(RawTag {
            name: name.to_ascii_lowercase(),
            closing,
            self_closed,
        });
    }
    tags
}

/// The events of a parsed body with its nesting and raw HTML bounded.
pub struct Bounded<I> {
    events: I,
    /// For each open Start event, whether it was passed on (and so its End must be).
    open: Vec<bool>,
    /// How many of `open` were passed on: the depth of what the writer sees.
    depth: usize,
    raw_tags: usize,
    /// The raw elements open, innermost last, as far as well-formed HTML goes.
    raw_open: Vec<String>,
}

impl<'a, I: Iterator<Item = Event<'a>>> Bounded<I> {
    /// Bounds `events`.
    pub fn new(events: I) -> Self {
        Bounded {
            events,
            open: Vec::new(),
            depth: 0,
            raw_tags: 0,
            raw_open: Vec::new(),
        }
    }

    /// Raw HTML within the budgets, or the same characters as text once it would go
    /// past one of them.
    fn raw(&mut self, html: CowStr<'a>, inline: bool) -> Event<'a> {
        let tags = raw_tags(&html);
        let total = self.raw_tags.saturating_add(tags.len());
        let mut open = self.raw_open.clone();
        let mut fits = total <= MAX_RAW_TAGS;
        for tag in &tags {
            if !fits {
                break;
            }
            if tag.closing {
                // Only a close of the innermost element is believed: any other end tag
                // might be one the browser ignores, and counting too deep is the safe
                // mistake.
                if open.last() == Some(&tag.name) {
                    open.pop();
                }
            } else if !tag.self_closed && !VOID.contains(&tag.name.as_str()) {
                open.push(tag.name.clone());
                fits = open.len() <= MAX_RAW_NESTING;
            }
        }
        if !fits {
            return Event::Text(html);
        }
        self.raw_tags = total;
        self.raw_open = open;
        if inline {
            Event::InlineHtml(html)
        } else {
            Event::Html(html)
        }
    }
}

impl<'a, I: Iterator<Item = Event<'a>>> Iterator for Bounded<I> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        loop {
            let event = self.events.next()?;
            match event {
                Event::Start(tag) => {
                    let keep = self.depth < MAX_NESTING;
                    self.open.push(keep);
                    if keep {
                        self.depth += 1;
                        return Some(Event::Start(tag));
                    }
                }
                Event::End(tag) => {
                    // The parser balances its events, so a missing entry cannot happen;
                    // passing the End on keeps the writer's own state consistent anyway.
                    let kept = self.open.pop().unwrap_or(true);
                    if kept {
                        self.depth = self.depth.saturating_sub(1);
                        return Some(Event::End(tag));
                    }
                    // A flattened block still ends where it ended: without a break the
                    // words of two items or paragraphs would run together.
                    if !is_inline(tag) {
                        return Some(Event::SoftBreak);
                    }
                }
                Event::Html(html) => return Some(self.raw(html, false)),
                Event::InlineHtml(html) => return Some(self.raw(html, true)),
                other => return Some(other),
            }
        }
    }
}

/// Whether `tag` closes an inline element (one that does not end a line of text).
fn is_inline(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}
