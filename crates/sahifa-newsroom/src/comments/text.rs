//! Comment text to HTML: plain text only. Everything is escaped, line breaks are kept,
//! http(s) URLs become links with `rel="nofollow ugc noopener"`, and Unicode bidi controls
//! are removed so a comment cannot reorder the text around it.

/// True for the bidi embedding, override and isolate controls and the directional marks.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
    )
}

/// Removes bidi controls and other invisible format characters from a typed field.
pub fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !is_bidi_control(*c) && !matches!(*c, '\u{0000}'..='\u{0008}' | '\u{000B}' | '\u{000C}' | '\u{000E}'..='\u{001F}' | '\u{007F}' | '\u{FEFF}') && sahifa_text::clean::is_xml_char(*c))
        .collect()
}

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
}

/// Characters that may end a URL in running text but usually belong to the sentence.
fn trailing_punctuation(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ';' | ':' | '!' | '?' | ')' | '(' | '،' | '؛' | '؟' | '"' | '\'' | ']'
    )
}

/// Finds `http://` or `https://` links: (start, end) byte ranges.
pub fn find_links(s: &str) -> Vec<(usize, usize)> {
    let lower = s.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while from < s.len() {
        let next = ["http://", "https://"]
            .iter()
            .filter_map(|p| lower[from..].find(p).map(|i| from + i))
            .min();
        let Some(start) = next else { break };
        let mut end = s[start..]
            .char_indices()
            .find(|(_, c)| c.is_whitespace() || matches!(*c, '<' | '>' | '"'))
            .map_or(s.len(), |(i, _)| start + i);
        while end > start {
            let Some(last) = s[start..end].chars().next_back() else {
                break;
            };
            if trailing_punctuation(last) {
                end -= last.len_utf8();
            } else {
                break;
            }
        }
        let scheme_len = if lower[start..].starts_with("https://") {
            8
        } else {
            7
        };
        if end > start + scheme_len {
            out.push((start, end));
        }
        from = end.max(start + scheme_len);
    }
    out
}

/// How many links the text has (the "hold at N links" rule counts the body's links).
pub fn link_count(s: &str) -> usize {
    find_links(s).len()
}

/// The comment body as safe HTML.
pub fn to_html(body: &str) -> String {
    let body = clean(body).replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(body.len() + 32);
    let mut at = 0;
    for (start, end) in find_links(&body) {
        escape(&body[at..start], &mut out);
        let url = &body[start..end];
        out.push_str("<a href=\"");
        escape(url, &mut out);
        out.push_str("\" rel=\"nofollow ugc noopener\" dir=\"ltr\">");
        escape(url, &mut out);
        out.push_str("</a>");
        at = end;
    }
    escape(&body[at..], &mut out);
    let paragraphs: Vec<String> = out
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", p.replace('\n', "<br>\n")))
        .collect();
    paragraphs.join("\n")
}

/// A commenter's website as a safe `href`, or `None` unless it is http(s).
pub fn safe_url(url: &str) -> Option<String> {
    let url = clean(url.trim());
    let lower = url.to_ascii_lowercase();
    ((lower.starts_with("http://") || lower.starts_with("https://"))
        && url.len() > 8
        && !url
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '<' | '>' | '"')))
    .then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_escaped() {
        let html = to_html("<script>alert(1)</script> & \"x\"");
        assert_eq!(
            html,
            "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;</p>"
        );
    }

    #[test]
    fn links_and_breaks() {
        let html = to_html("انظر https://example.com/a?b=1&c=2.\nسطر\n\nفقرة javascript:alert(1)");
        assert!(html.contains(
            "<a href=\"https://example.com/a?b=1&amp;c=2\" rel=\"nofollow ugc noopener\" dir=\"ltr\">"
        ));
        assert!(html.contains("<br>"));
        assert!(html.contains("</p>\n<p>"));
        assert!(!html.contains("href=\"javascript"));
        assert_eq!(link_count("http://a.b http://c.d https://e.f"), 3);
    }

    #[test]
    fn bidi_controls_are_removed() {
        assert_eq!(to_html("abc\u{202E}def\u{2066}"), "<p>abcdef</p>");
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(
            safe_url("https://example.com"),
            Some("https://example.com".into())
        );
    }
}
