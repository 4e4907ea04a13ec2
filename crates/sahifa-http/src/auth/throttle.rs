//! Login throttling per account and per address, recorded before anything is checked.
//!
//! Every login first bumps two counters in the database in one transaction (the typed
//! account and the client address, see [`sahifa_store::throttle`]), and only then decides:
//! of N parallel guesses each sees a different count, also across server processes. The
//! address limit refuses outright; the account is never locked (anyone could lock anyone
//! out): after [`CAPTCHA_AFTER`] recent failed attempts a login must also answer the comment
//! CAPTCHA, and each checked attempt waits a delay that grows with those failures. The
//! owner, with the right password and the right answer, still gets in.

use chrono::{DateTime, Duration, Utc};

use crate::error::AppError;
use crate::state::AppState;

/// Attempts allowed from one address within the window (several people may share one).
pub const PER_IP: i64 = 20;
/// Failed attempts on one account after which a login must answer the CAPTCHA.
pub const CAPTCHA_AFTER: i64 = 3;
/// The longest per-account delay before a password is checked.
pub const MAX_DELAY: std::time::Duration = std::time::Duration::from_secs(2);

/// The window the counters cover.
pub fn window() -> Duration {
    Duration::minutes(15)
}

/// One login attempt, as recorded: the counts include it.
#[derive(Debug, Clone, Copy)]
pub struct Attempt {
    /// Attempts on the typed account in the window (failures: successes reset it).
    pub account: i64,
    /// Attempts from the address in the window.
    pub by_ip: i64,
    /// When the address's window began.
    pub ip_since: DateTime<Utc>,
}

impl Attempt {
    /// Failed attempts on the account before this one.
    pub fn failures_before(&self) -> i64 {
        (self.account - 1).max(0)
    }

    /// `Some(minutes to wait)` when the address is over its limit: refused unchecked.
    pub fn address_blocked_for(&self, now: DateTime<Utc>) -> Option<i64> {
        (self.by_ip > PER_IP).then(|| {
            let until = self.ip_since + window();
            (((until - now).num_seconds() + 59) / 60).max(1)
        })
    }

    /// Whether this attempt must carry the right CAPTCHA answer.
    pub fn needs_captcha(&self) -> bool {
        self.failures_before() >= CAPTCHA_AFTER
    }

    /// Whether the next attempt on this account will need it (this one failed).
    pub fn next_needs_captcha(&self) -> bool {
        self.account >= CAPTCHA_AFTER
    }

    /// How long to wait before checking the password: nothing for a first attempt, then
    /// doubling from 250 ms with each recent failure, at most [`MAX_DELAY`].
    pub fn delay(&self) -> std::time::Duration {
        match self.failures_before() {
            0 => std::time::Duration::ZERO,
            n => {
                let shift = u32::try_from(n - 1).unwrap_or(u32::MAX).min(8);
                (std::time::Duration::from_millis(250) * (1u32 << shift)).min(MAX_DELAY)
            }
        }
    }
}

fn account_row(account_key: &str) -> String {
    format!("account:{account_key}")
}

fn ip_row(ip: &str) -> String {
    format!("ip:{ip}")
}

/// Records a login attempt for the account key (the typed email, lower-cased) and the
/// address, before the password is looked at; returns the counts including it.
pub async fn record_attempt(
    state: &AppState,
    account_key: &str,
    ip: &str,
) -> Result<Attempt, AppError> {
    let now = Utc::now();
    let expired = now - window();
    let mut tx = state.db().begin().await?;
    let (account, _) =
        sahifa_store::throttle::bump(&mut tx, &account_row(account_key), now, expired).await?;
    let (by_ip, ip_since) =
        sahifa_store::throttle::bump(&mut tx, &ip_row(ip), now, expired).await?;
    tx.commit().await?;
    Ok(Attempt {
        account,
        by_ip,
        ip_since,
    })
}

/// After a successful login: the account's failures are forgotten and the attempt does not
/// count against the address.
pub async fn succeeded(state: &AppState, account_key: &str, ip: &str) -> Result<(), AppError> {
    let mut tx = state.db().begin().await?;
    sahifa_store::throttle::forget(&mut tx, &account_row(account_key)).await?;
    sahifa_store::throttle::give_back(&mut tx, &ip_row(ip)).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(account: i64) -> Attempt {
        Attempt {
            account,
            by_ip: 1,
            ip_since: Utc::now(),
        }
    }

    #[test]
    fn the_delay_grows_and_is_capped() {
        assert_eq!(attempt(1).delay(), std::time::Duration::ZERO);
        assert_eq!(attempt(2).delay(), std::time::Duration::from_millis(250));
        assert_eq!(attempt(3).delay(), std::time::Duration::from_millis(500));
        assert_eq!(attempt(40).delay(), MAX_DELAY);
        assert_eq!(attempt(i64::MAX).delay(), MAX_DELAY);
    }

    #[test]
    fn the_captcha_comes_after_a_few_failures() {
        assert!(!attempt(CAPTCHA_AFTER).needs_captcha());
        assert!(attempt(CAPTCHA_AFTER).next_needs_captcha());
        assert!(attempt(CAPTCHA_AFTER + 1).needs_captcha());
    }

    #[test]
    fn only_the_address_limit_refuses_outright() {
        let now = Utc::now();
        let mut a = attempt(1000);
        assert_eq!(a.address_blocked_for(now), None);
        a.by_ip = PER_IP + 1;
        assert_eq!(a.address_blocked_for(now), Some(15));
    }
}
