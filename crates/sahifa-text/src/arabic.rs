//! Arabic script helpers.
//!
//! Arabic news copy arrives with optional diacritics (tashkeel) and
//! decorative elongation (tatweel). Neither changes the word, so search,
//! slugs and matching must ignore them; this module is the single place
//! that knows which code points those are.

/// Arabic tatweel (kashida), used only to stretch words visually.
pub const TATWEEL: char = '\u{0640}';

/// True for code points that are tashkeel, Quranic annotation marks or
/// tatweel: the set [`strip_tashkeel`] removes.
///
/// Covers harakat and tanween U+064B–U+065F, superscript alef U+0670,
/// Quranic marks U+06D6–U+06ED and tatweel U+0640.
pub fn is_tashkeel(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{06D6}'..='\u{06ED}' | TATWEEL)
}

/// Removes every tashkeel mark, superscript alef, Quranic mark and tatweel.
///
/// Letters, including hamza-carrying letters such as `أ`, are kept. Input
/// that was decomposed (alef + combining hamza) should be NFC-normalised
/// first, because the combining hamza U+0654 lies in the harakat range.
pub fn strip_tashkeel(s: &str) -> String {
    s.chars().filter(|&c| !is_tashkeel(c)).collect()
}

/// True if `c` lies in one of the Arabic script blocks (including
/// presentation forms), whether letter, digit, mark or punctuation.
pub fn is_arabic_script(c: char) -> bool {
    matches!(
        c,
        '\u{0600}'..='\u{06FF}'
            | '\u{0750}'..='\u{077F}'
            | '\u{0870}'..='\u{089F}'
            | '\u{08A0}'..='\u{08FF}'
            | '\u{FB50}'..='\u{FDFF}'
            | '\u{FE70}'..='\u{FEFF}'
    )
}

/// True if `c` is an Arabic-script letter: alphabetic, in an Arabic block,
/// and not a diacritic, Quranic mark or tatweel.
///
/// Tatweel and many harakat carry the Unicode Alphabetic property, which is
/// why a plain `is_alphabetic` check is not enough here.
pub fn is_arabic_letter(c: char) -> bool {
    is_arabic_script(c)
        && c.is_alphabetic()
        && !is_tashkeel(c)
        && !unicode_normalization::char::is_combining_mark(c)
}

/// Folds letter variants that writers use interchangeably, for matching
/// only (never for display): hamza-carrying and wasla alefs become bare
/// alef `ا`, and tashkeel is removed.
///
/// Wire copy is inconsistent about hamza (`أفادت` / `افادت`), so keyword
/// matching must not depend on it.
pub fn fold_for_matching(s: &str) -> String {
    s.chars()
        .filter(|&c| !is_tashkeel(c))
        .map(|c| match c {
            'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_tashkeel_removes_all_marks() {
        let cases = [
            ("مُحَمَّدٌ", "محمد"),
            ("السَّلَامُ عَلَيْكُمْ", "السلام عليكم"),
            ("جـــميل", "جميل"),
            ("هٰذا", "هذا"),
            ("قُرْآنٌ ۖ كَرِيمٌ ۚ", "قرآن  كريم "),
            ("plain latin", "plain latin"),
            ("", ""),
            ("أإآ", "أإآ"),
        ];
        for (input, want) in cases {
            assert_eq!(strip_tashkeel(input), want, "input {input:?}");
        }
    }

    #[test]
    fn strip_tashkeel_covers_whole_ranges() {
        for cp in (0x064B..=0x065F)
            .chain([0x0670, 0x0640])
            .chain(0x06D6..=0x06ED)
        {
            let c = char::from_u32(cp).expect("valid scalar in table");
            assert!(is_tashkeel(c), "U+{cp:04X}");
            assert_eq!(strip_tashkeel(&format!("ب{c}ب{c}")), "بب");
        }
        assert!(!is_tashkeel('\u{064A}'));
        assert!(!is_tashkeel('\u{0660}'));
    }

    #[test]
    fn arabic_letters() {
        for c in ['ا', 'ب', 'ي', 'ة', 'ء', 'أ', 'ی', 'ک', 'پ', 'ﻻ'] {
            assert!(is_arabic_letter(c), "{c:?} should be a letter");
        }
        for c in [
            '\u{064E}', '\u{0651}', TATWEEL, '٣', '۳', '،', '؟', '؛', 'a', '1', ' ', '\u{0670}',
        ] {
            assert!(!is_arabic_letter(c), "{c:?} should not be a letter");
        }
    }

    #[test]
    fn fold_for_matching_unifies_alef_forms() {
        assert_eq!(fold_for_matching("أفادت"), fold_for_matching("افادت"));
        assert_eq!(fold_for_matching("نقلاً"), "نقلا");
        assert_eq!(fold_for_matching("إرنا"), "ارنا");
    }
}
