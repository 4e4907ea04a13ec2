//! The analyser's word lists, shipped as data files in `data/` (all written for Sahifa):
//!
//! - `broken_plurals.tsv`: singular/plural pairs of news vocabulary. A light stemmer can
//!   never bring «مدن» to «مدينة», so a word whose stem is a listed plural is also indexed
//!   (and searched) under the singular's stem.
//! - `native_words.txt`: native Arabic words that get no consonant-skeleton variant
//!   (see [`crate::variants`]); every word of the other two lists counts as native too.
//! - `false_friends.tsv`: unrelated words one rule could merge. Two rules are read from it:
//!   a word that is another plus ة keeps its ة when stemmed («طريقة» is not «طريق»), two
//!   words the suffix rules would merge keep their endings («زيتون» is not «زيت»), and a
//!   word that is another plus a one-letter proclitic is never split («بطريق» is a penguin,
//!   not «ب» + «طريق»).
//!
//! Everything is keyed on normalised words or stems, the forms the analyser compares.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use crate::analysis::{base_stem, normalize, raw_stem};

const BROKEN_PLURALS: &str = include_str!("../data/broken_plurals.tsv");
const NATIVE_WORDS: &str = include_str!("../data/native_words.txt");
const FALSE_FRIENDS: &str = include_str!("../data/false_friends.tsv");

/// FNV-1a: the analyser looks words up in these tables several times per word while
/// indexing, and the keys are short, trusted strings, so a fast non-keyed hash is right.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type FastSet = HashSet<String, BuildHasherDefault<Fnv>>;
type FastMap<V> = HashMap<String, V, BuildHasherDefault<Fnv>>;

fn lines(data: &str) -> impl Iterator<Item = &str> {
    data.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// The false-friend pairs, normalised.
fn false_friend_pairs() -> impl Iterator<Item = (String, String)> {
    lines(FALSE_FRIENDS).filter_map(|l| {
        let (a, b) = l.split_once('\t')?;
        Some((normalize(a.trim()), normalize(b.trim())))
    })
}

/// The false-friend pairs as written, for tests and documentation.
pub fn false_friends() -> Vec<(String, String)> {
    lines(FALSE_FRIENDS)
        .filter_map(|l| {
            let (a, b) = l.split_once('\t')?;
            Some((a.trim().to_string(), b.trim().to_string()))
        })
        .collect()
}

struct Rules {
    /// Article-free words the suffix rules leave whole.
    keep_whole: FastSet,
    no_split: FastSet,
}

fn rules() -> &'static Rules {
    static RULES: OnceLock<Rules> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut keep_whole = FastSet::default();
        let mut no_split = FastSet::default();
        for (a, b) in false_friend_pairs() {
            if raw_stem(&a) == raw_stem(&b) {
                keep_whole.insert(a.clone());
                keep_whole.insert(b.clone());
            }
            for (x, y) in [(&a, &b), (&b, &a)] {
                if y.strip_suffix('ه') == Some(x.as_str()) {
                    keep_whole.insert(y.clone());
                }
                let mut chars = x.chars();
                if matches!(chars.next(), Some('و' | 'ف' | 'ب' | 'ك' | 'ل')) && chars.as_str() == y
                {
                    no_split.insert(x.clone());
                }
            }
        }
        Rules {
            keep_whole,
            no_split,
        }
    })
}

/// Whether a normalised, article-free word is left whole by the suffix rules: a word
/// that is a false friend plus ة keeps its ة, and two false friends the suffix rules
/// would merge both keep their endings.
pub fn keeps_whole(word: &str) -> bool {
    rules().keep_whole.contains(word)
}

/// Whether a normalised word starting with a proclitic letter is a word of its own.
pub fn never_split(word: &str) -> bool {
    rules().no_split.contains(word)
}

struct Plurals {
    /// Plural stem → singular stems.
    singulars: FastMap<Vec<String>>,
    /// Singular stem → plural stems (for highlighting).
    plurals: FastMap<Vec<String>>,
    pairs: usize,
}

fn plurals() -> &'static Plurals {
    static PLURALS: OnceLock<Plurals> = OnceLock::new();
    PLURALS.get_or_init(|| {
        let mut p = Plurals {
            singulars: FastMap::default(),
            plurals: FastMap::default(),
            pairs: 0,
        };
        for line in lines(BROKEN_PLURALS) {
            let Some((sg, pl)) = line.split_once('\t') else {
                continue;
            };
            let (sg, pl) = (sg.trim(), pl.trim());
            if sg.contains(' ') || pl.contains(' ') {
                continue;
            }
            let (s, q) = (base_stem(&normalize(sg)), base_stem(&normalize(pl)));
            // Sound plurals in the list meet their singular through the stemmer already.
            if s == q || s.is_empty() || q.is_empty() {
                continue;
            }
            let list = p.singulars.entry(q.clone()).or_default();
            if !list.contains(&s) {
                list.push(s.clone());
                p.pairs += 1;
            }
            let list = p.plurals.entry(s).or_default();
            if !list.contains(&q) {
                list.push(q);
            }
        }
        p
    })
}

/// Singular stems of a plural stem (empty for anything else).
pub fn singulars_of(stem: &str) -> &'static [String] {
    plurals().singulars.get(stem).map_or(&[], Vec::as_slice)
}

/// Plural stems of a singular stem (empty for anything else).
pub fn plurals_of(stem: &str) -> &'static [String] {
    plurals().plurals.get(stem).map_or(&[], Vec::as_slice)
}

/// Distinct singular/plural stem pairs the broken-plural lexicon contributes.
pub fn broken_plural_pairs() -> usize {
    plurals().pairs
}

fn native() -> &'static FastSet {
    static NATIVE: OnceLock<FastSet> = OnceLock::new();
    NATIVE.get_or_init(|| {
        let mut set = FastSet::default();
        let mut add = |w: &str| {
            let n = normalize(w);
            if n.is_empty() {
                return;
            }
            set.insert(base_stem(&n));
            set.insert(n);
        };
        for line in lines(NATIVE_WORDS) {
            line.split_whitespace().for_each(&mut add);
        }
        for line in lines(BROKEN_PLURALS).chain(lines(FALSE_FRIENDS)) {
            line.split('\t').map(str::trim).for_each(&mut add);
        }
        set
    })
}

/// Every word of the lexicon files as written (native words, both sides of the broken
/// plurals, false friends), for tests.
pub fn lexicon_words() -> Vec<String> {
    let mut out: Vec<String> = lines(NATIVE_WORDS)
        .flat_map(str::split_whitespace)
        .chain(
            lines(BROKEN_PLURALS)
                .chain(lines(FALSE_FRIENDS))
                .flat_map(|l| l.split('\t')),
        )
        .map(|w| w.trim().to_string())
        .filter(|w| !w.is_empty() && !w.contains(' '))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Native words in the lexicon (normalised words and stems).
pub fn native_word_count() -> usize {
    native().len()
}

/// Whether a normalised word or stem is a known native word.
pub fn is_native(word: &str) -> bool {
    native().contains(word)
}
