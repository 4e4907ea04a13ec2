//! Human-readable dates for article bylines.
//!
//! Arabic news sites print the Gregorian date with Arabic month names (the
//! "يناير/فبراير" series used in Egypt and the Gulf, not the Levantine
//! "كانون الثاني" series) and often the Umm al-Qura Hijri date beside it.
//! Locale-data formatters are avoided on purpose: the output must be
//! byte-stable across library upgrades because it ends up in cached pages
//! and tests.

use chrono::{Datelike, Timelike, Weekday};
use icu_calendar::cal::Hijri;
use icu_calendar::{Date, Iso};

use crate::digits::{DigitStyle, localize_digits};

/// Interface language for formatted dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Arabic, the default for anything not English.
    Ar,
    /// English.
    En,
}

impl Lang {
    /// Maps a language tag to a [`Lang`]: anything starting with `en`
    /// (ASCII case-insensitive, e.g. `en`, `en-GB`, `EN`) is English;
    /// everything else, including unknown or empty tags, is Arabic because
    /// Arabic is the site's primary language.
    pub fn from_code(code: &str) -> Lang {
        match code.as_bytes() {
            [a, b, ..] if a.eq_ignore_ascii_case(&b'e') && b.eq_ignore_ascii_case(&b'n') => {
                Lang::En
            }
            _ => Lang::Ar,
        }
    }

    /// The BCP 47 primary language subtag: `"ar"` or `"en"`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ar => "ar",
            Lang::En => "en",
        }
    }
}

const AR_MONTHS: [&str; 12] = [
    "يناير",
    "فبراير",
    "مارس",
    "أبريل",
    "مايو",
    "يونيو",
    "يوليو",
    "أغسطس",
    "سبتمبر",
    "أكتوبر",
    "نوفمبر",
    "ديسمبر",
];

const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

const AR_HIJRI_MONTHS: [&str; 12] = [
    "محرم",
    "صفر",
    "ربيع الأول",
    "ربيع الآخر",
    "جمادى الأولى",
    "جمادى الآخرة",
    "رجب",
    "شعبان",
    "رمضان",
    "شوال",
    "ذو القعدة",
    "ذو الحجة",
];

const EN_HIJRI_MONTHS: [&str; 12] = [
    "Muharram",
    "Safar",
    "Rabi al-Awwal",
    "Rabi al-Thani",
    "Jumada al-Ula",
    "Jumada al-Akhirah",
    "Rajab",
    "Shaban",
    "Ramadan",
    "Shawwal",
    "Dhu al-Qadah",
    "Dhu al-Hijjah",
];

fn weekday_name(day: Weekday, lang: Lang) -> &'static str {
    match (lang, day) {
        (Lang::Ar, Weekday::Sun) => "الأحد",
        (Lang::Ar, Weekday::Mon) => "الاثنين",
        (Lang::Ar, Weekday::Tue) => "الثلاثاء",
        (Lang::Ar, Weekday::Wed) => "الأربعاء",
        (Lang::Ar, Weekday::Thu) => "الخميس",
        (Lang::Ar, Weekday::Fri) => "الجمعة",
        (Lang::Ar, Weekday::Sat) => "السبت",
        (Lang::En, Weekday::Sun) => "Sunday",
        (Lang::En, Weekday::Mon) => "Monday",
        (Lang::En, Weekday::Tue) => "Tuesday",
        (Lang::En, Weekday::Wed) => "Wednesday",
        (Lang::En, Weekday::Thu) => "Thursday",
        (Lang::En, Weekday::Fri) => "Friday",
        (Lang::En, Weekday::Sat) => "Saturday",
    }
}

/// Formats the local calendar date of `dt` as weekday, day, month name and
/// year: `"الثلاثاء 13 أبريل 2021"` or `"Tuesday 13 April 2021"`.
///
/// The date is the one in `dt`'s own time zone. `digits` applies in both
/// languages so a site-wide digit setting is honoured everywhere.
pub fn format_date(dt: &chrono::DateTime<chrono_tz::Tz>, lang: Lang, digits: DigitStyle) -> String {
    let months = match lang {
        Lang::Ar => &AR_MONTHS,
        Lang::En => &EN_MONTHS,
    };
    // month0() is always 0..=11, but index defensively rather than panic.
    let month = months
        .get(dt.month0() as usize)
        .copied()
        .unwrap_or_default();
    let text = format!(
        "{} {} {} {}",
        weekday_name(dt.weekday(), lang),
        dt.day(),
        month,
        dt.year()
    );
    localize_digits(&text, digits)
}

/// A period of the calendar as a date archive names it: `"2026"`, `"مارس 2026"`,
/// `"20 مارس 2026"` (`"20 March 2026"`), digits per `digits`. A month outside 1–12 is
/// left out rather than guessed.
pub fn format_period(
    year: i32,
    month: Option<u32>,
    day: Option<u32>,
    lang: Lang,
    digits: DigitStyle,
) -> String {
    let months = match lang {
        Lang::Ar => &AR_MONTHS,
        Lang::En => &EN_MONTHS,
    };
    let month_name = month
        .and_then(|m| m.checked_sub(1))
        .and_then(|m| months.get(m as usize))
        .copied();
    let text = match (day, month_name) {
        (Some(d), Some(m)) => format!("{d} {m} {year}"),
        (None, Some(m)) => format!("{m} {year}"),
        _ => year.to_string(),
    };
    localize_digits(&text, digits)
}

/// Formats the local wall-clock time of `dt` as 24-hour `HH:MM`, e.g.
/// `"10:30"` or `"09:05"`, with digits per `digits`.
///
/// `lang` does not change the shape today (Arabic news uses the same
/// 24-hour form) but is taken so callers need not special-case it later.
pub fn format_time(dt: &chrono::DateTime<chrono_tz::Tz>, lang: Lang, digits: DigitStyle) -> String {
    let _ = lang;
    let text = format!("{:02}:{:02}", dt.hour(), dt.minute());
    localize_digits(&text, digits)
}

/// The parts of an Umm al-Qura Hijri date: year (AH), month 1–12, day.
///
/// Returns `None` if the Gregorian date cannot be represented by the
/// calendar library or falls before 1 Muharram 1 AH.
pub fn hijri_parts(date: chrono::NaiveDate) -> Option<(i32, u8, u8)> {
    let month = u8::try_from(date.month()).ok()?;
    let day = u8::try_from(date.day()).ok()?;
    let iso = Date::<Iso>::try_new_iso(date.year(), month, day).ok()?;
    let hijri = iso.to_calendar(Hijri::new_umm_al_qura());
    let year = hijri.era_year();
    // Years before the Hijra are in the "bh" era; printing them with "هـ"
    // would be wrong and no news article needs them.
    if year.era.as_str() != "ah" || year.year < 1 {
        return None;
    }
    Some((year.year, hijri.month().ordinal, hijri.day_of_month().0))
}

/// Formats `date` in the Umm al-Qura Hijri calendar, the official calendar
/// of Saudi Arabia and the one most Arabic news sites print:
/// `"1 رمضان 1442 هـ"` or `"1 Ramadan 1442 AH"`.
///
/// ICU4X uses the official KACST month lengths from 1300 AH (1882) to
/// 1600 AH (2174) and a tabular approximation outside that range, so dates
/// far from the present may be a day off. Returns an empty string (never panics) when the date cannot be
/// converted or precedes the Hijri epoch.
pub fn format_hijri(date: chrono::NaiveDate, lang: Lang, digits: DigitStyle) -> String {
    let Some((year, month, day)) = hijri_parts(date) else {
        return String::new();
    };
    let months = match lang {
        Lang::Ar => &AR_HIJRI_MONTHS,
        Lang::En => &EN_HIJRI_MONTHS,
    };
    let Some(name) = usize::from(month)
        .checked_sub(1)
        .and_then(|i| months.get(i))
    else {
        return String::new();
    };
    let text = match lang {
        Lang::Ar => format!("{day} {name} {year} هـ"),
        Lang::En => format!("{day} {name} {year} AH"),
    };
    localize_digits(&text, digits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDate, TimeZone};
    use chrono_tz::Asia::Riyadh;
    use chrono_tz::Tz;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    fn at(tz: Tz, y: i32, m: u32, d: u32, h: u32, min: u32) -> chrono::DateTime<Tz> {
        tz.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .expect("unambiguous test time")
    }

    #[test]
    fn lang_codes() {
        let cases = [
            ("en", Lang::En),
            ("en-GB", Lang::En),
            ("EN", Lang::En),
            ("english", Lang::En),
            ("ar", Lang::Ar),
            ("ar-SA", Lang::Ar),
            ("fa", Lang::Ar),
            ("e", Lang::Ar),
            ("", Lang::Ar),
            ("عربي", Lang::Ar),
        ];
        for (code, want) in cases {
            assert_eq!(Lang::from_code(code), want, "{code:?}");
        }
        assert_eq!(Lang::Ar.code(), "ar");
        assert_eq!(Lang::En.code(), "en");
        assert_eq!(Lang::from_code(Lang::En.code()), Lang::En);
    }

    #[test]
    fn gregorian_dates() {
        let dt = at(Riyadh, 2021, 4, 13, 10, 30);
        let cases = [
            (Lang::Ar, DigitStyle::Western, "الثلاثاء 13 أبريل 2021"),
            (Lang::Ar, DigitStyle::ArabicIndic, "الثلاثاء ١٣ أبريل ٢٠٢١"),
            (Lang::En, DigitStyle::Western, "Tuesday 13 April 2021"),
        ];
        for (lang, digits, want) in cases {
            assert_eq!(format_date(&dt, lang, digits), want);
        }
    }

    #[test]
    fn every_month_and_weekday_name() {
        // 2023-01-01 is a Sunday; walk a year so every name is used.
        let mut seen_months = std::collections::BTreeSet::new();
        let mut seen_days = std::collections::BTreeSet::new();
        for offset in 0..365 {
            let date = ymd(2023, 1, 1) + chrono::Days::new(offset);
            let dt = at(Riyadh, date.year(), date.month(), date.day(), 12, 0);
            let s = format_date(&dt, Lang::Ar, DigitStyle::Western);
            let words: Vec<&str> = s.split(' ').collect();
            assert_eq!(words.len(), 4, "{s}");
            seen_days.insert(words[0].to_owned());
            seen_months.insert(words[2].to_owned());
        }
        assert_eq!(seen_months.len(), 12);
        assert_eq!(seen_days.len(), 7);
        let sunday = at(Riyadh, 2023, 1, 1, 12, 0);
        assert_eq!(
            format_date(&sunday, Lang::Ar, DigitStyle::Western),
            "الأحد 1 يناير 2023"
        );
        let friday = at(Riyadh, 2023, 12, 29, 12, 0);
        assert_eq!(
            format_date(&friday, Lang::Ar, DigitStyle::Western),
            "الجمعة 29 ديسمبر 2023"
        );
        assert_eq!(
            format_date(&friday, Lang::En, DigitStyle::Western),
            "Friday 29 December 2023"
        );
    }

    #[test]
    fn date_is_local_to_the_zone() {
        // 23:30 UTC on 12 April is already 13 April in Riyadh (UTC+3).
        let utc = chrono::Utc
            .with_ymd_and_hms(2021, 4, 12, 23, 30, 0)
            .single()
            .expect("valid");
        let riyadh = utc.with_timezone(&Riyadh);
        assert_eq!(
            format_date(&riyadh, Lang::En, DigitStyle::Western),
            "Tuesday 13 April 2021"
        );
        assert_eq!(format_time(&riyadh, Lang::En, DigitStyle::Western), "02:30");
    }

    #[test]
    fn times() {
        let cases = [
            (
                at(Riyadh, 2021, 4, 13, 10, 30),
                DigitStyle::Western,
                "10:30",
            ),
            (at(Riyadh, 2021, 4, 13, 9, 5), DigitStyle::Western, "09:05"),
            (
                at(Riyadh, 2021, 4, 13, 23, 59),
                DigitStyle::ArabicIndic,
                "٢٣:٥٩",
            ),
            (at(Riyadh, 2021, 4, 13, 0, 0), DigitStyle::Western, "00:00"),
        ];
        for (dt, digits, want) in cases {
            assert_eq!(format_time(&dt, Lang::Ar, digits), want);
            assert_eq!(format_time(&dt, Lang::En, digits), want);
        }
    }

    #[test]
    fn hijri_known_dates() {
        // Umm al-Qura facts: start of Ramadan 1442 and 1444, and Eid al-Adha
        // (10 Dhu al-Hijjah) 1445.
        assert_eq!(hijri_parts(ymd(2021, 4, 13)), Some((1442, 9, 1)));
        assert_eq!(hijri_parts(ymd(2023, 3, 23)), Some((1444, 9, 1)));
        assert_eq!(hijri_parts(ymd(2024, 6, 16)), Some((1445, 12, 10)));
        // The day before the first of Ramadan is still Sha'ban.
        assert_eq!(hijri_parts(ymd(2021, 4, 12)).map(|p| p.1), Some(8));
    }

    #[test]
    fn hijri_formatting() {
        let cases = [
            (
                ymd(2021, 4, 13),
                Lang::Ar,
                DigitStyle::Western,
                "1 رمضان 1442 هـ",
            ),
            (
                ymd(2021, 4, 13),
                Lang::Ar,
                DigitStyle::ArabicIndic,
                "١ رمضان ١٤٤٢ هـ",
            ),
            (
                ymd(2021, 4, 13),
                Lang::En,
                DigitStyle::Western,
                "1 Ramadan 1442 AH",
            ),
            (
                ymd(2023, 3, 23),
                Lang::Ar,
                DigitStyle::Western,
                "1 رمضان 1444 هـ",
            ),
            (
                ymd(2024, 6, 16),
                Lang::Ar,
                DigitStyle::Western,
                "10 ذو الحجة 1445 هـ",
            ),
            (
                ymd(2024, 6, 16),
                Lang::En,
                DigitStyle::Western,
                "10 Dhu al-Hijjah 1445 AH",
            ),
        ];
        for (date, lang, digits, want) in cases {
            assert_eq!(format_hijri(date, lang, digits), want, "{date}");
        }
    }

    #[test]
    fn hijri_month_names_cover_a_year() {
        let mut seen = std::collections::BTreeSet::new();
        for offset in (0..400).step_by(5) {
            let date = ymd(2023, 1, 1) + chrono::Days::new(offset);
            let s = format_hijri(date, Lang::En, DigitStyle::Western);
            assert!(s.ends_with(" AH"), "{date}: {s:?}");
            if let Some((_, m, _)) = hijri_parts(date) {
                seen.insert(m);
            }
        }
        assert_eq!(seen.len(), 12);
    }

    #[test]
    fn hijri_out_of_range_is_empty_not_panic() {
        for date in [NaiveDate::MIN, NaiveDate::MAX, ymd(1, 1, 1), ymd(600, 1, 1)] {
            let _ = format_hijri(date, Lang::Ar, DigitStyle::Western);
        }
        assert_eq!(
            format_hijri(NaiveDate::MIN, Lang::Ar, DigitStyle::Western),
            ""
        );
        assert_eq!(
            format_hijri(ymd(600, 1, 1), Lang::En, DigitStyle::Western),
            ""
        );
        // Just after the epoch (16 July 622 Julian = 19 July 622 proleptic
        // Gregorian) the year is 1 AH.
        assert!(format_hijri(ymd(623, 1, 1), Lang::En, DigitStyle::Western).ends_with(" 1 AH"));
    }
}
