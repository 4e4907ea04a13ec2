//! Category, tag and author archives.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use sahifa_store::{ArticleFilter, Dep, SlugKind};

use super::article::moved;
use super::page_number;
use crate::view::{self, Card, Pagination};
use sahifa_http::error::AppError;
use sahifa_http::serving::{Rendered, serve_page};
use sahifa_http::state::AppState;
use sahifa_http::urls;

/// Teasers per archive page.
const PER_PAGE: i64 = 12;
/// The CSS pixel width an author's photo is shown at (`sizes` in archive.html).
const PHOTO_WIDTH: i64 = 128;

/// Which archive a request is for.
#[derive(Clone, Copy)]
enum Kind {
    Category,
    Tag,
    Author,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Category => "category",
            Kind::Tag => "tag",
            Kind::Author => "author",
        }
    }

    fn slug_kind(self) -> SlugKind {
        match self {
            Kind::Category => SlugKind::Category,
            Kind::Tag => SlugKind::Tag,
            Kind::Author => SlugKind::Author,
        }
    }

    fn url_of(self) -> fn(&str) -> String {
        match self {
            Kind::Category => urls::category,
            Kind::Tag => urls::tag,
            Kind::Author => urls::author,
        }
    }
}

/// A category, tag or author archive's context (archive.html).
#[derive(Debug, Serialize)]
pub struct ArchivePage<'a> {
    archive: ArchiveHeading<'a>,
    articles: Vec<Card>,
    pagination: Option<Pagination>,
    /// An author page's photo and links; `None` on other archives.
    #[serde(skip_serializing_if = "Option::is_none")]
    profile: Option<ProfileView>,
    /// An author page's head, with its `Person`; the layout's otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    seo: Option<crate::seo::SeoHead>,
}

/// An author page's photo and links (archive.html).
#[derive(Debug, Serialize)]
pub struct ProfileView {
    photo: Option<PhotoView>,
    links: Vec<ProfileLink>,
}

/// A byline's photo from the media library, with its responsive variants.
#[derive(Debug, Serialize)]
pub struct PhotoView {
    src: String,
    srcset: String,
    srcset_webp: String,
    width: i64,
    height: i64,
}

/// A link to the byline elsewhere: `x`, `telegram`, `facebook` or `website`.
#[derive(Debug, Serialize)]
pub struct ProfileLink {
    kind: &'static str,
    url: String,
}

impl<'a> ArchivePage<'a> {
    /// An archive page without an author's profile (a date archive).
    pub fn new(
        archive: ArchiveHeading<'a>,
        articles: Vec<Card>,
        pagination: Option<Pagination>,
    ) -> ArchivePage<'a> {
        ArchivePage {
            archive,
            articles,
            pagination,
            profile: None,
            seo: None,
        }
    }
}

impl<'a> ArchiveHeading<'a> {
    /// The heading of an archive of `kind` (`category`, `tag`, `author`, `date`).
    pub fn new(kind: &'static str, name: &'a str, description: Option<&'a str>) -> Self {
        ArchiveHeading {
            kind,
            name,
            description,
        }
    }
}

/// What the archive is of.
#[derive(Debug, Serialize)]
pub struct ArchiveHeading<'a> {
    /// `category`, `tag`, `author` or `date`.
    kind: &'static str,
    name: &'a str,
    /// `None` when the subject has none.
    description: Option<&'a str>,
}

/// `GET /category/{slug}`.
pub async fn show_category(
    state: State<AppState>,
    slug: Path<String>,
    q: Query<HashMap<String, String>>,
    h: HeaderMap,
) -> Response {
    show(Kind::Category, state, slug, q, h).await
}

/// `GET /tag/{slug}`.
pub async fn show_tag(
    state: State<AppState>,
    slug: Path<String>,
    q: Query<HashMap<String, String>>,
    h: HeaderMap,
) -> Response {
    show(Kind::Tag, state, slug, q, h).await
}

/// `GET /author/{slug}`.
pub async fn show_author(
    state: State<AppState>,
    slug: Path<String>,
    q: Query<HashMap<String, String>>,
    h: HeaderMap,
) -> Response {
    show(Kind::Author, state, slug, q, h).await
}

async fn show(
    kind: Kind,
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let page = match page_number(&query) {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let key = format!("{}:{slug}:{page}", kind.name());
    serve_page(&state, key, &headers, || {
        render(state.clone(), kind, slug, page)
    })
    .await
}

/// The archive's subject: its id filter, display name and description.
struct Subject {
    filter: ArticleFilter,
    name: String,
    description: String,
    slug: String,
    /// The byline, on an author page.
    author: Option<sahifa_store::Author>,
    /// The category, tag or author itself, which the page's heading shows.
    shown: Dep,
}

async fn subject(state: &AppState, kind: Kind, slug: &str) -> Result<Option<Subject>, AppError> {
    let db = state.db();
    Ok(match kind {
        Kind::Category => db.category_by_slug(slug).await?.map(|c| Subject {
            filter: ArticleFilter {
                category_id: Some(c.id),
                ..Default::default()
            },
            name: c.name,
            description: c.description,
            slug: c.slug,
            author: None,
            shown: Dep::Category(c.id),
        }),
        Kind::Tag => db.tag_by_slug(slug).await?.map(|t| Subject {
            filter: ArticleFilter {
                tag_id: Some(t.id),
                ..Default::default()
            },
            name: t.name,
            description: String::new(),
            slug: t.slug,
            author: None,
            shown: Dep::Tag(t.id),
        }),
        Kind::Author => db.author_by_slug(slug).await?.map(|a| Subject {
            filter: ArticleFilter {
                author_id: Some(a.id),
                ..Default::default()
            },
            name: a.name.clone(),
            description: a.bio.clone(),
            slug: a.slug.clone(),
            shown: Dep::Author(a.id),
            author: Some(a),
        }),
    })
}

async fn render(
    state: AppState,
    kind: Kind,
    slug: String,
    page: i64,
) -> Result<Rendered, AppError> {
    let Some(subject) = subject(&state, kind, &slug).await? else {
        return moved(&state, kind.slug_kind(), &slug, kind.url_of()).await;
    };
    let site = state.site().await?;
    view::shows_list(&site, &subject.filter);
    sahifa_http::deps::record(subject.shown);
    let listing = state
        .db()
        .published_articles(subject.filter, PER_PAGE, (page - 1) * PER_PAGE)
        .await?;
    let total_pages = view::page_count(listing.total, PER_PAGE);
    if page > total_pages {
        return Err(AppError::NotFound);
    }
    let base = (kind.url_of())(&subject.slug);
    let heading_key = match kind {
        Kind::Category => "category-archive",
        Kind::Tag => "tag-archive",
        Kind::Author => "author-archive",
    };
    let mut args = HashMap::new();
    args.insert(
        "name".to_string(),
        sahifa_http::i18n::Arg::Text(subject.name.clone()),
    );
    let heading = state.catalog().get(site.lang, heading_key, &args);
    let title = format!("{heading} - {}", site.settings.name);
    let description = (!subject.description.is_empty()).then_some(subject.description.as_str());
    // A page without a description of its own (a tag, a section or author without one)
    // still gets a meta description: search engines show it under the link.
    args.insert(
        "site".to_string(),
        sahifa_http::i18n::Arg::Text(site.settings.name.clone()),
    );
    let fallback = state
        .catalog()
        .get(site.lang, "archive-meta-description", &args);
    let meta_description = description.unwrap_or(&fallback);
    let canonical = urls::paged(&base, page);
    let (profile, seo) = match &subject.author {
        Some(author) => {
            let profile = profile_view(&state, author).await?;
            let same_as: Vec<&str> = profile.links.iter().map(|l| l.url.as_str()).collect();
            let person = crate::seo::AuthorProfile {
                name: &author.name,
                url: &base,
                bio: &author.bio,
                image: profile.photo.as_ref().map(|p| p.src.as_str()),
                same_as,
            };
            let seo = crate::seo::author_page(
                &state,
                &site,
                &canonical,
                &title,
                Some(meta_description),
                &person,
            );
            (Some(profile), Some(seo))
        }
        None => (None, None),
    };
    let ctx = ArchivePage {
        archive: ArchiveHeading {
            kind: kind.name(),
            name: &subject.name,
            description,
        },
        articles: view::cards(&site, &listing.items),
        pagination: view::paginate(&base, page, total_pages),
        profile,
        seo,
    };
    let html = view::render(
        &state,
        &site,
        "archive.html",
        &title,
        Some(meta_description),
        &canonical,
        ctx,
    )?;
    Ok(Rendered::Html(html))
}

/// The photo (when its media item still exists) and links of `author`.
async fn profile_view(
    state: &AppState,
    author: &sahifa_store::Author,
) -> Result<ProfileView, AppError> {
    let photo = match author.photo_media_id {
        Some(id) => state.db().media_by_id(id).await?.map(|m| PhotoView {
            src: sahifa_http::media::original_url(&m),
            srcset: sahifa_http::media::srcset(&m, &m.kind),
            srcset_webp: sahifa_http::media::srcset(&m, "webp"),
            width: PHOTO_WIDTH,
            // The photo's own proportions at the shown width, so nothing shifts on load.
            height: (PHOTO_WIDTH * m.height)
                .checked_div(m.width)
                .unwrap_or(PHOTO_WIDTH),
        }),
        None => None,
    };
    let links = [
        ("x", &author.link_x),
        ("telegram", &author.link_telegram),
        ("facebook", &author.link_facebook),
        ("website", &author.link_website),
    ]
    .into_iter()
    .filter(|(_, url)| !url.is_empty())
    .map(|(kind, url)| ProfileLink {
        kind,
        url: url.clone(),
    })
    .collect();
    Ok(ProfileView { photo, links })
}
