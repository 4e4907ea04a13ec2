//! Spelling variants of names and loanwords: consonant skeletons shared by Arabic and
//! Latin script.
//!
//! Arabic news writes one foreign name many ways («ترامب»/«ترمب», «غوغل»/«جوجل»/«قوقل»,
//! «بوتين»/«بوتن»), and a reader may type it in Latin letters («Google», «Netflix»). What
//! the spellings keep is the consonants, up to a few letters that stand for one foreign
//! sound. The skeleton drops long vowels, hamza seats and Latin vowels, and folds these
//! classes into one letter each:
//!
//! | class | Arabic | Latin |
//! |---|---|---|
//! | ب | ب پ | b p |
//! | ت | ت ط | t |
//! | س | س ص ث | s, c before e/i/y, th |
//! | ك | ك ق غ ج گ چ | k q g j, hard c, ck, gh |
//! | ه | ه ح | h |
//! | د | د ض | d |
//! | ز | ز ذ ظ | z, dh |
//! | ف | ف ڤ | f v ph |
//! | ش | ش, تش | sh ch |
//!
//! Doubled consonants count once, but only when adjacent («google» keeps both g). The
//! analyser emits the skeleton, marked with [`VARIANT_MARK`], as an extra term of each
//! word that is not a native word of the lexicon and whose skeleton has at least
//! [`MIN_SKELETON`] consonants; queries search it at a lower weight, so the exact
//! spelling ranks first. Native words never get one: «كاتب», «كتاب» and «كتيب» share a
//! skeleton and are different words.

/// First character of every skeleton term; never part of a word, so skeletons cannot
/// meet ordinary terms.
pub const VARIANT_MARK: char = '~';

/// Shortest skeleton (in consonants) that is indexed: two consonants match far too much.
pub const MIN_SKELETON: usize = 3;

/// Shortest word (in letters) that gets a skeleton.
pub const MIN_WORD_LETTERS: usize = 4;

/// The class of an Arabic letter: `Some(None)` for a vowel or seat, `None` for anything
/// that is not an Arabic letter.
fn arabic_class(c: char) -> Option<Option<char>> {
    Some(match c {
        'ا' | 'و' | 'ي' | 'ى' | 'ء' | 'أ' | 'إ' | 'آ' | 'ؤ' | 'ئ' | 'ٱ' => None,
        'ب' | 'پ' => Some('ب'),
        'ت' | 'ط' => Some('ت'),
        'س' | 'ص' | 'ث' => Some('س'),
        'ك' | 'ق' | 'غ' | 'ج' | 'گ' | 'چ' | 'ک' => Some('ك'),
        'ه' | 'ح' | 'ة' => Some('ه'),
        'د' | 'ض' => Some('د'),
        'ز' | 'ذ' | 'ظ' => Some('ز'),
        'ف' | 'ڤ' => Some('ف'),
        'ش' | 'خ' | 'ر' | 'ع' | 'ل' | 'م' | 'ن' => Some(c),
        _ => return None,
    })
}

/// Pushes one consonant class, collapsing a doubled consonant and «تش».
fn push_class(out: &mut String, last: &mut Option<char>, class: char) {
    if *last == Some(class) {
        return;
    }
    if class == 'ش' && *last == Some('ت') {
        out.pop();
    }
    out.push(class);
    *last = Some(class);
}

/// Skeleton of a normalised Arabic word (any non-letter is ignored).
pub fn arabic_skeleton(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut last = None;
    for c in word.chars() {
        match arabic_class(c) {
            Some(Some(class)) => push_class(&mut out, &mut last, class),
            Some(None) => last = None,
            None => {}
        }
    }
    out
}

/// Skeleton of a lowercase Latin word, in the Arabic classes.
pub fn latin_skeleton(word: &str) -> String {
    let chars: Vec<char> = word.chars().filter(|c| c.is_ascii_alphabetic()).collect();
    let mut out = String::with_capacity(chars.len() * 2);
    let mut last = None;
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        let (class, step): (Option<char>, usize) = match (c, next) {
            ('s', Some('h')) | ('c', Some('h')) => (Some('ش'), 2),
            ('t', Some('h')) => (Some('س'), 2),
            ('p', Some('h')) => (Some('ف'), 2),
            ('k', Some('h')) => (Some('خ'), 2),
            ('g', Some('h')) | ('c', Some('k')) => (Some('ك'), 2),
            ('d', Some('h')) => (Some('ز'), 2),
            ('w', Some('h')) => (None, 2),
            ('q', Some('u')) => (Some('ك'), 2),
            ('c', Some('e' | 'i' | 'y')) => (Some('س'), 1),
            ('x', _) => {
                push_class(&mut out, &mut last, 'ك');
                (Some('س'), 1)
            }
            ('a' | 'e' | 'i' | 'o' | 'u' | 'y' | 'w', _) => (None, 1),
            ('b' | 'p', _) => (Some('ب'), 1),
            ('t', _) => (Some('ت'), 1),
            ('s', _) => (Some('س'), 1),
            ('c' | 'k' | 'q' | 'g' | 'j', _) => (Some('ك'), 1),
            ('h', _) => (Some('ه'), 1),
            ('d', _) => (Some('د'), 1),
            ('z', _) => (Some('ز'), 1),
            ('f' | 'v', _) => (Some('ف'), 1),
            ('r', _) => (Some('ر'), 1),
            ('l', _) => (Some('ل'), 1),
            ('m', _) => (Some('م'), 1),
            ('n', _) => (Some('ن'), 1),
            _ => (None, 1),
        };
        match class {
            Some(k) => push_class(&mut out, &mut last, k),
            None => last = None,
        }
        i += step;
    }
    out
}

/// Words of at least this many letters may have a skeleton of two consonants: a name
/// like «طوكيو» is mostly vowels, and that many letters around two consonants is rare in
/// native words.
pub const LONG_WORD_LETTERS: usize = 5;

/// The variant term for the skeleton of a word of `letters` letters, when it is long
/// enough to be worth one.
pub fn variant_term(skeleton: &str, letters: usize) -> Option<String> {
    let consonants = skeleton.chars().count();
    let enough = consonants >= MIN_SKELETON || (consonants == 2 && letters >= LONG_WORD_LETTERS);
    enough.then(|| format!("{VARIANT_MARK}{skeleton}"))
}

/// Whether a term is a skeleton variant.
pub fn is_variant(term: &str) -> bool {
    term.starts_with(VARIANT_MARK)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::normalize;

    fn ar(w: &str) -> String {
        arabic_skeleton(&normalize(w))
    }

    #[test]
    fn transliterations_meet() {
        assert_eq!(ar("ترامب"), ar("ترمب"));
        assert_eq!(ar("غوغل"), ar("جوجل"));
        assert_eq!(ar("قوقل"), ar("جوجل"));
        assert_eq!(ar("بوتين"), ar("بوتن"));
        assert_eq!(ar("نتنياهو"), ar("نتانياهو"));
        assert_eq!(ar("بايدن"), ar("بيدن"));
        assert_eq!(ar("تشيلسي"), ar("شيلسي"));
    }

    #[test]
    fn latin_meets_arabic() {
        for (latin, arabic) in [
            ("google", "غوغل"),
            ("netflix", "نتفليكس"),
            ("corona", "كورونا"),
            ("trump", "ترامب"),
            ("putin", "بوتين"),
            ("biden", "بايدن"),
            ("netanyahu", "نتنياهو"),
            ("facebook", "فيسبوك"),
            ("microsoft", "مايكروسوفت"),
            ("macron", "ماكرون"),
            ("zelensky", "زيلينسكي"),
            ("instagram", "إنستغرام"),
            ("samsung", "سامسونغ"),
            ("chelsea", "تشيلسي"),
        ] {
            assert_eq!(latin_skeleton(latin), ar(arabic), "{latin} / {arabic}");
        }
    }

    #[test]
    fn only_adjacent_doubles_collapse() {
        assert_eq!(ar("غوغل").chars().count(), 3);
        assert_ne!(ar("بطريرك"), ar("بطريق"));
    }
}
