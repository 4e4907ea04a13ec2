//! Arabic number words 0–99 (masculine, as a counted quantity is read aloud) and a lenient
//! parser for answers typed by readers: Western or Arabic-Indic digits, or words with or
//! without hamza, tashkeel, tatweel and stray spaces.

const UNITS: [&str; 10] = [
    "صفر",
    "واحد",
    "اثنان",
    "ثلاثة",
    "أربعة",
    "خمسة",
    "ستة",
    "سبعة",
    "ثمانية",
    "تسعة",
];

const TENS: [&str; 10] = [
    "",
    "عشرة",
    "عشرون",
    "ثلاثون",
    "أربعون",
    "خمسون",
    "ستون",
    "سبعون",
    "ثمانون",
    "تسعون",
];

/// The Arabic words for `n` (0–99), compounds in Arabic order: the unit first, then «و»
/// and the tens (21 = «واحد وعشرون»). `None` above 99.
pub fn number_words(n: u32) -> Option<String> {
    let (tens, units) = ((n / 10) as usize, (n % 10) as usize);
    // Above 99 `tens` has no word, so the lookup itself answers None.
    let ten = *TENS.get(tens)?;
    let unit = *UNITS.get(units)?;
    Some(match n {
        0..=9 => unit.to_string(),
        10 => ten.to_string(),
        11 => "أحد عشر".to_string(),
        12 => "اثنا عشر".to_string(),
        13..=19 => format!("{unit} عشر"),
        20..=99 if units == 0 => ten.to_string(),
        _ => format!("{unit} و{ten}"),
    })
}

/// Folds a typed answer for comparison: no tashkeel/tatweel, bare alef for hamza-carrying
/// alefs, «ة» as «ه», «ى» as «ي», no whitespace at all (readers split «و» either way).
fn fold(s: &str) -> String {
    crate::arabic::fold_for_matching(s)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(*c, '\u{200C}' | '\u{200D}' | '\u{200F}'))
        .map(|c| match c {
            'ة' => 'ه',
            'ى' => 'ي',
            'ؤ' => 'و',
            other => other,
        })
        .collect()
}

/// Spellings readers commonly use for `n` besides the canonical one: the accusative /
/// genitive «ـين» of the tens and of «اثنين», «احدى»/«اثني» for 11/12, «ثماني».
fn variants(n: u32) -> Vec<String> {
    let Some(canonical) = number_words(n) else {
        return Vec::new();
    };
    let mut out = vec![canonical.clone()];
    let oblique = canonical
        .replace("ون", "ين")
        .replace("اثنان", "اثنين")
        .replace("اثنا", "اثني");
    out.push(oblique);
    match n {
        1 => out.push("أحد".into()),
        2 => out.push("اثنتان".into()),
        8 => out.push("ثمان".into()),
        11 => out.push("إحدى عشرة".into()),
        12 => out.push("اثنتا عشرة".into()),
        _ => {}
    }
    out
}

/// Reads a number 0–99 typed as digits (Western or Arabic-Indic) or Arabic words.
pub fn parse_number(input: &str) -> Option<u32> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return None;
    }
    let ascii = crate::digits::to_ascii_digits(trimmed);
    if ascii.chars().all(|c| c.is_ascii_digit()) {
        return ascii.parse().ok().filter(|n| *n < 1000);
    }
    let folded = fold(trimmed);
    (0..100).find(|&n| variants(n).iter().any(|v| fold(v) == folded))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written out by hand, not generated: the reference the generator must match.
    const TABLE: [&str; 100] = [
        "صفر",
        "واحد",
        "اثنان",
        "ثلاثة",
        "أربعة",
        "خمسة",
        "ستة",
        "سبعة",
        "ثمانية",
        "تسعة",
        "عشرة",
        "أحد عشر",
        "اثنا عشر",
        "ثلاثة عشر",
        "أربعة عشر",
        "خمسة عشر",
        "ستة عشر",
        "سبعة عشر",
        "ثمانية عشر",
        "تسعة عشر",
        "عشرون",
        "واحد وعشرون",
        "اثنان وعشرون",
        "ثلاثة وعشرون",
        "أربعة وعشرون",
        "خمسة وعشرون",
        "ستة وعشرون",
        "سبعة وعشرون",
        "ثمانية وعشرون",
        "تسعة وعشرون",
        "ثلاثون",
        "واحد وثلاثون",
        "اثنان وثلاثون",
        "ثلاثة وثلاثون",
        "أربعة وثلاثون",
        "خمسة وثلاثون",
        "ستة وثلاثون",
        "سبعة وثلاثون",
        "ثمانية وثلاثون",
        "تسعة وثلاثون",
        "أربعون",
        "واحد وأربعون",
        "اثنان وأربعون",
        "ثلاثة وأربعون",
        "أربعة وأربعون",
        "خمسة وأربعون",
        "ستة وأربعون",
        "سبعة وأربعون",
        "ثمانية وأربعون",
        "تسعة وأربعون",
        "خمسون",
        "واحد وخمسون",
        "اثنان وخمسون",
        "ثلاثة وخمسون",
        "أربعة وخمسون",
        "خمسة وخمسون",
        "ستة وخمسون",
        "سبعة وخمسون",
        "ثمانية وخمسون",
        "تسعة وخمسون",
        "ستون",
        "واحد وستون",
        "اثنان وستون",
        "ثلاثة وستون",
        "أربعة وستون",
        "خمسة وستون",
        "ستة وستون",
        "سبعة وستون",
        "ثمانية وستون",
        "تسعة وستون",
        "سبعون",
        "واحد وسبعون",
        "اثنان وسبعون",
        "ثلاثة وسبعون",
        "أربعة وسبعون",
        "خمسة وسبعون",
        "ستة وسبعون",
        "سبعة وسبعون",
        "ثمانية وسبعون",
        "تسعة وسبعون",
        "ثمانون",
        "واحد وثمانون",
        "اثنان وثمانون",
        "ثلاثة وثمانون",
        "أربعة وثمانون",
        "خمسة وثمانون",
        "ستة وثمانون",
        "سبعة وثمانون",
        "ثمانية وثمانون",
        "تسعة وثمانون",
        "تسعون",
        "واحد وتسعون",
        "اثنان وتسعون",
        "ثلاثة وتسعون",
        "أربعة وتسعون",
        "خمسة وتسعون",
        "ستة وتسعون",
        "سبعة وتسعون",
        "ثمانية وتسعون",
        "تسعة وتسعون",
    ];

    #[test]
    fn words_match_the_hand_written_table() {
        for (n, want) in TABLE.iter().enumerate() {
            assert_eq!(number_words(n as u32).as_deref(), Some(*want), "{n}");
            assert_eq!(parse_number(want), Some(n as u32), "parse {want}");
        }
        assert_eq!(number_words(100), None);
    }

    #[test]
    fn every_answer_form_is_accepted() {
        let cases = [
            ("4", 4),
            (" 4 ", 4),
            ("٤", 4),
            ("۴", 4),
            ("أربعة", 4),
            ("اربعة", 4),
            ("اربعه", 4),
            ("أَرْبَعَةٌ", 4),
            ("أربـــعة", 4),
            ("٢١", 21),
            ("واحد و عشرون", 21),
            ("واحد وعشرين", 21),
            ("اثنين", 2),
            ("احد عشر", 11),
            ("اثني عشر", 12),
            ("إحدى عشرة", 11),
            ("صفر", 0),
        ];
        for (input, want) in cases {
            assert_eq!(parse_number(input), Some(want), "{input:?}");
        }
        for bad in ["", "خمسة وخمسة", "abc", "-3", "3.5", "مئة ألف"] {
            assert_eq!(parse_number(bad), None, "{bad:?}");
        }
    }
}
