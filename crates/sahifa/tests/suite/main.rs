//! The HTTP, CLI and browser suites of the whole application, in one test binary: each
//! suite is a module, so the application is linked once instead of once per suite.

#[macro_use]
mod common;
#[macro_use]
mod fake_telegram;

mod accessibility;
mod admin_browser;
mod admin_language;
mod admin_pages;
mod admin_phone;
mod author_profiles;
mod backup;
mod body_format;
mod browser;
mod cache_dependencies;
mod cli;
mod comments;
mod comments_browser;
mod conflicts;
mod desk;
mod editor_browser;
mod feeds;
mod forgot_password;
mod front_page;
mod hostile;
mod http;
mod media_store;
mod menus;
mod miss_storms;
mod most_read;
mod newsroom;
mod pages;
mod proxies;
mod public_phone;
mod search;
mod search_browser;
mod seo;
mod stack;
mod static_pages;
mod telegram;
mod wxr;
