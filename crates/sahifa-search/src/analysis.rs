//! The Arabic analyser: the one place that decides which spellings count as the same word.
//!
//! Documents and queries go through exactly the same steps, so whatever a step does, a word
//! typed two ways ends up as the same term on both sides:
//!
//! 1. **Split** into words on anything that is not a letter, digit or Arabic mark. Harakat and
//!    tatweel stay *inside* the word here (splitting on them would cut «مُحَمَّد» into
//!    pieces), and a change of script (Arabic letters next to Latin letters or digits) is a
//!    boundary, so «ب2026» gives «ب» and «2026».
//! 2. **Normalise** each word ([`normalize`]): lowercase; every decimal digit to ASCII;
//!    tashkeel, superscript alef, Quranic marks, tatweel and zero-width joiners removed; alef
//!    forms (أ إ آ ٱ) to ا; ى and the Persian/Urdu yeh forms to ي; ک to ك; ة and the
//!    Persian/Urdu heh forms to ه; the hamza carriers ؤ ئ to و ي (people write «مسئول»,
//!    «مسؤول» and «مسوول» for one word); presentation forms to their base letters.
//!    Normalising the letters before looking at prefixes matters: «الأمريكية» must lose its
//!    «ال» whether or not it was typed with a hamza.
//! 3. **Stop words** (checked on the normalised word) are dropped, leaving a position gap so
//!    phrase queries still line up.
//! 4. **Stem** ([`stem_forms`]): a light stemmer in the spirit of Larkey's light10 and
//!    Lucene's ArabicStemmer, with two changes for the weaknesses they are known for. The
//!    article prefixes (وال بال كال فال لل ال and وبال وكال فبال) are removed with at least two
//!    letters left; suffixes (ها ان ات ون ين يه ه ي ا) are removed up to twice, always leaving
//!    three letters, so «لبنان», «اللبناني» and «اللبنانية» meet at one stem and the tanween
//!    alef of «كثيراً» goes. A bare one-letter proclitic (و ف ب ك ل, as in «لامريكا» or
//!    «وبيروت») cannot be told from a root letter without a dictionary («لبنان», «وزير»),
//!    so instead of guessing the analyser emits the word both with and without it, at the
//!    same position: «لامريكا» is indexed as «لامريك» and «امريك», and a search for
//!    «أمريكا» (→ «امريك») finds it. Queries expand the same way and match either form.
//!    Words listed as false friends in `data/false_friends.tsv` are exceptions: «طريقة»
//!    keeps its ة (it is not «طريق»), «بطريق» is never split into «ب» + «طريق».
//! 5. **Broken plurals** ([`crate::lexicon`]): a form that is a listed plural stem («مدن»)
//!    brings its singular stem («مدين», from «مدينة») as another form, so singular and
//!    plural meet whichever side has which.
//! 6. **Latin** words are lowercased and stemmed with the Snowball English stemmer.
//! 7. **Skeletons** ([`crate::variants`]): a word that is not a native word of the
//!    lexicon also gets its consonant skeleton as a form marked with `~` («ترامب» and
//!    «ترمب» → «~ترمب», «Google» and «غوغل» → «~ككل»), and two adjacent short words get
//!    the skeleton of both read as one ([`Word::joined`], «فيس بوك» → «~فسبك»). Queries
//!    weigh these forms lower than the others.
//!
//! Every step keeps at least two letters of a word, so a word is only ever lost when it is a
//! stop word (property-tested in `tests/analysis_props.rs`); no variant brings unrelated
//! native words together (`tests/variants_props.rs`).

use std::collections::HashSet;
use std::sync::OnceLock;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use crate::{lexicon, variants};

/// The name the analyser is registered under in the index's tokenizer manager.
pub const TOKENIZER_NAME: &str = "sahifa_ar";

/// Words longer than this (in characters) are not indexed: no real word is this long, and a
/// 10 KB run of letters in a query must not become a 10 KB term.
pub const MAX_WORD_CHARS: usize = 40;

/// Arabic stop words: particles, pronouns and auxiliaries that carry no topic. Written the
/// way people type them; [`is_stop_word`] compares normalised forms, so «إلى» and «الى» are
/// one entry.
const STOP_WORDS: &[&str] = &[
    "من",
    "في",
    "على",
    "إلى",
    "الى",
    "عن",
    "مع",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "هؤلاء",
    "التي",
    "الذي",
    "الذين",
    "اللذين",
    "اللتين",
    "اللواتي",
    "أن",
    "إن",
    "ان",
    "كان",
    "كانت",
    "يكون",
    "تكون",
    "قد",
    "لقد",
    "لا",
    "لم",
    "لن",
    "ما",
    "ماذا",
    "هل",
    "أو",
    "او",
    "أم",
    "ثم",
    "بل",
    "حتى",
    "إذا",
    "اذا",
    "إذ",
    "كل",
    "بعض",
    "غير",
    "بين",
    "عند",
    "منذ",
    "حيث",
    "كما",
    "لكن",
    "ولكن",
    "وقد",
    "وفي",
    "ومن",
    "وعلى",
    "وهو",
    "وهي",
    "هو",
    "هي",
    "هم",
    "هن",
    "هما",
    "نحن",
    "أنت",
    "أنتم",
    "أنا",
    "ايضا",
    "أيضا",
    "أيضاً",
    "فقط",
    "فيه",
    "فيها",
    "منه",
    "منها",
    "عليه",
    "عليها",
    "إليه",
    "إليها",
    "به",
    "بها",
    "له",
    "لها",
    "لهم",
    "إلا",
    "الا",
    "أي",
    "اي",
    "أما",
    "اما",
    "إما",
    "وان",
    "وأن",
    "بأن",
    "بان",
    "لأن",
    "لان",
    "كي",
    "لكي",
    "عندما",
    "بينما",
    "أمام",
    "خلال",
    "نحو",
    "لدى",
    "ضد",
    "ذات",
    "ذو",
    "كذلك",
    "هناك",
    "هنا",
    "وكان",
    "وكانت",
    "التى",
    "الذى",
    "فى",
    "و",
    "ف",
    "ب",
    "ل",
    "ك",
    "يا",
    "قبل",
    "بعد",
    "دون",
    "عبر",
    "تم",
    "وقال",
    "قال",
    "قالت",
    "وأضاف",
    "واضاف",
    "أضاف",
    "اضاف",
    "وأوضح",
    "واوضح",
];

/// English stop words (a short list: Latin words in Arabic news are mostly names).
const LATIN_STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on",
    "or", "that", "the", "to", "was", "with",
];

/// Article prefixes, longest first; the first match is removed when two letters remain.
const ARTICLE_PREFIXES: &[&str] = &[
    "وبال", "وكال", "فبال", "وال", "فال", "بال", "كال", "لل", "ال",
];

/// Suffixes, two-letter ones first so «يه» wins over «ه».
const SUFFIXES: &[&str] = &["ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي", "ا"];

/// One-letter proclitics that may or may not be part of the word (see the module docs).
const CONJUNCTIONS: &[char] = &['و', 'ف'];
const PREPOSITIONS: &[char] = &['ب', 'ك', 'ل'];

fn stop_words() -> &'static HashSet<String> {
    static SET: OnceLock<HashSet<String>> = OnceLock::new();
    SET.get_or_init(|| {
        STOP_WORDS
            .iter()
            .map(|w| normalize(w))
            .chain(LATIN_STOP_WORDS.iter().map(|w| w.to_string()))
            .collect()
    })
}

/// Whether a *normalised* word is a stop word.
pub fn is_stop_word(normalized: &str) -> bool {
    stop_words().contains(normalized)
}

/// True for the marks that live inside a word but are not letters: harakat, tanween,
/// shadda, sukun, the combining madda and hamza (U+0653–U+0655), superscript alef, Quranic
/// annotation marks, tatweel and the zero-width (non-)joiners.
pub fn is_word_mark(c: char) -> bool {
    sahifa_text::arabic::is_tashkeel(c) || matches!(c, '\u{200C}' | '\u{200D}')
}

/// The ASCII digit for any Unicode decimal digit the site sees (ASCII, Arabic-Indic,
/// Persian/Urdu).
fn ascii_digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '\u{0660}'..='\u{0669}' => char::from_digit(c as u32 - 0x0660, 10),
        '\u{06F0}'..='\u{06F9}' => char::from_digit(c as u32 - 0x06F0, 10),
        _ => None,
    }
}

/// Maps one already-decomposed character to its search form, pushing the result.
fn push_folded(c: char, out: &mut String) {
    if is_word_mark(c) {
        return;
    }
    if let Some(d) = ascii_digit(c) {
        out.push(d);
        return;
    }
    let mapped = match c {
        'أ' | 'إ' | 'آ' | 'ٱ' | '\u{0672}' | '\u{0673}' => 'ا',
        'ى' | 'ی' | 'ې' | 'ے' | 'ۍ' | 'ئ' => 'ي',
        'ک' | 'ڪ' => 'ك',
        'ة' | 'ە' | 'ۀ' | 'ہ' | 'ھ' | 'ۃ' => 'ه',
        'ؤ' => 'و',
        _ => c,
    };
    if mapped.is_uppercase() {
        out.extend(mapped.to_lowercase());
    } else {
        out.push(mapped);
    }
}

/// The normalised form of one word (step 2 of the module docs). Idempotent.
pub fn normalize(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    normalize_into(word, &mut out);
    out
}

/// [`normalize`] into a reused buffer (cleared first), for hot loops.
pub fn normalize_into(word: &str, out: &mut String) {
    out.clear();
    for c in word.chars() {
        // Arabic presentation forms (ﻻ, ﺃ, ...) are compatibility characters: take their
        // base letters first, then fold those like any other.
        if matches!(c, '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}') {
            let mut base = String::new();
            unicode_normalization::char::decompose_compatible(c, |b| base.push(b));
            for b in base.chars() {
                push_folded(b, out);
            }
        } else {
            push_folded(c, out);
        }
    }
    // Lowercasing can produce combining marks (e.g. U+0130 gives i + U+0307); one more pass
    // over the result makes the function idempotent without special cases.
    if out.chars().any(is_word_mark) {
        out.retain(|c| !is_word_mark(c));
    }
}

fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Whether a normalised word is written in Arabic letters (as opposed to Latin or digits).
fn is_arabic_word(word: &str) -> bool {
    word.chars().any(sahifa_text::arabic::is_arabic_letter)
}

/// Light stem of a normalised Arabic word: article prefix, then up to two suffixes.
fn light_stem(word: &str) -> String {
    let stem = strip_article(word);
    // Words listed as false friends keep their ة («طريقة» is not «طريق»), also in the
    // sound feminine plural, and words the suffix rules would merge with a false friend
    // keep their ending («زيتون» is not «زيت»).
    if crate::lexicon::keeps_whole(stem) {
        return stem.to_string();
    }
    if let Some(rest) = stem.strip_suffix("ات") {
        let singular = format!("{rest}ه");
        if crate::lexicon::keeps_whole(&singular) {
            return singular;
        }
    }
    strip_suffixes(stem, crate::lexicon::keeps_whole).to_string()
}

/// [`light_stem`] without the lexicon's exceptions (which are computed with it).
pub(crate) fn raw_stem(word: &str) -> String {
    strip_suffixes(strip_article(word), |_| false).to_string()
}

/// Up to two suffixes removed, three letters always left, stopping at a word `keep`
/// protects («زيتونة» stops at «زيتون»).
fn strip_suffixes(mut stem: &str, keep: impl Fn(&str) -> bool) -> &str {
    for _ in 0..2 {
        let before = stem;
        for suffix in SUFFIXES {
            if let Some(rest) = stem.strip_suffix(suffix)
                && char_len(rest) >= 3
            {
                stem = rest;
                break;
            }
        }
        if stem == before || keep(stem) {
            break;
        }
    }
    stem
}

/// The main stem of a normalised Arabic word without lexicon expansions (what the
/// lexicons are keyed on).
pub(crate) fn base_stem(word: &str) -> String {
    light_stem(word)
}

/// The word without its article prefix, when two letters remain.
pub(crate) fn strip_article(word: &str) -> &str {
    for prefix in ARTICLE_PREFIXES {
        if let Some(rest) = word.strip_prefix(prefix)
            && char_len(rest) >= 2
        {
            return rest;
        }
    }
    word
}

/// The skeleton variant of a word base (with its light stem), unless it is a native word
/// or too short.
fn skeleton_form(base: &str, stem: &str) -> Option<String> {
    let letters = char_len(base);
    if letters < variants::MIN_WORD_LETTERS || lexicon::is_native(base) || lexicon::is_native(stem)
    {
        return None;
    }
    variants::variant_term(&variants::arabic_skeleton(base), letters)
}

fn english_stem(word: &str) -> String {
    thread_local! {
        static STEMMER: frostem::Stemmer = frostem::Stemmer::new(frostem::Algorithm::English);
    }
    let stemmed = STEMMER.with(|s| s.stem(word).into_owned());
    if stemmed.is_empty() {
        word.to_string()
    } else {
        stemmed
    }
}

/// The index terms of one *normalised*, non-stop word: the main stem first, then the
/// stems without a bare one-letter proclitic when the word may carry one. Never empty,
/// never contains an empty string, no duplicates.
pub fn stem_forms(word: &str) -> Vec<String> {
    if word.is_empty() {
        return Vec::new();
    }
    if !is_arabic_word(word) {
        if word.chars().all(|c| c.is_ascii_alphabetic()) {
            let mut forms = vec![english_stem(word)];
            // A Latin name meets its Arabic transliterations through the skeleton.
            if char_len(word) >= variants::MIN_WORD_LETTERS
                && !is_stop_word(word)
                && let Some(v) =
                    variants::variant_term(&variants::latin_skeleton(word), char_len(word))
            {
                forms.push(v);
            }
            return forms;
        }
        return vec![word.to_string()];
    }
    let main = light_stem(word);
    // The word without article or proclitic, each with its stem: skeletons are taken of
    // these (not of the stems: suffix rules cut names, «بوتين» would lose «ين»).
    let mut bases: Vec<(&str, String)> = vec![(strip_article(word), main.clone())];
    let mut forms = vec![main];
    // An article prefix already accounts for the start of the word.
    let has_article = ARTICLE_PREFIXES.iter().any(|p| word.starts_with(p));
    let mut chars = word.chars();
    if let Some(first) = chars.next()
        && !has_article
        && !lexicon::never_split(word)
    {
        let rest = chars.as_str();
        let is_conj = CONJUNCTIONS.contains(&first);
        if (is_conj || PREPOSITIONS.contains(&first)) && char_len(rest) >= 3 {
            bases.push((rest, light_stem(rest)));
            // و/ف + ب/ك/ل + word («وبأمريكا», «فلبنان»).
            let mut inner = rest.chars();
            if is_conj
                && let Some(second) = inner.next()
                && PREPOSITIONS.contains(&second)
                && char_len(inner.as_str()) >= 3
            {
                bases.push((inner.as_str(), light_stem(inner.as_str())));
            }
        }
    }
    for (_, stem) in bases.iter().skip(1) {
        if !stem.is_empty() && !forms.contains(stem) {
            forms.push(stem.clone());
        }
    }
    // Broken plurals: a listed plural is also its singular.
    let stems = forms.len();
    for i in 0..stems {
        let Some(stem) = forms.get(i) else { break };
        for singular in lexicon::singulars_of(stem) {
            if !forms.contains(singular) {
                forms.push(singular.clone());
            }
        }
    }
    // A native word gets no skeleton, not even of the word without a first letter that
    // looks like a proclitic («كريكيت» is not «ك» + «ريكيت»).
    let native = bases
        .first()
        .is_some_and(|(b, m)| lexicon::is_native(b) || lexicon::is_native(m));
    for (base, stem) in bases.iter().filter(|_| !native) {
        if let Some(v) = skeleton_form(base, stem)
            && !forms.contains(&v)
        {
            forms.push(v);
        }
    }
    forms
}

/// The skeleton variant of two adjacent short words read as one («فيس بوك» is
/// «فيسبوك»), when both are Arabic, article-free, not native and short enough to be the
/// halves of one name. Both arguments are normalised words.
pub fn joined_variant(first: &str, second: &str) -> Option<String> {
    let short = |w: &str| {
        (2..=4).contains(&char_len(w))
            && is_arabic_word(w)
            && !is_stop_word(w)
            && strip_article(w) == w
            && !lexicon::is_native(w)
    };
    if !short(first) || !short(second) {
        return None;
    }
    let skeleton = variants::arabic_skeleton(&format!("{first}{second}"));
    (char_len(&skeleton) > variants::MIN_SKELETON)
        .then(|| variants::variant_term(&skeleton, char_len(first) + char_len(second)))
        .flatten()
}

/// One analysed word of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// Word position (stop words leave gaps).
    pub position: usize,
    /// Byte range in the original text, for highlighting.
    pub offset_from: usize,
    /// End of the byte range.
    pub offset_to: usize,
    /// Index terms; the first is the main stem.
    pub forms: Vec<String>,
    /// The skeleton of this word and the next read as one ([`joined_variant`]).
    pub joined: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Arabic,
    Other,
}

fn class_of(c: char) -> Option<Class> {
    if sahifa_text::arabic::is_arabic_letter(c) || is_word_mark(c) {
        Some(Class::Arabic)
    } else if c.is_alphanumeric() {
        Some(Class::Other)
    } else {
        None
    }
}

/// Raw word spans of `text` (step 1): `(from, to)` byte ranges.
fn spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start: Option<(usize, Class)> = None;
    for (i, c) in text.char_indices() {
        let class = class_of(c);
        match (start, class) {
            (Some((s, current)), Some(k)) if k != current => {
                out.push((s, i));
                start = Some((i, k));
            }
            (Some(_), Some(_)) => {}
            (Some((s, _)), None) => {
                out.push((s, i));
                start = None;
            }
            (None, Some(k)) => start = Some((i, k)),
            (None, None) => {}
        }
    }
    if let Some((s, _)) = start {
        out.push((s, text.len()));
    }
    out
}

/// Byte spans of the words of `text` with a form in `terms`: what [`analyze`] would mark,
/// computed without stemming words that cannot match. Every Arabic stem is a part of the
/// normalised word (and `terms` from [`crate::query::parse`] carries the plural stems of
/// singulars), so a word none of whose substrings is a term is skipped after
/// normalisation alone, as is one whose skeleton contains no skeleton term; Latin stems
/// are not always substrings and are always computed.
pub fn matching_spans(
    text: &str,
    terms: &std::collections::HashSet<String>,
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if terms.is_empty() {
        return out;
    }
    let mut buf = String::new();
    // Skeletons of a stem are substrings of the skeleton of the whole word (the skeleton
    // is computed letter by letter), which keeps the quick test below exact.
    let skeletons: Vec<&str> = terms
        .iter()
        .filter_map(|t| t.strip_prefix(variants::VARIANT_MARK))
        .collect();
    for (from, to) in spans(text) {
        normalize_into(&text[from..to], &mut buf);
        if buf.is_empty() || char_len(&buf) > MAX_WORD_CHARS || is_stop_word(&buf) {
            continue;
        }
        let latin = buf.chars().all(|c| c.is_ascii_alphabetic());
        if !latin
            && !terms.iter().any(|t| buf.contains(t.as_str()))
            && (skeletons.is_empty() || {
                let whole = variants::arabic_skeleton(&buf);
                !skeletons.iter().any(|s| whole.contains(s))
            })
        {
            continue;
        }
        if stem_forms(&buf).iter().any(|f| terms.contains(f)) {
            out.push((from, to));
        }
    }
    out
}

/// The normalised words of `text`, stop words included, nothing stemmed (for prefix
/// suggestions, where the reader has not finished the word).
pub fn normalized_words(text: &str) -> Vec<String> {
    spans(text)
        .into_iter()
        .map(|(from, to)| normalize(&text[from..to]))
        .filter(|w| !w.is_empty() && char_len(w) <= MAX_WORD_CHARS)
        .collect()
}

/// The words of `text` as written, each with its normalised form.
pub fn surface_words(text: &str) -> Vec<(&str, String)> {
    spans(text)
        .into_iter()
        .filter_map(|(from, to)| {
            let raw = text.get(from..to)?;
            let n = normalize(raw);
            (!n.is_empty() && char_len(&n) <= MAX_WORD_CHARS).then_some((raw, n))
        })
        .collect()
}

/// Analyses a whole text: every non-stop word with its position, offsets and terms.
pub fn analyze(text: &str) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::new();
    let mut previous: Option<(usize, String)> = None;
    for (position, (from, to)) in spans(text).into_iter().enumerate() {
        let raw = &text[from..to];
        let normalized = normalize(raw);
        if normalized.is_empty()
            || char_len(&normalized) > MAX_WORD_CHARS
            || is_stop_word(&normalized)
        {
            continue;
        }
        let forms = stem_forms(&normalized);
        if forms.is_empty() {
            continue;
        }
        if let Some((p, prev)) = &previous
            && p + 1 == position
            && let Some(last) = words.last_mut()
        {
            last.joined = joined_variant(prev, &normalized);
        }
        words.push(Word {
            position,
            offset_from: from,
            offset_to: to,
            forms,
            joined: None,
        });
        previous = Some((position, normalized));
    }
    words
}

/// The analyser as a tantivy tokenizer: one token per term, alternative forms of a word
/// at the word's position.
#[derive(Clone, Default)]
pub struct ArabicTokenizer;

/// The token stream of [`ArabicTokenizer`]: the text is analysed up front (a document
/// field or a query is small next to the cost of indexing it).
pub struct ArabicTokenStream {
    queue: std::vec::IntoIter<Token>,
    current: Token,
}

impl Tokenizer for ArabicTokenizer {
    type TokenStream<'a> = ArabicTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ArabicTokenStream {
        let mut tokens = Vec::new();
        for word in analyze(text) {
            for form in word.forms.into_iter().chain(word.joined) {
                tokens.push(Token {
                    offset_from: word.offset_from,
                    offset_to: word.offset_to,
                    position: word.position,
                    text: form,
                    position_length: 1,
                });
            }
        }
        ArabicTokenStream {
            queue: tokens.into_iter(),
            current: Token::default(),
        }
    }
}

impl TokenStream for ArabicTokenStream {
    fn advance(&mut self) -> bool {
        match self.queue.next() {
            Some(token) => {
                self.current = token;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn main_stems(text: &str) -> Vec<String> {
        analyze(text)
            .into_iter()
            .map(|w| w.forms[0].clone())
            .collect()
    }

    fn all_forms(text: &str) -> Vec<Vec<String>> {
        analyze(text).into_iter().map(|w| w.forms).collect()
    }

    #[test]
    fn normalises_letters_marks_and_digits() {
        assert_eq!(normalize("أَكَّدَ"), "اكد");
        assert_eq!(normalize("إيران"), "ايران");
        assert_eq!(normalize("آمال"), "امال");
        assert_eq!(normalize("ٱلقدس"), "القدس");
        assert_eq!(normalize("مستشفى"), "مستشفي");
        assert_eq!(normalize("مدرسة"), "مدرسه");
        assert_eq!(normalize("كـــبير"), "كبير");
        assert_eq!(normalize("مسؤول"), "مسوول");
        assert_eq!(normalize("مسئول"), "مسيول");
        assert_eq!(normalize("١٢٣"), "123");
        assert_eq!(normalize("۴۵۶"), "456");
        assert_eq!(normalize("کتاب"), "كتاب");
        assert_eq!(normalize("ﻻ"), "لا");
        assert_eq!(normalize("Oil"), "oil");
        // Decomposed alef + combining hamza above gives the same as the composed letter.
        assert_eq!(normalize("\u{0627}\u{0654}كد"), normalize("أكد"));
    }

    #[test]
    fn model_article_variants_meet() {
        let a = main_stems("أمريكا");
        assert_eq!(a, vec!["امريك"]);
        assert_eq!(main_stems("امريكا"), a);
        assert_eq!(main_stems("الامريكية"), a);
        assert_eq!(main_stems("الأمريكية"), a);
        assert!(all_forms("لامريكا")[0].contains(&a[0]));
        assert_eq!(main_stems("اكد"), main_stems("أكد"));
        assert_eq!(main_stems("الاقليمي"), main_stems("الإقليمية"));
    }

    #[test]
    fn stems_common_inflections() {
        assert_eq!(main_stems("لبنان"), main_stems("اللبنانية"));
        assert_eq!(main_stems("اللبناني"), main_stems("لبنان"));
        assert_eq!(main_stems("الانتخابات"), main_stems("انتخابية"));
        assert_eq!(main_stems("والحكومة"), main_stems("حكومة"));
        assert_eq!(main_stems("بالحكومة"), main_stems("الحكومة"));
        assert_eq!(main_stems("للحكومة"), main_stems("الحكومة"));
        assert_eq!(main_stems("كثيراً"), main_stems("كثير"));
        assert!(all_forms("وبيروت")[0].contains(&main_stems("بيروت")[0]));
        assert!(all_forms("وبالتالي")[0].contains(&main_stems("تالي")[0]));
    }

    #[test]
    fn stop_words_leave_gaps() {
        let words = analyze("وزير في الحكومة");
        assert_eq!(words.len(), 2);
        assert_eq!(words[0].position, 0);
        assert_eq!(words[1].position, 2);
        assert!(analyze("إلى").is_empty());
        assert!(analyze("الى").is_empty());
    }

    #[test]
    fn latin_is_lowercased_and_stemmed() {
        assert_eq!(main_stems("Elections ELECTED"), vec!["elect", "elect"]);
        assert_eq!(main_stems("COVID-19"), vec!["covid", "19"]);
    }

    #[test]
    fn script_changes_split_words() {
        assert_eq!(main_stems("ب2026"), vec!["2026"]);
        assert_eq!(main_stems("عام٢٠٢٦م"), vec!["عام", "2026", "م"]);
    }

    #[test]
    fn offsets_point_at_the_original_text() {
        let text = "قالَ الرئيسُ الأمريكيُّ";
        let words = analyze(text);
        let last = words.last().expect("a word");
        assert_eq!(&text[last.offset_from..last.offset_to], "الأمريكيُّ");
    }

    #[test]
    fn huge_words_are_skipped() {
        let long = "ب".repeat(10_000);
        assert!(analyze(&long).is_empty());
    }
}
