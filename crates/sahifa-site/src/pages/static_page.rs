//! A static page at `/page/{slug}` («من نحن», «اتصل بنا»): its title, its sanitised body
//! and a breadcrumb through its parent pages, cached like every other page. Drafts and
//! unknown slugs are 404s; an earlier slug answers 301 with the current address.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;

use sahifa_http::error::AppError;
use sahifa_http::serving::{Rendered, serve_page};
use sahifa_http::state::AppState;
use sahifa_store::Dep;
use sahifa_store::pages::{Page, PageStatus};
use sahifa_text::slug::encode_slug;

/// How far up the breadcrumb looks: more parents than this is a loop or a hand-edited
/// tree nobody can read anyway.
const MAX_DEPTH: usize = 8;
/// The longest meta description taken from the body when the page has none of its own.
const DESCRIPTION_CHARS: usize = 160;

/// `/page/{slug}`, the slug percent-encoded as one path segment.
pub fn page_url(slug: &str) -> String {
    format!("/page/{}", encode_slug(slug))
}

/// A static page's context (page.html).
#[derive(Debug, Serialize)]
pub struct StaticPage {
    static_page: PageView,
    /// Home first, then the published parents from the top down; the page itself is not
    /// in the list (the template prints it as the current crumb).
    breadcrumb: Vec<Crumb>,
}

/// The page as the template prints it.
#[derive(Debug, Serialize)]
pub struct PageView {
    title: String,
    url: String,
    body_html: String,
    updated_display: String,
    updated_iso: String,
}

/// One link of the breadcrumb.
#[derive(Debug, Serialize)]
pub struct Crumb {
    name: String,
    url: String,
}

/// `GET /page/{slug}`.
pub async fn show_page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    let key = format!("page:{slug}");
    serve_page(&state, key, &headers, || render(state.clone(), slug)).await
}

async fn render(state: AppState, slug: String) -> Result<Rendered, AppError> {
    let db = state.db();
    let page = match db.page_by_slug(&slug).await? {
        Some(page) if page.status == PageStatus::Published => page,
        Some(_) => return Err(AppError::NotFound),
        None => return moved(&state, &slug).await,
    };
    let site = state.site().await?;
    let mut breadcrumb = Vec::new();
    let mut at = page.parent_id;
    let mut seen = vec![page.id];
    while let Some(id) = at {
        if seen.contains(&id) || seen.len() > MAX_DEPTH {
            break;
        }
        seen.push(id);
        let Some(parent) = db.page_by_id(id).await? else {
            break;
        };
        // A draft parent is not a place a reader can go: it is left out of the trail.
        if parent.status == PageStatus::Published {
            breadcrumb.push(Crumb {
                url: page_url(&parent.slug),
                name: parent.title.clone(),
            });
        }
        at = parent.parent_id;
    }
    // The page and the parents its trail names.
    sahifa_http::deps::record_all(seen.iter().copied().map(Dep::Page));
    breadcrumb.push(Crumb {
        name: state.catalog().text(site.lang, "nav-home"),
        url: "/".into(),
    });
    breadcrumb.reverse();
    let description = description(&page);
    let title = format!("{} - {}", page.title, site.settings.name);
    let canonical = page_url(&page.slug);
    let ctx = StaticPage {
        static_page: PageView {
            title: page.title.clone(),
            url: canonical.clone(),
            body_html: page.body_html.clone(),
            updated_display: crate::view::display_date(&site, &page.updated_at),
            updated_iso: page.updated_at.to_rfc3339(),
        },
        breadcrumb,
    };
    let description = (!description.is_empty()).then_some(description.as_str());
    let html = crate::view::render(
        &state,
        &site,
        "page.html",
        &title,
        description,
        &canonical,
        ctx,
    )?;
    Ok(Rendered::Html(html))
}

/// The page's own description, else the start of its text.
fn description(page: &Page) -> String {
    if !page.description.trim().is_empty() {
        return page.description.trim().to_string();
    }
    let plain = sahifa_text::markdown::to_plain_text(&page.body_md);
    sahifa_text::reading::excerpt(&plain, DESCRIPTION_CHARS)
}

/// A slug spelled another way, or one the page had before: 301 to where it is now.
async fn moved(state: &AppState, slug: &str) -> Result<Rendered, AppError> {
    let normalised = sahifa_text::slug::slugify(slug);
    if !normalised.is_empty() && normalised != slug {
        return Ok(Rendered::Moved(page_url(&normalised)));
    }
    match state.db().page_redirect(slug).await? {
        Some(current) => Ok(Rendered::Moved(page_url(&current))),
        None => Err(AppError::NotFound),
    }
}
