//! Logging in and out, and the profile page with the session list.
//!
//! Login errors never say whether the email exists, and an unknown email costs the same
//! argon2 verification as a wrong password, so neither words nor timing enumerate users.
//!
//! Order of a login (issue 15): the attempt is recorded first ([`throttle::record_attempt`]),
//! then an address over its limit is refused, then an account with recent failures must
//! answer the CAPTCHA and waits a growing delay, and only then is the password checked, on
//! the bounded hashing pool (full → 429). Nothing here locks an account.

use std::collections::HashMap;

use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::Utc;
use serde::Serialize;

use sahifa_newsroom::NewsroomError;
use sahifa_newsroom::comments::captcha::Challenge;

use super::{FormFields, form_with_csrf, render};
use sahifa_http::auth::session::{cookie, set_cookie};
use sahifa_http::auth::tokens::{constant_time_eq, random_token};
use sahifa_http::auth::{CurrentUser, csrf, password, session, throttle};
use sahifa_http::error::AppError;
use sahifa_http::i18n::Arg;
use sahifa_http::state::AppState;
use sahifa_site::pages::see_other;

const LOGIN_CSRF_COOKIE: &str = "sahifa_login_csrf";

/// Only local admin paths may be a post-login destination (no open redirect): `/admin`
/// itself or below it, nothing that a browser could read as another host.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if (n == "/admin" || n.starts_with("/admin/") || n.starts_with("/admin?"))
                && !n.contains("://")
                && !n.contains("//")
                && !n.contains('\\')
                && !n.chars().any(char::is_control) =>
        {
            n.to_string()
        }
        _ => "/admin".to_string(),
    }
}

/// The context of `admin/login.html`.
#[derive(Debug, Serialize)]
struct LoginPage<'a> {
    /// The refusal, already in the site's language.
    error: Option<&'a str>,
    email: &'a str,
    /// Where to go after logging in.
    next: &'a str,
    /// The token the form echoes; its twin is in the login CSRF cookie.
    login_csrf: &'a str,
    /// The CAPTCHA question, once the account had a few failed logins.
    captcha_question: Option<&'a str>,
    /// Its signed token.
    captcha_token: Option<&'a str>,
}

/// The context of `admin/profile.html`: the user's sessions.
#[derive(Debug, Serialize)]
struct ProfilePage<'a> {
    sessions: Vec<ProfileSession<'a>>,
    /// The own byline's profile form; `None` for an account without a byline.
    profile: Option<crate::author_profile::ProfileForm>,
    notice: Option<&'static str>,
}

/// One signed-in session of the user.
#[derive(Debug, Serialize)]
struct ProfileSession<'a> {
    /// The session this page is being viewed in.
    current: bool,
    created: String,
    last_seen: String,
    user_agent: &'a str,
    ip: &'a str,
}

async fn login_page(
    state: &AppState,
    status: StatusCode,
    error: Option<String>,
    email: &str,
    next: &str,
    captcha: Option<&Challenge>,
) -> Result<Response, AppError> {
    let token = random_token();
    let ctx = LoginPage {
        error: error.as_deref(),
        email,
        next,
        login_csrf: &token,
        captcha_question: captcha.and_then(|c| c.question.as_deref()),
        captcha_token: captcha.map(|c| c.token.as_str()),
    };
    let mut response = render(state, None, "admin/login.html", "admin-login-title", ctx).await?;
    *response.status_mut() = status;
    if let Ok(value) = HeaderValue::from_str(&set_cookie(state, LOGIN_CSRF_COOKIE, &token, 3600)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// `GET /admin/login`.
pub async fn show_login(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let next = safe_next(query.get("next").map(String::as_str));
    if session::load_session(&state, &headers).await?.is_some() {
        return Ok(see_other(&next));
    }
    login_page(&state, StatusCode::OK, None, "", &next, None).await
}

/// A refusal page with a `Retry-After` header.
async fn retry_later(
    state: &AppState,
    message: String,
    email: &str,
    next: &str,
    seconds: u64,
) -> Result<Response, AppError> {
    let mut response = login_page(
        state,
        StatusCode::TOO_MANY_REQUESTS,
        Some(message),
        email,
        next,
        None,
    )
    .await?;
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    Ok(response)
}

/// `POST /admin/login`.
pub async fn submit_login(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, AppError> {
    let headers = request.headers().clone();
    let ip = session::client_ip(request.extensions());
    let axum::Form(fields) = <axum::Form<Vec<(String, String)>> as axum::extract::FromRequest<
        AppState,
    >>::from_request(request, &state)
    .await
    .map_err(|_| AppError::BadRequest)?;
    let form = FormFields(fields.into_iter().collect());
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    let submitted = form.text(csrf::CSRF_FIELD);
    if !csrf::same_origin(&state, &headers)
        || expected.is_empty()
        || !constant_time_eq(expected, &submitted)
    {
        return Err(AppError::Forbidden);
    }
    let email = form.text("email");
    let next = safe_next(Some(&form.text("next")));
    let site = state.site().await?;
    let account_key = email.to_lowercase();

    // Recorded before anything is checked, so parallel guesses each count.
    let attempt = throttle::record_attempt(&state, &account_key, &ip).await?;
    if let Some(minutes) = attempt.address_blocked_for(Utc::now()) {
        let mut args = HashMap::new();
        args.insert("minutes".to_string(), Arg::Number(minutes));
        let message = state
            .catalog()
            .get(site.lang, "admin-login-throttled", &args);
        let seconds = u64::try_from(minutes * 60).unwrap_or(60);
        return retry_later(&state, message, &email, &next, seconds).await;
    }
    if attempt.needs_captcha() {
        let checked = state
            .newsroom()
            .check_login_captcha(
                &account_key,
                &form.text("captcha_token"),
                &form.text("captcha_answer"),
            )
            .await;
        match checked {
            Ok(()) => {}
            Err(NewsroomError::Invalid(problems)) => {
                let key = problems.first().map_or("login-captcha-required", |p| p.key);
                let message = state.catalog().text(site.lang, key);
                let challenge = state.newsroom().login_challenge(&account_key).await?;
                return login_page(
                    &state,
                    StatusCode::UNAUTHORIZED,
                    Some(message),
                    &email,
                    &next,
                    Some(&challenge),
                )
                .await;
            }
            Err(other) => return Err(other.into()),
        }
    }
    // Slows the guesser, not the owner: the owner waits a couple of seconds at most.
    tokio::time::sleep(attempt.delay()).await;

    let found = state.db().user_for_login(&email).await?;
    let (user, stored) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let Ok(password_ok) = password::verify_login(form.raw("password"), stored).await else {
        let message = state.catalog().text(site.lang, "admin-login-busy");
        return retry_later(&state, message, &email, &next, 2).await;
    };
    match user {
        Some(user) if password_ok && user.active => {
            throttle::succeeded(&state, &account_key, &ip).await?;
            let set = session::start_session(&state, &user, &headers, &ip).await?;
            let mut response = see_other(&next);
            if let Ok(value) = HeaderValue::from_str(&set) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            if let Ok(value) = HeaderValue::from_str(&set_cookie(&state, LOGIN_CSRF_COOKIE, "", 0))
            {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
            Ok(response)
        }
        _ => {
            let message = state.catalog().text(site.lang, "admin-login-failed");
            let challenge = if attempt.next_needs_captcha() {
                Some(state.newsroom().login_challenge(&account_key).await?)
            } else {
                None
            };
            login_page(
                &state,
                StatusCode::UNAUTHORIZED,
                Some(message),
                &email,
                &next,
                challenge.as_ref(),
            )
            .await
        }
    }
}

/// `POST /admin/logout`.
pub async fn logout(
    State(state): State<AppState>,
    current: CurrentUser,
    request: Request,
) -> Result<Response, AppError> {
    form_with_csrf(&state, &current, request).await?;
    state
        .db()
        .delete_session(&current.session.token_hash)
        .await?;
    let mut response = see_other("/admin/login");
    if let Ok(value) = HeaderValue::from_str(&session::clear_session_cookie(&state)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

/// `GET /admin/profile`: the user's sessions, with "log out other sessions".
pub async fn show_profile(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let site = state.site().await?;
    let sessions = state.db().user_sessions(current.user.id).await?;
    let ctx = ProfilePage {
        sessions: sessions
            .iter()
            .map(|s| ProfileSession {
                current: s.token_hash == current.session.token_hash,
                created: sahifa_site::view::display_date(&site, &s.created_at),
                last_seen: sahifa_site::view::display_date(&site, &s.last_seen_at),
                user_agent: &s.user_agent,
                ip: &s.ip,
            })
            .collect(),
        profile: crate::author_profile::stored_form(
            &state,
            current.user.author_id,
            "/admin/profile/author".into(),
        )
        .await?,
        notice: super::notice(&query),
    };
    render(
        &state,
        Some(&current),
        "admin/profile.html",
        "admin-profile-title",
        ctx,
    )
    .await
}

/// `POST /admin/profile/logout-others`.
pub async fn logout_others(
    State(state): State<AppState>,
    current: CurrentUser,
    request: Request,
) -> Result<Response, AppError> {
    form_with_csrf(&state, &current, request).await?;
    state
        .newsroom()
        .end_other_sessions(
            &sahifa_newsroom::Actor::User(current.user.clone()),
            &current.session.token_hash,
        )
        .await?;
    Ok(see_other("/admin/profile?msg=logged-out-others"))
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_a_local_admin_path() {
        assert_eq!(safe_next(Some("/admin/articles/23")), "/admin/articles/23");
        assert_eq!(safe_next(Some("/admin?x=1")), "/admin?x=1");
        for hostile in [
            "//evil.example/admin",
            "/admin//evil.example",
            "https://evil.example/admin",
            "/admin\\@evil.example",
            "/administrator",
            "/articles/23",
            "/admin/\nx",
            "",
        ] {
            assert_eq!(safe_next(Some(hostile)), "/admin", "{hostile:?}");
        }
        assert_eq!(safe_next(None), "/admin");
    }
}
