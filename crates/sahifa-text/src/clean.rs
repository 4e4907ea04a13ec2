//! The one cleaning step every stored text goes through: characters that XML 1.0 forbids
//! (C0 controls but tab, newline and carriage return; U+FFFE and U+FFFF) never reach the
//! database, so no feed, sitemap or page built from stored text can be made invalid by it.
//! Bidi controls and everything else printable stay: removing them is a matter for the
//! field (comments already drop bidi overrides), not for well-formedness.

use std::borrow::Cow;

/// Whether XML 1.0 allows `c` in character data.
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// `text` without the characters XML 1.0 forbids; borrowed when there were none.
pub fn xml_safe(text: &str) -> Cow<'_, str> {
    if text.chars().all(is_xml_char) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(text.chars().filter(|&c| is_xml_char(c)).collect())
    }
}

/// [`xml_safe`] in place.
pub fn make_xml_safe(text: &mut String) {
    if !text.chars().all(is_xml_char) {
        text.retain(is_xml_char);
    }
}

/// `text` with `&`, `<` and `>` escaped, for plain text placed where readers interpret
/// HTML (an RSS `<description>`).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_go_and_the_rest_stays() {
        assert_eq!(xml_safe("خبر\u{000B}عاجل\u{0001}\u{FFFE}"), "خبرعاجل");
        assert_eq!(xml_safe("سطر\nثان\tو\r"), "سطر\nثان\tو\r");
        assert!(matches!(xml_safe("نص عادي \u{202B}"), Cow::Borrowed(_)));
        let mut s = String::from("a\u{0000}b\u{FFFF}c😀");
        make_xml_safe(&mut s);
        assert_eq!(s, "abc😀");
        assert_eq!(
            escape_html("<img src=x onerror=alert(1)> & «"),
            "&lt;img src=x onerror=alert(1)&gt; &amp; «"
        );
    }

    #[test]
    fn every_code_point_is_judged_as_xml_does() {
        for cp in 0u32..0x11000 {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let allowed = cp == 0x9
                || cp == 0xA
                || cp == 0xD
                || (0x20..=0xD7FF).contains(&cp)
                || (0xE000..=0xFFFD).contains(&cp)
                || cp >= 0x10000;
            assert_eq!(is_xml_char(c), allowed, "U+{cp:04X}");
        }
    }
}
