//! `sahifa serve`.

use std::time::Duration;

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use sahifa_web::server::{ServerOptions, connection_limit};

use crate::global::{Global, open_database};

/// Options of `sahifa serve`.
#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SAHIFA_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// On an empty database, load the demo site (a second start adds nothing).
    #[arg(long, env = "SAHIFA_DEMO")]
    pub demo: bool,
    /// Folder whose templates/ and static/ files override the embedded default theme.
    #[arg(long, env = "SAHIFA_THEME_DIR")]
    pub theme_dir: Option<PathBuf>,
    /// Public origin readers use (for share links and canonical URLs), e.g.
    /// `https://news.example`; default: `http://ADDR`.
    #[arg(long, env = "SAHIFA_BASE_URL")]
    pub base_url: Option<String>,
    /// SMTP server for forgot-password mail, e.g. `smtp://127.0.0.1:2525` or
    /// `smtps://user:pass@mail.example`; without it the forgot-password page points to an
    /// administrator.
    #[arg(long, env = "SAHIFA_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// Sender of that mail; default: `noreply@` the base URL's host.
    #[arg(long, env = "SAHIFA_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// Proxies (Varnish, HAProxy, a TLS terminator) whose `X-Forwarded-For`, `Forwarded`
    /// and `X-Forwarded-Proto` headers name the client and its scheme: addresses and CIDR
    /// ranges, comma-separated, e.g. `10.0.0.0/8,2001:db8::/32`; default: none, the socket
    /// peer is the client and those headers are ignored.
    #[arg(long, env = "SAHIFA_TRUSTED_PROXIES", value_name = "CIDR,...")]
    pub trusted_proxies: Option<String>,
    /// Server timeouts, limits and the page cache's memory.
    #[command(flatten)]
    pub limits: ServerLimits,
    /// Telegram worker timing.
    #[command(flatten)]
    pub telegram: TelegramTuning,
    /// Where media are kept.
    #[command(flatten)]
    pub media: crate::media_store::MediaStoreArgs,
    /// What HTTP caches in front are told, and where purges go.
    #[command(flatten)]
    pub edge: EdgeArgs,
}

/// HTTP caches in front of the nodes (Varnish, a CDN): how long they may keep public pages,
/// and where a write's purges go (see docs/DEPLOY.md).
#[derive(Debug, Args, Clone)]
pub struct EdgeArgs {
    /// Caches to purge when a write retires pages: URLs, comma-separated, e.g.
    /// `http://127.0.0.1:6081/`; each gets `PURGE` with the retired keys in `xkey-purge`.
    #[arg(long, env = "SAHIFA_PURGE_URLS", value_name = "URL,...")]
    pub purge_urls: Option<String>,
    /// Seconds a shared cache may serve a public page without asking (`s-maxage`).
    #[arg(long, env = "SAHIFA_EDGE_MAX_AGE", default_value_t = 60)]
    pub edge_max_age: u32,
    /// Seconds past that a cache (and a browser) may serve the old copy while it fetches a
    /// new one (`stale-while-revalidate`).
    #[arg(long, env = "SAHIFA_EDGE_STALE_WHILE_REVALIDATE", default_value_t = 30)]
    pub edge_stale_while_revalidate: u32,
    /// Seconds past that a cache may serve the old copy while the site answers with
    /// errors or not at all (`stale-if-error`).
    #[arg(long, env = "SAHIFA_EDGE_STALE_IF_ERROR", default_value_t = 86_400)]
    pub edge_stale_if_error: u32,
}

impl EdgeArgs {
    /// The web layer's settings; a bad purge URL is refused, naming it.
    pub fn caching(&self) -> anyhow::Result<sahifa_web::state::EdgeCaching> {
        let purge_urls = sahifa_web::purge::parse_urls(self.purge_urls.as_deref().unwrap_or(""))
            .map_err(|why| anyhow::anyhow!("invalid --purge-urls: {why}"))?;
        Ok(sahifa_web::state::EdgeCaching {
            max_age: self.edge_max_age,
            stale_while_revalidate: self.edge_stale_while_revalidate,
            stale_if_error: self.edge_stale_if_error,
            purge_urls,
        })
    }
}

/// How long clients may take, how many may connect, and how much memory rendered pages
/// may use. The defaults suit a public site; tests shorten the timeouts.
#[derive(Debug, Args, Clone)]
pub struct ServerLimits {
    /// Connections served at once; beyond it a connection gets 503 (default: 10000, or
    /// fewer when the open-file limit needs it: a reserve is kept for the database, index
    /// and files).
    #[arg(long, env = "SAHIFA_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Seconds a client may take to send a request's headers; also how long an idle
    /// keep-alive connection stays open.
    #[arg(long, env = "SAHIFA_HEADER_TIMEOUT", default_value_t = 10)]
    pub header_timeout: u64,
    /// Seconds a request body (a form, an upload) may take to arrive.
    #[arg(long, env = "SAHIFA_BODY_TIMEOUT", default_value_t = 60)]
    pub body_timeout: u64,
    /// Seconds in-flight requests get to finish on shutdown; then the process exits anyway.
    #[arg(long, env = "SAHIFA_SHUTDOWN_TIMEOUT", default_value_t = 10)]
    pub shutdown_timeout: u64,
    /// Memory budget of the rendered-page cache in MiB (every stored encoding counts);
    /// beyond it the least recently used pages leave.
    #[arg(long, env = "SAHIFA_PAGE_CACHE_MIB", default_value_t = 256)]
    pub page_cache_mib: u64,
}

impl ServerLimits {
    /// The server loop's options, for a site whose public origin is `base_url` and a
    /// process allowed `descriptors` open files.
    pub fn options(&self, base_url: &str, descriptors: Option<u64>) -> ServerOptions {
        ServerOptions {
            busy_message: ServerOptions::default().busy_message,
            header_timeout: Duration::from_secs(self.header_timeout.max(1)),
            body_timeout: Duration::from_secs(self.body_timeout.max(1)),
            max_connections: connection_limit(self.max_connections, descriptors),
            shutdown_timeout: Duration::from_secs(self.shutdown_timeout),
            hsts: sahifa_web::headers::Hsts::for_base_url(base_url).is_some(),
        }
    }
}

/// Timing of the Telegram delivery worker. The defaults suit production; tests shorten
/// them so retries and lease expiry take seconds. (The bot token, channel and API base
/// are read by the worker itself from `SAHIFA_TELEGRAM_*`, see README.)
#[derive(Debug, Args, Clone)]
pub struct TelegramTuning {
    /// How often the worker looks for due deliveries, in milliseconds.
    #[arg(
        long,
        env = "SAHIFA_TELEGRAM_POLL_MS",
        default_value_t = 2000,
        hide = true
    )]
    pub telegram_poll_ms: u64,
    /// First retry delay in milliseconds (doubles per failed attempt).
    #[arg(
        long,
        env = "SAHIFA_TELEGRAM_RETRY_BASE_MS",
        default_value_t = 5000,
        hide = true
    )]
    pub telegram_retry_base_ms: u64,
    /// How long a claimed delivery stays with its worker, in seconds.
    #[arg(
        long,
        env = "SAHIFA_TELEGRAM_LEASE_SECS",
        default_value_t = 120,
        hide = true
    )]
    pub telegram_lease_secs: u64,
}

/// Parses `--addr`.
pub fn parse_addr(addr: &str) -> anyhow::Result<SocketAddr> {
    addr.parse().with_context(|| {
        format!("invalid --addr {addr:?}: expected HOST:PORT such as 127.0.0.1:8080")
    })
}

/// Parses `--trusted-proxies` (absent or blank: trust nobody).
pub fn parse_trusted_proxies(
    list: Option<&str>,
) -> anyhow::Result<sahifa_web::client::TrustedProxies> {
    let proxies = sahifa_web::client::TrustedProxies::parse(list.unwrap_or(""))?;
    if !proxies.is_empty() {
        let nets: Vec<String> = proxies.nets().iter().map(ToString::to_string).collect();
        tracing::info!(
            "client addresses and https are read from the proxies at {}",
            nets.join(", ")
        );
    }
    Ok(proxies)
}

/// The comment setting `comments.ip_header` (a header the admin named, believed from any
/// peer) gave way to `--trusted-proxies`; an install that still has it stored is told what
/// to do instead, once per start.
async fn warn_about_retired_ip_header(
    db: &sahifa_store::Db,
    proxies: &sahifa_web::client::TrustedProxies,
) {
    let Ok(Some(header)) = db.setting("comments.ip_header").await else {
        return;
    };
    if header.trim().is_empty() {
        return;
    }
    if proxies.is_empty() {
        tracing::warn!(
            header = header.trim(),
            "the comment setting comments.ip_header is no longer used: set --trusted-proxies \
             (SAHIFA_TRUSTED_PROXIES) to the proxies' addresses, or comments, logins and \
             sessions all record the proxy's address"
        );
    } else {
        tracing::info!(
            header = header.trim(),
            "the comment setting comments.ip_header is no longer used; --trusted-proxies \
             decides where client addresses come from"
        );
    }
}

/// Converts, in the background, the article bodies stored before bodies became HTML (each
/// reads as before until its turn; every one is its own transaction, so stopping midway
/// loses nothing and the next start goes on).
fn spawn_body_conversion(db: &sahifa_store::Db) {
    let newsroom = sahifa_newsroom::Newsroom::new(db.clone());
    tokio::spawn(async move {
        match newsroom.convert_markdown_bodies().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                articles = n,
                "article bodies converted from Markdown to HTML"
            ),
            Err(err) => tracing::error!(error = %err, "cannot convert the Markdown article bodies"),
        }
    });
}

/// Opens the database, loads the demo when asked, and serves until SIGTERM or Ctrl-C.
pub async fn run(global: &Global, args: ServeArgs) -> anyhow::Result<()> {
    let addr = parse_addr(&args.addr)?;
    let trusted_proxies = parse_trusted_proxies(args.trusted_proxies.as_deref())?;
    let edge = args.edge.caching()?;
    let db = open_database(global).await?;
    let media_store = crate::media_store::open(&global.data_dir, &args.media, &db).await?;
    tracing::info!("media are kept in {}", media_store.describe());
    if args.demo {
        let loaded = crate::demo::load_if_empty_into(&db, &media_store)
            .await
            .context("cannot load the demo content")?;
        if loaded {
            let (email, password) = crate::demo::create_demo_admin(&db)
                .await
                .context("cannot create the demo administrator")?;
            // Printed once, on the start that created it: the password is stored only hashed.
            println!("Demo administrator: {email} / {password}  (log in at /admin)");
        }
    }
    let base_url = args
        .base_url
        .clone()
        .map(|u| u.trim_end_matches('/').to_string())
        .unwrap_or_else(|| format!("http://{addr}"));
    let mut config = sahifa_web::WebConfig::new(global.data_dir.clone(), base_url);
    config.theme_dir = args.theme_dir.clone();
    config.smtp_url = args.smtp_url.clone().filter(|u| !u.trim().is_empty());
    config.smtp_from = args.smtp_from.clone().filter(|f| !f.trim().is_empty());
    warn_about_retired_ip_header(&db, &trusted_proxies).await;
    config.trusted_proxies = trusted_proxies;
    config.media_store = media_store;
    config.edge = edge;
    let state = sahifa_web::build_state(db.clone(), config).context("cannot load the theme")?;
    state.cache().set_budget(
        args.limits
            .page_cache_mib
            .max(1)
            .saturating_mul(1024 * 1024),
    );
    let descriptors = sahifa_web::server::raise_descriptor_limit();
    let mut options = args.limits.options(&state.config().base_url, descriptors);
    if let Ok(site) = state.site().await {
        options.busy_message = state.catalog().text(site.lang, "server-busy");
    }
    if args
        .limits
        .max_connections
        .is_some_and(|asked| asked > options.max_connections)
    {
        tracing::warn!(
            limit = options.max_connections,
            "--max-connections lowered to fit the open-file limit"
        );
    }
    let indexer = crate::search::start(&db, &global.data_dir, &state).await?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr}"))?;
    let sync = sahifa_web::spawn_epoch_sync(db.clone(), sahifa_web::EPOCH_SYNC_EVERY);
    let purgers = sahifa_web::purge::spawn(&db, &state.config().edge.purge_urls);
    if !purgers.is_empty() {
        let urls: Vec<String> = state
            .config()
            .edge
            .purge_urls
            .iter()
            .map(ToString::to_string)
            .collect();
        tracing::info!("writes purge the caches at {}", urls.join(", "));
    }
    // Scheduled articles go live from every process; the store makes each publish happen once.
    let scheduler = sahifa_web::spawn_scheduler(db.clone(), state.config().scheduler_every);
    let telegram = start_telegram(&db, &state, &args);
    spawn_body_conversion(&db);
    // Article views counted in memory reach the database in batches; the most-read
    // ranking is refreshed after them, and read once before the first request.
    if let Err(err) = sahifa_web::most_read::refresh_now(&state).await {
        tracing::warn!(error = %err, "cannot read the most-read ranking yet");
    }
    let most_read = sahifa_web::most_read::spawn(
        state.clone(),
        sahifa_web::most_read::FLUSH_EVERY,
        sahifa_web::most_read::REFRESH_EVERY,
    );
    tracing::info!(
        max_connections = options.max_connections,
        "Sahifa is serving on http://{addr}"
    );
    let stopped = sahifa_web::server::serve_with(
        listener,
        sahifa_web::router(state),
        options,
        shutdown_signal(),
    )
    .await
    .context("server failed")?;
    sync.abort();
    for purger in purgers {
        purger.abort();
    }
    indexer.abort();
    scheduler.abort();
    // The views counted since the last flush are written before the pool closes, so a
    // restart loses none.
    most_read.shutdown(Duration::from_secs(5)).await;
    // Let a delivery in flight be recorded: cutting it off is what opens the duplicate
    // window (sent but not recorded).
    telegram.shutdown(Duration::from_secs(10)).await;
    // A request abandoned at the deadline may still hold a pooled connection, which
    // `close` would wait for.
    let closed = tokio::time::timeout(Duration::from_secs(5), db.close()).await;
    if stopped.abandoned > 0 || closed.is_err() {
        // The runtime would wait for the abandoned tasks when it is dropped; they may never
        // end (a runaway computation), and the deadline promised an exit.
        tracing::warn!(
            abandoned = stopped.abandoned,
            "stopped with requests still running"
        );
        std::process::exit(0);
    }
    tracing::info!("stopped");
    Ok(())
}

/// Starts the Telegram delivery worker (it idles while posting is off or unconfigured).
fn start_telegram(
    db: &sahifa_store::Db,
    state: &sahifa_web::AppState,
    args: &ServeArgs,
) -> sahifa_telegram::WorkerHandle {
    use sahifa_text::dates::Lang;
    let labels = sahifa_telegram::Labels {
        ar: state.catalog().text(Lang::Ar, "telegram-read-more"),
        en: state.catalog().text(Lang::En, "telegram-read-more"),
    };
    let mut config = sahifa_telegram::WorkerConfig::new(
        &state.config().base_url,
        sahifa_telegram::Overrides::from_env(),
        labels,
    );
    let tuning = &args.telegram;
    config.poll_interval = Duration::from_millis(tuning.telegram_poll_ms.max(10));
    config.retry_base = Duration::from_millis(tuning.telegram_retry_base_ms.max(10));
    config.lease = Duration::from_secs(tuning.telegram_lease_secs.max(1));
    // A request must end before its lease does, or a slow answer would let another
    // worker send the same post.
    config.request_timeout = config
        .request_timeout
        .min(config.lease.mul_f64(0.5).max(Duration::from_millis(500)));
    sahifa_telegram::spawn_worker(db.clone(), config)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
