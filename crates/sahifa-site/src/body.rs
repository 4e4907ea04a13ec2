//! An article's body as its page shows it: schema HTML, with each embedded post turned
//! into a click-to-load card.
//!
//! A card is a link to the post (what a reader without JavaScript follows) carrying the
//! address of its frame; the theme's script swaps in the frame only when the reader clicks,
//! so the page makes no request to the provider before that. The providers a body frames
//! are what its page's CSP allows in `frame-src`, and nothing else.

use serde::Serialize;

use sahifa_text::body::Part;

/// One piece of the body, in order.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum BodyPart {
    /// Schema HTML, shown as it is.
    Html {
        /// The markup.
        html: String,
    },
    /// An embedded post, shown as a card.
    Embed(EmbedCard),
}

/// What the card of an embedded post shows (article.html lays it out).
#[derive(Debug, Clone, Serialize)]
pub struct EmbedCard {
    /// The provider's stored name (`youtube`, `x`...), for the card's class.
    pub provider: &'static str,
    /// The locale key of the provider's name.
    pub provider_key: &'static str,
    /// The post itself: where the card leads without JavaScript.
    pub url: String,
    /// What the frame loads once the reader asks for it.
    pub frame_src: String,
    /// The frame's height in CSS pixels.
    pub frame_height: u32,
    /// The editor's title for it.
    pub title: Option<String>,
    /// A thumbnail from the site's own media.
    pub thumbnail: Option<String>,
}

/// A body laid out for its page.
#[derive(Debug, Clone, Default)]
pub struct PageBody {
    /// The pieces, in order.
    pub parts: Vec<BodyPart>,
    /// The origins its embeds are framed from, each once, for the page's CSP.
    pub frame_origins: Vec<&'static str>,
    /// The first piece opens with a paragraph whose opening tag was taken off, so the
    /// dateline can lead it.
    pub opens_paragraph: bool,
}

/// The page's form of `body_html`; with `dateline`, the opening tag of a first paragraph is
/// left for the template, which writes the dateline inside it.
pub fn page_body(body_html: &str, dateline: bool) -> PageBody {
    let mut page = PageBody::default();
    for part in sahifa_text::body::parts(body_html.trim()) {
        match part {
            Part::Html(html) => {
                let html = html.trim();
                if html.is_empty() {
                    continue;
                }
                let mut html = html.to_string();
                if dateline
                    && page.parts.is_empty()
                    && let Some(rest) = paragraph_content(&html)
                {
                    html = rest.to_string();
                    page.opens_paragraph = true;
                }
                page.parts.push(BodyPart::Html { html });
            }
            Part::Embed(stored) => {
                let provider = stored.embed.provider;
                if !page.frame_origins.contains(&provider.frame_origin()) {
                    page.frame_origins.push(provider.frame_origin());
                }
                page.parts.push(BodyPart::Embed(EmbedCard {
                    provider: provider.as_str(),
                    provider_key: provider.name_key(),
                    url: stored.embed.url,
                    frame_src: stored.embed.frame_src,
                    frame_height: provider.frame_height(),
                    title: stored.title,
                    thumbnail: stored.thumbnail,
                }));
            }
        }
    }
    page
}

/// What follows the opening tag of the paragraph `html` starts with.
fn paragraph_content(html: &str) -> Option<&str> {
    ["<p dir=\"auto\">", "<p>"]
        .iter()
        .find_map(|open| html.strip_prefix(open))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embeds_become_cards_and_name_their_frame_origins_once() {
        let html = sahifa_text::body::sanitize(
            "<p>أول</p><p>https://youtu.be/dQw4w9WgXcQ</p><p>https://www.youtube.com/shorts/aaaaaaaaaaa</p>\
             <p>https://x.com/a_b/status/5</p>",
        );
        let page = page_body(&html, true);
        assert!(page.opens_paragraph);
        assert_eq!(
            page.frame_origins,
            [
                "https://www.youtube-nocookie.com",
                "https://platform.twitter.com"
            ]
        );
        let [
            BodyPart::Html { html: first },
            BodyPart::Embed(a),
            BodyPart::Embed(_),
            BodyPart::Embed(x),
        ] = page.parts.as_slice()
        else {
            panic!("{:?}", page.parts)
        };
        assert_eq!(first, "أول</p>");
        assert_eq!(
            a.frame_src,
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
        );
        assert_eq!(x.provider, "x");
        let plain = page_body("<p dir=\"auto\">نص</p>", false);
        assert!(!plain.opens_paragraph);
        assert!(plain.frame_origins.is_empty());
    }
}
