//! The storage error type: what callers can act on (not found, conflict) is kept apart from
//! what they can only report (database failures).

use thiserror::Error;

/// Why a storage call failed.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The database URL is not `sqlite:` or `postgres:`.
    #[error("unsupported database URL scheme in {0:?}: use sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
    /// A uniqueness rule was broken (e.g. a slug already in use).
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// A referenced row does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// Input that the store refuses (e.g. an empty slug after normalisation).
    #[error("invalid {0}")]
    Invalid(&'static str),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Any other database failure.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// Maps a unique-constraint violation to [`StoreError::Conflict`] and a dangling reference
    /// (an unknown author or category id) to [`StoreError::Invalid`], keeping other errors.
    pub(crate) fn on_unique(err: sqlx::Error, what: &'static str) -> StoreError {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what),
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::Invalid("reference")
            }
            _ => StoreError::Database(err),
        }
    }
}
