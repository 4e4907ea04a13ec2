//! Newsroom accounts, their sessions, login throttling records and API tokens.
//!
//! Reads are [`Db`] methods; writes are free functions taking the use case's [`Tx`], so an
//! account, its sessions and its audit entry change together.
//!
//! This module stores hashes only: password hashes (argon2id, computed by the caller off
//! the async threads), and blake3 hashes of session and API tokens, so the database never
//! holds a credential that works by itself.

use crate::error::Unique;
use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;

use crate::{Db, Result, StoreError, Tx};

/// A newsroom role, with WordPress's names and meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, including users and settings.
    Administrator,
    /// All articles, publishing, categories, comments.
    Editor,
    /// Writes and publishes their own articles.
    Author,
    /// Writes their own drafts and submits them for review.
    Contributor,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 4] = [
        Role::Administrator,
        Role::Editor,
        Role::Author,
        Role::Contributor,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Administrator => "administrator",
            Role::Editor => "editor",
            Role::Author => "author",
            Role::Contributor => "contributor",
        }
    }

    /// Parses a stored or typed name.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }
}

/// An account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Row id.
    pub id: i64,
    /// Login, lowercased.
    pub email: String,
    /// Display name.
    pub name: String,
    /// What the account may do.
    pub role: Role,
    /// The byline the account writes under.
    pub author_id: Option<i64>,
    /// Disabled accounts cannot log in and their sessions stop working.
    pub active: bool,
    /// When the account was made.
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    email: String,
    name: String,
    role: String,
    author_id: Option<i64>,
    active: bool,
    created_at: DateTime<Utc>,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        User {
            id: r.id,
            email: r.email,
            name: r.name,
            // An unknown stored role can only come from a hand edit: give it the least power.
            role: Role::parse(&r.role).unwrap_or(Role::Contributor),
            author_id: r.author_id,
            active: r.active,
            created_at: r.created_at,
        }
    }
}

/// A user row plus its password hash.
type LoginRow = (
    i64,
    String,
    String,
    String,
    Option<i64>,
    bool,
    DateTime<Utc>,
    String,
);

const USER_COLUMNS: &str = "id, email, name, role, author_id, active, created_at";

/// A stored session, found by the hash of its cookie token.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SessionRow {
    /// Hash of the cookie token.
    pub token_hash: String,
    /// Whose session.
    pub user_id: i64,
    /// The token forms must echo back.
    pub csrf_token: String,
    /// Login time.
    pub created_at: DateTime<Utc>,
    /// Last request.
    pub last_seen_at: DateTime<Utc>,
    /// Absolute expiry.
    pub expires_at: DateTime<Utc>,
    /// Browser, for the session list.
    pub user_agent: String,
    /// Address at login.
    pub ip: String,
}

/// A personal API token (never the token itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ApiToken {
    /// Row id.
    pub id: i64,
    /// Owner.
    pub user_id: i64,
    /// What it is for ("وكالة الأنباء", "تطبيق الجوال").
    pub name: String,
    /// The first characters, to recognise it in a list.
    pub prefix: String,
    /// Creation time.
    pub created_at: DateTime<Utc>,
    /// Last use.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Revocation time; a revoked token never works again.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Db {
    /// Every account, by name.
    pub async fn users(&self) -> Result<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY name, id");
        let rows: Vec<UserRow> =
            with_pool!(self, |pool| sqlx::query_as(&sql).fetch_all(pool).await)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// One account.
    pub async fn user_by_id(&self, id: i64) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        let row: Option<UserRow> = with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(Into::into))
    }

    /// An account and its password hash, by email.
    pub async fn user_for_login(&self, email: &str) -> Result<Option<(User, String)>> {
        // No rule here: an address that is not valid simply matches no account.
        let email = email.trim().to_lowercase();
        let sql = format!("SELECT {USER_COLUMNS}, password_hash FROM users WHERE email = $1");
        let row: Option<LoginRow> = with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(&email)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(
            |(id, email, name, role, author_id, active, created_at, hash)| {
                (
                    UserRow {
                        id,
                        email,
                        name,
                        role,
                        author_id,
                        active,
                        created_at,
                    }
                    .into(),
                    hash,
                )
            },
        ))
    }

    /// How many active administrators exist (the last one cannot be demoted or removed).
    pub async fn active_admin_count(&self) -> Result<i64> {
        let (n,): (i64,) = with_pool!(self, |pool| {
            sqlx::query_as(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM users WHERE role = 'administrator' AND active = $1"
        )
        .bind(true)
        .fetch_one(pool)
        .await
        })?;
        Ok(n)
    }

    // ----- sessions -----

    /// Stores a new session.
    pub async fn create_session(&self, session: &SessionRow) -> Result<()> {
        with_pool!(self, |pool| {
            sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, user_agent, ip) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        )
        .bind(&session.token_hash)
        .bind(session.user_id)
        .bind(&session.csrf_token)
        .bind(session.created_at)
        .bind(session.last_seen_at)
        .bind(session.expires_at)
        .bind(&session.user_agent)
        .bind(&session.ip)
        .execute(pool)
        .await
        .map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    /// A session and its (active) user.
    pub async fn session(&self, token_hash: &str) -> Result<Option<(SessionRow, User)>> {
        let row: Option<SessionRow> = with_pool!(self, |pool| {
            sqlx::query_as(
            "SELECT token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, user_agent, ip \
             FROM sessions WHERE token_hash = $1"
        )
        .bind(token_hash)
        .fetch_optional(pool)
        .await
        })?;
        let Some(row) = row else { return Ok(None) };
        match self.user_by_id(row.user_id).await? {
            Some(user) if user.active => Ok(Some((row, user))),
            _ => Ok(None),
        }
    }

    /// Records activity on a session (for idle expiry).
    pub async fn touch_session(&self, token_hash: &str, at: DateTime<Utc>) -> Result<()> {
        with_pool!(self, |pool| sqlx::query(
            "UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2"
        )
        .bind(at.trunc_subsecs(0))
        .bind(token_hash)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Ends one session.
    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        with_pool!(self, |pool| sqlx::query(
            "DELETE FROM sessions WHERE token_hash = $1"
        )
        .bind(token_hash)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The sessions of a user, newest first.
    pub async fn user_sessions(&self, user_id: i64) -> Result<Vec<SessionRow>> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as(
            "SELECT token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, user_agent, ip \
             FROM sessions WHERE user_id = $1 ORDER BY last_seen_at DESC"
        )
        .bind(user_id)
        .fetch_all(pool)
        .await
        })?)
    }

    /// Drops sessions past their absolute expiry or idle for longer than `idle_before`.
    pub async fn purge_sessions(
        &self,
        now: DateTime<Utc>,
        idle_before: DateTime<Utc>,
    ) -> Result<u64> {
        Ok(with_pool!(self, |pool| sqlx::query(
            "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2"
        )
        .bind(now)
        .bind(idle_before)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?)
    }

    // ----- API tokens -----

    /// The tokens of one user (or every token when `user_id` is `None`), newest first.
    pub async fn api_tokens(&self, user_id: Option<i64>) -> Result<Vec<ApiToken>> {
        Ok(with_pool!(self, |pool| {
            sqlx::query_as(
            "SELECT id, user_id, name, prefix, created_at, last_used_at, revoked_at FROM api_tokens \
             WHERE ($1 IS NULL OR user_id = $1) ORDER BY id DESC"
        )
        .bind(user_id)
        .fetch_all(pool)
        .await
        })?)
    }

    /// The active user a live (unrevoked) token belongs to; records its use.
    pub async fn user_for_api_token(&self, token_hash: &str) -> Result<Option<User>> {
        let row: Option<(i64, i64)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT id, user_id FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL"
        )
        .bind(token_hash)
        .fetch_optional(pool)
        .await)?;
        let Some((token_id, user_id)) = row else {
            return Ok(None);
        };
        with_pool!(self, |pool| sqlx::query(
            "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2"
        )
        .bind(Utc::now().trunc_subsecs(0))
        .bind(token_id)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(self.user_by_id(user_id).await?.filter(|u| u.active))
    }
}

// ----- writes, inside a use case's transaction -----

/// What an account row is written with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserWrite<'a> {
    /// Display name, as checked.
    pub name: &'a str,
    /// Role.
    pub role: Role,
    /// Byline.
    pub author_id: Option<i64>,
    /// Whether the account may log in.
    pub active: bool,
}

/// Inserts an account with an email the caller has normalised; returns its id.
pub async fn insert(
    tx: &mut Tx,
    email: &str,
    password_hash: &str,
    w: &UserWrite<'_>,
) -> Result<i64> {
    let (id,): (i64,) = with_tx!(tx, |conn| sqlx::query_as(
        "INSERT INTO users (email, name, role, password_hash, author_id, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"
    )
    .bind(email)
    .bind(w.name)
    .bind(w.role.as_str())
    .bind(password_hash)
    .bind(w.author_id)
    .bind(w.active)
    .bind(Utc::now().trunc_subsecs(0))
    .fetch_one(&mut *conn)
    .await)
    .map_err(|e| StoreError::on_unique(e, Unique::UserEmail))?;
    Ok(id)
}

/// Account `id` inside `tx`, locked against concurrent changes until the transaction ends
/// (PostgreSQL: `FOR UPDATE`; SQLite: the transaction holds the write lock).
pub async fn for_update(tx: &mut Tx, id: i64) -> Result<Option<User>> {
    let mut sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
    if tx.backend() == crate::Backend::Postgres {
        sql.push_str(" FOR UPDATE");
    }
    let row: Option<UserRow> = with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await)?;
    Ok(row.map(Into::into))
}

/// The ids of the active administrators, locked so that two concurrent demotions cannot
/// both see another administrator left.
pub async fn active_admin_ids(tx: &mut Tx) -> Result<Vec<i64>> {
    let mut sql =
        "SELECT id FROM users WHERE role = 'administrator' AND active = $1 ORDER BY id".to_string();
    if tx.backend() == crate::Backend::Postgres {
        sql.push_str(" FOR UPDATE");
    }
    let rows: Vec<(i64,)> = with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(true)
        .fetch_all(&mut *conn)
        .await)?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Replaces name, role, byline and whether account `id` is active.
pub async fn update(tx: &mut Tx, id: i64, w: &UserWrite<'_>) -> Result<()> {
    let done = with_tx!(tx, |conn| sqlx::query(
        "UPDATE users SET name = $1, role = $2, author_id = $3, active = $4 WHERE id = $5"
    )
    .bind(w.name)
    .bind(w.role.as_str())
    .bind(w.author_id)
    .bind(w.active)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))
    .map_err(|e| StoreError::on_unique(e, Unique::UserEmail))?;
    if done == 0 {
        return Err(StoreError::NotFound("user"));
    }
    Ok(())
}

/// Replaces the password hash of account `id`.
pub async fn set_password_hash(tx: &mut Tx, id: i64, password_hash: &str) -> Result<()> {
    let done = with_tx!(tx, |conn| sqlx::query(
        "UPDATE users SET password_hash = $1 WHERE id = $2"
    )
    .bind(password_hash)
    .bind(id)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound("user"));
    }
    Ok(())
}

/// Deletes account `id`; its sessions and tokens go with it (foreign keys), its articles
/// stay without an owner.
pub async fn delete(tx: &mut Tx, id: i64) -> Result<()> {
    let done = with_tx!(tx, |conn| sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
    if done == 0 {
        return Err(StoreError::NotFound("user"));
    }
    Ok(())
}

/// Ends every session of `user_id` except `keep` (a token hash); returns how many ended.
pub async fn delete_sessions(tx: &mut Tx, user_id: i64, keep: Option<&str>) -> Result<u64> {
    Ok(with_tx!(tx, |conn| sqlx::query(
        "DELETE FROM sessions WHERE user_id = $1 AND ($2 IS NULL OR token_hash <> $2)"
    )
    .bind(user_id)
    .bind(keep)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?)
}

/// Stores a new API token's hash and prefix; returns its id.
pub async fn insert_token(
    tx: &mut Tx,
    user_id: i64,
    name: &str,
    token_hash: &str,
    prefix: &str,
) -> Result<i64> {
    let (id,): (i64,) = with_tx!(tx, |conn| sqlx::query_as(
        "INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id"
    )
    .bind(user_id)
    .bind(name)
    .bind(token_hash)
    .bind(prefix)
    .bind(Utc::now().trunc_subsecs(0))
    .fetch_one(&mut *conn)
    .await)
    .map_err(|e| StoreError::on_unique(e, Unique::TokenHash))?;
    Ok(id)
}

/// API token `id` inside `tx`, locked until the transaction ends.
pub async fn token_for_update(tx: &mut Tx, id: i64) -> Result<Option<ApiToken>> {
    let mut sql = "SELECT id, user_id, name, prefix, created_at, last_used_at, revoked_at \
                   FROM api_tokens WHERE id = $1"
        .to_string();
    if tx.backend() == crate::Backend::Postgres {
        sql.push_str(" FOR UPDATE");
    }
    Ok(with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await)?)
}

/// Revokes API token `id` if it is live; returns whether it was.
pub async fn revoke_token(tx: &mut Tx, id: i64) -> Result<bool> {
    let done = with_tx!(tx, |conn| sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL"
    )
    .bind(Utc::now().trunc_subsecs(0))
    .bind(id)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(done > 0)
}
