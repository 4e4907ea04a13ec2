//! The binary itself: start-up errors print one clear line and exit non-zero; `migrate`
//! works on both backends; `serve` answers and stops cleanly on SIGTERM.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sahifa");

/// Runs the binary and returns (exit success, stderr lines that are not log lines).
fn run(args: &[&str]) -> (bool, Vec<String>) {
    let output = Command::new(BIN)
        .args(args)
        .env("RUST_LOG", "off")
        .stdin(Stdio::null())
        .output()
        .expect("run sahifa");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let lines = stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    (output.status.success(), lines)
}

fn assert_one_error_line(args: &[&str], expected: &str) {
    let (ok, lines) = run(args);
    assert!(!ok, "{args:?} should fail");
    assert_eq!(lines.len(), 1, "{args:?}: exactly one line, got {lines:?}");
    assert!(lines[0].starts_with("error: "), "{lines:?}");
    assert!(
        lines[0].contains(expected),
        "{:?} should mention {expected:?}",
        lines[0]
    );
}

#[test]
fn bad_database_url_is_one_clear_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().to_str().expect("path");
    assert_one_error_line(
        &[
            "--data-dir",
            data,
            "--database-url",
            "mysql://x/y",
            "migrate",
        ],
        "unsupported database URL",
    );
}

#[test]
fn unreachable_database_is_one_clear_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().to_str().expect("path");
    assert_one_error_line(
        &[
            "--data-dir",
            data,
            "--database-url",
            "postgres://postgres@127.0.0.1:1/nothing",
            "serve",
        ],
        "cannot open the database",
    );
}

#[test]
fn unwritable_data_dir_is_one_clear_line() {
    // A path below a regular file can never be created, even by root.
    let file = tempfile::NamedTempFile::new().expect("tmp");
    let below = file.path().join("data");
    assert_one_error_line(
        &["--data-dir", below.to_str().expect("path"), "migrate"],
        "data directory",
    );
}

#[test]
fn taken_port_is_one_clear_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let dir = tempfile::tempdir().expect("tmp");
    assert_one_error_line(
        &[
            "--data-dir",
            dir.path().to_str().expect("path"),
            "serve",
            "--addr",
            &addr,
        ],
        "cannot listen on",
    );
}

#[test]
fn bad_listen_address_is_one_clear_line() {
    let dir = tempfile::tempdir().expect("tmp");
    assert_one_error_line(
        &[
            "--data-dir",
            dir.path().to_str().expect("path"),
            "serve",
            "--addr",
            "not-an-address",
        ],
        "invalid --addr",
    );
}

#[test]
fn missing_theme_dir_is_one_clear_line() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    assert_one_error_line(
        &[
            "--data-dir",
            data.to_str().expect("path"),
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--theme-dir",
            "/nonexistent/theme",
        ],
        "theme",
    );
}

#[test]
fn migrate_works_on_sqlite_and_postgres() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().to_str().expect("path");
    let (ok, lines) = run(&["--data-dir", data, "migrate"]);
    assert!(ok, "{lines:?}");
    assert!(
        dir.path().join("sahifa.db").exists(),
        "default SQLite file in the data dir"
    );
    // Flags can also come from the environment.
    let status = Command::new(BIN)
        .arg("migrate")
        .env("SAHIFA_DATA_DIR", data)
        .env("RUST_LOG", "off")
        .status()
        .expect("run");
    assert!(status.success());

    if sahifa_testkit::skip_pg() {
        return;
    }
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let test_db = rt
        .block_on(sahifa_testkit::TestDb::new(
            sahifa_testkit::Backend::Postgres,
        ))
        .expect("pg");
    let (ok, lines) = run(&[
        "--data-dir",
        data,
        "--database-url",
        &test_db.url,
        "migrate",
    ]);
    assert!(ok, "{lines:?}");
    drop(test_db);
}

#[cfg(unix)]
#[test]
fn serve_answers_then_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().expect("tmp");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = Command::new(BIN)
        .args([
            "--data-dir",
            dir.path().to_str().expect("path"),
            "serve",
            "--demo",
            "--addr",
            &addr,
        ])
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let started = Instant::now();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let healthy = rt.block_on(async {
        let client = reqwest::Client::new();
        while started.elapsed() < Duration::from_secs(30) {
            if let Ok(r) = client.get(format!("http://{addr}/healthz")).send().await
                && r.status().is_success()
            {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    });
    assert!(healthy, "server never became healthy");
    let home = rt.block_on(async {
        reqwest::get(format!("http://{addr}/"))
            .await
            .expect("get")
            .text()
            .await
            .expect("body")
    });
    assert!(home.contains("ميدل ايست نيوز"), "demo content served");

    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill")
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "server did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        status.success(),
        "graceful shutdown exits 0, got {status:?}"
    );
}

fn run_with_stdin(args: &[&str], stdin: &str) -> (bool, String, String) {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .args(args)
        .env("RUST_LOG", "off")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin.as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn user_and_token_commands_manage_accounts() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().to_str().expect("path");
    let add = [
        "--data-dir",
        data,
        "user",
        "add",
        "--email",
        "Chief@Example.com",
        "--name",
        "رئيس التحرير",
        "--role",
        "administrator",
        "--password-stdin",
    ];
    let (ok, out, err) = run_with_stdin(&add, "a long passphrase here\n");
    assert!(ok, "{err}");
    assert!(out.contains("chief@example.com"), "{out}");
    // The same email again, a bad role and a short password are clear one-line errors.
    let (ok, _, err) = run_with_stdin(&add, "a long passphrase here\n");
    assert!(
        !ok && err.trim().lines().count() == 1 && err.contains("already exists"),
        "{err}"
    );
    let mut bad_role = add;
    bad_role[9] = "overlord";
    let (ok, _, err) = run_with_stdin(&bad_role, "a long passphrase here\n");
    assert!(!ok && err.contains("unknown role"), "{err}");
    let mut other = add;
    other[5] = "second@example.com";
    let (ok, _, err) = run_with_stdin(&other, "short\n");
    assert!(!ok && err.contains("at least"), "{err}");

    let (ok, out, _) = run_with_stdin(&["--data-dir", data, "user", "list"], "");
    assert!(ok);
    assert!(
        out.contains("chief@example.com\tadministrator\tactive"),
        "{out}"
    );
    assert!(
        !out.contains("second@example.com"),
        "nothing stored for the refused account"
    );

    let (ok, _, err) = run_with_stdin(
        &[
            "--data-dir",
            data,
            "user",
            "passwd",
            "--email",
            "chief@example.com",
            "--password-stdin",
        ],
        "another long passphrase\n",
    );
    assert!(ok, "{err}");
    let (ok, _, err) = run_with_stdin(
        &[
            "--data-dir",
            data,
            "user",
            "passwd",
            "--email",
            "nobody@example.com",
            "--password-stdin",
        ],
        "another long passphrase\n",
    );
    assert!(!ok && err.contains("no account"), "{err}");

    let (ok, token, err) = run_with_stdin(
        &[
            "--data-dir",
            data,
            "token",
            "create",
            "--user",
            "chief@example.com",
            "--name",
            "wire",
        ],
        "",
    );
    assert!(ok, "{err}");
    let token = token.trim();
    assert!(token.starts_with("shf_") && token.len() > 40, "{token}");
    // Stored hashed: the secret itself is nowhere in the database file.
    let db_bytes = std::fs::read(dir.path().join("sahifa.db")).expect("db file");
    let wal = std::fs::read(dir.path().join("sahifa.db-wal")).unwrap_or_default();
    let needle = token.as_bytes();
    for bytes in [&db_bytes, &wal] {
        assert!(
            !bytes.windows(needle.len()).any(|w| w == needle),
            "token stored in clear"
        );
    }
}
