//! «الصفحة الأولى»: the home page's pinned lead and featured stories, and the «عاجل»
//! flags of the breaking ticker, for editors and administrators. Plain forms, no
//! JavaScript: one form saves the pins, one flags an article for a number of hours, and
//! each flagged article has its own «إلغاء» form.

use std::collections::HashMap;

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use serde::Serialize;

use sahifa_newsroom::{Actor, NewsroomError};
use sahifa_store::front_page::FEATURED_MAX;
use sahifa_store::{ArticleFilter, ArticleSummary};
use sahifa_text::dates::{format_date, format_time};

use super::{FormFields, form_with_csrf, notice, render_with_status, require};
use sahifa_http::auth::{Capability, CurrentUser};
use sahifa_http::error::AppError;
use sahifa_http::state::{AppState, SiteView};
use sahifa_site::pages::see_other;

/// Published articles offered in the selects: the newest, plus whatever is pinned.
const CHOICES: i64 = 60;

/// Flagged articles listed at most (the ticker shows fewer, the newest).
const FLAGGED_LISTED: i64 = 50;

/// The durations a flag may be given, in hours.
const HOURS: [i64; 5] = [1, 3, 6, 12, 24];

/// The duration selected by default.
const DEFAULT_HOURS: i64 = 3;

type FieldErrors = Vec<(&'static str, &'static str)>;

/// One article in a select.
#[derive(Debug, Serialize)]
struct Choice {
    id: i64,
    title: String,
    /// Its publication date, which tells apart articles with similar headlines.
    date: String,
}

/// One flagged article, with its «إلغاء» form.
#[derive(Debug, Serialize)]
struct Flagged {
    id: i64,
    title: String,
    url: String,
    until_display: String,
    until_iso: String,
}

/// What the pins form shows: the selected article of each select (`None`: none).
#[derive(Debug, Default, Serialize)]
struct PinsForm {
    lead: Option<i64>,
    featured: Vec<Option<i64>>,
}

/// What the breaking form shows.
#[derive(Debug, Serialize)]
struct BreakingForm {
    article: Option<i64>,
    hours: i64,
}

impl Default for BreakingForm {
    fn default() -> Self {
        BreakingForm {
            article: None,
            hours: DEFAULT_HOURS,
        }
    }
}

/// The context of `admin/front_page.html`.
#[derive(Debug, Serialize)]
struct FrontPage {
    choices: Vec<Choice>,
    pins: PinsForm,
    /// Field → message key of the pins form.
    pin_errors: HashMap<&'static str, &'static str>,
    flagged: Vec<Flagged>,
    breaking: BreakingForm,
    /// Field → message key of the breaking form.
    breaking_errors: HashMap<&'static str, &'static str>,
    hours: &'static [i64],
    notice: Option<&'static str>,
}

/// What a failed POST shows again, as typed.
enum Shown {
    Clean,
    Pins(PinsForm, FieldErrors),
    Breaking(BreakingForm, FieldErrors),
}

fn when(site: &SiteView, at: &chrono::DateTime<Utc>) -> String {
    let local = at.with_timezone(&site.tz);
    format!(
        "{} {}",
        format_date(&local, site.lang, site.digits),
        format_time(&local, site.lang, site.digits)
    )
}

fn choice(site: &SiteView, a: &ArticleSummary) -> Choice {
    Choice {
        id: a.id,
        title: a.title.clone(),
        date: a
            .published_at
            .map(|at| format_date(&at.with_timezone(&site.tz), site.lang, site.digits))
            .unwrap_or_default(),
    }
}

async fn show(
    state: &AppState,
    current: &CurrentUser,
    shown: Shown,
    status: StatusCode,
    notice: Option<&'static str>,
) -> Result<Response, AppError> {
    let site = state.site().await?;
    let db = state.db();
    let pinned = db.pinned_stories().await?;
    let mut choices: Vec<Choice> = db
        .newest_published(ArticleFilter::default(), CHOICES)
        .await?
        .iter()
        .map(|a| choice(&site, a))
        .collect();
    // A pinned story older than the newest ones stays selectable (and selected).
    for a in pinned.lead.iter().chain(&pinned.featured) {
        if choices.iter().all(|c| c.id != a.id) {
            choices.push(choice(&site, a));
        }
    }
    let stored = PinsForm {
        lead: pinned.lead.as_ref().map(|a| a.id),
        featured: pinned.featured.iter().map(|a| Some(a.id)).collect(),
    };
    let flagged = db
        .breaking_flagged(Utc::now(), FLAGGED_LISTED)
        .await?
        .into_iter()
        .map(|b| Flagged {
            id: b.id,
            title: b.title,
            url: sahifa_http::urls::article(&b.slug),
            until_display: when(&site, &b.until),
            until_iso: b.until.to_rfc3339(),
        })
        .collect();
    let (mut pins, pin_errors, breaking, breaking_errors) = match shown {
        Shown::Clean => (stored, Vec::new(), BreakingForm::default(), Vec::new()),
        Shown::Pins(typed, errors) => (typed, errors, BreakingForm::default(), Vec::new()),
        Shown::Breaking(typed, errors) => (stored, Vec::new(), typed, errors),
    };
    pins.featured.resize(FEATURED_MAX, None);
    let ctx = FrontPage {
        choices,
        pins,
        pin_errors: pin_errors.into_iter().collect(),
        flagged,
        breaking,
        breaking_errors: breaking_errors.into_iter().collect(),
        hours: &HOURS,
        notice,
    };
    render_with_status(
        status,
        state,
        Some(current),
        "admin/front_page.html",
        "admin-front-page-title",
        ctx,
    )
    .await
}

/// `GET /admin/front-page`.
pub async fn show_front_page(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    require(&current, Capability::PublishOthers)?;
    show(
        &state,
        &current,
        Shown::Clean,
        StatusCode::OK,
        notice(&query),
    )
    .await
}

/// The pins as the form gives them: `lead` and `featured_1` ... `featured_4`, each an
/// article id or empty.
fn typed_pins(form: &FormFields) -> PinsForm {
    PinsForm {
        lead: form.id("lead"),
        featured: (1..=FEATURED_MAX)
            .map(|n| form.id(&format!("featured_{n}")))
            .collect(),
    }
}

/// `POST /admin/front-page`: saves the pinned lead and featured stories.
pub async fn save_pins(
    State(state): State<AppState>,
    current: CurrentUser,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::PublishOthers)?;
    let form = form_with_csrf(&state, &current, request).await?;
    let typed = typed_pins(&form);
    let featured: Vec<i64> = typed.featured.iter().flatten().copied().collect();
    let actor = Actor::User(current.user.clone());
    match state
        .newsroom()
        .set_home_pins(&actor, typed.lead, featured)
        .await
    {
        Ok(_) => Ok(see_other("/admin/front-page?msg=saved")),
        Err(NewsroomError::Invalid(fields)) => {
            let errors = fields.iter().map(|f| (f.field, f.key)).collect();
            show(
                &state,
                &current,
                Shown::Pins(typed, errors),
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /admin/front-page/breaking`: flags an article «عاجل» for a number of hours.
pub async fn set_breaking(
    State(state): State<AppState>,
    current: CurrentUser,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::PublishOthers)?;
    let form = form_with_csrf(&state, &current, request).await?;
    let hours = sahifa_text::digits::to_ascii_digits(&form.text("hours"))
        .parse::<i64>()
        .ok();
    let typed = BreakingForm {
        article: form.id("article"),
        hours: hours.unwrap_or(DEFAULT_HOURS),
    };
    let mut errors: FieldErrors = Vec::new();
    if typed.article.is_none() {
        errors.push(("article", "admin-error-breaking-article-required"));
    }
    let hours = hours.filter(|h| HOURS.contains(h));
    if hours.is_none() {
        errors.push(("hours", "admin-error-breaking-hours-invalid"));
    }
    let (Some(article), Some(hours), true) = (typed.article, hours, errors.is_empty()) else {
        return show(
            &state,
            &current,
            Shown::Breaking(typed, errors),
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        )
        .await;
    };
    let until = Utc::now() + chrono::Duration::hours(hours);
    let actor = Actor::User(current.user.clone());
    match state
        .newsroom()
        .set_breaking(&actor, article, Some(until))
        .await
    {
        Ok(_) => Ok(see_other("/admin/front-page?msg=breaking-set#breaking")),
        Err(NewsroomError::Invalid(fields)) => {
            // The use case names the article `article` and the end `until`, which the
            // form sets through its duration.
            let errors = fields
                .iter()
                .map(|f| {
                    (
                        if f.field == "until" {
                            "hours"
                        } else {
                            "article"
                        },
                        f.key,
                    )
                })
                .collect();
            show(
                &state,
                &current,
                Shown::Breaking(typed, errors),
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            )
            .await
        }
        // An article deleted meanwhile: said where the choice was made.
        Err(NewsroomError::NotFound) => {
            show(
                &state,
                &current,
                Shown::Breaking(
                    typed,
                    vec![("article", "admin-error-breaking-article-required")],
                ),
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /admin/front-page/breaking/{id}/clear`: takes an article out of the ticker.
pub async fn clear_breaking(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::PublishOthers)?;
    form_with_csrf(&state, &current, request).await?;
    let actor = Actor::User(current.user.clone());
    state.newsroom().set_breaking(&actor, id, None).await?;
    Ok(see_other("/admin/front-page?msg=breaking-cleared#breaking"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_read_from_their_fields() {
        let form = FormFields(
            [
                ("lead", "12"),
                ("featured_1", ""),
                ("featured_2", "٧"),
                ("featured_3", "x"),
                ("featured_4", "9"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        );
        let pins = typed_pins(&form);
        assert_eq!(pins.lead, Some(12));
        assert_eq!(pins.featured, vec![None, Some(7), None, Some(9)]);
    }
}
