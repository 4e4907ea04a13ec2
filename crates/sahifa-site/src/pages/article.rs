//! One article, with the parts of the model page in their order (see article.html).

use axum::extract::{Path, Request, State};
use axum::response::Response;
use serde::Serialize;

use sahifa_store::SlugKind;

use crate::comments::CommentsBlock;
use crate::seo::SeoHead;
use crate::view::{self, ArticleView, Card};
use sahifa_http::error::AppError;
use sahifa_http::serving::{Rendered, serve_page};
use sahifa_http::state::AppState;
use sahifa_http::urls;

/// An article page's context (article.html).
#[derive(Debug, Serialize)]
pub struct ArticlePage {
    article: ArticleView,
    related: Vec<Card>,
    /// The comment section (none on a preview).
    comments: Option<CommentsBlock>,
    /// «الأكثر قراءة», without this article.
    most_read: Option<crate::most_read::MostReadBlock>,
    /// The article's own SEO block, in place of the layout's generic one.
    seo: SeoHead,
    /// A preview of unpublished or unsaved words: the draft banner, no indexing.
    preview: bool,
}

/// `GET /article/{slug}`. A reader's view is counted here, where the cached page is
/// served (see `sahifa_http::views`); the page carries the most-read block, so its cache
/// key follows the ranking's generation.
pub async fn show_article(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: Request,
) -> Response {
    let key = format!(
        "article:{slug}:{}",
        crate::most_read::cache_key_part(&state)
    );
    let headers = request.headers();
    let response = serve_page(&state, key, headers, || render(state.clone(), slug.clone())).await;
    state.views().observe(
        &slug,
        request.method(),
        headers,
        request.extensions(),
        response.status(),
    );
    response
}

async fn render(state: AppState, slug: String) -> Result<Rendered, AppError> {
    let db = state.db();
    let Some(article) = db.published_article(&slug).await? else {
        return moved(&state, SlugKind::Article, &slug, urls::article).await;
    };
    let site = state.site().await?;
    // The three blocks read different rows: asked for together, their queries run on
    // separate connections at once instead of one after another (the page's recorded
    // dependencies are task-local, and `try_join!` polls all three in this task).
    let (related, comments, most_read) = tokio::try_join!(
        related_articles(&state, &article),
        crate::comments::article_block(&state, &site, &article),
        crate::most_read::block(&state, Some(article.summary.id)),
    )?;
    let description = (!article.summary.lead.is_empty()).then_some(article.summary.lead.as_str());
    let title = format!("{} - {}", article.summary.title, site.settings.name);
    let canonical = urls::article(&article.summary.slug);
    let article_view = view::article(&state, &site, &article);
    let frame_origins = article_view.frame_origins.clone();
    let ctx = ArticlePage {
        article: article_view,
        related: view::cards(&site, &related),
        comments: Some(comments),
        most_read,
        seo: crate::seo::article(&state, &site, &article, site.hreflang.as_deref()),
        preview: false,
    };
    let html = view::render(
        &state,
        &site,
        "article.html",
        &title,
        description,
        &canonical,
        ctx,
    )?;
    if frame_origins.is_empty() {
        Ok(Rendered::Html(html))
    } else {
        Ok(Rendered::Framing(html, frame_origins))
    }
}

/// The article page of `article` as a preview: the public layout (headline, image,
/// dateline, body, embeds) under a banner saying it is not public, without the blocks
/// that read other rows (comments, related, most read). Never cached.
pub async fn preview_page(
    state: &AppState,
    article: &sahifa_store::Article,
) -> Result<String, AppError> {
    let site = state.site().await?;
    let title = format!("{} - {}", article.summary.title, site.settings.name);
    let canonical = urls::article(&article.summary.slug);
    let ctx = ArticlePage {
        article: view::article(state, &site, article),
        related: Vec::new(),
        comments: None,
        most_read: None,
        seo: crate::seo::article(state, &site, article, site.hreflang.as_deref()),
        preview: true,
    };
    view::render(state, &site, "article.html", &title, None, &canonical, ctx)
}

/// `GET /preview/{token}`: a private preview link (see `sahifa_newsroom::previews`). An
/// unknown or expired link is a plain 404, which tells nothing about the article.
pub async fn show_preview(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    let page = async {
        let id = state
            .newsroom()
            .previewed_article(&token, chrono::Utc::now())
            .await
            .map_err(AppError::from)?
            .ok_or(AppError::NotFound)?;
        let article = state
            .db()
            .article_by_id(id)
            .await?
            .ok_or(AppError::NotFound)?;
        preview_page(&state, &article).await
    };
    match page.await {
        Ok(html) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                ),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("private, no-store"),
                ),
                (
                    header::HeaderName::from_static("x-robots-tag"),
                    HeaderValue::from_static("noindex, nofollow"),
                ),
            ],
            html,
        )
            .into_response(),
        Err(err) => err.into_response(),
    }
}

/// The «مقالات ذات صلة» block: articles about the same thing, chosen by the search index
/// from the article's own words (3 to 6). Without an index, or when it finds fewer than
/// three, the database's same-category/shared-tag list fills in.
async fn related_articles(
    state: &AppState,
    article: &sahifa_store::Article,
) -> Result<Vec<sahifa_store::ArticleSummary>, AppError> {
    const MAX: usize = 6;
    const MIN: usize = 3;
    let db = state.db();
    let Some(index) = state.search().cloned() else {
        return Ok(db.related_articles(article).await?);
    };
    let id = article.summary.id;
    let now = chrono::Utc::now().timestamp();
    let memoised = index.related_memoised(id, MAX, now);
    let ids = match memoised {
        Some(ids) => ids,
        None => match tokio::task::spawn_blocking(move || index.related(id, MAX, now)).await {
            Ok(Ok(ids)) => ids,
            Ok(Err(err)) => {
                tracing::warn!(error = %err, "related articles from the index failed");
                Vec::new()
            }
            Err(err) => {
                tracing::warn!(error = %err, "related articles task failed");
                Vec::new()
            }
        },
    };
    // Re-read from the database: only what is published right now is shown.
    let mut related = db.published_summaries_by_ids(&ids).await?;
    related.retain(|a| a.id != id);
    if related.len() < MIN {
        for extra in db.related_articles(article).await? {
            if related.len() >= MIN {
                break;
            }
            if related.iter().all(|r| r.id != extra.id) {
                related.push(extra);
            }
        }
    }
    related.truncate(MAX);
    Ok(related)
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
