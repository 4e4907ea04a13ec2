//! Sahifa's storage layer.
//!
//! One [`Db`] value wraps either a SQLite or a PostgreSQL pool. Both backends run the same
//! SQL text wherever the dialects agree (`$1` placeholders, `RETURNING`, `ON CONFLICT`), so a
//! repository function is written once and the [`with_pool!`] macro expands it for each pool.
//! Backend-only SQL stays explicit at the call site.
//!
//! Every write also bumps a content *epoch*: an in-process counter shared by all clones of a
//! `Db` and a counter in the database that other processes poll. The web layer's page cache
//! keys its entries by that epoch, so an edit is visible on the very next request.

// Server code propagates errors; a panic on input-derived data takes a request down.
#![warn(clippy::unwrap_used)]

/// Runs `$body` with `$pool` bound to the concrete pool of whichever backend `$db` uses.
/// The body is compiled once per backend, so it must be valid for both.
macro_rules! with_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db.pool() {
            crate::db::Pool::Sqlite($pool) => $body,
            crate::db::Pool::Postgres($pool) => $body,
        }
    };
}

#[macro_use]
mod tx;
mod admin_taxonomy;
mod batch;
mod db;
mod error;
mod health;
mod indexing;
pub mod models;

#[macro_use]
pub mod articles;
pub mod authors;
pub mod backup;
pub mod comments;
mod distribution;
pub mod editing;
pub mod front_page;
pub mod imports;
pub mod media;
pub mod media_objects;
pub mod menus;
pub mod newsroom;
pub mod pages;
pub mod password_resets;
pub mod redirects;
pub mod retirements;
pub mod settings;
pub mod taxonomy;
pub mod telegram;
pub mod throttle;
pub mod users;
pub mod views;

pub use articles::{ArticleEvent, ArticleState, ArticleWrite};
pub use comments::{AdminComment, CommentState, NewComment, PublicComment};
#[doc(hidden)]
pub use db::Pool;
pub use db::{Backend, Db};
pub use distribution::{ArchiveKind, SitemapArchive, SitemapArticle};
pub use error::{StoreError, Unique};
pub use health::WriteCheck;
pub use indexing::IndexArticle;
pub use media::{MediaRow, NewMedia};
pub use models::*;
pub use newsroom::{
    AdminArticleFilter, AdminArticleRow, AuditEntry, AuditRecord, ListedStatus, Revision,
};
pub use retirements::{Dep, Retired};
pub use telegram::{DeliveryKind, DeliveryStatus, TelegramDelivery, TelegramDeliveryListed};
pub use tx::Tx;
pub use users::{ApiToken, Role, SessionRow, User};

/// Result alias for storage calls.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
pub use redirects::SlugKind;
