//! Password hashing with argon2id. Hashing is deliberately slow and memory-hungry, so it
//! runs on a bounded pool: at most one hash per core at a time, on the blocking threads
//! (never on the async threads that serve readers, and never inside an open transaction:
//! on SQLite that would hold the write lock for the whole hash).
//!
//! Memory bound: each hash holds `M_COST_KIB` (19 MiB) while it runs, so the pool holds at
//! most `cores × 19 MiB` (38 MiB on two cores) whatever the load. Logins beyond the queue
//! limit are refused at once ([`Busy`], answered 429) instead of piling up.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::Semaphore;

/// The shortest password the newsroom accepts.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// The longest password accepted, in bytes: argon2 takes any length, but a megabyte
/// "password" is only a way to make the server work.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// argon2 memory cost per hash, in KiB (OWASP's argon2id baseline).
pub const M_COST_KIB: u32 = 19 * 1024;

/// How many logins may wait for the pool, per core, before more are refused.
pub const QUEUE_PER_CORE: usize = 8;

fn hasher() -> Argon2<'static> {
    // OWASP's argon2id baseline: 19 MiB, 2 passes, 1 lane.
    let params = Params::new(M_COST_KIB, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The pool is full: the caller should answer "try again shortly" (429 with Retry-After).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

/// At most `permits` hashes run at once; `in_flight` counts those running and waiting.
struct Pool {
    permits: Arc<Semaphore>,
    size: usize,
    in_flight: AtomicUsize,
    limit: usize,
}

static POOL: LazyLock<Pool> = LazyLock::new(|| {
    let size = std::thread::available_parallelism().map_or(2, |n| n.get());
    Pool {
        permits: Arc::new(Semaphore::new(size)),
        size,
        in_flight: AtomicUsize::new(0),
        limit: size + size * QUEUE_PER_CORE,
    }
});

/// Hashes running at once at most (the number of cores).
pub fn pool_size() -> usize {
    POOL.size
}

/// Counts one request in flight until dropped, also when the waiting future is dropped
/// (the client left) or when the blocking hash it was moved into ends.
struct InFlight;

impl Drop for InFlight {
    fn drop(&mut self) {
        POOL.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Runs `work` on the pool. `bounded` requests (logins, which anyone can send) are refused
/// when the queue is full; others (account changes by signed-in users) wait their turn.
async fn run<T: Send + 'static>(
    bounded: bool,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Busy> {
    let before = POOL.in_flight.fetch_add(1, Ordering::AcqRel);
    let guard = InFlight;
    if bounded && before >= POOL.limit {
        return Err(Busy);
    }
    let permit = POOL
        .permits
        .clone()
        .acquire_owned()
        .await
        .map_err(|_| Busy)?;
    // The permit and the count move into the blocking task: a hash keeps its slot until it
    // ends, even when the request that started it is gone.
    tokio::task::spawn_blocking(move || {
        let result = work();
        drop(permit);
        drop(guard);
        result
    })
    .await
    .map_err(|_| Busy)
}

/// Hashes a password (blocking; call through [`hash_password`] from async code).
pub fn hash_password_blocking(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Hashes a password on the pool (waits for a slot).
pub async fn hash_password(password: String) -> Result<String, String> {
    run(false, move || hash_password_blocking(&password))
        .await
        .map_err(|_| "password pool unavailable".to_string())?
}

fn verify_blocking(password: &str, stored: Option<String>) -> bool {
    let stored = stored.unwrap_or_else(|| DUMMY_HASH.clone());
    match PasswordHash::new(&stored) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Checks a password against a stored hash on the pool (waits for a slot). With no stored
/// hash (an unknown account) a dummy hash is checked instead, so the answer takes as long
/// either way and timing does not reveal which accounts exist.
pub async fn verify_password(password: String, stored: Option<String>) -> bool {
    run(false, move || verify_blocking(&password, stored))
        .await
        .unwrap_or(false)
}

/// Like [`verify_password`] for a login, which anyone can send: refused with [`Busy`] when
/// the pool's queue is full instead of waiting.
pub async fn verify_login(password: String, stored: Option<String>) -> Result<bool, Busy> {
    run(true, move || verify_blocking(&password, stored)).await
}

static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
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

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_full_queue_refuses_logins_and_recovers() {
        let hash = hash_password("كلمة سر طويلة جداً".into())
            .await
            .expect("hash");
        let limit = pool_size() * (1 + QUEUE_PER_CORE);
        let tasks: Vec<_> = (0..limit * 3)
            .map(|_| {
                let hash = hash.clone();
                tokio::spawn(async move { verify_login("wrong".into(), Some(hash)).await })
            })
            .collect();
        let mut busy = 0;
        let mut checked = 0;
        for t in tasks {
            match t.await.expect("task") {
                Err(Busy) => busy += 1,
                Ok(ok) => {
                    assert!(!ok);
                    checked += 1;
                }
            }
        }
        assert!(busy > 0, "some logins refused beyond the queue");
        assert!(checked >= pool_size(), "the pool still checked some");
        // Everything that ran has given its slot back.
        assert_eq!(
            verify_login("كلمة سر طويلة جداً".into(), Some(hash)).await,
            Ok(true)
        );
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
