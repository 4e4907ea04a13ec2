//! Markdown article bodies to safe HTML and to plain text.
//!
//! Editors write bodies in Markdown, which can carry raw HTML, and wire copy
//! is sometimes pasted straight from other sites. Everything rendered is
//! therefore passed through an allowlist sanitiser: the HTML that reaches
//! readers contains only the tags a news article needs, and no script,
//! event handler or dangerous URL.
//!
//! Rendering is bounded (see [`bounds`]): a body is cut at [`MAX_BODY_BYTES`] and its
//! nesting at [`MAX_NESTING`], so even a hostile body renders in time linear in its length.

mod bounds;
mod urls;

pub(crate) use bounds::within_limit;
pub use bounds::{MAX_BODY_BYTES, MAX_NESTING, MAX_RAW_NESTING, MAX_RAW_TAGS, too_long};
pub(crate) use urls::relative as relative_url;

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::{Builder, UrlRelative};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

/// Tags an article body may contain after sanitising.
///
/// `del`/`s` are included because strikethrough is an enabled Markdown
/// extension; without them `~~x~~` would silently lose its meaning.
const ALLOWED_TAGS: &[&str] = &[
    "p",
    "br",
    "h2",
    "h3",
    "h4",
    "strong",
    "em",
    "b",
    "i",
    "del",
    "s",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "img",
    "figure",
    "figcaption",
    "sup",
    "sub",
];

/// Built once: the allowlist never changes at run time and rebuilding the
/// hash sets per article would be wasted work on every page render.
static SANITIZER: LazyLock<Builder<'static>> = LazyLock::new(|| {
    let mut attrs: HashMap<&'static str, HashSet<&'static str>> = HashMap::new();
    attrs.insert("a", HashSet::from(["href", "title"]));
    attrs.insert(
        "img",
        HashSet::from(["src", "alt", "title", "width", "height"]),
    );

    let mut builder = Builder::empty();
    builder
        .tags(ALLOWED_TAGS.iter().copied().collect())
        .tag_attributes(attrs)
        // Dropped together with their content: the text of a script or
        // stylesheet is not article prose.
        .clean_content_tags(HashSet::from([
            "script", "style", "iframe", "object", "embed", "noscript", "template", "svg", "math",
        ]))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(UrlRelative::Custom(Box::new(urls::relative)))
        .link_rel(Some("noopener noreferrer"))
        .strip_comments(true);
    builder
});

fn parser_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Keeps body headings between h2 and h4: the page template owns the single
/// h1 (the headline), and h5/h6 are not in the allowlist.
fn clamp_heading(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H5 | HeadingLevel::H6 => HeadingLevel::H4,
        other => other,
    }
}

/// Renders Markdown (CommonMark plus tables and strikethrough) to HTML
/// that is safe to embed in an article page.
///
/// The output is sanitised with a fixed allowlist: paragraphs, h2–h4,
/// emphasis, links (`href`, `title`; always `rel="noopener noreferrer"`),
/// lists, quotes, code, rules, tables, images (`src`, `alt`, `title`,
/// `width`, `height`), figures, sup/sub. URLs must be http, https, mailto or
/// relative; `javascript:`, `data:` and other schemes are removed, and a protocol-relative
/// `//host/path` becomes `https://host/path` (it leaves the site like any other absolute
/// link, and a feed reader must not resolve it to plain http). Script,
/// style and iframe elements are removed with their content, and event
/// handler attributes never survive. `#` headings are rendered as h2 and
/// h5/h6 as h4.
///
/// A body longer than [`MAX_BODY_BYTES`] is rendered up to that length; elements nested
/// deeper than [`MAX_NESTING`] are flattened into their parent (their text kept), and raw
/// HTML nested deeper than [`MAX_RAW_NESTING`] or beyond [`MAX_RAW_TAGS`] tags is shown as
/// text.
pub fn render_markdown(md: &str) -> String {
    let md = bounds::within_limit(md);
    let parsed = Parser::new_ext(md, parser_options()).map(|event| match event {
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Event::Start(Tag::Heading {
            level: clamp_heading(level),
            id,
            classes,
            attrs,
        }),
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(clamp_heading(level))),
        other => other,
    });
    let events = bounds::Bounded::new(parsed);
    let mut raw = String::with_capacity(md.len() + md.len() / 2);
    html::push_html(&mut raw, events);
    SANITIZER.clean(&raw).to_string()
}

/// Extracts the readable text of a Markdown document, for word counts,
/// excerpts and meta descriptions.
///
/// Markup, raw HTML and image alt text are dropped; link text and inline
/// code are kept. Block elements (paragraphs, headings, list items, code
/// blocks, table rows) each become one block, and blocks are joined with
/// `"\n\n"`. Line breaks inside a paragraph become spaces. A body longer than
/// [`MAX_BODY_BYTES`] is read up to that length.
pub fn to_plain_text(md: &str) -> String {
    let md = bounds::within_limit(md);
    let mut blocks: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut image_depth = 0usize;

    let flush = |current: &mut String, blocks: &mut Vec<String>| {
        let text = current.split_whitespace().collect::<Vec<_>>().join(" ");
        if !text.is_empty() {
            blocks.push(text);
        }
        current.clear();
    };

    for event in Parser::new_ext(md, parser_options()) {
        match event {
            Event::Start(Tag::Image { .. }) => image_depth += 1,
            Event::End(TagEnd::Image) => image_depth = image_depth.saturating_sub(1),
            _ if image_depth > 0 => {}
            Event::Text(text) | Event::Code(text) => current.push_str(&text),
            Event::SoftBreak | Event::HardBreak => current.push(' '),
            Event::End(TagEnd::TableCell) => current.push(' '),
            Event::Start(
                Tag::Paragraph
                | Tag::Heading { .. }
                | Tag::Item
                | Tag::CodeBlock(_)
                | Tag::TableHead
                | Tag::TableRow,
            )
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableHead
                | TagEnd::TableRow,
            )
            | Event::Rule => flush(&mut current, &mut blocks),
            _ => {}
        }
    }
    flush(&mut current, &mut blocks);
    blocks.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asserts that nothing in `html` could execute in a browser.
    fn assert_inert(html: &str) {
        let lower = html.to_lowercase();
        for needle in [
            "<script",
            "</script",
            "javascript:",
            "data:",
            "onerror",
            "onclick",
            "onload",
            "<iframe",
            "<style",
            "alert(1)",
        ] {
            assert!(!lower.contains(needle), "found {needle:?} in {html:?}");
        }
    }

    #[test]
    fn hostile_input_is_neutralised() {
        let cases = [
            "<script>alert(1)</script>",
            "before <script>alert(1)</script> after",
            "[x](javascript:alert(1))",
            "[x](JAVASCRIPT:alert(1))",
            "[x](  javascript:alert(1) )",
            "<img src=x onerror=alert(1)>",
            "![pic](javascript:alert(1))",
            "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
            "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "<iframe src=\"https://evil.example\"></iframe>",
            "<style>body{display:none}</style>",
            "<p onclick=\"alert(1)\">x</p>",
            "<div onload=alert(1)>x</div>",
            "<svg><script>alert(1)</script></svg>",
            "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
            "<object data=\"x\"></object>",
        ];
        for md in cases {
            let html = render_markdown(md);
            assert_inert(&html);
        }
        // Harmless text around removed elements survives.
        let html = render_markdown("before <script>alert(1)</script> after");
        assert!(html.contains("before") && html.contains("after"), "{html}");
        // The link text stays even when the URL goes.
        let html = render_markdown("[click](javascript:alert(1))");
        assert!(html.contains("click"), "{html}");
        assert!(!html.contains("href"), "{html}");
    }

    #[test]
    fn links_get_rel_and_keep_safe_urls() {
        let cases = [
            "[a](https://example.com/x)",
            "[a](http://example.com)",
            "[a](mailto:desk@example.com)",
            "[a](/politics/روحاني)",
            "[a](../relative)",
        ];
        for md in cases {
            let html = render_markdown(md);
            assert!(html.contains("href=\""), "{md}: {html}");
            assert!(html.contains("rel=\"noopener noreferrer\""), "{md}: {html}");
        }
        let html = render_markdown("[a](ftp://example.com)");
        assert!(!html.contains("href"), "{html}");
        let html = render_markdown("[a](https://example.com \"Title\")");
        assert!(html.contains("title=\"Title\""), "{html}");
    }

    #[test]
    fn arabic_passes_through() {
        let md = "## عنوان فرعي\n\nاكد رئيس الجمهورية الإيرانية **حسن روحاني** على ضرورة \
                  مواجهة النزعة الاحادية.\n\n> «اقتباس» مُشَكَّل\n";
        let html = render_markdown(md);
        assert!(html.contains("<h2>عنوان فرعي</h2>"), "{html}");
        assert!(html.contains("<strong>حسن روحاني</strong>"), "{html}");
        assert!(html.contains("اكد رئيس الجمهورية الإيرانية"), "{html}");
        assert!(html.contains("<blockquote>"), "{html}");
        assert!(html.contains("«اقتباس» مُشَكَّل"), "{html}");
    }

    #[test]
    fn allowed_structure_survives() {
        let md = "# Top\n\n###### Deep\n\n- one\n- two\n\n1. first\n\n\
                  | a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~ x<sup>2</sup> H<sub>2</sub>O\n\n\
                  ---\n\n```\ncode\n```\n\n\
                  <figure><img src=\"/img/a.jpg\" alt=\"صورة\" width=\"640\" height=\"480\" class=\"x\">\
                  <figcaption>تعليق</figcaption></figure>\n";
        let html = render_markdown(md);
        for needle in [
            "<h2>Top</h2>",
            "<h4>Deep</h4>",
            "<ul>",
            "<li>one</li>",
            "<ol>",
            "<table>",
            "<th>a</th>",
            "<td>2</td>",
            "<del>gone</del>",
            "<sup>2</sup>",
            "<sub>2</sub>",
            "<hr>",
            "<pre><code>code",
            "<figure>",
            "alt=\"صورة\"",
            "width=\"640\"",
            "<figcaption>تعليق</figcaption>",
        ] {
            assert!(html.contains(needle), "missing {needle:?} in {html}");
        }
        assert!(!html.contains("class="), "{html}");
        assert!(!html.contains("<h1"), "{html}");
    }

    #[test]
    fn plain_text_table() {
        let cases = [
            ("", ""),
            ("Hello *world*", "Hello world"),
            (
                "# Title\n\nFirst para\nsame para.\n\nSecond",
                "Title\n\nFirst para same para.\n\nSecond",
            ),
            ("- one\n- two", "one\n\ntwo"),
            ("[link text](https://x.y) and `code`", "link text and code"),
            ("![alt text](a.png) caption", "caption"),
            ("<script>alert(1)</script>\n\nsafe", "safe"),
            ("inline <b>html</b> here", "inline html here"),
            ("> **مقتبس** نص", "مقتبس نص"),
            ("| a | b |\n|---|---|\n| 1 | 2 |", "a b\n\n1 2"),
            ("one\n\n---\n\ntwo", "one\n\ntwo"),
        ];
        for (md, want) in cases {
            assert_eq!(to_plain_text(md), want, "{md:?}");
        }
    }

    /// How deep the elements of sanitised HTML nest (void elements do not count).
    fn depth(html: &str) -> usize {
        let (mut now, mut max) = (0usize, 0usize);
        for part in html.split('<').skip(1) {
            let name: String = part
                .trim_start_matches('/')
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            if name.is_empty() || matches!(name.as_str(), "br" | "hr" | "img") {
                continue;
            }
            if part.starts_with('/') {
                now = now.saturating_sub(1);
            } else {
                now += 1;
                max = max.max(now);
            }
        }
        max
    }

    // What made one save take minutes: the sanitiser's HTML parser costs the square of the
    // nesting depth. Bounded depth is what keeps rendering linear, so that is what is
    // checked (a time limit would depend on the machine).
    #[test]
    fn hostile_nesting_is_flattened_and_keeps_its_text() {
        let cases = [
            ">".repeat(40_000),
            "> ".repeat(20_000) + "نص",
            "- ".repeat(100_000) + "x",
            "1. ".repeat(20_000) + "x",
            "> - ".repeat(10_000) + "x",
            "*".repeat(20_000) + "a" + &"*".repeat(20_000),
            (0..2_000).map(|i| " ".repeat(i * 2) + "- بند\n").collect(),
        ];
        for md in &cases {
            let html = render_markdown(md);
            assert!(depth(&html) <= MAX_NESTING, "depth {}", depth(&html));
            let plain = to_plain_text(md);
            assert!(plain.len() <= md.len(), "plain text never grows");
        }
        let html = render_markdown(&("> ".repeat(100) + "آخر الاقتباس"));
        assert!(html.contains("آخر الاقتباس"), "the text survives flattening");
        // Ordinary nesting is untouched.
        let html = render_markdown("> - أ\n>   - ب\n>     > ج\n");
        assert_eq!(html.matches("<blockquote>").count(), 2, "{html}");
        assert_eq!(html.matches("<ul>").count(), 2, "{html}");
    }

    #[test]
    fn deep_raw_html_is_shown_as_text() {
        for md in [
            "<div>".repeat(20_000),
            "x <blockquote>".repeat(20_000),
            "x <div>".repeat(20_000),
            "<b><div></b>".repeat(5_000),
        ] {
            let html = render_markdown(&md);
            assert!(
                depth(&html) <= MAX_NESTING + 3 * MAX_RAW_NESTING,
                "depth {}",
                depth(&html)
            );
        }
        // A figure or a long pasted table stays HTML.
        let table = format!(
            "<table>{}</table>",
            "<tr><td>خلية</td><td><b>1</b></td></tr>".repeat(500)
        );
        let html = render_markdown(&table);
        assert_eq!(html.matches("<td>").count(), 1_000);
        let html = render_markdown(
            "<figure><img src=\"/a.jpg\" alt=\"صورة\"/><figcaption>x</figcaption></figure>",
        );
        assert!(html.contains("<figcaption>x</figcaption>"), "{html}");
    }

    #[test]
    fn bodies_past_the_limit_render_up_to_it() {
        assert!(!too_long(&"a".repeat(MAX_BODY_BYTES)));
        assert!(too_long(&"a".repeat(MAX_BODY_BYTES + 1)));
        // Cut on a character boundary: two-byte letters across the limit.
        let md = "ب".repeat(MAX_BODY_BYTES / 2 + 10);
        let html = render_markdown(&md);
        assert!(html.len() < md.len());
        assert!(to_plain_text(&md).len() <= MAX_BODY_BYTES);
    }

    #[test]
    fn protocol_relative_links_and_images_leave_as_https() {
        let html = render_markdown("[x](//evil.example/a) ![i](//evil.example/p.png)");
        assert!(html.contains("href=\"https://evil.example/a\""), "{html}");
        assert!(
            html.contains("src=\"https://evil.example/p.png\""),
            "{html}"
        );
        assert!(html.contains("rel=\"noopener noreferrer\""), "{html}");
        let html =
            render_markdown("<a href=\"\\\\evil.example\">x</a><img src=\"/\\evil.example/p\">");
        assert!(!html.contains("\\"), "{html}");
        assert!(html.contains("href=\"https://evil.example\""), "{html}");
        assert!(html.contains("src=\"https://evil.example/p\""), "{html}");
        // Site paths are not touched.
        let html = render_markdown("[a](/politics/x) ![b](/media/a.jpg)");
        assert!(html.contains("href=\"/politics/x\""), "{html}");
        assert!(html.contains("src=\"/media/a.jpg\""), "{html}");
    }
}
