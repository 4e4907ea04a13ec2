//! Search in the binary: opening the index at start-up (rebuilding it when missing, stale
//! or damaged), the write-log follower, and `sahifa reindex`.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use sahifa_search::{IndexOptions, OpenOutcome};
use sahifa_store::Db;

use crate::global::{Global, open_database};

/// Opens `<data-dir>/search-index`, brings it in line with the database, attaches it to
/// `state` and starts the follower that applies every later article write within a
/// second. Returns the follower's handle (abort it on shutdown).
///
/// The rebuild, when needed, happens before the server answers: searches and related
/// articles are then right from the first request (about 2 000 articles a second on two
/// cores; see docs/BENCHMARKS.md).
pub async fn start(
    db: &Db,
    data_dir: &Path,
    state: &sahifa_web::AppState,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let dir = sahifa_search::index_dir(data_dir);
    let started = Instant::now();
    let (index, outcome, cursor) =
        sahifa_search::open_fresh(db, &dir, IndexOptions::server(), None)
            .await
            .with_context(|| format!("cannot open the search index in {}", dir.display()))?;
    match &outcome {
        OpenOutcome::Current => {
            tracing::info!(articles = index.num_docs(), "search index is current")
        }
        OpenOutcome::Rebuilt(reason) => tracing::info!(
            articles = index.num_docs(),
            ms = started.elapsed().as_millis() as u64,
            %reason,
            "search index rebuilt"
        ),
    }
    state.set_search(index.clone());
    // Pages rendered before the index was attached used the database's related list.
    db.bump_epoch_local();
    Ok(sahifa_search::follower::spawn(index, db.clone(), cursor))
}

/// `sahifa reindex`: rebuilds the index from the database with a progress bar. Another
/// process using the same data dir holds the index's writer; it must be stopped first
/// (each server process keeps its own index, so this is never needed for a sibling).
pub async fn reindex(global: &Global) -> anyhow::Result<()> {
    let db = open_database(global).await?;
    let dir = sahifa_search::index_dir(&global.data_dir);
    let (index, _, _) =
        sahifa_search::SearchIndex::open(&dir, IndexOptions::bulk()).map_err(|e| match e {
            sahifa_search::SearchError::Locked(_) => anyhow::anyhow!(
                "the search index in {} is in use: stop the server using this data dir first",
                dir.display()
            ),
            other => anyhow::Error::new(other)
                .context(format!("cannot open the search index in {}", dir.display())),
        })?;
    let total = db.published_article_count().await?.max(0) as u64;
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} indexing [{bar:40}] {pos}/{len} articles ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let started = Instant::now();
    let mut progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let marker = index
        .rebuild(&db, Some(&mut progress))
        .await
        .context("rebuilding the search index failed")?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "search index rebuilt: {} articles in {:.1} s ({:.0} articles/s) at {}",
        marker.docs,
        seconds,
        marker.docs as f64 / seconds.max(0.001),
        dir.display()
    );
    db.close().await;
    Ok(())
}
