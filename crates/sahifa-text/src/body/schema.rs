//! The body schema as an allowlist: the security half of [`super::sanitize`].
//!
//! Whatever the structural pass does, this is what decides what reaches a reader: ammonia
//! parses the HTML as a browser would and keeps only these elements, attributes, classes
//! and URL schemes. Every block gets `dir="auto"`, so a paragraph that opens with a Latin
//! name or a number in a right-to-left article takes its direction from its own first
//! strong letter instead of being laid out backwards.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};

use crate::embeds::Provider;

/// Elements the body may contain.
pub const ELEMENTS: &[&str] = &[
    "p",
    "h2",
    "h3",
    "h4",
    "strong",
    "em",
    "a",
    "br",
    "ul",
    "ol",
    "li",
    "blockquote",
    "figure",
    "figcaption",
    "img",
    "small",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
];

/// Blocks, each laid out in the direction of its own text.
pub const BLOCKS: &[&str] = &[
    "p",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "blockquote",
    "figure",
    "figcaption",
    "th",
    "td",
];

/// The attributes of an embed figure.
pub const EMBED_ATTRIBUTES: &[&str] =
    &["data-provider", "data-url", "data-title", "data-thumbnail"];

static SCHEMA: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut attributes: HashMap<&'static str, HashSet<&'static str>> = HashMap::new();
    attributes.insert("a", HashSet::from(["href"]));
    attributes.insert("img", HashSet::from(["src", "alt", "width", "height"]));
    attributes.insert("figure", EMBED_ATTRIBUTES.iter().copied().collect());
    attributes.insert("ol", HashSet::from(["start"]));
    attributes.insert("th", HashSet::from(["colspan", "rowspan"]));
    attributes.insert("td", HashSet::from(["colspan", "rowspan"]));
    let classes: HashMap<&'static str, HashSet<&'static str>> = HashMap::from([
        ("figure", HashSet::from(["image", "gallery", "embed"])),
        ("blockquote", HashSet::from(["pull-quote"])),
        ("small", HashSet::from(["credit"])),
    ]);
    let mut forced: HashMap<&'static str, HashMap<&'static str, &'static str>> = HashMap::new();
    for block in BLOCKS {
        forced.insert(block, HashMap::from([("dir", "auto")]));
    }
    let mut builder = Builder::empty();
    builder
        .tags(ELEMENTS.iter().copied().collect())
        .tag_attributes(attributes)
        .allowed_classes(classes)
        .set_tag_attribute_values(forced)
        .attribute_filter(filter_attribute)
        // Dropped with their content: none of it is article prose, and the text of a
        // script or a form's options shown as words would be worse than nothing.
        .clean_content_tags(HashSet::from([
            "script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math",
            "textarea", "select", "button", "title", "head",
        ]))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(UrlRelative::Custom(Box::new(crate::markdown::relative_url)))
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true);
    builder
});

/// The body reduced to the schema's elements and attributes (one pass; see
/// [`super::sanitize`] for the fixed point).
pub(super) fn clean(html: &str) -> String {
    SCHEMA.clean(html).to_string()
}

/// The values an attribute keeps: a known provider, an embed URL over http(s), a
/// thumbnail from the site's own media, numbers where numbers belong.
fn filter_attribute<'u>(element: &str, attribute: &str, value: &'u str) -> Option<Cow<'u, str>> {
    let number = |v: &'u str| {
        (!v.is_empty() && v.len() <= 5 && v.bytes().all(|b| b.is_ascii_digit()))
            .then_some(Cow::Borrowed(v))
    };
    match (element, attribute) {
        ("figure", "data-provider") => Provider::parse(value).map(|_| Cow::Borrowed(value)),
        ("figure", "data-url") => crate::embeds::recognise(value).map(|e| Cow::Owned(e.url)),
        ("figure", "data-thumbnail") => {
            (value.starts_with("/media/") && !value.contains("..")).then_some(Cow::Borrowed(value))
        }
        ("img", "width" | "height") | ("ol", "start") | ("th" | "td", "colspan" | "rowspan") => {
            number(value)
        }
        _ => Some(Cow::Borrowed(value)),
    }
}
