//! Moving a WordPress site over (`sahifa import-wxr`) and away again (`sahifa export-wxr`):
//! the real WordPress exports in `../shared/fixtures/wxr/`, a hand-made Arabic news
//! site in each common permalink structure, malformed files, old URLs, the round trip.

mod arabic_site;
mod archive;
mod fixtures;
mod old_urls;
mod refusals;
mod round_trip;

use std::path::{Path, PathBuf};

use sahifa::cli::{Cli, Command};
use sahifa::wxr::Report;
use sahifa_testkit::TestDb;

/// A file of `../shared/fixtures/wxr/`.
pub fn shared_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/wxr")
        .join(name)
}

/// Writes `text` to a file in `dir` and returns its path.
pub fn write_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write fixture");
    path
}

/// Runs `sahifa import-wxr FILE ARGS…` against `test_db`, in this process, as the binary
/// parses it.
pub async fn import(test_db: &TestDb, file: &Path, args: &[&str]) -> anyhow::Result<Report> {
    import_at(&test_db.url, test_db.dir.path(), file, args).await
}

/// [`import`] into the database at `url` with data dir `data_dir`.
pub async fn import_at(
    url: &str,
    data_dir: &Path,
    file: &Path,
    args: &[&str],
) -> anyhow::Result<Report> {
    let data_dir = data_dir.to_str().expect("utf-8 path").to_string();
    let file = file.to_str().expect("utf-8 path").to_string();
    let mut argv = vec![
        "sahifa",
        "--data-dir",
        &data_dir,
        "--database-url",
        url,
        "import-wxr",
        &file,
    ];
    argv.extend_from_slice(args);
    let cli = <Cli as clap::Parser>::try_parse_from(argv).expect("arguments parse");
    match cli.command {
        Command::ImportWxr(import) => sahifa::wxr::import(&cli.global, &import).await,
        _ => unreachable!("import-wxr parses as ImportWxr"),
    }
}

/// `sahifa export-wxr FILE` from `test_db`, in this process.
pub async fn export(test_db: &TestDb, file: &Path) {
    let data_dir = test_db.dir.path().to_str().expect("utf-8 path").to_string();
    let file = file.to_str().expect("utf-8 path").to_string();
    let argv = vec![
        "sahifa",
        "--data-dir",
        &data_dir,
        "--database-url",
        &test_db.url,
        "export-wxr",
        &file,
        "--base-url",
        "https://moved.example.org/",
    ];
    let cli = <Cli as clap::Parser>::try_parse_from(argv).expect("arguments parse");
    match cli.command {
        Command::ExportWxr(export) => sahifa::wxr::run_export(&cli.global, export)
            .await
            .expect("export succeeds"),
        _ => unreachable!("export-wxr parses as ExportWxr"),
    }
}

/// What a site holds, as counts a test compares before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Census {
    pub articles: i64,
    pub published: i64,
    pub pages: i64,
    pub categories: i64,
    pub tags: i64,
    pub authors: i64,
    pub accounts: i64,
    pub comments: i64,
    pub approved: i64,
    pub media: i64,
    pub redirects: i64,
    pub revisions: i64,
    pub telegram_pending: i64,
}

pub async fn census(t: &TestDb) -> Census {
    Census {
        articles: t.count("SELECT COUNT(*) FROM articles").await,
        published: t
            .count("SELECT COUNT(*) FROM articles WHERE status = 'published'")
            .await,
        pages: t.count("SELECT COUNT(*) FROM pages").await,
        categories: t.count("SELECT COUNT(*) FROM categories").await,
        tags: t.count("SELECT COUNT(*) FROM tags").await,
        authors: t.count("SELECT COUNT(*) FROM authors").await,
        accounts: t.count("SELECT COUNT(*) FROM users").await,
        comments: t.count("SELECT COUNT(*) FROM comments").await,
        approved: t
            .count("SELECT COUNT(*) FROM comments WHERE status = 'approved'")
            .await,
        media: t.count("SELECT COUNT(*) FROM media").await,
        redirects: t.count("SELECT COUNT(*) FROM legacy_urls").await,
        revisions: t.count("SELECT COUNT(*) FROM article_revisions").await,
        telegram_pending: t
            .count("SELECT COUNT(*) FROM telegram_deliveries WHERE status <> 'skipped'")
            .await,
    }
}
