//! Recognising the conventional parts of an Arabic wire story.
//!
//! Agency copy opens with a dateline ("بيروت (رويترز): ...") and attributes
//! its facts to a news agency somewhere in the first paragraphs ("وحسب ما
//! أفادت وكالة إرنا ..."). Pulling these out lets the publishing desk show
//! the dateline and credit in their own styled slots instead of in the
//! running text, and lets editors see at a glance where a story came from.

use crate::arabic::fold_for_matching;

/// Longest dateline accepted, in characters.
pub const MAX_DATELINE_CHARS: usize = 60;
/// Longest dateline accepted, in words.
pub const MAX_DATELINE_WORDS: usize = 6;

/// Colons that end a dateline: ASCII (also what Arabic keyboards type),
/// fullwidth and small presentation forms.
fn is_colon(c: char) -> bool {
    matches!(c, ':' | '\u{FF1A}' | '\u{FE55}')
}

/// Sentence-ending punctuation that cannot occur inside a dateline.
/// Commas are allowed ("واشنطن، 12 أبريل (أ ف ب):") and anything inside
/// parentheses is allowed ("(أ.ف.ب)").
fn is_sentence_punct(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | '؟' | ';' | '؛' | '۔' | '…' | '\n' | '\r' | '"' | '«' | '»'
    )
}

/// Verbs of saying, folded (see [`fold_for_matching`]). A colon after one of
/// them introduces a quotation ("وقال روحاني: ..."), not a dateline.
const SPEECH_VERBS: &[&str] = &[
    "قال",
    "قالت",
    "يقول",
    "تقول",
    "اضاف",
    "اضافت",
    "يضيف",
    "تضيف",
    "مضيفا",
    "مضيفة",
    "اكد",
    "اكدت",
    "يؤكد",
    "تؤكد",
    "مؤكدا",
    "مؤكدة",
    "تابع",
    "تابعت",
    "اوضح",
    "اوضحت",
    "ذكر",
    "ذكرت",
    "صرح",
    "صرحت",
    "كتب",
    "كتبت",
    "اشار",
    "اشارت",
    "اعلن",
    "اعلنت",
    "شدد",
    "شددت",
    "اعتبر",
    "اعتبرت",
    "ردد",
    "هتف",
    "هتفوا",
    "قالوا",
    "اضافوا",
    "said",
    "says",
    "added",
    "told",
];

fn trim_word(word: &str) -> &str {
    word.trim_matches(|c: char| !c.is_alphanumeric())
}

fn is_speech_verb(word: &str) -> bool {
    let folded = fold_for_matching(trim_word(word)).to_lowercase();
    let bare = folded.strip_prefix('و').unwrap_or(&folded);
    let bare = bare.strip_prefix('ف').unwrap_or(bare);
    SPEECH_VERBS.contains(&folded.as_str()) || SPEECH_VERBS.contains(&bare)
}

/// Splits a leading dateline off a paragraph.
///
/// A dateline is a short prefix ending in a colon, e.g. `"ميدل ايست نيوز:"`,
/// `"طهران - ميدل ايست نيوز:"` or `"بيروت (رويترز):"`. It is accepted only
/// if it has at most [`MAX_DATELINE_WORDS`] words and [`MAX_DATELINE_CHARS`]
/// characters, contains no sentence punctuation outside parentheses, is not
/// a quotation lead-in (no verb of saying such as `قال`/`أضاف`), and is
/// followed by text. A colon between two digits (a time such as `10:30`) is
/// not a dateline colon.
///
/// Returns the trimmed dateline and the trimmed rest, or `(None, paragraph)`
/// unchanged when there is no dateline.
pub fn split_dateline(paragraph: &str) -> (Option<String>, String) {
    let unchanged = || (None, paragraph.to_owned());
    let text = paragraph.trim_start();

    let mut depth = 0usize;
    let mut prev: Option<char> = None;
    let mut colon_at = None;
    let mut chars = text.char_indices().peekable();
    let mut count = 0usize;
    while let Some((idx, c)) = chars.next() {
        count += 1;
        if count > MAX_DATELINE_CHARS + 1 {
            return unchanged();
        }
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if is_colon(c) => {
                let next = chars.peek().map(|&(_, n)| n);
                let is_time =
                    prev.is_some_and(|p| p.is_numeric()) && next.is_some_and(|n| n.is_numeric());
                if !is_time {
                    colon_at = Some((idx, c.len_utf8()));
                    break;
                }
            }
            _ if depth == 0 && is_sentence_punct(c) => return unchanged(),
            _ => {}
        }
        prev = Some(c);
    }
    let Some((idx, colon_len)) = colon_at else {
        return unchanged();
    };

    let dateline = text[..idx].trim();
    let rest = text[idx + colon_len..].trim();
    let words: Vec<&str> = dateline
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    let acceptable = !dateline.is_empty()
        && !rest.is_empty()
        && dateline.chars().count() <= MAX_DATELINE_CHARS
        && !words.is_empty()
        && words.len() <= MAX_DATELINE_WORDS
        && !words.iter().any(|w| is_speech_verb(w));
    if !acceptable {
        return unchanged();
    }
    (Some(dateline.to_owned()), rest.to_owned())
}

/// Attribution cues (folded) that, within three words before "وكالة",
/// mean the agency is being cited as the source.
const CREDIT_CUES: &[&str] = &[
    "حسب",
    "بحسب",
    "افادت",
    "افاد",
    "ذكرت",
    "ذكر",
    "نقلا",
    "نقل",
    "نقلت",
    "وفقا",
    "طبقا",
    "اوردت",
    "قالت",
    "اعلنت",
    "نشرت",
    "اشارت",
    "بثت",
];

/// Generic head nouns of agency names ("وكالة الأنباء الألمانية", "وكالة
/// أنباء فارس", "وكالة الصحافة الفرنسية"): on their own they name no one, so
/// the following word is part of the name.
const GENERIC_AGENCY_HEADS: &[&str] = &["الانباء", "انباء", "الصحافة", "صحافة", "الاخبار", "اخبار"];

fn strip_conjunction(folded: &str) -> &str {
    folded
        .strip_prefix('و')
        .filter(|rest| rest.chars().count() >= 3)
        .unwrap_or(folded)
}

fn is_credit_cue(word: &str) -> bool {
    let folded = fold_for_matching(trim_word(word));
    CREDIT_CUES.contains(&folded.as_str()) || CREDIT_CUES.contains(&strip_conjunction(&folded))
}

/// True for "وكالة" and its prefixed forms ("لوكالة" as in "وفقاً لوكالة",
/// "ووكالة", "بوكالة"). Final ه is accepted for ة because informal copy
/// often drops the dots.
fn agency_word(word: &str) -> bool {
    let folded = fold_for_matching(trim_word(word));
    let folded = folded
        .strip_suffix('ه')
        .map_or(folded.clone(), |s| format!("{s}ة"));
    matches!(folded.as_str(), "وكالة" | "لوكالة" | "ووكالة" | "بوكالة")
}

/// Characters that wrap or follow an agency name but are not part of it.
fn is_name_edge(c: char) -> bool {
    !c.is_alphanumeric()
}

/// Finds an agency credit such as `"وكالة إرنا"` in running text.
///
/// A credit is "وكالة" (or "لوكالة") preceded within three words by an
/// attribution cue: حسب/بحسب, أفادت, ذكرت, نقلاً عن, وفقاً لـ, أوردت, قالت,
/// أعلنت and similar, with or without hamza, tanween or a leading و.
///
/// The name rule: normally the single word after وكالة is the name ("وكالة
/// إرنا الإيرانية الرسمية" → "وكالة إرنا"; adjectives of nationality or
/// status that follow are not part of it). When that word is a generic head
/// noun (الأنباء, أنباء, الصحافة, الأخبار) the next word is included too
/// ("وكالة الأنباء الألمانية", "وكالة أنباء فارس"), giving at most three
/// words including وكالة. A name word that ends in punctuation ends the
/// name. Tashkeel is removed from the returned name.
pub fn detect_source_credit(text: &str) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    for (i, word) in words.iter().enumerate() {
        if !agency_word(word) {
            continue;
        }
        let cued = words
            .get(i.saturating_sub(3)..i)
            .unwrap_or(&[])
            .iter()
            .any(|w| is_credit_cue(w));
        if !cued {
            continue;
        }
        // "وكالة" itself ending in punctuation means no name follows.
        if word.ends_with(is_name_edge) {
            continue;
        }
        let Some(first) = words.get(i + 1) else {
            continue;
        };
        let first_clean = clean_name_word(first);
        if first_clean.is_empty() {
            continue;
        }
        let first_folded = fold_for_matching(&first_clean);
        let mut name = vec![first_clean];
        if GENERIC_AGENCY_HEADS.contains(&first_folded.as_str())
            && !first
                .trim_start_matches(is_name_edge)
                .ends_with(is_name_edge)
            && let Some(second) = words.get(i + 2)
        {
            let second_clean = clean_name_word(second);
            if !second_clean.is_empty() {
                name.push(second_clean);
            }
        }
        return Some(format!("وكالة {}", name.join(" ")));
    }
    None
}

fn clean_name_word(word: &str) -> String {
    crate::arabic::strip_tashkeel(word.trim_matches(is_name_edge))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = include_str!("../../sahifa/demo/seed-article.txt");

    fn paragraphs(text: &str) -> Vec<&str> {
        text.split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect()
    }

    #[test]
    fn dateline_table() {
        let cases: &[(&str, Option<&str>, &str)] = &[
            (
                "ميدل ايست نيوز: اكد رئيس",
                Some("ميدل ايست نيوز"),
                "اكد رئيس",
            ),
            (
                "طهران - ميدل ايست نيوز: اكد روحاني",
                Some("طهران - ميدل ايست نيوز"),
                "اكد روحاني",
            ),
            (
                "بيروت (رويترز): قال مسؤول",
                Some("بيروت (رويترز)"),
                "قال مسؤول",
            ),
            (
                "باريس (أ.ف.ب): أعلنت الحكومة",
                Some("باريس (أ.ف.ب)"),
                "أعلنت الحكومة",
            ),
            ("واشنطن، 12 أبريل: نص", Some("واشنطن، 12 أبريل"), "نص"),
            ("  القاهرة:نص الخبر", Some("القاهرة"), "نص الخبر"),
            ("LONDON (Reuters): text", Some("LONDON (Reuters)"), "text"),
            ("القاهرة：نص", Some("القاهرة"), "نص"),
        ];
        for &(input, want_line, want_rest) in cases {
            let (line, rest) = split_dateline(input);
            assert_eq!(line.as_deref(), want_line, "{input:?}");
            assert_eq!(rest, want_rest, "{input:?}");
        }
    }

    #[test]
    fn not_datelines() {
        let cases = [
            "اكد رئيس الجمهورية على ضرورة التعاون.",
            "وقال روحاني: إن التعاون ضروري",
            "وأضاف: نحن مستعدون",
            "الرئيس الإيراني حسن روحاني قال: لا",
            "انتهى الاجتماع. وقال المتحدث: نعم",
            "هل انتهى؟ المصدر: لا",
            "عقد الاجتماع في الساعة 10:30 صباحاً في طهران",
            "هذه جملة طويلة جداً تحتوي على أكثر من ست كلمات قبل النقطتين: نص",
            "القاهرة:",
            ": بلا عنوان",
            "",
            "«اقتباس»: نص",
            "no colon here at all",
        ];
        for input in cases {
            let (line, rest) = split_dateline(input);
            assert_eq!(line, None, "{input:?}");
            assert_eq!(rest, input, "{input:?} must be unchanged");
        }
        let long = format!("{}: نص", "ا".repeat(61));
        assert_eq!(split_dateline(&long).0, None);
    }

    #[test]
    fn dateline_time_colon_then_real_colon() {
        let (line, rest) = split_dateline("دبي 10:30 (وام): نص");
        assert_eq!(line.as_deref(), Some("دبي 10:30 (وام)"));
        assert_eq!(rest, "نص");
    }

    #[test]
    fn seed_article_dateline() {
        let paras = paragraphs(SEED);
        let (line, rest) = split_dateline(paras[2]);
        assert_eq!(line.as_deref(), Some("ميدل ايست نيوز"));
        assert!(
            rest.starts_with("اكد رئيس الجمهورية الإيرانية حسن روحاني"),
            "{rest}"
        );
        assert!(!rest.starts_with(':'));
        // No other paragraph of the model article has a dateline.
        for (i, p) in paras.iter().enumerate() {
            if i != 2 {
                assert_eq!(split_dateline(p).0, None, "paragraph {i}: {p}");
            }
        }
    }

    #[test]
    fn credit_table() {
        let cases = [
            (
                "وحسب ما أفادت وكالة إرنا الإيرانية الرسمية قال روحاني",
                "وكالة إرنا",
            ),
            ("وحسب ما افادت وكالة إرنا", "وكالة إرنا"),
            ("نقلاً عن وكالة تسنيم للأنباء", "وكالة تسنيم"),
            ("نقلا عن وكالة فارس", "وكالة فارس"),
            ("بحسب وكالة رويترز", "وكالة رويترز"),
            ("وبحسب وكالة رويترز،", "وكالة رويترز"),
            ("حسب وكالة الأناضول التركية", "وكالة الأناضول"),
            ("أفادت وكالة سبوتنيك", "وكالة سبوتنيك"),
            ("وذكرت وكالة مهر", "وكالة مهر"),
            ("ذكرت وكالة الأنباء الألمانية أن", "وكالة الأنباء الألمانية"),
            (
                "وفقاً لوكالة الأنباء السعودية الرسمية",
                "وكالة الأنباء السعودية",
            ),
            ("وفقا لوكالة بلومبرغ", "وكالة بلومبرغ"),
            ("وأفادت وكالة أنباء فارس", "وكالة أنباء فارس"),
            ("بحسب وكالة الصحافة الفرنسية", "وكالة الصحافة الفرنسية"),
            ("أَفَادَتْ وَكَالَةُ إِرْنَا", "وكالة إرنا"),
            ("ذكرت وكالة (إرنا) أن", "وكالة إرنا"),
            ("بحسب وكاله رويترز", "وكالة رويترز"),
            ("ذكرت وكالة «إرنا»", "وكالة إرنا"),
            ("according to, بحسب وكالة Reuters", "وكالة Reuters"),
        ];
        for (input, want) in cases {
            assert_eq!(
                detect_source_credit(input).as_deref(),
                Some(want),
                "{input:?}"
            );
        }
    }

    #[test]
    fn no_credit() {
        let cases = [
            "",
            "اكد رئيس الجمهورية على ضرورة التعاون",
            "وكالة إرنا الإيرانية",
            "افتتحت وكالة سفر جديدة",
            "قال مصدر لوكالة رويترز",
            "بحسب ما ذكرته الصحف",
            "بحسب وكالة",
            "بحسب وكالة، قال",
        ];
        for input in cases {
            assert_eq!(detect_source_credit(input), None, "{input:?}");
        }
    }

    #[test]
    fn seed_article_credit() {
        let paras = paragraphs(SEED);
        assert!(paras[3].starts_with("وحسب ما أفادت وكالة إرنا"));
        assert_eq!(
            detect_source_credit(paras[3]).as_deref(),
            Some("وكالة إرنا")
        );
        assert_eq!(detect_source_credit(SEED).as_deref(), Some("وكالة إرنا"));
        assert_eq!(detect_source_credit(paras[2]), None);
    }
}
