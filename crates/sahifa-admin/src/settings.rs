//! Site settings: name, tagline, language, time zone, digit style and the Telegram channel
//! shown to readers. The comment settings have their own page, linked from this one.

use std::collections::HashMap;

use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use sahifa_newsroom::{Actor, NewsroomError};
use sahifa_store::SiteSettings;

use super::{FormFields, form_with_csrf, notice, render_with_status, require};
use sahifa_http::auth::{Capability, CurrentUser};
use sahifa_http::error::AppError;
use sahifa_http::state::AppState;
use sahifa_site::pages::see_other;

type FieldErrors = Vec<(&'static str, &'static str)>;

/// The zones of the Middle East and North Africa, listed first; every other IANA zone
/// follows them in the select.
const REGION_ZONES: [&str; 26] = [
    "Asia/Beirut",
    "Asia/Damascus",
    "Asia/Baghdad",
    "Asia/Tehran",
    "Asia/Riyadh",
    "Asia/Kuwait",
    "Asia/Bahrain",
    "Asia/Qatar",
    "Asia/Dubai",
    "Asia/Muscat",
    "Asia/Aden",
    "Asia/Amman",
    "Asia/Jerusalem",
    "Asia/Gaza",
    "Europe/Istanbul",
    "Africa/Cairo",
    "Africa/Khartoum",
    "Africa/Tripoli",
    "Africa/Tunis",
    "Africa/Algiers",
    "Africa/Casablanca",
    "Africa/Nouakchott",
    "Africa/Djibouti",
    "Africa/Mogadishu",
    "Europe/London",
    "UTC",
];

/// The time-zone select: the region's zones, then the rest of the IANA database.
#[derive(Debug, Serialize)]
struct ZoneChoices {
    region: &'static [&'static str],
    all: Vec<&'static str>,
    /// Whether the stored zone is one of them (an unknown one is still shown, selected).
    known: bool,
}

fn zone_choices(current: &str) -> ZoneChoices {
    let all: Vec<&'static str> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        // Legacy aliases such as `Egypt` or `CET` duplicate the `Area/City` names.
        .filter(|name| name.contains('/') && !REGION_ZONES.contains(name))
        .collect();
    let known = REGION_ZONES.contains(&current) || all.contains(&current);
    ZoneChoices {
        region: &REGION_ZONES,
        all,
        known,
    }
}

/// The form as typed.
fn typed(form: &FormFields) -> SiteSettings {
    SiteSettings {
        name: form.text("name"),
        tagline: form.text("tagline"),
        locale: form.text("locale"),
        time_zone: form.text("time_zone"),
        digit_style: form.text("digit_style"),
        telegram_channel: form.text("telegram_channel"),
    }
}

/// How a stored channel is shown in the form (`@name`, or the numeric id as is).
fn channel_for_form(stored: &str) -> String {
    let numeric = stored.trim_start_matches('-');
    if stored.is_empty()
        || stored.starts_with('@')
        || (!numeric.is_empty() && numeric.chars().all(|c| c.is_ascii_digit()))
    {
        stored.to_string()
    } else {
        format!("@{stored}")
    }
}

/// The context of `admin/settings.html`: the site settings form.
#[derive(Debug, Serialize)]
struct SettingsPage<'a> {
    v: &'a SiteSettings,
    /// Field name → message key.
    errors: HashMap<&'static str, &'static str>,
    zones: ZoneChoices,
    notice: Option<&'static str>,
}

async fn settings_page(
    state: &AppState,
    current: &CurrentUser,
    values: &SiteSettings,
    errors: &FieldErrors,
    status: StatusCode,
    notice: Option<&'static str>,
) -> Result<Response, AppError> {
    let ctx = SettingsPage {
        v: values,
        errors: errors.iter().copied().collect(),
        zones: zone_choices(&values.time_zone),
        notice,
    };
    render_with_status(
        status,
        state,
        Some(current),
        "admin/settings.html",
        "admin-settings-title",
        ctx,
    )
    .await
}

/// `GET /admin/settings`.
pub async fn show_settings(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageSettings)?;
    let mut values = state.db().site_settings().await?;
    values.telegram_channel = channel_for_form(&values.telegram_channel);
    settings_page(
        &state,
        &current,
        &values,
        &Vec::new(),
        StatusCode::OK,
        notice(&query),
    )
    .await
}

/// `POST /admin/settings`.
pub async fn save_settings(
    State(state): State<AppState>,
    current: CurrentUser,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageSettings)?;
    let form = form_with_csrf(&state, &current, request).await?;
    let typed = typed(&form);
    let actor = Actor::User(current.user.clone());
    match state.newsroom().save_site_settings(&actor, &typed).await {
        Ok(_) => Ok(see_other("/admin/settings?msg=saved")),
        Err(NewsroomError::Invalid(fields)) => {
            let errors: FieldErrors = fields.iter().map(|f| (f.field, f.key)).collect();
            settings_page(
                &state,
                &current,
                &typed,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_in_the_form() {
        assert_eq!(channel_for_form("sharq_news"), "@sharq_news");
        assert_eq!(channel_for_form("-100123"), "-100123");
        assert_eq!(channel_for_form(""), "");
    }

    #[test]
    fn every_region_zone_is_a_real_zone() {
        for zone in REGION_ZONES {
            assert!(zone.parse::<chrono_tz::Tz>().is_ok(), "{zone}");
        }
        let choices = zone_choices("Asia/Tehran");
        assert!(choices.known);
        assert!(!choices.all.contains(&"Asia/Tehran"), "listed once");
        assert!(choices.all.contains(&"America/New_York"));
        assert!(!zone_choices("Mars/Olympus").known);
    }
}
