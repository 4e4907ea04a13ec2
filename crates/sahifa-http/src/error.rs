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
#[derive(Debug, Clone, thiserror::Error)]
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
    /// The request body is larger than this route accepts; the catalogue key says which.
    #[error("too large: {0}")]
    TooLarge(&'static str),
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
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::RateLimited(..) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The catalogue key of this error's own message, when it has one.
    fn message_key(&self) -> Option<&'static str> {
        match self {
            AppError::Invalid(fields) => fields.first().map(|f| f.key),
            AppError::Conflict(key) | AppError::RateLimited(key, _) | AppError::TooLarge(key) => {
                Some(key)
            }
            _ => None,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self {
            tracing::error!(%detail, "request failed");
        }
        if let AppError::LoginRequired(next) = &self {
            let target = format!("/admin/login?next={}", crate::urls::query_value(next));
            return crate::responses::see_other(&target);
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
/// `{"error": {"code": "...", "message": "...", "fields": {"title": "..."}}}`. Like the
/// page errors it holds catalogue keys, not words: the `render_errors` middleware writes
/// the body in the site's language, so any handler can return one without the catalogue.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// A stable machine-readable code (`invalid`, `not_found`, ...).
    pub code: &'static str,
    /// The catalogue key of the message.
    pub key: &'static str,
    /// Field problems as catalogue keys.
    pub fields: Vec<FieldError>,
    /// Field problems whose words come from elsewhere (a JSON parser's own message).
    pub raw_fields: BTreeMap<String, String>,
    /// Seconds after which a retry may succeed (429).
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with a code and the catalogue message `key`.
    pub fn new(status: StatusCode, code: &'static str, key: &'static str) -> ApiError {
        ApiError {
            status,
            code,
            key,
            fields: Vec::new(),
            raw_fields: BTreeMap::new(),
            retry_after: None,
        }
    }

    /// The body, in `lang`.
    pub fn body(&self, catalog: &Catalog, lang: sahifa_text::dates::Lang) -> serde_json::Value {
        let mut fields: BTreeMap<String, String> = self
            .fields
            .iter()
            .map(|f| (f.field.to_string(), catalog.text(lang, f.key)))
            .collect();
        fields.extend(self.raw_fields.clone());
        let message = catalog.text(lang, self.key);
        serde_json::to_value(ApiErrorBody {
            error: ApiErrorInner {
                code: self.code,
                message: &message,
                fields: &fields,
            },
        })
        .unwrap_or_default()
    }
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

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        let (status, code, key) = match &err {
            AppError::NotFound => (StatusCode::NOT_FOUND, "not_found", "api-not-found"),
            AppError::Forbidden => (StatusCode::FORBIDDEN, "forbidden", "api-forbidden"),
            AppError::BadRequest => (StatusCode::BAD_REQUEST, "bad_request", "api-bad-request"),
            AppError::LoginRequired(_) => {
                (StatusCode::UNAUTHORIZED, "unauthorized", "api-unauthorized")
            }
            AppError::Invalid(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "admin-error-fix-below",
            ),
            AppError::Conflict(key) => (StatusCode::CONFLICT, "conflict", *key),
            AppError::RateLimited(key, _) => (StatusCode::TOO_MANY_REQUESTS, "rate_limited", *key),
            AppError::TooLarge(key) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large", *key),
            AppError::Internal(detail) => {
                tracing::error!(%detail, "api request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "error-500-message",
                )
            }
        };
        let mut api = ApiError::new(status, code, key);
        match err {
            AppError::Invalid(fields) => api.fields = fields,
            AppError::RateLimited(_, retry_after) => api.retry_after = retry_after,
            _ => {}
        }
        api
    }
}

impl From<NewsroomError> for ApiError {
    fn from(err: NewsroomError) -> Self {
        AppError::from(err).into()
    }
}

impl From<sahifa_store::StoreError> for ApiError {
    fn from(err: sahifa_store::StoreError) -> Self {
        AppError::from(err).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        let headers = response.headers_mut();
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response.extensions_mut().insert(self);
        response
    }
}

/// Writes an [`ApiError`] left in a response as its JSON body, in `lang`.
pub fn render_api_error(
    mut response: Response,
    catalog: &Catalog,
    lang: sahifa_text::dates::Lang,
) -> Response {
    let Some(err) = response.extensions_mut().remove::<ApiError>() else {
        return response;
    };
    let mut rendered = (err.status, Json(err.body(catalog, lang))).into_response();
    for name in [header::WWW_AUTHENTICATE, header::RETRY_AFTER, header::ALLOW] {
        if let Some(value) = response.headers().get(&name) {
            rendered.headers_mut().insert(name, value.clone());
        }
    }
    rendered
}
