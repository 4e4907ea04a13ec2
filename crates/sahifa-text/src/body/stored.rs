//! Reading the embeds back out of a stored (sanitised) body, for the page that shows them.

use crate::embeds::{self, Embed};

/// A piece of a stored body, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part<'a> {
    /// Schema HTML, shown as it is.
    Html(&'a str),
    /// An embedded post.
    Embed(StoredEmbed),
}

/// An embed as stored: the post and what the editor gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEmbed {
    /// The post, its provider and its frame.
    pub embed: Embed,
    /// A title for its card.
    pub title: Option<String>,
    /// A thumbnail from the site's own media.
    pub thumbnail: Option<String>,
}

const OPEN: &str = "<figure class=\"embed\"";
const CLOSE: &str = "</figure>";

/// `html` (a body [`super::sanitize`] produced) split around its embeds. An embed figure
/// whose URL is not a known post any more stays in an HTML part, as its link.
pub fn parts(html: &str) -> Vec<Part<'_>> {
    let mut parts = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(OPEN) {
        let (before, from) = rest.split_at(at);
        let Some(tag_end) = from.find('>') else { break };
        let Some(close) = from.find(CLOSE) else { break };
        let (tag, after) = (
            from.get(..tag_end).unwrap_or_default(),
            from.get(close + CLOSE.len()..).unwrap_or_default(),
        );
        let Some(embed) = attribute(tag, "data-url").and_then(|u| embeds::recognise(&u)) else {
            let end = at + close + CLOSE.len();
            parts.push(Part::Html(html_upto(rest, end)));
            rest = after;
            continue;
        };
        if !before.is_empty() {
            parts.push(Part::Html(before));
        }
        parts.push(Part::Embed(StoredEmbed {
            embed,
            title: attribute(tag, "data-title").filter(|t| !t.is_empty()),
            thumbnail: attribute(tag, "data-thumbnail").filter(|t| t.starts_with("/media/")),
        }));
        rest = after;
    }
    if !rest.is_empty() {
        parts.push(Part::Html(rest));
    }
    parts
}

fn html_upto(s: &str, end: usize) -> &str {
    s.get(..end).unwrap_or(s)
}

/// The unescaped value of `name="..."` in a serialised start tag.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    let value = tag.get(start..)?;
    let value = value.get(..value.find('"')?)?;
    Some(
        value
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&nbsp;", "\u{a0}")
            .replace("&amp;", "&"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::embeds::Provider;

    #[test]
    fn a_body_splits_around_its_embeds() {
        let html = super::super::sanitize(
            "<p>قبل</p><p>https://youtu.be/dQw4w9WgXcQ</p><p>بين</p>\
             <figure class=\"embed\" data-url=\"https://t.me/middleeastnews/7\" data-title=\"منشور &quot;مهم&quot;\"></figure>",
        );
        let parts = parts(&html);
        let [
            Part::Html(first),
            Part::Embed(youtube),
            Part::Html(between),
            Part::Embed(telegram),
        ] = parts.as_slice()
        else {
            panic!("{parts:?}")
        };
        assert_eq!(*first, "<p dir=\"auto\">قبل</p>");
        assert_eq!(youtube.embed.provider, Provider::YouTube);
        assert_eq!(youtube.title, None);
        assert_eq!(*between, "<p dir=\"auto\">بين</p>");
        assert_eq!(
            telegram.embed.frame_src,
            "https://t.me/middleeastnews/7?embed=1"
        );
        assert_eq!(telegram.title.as_deref(), Some("منشور \"مهم\""));
        assert_eq!(super::parts("<p>نص</p>"), vec![Part::Html("<p>نص</p>")]);
    }
}
