//! Snippets: a short excerpt of a stored field with the words that matched the query in
//! `<mark>`.
//!
//! Highlighting runs the stored text through the same analyser as the index, so «امريكا»,
//! «لامريكا» and «الأمريكية» are all marked for a search on «أمريكا», and the marks land on
//! the words as written (the analyser keeps byte offsets into the original text). The HTML
//! is built here, escaping every character of the text: the only markup in the output is
//! `<mark>` and `</mark>`.

use std::collections::HashSet;

use crate::analysis::matching_spans;

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
}

/// `text` escaped with every word whose analysed forms meet `terms` marked.
pub fn highlight_all(text: &str, terms: &HashSet<String>) -> String {
    let marks = matching_spans(text, terms);
    render(text, 0, text.len(), &marks, false, false)
}

/// An excerpt of about `max_chars` characters around the densest cluster of matched words,
/// with them marked; the start of the text when nothing matches. "…" shows cuts.
pub fn excerpt(text: &str, terms: &HashSet<String>, max_chars: usize) -> String {
    excerpt_marked(text, &matching_spans(text, terms), max_chars)
}

/// [`excerpt`] with the matched spans already known (`marks` from
/// [`matching_spans`] over the same `text`).
pub fn excerpt_marked(text: &str, marks: &[(usize, usize)], max_chars: usize) -> String {
    if text.trim().is_empty() {
        return String::new();
    }
    let char_starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    let total_chars = char_starts.len();
    if total_chars <= max_chars {
        return render(text, 0, text.len(), marks, false, false);
    }
    let byte_at =
        |char_index: usize| -> usize { char_starts.get(char_index).copied().unwrap_or(text.len()) };
    let char_of = |byte: usize| -> usize { char_starts.partition_point(|&b| b < byte) };
    // The window start (in chars) that covers the most matched words.
    let mut best_start_char = 0;
    if !marks.is_empty() {
        let starts: Vec<usize> = marks.iter().map(|(from, _)| char_of(*from)).collect();
        let mut best = 0;
        for (i, &s) in starts.iter().enumerate() {
            let covered = starts
                .get(i..)
                .unwrap_or(&[])
                .iter()
                .take_while(|&&other| other < s + max_chars)
                .count();
            if covered > best {
                best = covered;
                best_start_char = s;
            }
        }
        // Some context before the first mark, but never more than a fifth of the window.
        best_start_char = best_start_char.saturating_sub(max_chars / 5);
    }
    let mut start_char = best_start_char.min(total_chars.saturating_sub(max_chars));
    let mut end_char = (start_char + max_chars).min(total_chars);
    // Snap to word boundaries so no word is cut in half.
    start_char = snap_back(text, &char_starts, start_char);
    end_char = snap_forward(text, &char_starts, end_char);
    let (from, to) = (byte_at(start_char), byte_at(end_char));
    render(text, from, to, marks, from > 0, to < text.len())
}

fn snap_back(text: &str, char_starts: &[usize], mut at: usize) -> usize {
    let limit = at.saturating_sub(20);
    while at > limit && at > 0 {
        let Some(&prev) = char_starts.get(at - 1) else {
            break;
        };
        if text
            .get(prev..)
            .is_some_and(|t| t.starts_with(char::is_whitespace))
        {
            return at;
        }
        at -= 1;
    }
    at
}

fn snap_forward(text: &str, char_starts: &[usize], mut at: usize) -> usize {
    let limit = (at + 20).min(char_starts.len());
    while at < limit {
        let rest = char_starts.get(at).and_then(|&from| text.get(from..));
        if rest.is_some_and(|t| t.starts_with(char::is_whitespace)) {
            return at;
        }
        at += 1;
    }
    at
}

/// Escaped `text[from..to]` with the `marks` inside it wrapped in `<mark>`; runs of
/// whitespace (paragraph breaks in a body) become one space.
fn render(
    text: &str,
    from: usize,
    to: usize,
    marks: &[(usize, usize)],
    cut_start: bool,
    cut_end: bool,
) -> String {
    let mut out = String::with_capacity(to.saturating_sub(from) + 64);
    if cut_start {
        out.push_str("… ");
    }
    let mut at = from;
    for &(m_from, m_to) in marks {
        if m_from < from || m_to > to {
            continue;
        }
        escape_collapsed(&text[at..m_from], &mut out);
        out.push_str("<mark>");
        escape_html(&text[m_from..m_to], &mut out);
        out.push_str("</mark>");
        at = m_to;
    }
    escape_collapsed(&text[at..to], &mut out);
    if cut_end {
        out.push_str(" …");
    }
    out
}

fn escape_collapsed(text: &str, out: &mut String) {
    let mut in_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
            continue;
        }
        in_space = false;
        let mut buf = [0u8; 4];
        escape_html(c.encode_utf8(&mut buf), out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::analyze;

    fn terms(words: &[&str]) -> HashSet<String> {
        words
            .iter()
            .flat_map(|w| analyze(w).into_iter().flat_map(|x| x.forms))
            .collect()
    }

    #[test]
    fn marks_every_spelling() {
        let html = highlight_all(
            "قال إن امريكا ولامريكا والسياسة الأمريكية",
            &terms(&["أمريكا"]),
        );
        assert_eq!(
            html,
            "قال إن <mark>امريكا</mark> <mark>ولامريكا</mark> والسياسة <mark>الأمريكية</mark>"
        );
    }

    #[test]
    fn escapes_everything_else() {
        let html = highlight_all(
            "<script>alert('x')</script> امريكا & co",
            &terms(&["امريكا"]),
        );
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("&amp; co"));
        assert!(html.contains("<mark>امريكا</mark>"));
    }

    #[test]
    fn excerpt_centres_on_matches() {
        let filler = "كلام عادي ".repeat(60);
        let text = format!("{filler} النفط الخام ارتفع {filler}");
        let html = excerpt(&text, &terms(&["نفط"]), 120);
        assert!(html.contains("<mark>النفط</mark>"), "{html}");
        assert!(html.starts_with("… "));
        assert!(html.ends_with(" …"));
        assert!(html.chars().count() < 200);
    }

    #[test]
    fn excerpt_without_matches_starts_at_the_top() {
        let text = "بداية النص ".repeat(50);
        let html = excerpt(&text, &terms(&["غائب"]), 50);
        assert!(html.starts_with("بداية"));
        assert!(!html.contains("<mark>"));
    }
}
