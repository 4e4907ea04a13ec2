//! Forgot-password links (migration 0009): the blake3 hash of each emailed token, whose
//! account it opens, until when, and whether it was spent.
//!
//! Spending is one conditional update, so of two requests carrying the same token only one
//! gets the account back; an expired or spent token matches nothing.

use chrono::{DateTime, SubsecRound, Utc};

use crate::{Db, Result, Tx};

/// Stores a new link's token hash for `user_id`, valid until `expires_at`.
pub async fn insert(
    tx: &mut Tx,
    token_hash: &str,
    user_id: i64,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<()> {
    let (now, expires_at) = (now.trunc_subsecs(6), expires_at.trunc_subsecs(6));
    with_tx!(tx, |conn| sqlx::query(
        "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4)"
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Spends the link if it is unspent and unexpired at `now`; returns its account.
pub async fn spend(tx: &mut Tx, token_hash: &str, now: DateTime<Utc>) -> Result<Option<i64>> {
    let now = now.trunc_subsecs(6);
    let row: Option<(i64,)> = with_tx!(tx, |conn| sqlx::query_as(
        "UPDATE password_resets SET used_at = $2 \
         WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 \
         RETURNING CAST(user_id AS BIGINT)"
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await)?;
    Ok(row.map(|(id,)| id))
}

/// Spends every other open link of `user_id` (a password just set makes them moot).
pub async fn spend_all(tx: &mut Tx, user_id: i64, now: DateTime<Utc>) -> Result<u64> {
    let now = now.trunc_subsecs(6);
    Ok(with_tx!(tx, |conn| sqlx::query(
        "UPDATE password_resets SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL"
    )
    .bind(user_id)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?)
}

/// Drops links that expired before `before`.
pub async fn purge_before(tx: &mut Tx, before: DateTime<Utc>) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM password_resets WHERE expires_at < $1"
    )
    .bind(before.trunc_subsecs(6))
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?)
}

impl Db {
    /// The account a link opens, if it is unspent and unexpired at `now` (nothing is
    /// spent: this is for showing the new-password form).
    pub async fn password_reset_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>> {
        let now = now.trunc_subsecs(6);
        let row: Option<(i64,)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT CAST(user_id AS BIGINT) FROM password_resets \
             WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2"
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(pool)
        .await)?;
        Ok(row.map(|(id,)| id))
    }
}
