//! Sahifa's HTTP foundation, shared by the public site and the admin: what every handler
//! holds ([`state::AppState`]), the rendered-page cache, what its pages show and how it
//! answers ([`cache`], [`deps`], [`serving`]), purges of the caches in front ([`purge`]), errors as themed pages and as JSON ([`error`]), redirects ([`responses`]),
//! the theme and the locale catalogue ([`theme`], [`i18n`]), sessions, CSRF and throttling
//! ([`auth`]), media URLs ([`media`]) and security headers ([`headers`]).

// Server code propagates errors; a panic on input-derived data takes a request down.
#![warn(clippy::unwrap_used)]

pub mod auth;
pub mod cache;
pub mod client;
pub mod deps;
pub mod encoded;
pub mod error;
pub mod headers;
pub mod i18n;
pub mod media;
pub mod media_store;
pub mod purge;
pub mod responses;
pub mod serving;
pub mod single_flight;
pub mod state;
pub mod theme;
pub mod urls;
pub mod views;

pub use state::{AppState, WebConfig};
