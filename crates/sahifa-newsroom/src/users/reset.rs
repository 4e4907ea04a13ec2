//! Forgot-password links: opening one for an account (the caller mails it) and setting a
//! new password with it.
//!
//! The token is a random secret of which only the blake3 hash is stored; it opens one
//! account for [`RESET_VALID_MINUTES`] and is spent by the first password set with it,
//! which also ends every session of the account and spends its other open links.

use chrono::{DateTime, Utc};

use sahifa_store::password_resets as links;
use sahifa_store::users as repo;

use super::password::{self, check_new_password};
use crate::tokens::{random_token, token_hash};
use crate::{Actor, Newsroom, NewsroomError, Result};

/// How long an emailed link stays valid.
pub const RESET_VALID_MINUTES: i64 = 30;

/// A link just opened for an account: the secret goes into the email, never anywhere else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetLink {
    /// The secret for the link's path.
    pub token: String,
    /// Where to send it.
    pub email: String,
    /// The account's display name, for the greeting.
    pub name: String,
}

impl Newsroom {
    /// Opens a link for the active account whose login is `email`; `None` when there is
    /// none (the caller answers the same either way).
    pub async fn open_password_reset(
        &self,
        email: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<ResetLink>> {
        let Some(email) = super::normalise_email(email) else {
            return Ok(None);
        };
        let Some((user, _)) = self.db().user_for_login(&email).await? else {
            return Ok(None);
        };
        if !user.active {
            return Ok(None);
        }
        let token = random_token();
        let expires = now + chrono::Duration::minutes(RESET_VALID_MINUTES);
        let mut tx = self.db().begin().await?;
        // Links dead for a day help no one; dropping them here keeps the table small.
        links::purge_before(&mut tx, now - chrono::Duration::days(1)).await?;
        links::insert(&mut tx, &token_hash(&token), user.id, now, expires).await?;
        tx.commit().await?;
        Ok(Some(ResetLink {
            token,
            email: user.email,
            name: user.name,
        }))
    }

    /// Whether `token` is an open link (to show its form or say it is spent or expired).
    pub async fn password_reset_open(&self, token: &str, now: DateTime<Utc>) -> Result<bool> {
        Ok(self
            .db()
            .password_reset_user(&token_hash(token), now)
            .await?
            .is_some())
    }

    /// Sets the password of the account `token` opens, spends the link and ends every
    /// session of the account. A spent, expired or unknown token is refused with the
    /// field `token`.
    pub async fn reset_password_with_token(
        &self,
        token: &str,
        new_password: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let hashed = token_hash(token);
        if self.db().password_reset_user(&hashed, now).await?.is_none() {
            return Err(NewsroomError::invalid("token", "admin-reset-invalid"));
        }
        if let Err(key) = check_new_password(new_password) {
            return Err(NewsroomError::invalid("password", key));
        }
        let hash = password::hash_password(new_password.to_string())
            .await
            .map_err(NewsroomError::Internal)?;
        let mut tx = self.db().begin().await?;
        // Checked again where it counts: a second click may have spent it meanwhile.
        let Some(user_id) = links::spend(&mut tx, &hashed, now).await? else {
            return Err(NewsroomError::invalid("token", "admin-reset-invalid"));
        };
        let user = repo::for_update(&mut tx, user_id)
            .await?
            .filter(|u| u.active)
            .ok_or_else(|| NewsroomError::invalid("token", "admin-reset-invalid"))?;
        repo::set_password_hash(&mut tx, user.id, &hash).await?;
        repo::delete_sessions(&mut tx, user.id, None).await?;
        links::spend_all(&mut tx, user.id, now).await?;
        let email = user.email.clone();
        super::audit(
            &mut tx,
            &Actor::User(user),
            "password-changed",
            user_id,
            &email,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
