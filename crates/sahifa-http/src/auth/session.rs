//! Sessions: a random token in an HttpOnly cookie pointing at a row in the database, so a
//! session can be revoked at once and is shared by every server process on one PostgreSQL.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use chrono::{Duration, Utc};
use sahifa_store::{SessionRow, User};

use super::tokens::{random_token, token_hash};
use crate::error::AppError;
use crate::state::AppState;

/// Name of the session cookie.
pub const SESSION_COOKIE: &str = "sahifa_session";

/// The signed-in account and its session, for admin handlers.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    /// The account.
    pub user: User,
    /// The session row (holds the CSRF token).
    pub session: SessionRow,
}

/// Reads one cookie from the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value with the attributes every Sahifa cookie carries. `Secure` with an
/// https base URL; a request that reached a trusted https proxy gets it added on the way
/// out ([`crate::client::resolve_client`]).
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age_secs: i64) -> String {
    let secure = if state.config().base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
}

/// The client's address: the socket peer, or behind a trusted proxy the client it names
/// (see [`crate::client`]). What sessions, login throttling and comments record.
pub fn client_ip(parts_extensions: &axum::http::Extensions) -> String {
    crate::client::ClientAddr::of(parts_extensions)
        .map(|client| client.ip.to_string())
        .unwrap_or_else(|| "unknown".to_string())
}

/// Starts a session for `user`; returns the `Set-Cookie` header value.
pub async fn start_session(
    state: &AppState,
    user: &User,
    headers: &HeaderMap,
    ip: &str,
) -> Result<String, AppError> {
    let token = random_token();
    let now = Utc::now();
    let row = SessionRow {
        token_hash: token_hash(&token),
        user_id: user.id,
        csrf_token: random_token(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + state.config().session_absolute,
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .chars()
            .take(200)
            .collect(),
        ip: ip.to_string(),
    };
    state.db().create_session(&row).await?;
    Ok(set_cookie(
        state,
        SESSION_COOKIE,
        &token,
        state.config().session_absolute.num_seconds(),
    ))
}

/// A `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie(state: &AppState) -> String {
    set_cookie(state, SESSION_COOKIE, "", 0)
}

/// Finds the live session of a request, ending it when idle or past its absolute expiry.
pub async fn load_session(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<CurrentUser>, AppError> {
    let Some(token) = cookie(headers, SESSION_COOKIE).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let hash = token_hash(token);
    let Some((session, user)) = state.db().session(&hash).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    if session.expires_at <= now || session.last_seen_at + state.config().session_idle <= now {
        state.db().delete_session(&hash).await?;
        return Ok(None);
    }
    // Writing on every request would make each page view a database write; a minute's
    // precision is plenty for an idle timeout measured in hours.
    if now - session.last_seen_at > Duration::seconds(60) {
        state.db().touch_session(&hash, now).await?;
    }
    Ok(Some(CurrentUser { user, session }))
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match load_session(state, &parts.headers).await? {
            Some(current)
                if super::permissions::can(&current.user, super::Capability::UseAdmin) =>
            {
                Ok(current)
            }
            _ => {
                // Inside a nested router `uri` lost the mount's prefix (`/articles/23` for
                // `/admin/articles/23`); the original URI still has it.
                let uri = parts
                    .extensions
                    .get::<axum::extract::OriginalUri>()
                    .map_or(&parts.uri, |o| &o.0);
                let next = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/admin");
                Err(AppError::LoginRequired(next.to_string()))
            }
        }
    }
}
