//! Security headers on every response.
//!
//! The CSP allows scripts and styles from the site itself only (no `unsafe-inline`), which
//! is why the theme carries no inline script or style. Images may come from anywhere over
//! HTTPS because imported articles often embed remote pictures.
//!
//! `Strict-Transport-Security` is sent only when the site's public origin is https: the
//! server marks each request with [`Hsts`] then (see `sahifa_web::server`), because a
//! browser told to insist on https for a site served over plain http could not reach it.

use axum::http::{HeaderName, HeaderValue, header};
use axum::response::Response;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; \
    font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; \
    frame-ancestors 'none'";

/// The CSP of a page that frames embedded posts: the default policy, with `frame-src`
/// allowing exactly `origins` (the providers of the embeds on that page, see
/// `sahifa_text::embeds::Provider::frame_origin`). Every other page frames nothing, as
/// `default-src 'self'` and the site's own pages are never framed.
pub fn csp_framing(origins: &[&'static str]) -> HeaderValue {
    if origins.is_empty() {
        return HeaderValue::from_static(CSP);
    }
    let mut value = format!("{CSP}; frame-src");
    for origin in origins {
        value.push(' ');
        value.push_str(origin);
    }
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static(CSP))
}

/// One year. Without `includeSubDomains`: other hosts under the site's domain may not be
/// served over https, and the site cannot know.
pub const HSTS_VALUE: &str = "max-age=31536000";

/// Request marker: the public origin is https, so responses carry
/// `Strict-Transport-Security`.
#[derive(Debug, Clone, Copy)]
pub struct Hsts;

impl Hsts {
    /// The marker for a site whose public origin is `base_url`.
    pub fn for_base_url(base_url: &str) -> Option<Hsts> {
        base_url
            .get(..8)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
            .then_some(Hsts)
    }
}

/// Adds the security headers a handler did not set itself.
pub async fn security_headers(
    hsts: Option<axum::Extension<Hsts>>,
    mut response: Response,
) -> Response {
    let headers = response.headers_mut();
    if hsts.is_some() {
        headers
            .entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static(HSTS_VALUE));
    }
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

#[cfg(test)]
mod tests {
    use super::{CSP, Hsts, csp_framing};

    #[test]
    fn a_framing_page_allows_exactly_its_providers() {
        assert_eq!(csp_framing(&[]), CSP);
        let value = csp_framing(&["https://www.youtube-nocookie.com", "https://t.me"]);
        let value = value.to_str().unwrap_or_default();
        assert!(value.starts_with(CSP));
        assert!(value.ends_with("; frame-src https://www.youtube-nocookie.com https://t.me"));
        assert_eq!(value.matches("frame-src").count(), 1);
    }

    #[test]
    fn hsts_only_for_an_https_origin() {
        assert!(Hsts::for_base_url("https://news.example").is_some());
        assert!(Hsts::for_base_url("HTTPS://news.example").is_some());
        assert!(Hsts::for_base_url("http://news.example").is_none());
        assert!(Hsts::for_base_url("http://127.0.0.1:8080").is_none());
        assert!(Hsts::for_base_url("").is_none());
    }
}
