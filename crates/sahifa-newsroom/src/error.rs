//! The one error type of the use cases. Every variant names what a person can be told,
//! through a locale-catalogue key; the web layer maps it once to a page and once to JSON.

use sahifa_store::{StoreError, Unique};

/// A problem with one input field: the field's name and the catalogue key of the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldError {
    /// The form field or JSON field (`title`, `slug`, `publish_date`, ...).
    pub field: &'static str,
    /// The locale-catalogue key of the message.
    pub key: &'static str,
}

/// Why a use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum NewsroomError {
    /// The input breaks a rule; nothing was written.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    /// The actor's role does not allow this.
    #[error("forbidden")]
    Forbidden,
    /// What the use case acts on does not exist.
    #[error("not found")]
    NotFound,
    /// The write collides with another one (a name just taken, an edit made meanwhile);
    /// `key` is the catalogue key of the message.
    #[error("conflict: {key}")]
    Conflict {
        /// The field concerned, when there is one.
        field: Option<&'static str>,
        /// The locale-catalogue key of the message.
        key: &'static str,
    },
    /// Too many attempts; try again later.
    #[error("rate limited: {key}")]
    RateLimited {
        /// The locale-catalogue key of the message.
        key: &'static str,
        /// Seconds after which a retry may succeed.
        retry_after: Option<u64>,
    },
    /// A failure on our side; logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl NewsroomError {
    /// One field problem.
    pub fn invalid(field: &'static str, key: &'static str) -> NewsroomError {
        NewsroomError::Invalid(vec![FieldError { field, key }])
    }

    /// The field problems, when the input was refused.
    pub fn fields(&self) -> &[FieldError] {
        match self {
            NewsroomError::Invalid(fields) => fields,
            _ => &[],
        }
    }
}

impl From<StoreError> for NewsroomError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound(_) => NewsroomError::NotFound,
            StoreError::Conflict(rule) => conflict(rule),
            StoreError::MissingReference => {
                NewsroomError::invalid("reference", "error-unknown-reference")
            }
            other => NewsroomError::Internal(other.to_string()),
        }
    }
}

/// The field and message of a broken uniqueness rule.
fn conflict(rule: Unique) -> NewsroomError {
    let (field, key) = match rule {
        Unique::ArticleSlug | Unique::CategorySlug | Unique::TagSlug | Unique::AuthorSlug => {
            (Some("slug"), "admin-error-slug-taken")
        }
        Unique::UserEmail => (Some("email"), "admin-error-email-taken"),
        Unique::MediaStem | Unique::TokenHash | Unique::Row => (None, "error-conflict"),
    };
    NewsroomError::Conflict { field, key }
}
