//! Invariants of the analyser on arbitrary input: it never panics, normalisation is
//! idempotent, and no word is ever analysed to nothing unless it is a stop word.

use proptest::prelude::*;
use sahifa_search::analysis::{analyze, is_stop_word, normalize, stem_forms};

/// Arabic-heavy strings: letters, every mark, tatweel, Persian/Urdu forms, both digit
/// scripts, presentation forms, Latin and punctuation.
fn arabicish() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        4 => proptest::char::range('\u{0621}', '\u{064A}'),
        2 => proptest::char::range('\u{064B}', '\u{065F}'),
        1 => Just('\u{0640}'),
        1 => Just('\u{0670}'),
        1 => proptest::char::range('\u{0660}', '\u{0669}'),
        1 => proptest::char::range('\u{06F0}', '\u{06F9}'),
        1 => prop_oneof![Just('ک'), Just('ی'), Just('ە'), Just('ۀ'), Just('ہ'), Just('ھ'), Just('ے')],
        1 => proptest::char::range('\u{FB50}', '\u{FEFC}'),
        1 => proptest::char::range('a', 'z'),
        1 => proptest::char::range('A', 'Z'),
        1 => prop_oneof![Just(' '), Just('،'), Just('.'), Just('"'), Just('\u{200C}')],
    ];
    proptest::collection::vec(pieces, 0..40).prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_on_any_unicode(s in any::<String>()) {
        let _ = analyze(&s);
        let _ = normalize(&s);
        let _ = sahifa_search::query::parse(&s);
        let terms = std::collections::HashSet::from(["x".to_string()]);
        let _ = sahifa_search::snippet::excerpt(&s, &terms, 30);
    }

    #[test]
    fn normalisation_is_idempotent(s in arabicish()) {
        let once = normalize(&s);
        prop_assert_eq!(normalize(&once), once.clone());
    }

    #[test]
    fn normalisation_is_idempotent_on_any_unicode(s in any::<String>()) {
        let once = normalize(&s);
        prop_assert_eq!(normalize(&once), once.clone());
    }

    #[test]
    fn words_are_never_emptied(s in arabicish()) {
        for w in s.split(|c: char| c.is_whitespace() || c == '،' || c == '.' || c == '"') {
            let n = normalize(w);
            if n.is_empty() || is_stop_word(&n) {
                continue;
            }
            let forms = stem_forms(&n);
            prop_assert!(!forms.is_empty(), "{:?} lost", w);
            prop_assert!(forms.iter().all(|f| !f.is_empty()), "{:?} gave an empty form", w);
        }
        for word in analyze(&s) {
            prop_assert!(!word.forms.is_empty());
            prop_assert!(word.forms.iter().all(|f| !f.is_empty()));
            prop_assert!(word.offset_from < word.offset_to);
            prop_assert!(s.is_char_boundary(word.offset_from) && s.is_char_boundary(word.offset_to));
        }
    }

    #[test]
    fn marks_and_tatweel_never_change_the_terms(s in "[ابتثجحخدذرزسشصضطظعغفقكلمنهوي]{2,8}") {
        let marked: String = s.chars().flat_map(|c| [c, '\u{064E}', '\u{0640}']).collect();
        let plain: Vec<_> = analyze(&s).into_iter().map(|w| w.forms).collect();
        let decorated: Vec<_> = analyze(&marked).into_iter().map(|w| w.forms).collect();
        prop_assert_eq!(plain, decorated);
    }

    #[test]
    fn stemming_is_stable_on_its_output(s in "[ابتثجحخدذرزسشصضطظعغفقكلمنهوي]{2,10}") {
        // Stemming a main stem again never loses it (a stem is still a word).
        let forms = stem_forms(&normalize(&s));
        prop_assert!(!forms[0].is_empty());
        prop_assert!(forms[0].chars().count() >= 2.min(s.chars().count()));
    }

    #[test]
    fn fast_highlighting_agrees_with_full_analysis(text in arabicish(), query in arabicish()) {
        let terms: std::collections::HashSet<String> =
            analyze(&query).into_iter().flat_map(|w| w.forms).collect();
        let expected: Vec<(usize, usize)> = analyze(&text)
            .into_iter()
            .filter(|w| w.forms.iter().any(|f| terms.contains(f)))
            .map(|w| (w.offset_from, w.offset_to))
            .collect();
        prop_assert_eq!(sahifa_search::analysis::matching_spans(&text, &terms), expected);
    }
}
