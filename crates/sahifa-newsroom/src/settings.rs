//! The site settings use case: name, tagline, language, time zone, digit style and the
//! Telegram channel shown to readers, checked once and saved with their audit entry and
//! the content epoch in one transaction.

use sahifa_store::SiteSettings;
use sahifa_store::newsroom::{AuditRecord, insert_audit};

use crate::{Actor, Capability, FieldError, Newsroom, NewsroomError, Result};

/// Longest site name, in characters.
pub const NAME_MAX: usize = 100;
/// Longest tagline, in characters.
pub const TAGLINE_MAX: usize = 200;

impl Newsroom {
    /// Saves the site settings as typed (`telegram_channel` as `@name`, a numeric chat id,
    /// or empty); returns them as stored.
    pub async fn save_site_settings(
        &self,
        actor: &Actor,
        typed: &SiteSettings,
    ) -> Result<SiteSettings> {
        if !actor.can(Capability::ManageSettings) {
            return Err(NewsroomError::Forbidden);
        }
        let clean = |s: &str| sahifa_text::clean::xml_safe(s).into_owned();
        let typed = &SiteSettings {
            name: clean(&typed.name),
            tagline: clean(&typed.tagline),
            locale: clean(&typed.locale),
            time_zone: clean(&typed.time_zone),
            digit_style: clean(&typed.digit_style),
            telegram_channel: clean(&typed.telegram_channel),
        };
        let settings = check(typed)?;
        let mut tx = self.db().begin().await?;
        let before = sahifa_store::settings::site(&mut tx).await?;
        sahifa_store::settings::save_site(&mut tx, &settings).await?;
        let changed: Vec<&str> = [
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
        ]
        .into_iter()
        .filter(|(_, old, new)| old != new)
        .map(|(key, _, _)| key)
        .collect();
        insert_audit(
            &mut tx,
            &AuditRecord {
                actor: actor.audit_name(),
                action: "settings-changed",
                object_kind: "settings",
                object_id: None,
                detail: &changed.join(", "),
            },
        )
        .await?;
        tx.retire_everything();
        tx.commit().await?;
        Ok(settings)
    }
}

/// Checks every field at once: the settings to store, or every problem.
fn check(typed: &SiteSettings) -> Result<SiteSettings> {
    let mut errors = Vec::new();
    let mut refuse = |field, key| errors.push(FieldError { field, key });
    let name = typed.name.trim();
    if name.is_empty() {
        refuse("name", "admin-error-name-required");
    } else if name.chars().count() > NAME_MAX {
        refuse("name", "admin-error-name-too-long");
    }
    let tagline = typed.tagline.trim();
    if tagline.chars().count() > TAGLINE_MAX {
        refuse("tagline", "admin-error-tagline-too-long");
    }
    let locale = typed.locale.trim();
    if !matches!(locale, "ar" | "en") {
        refuse("locale", "admin-error-locale-invalid");
    }
    let time_zone = typed.time_zone.trim();
    if time_zone.parse::<chrono_tz::Tz>().is_err() {
        refuse("time_zone", "admin-error-time-zone-invalid");
    }
    let digit_style = typed.digit_style.trim();
    if digit_style
        .parse::<sahifa_text::digits::DigitStyle>()
        .is_err()
    {
        refuse("digit_style", "admin-error-digit-style-invalid");
    }
    let channel = telegram_channel(&typed.telegram_channel);
    if channel.is_none() {
        refuse("telegram_channel", "admin-error-telegram-channel-invalid");
    }
    match channel {
        Some(telegram_channel) if errors.is_empty() => Ok(SiteSettings {
            name: name.to_string(),
            tagline: tagline.to_string(),
            locale: locale.to_string(),
            time_zone: time_zone.to_string(),
            digit_style: digit_style.to_string(),
            telegram_channel,
        }),
        _ => Err(NewsroomError::Invalid(errors)),
    }
}

/// Normalises a Telegram channel as typed: `@name` (stored without the `@`, as the public
/// pages link it) or a numeric chat id such as `-1001234567890`; empty means none. `None`
/// for anything else.
pub fn telegram_channel(typed: &str) -> Option<String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Some(String::new());
    }
    let ascii = sahifa_text::digits::to_ascii_digits(typed);
    let digits = ascii.strip_prefix('-').unwrap_or(&ascii);
    if !digits.is_empty() && digits.len() <= 20 && digits.chars().all(|c| c.is_ascii_digit()) {
        return Some(ascii);
    }
    // Telegram usernames: 5 to 32 of a-z, 0-9 and _, starting with a letter.
    let name = typed.strip_prefix('@')?;
    let valid = (5..=32).contains(&name.len())
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    valid.then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telegram_channels() {
        assert_eq!(telegram_channel(""), Some(String::new()));
        assert_eq!(telegram_channel("@sharq_news"), Some("sharq_news".into()));
        assert_eq!(
            telegram_channel("-1001234567890"),
            Some("-1001234567890".into())
        );
        assert_eq!(telegram_channel("١٢٣٤٥"), Some("12345".into()));
        assert!(telegram_channel("sharq_news").is_none(), "needs the @");
        assert!(telegram_channel("@abc").is_none(), "too short");
        assert!(
            telegram_channel("@1abcdef").is_none(),
            "starts with a digit"
        );
        assert!(telegram_channel("@شرق_نيوز").is_none());
        assert!(telegram_channel("https://t.me/sharq").is_none());
    }
}
