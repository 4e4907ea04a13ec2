//! Hostile-input tests: `kill -9` of a real `sahifa serve` process while API clients create
//! published articles. Every create is one transaction, so what survives a crash is whole:
//! each article has its revision and audit entry, every Telegram job points at an article
//! that has them, and every create the server acknowledged is still there.

use std::process::Stdio;
use std::time::{Duration, Instant};

use sahifa_testkit::{Seed, TestDb};

const BIN: &str = env!("CARGO_BIN_EXE_sahifa");
const CYCLES: usize = 3;
const WRITERS: usize = 6;

fn free_addr() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    format!("127.0.0.1:{port}")
}

/// Runs a CLI subcommand against the test database; returns its standard output.
async fn cli(t: &TestDb, args: &[&str], stdin: &str) -> String {
    use tokio::io::AsyncWriteExt;
    let mut child = tokio::process::Command::new(BIN)
        .arg("--data-dir")
        .arg(t.dir.path())
        .args(["--database-url", &t.url])
        .args(args)
        .env("RUST_LOG", "off")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn cli");
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin.as_bytes()).await.expect("stdin");
    }
    let out = child.wait_with_output().await.expect("cli");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

async fn start_server(t: &TestDb, addr: &str) -> tokio::process::Child {
    let child = tokio::process::Command::new(BIN)
        .arg("--data-dir")
        .arg(t.dir.path())
        .args(["--database-url", &t.url, "serve", "--addr", addr])
        .env("RUST_LOG", "off")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn server");
    let client = reqwest::Client::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        if let Ok(r) = client.get(format!("http://{addr}/healthz")).send().await
            && r.status().is_success()
        {
            return child;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("server at {addr} never became healthy");
}

/// Creates published articles until the server goes away; returns the acknowledged ids.
async fn writer(addr: String, token: String, n: usize) -> Vec<i64> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let mut acknowledged = Vec::new();
    for i in 0..10_000 {
        let body = serde_json::json!({
            "title": format!("خبر عاجل {n}-{i}"),
            "lead": "مقدمة الخبر.",
            "body": "نص الخبر.\n\nفقرة ثانية.",
            "tags": ["عاجل", format!("وسم {i}")],
            "status": "published",
        });
        let Ok(response) = client
            .post(format!("http://{addr}/api/v1/admin/articles"))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
        else {
            break;
        };
        if response.status() != 201 {
            break;
        }
        let Ok(created) = response.json::<serde_json::Value>().await else {
            break;
        };
        if let Some(id) = created["id"].as_i64() {
            acknowledged.push(id);
        }
    }
    acknowledged
}

sahifa_testkit::both_backends!(
    a_killed_server_leaves_only_whole_articles,
    |t: TestDb| async move {
        cli(
            &t,
            &[
                "user",
                "add",
                "--email",
                "wire@example.com",
                "--name",
                "وكالة",
                "--role",
                "editor",
                "--password-stdin",
            ],
            "a long enough passphrase\n",
        )
        .await;
        let token = cli(
            &t,
            &[
                "token",
                "create",
                "--user",
                "wire@example.com",
                "--name",
                "wire",
            ],
            "",
        )
        .await;
        // Publishing queues a Telegram job in the same transaction.
        for (key, value) in [
            ("telegram.bot_token", "123:fake"),
            ("telegram.channel", "@sahifa_test"),
            ("telegram.enabled", "true"),
        ] {
            t.db.set_setting(key, value).await.expect("setting");
        }

        let mut acknowledged: Vec<i64> = Vec::new();
        for cycle in 0..CYCLES {
            let addr = free_addr();
            let mut server = start_server(&t, &addr).await;
            let writers: Vec<_> = (0..WRITERS)
                .map(|n| tokio::spawn(writer(addr.clone(), token.clone(), cycle * WRITERS + n)))
                .collect();
            // Let creates land, then kill the server in the middle of them.
            let deadline = Instant::now() + Duration::from_secs(20);
            let before = t.count("SELECT COUNT(*) FROM articles").await;
            while t.count("SELECT COUNT(*) FROM articles").await < before + 20
                && Instant::now() < deadline
            {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            server.start_kill().expect("kill -9");
            server.wait().await.expect("reaped");
            for w in writers {
                acknowledged.extend(w.await.expect("writer"));
            }
        }
        assert!(
            acknowledged.len() >= CYCLES * 20 / 2,
            "the writers got work done: {}",
            acknowledged.len()
        );

        let articles = t.count("SELECT COUNT(*) FROM articles").await;
        assert!(articles >= acknowledged.len() as i64);
        let without_revision = t
            .count(
                "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS \
                 (SELECT 1 FROM article_revisions r WHERE r.article_id = a.id)",
            )
            .await;
        assert_eq!(without_revision, 0, "an article without its revision");
        let without_audit = t
            .count(
                "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS \
                 (SELECT 1 FROM audit_log l WHERE l.object_kind = 'article' AND l.object_id = a.id)",
            )
            .await;
        assert_eq!(without_audit, 0, "an article without its audit entry");
        let without_tags = t
            .count(
                "SELECT COUNT(*) FROM articles a WHERE NOT EXISTS \
                 (SELECT 1 FROM article_tags x WHERE x.article_id = a.id)",
            )
            .await;
        assert_eq!(without_tags, 0, "an article without its tags");
        let orphan_jobs = t
            .count(
                "SELECT COUNT(*) FROM telegram_deliveries d WHERE NOT EXISTS \
                 (SELECT 1 FROM article_revisions r WHERE r.article_id = d.article_id)",
            )
            .await;
        assert_eq!(orphan_jobs, 0, "a Telegram job for a half-written article");
        let jobless = t
            .count(
                "SELECT COUNT(*) FROM articles a WHERE a.status = 'published' AND NOT EXISTS \
                 (SELECT 1 FROM telegram_deliveries d WHERE d.article_id = a.id)",
            )
            .await;
        assert_eq!(
            jobless, 0,
            "a published article whose Telegram job was lost"
        );
        for id in &acknowledged {
            let found = t
                .count(&format!("SELECT COUNT(*) FROM articles WHERE id = {id}"))
                .await;
            assert_eq!(found, 1, "acknowledged article {id} lost");
        }
    }
);
