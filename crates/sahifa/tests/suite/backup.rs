//! `sahifa backup` and `sahifa restore`, run as the binary: a backup taken while the server
//! runs, content changed afterwards, the restore refused while the server runs, then the
//! original content back, with the replaced database kept beside it.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sahifa_store::{ArticleInput, ArticleStatus, Db};
use sahifa_testkit::{ArticleWrites, TestDb};

const BIN: &str = env!("CARGO_BIN_EXE_sahifa");

/// Runs the binary on `data` and `url`; returns (success, stdout, stderr lines).
fn sahifa(data: &Path, url: &str, args: &[&str]) -> (bool, String, Vec<String>) {
    let output = Command::new(BIN)
        .arg("--data-dir")
        .arg(data)
        .args(["--database-url", url])
        .args(args)
        .env("RUST_LOG", "off")
        .stdin(Stdio::null())
        .output()
        .expect("run sahifa");
    let stderr = String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr,
    )
}

fn article(title: &str) -> ArticleInput {
    ArticleInput {
        slug: None,
        title: title.into(),
        lead: String::new(),
        body_html: String::new(),
        body_md: "نص".into(),
        dateline: None,
        source: None,
        author_id: None,
        category_id: None,
        tags: Vec::new(),
        status: ArticleStatus::Published,
        published_at: None,
        image: None,
    }
}

/// A `sahifa serve` process, killed if a test ends without stopping it.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// `sahifa serve` on a free port, healthy.
fn serve(data: &Path, url: &str) -> Server {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let addr = format!("127.0.0.1:{port}");
    let server = Server(
        Command::new(BIN)
            .arg("--data-dir")
            .arg(data)
            .args(["--database-url", url, "serve", "--addr", &addr])
            .env("RUST_LOG", "off")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn"),
    );
    let started = Instant::now();
    loop {
        let healthy = std::net::TcpStream::connect(&addr).is_ok_and(|mut s| {
            use std::io::{Read, Write};
            let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
            let _ = s.write_all(b"GET /healthz HTTP/1.0\r\nHost: x\r\n\r\n");
            let mut answer = String::new();
            let _ = s.read_to_string(&mut answer);
            answer.starts_with("HTTP/1.1 200") || answer.starts_with("HTTP/1.0 200")
        });
        if healthy {
            return server;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server never became healthy"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn stop(mut server: Server) {
    let child = &mut server.0;
    let pid = child.id().to_string();
    let _ = Command::new("kill").args(["-TERM", &pid]).status();
    let deadline = Instant::now() + Duration::from_secs(15);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

async fn exists(url: &str, id: i64) -> bool {
    let db = Db::connect(url).await.expect("connect");
    let found = db.article_by_id(id).await.expect("read").is_some();
    db.close().await;
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_then_restore_brings_the_original_content_back() {
    let parent = tempfile::tempdir().expect("tmp");
    let t = TestDb::sqlite_in(parent.path()).await;
    let data = t.dir.path().to_path_buf();
    let url = t.url.clone();
    let kept_id =
        t.db.create_article(&article("المقال الأصلي"))
            .await
            .expect("article");
    let server = serve(&data, &url);

    // Online: the server keeps running while the copy is taken.
    let file = parent.path().join("backup.db");
    let file_arg = file.to_str().expect("path");
    let (ok, out, err) = sahifa(&data, &url, &["backup", file_arg]);
    assert!(ok, "backup: {err:?}");
    assert!(out.contains("backup written"), "{out}");
    let (ok, _, err) = sahifa(&data, &url, &["backup", file_arg]);
    assert!(!ok, "an existing backup is not overwritten");
    assert_eq!(err.len(), 1, "one clear line: {err:?}");
    assert!(err[0].contains("--force"), "{err:?}");
    let (ok, _, err) = sahifa(&data, &url, &["backup", "--force", file_arg]);
    assert!(ok, "--force replaces it: {err:?}");

    // Changes after the backup: the original goes, another article comes.
    t.db.delete_article(kept_id).await.expect("delete");
    let later_id =
        t.db.create_article(&article("مقال بعد النسخة"))
            .await
            .expect("article");

    let (ok, _, err) = sahifa(&data, &url, &["restore", file_arg]);
    assert!(!ok, "a restore under a running server is refused");
    assert!(err[0].contains("stop it before restoring"), "{err:?}");
    stop(server);
    t.db.close().await;

    let junk = parent.path().join("junk.db");
    std::fs::write(&junk, "not a database").expect("junk");
    let (ok, _, err) = sahifa(&data, &url, &["restore", junk.to_str().expect("path")]);
    assert!(!ok, "a file that is no Sahifa backup is refused");
    assert!(err[0].contains("not a usable Sahifa backup"), "{err:?}");

    let (ok, out, err) = sahifa(&data, &url, &["restore", file_arg]);
    assert!(ok, "restore: {err:?}");
    assert!(out.contains("kept as"), "{out}");
    assert!(exists(&url, kept_id).await, "the original article is back");
    assert!(
        !exists(&url, later_id).await,
        "the later article went with the replaced database"
    );
    let aside = std::fs::read_dir(&data)
        .expect("data dir")
        .flatten()
        .map(|e| e.path())
        // The kept database itself, not its write-ahead log or shared-memory file.
        .find(|p| {
            let name = p.to_string_lossy();
            name.contains(".before-restore-") && !name.ends_with("-wal") && !name.ends_with("-shm")
        })
        .expect("the replaced database is kept");
    let aside_url = format!("sqlite://{}", aside.display());
    assert!(exists(&aside_url, later_id).await, "nothing was lost");
    assert!(
        !sahifa_search::index_dir(&data).exists(),
        "the search index is rebuilt on the next start"
    );
    drop(t);
}

#[test]
fn postgres_backup_prints_pg_dump_guidance_and_fails() {
    let dir = tempfile::tempdir().expect("tmp");
    let url = "postgres://postgres@127.0.0.1:1/newsroom_db";
    for command in ["backup", "restore"] {
        let (ok, _, err) = sahifa(dir.path(), url, &[command, "/tmp/x.dump"]);
        assert!(!ok, "{command} on PostgreSQL exits non-zero");
        let text = err.join("\n");
        let tool = if command == "backup" {
            "pg_dump"
        } else {
            "pg_restore"
        };
        assert!(text.contains(tool), "{text}");
        assert!(text.contains("newsroom_db"), "names the database: {text}");
    }
}
