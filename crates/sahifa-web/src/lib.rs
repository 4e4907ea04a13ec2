//! Sahifa's web server, assembled: [`router`] mounts the public site (`sahifa-site`) and
//! the newsroom admin (`sahifa-admin`) over the shared HTTP foundation (`sahifa-http`:
//! state, page cache, errors, theme, locale, sessions), and this crate runs the background
//! tasks every server process needs (epoch sync, scheduled publishing).
//!
//! The parts never import each other sideways: the site and the admin both build on the
//! foundation, the admin also uses the site's page layout, and only this crate sees all.

// Server code propagates errors; a panic on input-derived data takes a request down.
#![warn(clippy::unwrap_used)]

// The parts, re-exported under the names the binary and the tests have always used.
pub use sahifa_admin as admin;
pub use sahifa_admin::api as admin_api;
pub use sahifa_admin::telegram as admin_telegram;
pub use sahifa_http::media_store;
pub use sahifa_http::{
    auth, cache, client, deps, encoded, error, headers, i18n, media, purge, responses, serving,
    state, theme, urls,
};
pub use sahifa_site::most_read;
pub use sahifa_site::{
    api, comments, distribution, feeds, files, pages, search_api, seo, sitemaps, view,
};

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::json;
use tower_http::compression::CompressionLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use state::{AppState, WebConfig};

pub mod server;

use sahifa_store::Db;

/// Builds the state from a database and the start-up configuration.
pub fn build_state(db: Db, config: WebConfig) -> anyhow::Result<AppState> {
    let catalog = Arc::new(i18n::Catalog::load().map_err(anyhow::Error::msg)?);
    let theme = theme::Theme::load(config.theme_dir.as_deref(), catalog.clone())?;
    Ok(AppState::new(db, config, theme, catalog))
}

/// Every route of the site.
pub fn router(state: AppState) -> Router {
    let app = Router::new()
        .route("/", get(pages::home::show_home))
        .route("/article/{slug}", get(pages::article::show_article))
        .route("/preview/{token}", get(pages::article::show_preview))
        .route(
            "/article/{slug}/comments",
            get(comments::show_comments).post(comments::submit),
        )
        .route("/api/v1/comments/challenge", get(comments::challenge))
        .route("/category/{slug}", get(pages::archive::show_category))
        .route("/tag/{slug}", get(pages::archive::show_tag))
        .route("/author/{slug}", get(pages::archive::show_author))
        .route("/page/{slug}", get(pages::static_page::show_page))
        .route("/archive/{year}", get(pages::date_archive::show_year))
        .route(
            "/archive/{year}/{month}",
            get(pages::date_archive::show_month),
        )
        .route(
            "/archive/{year}/{month}/{day}",
            get(pages::date_archive::show_day),
        )
        .route("/static/{*path}", get(files::serve_asset))
        .route("/media/{*path}", get(files::serve_media))
        .route("/healthz", get(healthz))
        .route("/s/{id}", get(distribution::short_link))
        .route("/robots.txt", get(distribution::robots))
        .merge(feeds::router())
        .merge(sitemaps::router())
        .route("/search", get(pages::search::show_search))
        .route("/api/v1/search", get(search_api::search))
        .route("/api/v1/search/suggest", get(search_api::suggest))
        .nest(
            "/admin",
            admin::router().merge(admin_telegram::admin_routes().layer(
                middleware::from_fn_with_state(state.clone(), admin::telegram_context),
            )),
        )
        .nest("/api/v1/admin", admin_api::router())
        .nest("/api/v1", api::router())
        .fallback(pages::errors::not_found)
        .layer(middleware::from_fn(headers::refuse_nul_in_url))
        .layer(middleware::from_fn(pages::redirects::drop_trailing_slash))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            pages::redirects::old_site_urls,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            pages::errors::render_errors,
        ))
        // Pages arrive pre-compressed from the cache; this only compresses the rest (API
        // answers, error pages) and leaves responses that already have an encoding alone.
        .layer(CompressionLayer::new().br(true).gzip(true))
        .layer(middleware::map_response(headers::security_headers));
    // Outside every handler and the error pages: they all see the resolved client, and
    // every cookie set behind an https proxy is marked Secure. With no proxy trusted the
    // socket peer is the client, and the layer is left out rather than run as a no-op on
    // every request of the hot path.
    let app = if state.config().trusted_proxies.is_empty() {
        app
    } else {
        app.layer(middleware::from_fn_with_state(
            state.clone(),
            client::resolve_client,
        ))
    };
    app.layer(TraceLayer::new_for_http().on_response(DefaultOnResponse::new().level(Level::INFO)))
        .with_state(state)
}

/// `GET /healthz`: 200 when the database answers and takes writes, 503 otherwise.
///
/// A write probe (one committed update of a one-row table) catches a read-only or failing
/// disk even on a quiet site; the last real write's storage fault, remembered until a
/// real write commits again, catches a full disk the tiny probe may still fit on. A probe
/// that only waits behind other writers counts as healthy: writes are being made.
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let db = state.db();
    let unavailable = |database: &str| {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({"status": "error", "database": database})),
        )
    };
    if !matches!(
        tokio::time::timeout(Duration::from_secs(2), db.ping()).await,
        Ok(Ok(()))
    ) {
        return unavailable("unreachable");
    }
    match db.check_writes(Duration::from_secs(2)).await {
        sahifa_store::WriteCheck::Ok | sahifa_store::WriteCheck::Busy => (
            StatusCode::OK,
            axum::Json(json!({"status": "ok", "database": "ok"})),
        ),
        sahifa_store::WriteCheck::Failing(why) => {
            tracing::warn!(error = %why, "healthz: writes are failing");
            unavailable("writes failing")
        }
    }
}

/// How often a process reads what other processes retired: a write on one node reaches
/// every node's page cache within this.
pub const EPOCH_SYNC_EVERY: Duration = Duration::from_millis(250);

/// Keeps this process's page cache in step with writes made by other processes that
/// share the database, so their edits reach it within `every`.
pub fn spawn_epoch_sync(db: Db, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut last = db.stored_version().await.unwrap_or(0);
        let mut ticker = tokio::time::interval(every);
        loop {
            ticker.tick().await;
            match db.sync_epoch(last).await {
                Ok(now) => last = now,
                Err(err) => tracing::warn!(error = %err, "content version poll failed"),
            }
        }
    })
}

/// Publishes scheduled articles when their time comes and takes ended «عاجل» flags out of
/// the breaking ticker, checking every `every`. Safe to run in every process sharing a
/// database: each article (and each flag) is claimed by exactly one of them.
pub fn spawn_scheduler(db: Db, every: Duration) -> tokio::task::JoinHandle<()> {
    let newsroom = sahifa_newsroom::Newsroom::new(db.clone());
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        // The comment privacy sweep (IP retention, used CAPTCHA tokens) runs once a minute.
        let mut comments_swept: Option<std::time::Instant> = None;
        loop {
            ticker.tick().await;
            if comments_swept.is_none_or(|at| at.elapsed() >= Duration::from_secs(60)) {
                comments::sweep(&db, chrono::Utc::now()).await;
                comments_swept = Some(std::time::Instant::now());
            }
            match newsroom.publish_due(chrono::Utc::now()).await {
                Ok(published) => {
                    for (id, title) in published {
                        tracing::info!(id, %title, "scheduled article published");
                    }
                }
                Err(err) => tracing::warn!(error = %err, "scheduled publishing sweep failed"),
            }
            match newsroom.expire_breaking(chrono::Utc::now()).await {
                Ok(expired) => {
                    for (id, title) in expired {
                        tracing::info!(id, %title, "breaking flag ended");
                    }
                }
                Err(err) => tracing::warn!(error = %err, "breaking-news sweep failed"),
            }
            // Expired sessions are deleted when used; this clears the ones never used again.
            let now = chrono::Utc::now();
            let _ = db
                .purge_sessions(now, now - chrono::Duration::days(30))
                .await;
        }
    })
}

/// Serves `router` on `listener` with the default timeouts and limits (see [`server`])
/// until `shutdown` resolves, then finishes in-flight requests within the deadline.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    server::serve_with(listener, router, server::ServerOptions::default(), shutdown)
        .await
        .map(|_| ())
}
