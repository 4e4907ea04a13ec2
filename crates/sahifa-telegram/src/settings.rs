//! Telegram settings: stored in `site_settings` (keys `telegram.*`) by the admin page, each
//! of the token, the channel and the API base overridable by the operator's environment.

use sahifa_store::settings::put;
use sahifa_store::{Db, Result, Tx};

use crate::client::DEFAULT_API_BASE;

/// Setting keys.
pub mod keys {
    /// `true` / `false`; when never set, posting is on as soon as a token and channel exist.
    pub const ENABLED: &str = "telegram.enabled";
    /// The bot token (`123456:ABC...`).
    pub const BOT_TOKEN: &str = "telegram.bot_token";
    /// `@name` or a numeric chat id.
    pub const CHANNEL: &str = "telegram.channel";
    /// The message template (see [`super::DEFAULT_TEMPLATE`]).
    pub const TEMPLATE: &str = "telegram.template";
    /// Comma-separated category ids whose articles are not posted.
    pub const EXCLUDED_CATEGORIES: &str = "telegram.excluded_categories";
    /// `true` to edit the channel message when a published article is edited.
    pub const EDIT_UPDATES: &str = "telegram.edit_updates";
    /// The site-wide channel username shown in the «follow us» box (set by the site settings).
    pub const SITE_CHANNEL: &str = "site.telegram_channel";
}

/// The default post: bold headline, lead, short link. Placeholders: `{title}`, `{lead}`,
/// `{link}`, `{site}`, `{category}`; values are HTML-escaped, the template itself is
/// Telegram HTML.
pub const DEFAULT_TEMPLATE: &str = "<b>{title}</b>\n\n{lead}\n\n{link}";

/// Values the operator set in the environment; they win over stored settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `SAHIFA_TELEGRAM_BOT_TOKEN`.
    pub bot_token: Option<String>,
    /// `SAHIFA_TELEGRAM_CHANNEL`.
    pub channel: Option<String>,
    /// `SAHIFA_TELEGRAM_API_BASE`.
    pub api_base: Option<String>,
}

impl Overrides {
    /// Reads `SAHIFA_TELEGRAM_BOT_TOKEN`, `SAHIFA_TELEGRAM_CHANNEL` and
    /// `SAHIFA_TELEGRAM_API_BASE`; empty values count as unset.
    pub fn from_env() -> Overrides {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        Overrides {
            bot_token: var("SAHIFA_TELEGRAM_BOT_TOKEN"),
            channel: var("SAHIFA_TELEGRAM_CHANNEL"),
            api_base: var("SAHIFA_TELEGRAM_API_BASE"),
        }
    }
}

/// The settings in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TelegramSettings {
    /// Whether posting is on.
    pub enabled: bool,
    /// The bot token, empty when none.
    pub bot_token: String,
    /// The chat id as the Bot API takes it (`@name` or `-100...`), empty when none.
    pub channel: String,
    /// API base URL without trailing slash.
    pub api_base: String,
    /// Message template.
    pub template: String,
    /// Categories whose articles are not posted.
    pub excluded_categories: Vec<i64>,
    /// Whether edits of published articles edit the channel message.
    pub edit_updates: bool,
    /// Which of token / channel / API base come from the environment.
    pub token_from_env: bool,
    /// See `token_from_env`.
    pub channel_from_env: bool,
    /// See `token_from_env`.
    pub api_base_from_env: bool,
}

impl TelegramSettings {
    /// Reads the stored settings and applies `overrides`.
    pub async fn load(db: &Db, overrides: &Overrides) -> Result<TelegramSettings> {
        let stored = |key: &'static str| async move {
            db.setting(key)
                .await
                .map(|v| v.map(|s| s.trim().to_string()).unwrap_or_default())
        };
        let stored_token = stored(keys::BOT_TOKEN).await?;
        let mut stored_channel = stored(keys::CHANNEL).await?;
        if stored_channel.is_empty() {
            // The public «follow us» channel is where posts go unless told otherwise.
            stored_channel = stored(keys::SITE_CHANNEL).await?;
        }
        let bot_token = overrides.bot_token.clone().unwrap_or(stored_token);
        let channel = normalise_channel(overrides.channel.as_deref().unwrap_or(&stored_channel))
            .unwrap_or_default();
        let api_base = overrides
            .api_base
            .clone()
            .unwrap_or_else(|| DEFAULT_API_BASE.to_string())
            .trim_end_matches('/')
            .to_string();
        let template = stored(keys::TEMPLATE).await?;
        let enabled = match stored(keys::ENABLED).await?.as_str() {
            "true" => true,
            "false" => false,
            _ => !bot_token.is_empty() && !channel.is_empty(),
        };
        Ok(TelegramSettings {
            enabled,
            token_from_env: overrides.bot_token.is_some(),
            channel_from_env: overrides.channel.is_some(),
            api_base_from_env: overrides.api_base.is_some(),
            bot_token,
            channel,
            api_base,
            template: if template.is_empty() {
                DEFAULT_TEMPLATE.to_string()
            } else {
                template
            },
            excluded_categories: parse_ids(&stored(keys::EXCLUDED_CATEGORIES).await?),
            edit_updates: stored(keys::EDIT_UPDATES).await? == "true",
        })
    }

    /// The token as the admin may see it again: never whole.
    pub fn masked_token(&self) -> Option<String> {
        mask_token(&self.bot_token)
    }
}

/// `123456789:AAE...wxyz` → `123456789:••••wxyz`: enough to recognise which bot, not
/// enough to use it.
pub fn mask_token(token: &str) -> Option<String> {
    let token = token.trim();
    if token.is_empty() {
        return None;
    }
    let (bot, secret) = token.split_once(':').unwrap_or(("", token));
    let tail: String = if secret.chars().count() > 8 {
        let n = secret.chars().count();
        secret.chars().skip(n - 4).collect()
    } else {
        String::new()
    };
    Some(if bot.is_empty() {
        format!("••••{tail}")
    } else {
        format!("{bot}:••••{tail}")
    })
}

/// A plausible bot token: `digits:secret` with a URL-safe secret.
pub fn valid_token(token: &str) -> bool {
    match token.split_once(':') {
        Some((bot, secret)) => {
            !bot.is_empty()
                && bot.chars().all(|c| c.is_ascii_digit())
                && secret.len() >= 20
                && secret
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        }
        None => false,
    }
}

/// Accepts `@name`, `name`, `https://t.me/name` or a numeric chat id (`-1001234567890`) and
/// returns what the Bot API takes as `chat_id`; `None` for anything else (an empty value
/// gives `Some("")`, meaning "no channel").
pub fn normalise_channel(input: &str) -> Option<String> {
    let s = input.trim();
    if s.is_empty() {
        return Some(String::new());
    }
    if let Some(digits) = s.strip_prefix('-').or(Some(s))
        && !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
    {
        return Some(s.to_string());
    }
    let name = s
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .trim_start_matches("t.me/")
        .trim_start_matches("telegram.me/")
        .trim_start_matches('@')
        .trim_end_matches('/');
    let ok = (4..=32).contains(&name.len())
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    ok.then(|| format!("@{name}"))
}

/// Parses `1, 2,3` into ids, ignoring anything that is not a number.
pub fn parse_ids(raw: &str) -> Vec<i64> {
    let mut ids: Vec<i64> = raw
        .split(',')
        .filter_map(|p| p.trim().parse().ok())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// What the admin form saves. `bot_token: None` keeps the stored token (the form never
/// shows it, so an empty field means "unchanged").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsUpdate {
    /// On/off.
    pub enabled: bool,
    /// A new token, or `None` to keep the current one.
    pub bot_token: Option<String>,
    /// Remove the stored token.
    pub clear_token: bool,
    /// Channel, already normalised.
    pub channel: String,
    /// Template; empty restores the default.
    pub template: String,
    /// Opted-out categories.
    pub excluded_categories: Vec<i64>,
    /// Edit channel messages on update.
    pub edit_updates: bool,
}

/// Writes an already checked update inside `tx`; the newsroom's use case validates it,
/// audits it and commits.
pub async fn write(tx: &mut Tx, update: &SettingsUpdate) -> Result<()> {
    let flag = |b: bool| if b { "true" } else { "false" };
    put(tx, keys::ENABLED, flag(update.enabled)).await?;
    if update.clear_token {
        put(tx, keys::BOT_TOKEN, "").await?;
    } else if let Some(token) = update.bot_token.as_deref() {
        put(tx, keys::BOT_TOKEN, token.trim()).await?;
    }
    put(tx, keys::CHANNEL, &update.channel).await?;
    put(tx, keys::TEMPLATE, update.template.trim()).await?;
    let ids: Vec<String> = update
        .excluded_categories
        .iter()
        .map(i64::to_string)
        .collect();
    put(tx, keys::EXCLUDED_CATEGORIES, &ids.join(",")).await?;
    put(tx, keys::EDIT_UPDATES, flag(update.edit_updates)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_masked() {
        assert_eq!(
            mask_token("123456789:AAEabcdefghijklmnopqrstuvwxyz").as_deref(),
            Some("123456789:••••wxyz")
        );
        assert_eq!(mask_token("short").as_deref(), Some("••••"));
        assert_eq!(mask_token("  "), None);
        assert!(valid_token("123456789:AAEabcdefghijklmnopqrstuvwxyz"));
        assert!(!valid_token("123456789"));
        assert!(!valid_token("abc:AAEabcdefghijklmnopqrstuvwxyz"));
    }

    #[test]
    fn channels_are_normalised() {
        assert_eq!(
            normalise_channel("@sahifa_news").as_deref(),
            Some("@sahifa_news")
        );
        assert_eq!(
            normalise_channel("sahifa_news").as_deref(),
            Some("@sahifa_news")
        );
        assert_eq!(
            normalise_channel("https://t.me/sahifa_news").as_deref(),
            Some("@sahifa_news")
        );
        assert_eq!(
            normalise_channel("-1001234567890").as_deref(),
            Some("-1001234567890")
        );
        assert_eq!(normalise_channel("").as_deref(), Some(""));
        assert_eq!(normalise_channel("@a b"), None);
        assert_eq!(normalise_channel("@1abc"), None);
        assert_eq!(parse_ids("3, 1,x,3"), vec![1, 3]);
    }
}
