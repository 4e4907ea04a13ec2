//! Themed, translated error pages for every HTML error response.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use sahifa_store::SiteSettings;

use crate::view;
use sahifa_http::error::{self, AppError};
use sahifa_http::state::{AppState, SiteView};

/// The error page's context (error.html); not to be confused with the
/// [`error::ErrorPage`] marker a response carries to ask for it.
#[derive(Debug, Serialize)]
pub struct ErrorPage<'a> {
    /// The HTTP status code.
    status: u16,
    title: &'a str,
    message: &'a str,
}

/// Fallback for URLs no route matches.
pub async fn not_found() -> AppError {
    AppError::NotFound
}

/// Replaces the body of error responses that carry an [`error::ErrorPage`] marker, or that the
/// router produced bare (405, a rejected path), with the error page.
pub async fn render_errors(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let response = next.run(request).await;
    if response
        .extensions()
        .get::<sahifa_http::error::ApiError>()
        .is_some()
    {
        let lang = match state.site().await {
            Ok(site) => site.lang,
            Err(_) => sahifa_text::dates::Lang::Ar,
        };
        return sahifa_http::error::render_api_error(response, state.catalog(), lang);
    }
    let (status, message_key) = match response.extensions().get::<error::ErrorPage>() {
        Some(error::ErrorPage(status, key)) => (*status, *key),
        None if is_bare_router_error(&response) => (response.status(), None),
        None => return response,
    };
    let mut page = error_page_with(&state, status, message_key).await;
    if let Some(retry) = response.headers().get(header::RETRY_AFTER) {
        page.headers_mut()
            .insert(header::RETRY_AFTER, retry.clone());
    }
    if status == StatusCode::METHOD_NOT_ALLOWED
        && let Some(allow) = response.headers().get(header::ALLOW)
    {
        page.headers_mut().insert(header::ALLOW, allow.clone());
    }
    page
}

fn is_bare_router_error(response: &Response) -> bool {
    let status = response.status();
    (status.is_client_error() || status.is_server_error())
        && !response.headers().contains_key(header::CONTENT_TYPE)
        || (status == StatusCode::METHOD_NOT_ALLOWED || status == StatusCode::BAD_REQUEST)
            && response
                .headers()
                .get(header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(b"text/plain"))
}

/// Renders the error page for `status`; if even that fails (the database is down), a
/// minimal Arabic page still goes out with the right status.
pub async fn error_page(state: &AppState, status: StatusCode) -> Response {
    error_page_with(state, status, None).await
}

/// The error page for `status`, saying `message_key` instead of the status's own words
/// when the error has words of its own (a conflict, a rate limit).
pub async fn error_page_with(
    state: &AppState,
    status: StatusCode,
    message_key: Option<&'static str>,
) -> Response {
    let site = match state.site().await {
        Ok(site) => site,
        Err(_) => std::sync::Arc::new(SiteView::new(SiteSettings::default(), Vec::new())),
    };
    let (title_key, status_message_key) = match status.as_u16() {
        404 => ("error-404-title", "error-404-message"),
        400 => ("error-400-title", "error-400-message"),
        403 => ("error-403-title", "error-403-message"),
        405 => ("error-405-title", "error-400-message"),
        409 => ("error-409-title", "error-conflict"),
        413 => ("error-413-title", "error-413-message"),
        422 => ("error-422-title", "admin-error-fix-below"),
        429 => ("error-429-title", "error-429-message"),
        _ => ("error-500-title", "error-500-message"),
    };
    let message_key = message_key.unwrap_or(status_message_key);
    let catalog = state.catalog();
    let title = catalog.text(site.lang, title_key);
    let message = catalog.text(site.lang, message_key);
    let ctx = ErrorPage {
        status: status.as_u16(),
        title: &title,
        message: &message,
    };
    let page_title = format!("{title} - {}", site.settings.name);
    let html = match view::render(state, &site, "error.html", &page_title, None, "/", ctx) {
        Ok(html) => html,
        Err(err) => {
            tracing::error!(error = %err, "error page failed to render");
            format!(
                "<!doctype html><html lang=\"ar\" dir=\"rtl\"><meta charset=\"utf-8\"><title>{title}</title><h1>{title}</h1><p>{message}</p></html>"
            )
        }
    };
    let mut response = (status, Body::from(html)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
