//! Comment settings, stored as `comments.*` rows in `site_settings` (no migration needed to
//! add one). Every defence is configurable; the defaults follow WordPress where it has one.

use sahifa_store::Db;

use super::captcha::Ops;
use crate::NewsroomError;

/// Who must answer the CAPTCHA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptchaMode {
    /// Nobody.
    Off,
    /// Everyone, staff included.
    All,
    /// Readers who are not signed in to the newsroom.
    Anonymous,
}

impl CaptchaMode {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CaptchaMode::Off => "off",
            CaptchaMode::All => "all",
            CaptchaMode::Anonymous => "anonymous",
        }
    }

    fn parse(s: &str) -> CaptchaMode {
        match s {
            "off" => CaptchaMode::Off,
            "all" => CaptchaMode::All,
            _ => CaptchaMode::Anonymous,
        }
    }
}

/// Every comment setting with its value.
#[derive(Debug, Clone)]
pub struct CommentSettings {
    /// Comments accepted at all.
    pub enabled: bool,
    /// Who answers the CAPTCHA.
    pub captcha: CaptchaMode,
    /// Operations the CAPTCHA uses.
    pub ops: Ops,
    /// Seconds a challenge stays valid.
    pub captcha_ttl: i64,
    /// Hold a comment with this many links or more (0: never).
    pub max_links: i64,
    /// Words (one a line) that hold a comment for moderation.
    pub moderation_words: String,
    /// Words, emails or IPs (one a line) that send a comment to spam.
    pub disallowed_words: String,
    /// Hold an author's comments until one of theirs was approved.
    pub first_time_hold: bool,
    /// Hold every comment.
    pub hold_all: bool,
    /// Seconds between two comments from one IP or email (0: off).
    pub flood_seconds: i64,
    /// Comments per IP per hour (0: unlimited).
    pub rate_per_hour: i64,
    /// Maximum comment length in characters.
    pub max_length: i64,
    /// Minimum seconds between being shown the form step and submitting it.
    pub min_seconds: i64,
    /// Close comments this many days after publication (0: never).
    pub close_after_days: i64,
    /// Maximum reply depth (1: no replies).
    pub thread_depth: i64,
    /// Top-level comments per page.
    pub per_page: i64,
    /// Days commenter IPs are kept.
    pub ip_days: i64,
}

impl Default for CommentSettings {
    fn default() -> Self {
        CommentSettings {
            enabled: true,
            captcha: CaptchaMode::Anonymous,
            ops: Ops::parse("+-×"),
            captcha_ttl: 300,
            max_links: 2,
            moderation_words: String::new(),
            disallowed_words: String::new(),
            first_time_hold: true,
            hold_all: false,
            flood_seconds: 15,
            rate_per_hour: 20,
            max_length: 5000,
            min_seconds: 3,
            close_after_days: 0,
            thread_depth: 5,
            per_page: 50,
            ip_days: 30,
        }
    }
}

/// Key of the CAPTCHA secret row.
pub const SECRET_KEY: &str = "comments.secret";

fn bool_of(v: &str) -> bool {
    matches!(v, "1" | "true" | "on" | "yes")
}

impl CommentSettings {
    /// Reads the settings; unknown or malformed values keep their default.
    pub async fn load(db: &Db) -> Result<CommentSettings, sahifa_store::StoreError> {
        let mut s = CommentSettings::default();
        for (key, value) in db.settings_with_prefix("comments.").await? {
            s.apply(&key, &value);
        }
        Ok(s)
    }

    /// Applies one `comments.*` key.
    pub fn apply(&mut self, key: &str, value: &str) {
        let int = |v: &str, lo: i64, hi: i64| v.trim().parse::<i64>().ok().map(|n| n.clamp(lo, hi));
        match key {
            "comments.enabled" => self.enabled = bool_of(value),
            "comments.captcha" => self.captcha = CaptchaMode::parse(value),
            "comments.captcha_ops" => self.ops = Ops::parse(value),
            "comments.moderation_words" => self.moderation_words = value.to_string(),
            "comments.disallowed_words" => self.disallowed_words = value.to_string(),
            "comments.first_time_hold" => self.first_time_hold = bool_of(value),
            "comments.hold_all" => self.hold_all = bool_of(value),
            // Unknown keys are ignored, among them the retired `comments.ip_header`: the
            // client address behind a proxy is the operator's `--trusted-proxies` now.
            _ => {
                let slot = match key {
                    "comments.captcha_ttl" => Some((&mut self.captcha_ttl, 30, 86_400)),
                    "comments.max_links" => Some((&mut self.max_links, 0, 1000)),
                    "comments.flood_seconds" => Some((&mut self.flood_seconds, 0, 3600)),
                    "comments.rate_per_hour" => Some((&mut self.rate_per_hour, 0, 10_000)),
                    "comments.max_length" => Some((&mut self.max_length, 10, 100_000)),
                    "comments.min_seconds" => Some((&mut self.min_seconds, 0, 600)),
                    "comments.close_after_days" => Some((&mut self.close_after_days, 0, 36_500)),
                    "comments.thread_depth" => Some((&mut self.thread_depth, 1, 10)),
                    "comments.per_page" => Some((&mut self.per_page, 5, 500)),
                    "comments.ip_days" => Some((&mut self.ip_days, 0, 3650)),
                    _ => None,
                };
                if let Some((field, lo, hi)) = slot
                    && let Some(n) = int(value, lo, hi)
                {
                    *field = n;
                }
            }
        }
    }

    /// Every key and its value as stored.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        let b = |v: bool| if v { "1" } else { "0" }.to_string();
        vec![
            ("comments.enabled", b(self.enabled)),
            ("comments.captcha", self.captcha.as_str().to_string()),
            ("comments.captcha_ops", self.ops.as_setting()),
            ("comments.captcha_ttl", self.captcha_ttl.to_string()),
            ("comments.max_links", self.max_links.to_string()),
            ("comments.moderation_words", self.moderation_words.clone()),
            ("comments.disallowed_words", self.disallowed_words.clone()),
            ("comments.first_time_hold", b(self.first_time_hold)),
            ("comments.hold_all", b(self.hold_all)),
            ("comments.flood_seconds", self.flood_seconds.to_string()),
            ("comments.rate_per_hour", self.rate_per_hour.to_string()),
            ("comments.max_length", self.max_length.to_string()),
            ("comments.min_seconds", self.min_seconds.to_string()),
            (
                "comments.close_after_days",
                self.close_after_days.to_string(),
            ),
            ("comments.thread_depth", self.thread_depth.to_string()),
            ("comments.per_page", self.per_page.to_string()),
            ("comments.ip_days", self.ip_days.to_string()),
        ]
    }
}

/// The CAPTCHA MAC key: a random secret generated the first time any process needs it and
/// stored in `site_settings`, so every process sharing the database signs alike.
pub async fn captcha_key(db: &Db) -> crate::Result<[u8; 32]> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| NewsroomError::Internal(e.to_string()))?;
    let fresh: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let secret = db.setting_or_insert(SECRET_KEY, &fresh).await?;
    Ok(super::captcha::key_from_secret(&secret))
}

/// Whether `needle` lines of a word list match any of `fields`: case-insensitive, hamza and
/// tashkeel folded, substring match (WordPress's semantics). Returns the matching entry.
pub fn list_match(list: &str, fields: &[&str]) -> Option<String> {
    let fold = |s: &str| sahifa_text::arabic::fold_for_matching(s).to_lowercase();
    let haystacks: Vec<String> = fields.iter().map(|f| fold(f)).collect();
    list.lines()
        .map(str::trim)
        .filter(|w| !w.is_empty())
        .find(|w| {
            let w = fold(w);
            haystacks.iter().any(|h| h.contains(&w))
        })
        .map(str::to_string)
}
