//! Sahifa's public site: the pages readers see ([`pages`], laid out by [`view`]), their
//! comments ([`comments`]), what carries the site beyond itself ([`feeds`], [`sitemaps`],
//! [`seo`], [`distribution`]), search ([`search_api`]) and the read-only JSON API ([`api`]),
//! and static and media files ([`files`]).

// Server code propagates errors; a panic on input-derived data takes a request down.
#![warn(clippy::unwrap_used)]

pub mod api;
pub mod body;
pub mod comments;
pub mod distribution;
pub mod feeds;
pub mod files;
mod menus;
pub mod most_read;
pub mod pages;
pub mod search_api;
pub mod seo;
pub mod sitemaps;
pub mod view;
