//! Redirect answers shared by pages, forms and feeds. A location that cannot be a header
//! value answers a bare status, which the error-page middleware dresses as the themed page.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// A 303 to `location`: where a form submission sends the browser next.
pub fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

/// A 301 to `location`. (axum's `Redirect::permanent` answers 308; old links, crawlers and
/// WordPress-era tooling expect the classic 301.)
pub fn moved_permanently(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, value)]).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}
