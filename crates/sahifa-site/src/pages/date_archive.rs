//! Date archives: `/archive/2026`, `/archive/2026/03`, `/archive/2026/03/20`, the stories
//! published in that year, month or day of the site's own calendar (its time zone). A
//! WordPress site's `/2026/03/20/` comes here once it has moved.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use super::archive::{ArchiveHeading, ArchivePage};
use super::page_number;
use crate::view;
use sahifa_http::error::AppError;
use sahifa_http::serving::{Rendered, serve_page};
use sahifa_http::state::AppState;
use sahifa_store::ArticleFilter;

/// Teasers per page, as on the other archives.
const PER_PAGE: i64 = 12;

/// A year, month or day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    year: i32,
    month: Option<u32>,
    day: Option<u32>,
}

impl Period {
    /// The period the path's parts name, if it is a real one (`2026/02/30` is not).
    pub fn parse(year: &str, month: Option<&str>, day: Option<&str>) -> Option<Period> {
        let number = |s: &str, len: usize| {
            (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u32>().ok())
                .flatten()
        };
        let year = i32::try_from(number(year, 4)?).ok()?;
        let month = match month {
            Some(m) => Some(number(m, 2)?),
            None => None,
        };
        let day = match day {
            Some(d) => Some(number(d, 2)?),
            None => None,
        };
        NaiveDate::from_ymd_opt(year, month.unwrap_or(1), day.unwrap_or(1))?;
        Some(Period { year, month, day })
    }

    fn first_day(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1))
    }

    fn next_first_day(self) -> Option<NaiveDate> {
        let first = self.first_day()?;
        match (self.month, self.day) {
            (Some(_), Some(_)) => first.succ_opt(),
            (Some(12), None) => NaiveDate::from_ymd_opt(self.year + 1, 1, 1),
            (Some(m), None) => NaiveDate::from_ymd_opt(self.year, m + 1, 1),
            _ => NaiveDate::from_ymd_opt(self.year + 1, 1, 1),
        }
    }

    /// The period as instants: from its first midnight in `tz` to the next period's.
    fn range(self, tz: Tz) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let at = |d: NaiveDate| {
            tz.from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
                .earliest()
                .map(|t| t.with_timezone(&Utc))
        };
        Some((at(self.first_day()?)?, at(self.next_first_day()?)?))
    }

    /// `/archive/2026/03/20`.
    pub fn path(self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("/archive/{:04}/{m:02}/{d:02}", self.year),
            (Some(m), None) => format!("/archive/{:04}/{m:02}", self.year),
            _ => format!("/archive/{:04}", self.year),
        }
    }
}

/// `GET /archive/{year}`.
pub async fn show_year(
    state: State<AppState>,
    Path(year): Path<String>,
    q: Query<HashMap<String, String>>,
    h: HeaderMap,
) -> Response {
    show(state, Period::parse(&year, None, None), q, h).await
}

/// `GET /archive/{year}/{month}`.
pub async fn show_month(
    state: State<AppState>,
    Path((year, month)): Path<(String, String)>,
    q: Query<HashMap<String, String>>,
    h: HeaderMap,
) -> Response {
    show(state, Period::parse(&year, Some(&month), None), q, h).await
}

/// `GET /archive/{year}/{month}/{day}`.
pub async fn show_day(
    state: State<AppState>,
    Path((year, month, day)): Path<(String, String, String)>,
    q: Query<HashMap<String, String>>,
    h: HeaderMap,
) -> Response {
    show(state, Period::parse(&year, Some(&month), Some(&day)), q, h).await
}

async fn show(
    State(state): State<AppState>,
    period: Option<Period>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let Some(period) = period else {
        return AppError::NotFound.into_response();
    };
    let page = match page_number(&query) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let key = format!("date:{}:{page}", period.path());
    serve_page(&state, key, &headers, || {
        render(state.clone(), period, page)
    })
    .await
}

async fn render(state: AppState, period: Period, page: i64) -> Result<Rendered, AppError> {
    let site = state.site().await?;
    let (from, until) = period.range(site.tz).ok_or(AppError::NotFound)?;
    // Any publication can enter or leave a date's list, as for the latest stories.
    view::shows_list(&site, &ArticleFilter::default());
    let listing = state
        .db()
        .published_between(from, until, PER_PAGE, (page - 1) * PER_PAGE)
        .await?;
    let total_pages = view::page_count(listing.total, PER_PAGE);
    if page > total_pages {
        return Err(AppError::NotFound);
    }
    let name = sahifa_text::dates::format_period(
        period.year,
        period.month,
        period.day,
        site.lang,
        site.digits,
    );
    let mut args = HashMap::new();
    args.insert(
        "name".to_string(),
        sahifa_http::i18n::Arg::Text(name.clone()),
    );
    let heading = state.catalog().get(site.lang, "date-archive", &args);
    let title = format!("{heading} - {}", site.settings.name);
    args.insert(
        "site".to_string(),
        sahifa_http::i18n::Arg::Text(site.settings.name.clone()),
    );
    let description = state
        .catalog()
        .get(site.lang, "archive-meta-description", &args);
    let base = period.path();
    let canonical = sahifa_http::urls::paged(&base, page);
    let ctx = ArchivePage::new(
        ArchiveHeading::new("date", &name, None),
        view::cards(&site, &listing.items),
        view::paginate(&base, page, total_pages),
    );
    let html = view::render(
        &state,
        &site,
        "archive.html",
        &title,
        Some(&description),
        &canonical,
        ctx,
    )?;
    Ok(Rendered::Html(html))
}

/// The date archive a WordPress date archive path (`/2026/03/20`, `/2026/03`, `/2026`,
/// as a key: decoded, no trailing slash) names, if it is one.
pub fn wordpress_date_archive(key: &str) -> Option<String> {
    let mut parts = key.strip_prefix('/')?.split('/');
    let year = parts.next()?;
    let month = parts.next();
    let day = parts.next();
    if parts.next().is_some() {
        return None;
    }
    let period = Period::parse(year, month, day)?;
    // Years before the web and far in the future are not archives, they are numbers.
    let now = Utc::now().year();
    (1990..=now + 1)
        .contains(&period.year)
        .then(|| period.path())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods() {
        assert_eq!(Period::parse("2026", Some("02"), Some("30")), None);
        assert_eq!(Period::parse("26", None, None), None);
        assert_eq!(Period::parse("2026", Some("3"), None), None);
        let march = Period::parse("2026", Some("03"), None).expect("a month");
        assert_eq!(march.path(), "/archive/2026/03");
        let (from, until) = march.range(chrono_tz::Asia::Riyadh).expect("range");
        assert_eq!(from.to_rfc3339(), "2026-02-28T21:00:00+00:00");
        assert_eq!(until.to_rfc3339(), "2026-03-31T21:00:00+00:00");
        let december = Period::parse("2025", Some("12"), None).expect("a month");
        assert_eq!(
            december.next_first_day(),
            NaiveDate::from_ymd_opt(2026, 1, 1)
        );
        assert_eq!(
            wordpress_date_archive("/2026/03/20").as_deref(),
            Some("/archive/2026/03/20")
        );
        assert_eq!(
            wordpress_date_archive("/2026").as_deref(),
            Some("/archive/2026")
        );
        assert_eq!(wordpress_date_archive("/1234"), None);
        assert_eq!(wordpress_date_archive("/2026/03/20/slug"), None);
        assert_eq!(wordpress_date_archive("/about"), None);
    }
}
