//! The web layer's two error shapes, both fed from one place: [`AppError`] for HTML pages
//! and [`ApiError`] for the JSON API. A use case's [`NewsroomError`] maps into either once,
//! here. Neither ever carries internals to the reader: an HTML error response holds only an
//! [`ErrorPage`] marker, which the `render_errors` middleware turns into the themed,
//! translated page; a JSON error holds a stable code and catalogue messages.

use std::collections::BTreeMap;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sahifa_newsroom::{FieldError, NewsroomError};
use serde::Serialize;

use crate::i18n::Catalog;

/// What went wrong while serving a page.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Nothing lives at this URL.
    #[error("not found")]
    NotFound,
    /// The URL or form is malformed (e.g. `?page=abc`).
    #[error("bad request")]
    BadRequest,
    /// Signed in, but the role does not allow this (or the CSRF check failed).
    #[error("forbidden")]
    Forbidden,
    /// Not signed in: go to the login page, then back to this path.
    #[error("login required")]
    LoginRequired(String),
    /// The input breaks a rule (pages with a form show the fields instead).
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// The write collides with another; the catalogue key says how.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// Too many attempts; the catalogue key says what to do.
    #[error("rate limited: {0}")]
    RateLimited(&'static str, Option<u64>),
    /// A failure on our side; logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<NewsroomError> for AppError {
    fn from(err: NewsroomError) -> Self {
        match err {
            NewsroomError::Invalid(fields) => AppError::Invalid(fields),
            NewsroomError::Forbidden => AppError::Forbidden,
            NewsroomError::NotFound => AppError::NotFound,
            NewsroomError::Conflict { key, .. } => AppError::Conflict(key),
            NewsroomError::RateLimited { key, retry_after } => {
                AppError::RateLimited(key, retry_after)
            }
            NewsroomError::Internal(detail) => AppError::Internal(detail),
        }
    }
}

impl From<sahifa_store::StoreError> for AppError {
    fn from(err: sahifa_store::StoreError) -> Self {
        NewsroomError::from(err).into()
    }
}

impl From<minijinja::Error> for AppError {
    fn from(err: minijinja::Error) -> Self {
        AppError::Internal(format!("{err:#}"))
    }
}

/// Marker left in an error response for the error-page middleware: the status and, when
/// the error has its own words, their catalogue key.
#[derive(Debug, Clone, Copy)]
pub struct ErrorPage(pub StatusCode, pub Option<&'static str>);

impl AppError {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest => StatusCode::BAD_REQUEST,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::LoginRequired(_) => StatusCode::SEE_OTHER,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::RateLimited(..) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The catalogue key of this error's own message, when it has one.
    fn message_key(&self) -> Option<&'static str> {
        match self {
            AppError::Invalid(fields) => fields.first().map(|f| f.key),
            AppError::Conflict(key) | AppError::RateLimited(key, _) => Some(key),
            _ => None,
        }
    }
}

/// A `303 See Other` to `location` (the answer to a successful form post).
pub fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response(),
        Err(_) => AppError::BadRequest.into_response(),
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self {
            tracing::error!(%detail, "request failed");
        }
        if let AppError::LoginRequired(next) = &self {
            let target = format!("/admin/login?next={}", crate::urls::query_value(next));
            return see_other(&target);
        }
        let status = self.status();
        let mut response = status.into_response();
        if let AppError::RateLimited(_, Some(seconds)) = &self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*seconds));
        }
        response
            .extensions_mut()
            .insert(ErrorPage(status, self.message_key()));
        response
    }
}

/// The JSON error every API answers with:
/// `{"error": {"code": "...", "message": "...", "fields": {"title": "..."}}}`.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// A stable machine-readable code (`invalid`, `not_found`, ...).
    pub code: &'static str,
    /// The message, in the site's language.
    pub message: String,
    /// Field problems, in the site's language.
    pub fields: BTreeMap<String, String>,
    /// Seconds after which a retry may succeed (429).
    pub retry_after: Option<u64>,
}

#[derive(Serialize)]
struct ApiErrorBody<'a> {
    error: ApiErrorInner<'a>,
}

#[derive(Serialize)]
struct ApiErrorInner<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    fields: &'a BTreeMap<String, String>,
}

impl ApiError {
    /// An error with a code and the catalogue message `key`.
    pub fn new(
        catalog: &Catalog,
        lang: sahifa_text::dates::Lang,
        status: StatusCode,
        code: &'static str,
        key: &str,
    ) -> ApiError {
        ApiError {
            status,
            code,
            message: catalog.text(lang, key),
            fields: BTreeMap::new(),
            retry_after: None,
        }
    }

    /// The JSON form of a page error, in `lang`.
    pub fn from_app(catalog: &Catalog, lang: sahifa_text::dates::Lang, err: AppError) -> ApiError {
        let status = err.status();
        let (code, key) = match &err {
            AppError::NotFound => ("not_found", "api-not-found"),
            AppError::Forbidden => ("forbidden", "api-forbidden"),
            AppError::BadRequest => ("bad_request", "api-bad-request"),
            AppError::LoginRequired(_) => ("unauthorized", "api-unauthorized"),
            AppError::Invalid(_) => ("invalid", "admin-error-fix-below"),
            AppError::Conflict(key) => ("conflict", *key),
            AppError::RateLimited(key, _) => ("rate_limited", *key),
            AppError::Internal(detail) => {
                tracing::error!(%detail, "api request failed");
                ("internal", "error-500-message")
            }
        };
        let status = match err {
            AppError::LoginRequired(_) => StatusCode::UNAUTHORIZED,
            _ => status,
        };
        let mut api = ApiError::new(catalog, lang, status, code, key);
        if let AppError::Invalid(fields) = &err {
            api.fields = fields
                .iter()
                .map(|f| (f.field.to_string(), catalog.text(lang, f.key)))
                .collect();
        }
        if let AppError::RateLimited(_, retry_after) = err {
            api.retry_after = retry_after;
        }
        api
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ApiErrorBody {
            error: ApiErrorInner {
                code: self.code,
                message: &self.message,
                fields: &self.fields,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        let headers = response.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
