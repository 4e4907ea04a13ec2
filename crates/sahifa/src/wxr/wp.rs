//! How WordPress writes what the importer reads: logins, base URLs, dates, statuses, slugs.

use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset, TimeZone, Utc};
use percent_encoding::percent_decode_str;
use sahifa_wxr::Channel;

/// The post types imported; every other one is skipped and counted.
pub fn imported_type(post_type: &str) -> bool {
    matches!(post_type, "post" | "page")
}

/// A login as posts name it: `dc:creator` may carry stray `>` from broken exports, and
/// invisible characters around it.
pub fn clean_login(raw: &str) -> String {
    raw.trim_matches(|c: char| c == '<' || c == '>' || c.is_whitespace() || is_invisible(c))
        .to_string()
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}' | '\u{FEFF}')
}

/// The old site's base URL, ending with `/`: `wp:base_blog_url` (WordPress.com sets
/// `base_site_url` to wordpress.com itself), else `base_site_url`, else the channel link.
pub fn base_url(channel: &Channel) -> String {
    let base = [
        &channel.base_blog_url,
        &channel.base_site_url,
        &channel.link,
    ]
    .into_iter()
    .map(|s| s.trim())
    .find(|s| !s.is_empty())
    .unwrap_or("");
    with_slash(base)
}

/// `url` ending with one `/`.
pub fn with_slash(url: &str) -> String {
    format!("{}/", url.trim().trim_end_matches('/'))
}

/// `url` made absolute against `base` (attachment URLs may be root-relative).
pub fn absolute(url: &str, base: &str) -> String {
    let url = url.trim();
    if url.starts_with('/') && !url.starts_with("//") {
        match url::Url::parse(base) {
            Ok(b) => format!("{}{url}", b.origin().ascii_serialization()),
            Err(_) => url.to_string(),
        }
    } else {
        url.to_string()
    }
}

/// A WordPress date (`2020-01-02 03:04:05`); `None` for an empty or zero one.
pub fn naive(raw: &str) -> Option<NaiveDateTime> {
    let raw = raw.trim();
    if raw.is_empty() || raw.starts_with("0000-00-00") {
        return None;
    }
    NaiveDateTime::parse_from_str(raw, "%Y-%m-%d %H:%M:%S").ok()
}

/// The site's offset from UTC, from an item's local and UTC dates.
pub fn offset_of(local: &str, gmt: &str) -> Option<FixedOffset> {
    let seconds = (naive(local)? - naive(gmt)?).num_seconds();
    FixedOffset::east_opt(i32::try_from(seconds).ok()?)
}

/// The moment of an item: its UTC date, else its local date read in the site's offset.
pub fn moment(gmt: &str, local: &str, offset: Option<FixedOffset>) -> Option<DateTime<Utc>> {
    if let Some(t) = naive(gmt) {
        return Some(t.and_utc());
    }
    let local = naive(local)?;
    let offset = offset.unwrap_or(Utc.fix());
    offset
        .from_local_datetime(&local)
        .single()
        .map(|t| t.with_timezone(&Utc))
}

/// A time zone with `offset` all year (`Etc/GMT-3` is UTC+03:00: POSIX signs are
/// inverted), for a whole number of hours; `None` otherwise.
pub fn zone_of_offset(offset: FixedOffset) -> Option<String> {
    let seconds = offset.local_minus_utc();
    if seconds == 0 {
        return Some("UTC".to_string());
    }
    if seconds % 3600 != 0 {
        return None;
    }
    let hours = -seconds / 3600;
    let name = format!("Etc/GMT{hours:+}");
    name.parse::<chrono_tz::Tz>().ok().map(|_| name)
}

/// A slug as WordPress stores it (percent-encoded UTF-8) as text; one that does not
/// decode stays as it is.
pub fn decoded(slug: &str) -> String {
    percent_decode_str(slug.trim())
        .decode_utf8()
        .map(|s| s.into_owned())
        .unwrap_or_else(|_| slug.trim().to_string())
}

/// The slug wanted here for a WordPress slug, else for `fallback` (a title, a name), else
/// `last_resort`.
pub fn slug_for(wp_slug: &str, fallback: &str, last_resort: &str) -> String {
    [decoded(wp_slug).as_str(), fallback]
        .into_iter()
        .map(sahifa_text::slug::slugify)
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| last_resort.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_and_dates() {
        assert_eq!(clean_login("themereviewteam>"), "themereviewteam");
        assert_eq!(clean_login(">themereviewteam"), "themereviewteam");
        assert_eq!(clean_login("\u{200B}admin "), "admin");
        let riyadh = offset_of("2026-03-01 02:30:00", "2026-02-28 23:30:00");
        assert_eq!(riyadh, FixedOffset::east_opt(3 * 3600));
        assert_eq!(
            moment("0000-00-00 00:00:00", "2026-03-01 02:30:00", riyadh).map(|t| t.to_rfc3339()),
            Some("2026-02-28T23:30:00+00:00".to_string())
        );
        assert_eq!(moment("", "", None), None);
        assert_eq!(
            riyadh.and_then(zone_of_offset).as_deref(),
            Some("Etc/GMT-3")
        );
        assert_eq!(FixedOffset::east_opt(12600).and_then(zone_of_offset), None);
        assert_eq!(slug_for("%D8%B9%D8%A7%D8%AC%D9%84", "x", "post-1"), "عاجل");
        assert_eq!(slug_for("", "!!!", "post-1"), "post-1");
        assert_eq!(
            base_url(&Channel {
                base_blog_url: "https://a.example/news".into(),
                ..Channel::default()
            }),
            "https://a.example/news/"
        );
        assert_eq!(
            absolute("/wp-content/uploads/a.jpg", "https://a.example/news/"),
            "https://a.example/wp-content/uploads/a.jpg"
        );
    }
}
