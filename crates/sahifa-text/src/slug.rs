//! URL slugs for articles, sections and tags.
//!
//! Arabic readers share links whose path is readable Arabic, so slugs keep
//! Arabic letters as they are rather than transliterating. What a slug must
//! not keep is anything that makes two visually identical titles produce
//! different URLs: normalisation form, diacritics, tatweel, digit shapes,
//! invisible joiners and bidi controls.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::arabic::{is_arabic_script, is_tashkeel};
use crate::digits::ascii_digit;

/// Longest slug [`slugify`] produces, in characters.
pub const MAX_SLUG_CHARS: usize = 80;

/// Turns a title into a URL slug.
///
/// Arabic letters stay Arabic; the text is NFC-normalised, tashkeel and
/// tatweel are dropped, letters are lowercased, Arabic-Indic and Persian
/// digits become ASCII, and every run of anything else (whitespace,
/// punctuation including `، ؛ ؟ « »`, symbols, ZWNJ/ZWJ, bidi controls)
/// becomes a single `-`. The result has no leading or trailing `-` and at
/// most [`MAX_SLUG_CHARS`] characters. An empty string means nothing
/// sluggable was left; choosing a fallback is the caller's job.
pub fn slugify(input: &str) -> String {
    // Compose first: a decomposed hamza (alef + U+0654) sits inside the
    // harakat range and would otherwise be stripped along with the vowels.
    let composed: String = input.nfc().collect();

    let mut mapped = String::with_capacity(composed.len());
    for c in composed.chars() {
        if is_tashkeel(c) || (is_arabic_script(c) && is_combining_mark(c)) {
            continue;
        }
        if let Some(d) = ascii_digit(c) {
            mapped.push(d);
        } else {
            mapped.extend(c.to_lowercase());
        }
    }
    // Removing marks or lowercasing can bring a base letter and a combining
    // mark together that NFC would compose; recompose so that slugify is
    // idempotent.
    let mapped: String = mapped.nfc().collect();

    let mut out = String::with_capacity(mapped.len());
    let mut len = 0usize;
    let mut pending_dash = false;
    for c in mapped.chars() {
        let keep = if c.is_alphanumeric() {
            true
        } else if is_combining_mark(c) {
            // A non-letter mark (e.g. an accent) belongs to the letter before
            // it; after a separator or at the start it has nothing to modify.
            if pending_dash || out.is_empty() {
                continue;
            }
            true
        } else {
            false
        };
        if !keep {
            pending_dash = true;
            continue;
        }
        if pending_dash && !out.is_empty() {
            if len + 2 > MAX_SLUG_CHARS {
                break;
            }
            out.push('-');
            len += 1;
        }
        pending_dash = false;
        if len + 1 > MAX_SLUG_CHARS {
            break;
        }
        out.push(c);
        len += 1;
    }
    out
}

/// True iff `s` is non-empty and already in the form [`slugify`] produces.
pub fn is_valid_slug(s: &str) -> bool {
    !s.is_empty() && slugify(s) == s
}

/// RFC 3986 unreserved characters stay literal; everything else is encoded.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes `slug` for use as one URL path segment.
///
/// Only RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) are kept;
/// everything else, including each UTF-8 byte of Arabic letters, becomes
/// `%XX` with uppercase hex, so `/` can never split the segment.
pub fn encode_slug(slug: &str) -> String {
    utf8_percent_encode(slug, PATH_SEGMENT).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn slugify_table() {
        let cases = [
            ("Hello World", "hello-world"),
            ("  --Hello,   World!!  ", "hello-world"),
            ("روحاني يؤكد على التعاون", "روحاني-يؤكد-على-التعاون"),
            ("مُحَمَّدٌ رَسُولُ", "محمد-رسول"),
            ("جـــميل جداً", "جميل-جدا"),
            ("القرار ٢٢٣١ والعام ۲۰۱۵", "القرار-2231-والعام-2015"),
            ("لماذا؟ لأن، ببساطة؛ «هكذا»", "لماذا-لأن-ببساطة-هكذا"),
            ("نیم\u{200C}فاصله", "نیم-فاصله"),
            ("a\u{200D}b", "a-b"),
            ("\u{202B}عربي\u{202C} text", "عربي-text"),
            ("\u{2067}x\u{2069}", "x"),
            ("COVID-19: Iran & Russia", "covid-19-iran-russia"),
            ("في لقاءه مع لافروف.. روحاني", "في-لقاءه-مع-لافروف-روحاني"),
            ("snake_case/path", "snake-case-path"),
            ("", ""),
            ("---", ""),
            ("؟!،", ""),
            ("\u{064E}\u{0651}\u{0640}", ""),
            ("Ελληνικά ΚΕΙΜΕΝΟ", "ελληνικά-κειμενο"),
            ("emoji 🎉 here", "emoji-here"),
        ];
        for (input, want) in cases {
            assert_eq!(slugify(input), want, "input {input:?}");
        }
    }

    #[test]
    fn slugify_nfc_normalises() {
        // Decomposed alef + hamza above must come out as the single letter أ.
        assert_eq!(slugify("\u{0627}\u{0654}كد"), "أكد");
        // Decomposed Latin e + acute composes to é.
        assert_eq!(slugify("Cafe\u{0301}"), "café");
        assert_eq!(slugify("Café"), slugify("Cafe\u{0301}"));
        // Removing tatweel brings e and the accent together; they must be
        // recomposed or a second pass would change the slug.
        assert_eq!(slugify("e\u{0640}\u{0301}"), "é");
        // Lowercase İ is i + combining dot, which has no precomposed form.
        assert_eq!(slugify("İstanbul"), "i\u{0307}stanbul");
        // A stray accent after a separator has nothing to attach to.
        assert_eq!(slugify("a \u{0301}b"), "a-b");
    }

    #[test]
    fn slugify_truncates_on_char_boundary() {
        let long = "كلمة ".repeat(40);
        let s = slugify(&long);
        assert!(s.chars().count() <= MAX_SLUG_CHARS);
        assert!(!s.ends_with('-'));
        assert!(s.starts_with("كلمة-كلمة"));
        // 16 words of 4 letters + 15 dashes = 79 chars: the 17th would overflow.
        assert_eq!(s.chars().count(), 79);

        let exact = "a".repeat(80);
        assert_eq!(slugify(&exact), exact);
        assert_eq!(slugify(&"b".repeat(200)), "b".repeat(80));

        // A dash landing exactly on position 80 must be dropped, not kept.
        let input = format!("{} tail", "c".repeat(79));
        assert_eq!(slugify(&input), "c".repeat(79));
    }

    #[test]
    fn valid_slugs() {
        for s in ["hello-world", "روحاني-يؤكد", "2021", "café"] {
            assert!(is_valid_slug(s), "{s:?}");
        }
        for s in [
            "",
            "-a",
            "a-",
            "a--b",
            "Hello",
            "مُحمد",
            "a b",
            "١٢",
            "a\u{200C}b",
        ] {
            assert!(!is_valid_slug(s), "{s:?}");
        }
    }

    #[test]
    fn encode_slug_table() {
        let cases = [
            ("hello-world", "hello-world"),
            ("a.b_c~d", "a.b_c~d"),
            ("a/b?c#d e", "a%2Fb%3Fc%23d%20e"),
            ("سلام", "%D8%B3%D9%84%D8%A7%D9%85"),
            ("روحاني-2021", "%D8%B1%D9%88%D8%AD%D8%A7%D9%86%D9%8A-2021"),
            ("100%", "100%25"),
        ];
        for (input, want) in cases {
            assert_eq!(encode_slug(input), want, "input {input:?}");
        }
    }

    fn check_shape(s: &str) -> Result<(), TestCaseError> {
        prop_assert!(!s.contains("--"), "double dash in {s:?}");
        prop_assert!(!s.starts_with('-'), "leading dash in {s:?}");
        prop_assert!(!s.ends_with('-'), "trailing dash in {s:?}");
        prop_assert!(s.chars().count() <= MAX_SLUG_CHARS, "too long: {s:?}");
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn slugify_any_unicode(input in any::<String>()) {
            let once = slugify(&input);
            check_shape(&once)?;
            prop_assert_eq!(slugify(&once), once.clone());
            if !once.is_empty() {
                prop_assert!(is_valid_slug(&once));
            }
        }

        #[test]
        fn slugify_arabic_heavy(input in "[\u{0600}-\u{06FF}\u{0750}-\u{077F}\u{FB50}-\u{FEFF} a-zA-Z0-9\u{200C}\u{200D}\u{200E}\u{200F}\u{202A}-\u{202E}\u{0300}-\u{036F}.,!?-]{0,200}") {
            let once = slugify(&input);
            check_shape(&once)?;
            prop_assert_eq!(slugify(&once), once);
        }

        #[test]
        fn slugify_marks_and_case(input in "[A-Za-zİIÉéΣΑ\u{0300}-\u{036F}\u{064B}-\u{065F}\u{0640}\u{0654}\u{0655}\u{0627}\u{0648}\u{064A}\u{1100}-\u{1112}\u{1161}-\u{1175}\u{0900}-\u{097F}\u{200C}\u{200D} -]{0,120}") {
            let once = slugify(&input);
            check_shape(&once)?;
            prop_assert_eq!(slugify(&once), once);
        }

        #[test]
        fn encode_slug_is_ascii(input in any::<String>()) {
            let enc = encode_slug(&slugify(&input));
            prop_assert!(enc.is_ascii());
            prop_assert!(!enc.contains('/'));
        }
    }
}
