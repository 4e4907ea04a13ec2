//! A file the importer cannot trust is refused with one clear message naming the line
//! and column, and nothing is stored; what the site already held is untouched. Run as an
//! operator runs it: the binary, its exit status and its words.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::arabic_site::{self, Permalinks};
use super::write_file;

const BIN: &str = env!("CARGO_BIN_EXE_sahifa");

fn reader_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../sahifa-wxr/tests/fixtures")
        .join(name)
}

/// Runs `sahifa --data-dir DATA import-wxr ARGS…`: (success, stdout, stderr).
fn run(data: &Path, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(BIN)
        .arg("--data-dir")
        .arg(data)
        .arg("import-wxr")
        .args(args)
        .env("RUST_LOG", "off")
        .stdin(Stdio::null())
        .output()
        .expect("run sahifa");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn count(data: &Path, table: &str) -> i64 {
    if !data.join("sahifa.db").exists() {
        return 0;
    }
    let out = Command::new("sqlite3")
        .arg(data.join("sahifa.db"))
        .arg(format!("SELECT COUNT(*) FROM {table}"))
        .output();
    match out {
        Ok(o) if o.status.success() => String::from_utf8_lossy(&o.stdout)
            .trim()
            .parse()
            .unwrap_or(-1),
        // No sqlite3 on the machine: read through the store instead.
        _ => count_through_store(data, table),
    }
}

fn count_through_store(data: &Path, table: &str) -> i64 {
    let url = format!("sqlite://{}", data.join("sahifa.db").display());
    let sql = format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table}");
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async move {
            let db = sahifa_store::Db::connect(&url).await.expect("connect");
            let sahifa_store::Pool::Sqlite(pool) = db.pool() else {
                unreachable!("a SQLite URL")
            };
            let (n,): (i64,) = sqlx::query_as(&sql).fetch_one(pool).await.expect("count");
            n
        })
}

/// One refusal: the command fails, its last line names the file, the line and the column
/// and says nothing was imported, and the site holds what it held before.
fn refuses(data: &Path, file: &Path, line_column: Option<(u64, u64)>, words: &str) {
    let before: Vec<i64> = ["articles", "comments", "categories", "legacy_urls", "users"]
        .iter()
        .map(|t| count(data, t))
        .collect();
    let (ok, _, stderr) = run(data, &[file.to_str().expect("path")]);
    assert!(!ok, "{} must be refused", file.display());
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "one line: {stderr}");
    let line = lines[0];
    assert!(line.starts_with("error: "), "{line}");
    assert!(line.contains(words), "{line:?} should say {words:?}");
    if let Some((l, c)) = line_column {
        assert!(
            line.contains(&format!("line {l}, column {c}")),
            "{line:?} should name line {l}, column {c}"
        );
        assert!(line.contains("nothing was imported"), "{line}");
    }
    let after: Vec<i64> = ["articles", "comments", "categories", "legacy_urls", "users"]
        .iter()
        .map(|t| count(data, t))
        .collect();
    assert_eq!(after, before, "{}: nothing stored", file.display());
}

#[test]
fn malformed_files_are_refused_and_store_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    // A site that already holds the Arabic news site.
    let site = write_file(
        dir.path(),
        "site.xml",
        &arabic_site::export(Permalinks::PostName),
    );
    let (ok, stdout, stderr) = run(&data, &[site.to_str().expect("path")]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("articles"), "{stdout}");
    assert_eq!(count(&data, "articles"), 5);

    refuses(
        &data,
        &reader_fixture("truncated.xml"),
        Some((13, 1)),
        "truncated",
    );
    refuses(
        &data,
        &reader_fixture("mismatched.xml"),
        Some((13, 2)),
        "</item>",
    );
    refuses(
        &data,
        &reader_fixture("bad-version.xml"),
        Some((11, 4)),
        "abc",
    );
    refuses(
        &data,
        &reader_fixture("missing-version.xml"),
        Some((14, 1)),
        "wxr_version",
    );
    refuses(
        &data,
        &reader_fixture("doctype.xml"),
        Some((2, 1)),
        "DOCTYPE",
    );
    refuses(
        &data,
        &reader_fixture("not-xml.xml"),
        Some((1, 1)),
        "not-xml.xml",
    );
    let missing = dir.path().join("no-such-export.xml");
    refuses(&data, &missing, None, "cannot open");

    // A file that breaks only at its very end, after everything else read well: the
    // Arabic site with its last closing tag cut, imported into a fresh site.
    let whole = arabic_site::export(Permalinks::DayAndName);
    let cut = whole.trim_end().trim_end_matches("</rss>").to_string() + "</channel>";
    let cut = write_file(dir.path(), "cut.xml", &cut);
    let fresh = dir.path().join("fresh");
    let (ok, _, stderr) = run(&fresh, &[cut.to_str().expect("path")]);
    assert!(!ok, "{stderr}");
    assert!(stderr.contains("nothing was imported"), "{stderr}");
    assert_eq!(count(&fresh, "articles"), 0);
    assert_eq!(count(&fresh, "legacy_urls"), 0);
}

#[test]
fn bad_options_are_refused_before_anything_is_read() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let site = write_file(
        dir.path(),
        "site.xml",
        &arabic_site::export(Permalinks::PostName),
    );
    let site = site.to_str().expect("path");
    let (ok, _, stderr) = run(&data, &[site, "--uploads", "/no/such/folder"]);
    assert!(!ok);
    assert!(stderr.contains("--uploads"), "{stderr}");
    let (ok, _, stderr) = run(&data, &[site, "--old-base-url", "ftp:/x"]);
    assert!(!ok);
    assert!(stderr.contains("--old-base-url"), "{stderr}");
}

#[test]
fn a_dry_run_reports_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let site = write_file(
        dir.path(),
        "site.xml",
        &arabic_site::export(Permalinks::PostName),
    );
    let (ok, stdout, stderr) = run(&data, &[site.to_str().expect("path"), "--dry-run"]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("dry run"), "{stdout}");
    assert!(stdout.contains("articles"), "{stdout}");
    assert!(stdout.contains("5 new"), "{stdout}");
    assert!(
        stdout.contains("pingbacks"),
        "what is skipped is said: {stdout}"
    );
    assert_eq!(count(&data, "articles"), 0);
    assert_eq!(count(&data, "legacy_urls"), 0);
    assert_eq!(count(&data, "import_map"), 0);
}
