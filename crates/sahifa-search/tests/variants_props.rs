//! Variant matching must not cost precision: no expansion (skeleton, broken plural,
//! joined words) may bring together unrelated native words. Checked on the false friends
//! of `data/false_friends.tsv`, with and without the article, and on random pairs of
//! lexicon words; and the variants the issue names must meet.

use std::collections::HashSet;

use proptest::prelude::*;
use sahifa_search::analysis::analyze;
use sahifa_search::lexicon;
use sahifa_search::query::{Group, parse};
use sahifa_search::variants::is_variant;

/// Every term a query for `q` searches for.
fn query_terms(q: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    for g in parse(q).groups {
        match g {
            Group::Word(forms) => out.extend(forms),
            Group::Phrase(words) => out.extend(words.into_iter().flat_map(|(_, f)| f)),
            Group::Pair {
                first,
                second,
                joined,
            } => {
                out.extend(first);
                out.extend(second);
                out.insert(joined);
            }
        }
    }
    out
}

/// Every term a document holding `text` is indexed under.
fn doc_terms(text: &str) -> HashSet<String> {
    analyze(text)
        .into_iter()
        .flat_map(|w| w.forms.into_iter().chain(w.joined))
        .collect()
}

fn meets(q: &str, doc: &str) -> bool {
    !query_terms(q).is_disjoint(&doc_terms(doc))
}

#[test]
fn false_friends_never_meet() {
    let pairs = lexicon::false_friends();
    assert!(pairs.len() >= 50, "{} false friends", pairs.len());
    let mut found = Vec::new();
    for (a, b) in &pairs {
        for prefix in ["", "ال", "وال", "بال"] {
            let (qa, qb) = (format!("{prefix}{a}"), format!("{prefix}{b}"));
            for (q, doc) in [(&qa, b), (&qb, a), (a, &qb), (b, &qa)] {
                if meets(q, doc) {
                    found.push(format!("«{q}» finds «{doc}»"));
                }
            }
        }
    }
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn named_variants_meet() {
    for (q, doc) in [
        ("ترمب", "ترامب"),
        ("جوجل", "غوغل"),
        ("قوقل", "غوغل"),
        ("بوتن", "بوتين"),
        ("نتانياهو", "نتنياهو"),
        ("بيدن", "بايدن"),
        ("فيس بوك", "فيسبوك"),
        ("فيسبوك", "فيس بوك"),
        ("Google", "غوغل"),
        ("Netflix", "نتفليكس"),
        ("Corona", "كورونا"),
        ("كورونا", "Corona"),
        ("مدينة", "المدن"),
        ("مدن", "مدينة"),
        ("سوق", "الأسواق"),
        ("دولة", "الدول"),
        ("وزير", "الوزراء"),
        ("قائد", "القادة"),
        ("الأقمار الصناعية", "القمر الصناعي"),
    ] {
        assert!(meets(q, doc), "«{q}» does not find «{doc}»");
    }
}

#[test]
fn the_plural_lexicon_is_large() {
    println!(
        "broken plural pairs: {}, native words and stems: {}, false friends: {}",
        lexicon::broken_plural_pairs(),
        lexicon::native_word_count(),
        lexicon::false_friends().len()
    );
    assert!(
        lexicon::broken_plural_pairs() >= 1000,
        "{} pairs",
        lexicon::broken_plural_pairs()
    );
}

fn lexicon_word() -> impl Strategy<Value = String> {
    let words = lexicon::lexicon_words();
    (0..words.len()).prop_map(move |i| words.get(i).cloned().unwrap_or_default())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Native words get no skeleton, so no skeleton term of a query for one native word
    /// can match another native word.
    #[test]
    fn no_skeleton_between_native_words(a in lexicon_word(), b in lexicon_word()) {
        let variants: HashSet<String> =
            query_terms(&a).into_iter().filter(|t| is_variant(t)).collect();
        let doc = doc_terms(&b);
        prop_assert!(variants.is_disjoint(&doc), "«{}» finds «{}» by skeleton", a, b);
    }

    /// Adding an article never creates a skeleton match between native words either.
    #[test]
    fn no_skeleton_between_native_words_with_article(a in lexicon_word(), b in lexicon_word()) {
        let q = format!("ال{a}");
        let variants: HashSet<String> =
            query_terms(&q).into_iter().filter(|t| is_variant(t)).collect();
        let doc = doc_terms(&format!("وال{}", b));
        prop_assert!(variants.is_disjoint(&doc), "«{}» finds «{}» by skeleton", q, b);
    }
}
