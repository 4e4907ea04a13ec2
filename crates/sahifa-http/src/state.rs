//! What every request handler shares.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock, RwLock};

use axum::http::HeaderValue;
use chrono_tz::Tz;
use sahifa_store::{Category, Db, Dep, SiteSettings};
use sahifa_text::dates::Lang;
use sahifa_text::digits::DigitStyle;

use crate::cache::{DocumentCache, PageCache};
use crate::i18n::Catalog;
use crate::theme::Theme;

/// The setting listing other-language editions (`en=https://en.example.com,...`).
pub const HREFLANG_KEY: &str = "site.hreflang";

/// Start-up settings of the web server (editable settings live in the database).
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Folder for the database file, media and indexes.
    pub data_dir: PathBuf,
    /// Folder whose templates/assets override the embedded theme.
    pub theme_dir: Option<PathBuf>,
    /// Scheme and host readers use, e.g. `https://news.example`; used for absolute links
    /// (share buttons, canonical URLs). No trailing slash.
    pub base_url: String,
    /// Maximum number of rendered pages kept in memory.
    pub page_cache_entries: usize,
    /// A session unused for this long ends.
    pub session_idle: chrono::Duration,
    /// A session ends this long after login, used or not.
    pub session_absolute: chrono::Duration,
    /// How often the scheduled-publishing sweep runs.
    pub scheduler_every: std::time::Duration,
    /// The SMTP server forgot-password mail goes through (`smtp://host:port`,
    /// `smtps://user:pass@host`); without one, the forgot-password page sends nothing.
    pub smtp_url: Option<String>,
    /// The mail's sender; default `noreply@` the base URL's host.
    pub smtp_from: Option<String>,
    /// Where uploads and their variants are kept and `/media/...` reads them from; default
    /// the folder `<data-dir>/media` (see [`crate::media_store`]).
    pub media_store: crate::media_store::MediaStore,
    /// Proxies whose `X-Forwarded-For`/`Forwarded`/`X-Forwarded-Proto` are believed
    /// (`--trusted-proxies`); default none (see [`crate::client`]).
    pub trusted_proxies: crate::client::TrustedProxies,
    /// How long after a retired page's re-render started the page may still be answered,
    /// marked stale, to readers arriving meanwhile (see [`crate::serving`]); zero: never.
    pub stale_for: std::time::Duration,
    /// What HTTP caches in front (Varnish, a CDN) are told, and where purges go.
    pub edge: EdgeCaching,
}

/// How long shared caches in front may keep public pages, and where this process sends
/// purges when a write retires pages (see [`crate::purge`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeCaching {
    /// Seconds a shared cache may serve a page without asking (`s-maxage`).
    pub max_age: u32,
    /// Seconds past that it may serve the old copy while it fetches a new one
    /// (`stale-while-revalidate`; browsers honour it too).
    pub stale_while_revalidate: u32,
    /// Seconds past that it may serve the old copy while the site answers with errors
    /// (`stale-if-error`).
    pub stale_if_error: u32,
    /// Caches to send `PURGE` with the retired keys to (`--purge-urls`).
    pub purge_urls: Vec<url::Url>,
}

impl Default for EdgeCaching {
    fn default() -> Self {
        EdgeCaching {
            max_age: 60,
            stale_while_revalidate: 30,
            stale_if_error: 86_400,
            purge_urls: Vec::new(),
        }
    }
}

/// The `Cache-Control` values built once from [`EdgeCaching`].
#[derive(Debug, Clone)]
pub struct EdgeHeaders {
    /// For pages: browsers revalidate every time (the `ETag` makes it cheap), shared
    /// caches keep the page for `max_age`.
    pub page: HeaderValue,
    /// For feeds and sitemaps: readers and crawlers may keep them a minute.
    pub document: HeaderValue,
}

impl EdgeHeaders {
    fn new(edge: &EdgeCaching) -> EdgeHeaders {
        let shared = format!(
            "s-maxage={}, stale-while-revalidate={}, stale-if-error={}",
            edge.max_age, edge.stale_while_revalidate, edge.stale_if_error
        );
        let value = |browser: &str| {
            HeaderValue::from_str(&format!("public, {browser}, {shared}"))
                .unwrap_or_else(|_| HeaderValue::from_static("public, no-cache"))
        };
        EdgeHeaders {
            page: value("max-age=0"),
            document: value("max-age=60"),
        }
    }
}

impl WebConfig {
    /// The defaults for everything but the data dir and the public origin.
    pub fn new(data_dir: PathBuf, base_url: String) -> WebConfig {
        let media_store = crate::media_store::MediaStore::local(data_dir.join("media"));
        WebConfig {
            data_dir,
            theme_dir: None,
            base_url,
            page_cache_entries: 10_000,
            session_idle: chrono::Duration::hours(12),
            session_absolute: chrono::Duration::days(7),
            scheduler_every: std::time::Duration::from_secs(1),
            smtp_url: None,
            smtp_from: None,
            media_store,
            trusted_proxies: crate::client::TrustedProxies::none(),
            stale_for: crate::serving::DEFAULT_STALE_FOR,
            edge: EdgeCaching::default(),
        }
    }
}

/// The site settings resolved into the types pages need, plus the navigation.
#[derive(Debug, Clone)]
pub struct SiteView {
    /// The stored settings.
    pub settings: SiteSettings,
    /// UI language.
    pub lang: Lang,
    /// Time zone for displayed times.
    pub tz: Tz,
    /// Digit style for displayed numbers.
    pub digits: DigitStyle,
    /// All categories, parents first.
    pub categories: Vec<Category>,
    /// Other-language editions for hreflang (setting `site.hreflang`, see `sahifa_site::seo`).
    pub hreflang: Option<String>,
    /// Every header and footer menu item with its target, read once per content epoch
    /// (see `sahifa_site::view` for the menus built from them).
    pub menu_items: Vec<sahifa_store::menus::MenuItem>,
    /// The breaking ticker's articles, read with the rest (see `sahifa_store::front_page`);
    /// a page shows those whose flag has not ended when it renders.
    pub breaking: Vec<sahifa_store::front_page::Breaking>,
}

impl SiteView {
    /// Resolves settings; an unknown zone or digit style falls back to a safe default (the
    /// admin validates them on input, so this only guards against hand-edited rows).
    pub fn new(settings: SiteSettings, categories: Vec<Category>) -> SiteView {
        let tz = settings.time_zone.parse().unwrap_or(Tz::UTC);
        let digits = settings.digit_style.parse().unwrap_or_default();
        SiteView {
            lang: Lang::from_code(&settings.locale),
            tz,
            digits,
            settings,
            categories,
            hreflang: None,
            menu_items: Vec::new(),
            breaking: Vec::new(),
        }
    }

    /// `rtl` for Arabic, `ltr` for English.
    pub fn dir(&self) -> &'static str {
        match self.lang {
            Lang::Ar => "rtl",
            Lang::En => "ltr",
        }
    }
}

/// Shared state: cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    db: Db,
    newsroom: sahifa_newsroom::Newsroom,
    config: WebConfig,
    theme: Theme,
    catalog: Arc<Catalog>,
    cache: PageCache,
    /// Feeds and sitemaps, cached like pages (see `sahifa_site::distribution`).
    documents: DocumentCache,
    site: RwLock<Option<(u64, Arc<SiteView>)>>,
    edge_headers: EdgeHeaders,
    /// The search index, once start-up has opened it (absent in processes and tests that
    /// run without search: pages then fall back to database queries).
    search: OnceLock<sahifa_search::SearchIndex>,
    /// Article views counted in memory and the most-read ranking (see [`crate::views`]).
    views: crate::views::ViewCounter,
}

impl AppState {
    /// Builds the state.
    pub fn new(db: Db, config: WebConfig, theme: Theme, catalog: Arc<Catalog>) -> AppState {
        let cache = PageCache::new(config.page_cache_entries);
        let edge_headers = EdgeHeaders::new(&config.edge);
        AppState {
            inner: Arc::new(Inner {
                newsroom: sahifa_newsroom::Newsroom::new(db.clone()),
                db,
                config,
                theme,
                catalog,
                cache,
                documents: DocumentCache::new(2_000),
                site: RwLock::new(None),
                edge_headers,
                search: OnceLock::new(),
                views: crate::views::ViewCounter::new(),
            }),
        }
    }

    /// The database.
    pub fn db(&self) -> &Db {
        &self.inner.db
    }

    /// The use cases: every write goes through here.
    pub fn newsroom(&self) -> &sahifa_newsroom::Newsroom {
        &self.inner.newsroom
    }

    /// Start-up configuration.
    pub fn config(&self) -> &WebConfig {
        &self.inner.config
    }

    /// Templates and assets.
    pub fn theme(&self) -> &Theme {
        &self.inner.theme
    }

    /// Locale messages.
    pub fn catalog(&self) -> &Catalog {
        &self.inner.catalog
    }

    /// Attaches the search index; a second call is ignored (one index per process).
    pub fn set_search(&self, index: sahifa_search::SearchIndex) {
        let _ = self.inner.search.set(index);
    }

    /// The search index, when this process runs one.
    pub fn search(&self) -> Option<&sahifa_search::SearchIndex> {
        self.inner.search.get()
    }

    /// Rendered pages.
    pub fn cache(&self) -> &PageCache {
        &self.inner.cache
    }

    /// Rendered feeds and sitemaps.
    pub fn documents(&self) -> &DocumentCache {
        &self.inner.documents
    }

    /// Article views counted in memory, and the most-read ranking the pages show.
    pub fn views(&self) -> &crate::views::ViewCounter {
        &self.inner.views
    }

    /// The `Cache-Control` values for cached pages and documents.
    pub fn edge_headers(&self) -> &EdgeHeaders {
        &self.inner.edge_headers
    }

    /// The current site settings and navigation, re-read only when they changed. A page
    /// that asks for them shows them: it is retired with them. The breaking ticker comes
    /// with them: it changes with [`Dep::Site`], and with the articles it lists (a
    /// headline edited, an article taken back), which the page that prints it records.
    pub async fn site(&self) -> Result<Arc<SiteView>, sahifa_store::StoreError> {
        crate::deps::record(Dep::Site);
        let registry = self.inner.db.registry();
        let epoch = registry.now();
        if let Ok(guard) = self.inner.site.read()
            && let Some((at, view)) = guard.as_ref()
            && registry.is_current(*at, &[Dep::Site])
            && view
                .breaking
                .iter()
                .all(|b| registry.is_current(*at, &[Dep::Article(b.id)]))
        {
            return Ok(view.clone());
        }
        let settings = self.inner.db.site_settings().await?;
        let categories = self.inner.db.categories().await?;
        let mut view = SiteView::new(settings, categories);
        view.hreflang = self.inner.db.setting(HREFLANG_KEY).await?;
        view.menu_items = self.inner.db.menu_items().await?;
        view.breaking = self.inner.db.breaking_news(chrono::Utc::now()).await?;
        let view = Arc::new(view);
        if let Ok(mut guard) = self.inner.site.write() {
            *guard = Some((epoch, view.clone()));
        }
        Ok(view)
    }
}
