//! Sahifa's use cases: the one place where a newsroom write happens.
//!
//! Every use case takes the [`Actor`], checks the permission matrix ([`permissions`]),
//! validates its input once, and runs all of its writes (the row, its revision, its audit
//! entry, its outbox job, an old slug, the content epoch) in one transaction on SQLite and
//! PostgreSQL alike. It answers with a [`NewsroomError`] that the web layer maps once to an
//! HTML page and once to the admin API's JSON error. Handlers parse and render; the store
//! runs SQL; the rules live here.

// Text, queries, uploads and forms decide indexes here, and a panic takes a request down:
// look up with `get` and propagate errors instead of unwrapping.
#![warn(clippy::indexing_slicing)]
#![warn(clippy::unwrap_used)]

mod actor;
pub mod articles;
pub mod authors;
mod body_migration;
pub mod comments;
pub mod editing;
mod error;
pub mod front_page;
pub mod import;
pub mod media;
pub mod menus;
pub mod pages;
pub mod permissions;
pub mod previews;
pub mod rendering;
pub mod settings;
pub mod taxonomy;
pub mod telegram;
pub mod tokens;
pub mod users;
pub mod views;

pub use actor::Actor;
pub use error::{FieldError, NewsroomError};
pub use permissions::Capability;

use sahifa_store::Db;

/// Result alias for use cases.
pub type Result<T, E = NewsroomError> = std::result::Result<T, E>;

/// The use cases over one database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Newsroom {
    db: Db,
}

impl Newsroom {
    /// Use cases over `db`.
    pub fn new(db: Db) -> Newsroom {
        Newsroom { db }
    }

    /// The database, for reads.
    pub fn db(&self) -> &Db {
        &self.db
    }
}
