//! The forgot-password flow: `/admin/forgot` asks for the login email and, when SMTP is
//! configured, mails a single-use link to `/admin/reset/{token}`, whose form sets a new
//! password (see [`sahifa_newsroom::users::reset`]).
//!
//! The answer to a request is the same whether or not the account exists, and so is its
//! timing: the mail leaves in the background ([`mail`]). Requests are counted per address
//! and per typed account in the login throttle's table; over either limit nothing is sent
//! (the address limit also says so, which tells nothing about accounts). Without SMTP the
//! page says to ask an administrator, and `sahifa user passwd` stays the operator's way.

pub mod mail;

use std::collections::HashMap;

use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::{Duration, Utc};
use serde::Serialize;

use sahifa_http::auth::csrf;
use sahifa_http::auth::session::{self, cookie, set_cookie};
use sahifa_http::auth::tokens::{constant_time_eq, random_token};
use sahifa_http::error::AppError;
use sahifa_http::i18n::Arg;
use sahifa_http::state::AppState;
use sahifa_newsroom::NewsroomError;
use sahifa_newsroom::users::reset::RESET_VALID_MINUTES;

use super::{FormFields, render_with_status};

/// The anonymous forms' CSRF cookie (double submit, like the login form's).
const RESET_CSRF_COOKIE: &str = "sahifa_reset_csrf";

/// Reset requests allowed from one address per window.
pub const PER_IP: i64 = 10;
/// Reset mails one account may be sent per window.
pub const PER_ACCOUNT: i64 = 3;

/// The window the request counters cover.
fn window() -> Duration {
    Duration::hours(1)
}

/// The context of `admin/forgot.html`.
#[derive(Debug, Serialize)]
struct ForgotPage<'a> {
    /// Whether mail can be sent at all.
    smtp: bool,
    /// The neutral "if the account exists, a link is on its way" answer.
    sent: bool,
    error: Option<&'a str>,
    email: &'a str,
    form_csrf: &'a str,
}

/// What `admin/reset.html` shows.
#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
enum ResetState {
    /// The new-password form.
    Form,
    /// The link is spent, expired or unknown.
    Invalid,
    /// The password is set.
    Done,
}

/// The context of `admin/reset.html`.
#[derive(Debug, Serialize)]
struct ResetPage<'a> {
    state: ResetState,
    error: Option<&'a str>,
    token: &'a str,
    form_csrf: &'a str,
}

/// Renders `template` with a fresh form token, set in the cookie too.
async fn page_with_token<T: Serialize>(
    state: &AppState,
    status: StatusCode,
    template: &str,
    title_key: &str,
    ctx: T,
    form_csrf: &str,
) -> Result<Response, AppError> {
    let mut response = render_with_status(status, state, None, template, title_key, ctx).await?;
    if let Ok(value) = HeaderValue::from_str(&set_cookie(state, RESET_CSRF_COOKIE, form_csrf, 3600))
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

async fn forgot_page(
    state: &AppState,
    status: StatusCode,
    sent: bool,
    error: Option<&str>,
    email: &str,
) -> Result<Response, AppError> {
    let smtp = state.config().smtp_url.is_some();
    let form_csrf = random_token();
    page_with_token(
        state,
        status,
        "admin/forgot.html",
        "admin-forgot-title",
        ForgotPage {
            smtp,
            sent,
            error,
            email,
            form_csrf: &form_csrf,
        },
        &form_csrf,
    )
    .await
}

async fn reset_page(
    state: &AppState,
    status: StatusCode,
    reset: ResetState,
    error: Option<&str>,
    token: &str,
) -> Result<Response, AppError> {
    let form_csrf = random_token();
    let mut response = page_with_token(
        state,
        status,
        "admin/reset.html",
        "admin-reset-title",
        ResetPage {
            state: reset,
            error,
            token,
            form_csrf: &form_csrf,
        },
        &form_csrf,
    )
    .await?;
    // The token is in this page's URL: no link or resource may carry it elsewhere.
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}

/// Reads an anonymous form and checks its double-submit token and origin.
async fn anonymous_form(
    state: &AppState,
    request: Request,
) -> Result<(FormFields, String), AppError> {
    let headers: HeaderMap = request.headers().clone();
    let ip = session::client_ip(request.extensions());
    let axum::Form(fields) = <axum::Form<Vec<(String, String)>> as axum::extract::FromRequest<
        AppState,
    >>::from_request(request, state)
    .await
    .map_err(|_| AppError::BadRequest)?;
    let form = FormFields(fields.into_iter().collect());
    let expected = cookie(&headers, RESET_CSRF_COOKIE).unwrap_or("");
    if !csrf::same_origin(state, &headers)
        || expected.is_empty()
        || !constant_time_eq(expected, &form.text(csrf::CSRF_FIELD))
    {
        return Err(AppError::Forbidden);
    }
    Ok((form, ip))
}

/// `GET /admin/forgot`.
pub async fn show_forgot(State(state): State<AppState>) -> Result<Response, AppError> {
    forgot_page(&state, StatusCode::OK, false, None, "").await
}

/// `POST /admin/forgot`: the same answer for every address.
pub async fn submit_forgot(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, AppError> {
    let (form, ip) = anonymous_form(&state, request).await?;
    if state.config().smtp_url.is_none() {
        return forgot_page(&state, StatusCode::OK, false, None, "").await;
    }
    let email = form.text("email");
    let account_key = email.to_lowercase();
    let now = Utc::now();
    let expired = now - window();
    let mut tx = state.db().begin().await?;
    let (by_ip, _) =
        sahifa_store::throttle::bump(&mut tx, &format!("reset-ip:{ip}"), now, expired).await?;
    let (by_account, _) = sahifa_store::throttle::bump(
        &mut tx,
        &format!("reset-account:{account_key}"),
        now,
        expired,
    )
    .await?;
    tx.commit().await?;
    let site = state.site().await?;
    if by_ip > PER_IP {
        let message = state.catalog().text(site.lang, "admin-forgot-throttled");
        let mut response = forgot_page(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            false,
            Some(&message),
            &email,
        )
        .await?;
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(3600u32));
        return Ok(response);
    }
    if by_account <= PER_ACCOUNT
        && let Some(link) = state.newsroom().open_password_reset(&email, now).await?
    {
        let url = format!("{}/admin/reset/{}", state.config().base_url, link.token);
        let mut args = HashMap::new();
        args.insert("name".to_string(), Arg::Text(link.name.clone()));
        args.insert("link".to_string(), Arg::Text(url));
        args.insert("minutes".to_string(), Arg::Number(RESET_VALID_MINUTES));
        args.insert("site".to_string(), Arg::Text(site.settings.name.clone()));
        let subject = state
            .catalog()
            .get(site.lang, "admin-reset-mail-subject", &args);
        let body = state
            .catalog()
            .get(site.lang, "admin-reset-mail-body", &args);
        mail::send_in_background(
            &state,
            mail::Outgoing {
                to: link.email,
                subject,
                body,
            },
        );
    }
    forgot_page(&state, StatusCode::OK, true, None, "").await
}

/// `GET /admin/reset/{token}`: the new-password form, or why the link no longer works.
pub async fn show_reset(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    if state
        .newsroom()
        .password_reset_open(&token, Utc::now())
        .await?
    {
        reset_page(&state, StatusCode::OK, ResetState::Form, None, &token).await
    } else {
        reset_page(&state, StatusCode::GONE, ResetState::Invalid, None, "").await
    }
}

/// `POST /admin/reset/{token}`: sets the password, ends the account's sessions, spends
/// the link.
pub async fn submit_reset(
    State(state): State<AppState>,
    Path(token): Path<String>,
    request: Request,
) -> Result<Response, AppError> {
    let (form, _) = anonymous_form(&state, request).await?;
    let password = form.raw("password");
    if password != form.raw("password_confirm") {
        let site = state.site().await?;
        let message = state.catalog().text(site.lang, "admin-reset-mismatch");
        return reset_page(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            ResetState::Form,
            Some(&message),
            &token,
        )
        .await;
    }
    match state
        .newsroom()
        .reset_password_with_token(&token, &password, Utc::now())
        .await
    {
        Ok(()) => reset_page(&state, StatusCode::OK, ResetState::Done, None, "").await,
        Err(NewsroomError::Invalid(problems)) if problems.iter().any(|p| p.field == "token") => {
            reset_page(&state, StatusCode::GONE, ResetState::Invalid, None, "").await
        }
        Err(NewsroomError::Invalid(problems)) => {
            let site = state.site().await?;
            let key = problems.first().map_or("admin-reset-invalid", |p| p.key);
            let message = state.catalog().text(site.lang, key);
            reset_page(
                &state,
                StatusCode::UNPROCESSABLE_ENTITY,
                ResetState::Form,
                Some(&message),
                &token,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}
