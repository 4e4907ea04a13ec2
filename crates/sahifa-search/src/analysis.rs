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
//! 5. **Latin** words are lowercased and stemmed with the Snowball English stemmer.
//!
//! Every step keeps at least two letters of a word, so a word is only ever lost when it is a
//! stop word (property-tested in `tests/analysis_props.rs`).

use std::collections::HashSet;
use std::sync::OnceLock;

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

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
    let mut stem = word;
    for prefix in ARTICLE_PREFIXES {
        if let Some(rest) = stem.strip_prefix(prefix)
            && char_len(rest) >= 2
        {
            stem = rest;
            break;
        }
    }
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
        if stem == before {
            break;
        }
    }
    stem.to_string()
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
            return vec![english_stem(word)];
        }
        return vec![word.to_string()];
    }
    let main = light_stem(word);
    let mut forms = vec![main];
    let mut push = |w: &str| {
        let s = light_stem(w);
        if !s.is_empty() && !forms.contains(&s) {
            forms.push(s);
        }
    };
    // An article prefix already accounts for the start of the word.
    let has_article = ARTICLE_PREFIXES.iter().any(|p| word.starts_with(p));
    let mut chars = word.chars();
    if let Some(first) = chars.next()
        && !has_article
    {
        let rest = chars.as_str();
        let is_conj = CONJUNCTIONS.contains(&first);
        if (is_conj || PREPOSITIONS.contains(&first)) && char_len(rest) >= 3 {
            push(rest);
            // و/ف + ب/ك/ل + word («وبأمريكا», «فلبنان»).
            let mut inner = rest.chars();
            if is_conj
                && let Some(second) = inner.next()
                && PREPOSITIONS.contains(&second)
                && char_len(inner.as_str()) >= 3
            {
                push(inner.as_str());
            }
        }
    }
    forms
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
/// computed without stemming words that cannot match. Every Arabic form is a part of the
/// normalised word, so a word none of whose substrings is a term is skipped after
/// normalisation alone; Latin stems are not always substrings and are always computed.
pub fn matching_spans(
    text: &str,
    terms: &std::collections::HashSet<String>,
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if terms.is_empty() {
        return out;
    }
    let mut buf = String::new();
    for (from, to) in spans(text) {
        normalize_into(&text[from..to], &mut buf);
        if buf.is_empty() || char_len(&buf) > MAX_WORD_CHARS || is_stop_word(&buf) {
            continue;
        }
        let latin = buf.chars().all(|c| c.is_ascii_alphabetic());
        if !latin && !terms.iter().any(|t| buf.contains(t.as_str())) {
            continue;
        }
        if stem_forms(&buf).iter().any(|f| terms.contains(f)) {
            out.push((from, to));
        }
    }
    out
}

/// Analyses a whole text: every non-stop word with its position, offsets and terms.
pub fn analyze(text: &str) -> Vec<Word> {
    let mut words = Vec::new();
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
        words.push(Word {
            position,
            offset_from: from,
            offset_to: to,
            forms,
        });
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
            for form in word.forms {
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
