//! Password hashing with argon2id. Hashing is deliberately slow, so it always runs on the
//! blocking pool, never on the async threads that serve readers, and never inside an open
//! transaction (on SQLite that would hold the write lock for the whole hash).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// The shortest password the newsroom accepts.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// The longest password accepted, in bytes: argon2 takes any length, but a megabyte
/// "password" is only a way to make the server work.
pub const MAX_PASSWORD_BYTES: usize = 1024;

fn hasher() -> Argon2<'static> {
    // OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password (blocking; call through [`hash_password`] from async code).
pub fn hash_password_blocking(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Hashes a password on the blocking pool.
pub async fn hash_password(password: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || hash_password_blocking(&password))
        .await
        .map_err(|e| e.to_string())?
}

/// Checks a password against a stored hash on the blocking pool. With no stored hash (an
/// unknown account) a dummy hash is checked instead, so the answer takes as long either
/// way and timing does not reveal which accounts exist.
pub async fn verify_password(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
        match PasswordHash::new(&stored) {
            Ok(parsed) => hasher()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        }
    })
    .await
    .unwrap_or(false)
}

static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    hash_password_blocking("not a real password, never matches").unwrap_or_default()
});

/// Whether a new password is acceptable; returns the locale key of the problem.
pub fn check_new_password(password: &str) -> Result<(), &'static str> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        Err("password-too-short")
    } else if password.len() > MAX_PASSWORD_BYTES {
        Err("password-too-long")
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_differ() {
        let a = hash_password("كلمة سر طويلة جداً".into())
            .await
            .expect("hash");
        let b = hash_password("كلمة سر طويلة جداً".into())
            .await
            .expect("hash");
        assert_ne!(a, b, "salted");
        assert!(a.starts_with("$argon2id$"));
        assert!(verify_password("كلمة سر طويلة جداً".into(), Some(a.clone())).await);
        assert!(!verify_password("wrong".into(), Some(a)).await);
        assert!(!verify_password("anything".into(), None).await);
    }

    #[test]
    fn policy() {
        assert_eq!(check_new_password("short"), Err("password-too-short"));
        assert_eq!(check_new_password("ten chars!"), Ok(()));
        assert_eq!(
            check_new_password(&"x".repeat(MAX_PASSWORD_BYTES + 1)),
            Err("password-too-long")
        );
    }
}
