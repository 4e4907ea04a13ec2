//! Cross-site request forgery defence for every state-changing admin request: the form
//! must echo the session's token, and a browser-sent `Origin` must be this site.

use axum::http::{HeaderMap, header};

use super::tokens::constant_time_eq;
use crate::error::AppError;
use crate::state::AppState;

/// Name of the hidden form field holding the token.
pub const CSRF_FIELD: &str = "_csrf";

/// Checks the request's origin and the submitted token against `expected`.
pub fn verify(
    state: &AppState,
    headers: &HeaderMap,
    expected: &str,
    submitted: Option<&str>,
) -> Result<(), AppError> {
    if !same_origin(state, headers) {
        return Err(AppError::Forbidden);
    }
    match submitted {
        Some(token) if !expected.is_empty() && constant_time_eq(token, expected) => Ok(()),
        _ => Err(AppError::Forbidden),
    }
}

/// True unless the browser says the request comes from another origin. The allowed origin
/// is the configured base URL's, or the Host the request was sent to.
pub fn same_origin(state: &AppState, headers: &HeaderMap) -> bool {
    let claimed = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    let Some(claimed) = claimed else {
        // No Origin and no Referer: not a browser cross-site POST (browsers send Origin on
        // those); the token check still applies.
        return true;
    };
    if claimed == "null" {
        return false;
    }
    let origin_of = |url: &str| -> String {
        let rest = url.split_once("://");
        match rest {
            Some((scheme, rest)) => {
                let host = rest.split('/').next().unwrap_or("");
                format!(
                    "{}://{}",
                    scheme.to_ascii_lowercase(),
                    host.to_ascii_lowercase()
                )
            }
            None => String::new(),
        }
    };
    let claimed = origin_of(claimed);
    if claimed == origin_of(&state.config().base_url) {
        return true;
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    !host.is_empty()
        && (claimed == format!("http://{host}") || claimed == format!("https://{host}"))
}
