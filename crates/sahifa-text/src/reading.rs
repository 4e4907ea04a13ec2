//! Length measures for article listings: word count, estimated reading
//! time and excerpts.
//!
//! These run on plain text (see [`crate::markdown::to_plain_text`]), never
//! on HTML, so tags and URLs do not inflate the counts.

/// Average reading speed, in words per minute, used for estimates.
///
/// Studies of Arabic silent reading put adults at roughly 140–200 wpm on
/// news-style prose (slower than the ~230 wpm often quoted for English,
/// since unvowelled script needs more context to decode), so 180 is a
/// realistic middle for a news audience.
pub const WORDS_PER_MINUTE: usize = 180;

/// Counts whitespace-separated tokens that contain at least one letter or
/// digit, so stray punctuation such as `-` or `…` does not count as a word.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .filter(|token| token.chars().any(char::is_alphanumeric))
        .count()
}

/// Estimated minutes to read `text`: `ceil(words / 180)`, and never less
/// than 1 so that listings do not show "0 min".
pub fn reading_minutes(text: &str) -> u32 {
    let minutes = word_count(text).div_ceil(WORDS_PER_MINUTE).max(1);
    u32::try_from(minutes).unwrap_or(u32::MAX)
}

/// Punctuation that looks wrong right before an ellipsis.
fn is_dangling_punct(c: char) -> bool {
    matches!(
        c,
        ',' | '،' | ';' | '؛' | ':' | '-' | '–' | '—' | '(' | '[' | '«' | '"' | '\''
    )
}

/// Shortens `text` to at most `max_chars` characters (the ellipsis
/// included), cutting at a word boundary and appending `…` when anything
/// was cut.
///
/// Leading and trailing whitespace is trimmed first. If the first word
/// alone is too long it is cut mid-word rather than returning nothing.
/// Punctuation left dangling before the cut (`،`, `:`, `-`…) is dropped.
/// `max_chars == 0` yields an empty string.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    if max_chars == 0 {
        return String::new();
    }
    // One character of the budget goes to the ellipsis.
    let budget = max_chars - 1;
    let mut end = 0usize; // byte index just past the last char that fits
    let mut boundary = None; // byte index of the last whitespace that fits
    for (count, (idx, c)) in text.char_indices().enumerate() {
        if count == budget {
            if c.is_whitespace() {
                boundary = Some(idx);
            }
            break;
        }
        if c.is_whitespace() {
            boundary = Some(idx);
        }
        end = idx + c.len_utf8();
    }
    let cut = boundary.unwrap_or(end);
    let head = text[..cut]
        .trim_end()
        .trim_end_matches(is_dangling_punct)
        .trim_end();
    let head = if head.is_empty() { &text[..end] } else { head };
    format!("{head}…")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn word_counts() {
        let cases = [
            ("", 0),
            ("   ", 0),
            ("كلمة", 1),
            ("اكد رئيس الجمهورية", 3),
            ("one - two … three", 3),
            ("a\u{00A0}b\u{3000}c\nd\te", 5),
            ("2015 ٢٠١٥", 2),
            ("!!! ؟؟؟", 0),
            ("(الاتفاق النووي)", 2),
        ];
        for (text, want) in cases {
            assert_eq!(word_count(text), want, "{text:?}");
        }
    }

    #[test]
    fn minutes() {
        let words = |n: usize| "كلمة ".repeat(n);
        let cases = [
            (0, 1),
            (1, 1),
            (180, 1),
            (181, 2),
            (360, 2),
            (361, 3),
            (1800, 10),
        ];
        for (n, want) in cases {
            assert_eq!(reading_minutes(&words(n)), want, "{n} words");
        }
    }

    #[test]
    fn excerpts() {
        let cases = [
            ("short text", 20, "short text"),
            ("  padded  ", 20, "padded"),
            ("exactly ten", 11, "exactly ten"),
            ("hello world again", 11, "hello…"),
            ("hello world again", 12, "hello world…"),
            ("hello world again", 16, "hello world…"),
            ("hello, world", 8, "hello…"),
            ("abcdefghij", 5, "abcd…"),
            ("anything", 0, ""),
            ("anything", 1, "…"),
            ("روحاني يؤكد على التعاون الاقليمي", 16, "روحاني يؤكد على…"),
            ("روحاني، يؤكد", 10, "روحاني…"),
        ];
        for (text, max, want) in cases {
            assert_eq!(excerpt(text, max), want, "{text:?} / {max}");
        }
    }

    proptest! {
        #[test]
        fn excerpt_respects_budget(text in any::<String>(), max in 0usize..120) {
            let out = excerpt(&text, max);
            prop_assert!(out.chars().count() <= max);
            if text.trim().chars().count() <= max {
                prop_assert_eq!(out, text.trim());
            }
        }

        #[test]
        fn minutes_at_least_one(text in any::<String>()) {
            prop_assert!(reading_minutes(&text) >= 1);
        }
    }
}
