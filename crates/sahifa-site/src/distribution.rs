//! What carries the site beyond its own pages: the short links (`/s/{id}`) and
//! `robots.txt`. (Feeds and sitemaps are served through `sahifa_http::serving`.)

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

use sahifa_store::ArticleStatus;

use sahifa_http::error::AppError;
use sahifa_http::responses::moved_permanently;
use sahifa_http::state::AppState;
use sahifa_http::urls;

/// `GET /s/{id}`: 301 to the article's canonical URL; 404 for an unknown or unpublished id.
pub async fn short_link(State(state): State<AppState>, Path(raw): Path<String>) -> Response {
    let digits = sahifa_text::digits::to_ascii_digits(raw.trim());
    let Ok(id) = digits.parse::<i64>() else {
        return AppError::NotFound.into_response();
    };
    match state.db().article_by_id(id).await {
        Ok(Some(article)) if article.summary.status == ArticleStatus::Published => {
            let location = format!(
                "{}{}",
                state.config().base_url,
                urls::article(&article.summary.slug)
            );
            moved_permanently(&location)
        }
        Ok(_) => AppError::NotFound.into_response(),
        Err(err) => AppError::from(err).into_response(),
    }
}

/// The absolute short link of article `id`.
pub fn short_url(state: &AppState, id: i64) -> String {
    format!("{}/s/{id}", state.config().base_url)
}

/// `GET /robots.txt`: everything public may be crawled; the admin, the admin API and search
/// result pages (endless, thin) may not. Points crawlers at both sitemaps.
pub async fn robots(State(state): State<AppState>) -> Response {
    let base = &state.config().base_url;
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /admin\nDisallow: /api/v1/admin\nDisallow: /search\n\n\
         Sitemap: {base}/sitemap.xml\nSitemap: {base}/sitemaps/news.xml\n"
    );
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
