//! Site settings, kept as key/value rows so later features add keys without migrations.

use crate::{Db, Result, SiteSettings};

impl Db {
    /// Reads one setting.
    pub async fn setting(&self, key: &str) -> Result<Option<String>> {
        let row: Option<(String,)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT value FROM site_settings WHERE key = $1"
        )
        .bind(key)
        .fetch_optional(pool)
        .await)?;
        Ok(row.map(|(v,)| v))
    }

    /// The site settings, with defaults for keys never set.
    pub async fn site_settings(&self) -> Result<SiteSettings> {
        let rows: Vec<(String, String)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT key, value FROM site_settings"
        )
        .fetch_all(pool)
        .await)?;
        let mut settings = SiteSettings::default();
        for (key, value) in rows {
            match key.as_str() {
                "site.name" => settings.name = value,
                "site.tagline" => settings.tagline = value,
                "site.locale" => settings.locale = value,
                "site.time_zone" => settings.time_zone = value,
                "site.digit_style" => settings.digit_style = value,
                "site.telegram_channel" => settings.telegram_channel = value,
                _ => {}
            }
        }
        Ok(settings)
    }
}

/// Reads one setting inside `tx`, so a use case decides on the value its writes commit with.
pub async fn setting(tx: &mut crate::Tx, key: &str) -> Result<Option<String>> {
    let row: Option<(String,)> = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT value FROM site_settings WHERE key = $1"
    )
    .bind(key)
    .fetch_optional(&mut *conn)
    .await)?;
    Ok(row.map(|(v,)| v))
}

/// Writes one setting inside `tx` (the use case bumps the content epoch with it).
pub async fn put(tx: &mut crate::Tx, key: &str, value: &str) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "INSERT INTO site_settings (key, value) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET value = excluded.value"
    )
    .bind(key)
    .bind(value)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// The keys of [`SiteSettings`], with each field's value.
fn site_pairs(settings: &SiteSettings) -> [(&'static str, &str); 6] {
    [
        ("site.name", &settings.name),
        ("site.tagline", &settings.tagline),
        ("site.locale", &settings.locale),
        ("site.time_zone", &settings.time_zone),
        ("site.digit_style", &settings.digit_style),
        ("site.telegram_channel", &settings.telegram_channel),
    ]
}

/// Writes every site setting inside `tx`.
pub async fn save_site(tx: &mut crate::Tx, settings: &SiteSettings) -> Result<()> {
    for (key, value) in site_pairs(settings) {
        put(tx, key, value).await?;
    }
    Ok(())
}

/// The site settings as `tx` sees them, with defaults for keys never set.
pub async fn site(tx: &mut crate::Tx) -> Result<SiteSettings> {
    let mut settings = SiteSettings::default();
    for (key, field) in [
        ("site.name", &mut settings.name),
        ("site.tagline", &mut settings.tagline),
        ("site.locale", &mut settings.locale),
        ("site.time_zone", &mut settings.time_zone),
        ("site.digit_style", &mut settings.digit_style),
        ("site.telegram_channel", &mut settings.telegram_channel),
    ] {
        if let Some(value) = setting(tx, key).await? {
            *field = value;
        }
    }
    Ok(settings)
}
