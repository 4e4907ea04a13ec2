//! The channel post for an article: the editor's template filled with the article's
//! headline, lead and short link (`/s/{id}`), as Telegram HTML, plus a «read more» button.

use sahifa_store::Article;
use serde_json::{Value, json};

/// Telegram's limit for a photo caption (characters after entity parsing).
pub const CAPTION_LIMIT: usize = 1024;
/// Telegram's limit for a text message.
pub const TEXT_LIMIT: usize = 4096;

/// A rendered post.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    /// Telegram HTML (`parse_mode: HTML`).
    pub html: String,
    /// Absolute URL of the featured image, when the article has one.
    pub photo: Option<String>,
    /// The short link the button opens.
    pub link: String,
    /// The button's label.
    pub button: String,
}

/// Escapes text for Telegram's HTML parse mode (only `<`, `>` and `&` are special).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// `https://site/s/{id}`: stable across slug edits, short enough for any message.
pub fn short_link(base_url: &str, article_id: i64) -> String {
    format!("{}/s/{article_id}", base_url.trim_end_matches('/'))
}

/// An image URL made absolute against the site's public origin: Telegram fetches the
/// picture itself, so a site-relative `/media/...` would mean nothing to it.
pub fn absolute(base_url: &str, url: &str) -> String {
    if url.starts_with("https://") || url.starts_with("http://") {
        url.to_string()
    } else if let Some(rest) = url.strip_prefix("//") {
        format!("https://{rest}")
    } else {
        format!(
            "{}/{}",
            base_url.trim_end_matches('/'),
            url.trim_start_matches('/')
        )
    }
}

/// Fills `template` for `article`, shortening the lead (never the headline or link) until
/// the post fits `limit` characters.
pub fn render(
    template: &str,
    article: &Article,
    site_name: &str,
    base_url: &str,
    limit: usize,
) -> String {
    let s = &article.summary;
    let link = short_link(base_url, s.id);
    let category = s.category.as_ref().map(|c| c.name.as_str()).unwrap_or("");
    let fill = |lead: &str| {
        template
            .replace("{title}", &escape(&s.title))
            .replace("{lead}", &escape(lead))
            .replace("{link}", &escape(&link))
            .replace("{site}", &escape(site_name))
            .replace("{category}", &escape(category))
            .trim()
            .to_string()
    };
    let full = fill(&s.lead);
    if visible_len(&full) <= limit {
        return full;
    }
    let without_lead = visible_len(&fill(""));
    let room = limit.saturating_sub(without_lead + 1);
    let lead: String = s.lead.chars().take(room).collect();
    let lead = match lead.rfind(' ') {
        Some(cut) if cut > lead.len() / 2 => lead[..cut].to_string(),
        _ => lead,
    };
    fill(&format!("{}…", lead.trim_end()))
}

/// Characters Telegram counts: the text without tags, entities as one character. Close
/// enough for limits (Telegram counts UTF-16 units; Arabic letters are one unit each).
fn visible_len(html: &str) -> usize {
    let mut n = 0;
    let mut in_tag = false;
    let mut in_entity = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            '&' if !in_tag => {
                in_entity = true;
                n += 1;
            }
            ';' if in_entity => in_entity = false,
            _ if in_tag || in_entity => {}
            _ => n += c.len_utf16(),
        }
    }
    n
}

/// Telegram's `sendPhoto` takes JPEG, PNG, WebP or GIF, never SVG: an SVG illustration
/// goes out as a text post rather than as a request bound to fail.
fn is_svg(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.to_ascii_lowercase().ends_with(".svg")
}

/// Builds the post for `article`.
pub fn post(
    template: &str,
    article: &Article,
    site_name: &str,
    base_url: &str,
    button: &str,
) -> Post {
    let photo = article
        .summary
        .image
        .as_ref()
        .filter(|i| !i.url.trim().is_empty() && !is_svg(&i.url))
        .map(|i| absolute(base_url, i.url.trim()));
    let limit = if photo.is_some() {
        CAPTION_LIMIT
    } else {
        TEXT_LIMIT
    };
    Post {
        html: render(template, article, site_name, base_url, limit),
        photo,
        link: short_link(base_url, article.summary.id),
        button: button.to_string(),
    }
}

/// The chat id as JSON: a number for numeric ids, else the `@name` string.
pub fn chat_id_value(chat: &str) -> Value {
    match chat.parse::<i64>() {
        Ok(n) => json!(n),
        Err(_) => json!(chat),
    }
}

impl Post {
    fn keyboard(&self) -> Value {
        json!({"inline_keyboard": [[{"text": self.button, "url": self.link}]]})
    }

    /// The `sendPhoto` body (only meaningful when [`Post::photo`] is set).
    pub fn send_photo(&self, chat: &str) -> Value {
        json!({
            "chat_id": chat_id_value(chat),
            "photo": self.photo,
            "caption": self.html,
            "parse_mode": "HTML",
            "reply_markup": self.keyboard(),
        })
    }

    /// The `sendMessage` body, text with the «read more» button.
    pub fn send_message(&self, chat: &str) -> Value {
        json!({
            "chat_id": chat_id_value(chat),
            "text": self.html,
            "parse_mode": "HTML",
            "reply_markup": self.keyboard(),
        })
    }

    /// The `editMessageText` body for a text post.
    pub fn edit_text(&self, chat: &str, message_id: i64) -> Value {
        json!({
            "chat_id": chat_id_value(chat),
            "message_id": message_id,
            "text": self.html,
            "parse_mode": "HTML",
            "reply_markup": self.keyboard(),
        })
    }

    /// The `editMessageCaption` body for a photo post (Telegram refuses
    /// `editMessageText` on a message without text).
    pub fn edit_caption(&self, chat: &str, message_id: i64) -> Value {
        json!({
            "chat_id": chat_id_value(chat),
            "message_id": message_id,
            "caption": self.html,
            "parse_mode": "HTML",
            "reply_markup": self.keyboard(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_measures() {
        assert_eq!(escape("a<b & \"c\">"), "a&lt;b &amp; &quot;c&quot;&gt;");
        assert_eq!(visible_len("<b>ab</b> &amp; c"), 6);
        assert_eq!(
            absolute("https://x.example", "/media/a.jpg"),
            "https://x.example/media/a.jpg"
        );
        assert_eq!(
            absolute("https://x.example", "https://cdn/a.jpg"),
            "https://cdn/a.jpg"
        );
        assert_eq!(
            short_link("https://x.example/", 42),
            "https://x.example/s/42"
        );
        assert_eq!(chat_id_value("-100123"), json!(-100123));
        assert_eq!(chat_id_value("@news"), json!("@news"));
        assert!(is_svg("/media/map.SVG?v=2") && !is_svg("/media/a.jpg"));
    }
}
