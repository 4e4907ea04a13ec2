//! Random input into every parser of sahifa-text: Markdown to HTML and to plain text (and
//! with them the HTML sanitiser), the Arabic normalisers, digits, numbers, slugs and the
//! XML cleaner. None may panic, and each keeps the promise its callers rely on.

use proptest::prelude::*;
use sahifa_text::markdown::{MAX_NESTING, render_markdown, to_plain_text};
use sahifa_text::{arabic, clean, digits, newsroom, numbers, reading, slug};

/// Pieces of Markdown, raw HTML and attacks, so random bodies exercise the parser's
/// structure instead of being one long paragraph of noise.
const PIECES: &[&str] = &[
    "\n",
    "\n\n",
    "> ",
    "- ",
    "* ",
    "1. ",
    "# ",
    "### ",
    "**",
    "_",
    "[",
    "]",
    "](",
    ")",
    "![",
    "|",
    "---",
    "\"",
    "'",
    "=",
    "<",
    ">",
    "&amp;",
    "&#x3C;",
    "\\",
    "`",
    "~~",
    "    ",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<a href=\"javascript:alert(1)\">",
    "javascript:alert(1)",
    "data:text/html,x",
    "//evil.example/x.png",
    "\\\\evil.example",
    "<div>",
    "</div>",
    "<b>",
    "</b>",
    "<svg onload=alert(1)>",
    "<iframe src=//evil.example>",
    "<!-- c -->",
    "<style>p{}</style>",
    "https://example.com/a?b=1&c=2",
    "mailto:desk@example.com",
    "خبر",
    "مُشَكَّل ",
    "١٢٣",
    "word ",
    "\u{200f}",
    "\u{0}",
    "\u{b}",
];

/// A body assembled from [`PIECES`] and arbitrary text.
fn body() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(PIECES).prop_map(str::to_string),
        1 => any::<String>(),
    ];
    proptest::collection::vec(piece, 0..120).prop_map(|parts| parts.concat())
}

/// Arbitrary bytes read the way a form decoder would: invalid UTF-8 replaced.
fn bytes_as_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<u8>(), 0..512)
        .prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// A tag: its name, its attributes (name, value) and whether it closes.
type Tag = (String, Vec<(String, String)>, bool);

/// The tags of sanitised HTML: `(name, attributes, is_closing)`. The sanitiser's
/// serialiser quotes every attribute value with `"` and escapes `"` inside, so this
/// small reader is exact for its output.
fn tags(html: &str) -> Vec<Tag> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let closing = rest.starts_with('/');
        if closing {
            rest = &rest[1..];
        }
        let name_len = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let name = rest[..name_len].to_ascii_lowercase();
        rest = &rest[name_len..];
        let mut attrs = Vec::new();
        loop {
            rest = rest.trim_start();
            if rest.is_empty() {
                break;
            }
            if let Some(r) = rest.strip_prefix('>') {
                rest = r;
                break;
            }
            if let Some(r) = rest.strip_prefix('/') {
                rest = r;
                continue;
            }
            let attr_len = rest
                .find(|c: char| c.is_whitespace() || c == '=' || c == '>')
                .unwrap_or(rest.len());
            let attr = rest[..attr_len].to_ascii_lowercase();
            rest = &rest[attr_len..];
            let mut value = String::new();
            if let Some(r) = rest.strip_prefix("=\"") {
                let end = r.find('"').unwrap_or(r.len());
                value = r[..end].to_string();
                rest = r.get(end + 1..).unwrap_or_default();
            }
            attrs.push((attr, value));
        }
        out.push((name, attrs, closing));
    }
    out
}

const ALLOWED: &[&str] = &[
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

/// Asserts what every rendered body promises: allowlisted tags and attributes only, no
/// script, handler or dangerous URL, no protocol-relative URL.
fn assert_safe(html: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "{html}");
    for (name, attrs, _) in tags(html) {
        assert!(ALLOWED.contains(&name.as_str()), "tag {name:?} in {html}");
        for (attr, value) in attrs {
            assert!(!attr.starts_with("on"), "handler {attr:?} in {html}");
            assert!(
                ["href", "src", "title", "alt", "width", "height", "rel"].contains(&attr.as_str()),
                "attribute {attr:?} in {html}"
            );
            if attr == "href" || attr == "src" {
                let v = url_as_browser_reads(&value);
                if let Some(scheme) = scheme_of(&v) {
                    assert!(
                        ["http", "https", "mailto"].contains(&scheme.as_str()),
                        "scheme {scheme:?} in {html}"
                    );
                }
                assert!(
                    !v.starts_with("//") && !v.starts_with("\\\\") && !v.starts_with("/\\"),
                    "protocol-relative {value:?} in {html}"
                );
            }
        }
    }
}

/// An attribute's URL as a browser's URL parser sees it: entities decoded, leading and
/// trailing C0 controls and spaces stripped, tabs and newlines removed anywhere
/// (WHATWG URL, "basic URL parser"), lowercased.
fn url_as_browser_reads(attribute: &str) -> String {
    let decoded = attribute
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    decoded
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The scheme a browser finds in a URL, if any: an ASCII letter, then letters, digits, `+`,
/// `-` or `.`, then `:`. Anything else ("0javascript:", "%6Aavascript:") is a relative
/// URL, resolved against the page.
fn scheme_of(url: &str) -> Option<String> {
    let end = url.find(':')?;
    let candidate = &url[..end];
    let mut chars = candidate.chars();
    let first = chars.next()?;
    let valid = first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| candidate.to_string())
}

/// How deep the elements of sanitised HTML nest (void elements do not count).
fn depth(html: &str) -> usize {
    let (mut now, mut max) = (0usize, 0usize);
    for (name, _, closing) in tags(html) {
        if matches!(name.as_str(), "br" | "hr" | "img") {
            continue;
        }
        if closing {
            now = now.saturating_sub(1);
        } else {
            now += 1;
            max = max.max(now);
        }
    }
    max
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn rendered_markdown_is_always_safe(md in body()) {
        assert_safe(&render_markdown(&md));
    }

    #[test]
    fn rendered_bytes_are_always_safe(md in bytes_as_text()) {
        assert_safe(&render_markdown(&md));
    }

    #[test]
    fn raw_html_through_the_sanitiser_is_always_safe(md in body()) {
        // An HTML block: the whole input reaches the sanitiser as raw HTML.
        assert_safe(&render_markdown(&format!("<div>\n{md}\n</div>")));
    }

    #[test]
    fn nesting_stays_bounded(pieces in proptest::collection::vec(
        proptest::sample::select(&["> ", "- ", "* ", "1. ", "**", "_", "[", "](x)"][..]),
        0..400,
    )) {
        // Only Markdown structure here (no raw HTML), so the whole depth is the Markdown's.
        let md = pieces.concat() + "x";
        let html = render_markdown(&md);
        prop_assert!(depth(&html) <= MAX_NESTING, "depth {} for {md:?}", depth(&html));
    }

    #[test]
    fn plain_text_never_panics_and_carries_no_tags(md in body()) {
        let plain = to_plain_text(&md);
        // Tags are dropped unless the writer escaped them or put them in code, where they
        // are the text itself.
        if !md.contains(['`', '\\', '&']) && !md.contains("    ") && !md.contains("~~~") {
            for tag in ["<script>", "<div>", "</div>", "<b>", "</b>", "<img src=x"] {
                prop_assert!(!plain.contains(tag), "{tag:?} in {plain:?} from {md:?}");
            }
        }
        prop_assert!(!plain.contains("\n\n\n"), "{plain:?}");
    }

    #[test]
    fn arabic_normalisers_hold(s in body()) {
        let stripped = arabic::strip_tashkeel(&s);
        prop_assert!(!stripped.chars().any(arabic::is_tashkeel));
        prop_assert_eq!(arabic::strip_tashkeel(&stripped), stripped.clone());
        let folded = arabic::fold_for_matching(&s);
        prop_assert_eq!(arabic::fold_for_matching(&folded), folded);
    }

    #[test]
    fn digits_round_trip(s in body()) {
        let ascii = digits::to_ascii_digits(&s);
        prop_assert!(ascii.chars().all(|c| c.is_ascii_digit() || digits::ascii_digit(c).is_none()));
        for style in [digits::DigitStyle::Western, digits::DigitStyle::ArabicIndic] {
            let local = digits::localize_digits(&s, style);
            prop_assert_eq!(digits::to_ascii_digits(&local), ascii.clone());
        }
    }

    #[test]
    fn numbers_parse_without_panic(s in body(), n in 0u32..100) {
        let _ = numbers::parse_number(&s);
        if let Some(words) = numbers::number_words(n) {
            prop_assert_eq!(numbers::parse_number(&words), Some(n));
        }
    }

    #[test]
    fn slugs_are_valid_and_stable(s in body()) {
        let once = slug::slugify(&s);
        prop_assert!(once.is_empty() || slug::is_valid_slug(&once), "{once:?}");
        prop_assert_eq!(slug::slugify(&once), once.clone());
        let _ = slug::encode_slug(&once);
    }

    #[test]
    fn xml_cleaning_leaves_only_xml_characters(s in bytes_as_text()) {
        let safe = clean::xml_safe(&s);
        prop_assert!(safe.chars().all(clean::is_xml_char));
        let mut owned = s.clone();
        clean::make_xml_safe(&mut owned);
        prop_assert_eq!(owned, safe.into_owned());
    }

    #[test]
    fn wire_copy_helpers_never_panic(s in body(), max in 0usize..200) {
        let _ = newsroom::split_dateline(&s);
        let _ = newsroom::detect_source_credit(&s);
        let excerpt = reading::excerpt(&s, max);
        prop_assert!(excerpt.chars().count() <= max.max(1), "{excerpt:?}");
        let _ = reading::word_count(&s);
        let _ = reading::reading_minutes(&s);
    }
}

/// The oracle itself, on the cases a random run once found and on the ones it must catch.
#[test]
fn the_url_oracle_reads_schemes_as_a_browser_does() {
    assert_eq!(
        scheme_of(&url_as_browser_reads("0javascript:alert(1)")),
        None
    );
    assert_eq!(
        scheme_of(&url_as_browser_reads("3e%F0%91rdata:text/html,x")),
        None
    );
    assert_eq!(
        scheme_of(&url_as_browser_reads(" java\tscript:alert(1)")).as_deref(),
        Some("javascript")
    );
    assert_eq!(
        scheme_of(&url_as_browser_reads("JavaScript&amp;:x")),
        None,
        "& is not a scheme character"
    );
    assert_eq!(
        scheme_of("https://example.com/a:b").as_deref(),
        Some("https")
    );
    assert_eq!(scheme_of("/a:b"), None);
}

#[test]
fn links_a_browser_would_run_or_leave_the_site_by_are_removed() {
    for md in [
        "[x](javascript:alert(1))",
        "[x](JaVa\tScRiPt:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "<a href=\"java&#x09;script:alert(1)\">x</a>",
        "[x](data:text/html,x)",
        "[x](\\\\\\\\evil.example)",
        "<a href=\"/\\evil.example\">x</a>",
        "[x](0javascript:alert(1))",
    ] {
        assert_safe(&render_markdown(md));
    }
}

#[test]
#[should_panic(expected = "scheme")]
fn the_safety_check_catches_a_script_link() {
    assert_safe("<p><a href=\" JavaScript:alert(1)\">x</a></p>");
}
