//! The content model as the rest of Sahifa sees it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where an article is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ArticleStatus {
    /// Being written; never public.
    #[default]
    Draft,
    /// Waiting for its `published_at`; not public yet.
    Scheduled,
    /// Public.
    Published,
}

impl ArticleStatus {
    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ArticleStatus::Draft => "draft",
            ArticleStatus::Scheduled => "scheduled",
            ArticleStatus::Published => "published",
        }
    }

    /// Parses the stored value; unknown values are treated as drafts so they stay private.
    pub fn parse(s: &str) -> ArticleStatus {
        match s {
            "published" => ArticleStatus::Published,
            "scheduled" => ArticleStatus::Scheduled,
            _ => ArticleStatus::Draft,
        }
    }
}

/// Where a reader comment is in moderation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CommentStatus {
    /// Held for a moderator; not public.
    #[default]
    Pending,
    /// Public.
    Approved,
    /// Caught as spam; not public.
    Spam,
    /// Thrown away by a moderator; not public, not yet deleted.
    Trash,
}

impl CommentStatus {
    /// Every state, in the order the moderation tabs show them.
    pub const ALL: [CommentStatus; 4] = [
        CommentStatus::Pending,
        CommentStatus::Approved,
        CommentStatus::Spam,
        CommentStatus::Trash,
    ];

    /// The value stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            CommentStatus::Pending => "pending",
            CommentStatus::Approved => "approved",
            CommentStatus::Spam => "spam",
            CommentStatus::Trash => "trash",
        }
    }

    /// Parses the stored value; unknown values are treated as held so they stay private.
    pub fn parse(s: &str) -> CommentStatus {
        match s {
            "approved" => CommentStatus::Approved,
            "spam" => CommentStatus::Spam,
            "trash" => CommentStatus::Trash,
            _ => CommentStatus::Pending,
        }
    }
}

impl From<&str> for CommentStatus {
    fn from(s: &str) -> Self {
        CommentStatus::parse(s)
    }
}

impl From<String> for CommentStatus {
    /// Lets rows decode the stored text column (`#[sqlx(try_from = "String")]`).
    fn from(s: String) -> Self {
        CommentStatus::parse(&s)
    }
}

impl From<String> for ArticleStatus {
    /// Decodes a stored value (see [`ArticleStatus::parse`]).
    fn from(value: String) -> Self {
        ArticleStatus::parse(&value)
    }
}

/// A byline: a person or desk with a bio page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Author {
    /// Row id.
    pub id: i64,
    /// URL slug (Arabic kept).
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Short biography, plain text.
    pub bio: String,
    /// The media-library item shown as the byline's photo.
    pub photo_media_id: Option<i64>,
    /// Profile on X, as an `https://` URL (empty for none).
    pub link_x: String,
    /// Telegram profile or channel, as an `https://t.me/...` URL (empty for none).
    pub link_telegram: String,
    /// Facebook profile, as an `https://` URL (empty for none).
    pub link_facebook: String,
    /// Personal website, as an `http(s)://` URL (empty for none).
    pub link_website: String,
}

/// A section of the site; categories nest through `parent_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Category {
    /// Row id.
    pub id: i64,
    /// Parent category, `None` for a top-level section.
    pub parent_id: Option<i64>,
    /// URL slug.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// One-line description shown on the archive page.
    pub description: String,
    /// Order among siblings in navigation.
    pub position: i64,
}

/// A keyword linking articles across categories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Tag {
    /// Row id.
    pub id: i64,
    /// URL slug.
    pub slug: String,
    /// Display name.
    pub name: String,
}

/// A tag with the number of published articles carrying it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct TagCount {
    /// Row id.
    pub id: i64,
    /// URL slug.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Published articles with this tag.
    pub articles: i64,
}

/// A featured image with what a reader without sight needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    /// Where the image is served from (site-relative or absolute).
    pub url: String,
    /// Alternative text.
    pub alt: String,
    /// Caption shown under the image.
    pub caption: String,
    /// Intrinsic width in pixels, when known (prevents layout shift).
    pub width: Option<i64>,
    /// Intrinsic height in pixels, when known.
    pub height: Option<i64>,
}

/// The name and slug of a related row, enough to print and link it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    /// Row id.
    pub id: i64,
    /// URL slug.
    pub slug: String,
    /// Display name.
    pub name: String,
}

/// An article as listed on home and archive pages (no body).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ArticleSummary {
    /// Row id.
    pub id: i64,
    /// URL slug.
    pub slug: String,
    /// Headline.
    pub title: String,
    /// Standfirst.
    pub lead: String,
    /// Lifecycle state.
    pub status: ArticleStatus,
    /// When it went (or goes) public, UTC.
    pub published_at: Option<DateTime<Utc>>,
    /// Last edit, UTC.
    pub updated_at: DateTime<Utc>,
    /// Byline.
    pub author: Option<Named>,
    /// Primary category.
    pub category: Option<Named>,
    /// Featured image.
    pub image: Option<Image>,
    /// Approved reader comments.
    pub comment_count: i64,
}

/// A whole article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Article {
    /// Everything a listing shows.
    #[serde(flatten)]
    pub summary: ArticleSummary,
    /// The body: HTML of the body schema (`sahifa_text::body`).
    pub body_html: String,
    /// Dateline such as «ميدل ايست نيوز», shown before the body.
    pub dateline: Option<String>,
    /// Source or agency credit such as «وكالة إرنا».
    pub source: Option<String>,
    /// Tags, by name.
    pub tags: Vec<Tag>,
    /// Creation time, UTC.
    pub created_at: DateTime<Utc>,
}

/// What a caller supplies to create or replace an article (also the revision snapshot).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleInput {
    /// Wanted slug; derived from the title when `None`. Normalised either way.
    pub slug: Option<String>,
    /// Headline.
    pub title: String,
    /// Standfirst.
    pub lead: String,
    /// Body in Markdown, converted on save; read only when `body_html` is empty (an
    /// import line, the demo's content, a revision saved before bodies became HTML).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body_md: String,
    /// Body as HTML, reduced to the body schema on save.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body_html: String,
    /// Dateline.
    pub dateline: Option<String>,
    /// Source credit.
    pub source: Option<String>,
    /// Byline.
    pub author_id: Option<i64>,
    /// Primary category.
    pub category_id: Option<i64>,
    /// Tag names; created when missing.
    pub tags: Vec<String>,
    /// Lifecycle state.
    pub status: ArticleStatus,
    /// Publication time (required for scheduled; defaults to now on publish).
    pub published_at: Option<DateTime<Utc>>,
    /// Featured image.
    pub image: Option<Image>,
}

/// Which published articles a listing wants.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ArticleFilter {
    /// Only this category and its descendants.
    pub category_id: Option<i64>,
    /// Only articles with this tag.
    pub tag_id: Option<i64>,
    /// Only this author.
    pub author_id: Option<i64>,
}

/// One page of a listing and the total across pages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// Rows across all pages.
    pub total: i64,
}

/// Settings an editor can change from the admin; stored as key/value rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteSettings {
    /// Site name, shown in the header and the Telegram call to action.
    pub name: String,
    /// Strapline under the name.
    pub tagline: String,
    /// UI language: `ar` or `en`.
    pub locale: String,
    /// IANA time zone used to show times, e.g. `Asia/Beirut`.
    pub time_zone: String,
    /// `western` or `arabic-indic`.
    pub digit_style: String,
    /// Telegram channel username (without `@`), or empty for none.
    pub telegram_channel: String,
}

impl Default for SiteSettings {
    fn default() -> Self {
        SiteSettings {
            name: "صحيفة".to_string(),
            tagline: String::new(),
            locale: "ar".to_string(),
            time_zone: "UTC".to_string(),
            digit_style: "western".to_string(),
            telegram_channel: String::new(),
        }
    }
}

/// What to create an author from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorInput {
    /// Wanted slug; derived from the name when `None`.
    pub slug: Option<String>,
    /// Display name.
    pub name: String,
    /// Biography.
    pub bio: String,
}

/// What to create a category from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryInput {
    /// Wanted slug; derived from the name when `None`.
    pub slug: Option<String>,
    /// Display name.
    pub name: String,
    /// One-line description.
    pub description: String,
    /// Parent category.
    pub parent_id: Option<i64>,
    /// Order among siblings.
    pub position: i64,
}
