//! One error type for page handlers. It never carries internals to the reader: a handler
//! returns `AppError`, the response holds only an [`ErrorPage`] marker, and the
//! `render_errors` middleware turns the marker into the themed, translated error page.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

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
    /// A failure on our side; logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<sahifa_store::StoreError> for AppError {
    fn from(err: sahifa_store::StoreError) -> Self {
        AppError::Internal(err.to_string())
    }
}

impl From<minijinja::Error> for AppError {
    fn from(err: minijinja::Error) -> Self {
        AppError::Internal(format!("{err:#}"))
    }
}

/// Marker left in an error response for the error-page middleware.
#[derive(Debug, Clone, Copy)]
pub struct ErrorPage(pub StatusCode);

impl AppError {
    /// The HTTP status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest => StatusCode::BAD_REQUEST,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::LoginRequired(_) => StatusCode::SEE_OTHER,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
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
            return crate::pages::see_other(&target);
        }
        let status = self.status();
        let mut response = status.into_response();
        response.extensions_mut().insert(ErrorPage(status));
        response
    }
}
