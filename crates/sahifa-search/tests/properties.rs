//! Random bytes into the public entry points of the search analyser that take a reader's
//! words: the query parser, the word splitters, the joined-word variants, highlighting and
//! excerpts. None may panic; a query is bounded in what it asks of the index.

use std::collections::HashSet;

use proptest::prelude::*;
use sahifa_search::analysis;
use sahifa_search::query::{self, Group};
use sahifa_search::snippet;

/// Text as a form decoder hands it over: arbitrary bytes, invalid UTF-8 replaced.
fn bytes_as_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<u8>(), 0..400)
        .prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Queries with the syntax a reader can type: quotes of every kind, Arabic, Latin,
/// digits, marks and long runs.
fn typed_query() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\"".to_string()),
        Just("«".to_string()),
        Just("»".to_string()),
        Just("“".to_string()),
        Just(" ".to_string()),
        "[ا-ي]{1,12}",
        "[a-zA-Z]{1,12}",
        "[0-9٠-٩]{1,6}",
        "[\u{064B}-\u{0652}\u{0640}]{1,4}",
        any::<String>(),
    ];
    proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn queries_parse_without_panic_and_stay_bounded(q in prop_oneof![bytes_as_text(), typed_query()]) {
        let parsed = query::parse(&q);
        for group in &parsed.groups {
            match group {
                Group::Word(forms) => prop_assert!(!forms.is_empty()),
                Group::Phrase(words) => prop_assert!(words.len() >= 2),
                _ => {}
            }
        }
        // The parser cuts what it reads, so a long query asks no more than a short one.
        let long = q.repeat(50);
        let parsed_long = query::parse(&long);
        prop_assert!(parsed_long.groups.len() <= query::MAX_QUERY_CHARS);
    }

    #[test]
    fn splitters_and_variants_never_panic(s in bytes_as_text(), t in typed_query()) {
        for text in [&s, &t] {
            for w in analysis::normalized_words(text) {
                prop_assert!(!w.is_empty());
                let _ = analysis::stem_forms(&w);
            }
            for (raw, normalized) in analysis::surface_words(text) {
                prop_assert!(text.contains(raw));
                prop_assert!(!normalized.is_empty());
            }
            let words: Vec<String> = analysis::normalized_words(text);
            for pair in words.windows(2) {
                if let [first, second] = pair {
                    let _ = analysis::joined_variant(first, second);
                }
            }
        }
    }

    #[test]
    fn highlighting_escapes_and_keeps_the_text(text in bytes_as_text(), q in typed_query()) {
        let terms: HashSet<String> = query::parse(&q).highlight;
        let html = snippet::highlight_all(&text, &terms);
        prop_assert!(!html.contains("<script"), "{html}");
        let without_marks = html.replace("<mark>", "").replace("</mark>", "");
        prop_assert!(!without_marks.contains('<'), "only <mark> tags: {html}");
        for max in [0usize, 1, 40, 400] {
            let _ = snippet::excerpt(&text, &terms, max);
            let spans = analysis::matching_spans(&text, &terms);
            for &(from, to) in &spans {
                prop_assert!(from < to && to <= text.len());
            }
            let _ = snippet::excerpt_marked(&text, &spans, max);
        }
    }
}
