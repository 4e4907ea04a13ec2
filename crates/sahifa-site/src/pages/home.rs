//! The front page: the lead story, the featured stories, the latest news and a block per
//! section. Editors pin the lead and featured stories (`sahifa_newsroom::front_page`);
//! without pins the newest article leads. A pinned article shows only while it is
//! published.

use std::collections::HashMap;

use axum::extract::{Query, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;

use sahifa_store::ArticleFilter;

use super::page_number;
use crate::view::{self, Card, Link, Pagination};
use sahifa_http::error::AppError;
use sahifa_http::serving::{Rendered, serve_page};
use sahifa_http::state::AppState;

/// Latest-news entries per page.
const PER_PAGE: i64 = 10;
/// Teasers per section block.
const PER_BLOCK: i64 = 4;

/// The front page's context (home.html).
#[derive(Debug, Serialize)]
pub struct HomePage {
    /// The pinned lead story while it is published, else the newest article; on page 1
    /// only.
    lead_story: Option<Card>,
    /// «مختارات»: the pinned featured stories that are published, on page 1 only.
    featured: Vec<Card>,
    latest: Vec<Card>,
    /// One block per top-level section with articles, on page 1 only.
    category_blocks: Vec<CategoryBlock>,
    pagination: Option<Pagination>,
    /// «الأكثر قراءة», on page 1 only.
    most_read: Option<crate::most_read::MostReadBlock>,
}

/// A section's block on the front page.
#[derive(Debug, Serialize)]
pub struct CategoryBlock {
    category: Link,
    articles: Vec<Card>,
}

/// `GET /`.
pub async fn show_home(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    if let Some(location) = super::redirects::wordpress_search(raw.as_deref()) {
        return super::moved_permanently(&location);
    }
    let page = match page_number(&query) {
        Ok(p) => p,
        Err(e) => return axum::response::IntoResponse::into_response(e),
    };
    // Page 1 carries the most-read block: its key follows the ranking's generation.
    let key = if page == 1 {
        format!("home:{page}:{}", crate::most_read::cache_key_part(&state))
    } else {
        format!("home:{page}")
    };
    serve_page(&state, key, &headers, || render(state.clone(), page)).await
}

async fn render(state: AppState, page: i64) -> Result<Rendered, AppError> {
    let site = state.site().await?;
    let db = state.db();
    // Page 1 opens with the lead story; later pages continue the latest list after it.
    let offset = if page == 1 {
        0
    } else {
        1 + (page - 1) * PER_PAGE
    };
    let limit = if page == 1 { PER_PAGE + 1 } else { PER_PAGE };
    view::shows_list(&site, &ArticleFilter::default());
    let listing = db
        .published_articles(ArticleFilter::default(), limit, offset)
        .await?;
    let total_pages = view::page_count((listing.total - 1).max(0), PER_PAGE);
    if page > total_pages {
        return Err(AppError::NotFound);
    }
    let mut items = listing.items;
    let (lead_story, featured) = if page == 1 {
        // Page 1 covers the newest PER_PAGE + 1 articles (page 2 continues after them):
        // each shows once, as the lead, a featured story or in the latest list.
        let pinned = db.pinned_stories().await?;
        let featured_ids: Vec<i64> = pinned.featured.iter().map(|a| a.id).collect();
        items.retain(|a| !featured_ids.contains(&a.id));
        let lead = match pinned.lead {
            Some(lead) => {
                items.retain(|a| a.id != lead.id);
                Some(lead)
            }
            None if !items.is_empty() => Some(items.remove(0)),
            None => None,
        };
        (
            lead.map(|a| view::card(&site, &a)),
            view::cards(&site, &pinned.featured),
        )
    } else {
        (None, Vec::new())
    };

    let mut blocks = Vec::new();
    if page == 1 {
        for category in site.categories.iter().filter(|c| c.parent_id.is_none()) {
            let filter = ArticleFilter {
                category_id: Some(category.id),
                ..ArticleFilter::default()
            };
            view::shows_list(&site, &filter);
            let in_category = db.newest_published(filter, PER_BLOCK).await?;
            if !in_category.is_empty() {
                blocks.push(CategoryBlock {
                    category: Link {
                        name: category.name.clone(),
                        url: sahifa_http::urls::category(&category.slug),
                    },
                    articles: view::cards(&site, &in_category),
                });
            }
        }
    }

    let settings = &site.settings;
    let title = if settings.tagline.is_empty() {
        settings.name.clone()
    } else {
        format!("{} | {}", settings.name, settings.tagline)
    };
    let description = (!settings.tagline.is_empty()).then_some(settings.tagline.as_str());
    let canonical = sahifa_http::urls::paged("/", page);
    let ctx = HomePage {
        lead_story,
        featured,
        latest: view::cards(&site, &items),
        category_blocks: blocks,
        pagination: view::paginate("/", page, total_pages),
        most_read: if page == 1 {
            crate::most_read::block(&state, None).await?
        } else {
            None
        },
    };
    let html = view::render(
        &state,
        &site,
        "home.html",
        &title,
        description,
        &canonical,
        ctx,
    )?;
    Ok(Rendered::Html(html))
}
