//! Personal API tokens: create (the secret is shown once; only its blake3 hash is kept)
//! and revoke, each with its audit entry in the same transaction. Everyone manages their
//! own tokens; administrators may create and revoke anybody's.
//!
//! Also the random secrets every credential is made of (session, CSRF and API tokens).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use sahifa_store::newsroom::{AuditRecord, insert_audit};
use sahifa_store::users as repo;

use crate::permissions::Capability;
use crate::{Actor, Newsroom, NewsroomError, Result};

/// Longest token name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// What every API token starts with, so a leaked one is recognisable (secret scanners).
pub const TOKEN_PREFIX: &str = "shf_";

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

/// Compares two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A token just created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    /// Row id.
    pub id: i64,
    /// The secret: shown once, it cannot be recovered later.
    pub secret: String,
}

impl Newsroom {
    /// Creates an API token named `name` for account `user_id`; returns the secret.
    pub async fn create_token(&self, actor: &Actor, user_id: i64, name: &str) -> Result<NewToken> {
        let own = actor.user_id() == Some(user_id) && actor.can(Capability::UseAdmin);
        if !own && !actor.can(Capability::ManageUsers) {
            return Err(NewsroomError::Forbidden);
        }
        let name = name.trim();
        if name.is_empty() {
            return Err(NewsroomError::invalid("name", "admin-error-name-required"));
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(NewsroomError::invalid("name", "admin-error-name-too-long"));
        }
        let secret = format!("{TOKEN_PREFIX}{}", random_token());
        let prefix: String = secret.chars().take(10).collect();
        let mut tx = self.db().begin().await?;
        if repo::for_update(&mut tx, user_id).await?.is_none() {
            return Err(NewsroomError::NotFound);
        }
        let id = repo::insert_token(&mut tx, user_id, name, &token_hash(&secret), &prefix).await?;
        audit(&mut tx, actor, "created", id, name).await?;
        tx.commit().await?;
        Ok(NewToken { id, secret })
    }

    /// Revokes API token `id`: one's own, or anybody's for an administrator. A token the
    /// actor may not touch is answered as not found, so ids do not reveal other accounts'.
    pub async fn revoke_token(&self, actor: &Actor, id: i64) -> Result<()> {
        let mut tx = self.db().begin().await?;
        let token = repo::token_for_update(&mut tx, id)
            .await?
            .filter(|t| t.revoked_at.is_none())
            .ok_or(NewsroomError::NotFound)?;
        let own = actor.user_id() == Some(token.user_id) && actor.can(Capability::UseAdmin);
        if !own && !actor.can(Capability::ManageUsers) {
            return Err(NewsroomError::NotFound);
        }
        if !repo::revoke_token(&mut tx, id).await? {
            return Err(NewsroomError::NotFound);
        }
        audit(&mut tx, actor, "revoked", id, &token.name).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Appends an audit entry about token `id`.
async fn audit(
    tx: &mut sahifa_store::Tx,
    actor: &Actor,
    action: &str,
    id: i64,
    detail: &str,
) -> Result<()> {
    insert_audit(
        tx,
        &AuditRecord {
            actor: actor.audit_name(),
            action,
            object_kind: "token",
            object_id: Some(id),
            detail,
        },
    )
    .await?;
    Ok(())
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
