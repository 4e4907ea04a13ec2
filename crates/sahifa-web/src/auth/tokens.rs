//! Random secrets (session tokens, CSRF tokens, API tokens) and their stored hashes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// 32 random bytes, URL-safe base64 (43 characters).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    if getrandom::fill(&mut bytes).is_err() {
        // The OS random source failing is unrecoverable for a server that hands out
        // credentials; refusing to continue is the only safe answer.
        panic!("the operating system's random number generator failed");
    }
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database stores for a token: its blake3 hash, hex.
pub fn token_hash(token: &str) -> String {
    blake3::hash(token.as_bytes()).to_hex().to_string()
}

/// Mints a personal API token for `user_id` and stores only its hash; returns the secret,
/// which the caller shows once (it cannot be recovered later).
pub async fn mint_api_token(
    db: &sahifa_store::Db,
    user_id: i64,
    name: &str,
) -> Result<String, sahifa_store::StoreError> {
    let secret = format!("shf_{}", random_token());
    let prefix: String = secret.chars().take(10).collect();
    db.create_api_token(user_id, name, &token_hash(&secret), &prefix)
        .await?;
    Ok(secret)
}

/// Compares two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = random_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token());
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), a);
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
