//! Digit shaping.
//!
//! Arabic publications differ on whether numbers are printed with Western
//! (0-9) or Arabic-Indic (٠-٩) digits, so it is a site setting. Input, on
//! the other hand, may arrive in either form or in Persian digits (۰-۹), and
//! storage, URLs and parsing want plain ASCII.

use std::fmt;
use std::str::FromStr;

/// Which digit glyphs to print numbers with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DigitStyle {
    /// ASCII digits 0-9, common in Gulf and Levantine online news.
    #[default]
    Western,
    /// Arabic-Indic digits ٠-٩ (U+0660–U+0669).
    ArabicIndic,
}

impl DigitStyle {
    /// The setting's stable name: `"western"` or `"arabic-indic"`; the same
    /// spelling serde uses.
    pub fn as_str(self) -> &'static str {
        match self {
            DigitStyle::Western => "western",
            DigitStyle::ArabicIndic => "arabic-indic",
        }
    }
}

impl fmt::Display for DigitStyle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Returned when a string names no [`DigitStyle`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDigitStyleError {
    input: String,
}

impl ParseDigitStyleError {
    /// The rejected input.
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl fmt::Display for ParseDigitStyleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown digit style {:?} (expected \"western\" or \"arabic-indic\")",
            self.input
        )
    }
}

impl std::error::Error for ParseDigitStyleError {}

impl FromStr for DigitStyle {
    type Err = ParseDigitStyleError;

    /// Accepts exactly `"western"` or `"arabic-indic"`, matching the serde
    /// names so config files and CLI flags agree.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "western" => Ok(DigitStyle::Western),
            "arabic-indic" => Ok(DigitStyle::ArabicIndic),
            _ => Err(ParseDigitStyleError {
                input: s.to_owned(),
            }),
        }
    }
}

const ARABIC_INDIC_ZERO: u32 = 0x0660;
const PERSIAN_ZERO: u32 = 0x06F0;

/// Rewrites ASCII digits in `s` for display in `style`.
///
/// With [`DigitStyle::Western`] the text is returned unchanged; with
/// [`DigitStyle::ArabicIndic`] each `0`-`9` becomes `٠`-`٩`. Other
/// characters, including existing non-ASCII digits, are left alone.
pub fn localize_digits(s: &str, style: DigitStyle) -> String {
    match style {
        DigitStyle::Western => s.to_owned(),
        DigitStyle::ArabicIndic => s
            .chars()
            .map(|c| match c.to_digit(10) {
                Some(d) if c.is_ascii_digit() => char::from_u32(ARABIC_INDIC_ZERO + d).unwrap_or(c),
                _ => c,
            })
            .collect(),
    }
}

/// The ASCII digit for an Arabic-Indic (٠-٩) or Persian (۰-۹) digit.
pub fn ascii_digit(c: char) -> Option<char> {
    let cp = u32::from(c);
    let value = if (ARABIC_INDIC_ZERO..ARABIC_INDIC_ZERO + 10).contains(&cp) {
        cp - ARABIC_INDIC_ZERO
    } else if (PERSIAN_ZERO..PERSIAN_ZERO + 10).contains(&cp) {
        cp - PERSIAN_ZERO
    } else {
        return None;
    };
    char::from_digit(value, 10)
}

/// Rewrites Arabic-Indic and Persian digits in `s` as ASCII `0`-`9`, leaving
/// everything else untouched.
pub fn to_ascii_digits(s: &str) -> String {
    s.chars().map(|c| ascii_digit(c).unwrap_or(c)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn localize_table() {
        let cases = [
            ("2021", DigitStyle::ArabicIndic, "٢٠٢١"),
            ("0123456789", DigitStyle::ArabicIndic, "٠١٢٣٤٥٦٧٨٩"),
            ("الساعة 10:30", DigitStyle::ArabicIndic, "الساعة ١٠:٣٠"),
            ("2021", DigitStyle::Western, "2021"),
            ("٢٠٢١", DigitStyle::Western, "٢٠٢١"),
            ("۱۲", DigitStyle::ArabicIndic, "۱۲"),
            ("", DigitStyle::ArabicIndic, ""),
        ];
        for (input, style, want) in cases {
            assert_eq!(localize_digits(input, style), want, "{input:?} {style:?}");
        }
    }

    #[test]
    fn to_ascii_table() {
        let cases = [
            ("٠١٢٣٤٥٦٧٨٩", "0123456789"),
            ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),
            ("القرار ٢٢٣١", "القرار 2231"),
            ("abc 42", "abc 42"),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(to_ascii_digits(input), want, "{input:?}");
        }
    }

    #[test]
    fn round_trip() {
        let s = "1442 هـ 09:05";
        assert_eq!(
            to_ascii_digits(&localize_digits(s, DigitStyle::ArabicIndic)),
            s
        );
    }

    #[test]
    fn style_names() {
        for style in [DigitStyle::Western, DigitStyle::ArabicIndic] {
            assert_eq!(style.as_str().parse::<DigitStyle>(), Ok(style));
            assert_eq!(style.to_string(), style.as_str());
            let json = serde_json::to_string(&style).expect("serialises");
            assert_eq!(json, format!("\"{}\"", style.as_str()));
            let back: DigitStyle = serde_json::from_str(&json).expect("deserialises");
            assert_eq!(back, style);
        }
        assert_eq!(DigitStyle::default(), DigitStyle::Western);
        let err = "Arabic".parse::<DigitStyle>().expect_err("must reject");
        assert_eq!(err.input(), "Arabic");
        assert!(err.to_string().contains("arabic-indic"));
    }
}
