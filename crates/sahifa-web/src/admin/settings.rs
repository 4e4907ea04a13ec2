//! Site settings: name, tagline, language, time zone, digit style and the Telegram channel
//! shown to readers. Comment settings arrive with the comments feature.

use std::collections::HashMap;

use axum::extract::{Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use sahifa_store::SiteSettings;

use super::{FormFields, form_with_csrf, notice, render_with_status, require};
use crate::auth::{Capability, CurrentUser};
use crate::error::AppError;
use crate::pages::see_other;
use crate::state::AppState;

const NAME_MAX: usize = 100;
const TAGLINE_MAX: usize = 200;

type FieldErrors = Vec<(&'static str, &'static str)>;

/// A few common zones for the datalist (any IANA name is accepted).
const SUGGESTED_ZONES: [&str; 12] = [
    "Asia/Beirut",
    "Asia/Damascus",
    "Asia/Baghdad",
    "Asia/Riyadh",
    "Asia/Dubai",
    "Asia/Tehran",
    "Asia/Amman",
    "Asia/Jerusalem",
    "Africa/Cairo",
    "Africa/Casablanca",
    "Europe/London",
    "UTC",
];

/// Normalises a Telegram channel as typed: `@name` (stored without the `@`, as the public
/// pages link it) or a numeric chat id such as `-1001234567890`; empty means none.
fn telegram_channel(typed: &str) -> Result<String, ()> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(String::new());
    }
    let ascii = sahifa_text::digits::to_ascii_digits(typed);
    let digits = ascii.strip_prefix('-').unwrap_or(&ascii);
    if !digits.is_empty() && digits.len() <= 20 && digits.chars().all(|c| c.is_ascii_digit()) {
        return Ok(ascii);
    }
    // Telegram usernames: 5 to 32 of a-z, 0-9 and _, starting with a letter.
    let name = typed.strip_prefix('@').ok_or(())?;
    let valid = (5..=32).contains(&name.len())
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid { Ok(name.to_string()) } else { Err(()) }
}

/// The form as typed: the settings to store, or field errors.
fn validate(form: &FormFields) -> (SiteSettings, FieldErrors) {
    let mut errors: FieldErrors = Vec::new();
    let name = form.text("name");
    if name.is_empty() {
        errors.push(("name", "admin-error-name-required"));
    } else if name.chars().count() > NAME_MAX {
        errors.push(("name", "admin-error-name-too-long"));
    }
    let tagline = form.text("tagline");
    if tagline.chars().count() > TAGLINE_MAX {
        errors.push(("tagline", "admin-error-tagline-too-long"));
    }
    let locale = form.text("locale");
    if !matches!(locale.as_str(), "ar" | "en") {
        errors.push(("locale", "admin-error-locale-invalid"));
    }
    let time_zone = form.text("time_zone");
    if time_zone.parse::<chrono_tz::Tz>().is_err() {
        errors.push(("time_zone", "admin-error-time-zone-invalid"));
    }
    let digit_style = form.text("digit_style");
    if digit_style
        .parse::<sahifa_text::digits::DigitStyle>()
        .is_err()
    {
        errors.push(("digit_style", "admin-error-digit-style-invalid"));
    }
    let typed_channel = form.text("telegram_channel");
    let telegram_channel = match telegram_channel(&typed_channel) {
        Ok(c) => c,
        Err(()) => {
            errors.push(("telegram_channel", "admin-error-telegram-channel-invalid"));
            typed_channel
        }
    };
    (
        SiteSettings {
            name,
            tagline,
            locale,
            time_zone,
            digit_style,
            telegram_channel,
        },
        errors,
    )
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

async fn settings_page(
    state: &AppState,
    current: &CurrentUser,
    values: &SiteSettings,
    errors: &FieldErrors,
    status: StatusCode,
    notice: Option<&'static str>,
) -> Result<Response, AppError> {
    let errors: HashMap<&str, &str> = errors.iter().copied().collect();
    let ctx = json!({
        "v": values,
        "errors": errors,
        "zones": SUGGESTED_ZONES,
        "notice": notice,
    });
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
    let headers = request.headers().clone();
    let form = form_with_csrf(&state, &current, &headers, request).await?;
    let (settings, errors) = validate(&form);
    if !errors.is_empty() {
        let mut typed = settings;
        typed.telegram_channel = form.text("telegram_channel");
        return settings_page(
            &state,
            &current,
            &typed,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        )
        .await;
    }
    let db = state.db();
    let before = db.site_settings().await?;
    db.save_site_settings(&settings).await?;
    let mut changed = Vec::new();
    for (key, old, new) in [
        ("name", &before.name, &settings.name),
        ("tagline", &before.tagline, &settings.tagline),
        ("locale", &before.locale, &settings.locale),
        ("time_zone", &before.time_zone, &settings.time_zone),
        ("digit_style", &before.digit_style, &settings.digit_style),
        (
            "telegram_channel",
            &before.telegram_channel,
            &settings.telegram_channel,
        ),
    ] {
        if old != new {
            changed.push(key);
        }
    }
    db.audit(
        Some((current.user.id, &current.user.name)),
        "settings-changed",
        "settings",
        None,
        &changed.join(", "),
    )
    .await?;
    Ok(see_other("/admin/settings?msg=saved"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telegram_channels() {
        assert_eq!(telegram_channel(""), Ok(String::new()));
        assert_eq!(telegram_channel("@sharq_news"), Ok("sharq_news".into()));
        assert_eq!(
            telegram_channel("-1001234567890"),
            Ok("-1001234567890".into())
        );
        assert_eq!(telegram_channel("١٢٣٤٥"), Ok("12345".into()));
        assert!(telegram_channel("sharq_news").is_err(), "needs the @");
        assert!(telegram_channel("@abc").is_err(), "too short");
        assert!(telegram_channel("@1abcdef").is_err(), "starts with a digit");
        assert!(telegram_channel("@شرق_نيوز").is_err());
        assert!(telegram_channel("https://t.me/sharq").is_err());
        assert_eq!(channel_for_form("sharq_news"), "@sharq_news");
        assert_eq!(channel_for_form("-100123"), "-100123");
        assert_eq!(channel_for_form(""), "");
    }
}
