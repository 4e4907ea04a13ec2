//! Search benchmark: Sahifa's index against SQLite FTS5 on the same generated corpus and
//! the same queries, in one run. Run it with `bench/search/run.sh` (release build).
//!
//! ```text
//! search_bench [--articles N] [--seed S] [--dir DIR] [--rounds R]
//! search_bench --jsonl FILE [--articles N] [--seed S]     # write the corpus for import-jsonl
//! ```
//!
//! Steps: generate the corpus into a SQLite database with Sahifa's schema (reused when it
//! already holds the same corpus), then run each engine in its own child process so its
//! memory figures are its own: Sahifa rebuilds its index from the database exactly as
//! `sahifa reindex` does; FTS5 indexes the same articles from the same database into an
//! `fts5(title, lead, body, tags)` table with the default tokenizer. Each engine then runs
//! the fixed query list `rounds` times (after one warm-up pass), one query at a time, and
//! reports p50/p99. Sahifa's query time includes counting all matches, loading the top ten
//! and building their highlighted snippets; FTS5's includes the ranked top ten with
//! `snippet()` and a `count(*)`, which is what a results page needs.

mod corpus;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::{Value, json};
use sqlx::Row;

use corpus::Corpus;
use sahifa_search::{IndexOptions, SearchIndex, SearchRequest, Sort};
use sahifa_store::Db;

struct Args {
    articles: usize,
    seed: u64,
    dir: PathBuf,
    rounds: usize,
    phase: Option<String>,
    jsonl: Option<PathBuf>,
}

fn args() -> Args {
    let mut a = Args {
        articles: 100_000,
        seed: 20_261_201,
        dir: PathBuf::from("target/search-bench"),
        rounds: 10,
        phase: None,
        jsonl: None,
    };
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < argv.len() {
        let value = argv.get(i + 1).cloned().unwrap_or_default();
        match argv[i].as_str() {
            "--articles" => a.articles = value.parse().unwrap_or(a.articles),
            "--seed" => a.seed = value.parse().unwrap_or(a.seed),
            "--dir" => a.dir = PathBuf::from(value),
            "--rounds" => a.rounds = value.parse().unwrap_or(a.rounds),
            "--phase" => a.phase = Some(value),
            "--jsonl" => a.jsonl = Some(PathBuf::from(value)),
            other => {
                eprintln!("unknown argument {other}");
                std::process::exit(2);
            }
        }
        i += 2;
    }
    a
}

/// The fixed mixed query list: common and rare words, variant spellings, two- and
/// three-word queries, phrases, a name from the head, the middle and the tail of the name
/// distribution, a stop word, a query with no match, and an unbalanced quote.
fn queries(corpus: &Corpus) -> Vec<String> {
    let mut q: Vec<String> = [
        "إيران",
        "ايران",
        "النفط",
        "أسعار النفط",
        "\"الاتفاق النووي\"",
        "روحاني",
        "الولايات المتحدة",
        "الأمريكية",
        "امريكا",
        "التعاون الاقليمي",
        "وزير الخارجية",
        "مجلس الأمن",
        "كرة القدم",
        "الطاقة الشمسية",
        "الذكاء الاصطناعي",
        "البنك المركزي",
        "التضخم",
        "الانتخابات",
        "لبنان",
        "العراق",
        "غزة",
        "المساعدات الإنسانية",
        "موجات الحر",
        "اللهجات العربية",
        "\"وزير الخارجية\"",
        "السياحة",
        "القمح",
        "زلزال",
        "فيضانات",
        "الرواية",
        "السينما",
        "حملة تطعيم",
        "المفاوضات النووية فيينا",
        "الحكومة",
        "الرئيس",
        "في",
        "زرافةمجهولة",
        "\"الاتفاق النووي",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for rank in [3, 500, 30_000] {
        q.push(corpus.name(rank).to_string());
    }
    q
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    };
    entries
        .flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                dir_size(&p)
            } else {
                e.metadata().map(|m| m.len()).unwrap_or(0)
            }
        })
        .sum()
}

/// (current RSS, peak RSS) in MiB, from /proc.
fn rss_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| -> f64 {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    };
    (field("VmRSS:"), field("VmHWM:"))
}

fn latency_summary(mut ms: Vec<f64>) -> Value {
    ms.sort_by(|a, b| a.total_cmp(b));
    json!({
        "n": ms.len(),
        "p50_ms": percentile(&ms, 0.50),
        "p99_ms": percentile(&ms, 0.99),
        "max_ms": ms.last().copied().unwrap_or(0.0),
    })
}

async fn prepare(args: &Args, corpus: &Corpus) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(&args.dir)?;
    let db_path = args.dir.join("corpus.db");
    let stamp = args.dir.join("corpus.stamp");
    let wanted = format!("{} {} v1", args.articles, args.seed);
    if db_path.exists() && std::fs::read_to_string(&stamp).unwrap_or_default() == wanted {
        eprintln!("reusing {}", db_path.display());
        return Ok(db_path);
    }
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db_path.display()));
    }
    let url = format!("sqlite://{}", db_path.display());
    let db = Db::connect(&url).await?;
    db.migrate().await?;
    db.close().await;
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect(&format!("{url}?mode=rwc"))
        .await?;
    let started = Instant::now();
    let mut tx = pool.begin().await?;
    let mut category_ids = std::collections::HashMap::new();
    for (i, name) in corpus.categories().iter().enumerate() {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO categories (slug, name, description, position) VALUES ($1, $2, '', $3) RETURNING id",
        )
        .bind(sahifa_text::slug::slugify(name))
        .bind(name)
        .bind(i as i64)
        .fetch_one(&mut *tx)
        .await?;
        category_ids.insert(name.clone(), id);
    }
    let mut author_ids = std::collections::HashMap::new();
    let mut tag_ids: std::collections::HashMap<String, i64> = std::collections::HashMap::new();
    let now = chrono::Utc::now();
    for i in 0..args.articles {
        let a = corpus.article(args.seed, i);
        let author = match author_ids.get(&a.author) {
            Some(id) => *id,
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO authors (slug, name, bio, created_at) VALUES ($1, $2, '', $3) RETURNING id",
                )
                .bind(format!("author-{}", author_ids.len()))
                .bind(&a.author)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                author_ids.insert(a.author.clone(), id);
                id
            }
        };
        let published = chrono::DateTime::from_timestamp(a.published_at, 0).unwrap_or(now);
        let id: i64 = sqlx::query_scalar(
            // body_md keeps the plain text for the FTS5 comparison below; the index reads
            // body_html, as the site's does.
            "INSERT INTO articles (slug, title, lead, body_md, body_html, body_format, author_id, \
             category_id, status, published_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'html', $6, $7, 'published', $8, $8, $8) RETURNING id",
        )
        .bind(format!("a-{i}"))
        .bind(&a.title)
        .bind(&a.lead)
        .bind(&a.body)
        .bind(sahifa_text::body::sanitize(&a.body))
        .bind(author)
        .bind(category_ids.get(&a.category).copied())
        .bind(published)
        .fetch_one(&mut *tx)
        .await?;
        for tag in &a.tags {
            let tag_id = match tag_ids.get(tag) {
                Some(id) => *id,
                None => {
                    let slug = format!("{}-{}", sahifa_text::slug::slugify(tag), tag_ids.len());
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO tags (slug, name) VALUES ($1, $2) RETURNING id",
                    )
                    .bind(slug)
                    .bind(tag)
                    .fetch_one(&mut *tx)
                    .await?;
                    tag_ids.insert(tag.clone(), id);
                    id
                }
            };
            sqlx::query("INSERT OR IGNORE INTO article_tags (article_id, tag_id) VALUES ($1, $2)")
                .bind(id)
                .bind(tag_id)
                .execute(&mut *tx)
                .await?;
        }
        if i % 10_000 == 9_999 {
            eprintln!("generated {} articles", i + 1);
        }
    }
    tx.commit().await?;
    pool.close().await;
    std::fs::write(&stamp, wanted)?;
    eprintln!(
        "corpus: {} articles in {:.1} s",
        args.articles,
        started.elapsed().as_secs_f64()
    );
    Ok(db_path)
}

async fn phase_sahifa(args: &Args, corpus: &Corpus) -> anyhow::Result<Value> {
    let db_path = args.dir.join("corpus.db");
    let db = Db::connect(&format!("sqlite://{}", db_path.display())).await?;
    let dir = args.dir.join("sahifa-index");
    let _ = std::fs::remove_dir_all(&dir);
    let started = Instant::now();
    let (index, _, _) = SearchIndex::open(&dir, IndexOptions::bulk())?;
    let marker = index.rebuild(&db, None).await?;
    let seconds = started.elapsed().as_secs_f64();
    let (_, peak_indexing) = rss_mib();
    drop(index);
    // Reopen as a server would (small writer budget) for the query phase.
    let (index, _, _) = SearchIndex::open(&dir, IndexOptions::server())?;
    let size = dir_size(&dir);
    let list = queries(corpus);
    let run = |req: &SearchRequest| -> f64 {
        let t = Instant::now();
        let _ = index.search(req);
        t.elapsed().as_secs_f64() * 1000.0
    };
    let plain: Vec<SearchRequest> = list
        .iter()
        .map(|q| SearchRequest {
            q: q.clone(),
            limit: 10,
            ..Default::default()
        })
        .collect();
    let categories = corpus.categories();
    let filtered: Vec<SearchRequest> = list
        .iter()
        .enumerate()
        .map(|(i, q)| SearchRequest {
            q: q.clone(),
            category: Some(sahifa_text::slug::slugify(
                &categories[i % categories.len()],
            )),
            // The newer half of the archive.
            from: Some(1_480_000_000 + (args.articles as i64 * 3_150) / 2),
            to: None,
            sort: if i % 2 == 0 {
                Sort::Newest
            } else {
                Sort::Relevance
            },
            offset: 10 * (i % 3),
            limit: 10,
        })
        .collect();
    for r in plain.iter().chain(&filtered) {
        run(r);
    }
    let mut lat = Vec::new();
    let mut lat_filtered = Vec::new();
    let mut totals = Vec::new();
    let mut per_query = vec![0.0f64; plain.len()];
    for _ in 0..args.rounds {
        for (i, r) in plain.iter().enumerate() {
            let ms = run(r);
            per_query[i] = per_query[i].max(ms);
            lat.push(ms);
        }
        for r in &filtered {
            lat_filtered.push(run(r));
        }
    }
    for r in &plain {
        totals.push(index.search(r).map(|x| x.total).unwrap_or(0));
    }
    let mut slowest: Vec<(f64, &String)> = per_query.iter().copied().zip(&list).collect();
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    eprintln!(
        "slowest Sahifa queries (max ms): {:?}",
        &slowest[..5.min(slowest.len())]
    );
    let mut lat_related = Vec::new();
    let now = chrono::Utc::now().timestamp();
    let mut rng = corpus::Rng::new(7);
    for _ in 0..(args.rounds * 20) {
        let id = 1 + rng.below(args.articles) as i64;
        let t = Instant::now();
        let _ = index.related(id, 6, now);
        lat_related.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    // Suggestions as a reader types: every prefix (two letters and more) of each query,
    // the way the search box asks on each keystroke.
    let mut lat_suggest = Vec::new();
    for _ in 0..args.rounds {
        for q in &list {
            let chars: Vec<char> = q.chars().collect();
            for end in 2..=chars.len() {
                let typed: String = chars.iter().take(end).collect();
                let t = Instant::now();
                let _ = index.suggest(&typed, 8);
                lat_suggest.push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }
    }
    let (rss_query, peak) = rss_mib();
    Ok(json!({
        "engine": "sahifa",
        "docs": marker.docs,
        "index_seconds": seconds,
        "articles_per_second": marker.docs as f64 / seconds,
        "index_bytes": size,
        "rss_mib_queries": rss_query,
        "peak_rss_mib": peak.max(peak_indexing),
        "latency": latency_summary(lat),
        "latency_filtered": latency_summary(lat_filtered),
        "latency_related": latency_summary(lat_related),
        "latency_suggest": latency_summary(lat_suggest),
        "totals": totals,
    }))
}

fn fts5_expression(q: &str) -> String {
    q.split(|c: char| c.is_whitespace() || c == '"')
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(" ")
}

async fn phase_fts5(args: &Args, corpus: &Corpus) -> anyhow::Result<Value> {
    let db_path = args.dir.join("corpus.db");
    let fts_path = args.dir.join("fts5.db");
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", fts_path.display()));
    }
    let pool = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect(&format!("sqlite://{}?mode=rwc", fts_path.display()))
        .await?;
    sqlx::query(&format!("ATTACH DATABASE '{}' AS c", db_path.display()))
        .execute(&pool)
        .await?;
    sqlx::query("CREATE VIRTUAL TABLE t USING fts5(title, lead, body, tags)")
        .execute(&pool)
        .await?;
    let started = Instant::now();
    let done = sqlx::query(
        "INSERT INTO t (rowid, title, lead, body, tags) \
         SELECT a.id, a.title, a.lead, a.body_md, COALESCE((SELECT group_concat(g.name, ' ') \
           FROM c.article_tags x JOIN c.tags g ON g.id = x.tag_id WHERE x.article_id = a.id), '') \
         FROM c.articles a WHERE a.status = 'published'",
    )
    .execute(&pool)
    .await?
    .rows_affected();
    sqlx::query("INSERT INTO t (t) VALUES ('optimize')")
        .execute(&pool)
        .await?;
    let seconds = started.elapsed().as_secs_f64();
    let (_, peak_indexing) = rss_mib();
    sqlx::query("DETACH DATABASE c").execute(&pool).await?;
    let size = std::fs::metadata(&fts_path).map(|m| m.len()).unwrap_or(0);
    let list = queries(corpus);
    let run = async |q: &str| -> (f64, i64) {
        let expr = fts5_expression(q);
        let t = Instant::now();
        let mut total = 0;
        if !expr.is_empty() {
            let _rows = sqlx::query(
                "SELECT rowid, title, snippet(t, 2, '<mark>', '</mark>', '…', 24) FROM t \
                 WHERE t MATCH $1 ORDER BY bm25(t, 3.0, 2.0, 1.0, 1.8) LIMIT 10",
            )
            .bind(&expr)
            .fetch_all(&pool)
            .await
            .unwrap_or_default();
            total = sqlx::query("SELECT count(*) FROM t WHERE t MATCH $1")
                .bind(&expr)
                .fetch_one(&pool)
                .await
                .map(|r| r.get::<i64, _>(0))
                .unwrap_or(0);
        }
        (t.elapsed().as_secs_f64() * 1000.0, total)
    };
    for q in &list {
        run(q).await;
    }
    let mut lat = Vec::new();
    for _ in 0..args.rounds {
        for q in &list {
            lat.push(run(q).await.0);
        }
    }
    let mut totals = Vec::new();
    for q in &list {
        totals.push(run(q).await.1);
    }
    let (rss_query, peak) = rss_mib();
    Ok(json!({
        "engine": "fts5",
        "docs": done,
        "index_seconds": seconds,
        "articles_per_second": done as f64 / seconds,
        "index_bytes": size,
        "rss_mib_queries": rss_query,
        "peak_rss_mib": peak.max(peak_indexing),
        "latency": latency_summary(lat),
        "totals": totals,
    }))
}

fn child(args: &Args, phase: &str) -> anyhow::Result<Value> {
    let exe = std::env::current_exe()?;
    let out = std::process::Command::new(exe)
        .args([
            "--phase",
            phase,
            "--articles",
            &args.articles.to_string(),
            "--seed",
            &args.seed.to_string(),
            "--rounds",
            &args.rounds.to_string(),
            "--dir",
            &args.dir.display().to_string(),
        ])
        .stderr(std::process::Stdio::inherit())
        .output()?;
    if !out.status.success() {
        anyhow::bail!("phase {phase} failed");
    }
    Ok(serde_json::from_slice(&out.stdout)?)
}

fn report(args: &Args, corpus: &Corpus, ours: &Value, fts: &Value, corpus_bytes: u64) -> String {
    let mib = |v: &Value| v.as_f64().unwrap_or(0.0) / 1_048_576.0;
    let f = |v: &Value| v.as_f64().unwrap_or(0.0);
    let list = queries(corpus);
    let mut s = String::new();
    s.push_str(&format!(
        "| | Sahifa (tantivy + Arabic analyser) | SQLite FTS5 (unicode61) |\n|---|---:|---:|\n\
         | Indexing, articles/s | {:.0} | {:.0} |\n\
         | Indexing time | {:.1} s | {:.1} s |\n\
         | Index size | {:.0} MiB | {:.0} MiB |\n\
         | Peak RSS (indexing) | {:.0} MiB | {:.0} MiB |\n\
         | RSS while querying | {:.0} MiB | {:.0} MiB |\n\
         | Query p50 ({} queries × {} rounds) | {:.2} ms | {:.2} ms |\n\
         | Query p99 | {:.2} ms | {:.2} ms |\n\
         | Query max | {:.2} ms | {:.2} ms |\n",
        f(&ours["articles_per_second"]),
        f(&fts["articles_per_second"]),
        f(&ours["index_seconds"]),
        f(&fts["index_seconds"]),
        mib(&ours["index_bytes"]),
        mib(&fts["index_bytes"]),
        f(&ours["peak_rss_mib"]),
        f(&fts["peak_rss_mib"]),
        f(&ours["rss_mib_queries"]),
        f(&fts["rss_mib_queries"]),
        list.len(),
        args.rounds,
        f(&ours["latency"]["p50_ms"]),
        f(&fts["latency"]["p50_ms"]),
        f(&ours["latency"]["p99_ms"]),
        f(&fts["latency"]["p99_ms"]),
        f(&ours["latency"]["max_ms"]),
        f(&fts["latency"]["max_ms"]),
    ));
    s.push_str(&format!(
        "\nSahifa only: the same queries with a category filter, a date floor, newest-first on \
         every other one and pages 1–3: p50 {:.2} ms, p99 {:.2} ms. Related articles (more like \
         this, {} random articles): p50 {:.2} ms, p99 {:.2} ms. Suggestions as you type ({} \
         prefixes of the queries, two letters and more, 8 suggestions each): p50 {:.2} ms, \
         p99 {:.2} ms.\n",
        f(&ours["latency_filtered"]["p50_ms"]),
        f(&ours["latency_filtered"]["p99_ms"]),
        ours["latency_related"]["n"],
        f(&ours["latency_related"]["p50_ms"]),
        f(&ours["latency_related"]["p99_ms"]),
        ours["latency_suggest"]["n"],
        f(&ours["latency_suggest"]["p50_ms"]),
        f(&ours["latency_suggest"]["p99_ms"]),
    ));
    s.push_str(&format!(
        "\nCorpus: {} generated articles (seed {}), {:.0} MiB in SQLite with Sahifa's schema.\n\n\
         Matches per query (Sahifa / FTS5): ",
        args.articles,
        args.seed,
        corpus_bytes as f64 / 1_048_576.0
    ));
    let pairs: Vec<String> = list
        .iter()
        .enumerate()
        .map(|(i, q)| {
            format!(
                "{} {}/{}",
                q.replace('|', "\\|"),
                ours["totals"][i],
                fts["totals"][i]
            )
        })
        .collect();
    s.push_str(&pairs.join("; "));
    s.push('\n');
    s
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args = args();
    let corpus = Corpus::new();
    if let Some(path) = &args.jsonl {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        for i in 0..args.articles {
            let a = corpus.article(args.seed, i);
            let line = json!({
                "title": a.title, "lead": a.lead, "body": a.body, "category": a.category,
                "tags": a.tags, "author": a.author,
                "published_at": chrono::DateTime::from_timestamp(a.published_at, 0).map(|t| t.to_rfc3339()),
            });
            writeln!(out, "{line}")?;
        }
        return Ok(());
    }
    match args.phase.as_deref() {
        Some("sahifa") => {
            let v = phase_sahifa(&args, &corpus).await?;
            println!("{v}");
            return Ok(());
        }
        Some("fts5") => {
            println!("{}", phase_fts5(&args, &corpus).await?);
            return Ok(());
        }
        Some(other) => anyhow::bail!("unknown phase {other}"),
        None => {}
    }
    let db_path = prepare(&args, &corpus).await?;
    let corpus_bytes = std::fs::metadata(&db_path).map(|m| m.len()).unwrap_or(0);
    eprintln!("indexing and querying with Sahifa…");
    let ours = child(&args, "sahifa")?;
    eprintln!("indexing and querying with SQLite FTS5…");
    let fts = child(&args, "fts5")?;
    let text = report(&args, &corpus, &ours, &fts, corpus_bytes);
    std::fs::write(args.dir.join("report.md"), &text)?;
    std::fs::write(
        args.dir.join("report.json"),
        serde_json::to_string_pretty(&json!({"sahifa": ours, "fts5": fts}))?,
    )?;
    println!("{text}");
    Ok(())
}
