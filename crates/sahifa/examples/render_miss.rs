//! Cache-miss render timing, in process: how long the model article and the home page take
//! when nothing they show is cached, against the cached (hit) answer.
//!
//! A fresh SQLite data dir in a temporary folder gets the demo site (as the integration
//! tests load it), the server's state and router are built as `sahifa serve` builds them,
//! and requests go straight to the router with `tower::ServiceExt::oneshot`: no sockets, no
//! HTTP parsing, just routing, the page cache and the render. Each page is timed three ways:
//! - `miss-all`: before each request every cached page and in-memory view is retired
//!   (`Db::bump_epoch_local`, what a settings change or a missed log entry does), so the
//!   render also reloads the site's settings, menus and the most-read titles;
//! - `miss`: before each request only what a typical write names is retired (the article's
//!   key for the article page, as a comment approval or an edit does; the latest list for
//!   the home page, as a publish does), so the page renders with the site view warm;
//! - `hit`: nothing retired, the cached answer.
//!
//! The cache's render counter checks that each miss rendered exactly once.
//!
//! Usage:
//!   cargo run --release -p sahifa --example render_miss [-- OPTIONS]
//!
//! Options:
//!   --iterations N   timed requests per page and kind (default 2000)
//!   --warmup N       untimed requests before them (default 200)
//!   --search MODE    `none` (no search index: the related block comes from the
//!                    database), `index` (the index open, as `sahifa serve` runs), or
//!                    `both` (default: first without, then with the index)
//!   --tsv            also print one machine-readable line per figure:
//!                    `result<TAB>search<TAB>page<TAB>kind<TAB>p50<TAB>p90<TAB>p99<TAB>max`
//!                    (microseconds), for bench/render.sh
//!
//! Environment: `RENDER_MISS_ACCEPT_ENCODING` replaces the requests' `Accept-Encoding`
//! (default `gzip, br`); `identity` times the render without the compression of its answer.
//! `RUST_LOG=sqlx::query=debug` lists the statements each render runs.
//!
//! bench/render.sh runs this several times and reports the medians.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use sahifa_store::{ArticleFilter, Db, Dep, Retired};
use tower::ServiceExt;

/// The demo article the benchmarks call the model article.
const MODEL_SLUG_PREFIX: &str = "روحاني";

#[derive(Clone, Copy, PartialEq, Eq)]
enum SearchMode {
    None,
    Index,
    Both,
}

struct Options {
    iterations: usize,
    warmup: usize,
    search: SearchMode,
    tsv: bool,
}

fn usage() -> ! {
    eprintln!(
        "usage: render_miss [--iterations N] [--warmup N] [--search none|index|both] [--tsv]"
    );
    std::process::exit(2);
}

fn parse_options() -> Options {
    let mut options = Options {
        iterations: 2000,
        warmup: 200,
        search: SearchMode::Both,
        tsv: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match arg.as_str() {
            "--iterations" => {
                options.iterations = value().parse().unwrap_or_else(|_| usage());
            }
            "--warmup" => options.warmup = value().parse().unwrap_or_else(|_| usage()),
            "--search" => {
                options.search = match value().as_str() {
                    "none" => SearchMode::None,
                    "index" => SearchMode::Index,
                    "both" => SearchMode::Both,
                    _ => usage(),
                }
            }
            "--tsv" => options.tsv = true,
            _ => usage(),
        }
    }
    if options.iterations == 0 {
        usage();
    }
    options
}

/// Percentiles of a set of durations, in microseconds.
struct Summary {
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
}

impl Summary {
    fn of(samples: &mut [Duration]) -> Summary {
        samples.sort_unstable();
        // Nearest rank: the smallest sample with at least p of all samples at or below it.
        let rank = |p: f64| {
            let n = samples.len();
            let i = ((p * n as f64).ceil() as usize).clamp(1, n) - 1;
            samples[i].as_secs_f64() * 1e6
        };
        Summary {
            p50: rank(0.50),
            p90: rank(0.90),
            p99: rank(0.99),
            max: rank(1.0),
        }
    }
}

/// One GET through the router, body read to its end; returns how long it took.
async fn get(router: &Router, path: &str) -> anyhow::Result<Duration> {
    let request = Request::builder()
        .uri(path)
        .header(
            header::ACCEPT_ENCODING,
            std::env::var("RENDER_MISS_ACCEPT_ENCODING").unwrap_or_else(|_| "gzip, br".into()),
        )
        .header(header::USER_AGENT, "render_miss")
        .body(Body::empty())?;
    let started = Instant::now();
    let response = router.clone().oneshot(request).await?;
    let status = response.status();
    let stale = response.headers().contains_key("x-sahifa-cache");
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
    let took = started.elapsed();
    if status != StatusCode::OK {
        bail!("GET {path} answered {status}");
    }
    if stale {
        bail!("GET {path} was answered stale: the timing would not include a render");
    }
    if body.is_empty() {
        bail!("GET {path} answered an empty body");
    }
    Ok(took)
}

/// What is retired before each timed request.
#[derive(Clone, Copy)]
enum Retire {
    /// Everything (`miss-all`).
    Everything,
    /// These keys (`miss`).
    Keys(Dep),
    /// Nothing (`hit`).
    Nothing,
}

/// Times `iterations` requests for `path`, each after retiring what `retire` says; checks
/// that each miss rendered exactly once and each hit not at all.
async fn measure(
    db: &Db,
    state: &sahifa_web::AppState,
    router: &Router,
    path: &str,
    retire: Retire,
    warmup: usize,
    iterations: usize,
) -> anyhow::Result<Summary> {
    let mut samples = Vec::with_capacity(iterations);
    for i in 0..warmup + iterations {
        let miss = match retire {
            Retire::Everything => {
                db.bump_epoch_local();
                true
            }
            Retire::Keys(dep) => {
                db.retire_local(&Retired::Some(vec![dep].into()));
                true
            }
            Retire::Nothing => false,
        };
        let renders = state.cache().renders();
        let took = get(router, path).await?;
        let rendered = state.cache().renders() - renders;
        let expected = u64::from(miss);
        if rendered != expected {
            bail!("GET {path}: {rendered} renders, expected {expected} (miss = {miss})");
        }
        if i >= warmup {
            samples.push(took);
        }
    }
    Ok(Summary::of(&mut samples))
}

/// Percent-encodes a path segment (the slug is Arabic).
fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len() * 3);
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The model article's slug, id and site path.
async fn model_article(db: &Db) -> anyhow::Result<(String, (i64, String))> {
    let page = db
        .published_articles(ArticleFilter::default(), 500, 0)
        .await?;
    let article = page
        .items
        .iter()
        .find(|a| a.slug.starts_with(MODEL_SLUG_PREFIX))
        .with_context(|| {
            format!("no published demo article whose slug starts with {MODEL_SLUG_PREFIX}")
        })?;
    let path = format!("/article/{}", encode_segment(&article.slug));
    Ok((article.slug.clone(), (article.id, path)))
}

struct Row {
    search: &'static str,
    page: &'static str,
    kind: &'static str,
    summary: Summary,
}

async fn run_mode(
    db: &Db,
    state: &sahifa_web::AppState,
    router: &Router,
    article: &(i64, String),
    search: &'static str,
    options: &Options,
    rows: &mut Vec<Row>,
) -> anyhow::Result<()> {
    let (article_id, article_path) = article;
    let pages = [
        ("article", article_path.as_str(), Dep::Article(*article_id)),
        ("home", "/", Dep::Latest),
    ];
    for (page, path, own) in pages {
        let kinds = [
            ("miss-all", Retire::Everything),
            ("miss", Retire::Keys(own)),
            ("hit", Retire::Nothing),
        ];
        for (kind, retire) in kinds {
            eprintln!("render_miss: search={search} {page} {kind} ...");
            let summary = measure(
                db,
                state,
                router,
                path,
                retire,
                options.warmup,
                options.iterations,
            )
            .await?;
            rows.push(Row {
                search,
                page,
                kind,
                summary,
            });
        }
    }
    Ok(())
}

fn print_table(rows: &[Row], options: &Options, slug: &str) {
    println!(
        "cache-miss renders, in process (router via tower oneshot, SQLite, demo site): \
         {} timed requests per row after {} warm-up",
        options.iterations, options.warmup
    );
    println!("model article: /article/{slug}");
    println!();
    println!("| search index | page | kind | p50 µs | p90 µs | p99 µs | max µs |");
    println!("| --- | --- | --- | ---: | ---: | ---: | ---: |");
    for row in rows {
        let s = &row.summary;
        println!(
            "| {} | {} | {} | {:.0} | {:.0} | {:.0} | {:.0} |",
            row.search, row.page, row.kind, s.p50, s.p90, s.p99, s.max
        );
    }
    if options.tsv {
        for row in rows {
            let s = &row.summary;
            println!(
                "result\t{}\t{}\t{}\t{:.1}\t{:.1}\t{:.1}\t{:.1}",
                row.search, row.page, row.kind, s.p50, s.p90, s.p99, s.max
            );
        }
    }
}

async fn open_demo(dir: &Path) -> anyhow::Result<Db> {
    let url = format!("sqlite://{}", dir.join("sahifa.db").display());
    let db = Db::connect(&url).await.context("open the database")?;
    db.migrate().await.context("migrate the database")?;
    sahifa::demo::load_if_empty(&db, dir)
        .await
        .context("load the demo")?;
    Ok(db)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = parse_options();
    if std::env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
    let dir = tempfile::tempdir().context("temporary data dir")?;
    let db = open_demo(dir.path()).await?;
    let mut config =
        sahifa_web::WebConfig::new(dir.path().to_path_buf(), "http://127.0.0.1:8080".into());
    config.page_cache_entries = 1000;
    let state = sahifa_web::build_state(db.clone(), config).context("build the state")?;
    sahifa_web::most_read::refresh_now(&state)
        .await
        .context("most-read ranking")?;
    let router = sahifa_web::router(state.clone());
    let (slug, article) = model_article(&db).await?;

    let mut rows = Vec::new();
    if options.search != SearchMode::Index {
        run_mode(&db, &state, &router, &article, "none", &options, &mut rows).await?;
    }
    let mut indexer = None;
    if options.search != SearchMode::None {
        indexer = Some(
            sahifa::search::start(&db, dir.path(), &state)
                .await
                .context("open the search index")?,
        );
        run_mode(&db, &state, &router, &article, "index", &options, &mut rows).await?;
    }
    print_table(&rows, &options, &slug);
    if let Some(indexer) = indexer {
        indexer.abort();
    }
    db.close().await;
    Ok(())
}
