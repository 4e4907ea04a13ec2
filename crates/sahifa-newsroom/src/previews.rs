//! Private preview links: an article's preview page for someone without an account (the
//! source who wants to check a quote, the editor-in-chief on a phone), until the link
//! expires.
//!
//! A link carries the article's id and its expiry, signed with a key only the site knows
//! (blake3's keyed hash, the key kept in the settings and made on first use), so nothing
//! is stored per link and a link cannot be altered to reach another article or to last
//! longer.

use chrono::{DateTime, Utc};

use crate::{Newsroom, Result};

/// How long a preview link works.
pub const PREVIEW_LINK_HOURS: i64 = 48;

const SECRET_KEY: &str = "preview.secret";

impl Newsroom {
    /// The token of a preview link to article `id` that works until `until`.
    pub async fn preview_token(&self, id: i64, until: DateTime<Utc>) -> Result<String> {
        let key = self.preview_key().await?;
        let expires = until.timestamp();
        Ok(format!("{id}.{expires}.{}", signature(&key, id, expires)))
    }

    /// The article a preview token opens at `now`, if it is genuine and unexpired.
    pub async fn previewed_article(&self, token: &str, now: DateTime<Utc>) -> Result<Option<i64>> {
        let mut parts = token.splitn(3, '.');
        let (Some(id), Some(expires), Some(given)) = (parts.next(), parts.next(), parts.next())
        else {
            return Ok(None);
        };
        let (Ok(id), Ok(expires)) = (id.parse::<i64>(), expires.parse::<i64>()) else {
            return Ok(None);
        };
        if expires <= now.timestamp() {
            return Ok(None);
        }
        let Some(key) = self.db().setting(SECRET_KEY).await? else {
            return Ok(None);
        };
        let key = decode_key(&key);
        let genuine = crate::tokens::constant_time_eq(&signature(&key, id, expires), given);
        Ok(genuine.then_some(id))
    }

    /// The signing key, made and stored on first use.
    async fn preview_key(&self) -> Result<[u8; 32]> {
        if let Some(key) = self.db().setting(SECRET_KEY).await? {
            return Ok(decode_key(&key));
        }
        let mut tx = self.db().begin().await?;
        // Another process may have made it meanwhile: theirs wins.
        let key = match sahifa_store::settings::setting(&mut tx, SECRET_KEY).await? {
            Some(key) => key,
            None => {
                let key = crate::tokens::random_token();
                sahifa_store::settings::put(&mut tx, SECRET_KEY, &key).await?;
                key
            }
        };
        tx.commit().await?;
        Ok(decode_key(&key))
    }
}

/// The 32-byte key of a stored secret (any text: hashed to length).
fn decode_key(secret: &str) -> [u8; 32] {
    *blake3::hash(secret.as_bytes()).as_bytes()
}

fn signature(key: &[u8; 32], id: i64, expires: i64) -> String {
    let signed = blake3::keyed_hash(key, format!("preview:{id}:{expires}").as_bytes());
    signed
        .to_hex()
        .as_str()
        .get(..32)
        .unwrap_or_default()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_binds_the_article_and_the_expiry() {
        let key = decode_key("secret");
        let a = signature(&key, 7, 100);
        assert_eq!(a.len(), 32);
        assert_ne!(a, signature(&key, 8, 100));
        assert_ne!(a, signature(&key, 7, 101));
        assert_ne!(a, signature(&decode_key("other"), 7, 100));
    }
}
