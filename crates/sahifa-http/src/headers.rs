//! Security headers on every response.
//!
//! The CSP allows scripts and styles from the site itself only (no `unsafe-inline`), which
//! is why the theme carries no inline script or style. Images may come from anywhere over
//! HTTPS because imported articles often embed remote pictures.

use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; \
    font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
    frame-ancestors 'none'";

/// Adds the security headers a handler did not set itself.
pub async fn security_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let defaults: [(HeaderName, &'static str); 5] = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ),
    ];
    for (name, value) in defaults {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    response
}

/// Refuses, before any handler or query runs, a URL whose path carries a NUL byte (`%00`):
/// no slug or id holds one, and PostgreSQL would refuse it in a text parameter with an
/// error instead of a miss. Answers a bare 400, which the error-page middleware dresses.
/// Query strings are the handlers' own (nothing a reader types into search is an error).
pub async fn refuse_nul_in_url(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let uri = request.uri();
    let carries_nul = |part: &str| {
        part.as_bytes()
            .windows(3)
            .any(|w| matches!(w, [b'%', b'0', b'0']))
    };
    if carries_nul(uri.path()) {
        return axum::response::IntoResponse::into_response(axum::http::StatusCode::BAD_REQUEST);
    }
    next.run(request).await
}
