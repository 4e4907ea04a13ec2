//! One article, with the parts of the model page in their order (see article.html).

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::json;

use sahifa_store::SlugKind;

use super::{Rendered, serve_page};
use crate::error::AppError;
use crate::state::AppState;
use crate::{urls, view};

/// `GET /article/{slug}`.
pub async fn show_article(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Response {
    let key = format!("article:{slug}");
    serve_page(&state, key, &headers, || render(state.clone(), slug)).await
}

async fn render(state: AppState, slug: String) -> Result<Rendered, AppError> {
    let db = state.db();
    let Some(article) = db.published_article(&slug).await? else {
        return moved(&state, SlugKind::Article, &slug, urls::article).await;
    };
    let site = state.site().await?;
    let related = db.related_articles(&article).await?;
    let description = (!article.summary.lead.is_empty()).then_some(article.summary.lead.as_str());
    let title = format!("{} - {}", article.summary.title, site.settings.name);
    let canonical = urls::article(&article.summary.slug);
    let ctx = json!({
        "article": view::article(&state, &site, &article),
        "related": view::cards(&site, &related),
    });
    let html = view::render(
        &state,
        &site,
        "article.html",
        &title,
        description,
        &canonical,
        ctx,
    )?;
    Ok(Rendered::Html(html))
}

/// Where a slug that names nothing should send the reader: the normalised spelling (a
/// link typed with tashkeel or spaces), or the current slug of something renamed.
pub async fn moved(
    state: &AppState,
    kind: SlugKind,
    slug: &str,
    url_of: fn(&str) -> String,
) -> Result<Rendered, AppError> {
    let normalised = sahifa_text::slug::slugify(slug);
    if !normalised.is_empty() && normalised != slug {
        return Ok(Rendered::Moved(url_of(&normalised)));
    }
    match state.db().redirect_target(kind, slug).await? {
        Some(current) => Ok(Rendered::Moved(url_of(&current))),
        None => Err(AppError::NotFound),
    }
}
