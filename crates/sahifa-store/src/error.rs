//! The storage error type: what callers can act on (not found, a uniqueness rule, a
//! dangling reference) is kept apart from what they can only report (database failures).

use thiserror::Error;

/// A uniqueness rule of the schema. The repository function that ran the statement knows
/// which rule its statement can break, so callers match on this, never on messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unique {
    /// `articles.slug`.
    ArticleSlug,
    /// `categories.slug`.
    CategorySlug,
    /// `tags.slug`.
    TagSlug,
    /// `authors.slug`.
    AuthorSlug,
    /// `users.email`.
    UserEmail,
    /// `media.stem`.
    MediaStem,
    /// `api_tokens.token_hash`.
    TokenHash,
    /// One row per key where the schema allows one (a closed-comments mark, a post job).
    Row,
}

impl Unique {
    /// A short name for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Unique::ArticleSlug => "article slug",
            Unique::CategorySlug => "category slug",
            Unique::TagSlug => "tag slug",
            Unique::AuthorSlug => "author slug",
            Unique::UserEmail => "user email",
            Unique::MediaStem => "media stem",
            Unique::TokenHash => "token",
            Unique::Row => "row",
        }
    }
}

/// Why a storage call failed.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The database URL is not `sqlite:` or `postgres:`.
    #[error("unsupported database URL scheme in {0:?}: use sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
    /// A uniqueness rule was broken (e.g. a slug already in use).
    #[error("{} already exists", .0.as_str())]
    Conflict(Unique),
    /// A referenced row does not exist.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A statement referenced a row that does not exist (an unknown author or category id).
    #[error("a referenced row does not exist")]
    MissingReference,
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
    /// Maps a unique-constraint violation of a statement that can break only `rule` to
    /// [`StoreError::Conflict`], and a foreign-key violation to
    /// [`StoreError::MissingReference`], keeping other errors.
    pub(crate) fn on_unique(err: sqlx::Error, rule: Unique) -> StoreError {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(rule),
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::MissingReference
            }
            _ => StoreError::Database(err),
        }
    }
}
