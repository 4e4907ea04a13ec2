//! Public HTML pages. Each handler names a cache key and a render function; `serve_page`
//! (in `sahifa_http::serving`) answers from the page cache when it can and renders (then
//! caches) when it cannot.

pub mod archive;
pub mod article;
pub mod date_archive;
pub mod errors;
pub mod home;
pub mod redirects;
pub mod search;
pub mod static_page;

use std::collections::HashMap;

use sahifa_http::error::AppError;

/// The `?page=` number: absent means 1; anything but a positive integer is a bad request.
pub fn page_number(query: &HashMap<String, String>) -> Result<i64, AppError> {
    match query.get("page") {
        None => Ok(1),
        Some(raw) => {
            let ascii = sahifa_text::digits::to_ascii_digits(raw.trim());
            match ascii.parse::<i64>() {
                Ok(n) if (1..=100_000).contains(&n) => Ok(n),
                _ => Err(AppError::BadRequest),
            }
        }
    }
}

pub use sahifa_http::responses::{moved_permanently, see_other};
pub use sahifa_http::serving::{Rendered, page_response, serve_page};
