//! Hostile-input tests: storage.
//!
//! Finding 2 (a full disk poisoned SQLite writes until restart, while `/healthz` said 200)
//! and finding 9 (the search follower stopped for good after a few seconds of write
//! errors), on a real small file system: a tmpfs mounted for the test, filled to the last
//! byte, then freed. Mounting needs root; where the machine refuses, the test prints why
//! and skips. On PostgreSQL a connection killed mid-transaction must not take later writes
//! with it.
//!
//! No read-only case: Linux refuses to remount a file system read-only while a file on it
//! is open for writing (SQLite's database, tantivy's lock file), and `chmod` does not stop
//! root, so the only real read-only fault on offer would need a second process.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use sahifa_testkit::{ArticleWrites, Seed, TestDb};

use crate::common::TestApp;

/// A small tmpfs mounted for a test; unmounted when dropped.
struct SmallDisk {
    path: PathBuf,
    _owned: Option<tempfile::TempDir>,
}

impl SmallDisk {
    /// Mounts a tmpfs of `size` (e.g. `"8m"`) on a new temporary folder.
    fn mount(size: &str) -> Result<SmallDisk, String> {
        let dir = tempfile::tempdir().map_err(|e| format!("no temporary folder: {e}"))?;
        let mut disk = SmallDisk::mount_at(dir.path(), size)?;
        disk._owned = Some(dir);
        Ok(disk)
    }

    /// Mounts a tmpfs of `size` on the existing folder `path`.
    fn mount_at(path: &Path, size: &str) -> Result<SmallDisk, String> {
        let output = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0755"),
                "tmpfs",
            ])
            .arg(path)
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "mount -t tmpfs failed (not root, or no CAP_SYS_ADMIN?): {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        Ok(SmallDisk {
            path: path.to_path_buf(),
            _owned: None,
        })
    }

    fn path(&self) -> &Path {
        &self.path
    }

    /// Writes a filler file until the file system refuses another byte.
    fn fill(&self) -> PathBuf {
        use std::io::Write;
        let path = self.path().join("filler");
        let mut file = std::fs::File::create(&path).expect("filler");
        let big = vec![0u8; 64 * 1024];
        while file.write_all(&big).is_ok() {}
        let small = vec![0u8; 512];
        while file.write_all(&small).is_ok() {}
        while file.write_all(&[0]).is_ok() {}
        let _ = file.sync_all();
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        // Lazy: a file still open elsewhere in the process must not leave the mount behind.
        let _ = Command::new("umount").arg("-l").arg(&self.path).status();
    }
}

/// A tmpfs of `size` or, when the machine cannot mount one, `None` after saying why.
fn small_disk(test: &str, size: &str) -> Option<SmallDisk> {
    match SmallDisk::mount(size) {
        Ok(disk) => Some(disk),
        Err(why) => {
            eprintln!("SKIPPED {test}: {why}");
            None
        }
    }
}

/// One write through the server's own pool, with a liveness bound: a failing disk must
/// answer with an error, not hang.
async fn write(app: &TestApp, key: &str, value: &str) -> Result<(), String> {
    match tokio::time::timeout(Duration::from_secs(30), app.db.set_setting(key, value)).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(err)) => Err(err.to_string()),
        Err(_) => panic!("a write to {key} hung for 30 s"),
    }
}

/// Several writes at once, so every pooled connection (any of which a fault could have
/// poisoned) takes one.
async fn all_writes_succeed(app: &TestApp, round: &str) {
    let mut tasks = Vec::new();
    for i in 0..12 {
        let db = app.db.clone();
        let key = format!("{round}_{i}");
        tasks.push(tokio::spawn(async move {
            tokio::time::timeout(Duration::from_secs(30), db.set_setting(&key, "value")).await
        }));
    }
    for task in tasks {
        match task.await.expect("join") {
            Ok(Ok(())) => {}
            Ok(Err(err)) => panic!("{round}: a write failed after the fault ended: {err}"),
            Err(_) => panic!("{round}: a write hung after the fault ended"),
        }
    }
}

async fn healthz(app: &TestApp) -> u16 {
    tokio::time::timeout(Duration::from_secs(10), app.get("/healthz"))
        .await
        .expect("healthz answers within 10 s")
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_writes_recover_after_the_disk_was_full() {
    let Some(disk) = small_disk("sqlite_writes_recover_after_the_disk_was_full", "8m") else {
        return;
    };
    let app = TestApp::start(TestDb::sqlite_in(disk.path()).await, false).await;
    assert_eq!(healthz(&app).await, 200);
    write(&app, "before", "value")
        .await
        .expect("a write with space");

    let filler = disk.fill();
    // Large values, so the writes need pages the full disk cannot give.
    let big = "x".repeat(256 * 1024);
    let mut errors = Vec::new();
    for i in 0..6 {
        if let Err(err) = write(&app, &format!("full_{i}"), &big).await {
            errors.push(err);
        }
    }
    assert!(
        !errors.is_empty(),
        "writes to a full disk should fail, not be acknowledged"
    );
    assert!(
        errors.iter().any(|e| e.contains("full")),
        "the error says the disk is full: {errors:?}"
    );
    assert_eq!(
        healthz(&app).await,
        503,
        "healthz reports the failing writes"
    );

    std::fs::remove_file(filler).expect("free the space");
    all_writes_succeed(&app, "after_full").await;
    write(&app, "big_after", &big)
        .await
        .expect("a large write once space is back");
    assert_eq!(
        healthz(&app).await,
        200,
        "healthz recovers without a restart"
    );
    drop(app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_follows_again_after_the_index_disk_was_full() {
    let mut t = TestDb::new(sahifa_testkit::Backend::Sqlite)
        .await
        .expect("sqlite");
    // Only the data dir (and so the index) is on the small disk, the database stays where
    // it was: the follower has events to apply while its own writes fail.
    let data = tempfile::tempdir().expect("tmp");
    let disk = match SmallDisk::mount_at(data.path(), "8m") {
        Ok(disk) => disk,
        Err(why) => {
            eprintln!("SKIPPED search_follows_again_after_the_index_disk_was_full: {why}");
            return;
        }
    };
    let _database_dir = std::mem::replace(&mut t.dir, data);
    let app = TestApp::start_with_search(t, false).await;
    app.db
        .create_article(&article("قبل امتلاء القرص", "firstword"))
        .await
        .expect("article");
    found(&app, "firstword").await;

    let filler = disk.fill();
    app.db
        .create_article(&article("أثناء امتلاء القرص", "duringword"))
        .await
        .expect("the database still takes writes");
    // The failure window: the follower polls every 200 ms, so it fails several times.
    tokio::time::sleep(Duration::from_secs(3)).await;
    std::fs::remove_file(filler).expect("free the space");

    app.db
        .create_article(&article("بعد تحرير القرص", "afterword"))
        .await
        .expect("article");
    found(&app, "afterword").await;
    found(&app, "duringword").await;
    drop(disk);
    drop(app);
}

fn article(title: &str, word: &str) -> sahifa_store::ArticleInput {
    sahifa_store::ArticleInput {
        slug: None,
        title: title.into(),
        lead: String::new(),
        body_html: String::new(),
        body_md: format!("نص المقال {word}"),
        dateline: None,
        source: None,
        author_id: None,
        category_id: None,
        tags: Vec::new(),
        status: sahifa_store::ArticleStatus::Published,
        published_at: None,
        image: None,
    }
}

/// Waits (a generous liveness bound, well above the follower's 30 s backoff cap) until a
/// search for `word` finds an article.
async fn found(app: &TestApp, word: &str) {
    let started = std::time::Instant::now();
    loop {
        let response = app.get(&format!("/api/v1/search?q={word}")).await;
        let body: serde_json::Value = response.json().await.expect("json");
        if body["results"].as_array().is_some_and(|r| !r.is_empty()) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(45),
            "search never found {word}: the follower stopped following"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_writes_recover_after_a_dropped_connection() {
    let Some(t) = TestDb::new(sahifa_testkit::Backend::Postgres).await else {
        return;
    };
    let app = TestApp::start(t, false).await;
    write(&app, "before", "value").await.expect("a write");
    app.test_db
        .drop_connection_on_insert_into("audit_log")
        .await;
    for i in 0..3 {
        let result = tokio::time::timeout(
            Duration::from_secs(30),
            app.db.audit(None, "test", "fault", Some(i), "killed"),
        )
        .await
        .expect("a write on a killed connection answers");
        assert!(result.is_err(), "a write on a killed connection fails");
    }
    app.test_db.heal("audit_log").await;
    all_writes_succeed(&app, "after_drop").await;
    app.db
        .audit(None, "test", "fault", None, "healed")
        .await
        .expect("the audit table takes writes again");
    assert_eq!(healthz(&app).await, 200);
}
