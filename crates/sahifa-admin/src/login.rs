//! Logging in and out, and the profile page with the session list.
//!
//! Login errors never say whether the email exists, and an unknown email costs the same
//! argon2 verification as a wrong password, so neither words nor timing enumerate users.

use std::collections::HashMap;

use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::Utc;
use serde::Serialize;

use super::{FormFields, form_with_csrf, render};
use sahifa_http::auth::session::{cookie, set_cookie};
use sahifa_http::auth::tokens::{constant_time_eq, random_token};
use sahifa_http::auth::{CurrentUser, csrf, password, session, throttle};
use sahifa_http::error::AppError;
use sahifa_http::i18n::Arg;
use sahifa_http::state::AppState;
use sahifa_site::pages::see_other;

const LOGIN_CSRF_COOKIE: &str = "sahifa_login_csrf";

/// Only same-site admin paths may be a post-login destination (no open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with("/admin")
                && !n.starts_with("//")
                && !n.contains("://")
                && !n.contains('\\') =>
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
}

/// The context of `admin/profile.html`: the user's sessions.
#[derive(Debug, Serialize)]
struct ProfilePage<'a> {
    sessions: Vec<ProfileSession<'a>>,
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
) -> Result<Response, AppError> {
    let token = random_token();
    let ctx = LoginPage {
        error: error.as_deref(),
        email,
        next,
        login_csrf: &token,
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
    login_page(&state, StatusCode::OK, None, "", &next).await
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

    if let Some(minutes) = throttle::blocked_for(&state, &account_key, &ip).await? {
        let mut args = HashMap::new();
        args.insert("minutes".to_string(), Arg::Number(minutes));
        let message = state
            .catalog()
            .get(site.lang, "admin-login-throttled", &args);
        return login_page(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            Some(message),
            &email,
            &next,
        )
        .await;
    }

    let found = state.db().user_for_login(&email).await?;
    let (user, stored) = match found {
        Some((user, hash)) => (Some(user), Some(hash)),
        None => (None, None),
    };
    let password_ok = password::verify_password(form.raw("password"), stored).await;
    match user {
        Some(user) if password_ok && user.active => {
            state.db().clear_login_failures(&account_key).await?;
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
            state
                .db()
                .record_login_failure(&account_key, &ip, Utc::now())
                .await?;
            let message = state.catalog().text(site.lang, "admin-login-failed");
            login_page(
                &state,
                StatusCode::UNAUTHORIZED,
                Some(message),
                &email,
                &next,
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
    let headers = request.headers().clone();
    form_with_csrf(&state, &current, &headers, request).await?;
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
    let headers = request.headers().clone();
    form_with_csrf(&state, &current, &headers, request).await?;
    state
        .newsroom()
        .end_other_sessions(
            &sahifa_newsroom::Actor::User(current.user.clone()),
            &current.session.token_hash,
        )
        .await?;
    Ok(see_other("/admin/profile?msg=logged-out-others"))
}
