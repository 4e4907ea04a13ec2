//! Login throttling per account and per address. Failures are stored in the database so
//! every server process counts the same attempts.

use chrono::{Duration, Utc};

use crate::error::AppError;
use crate::state::AppState;

/// Failures allowed for one account within the window.
pub const PER_ACCOUNT: i64 = 5;
/// Failures allowed from one address within the window (several people may share one).
pub const PER_IP: i64 = 20;
/// The window.
pub fn window() -> Duration {
    Duration::minutes(15)
}

/// `Some(minutes to wait)` when this account or address has failed too often.
pub async fn blocked_for(
    state: &AppState,
    account_key: &str,
    ip: &str,
) -> Result<Option<i64>, AppError> {
    let now = Utc::now();
    let since = now - window();
    let (account, account_oldest, by_ip, ip_oldest) = state
        .db()
        .login_failures_since(account_key, ip, since)
        .await?;
    let wait = |oldest: Option<chrono::DateTime<Utc>>| {
        let until = oldest.unwrap_or(now) + window();
        ((until - now).num_seconds() + 59) / 60
    };
    if account >= PER_ACCOUNT {
        return Ok(Some(wait(account_oldest).max(1)));
    }
    if by_ip >= PER_IP {
        return Ok(Some(wait(ip_oldest).max(1)));
    }
    Ok(None)
}
