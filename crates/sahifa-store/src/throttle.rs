//! Attempt counters and claims that must hold under concurrency and across processes: the
//! login throttle's counters and the comment flood rule's claims (migration 0007).
//!
//! Each is one upsert whose result says what the caller may do, so there is no window
//! between reading a count and recording an attempt: on PostgreSQL the conflicting row is
//! locked and re-read by the second writer, on SQLite the write lock is held by the `Tx`.

use chrono::{DateTime, SubsecRound, Utc};

use crate::{Result, Tx};

/// Records one attempt for `key` and returns how many there were in the current window,
/// this one included, with the window's start. A window that began at or before `expired`
/// starts again at 1.
pub async fn bump(
    tx: &mut Tx,
    key: &str,
    now: DateTime<Utc>,
    expired: DateTime<Utc>,
) -> Result<(i64, DateTime<Utc>)> {
    let now = now.trunc_subsecs(6);
    Ok(with_tx!(tx, |conn| sqlx::query_as(
        "INSERT INTO login_throttle (key, attempts, window_start) VALUES ($1, 1, $2) \
         ON CONFLICT (key) DO UPDATE SET \
           attempts = CASE WHEN login_throttle.window_start <= $3 THEN 1 \
                           ELSE login_throttle.attempts + 1 END, \
           window_start = CASE WHEN login_throttle.window_start <= $3 THEN excluded.window_start \
                               ELSE login_throttle.window_start END \
         RETURNING CAST(attempts AS BIGINT), window_start"
    )
    .bind(key)
    .bind(now)
    .bind(expired)
    .fetch_one(&mut *conn)
    .await)?)
}

/// Takes one attempt back from `key` (a login that succeeded does not count against its
/// address).
pub async fn give_back(tx: &mut Tx, key: &str) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "UPDATE login_throttle SET attempts = attempts - 1 WHERE key = $1 AND attempts > 0"
    )
    .bind(key)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Forgets every attempt of `key` (an account after a successful login).
pub async fn forget(tx: &mut Tx, key: &str) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM login_throttle WHERE key = $1"
    )
    .bind(key)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Claims `key` for a comment at `now` unless it was claimed after `since`: `None` when
/// the claim is taken, else the time of the claim that stands (to tell the reader how long
/// to wait). Rolled back with the comment's transaction when the comment is refused later.
pub async fn claim_flood(
    tx: &mut Tx,
    key: &str,
    now: DateTime<Utc>,
    since: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>> {
    let now = now.trunc_subsecs(6);
    let taken: Option<(DateTime<Utc>,)> = with_tx!(tx, |conn| sqlx::query_as(
        "INSERT INTO comment_flood (key, last_at) VALUES ($1, $2) \
         ON CONFLICT (key) DO UPDATE SET last_at = excluded.last_at \
         WHERE comment_flood.last_at <= $3 \
         RETURNING last_at"
    )
    .bind(key)
    .bind(now)
    .bind(since)
    .fetch_optional(&mut *conn)
    .await)?;
    if taken.is_some() {
        return Ok(None);
    }
    let standing: Option<(DateTime<Utc>,)> = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT last_at FROM comment_flood WHERE key = $1"
    )
    .bind(key)
    .fetch_optional(&mut *conn)
    .await)?;
    Ok(Some(standing.map_or(now, |(at,)| at)))
}

/// Drops counters and claims older than `before` (they no longer limit anything).
pub async fn purge_before(tx: &mut Tx, before: DateTime<Utc>) -> Result<u64> {
    let a = with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM login_throttle WHERE window_start < $1"
    )
    .bind(before)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    let b = with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM comment_flood WHERE last_at < $1"
    )
    .bind(before)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(a + b)
}
