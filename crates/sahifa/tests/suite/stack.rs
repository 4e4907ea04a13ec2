//! The real stack (issue 13): a fresh PostgreSQL database, three `sahifa serve` processes
//! with their own data dirs (`--media-store postgres --trusted-proxies 127.0.0.1/32
//! --purge-urls http://VARNISH/`), HAProxy running `deploy/haproxy/haproxy.cfg` and
//! Varnish running `deploy/varnish/sahifa.vcl` (the shipped files; only the addresses on
//! their `# edge-test:` lines are rewritten, see `sahifa_testkit::edge`), all on loopback
//! ports this test picks. Skipped, saying why, when Varnish or HAProxy is missing and `CI`
//! is not set; under CI they must be there (`.ci/run` installs them).
//!
//! One stack, checked phase by phase (each phase's figures are printed):
//! a. an article published through HAProxy's newsroom frontend appears on every node
//!    (each asked directly: its own page cache retired through the database) and through
//!    Varnish (the home page it had cached is purged by key);
//! b. the article edited: its page through Varnish changes (the answer with the new text
//!    is a miss: one id in `X-Varnish`), while an unrelated page cached before stays the
//!    same cached object (same object id in `X-Varnish`, its `Age` grown);
//! c. an image uploaded in node 1's admin is served by node 3, and through Varnish, with
//!    the same bytes;
//! d. a comment posted through Varnish and HAProxy (held for moderation) and approved in
//!    node 2's admin shows on node 1's page and through Varnish; the comment records the
//!    reader's address through both proxies, not one the reader made up;
//! e. purges: refused from an address outside the VCL's `purgers` acl (403), refused
//!    without keys (400), and from a node's address they drop exactly the objects named;
//! f. a node killed with `kill -9` in the middle of a 30 s mixed load (reads through
//!    Varnish, comments through Varnish and HAProxy, publishes through HAProxy): every
//!    write the clients saw acknowledged is in the database exactly once, every failure
//!    a client saw (a 5xx or no answer) was a request that reached HAProxy while the
//!    killed node was dying (those HAProxy answered name it in `X-Sahifa-Node`), at
//!    most as many as such requests, and the node, restarted, serves what was written
//!    while it was down.
//!
//! Timing bounds are the issue's "within a second" plus a second for a loaded two-core
//! CI machine (`PROPAGATION`): between nodes a write travels through the database, and
//! the writing node purges twice, at once and half a second later (see
//! `sahifa_http::purge`), so a page refetched in between from a node that had not caught
//! up is corrected by the second purge. The figures printed show which case each was.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sahifa_store::Role;
use sahifa_testkit::edge::{self, Haproxy, Tools, Varnish};
use sahifa_testkit::{Backend, Seed, TestDb};

use crate::common::session::{csrf_field, session_cookie};

const BIN: &str = env!("CARGO_BIN_EXE_sahifa");
const ADMIN: &str = "stack-admin@example.com";
const PASSWORD: &str = "كلمة سر طويلة لاختبار المكدس";

/// How long a write may take to show everywhere: the issue's second, plus a second for a
/// two-core machine running the rest of the suite at the same time.
const PROPAGATION: Duration = Duration::from_secs(2);

/// How long the mixed load of phase f runs (the issue's 30 s; `SAHIFA_STACK_LOAD_SECS`
/// shortens it for a quick local run).
fn load_duration() -> Duration {
    let secs = std::env::var("SAHIFA_STACK_LOAD_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30u64);
    Duration::from_secs(secs.max(6))
}

/// A shipped deployment file, by its path in the repository.
fn shipped(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path)
}

/// One `sahifa serve` process and how to start it again.
struct Node {
    name: &'static str,
    addr: String,
    dir: tempfile::TempDir,
    args: Vec<String>,
    child: Option<tokio::process::Child>,
}

impl Node {
    fn new(name: &'static str, db_url: &str, varnish: &str) -> Node {
        let dir = tempfile::tempdir().expect("node data dir");
        let addr = format!("127.0.0.1:{}", edge::free_port());
        let args = [
            "--data-dir",
            &dir.path().display().to_string(),
            "--database-url",
            db_url,
            "serve",
            "--addr",
            &addr,
            // Media in the shared database: any node serves any upload.
            "--media-store",
            "postgres",
            // Varnish and HAProxy both connect from 127.0.0.1.
            "--trusted-proxies",
            "127.0.0.1/32",
            "--purge-urls",
            &format!("http://{varnish}/"),
            // Readers' links point at the edge, as a real site's point at its domain.
            "--base-url",
            &format!("http://{varnish}"),
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        Node {
            name,
            addr,
            dir,
            args,
            child: None,
        }
    }

    fn base(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("node.log")
    }

    /// Starts the process (with `extra` arguments) and waits, bounded, for `/healthz`.
    async fn start(&mut self, extra: &[&str]) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.log())
            .expect("node log");
        let err = log.try_clone().expect("node log");
        let child = tokio::process::Command::new(BIN)
            .args(&self.args)
            .args(extra)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::from(log))
            .stderr(Stdio::from(err))
            .kill_on_drop(true)
            .spawn()
            .expect("spawn sahifa serve");
        self.child = Some(child);
        let client = client();
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(90) {
            if let Ok(r) = client.get(format!("{}/healthz", self.base())).send().await
                && r.status() == 200
            {
                return;
            }
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                panic!("{} exited ({status}):\n{}", self.name, self.log_tail());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{} never became healthy:\n{}", self.name, self.log_tail());
    }

    /// `kill -9`, and reaps the process.
    async fn kill(&mut self) {
        let mut child = self.child.take().expect("running");
        child.start_kill().expect("kill -9");
        child.wait().await.expect("reaped");
    }

    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(self.log()).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }
}

/// An HTTP client that shows redirects instead of following them.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

/// The stack; dropped in field order, so the daemons stop before the database goes.
struct Stack {
    varnish: Varnish,
    haproxy: Haproxy,
    nodes: Vec<Node>,
    client: reqwest::Client,
    token: String,
    t: TestDb,
}

/// An answer read whole.
struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// The ids in `X-Varnish`: one on a miss or pass, two (this request, the object's
    /// fetch) on a hit.
    fn xids(&self) -> Vec<u64> {
        self.header("x-varnish")
            .split_whitespace()
            .filter_map(|id| id.parse().ok())
            .collect()
    }

    fn age(&self) -> u64 {
        self.header("age").parse().unwrap_or(0)
    }

    fn is_hit(&self) -> bool {
        self.xids().len() == 2
    }

    /// Status and caching headers, for failure messages.
    fn describe(&self) -> String {
        format!(
            "{} X-Varnish: {:?} Age: {:?} X-Sahifa-Node: {:?} X-Sahifa-Cache: {:?} Cache-Control: {:?}",
            self.status,
            self.header("x-varnish"),
            self.header("age"),
            self.header("x-sahifa-node"),
            self.header("x-sahifa-cache"),
            self.header("cache-control"),
        )
    }
}

/// Reads an answer whole, decompressing a gzip or brotli body (the client asks for them
/// as browsers do, so the test reads what Varnish stores and serves to browsers).
async fn read(response: reqwest::Response) -> Answer {
    use std::io::Read as _;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.unwrap_or_default();
    let mut body = String::new();
    let decoded = match headers
        .get("content-encoding")
        .and_then(|v| v.to_str().ok())
    {
        Some("gzip") => flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut body),
        Some("br") => brotli::Decompressor::new(&bytes[..], 4096).read_to_string(&mut body),
        _ => {
            body = String::from_utf8_lossy(&bytes).into_owned();
            Ok(0)
        }
    };
    decoded.expect("a well-formed compressed body");
    Answer {
        status,
        headers,
        body,
    }
}

/// Polls `probe` until it gives a value or `limit` passes; the value and the time taken.
/// The probe's error says what it saw last, for the failure message.
async fn within<T>(
    limit: Duration,
    what: &str,
    mut probe: impl AsyncFnMut() -> Result<T, String>,
) -> (T, Duration) {
    let started = Instant::now();
    loop {
        match probe().await {
            Ok(value) => return (value, started.elapsed()),
            Err(last) => assert!(
                started.elapsed() < limit,
                "{what}: not within {limit:?}; last seen: {last}"
            ),
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `Ok(value)` when `good`, else what `answer` was.
fn ok_if<T>(good: bool, value: T, answer: &Answer) -> Result<T, String> {
    if good {
        Ok(value)
    } else {
        Err(answer.describe())
    }
}

impl Stack {
    /// Starts the database, the nodes, HAProxy and Varnish, and waits until a page comes
    /// through.
    async fn start(tools: &Tools) -> Stack {
        let t = TestDb::new(Backend::Postgres)
            .await
            .expect("PostgreSQL (the stack runs on it)");
        // Comments: no CAPTCHA or timing checks (the test posts like a script would),
        // every comment held for a moderator (phase d approves one on another node).
        for (key, value) in [
            ("comments.captcha", "off"),
            ("comments.min_seconds", "0"),
            ("comments.flood_seconds", "0"),
            ("comments.rate_per_hour", "0"),
            ("comments.hold_all", "1"),
        ] {
            t.db.set_setting(key, value).await.expect("setting");
        }
        let admin =
            sahifa::accounts::add_user(&t.db, ADMIN, "محرر المكدس", Role::Administrator, PASSWORD)
                .await
                .expect("admin");
        let token = sahifa::accounts::create_token(&t.db, admin, "stack")
            .await
            .expect("token");

        let varnish_port = Varnish::reserve_port();
        let varnish_addr = format!("127.0.0.1:{varnish_port}");
        let mut nodes: Vec<Node> = ["node1", "node2", "node3"]
            .into_iter()
            .map(|name| Node::new(name, &t.url, &varnish_addr))
            .collect();
        // The demo site is seeded once, by the first node, before the others start.
        nodes[0].start(&["--demo"]).await;
        for node in &mut nodes[1..] {
            node.start(&[]).await;
        }
        let addrs = [
            nodes[0].addr.clone(),
            nodes[1].addr.clone(),
            nodes[2].addr.clone(),
        ];
        let haproxy = Haproxy::start(tools, &shipped("deploy/haproxy/haproxy.cfg"), &addrs);
        let varnish = Varnish::start(
            tools,
            &shipped("deploy/varnish/sahifa.vcl"),
            varnish_port,
            &haproxy.edge,
            "127.0.0.1",
        );
        let stack = Stack {
            varnish,
            haproxy,
            nodes,
            client: client(),
            token,
            t,
        };
        // Ready when Varnish's probe of HAProxy, and HAProxy's of every node, pass.
        within(
            Duration::from_secs(30),
            "the home page through Varnish",
            async || {
                let home = stack.edge("/").await;
                ok_if(home.status == 200, (), &home)
            },
        )
        .await;
        stack
    }

    fn varnish_base(&self) -> String {
        format!("http://{}", self.varnish.addr)
    }

    /// `GET path` through Varnish, accepting gzip as browsers do.
    async fn edge(&self, path: &str) -> Answer {
        let response = self
            .client
            .get(format!("{}{path}", self.varnish_base()))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path} through Varnish: {e}"));
        read(response).await
    }

    /// `GET path` on node `i` directly.
    async fn direct(&self, i: usize, path: &str) -> Answer {
        let response = self
            .client
            .get(format!("{}{path}", self.nodes[i].base()))
            .send()
            .await
            .unwrap_or_else(|e| panic!("GET {path} on {}: {e}", self.nodes[i].name));
        read(response).await
    }

    /// An API call through HAProxy's newsroom frontend, as a wire service makes it.
    async fn api(&self, method: reqwest::Method, path: &str, body: serde_json::Value) -> Answer {
        let response = self
            .client
            .request(method, format!("http://{}{path}", self.haproxy.newsroom))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{path} through HAProxy: {e}"));
        read(response).await
    }

    /// Publishes an article; its id and site path.
    async fn publish(&self, title: &str) -> (i64, String) {
        let created = self
            .api(
                reqwest::Method::POST,
                "/api/v1/admin/articles",
                article(title),
            )
            .await;
        assert_eq!(created.status, 201, "publish: {}", created.body);
        published(&created.body, &self.varnish_base()).expect("the API's answer")
    }

    /// A signed-in administrator on node `i` (directly, as an editor on that machine).
    async fn login(&self, i: usize) -> Admin {
        let base = self.nodes[i].base();
        let cookie = session_cookie(&self.client, &base, ADMIN, PASSWORD).await;
        Admin {
            base,
            cookie,
            client: self.client.clone(),
        }
    }

    /// Paths of the demo's published articles, newest first.
    async fn article_paths(&self) -> Vec<String> {
        let listing = self.edge("/api/v1/articles?per_page=100").await;
        let listing: serde_json::Value = serde_json::from_str(&listing.body).expect("json");
        listing["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter_map(|a| a["url"].as_str())
            .map(|url| url.trim_start_matches(&self.varnish_base()).to_string())
            .collect()
    }

    /// Fetches `path` through Varnish until the answer is a hit on a normal (not stale)
    /// copy; that answer.
    async fn cached(&self, path: &str) -> Answer {
        within(
            Duration::from_secs(10),
            &format!("{path} cached"),
            async || {
                let answer = self.edge(path).await;
                let good = answer.status == 200
                    && answer.is_hit()
                    && answer.header("x-sahifa-cache").is_empty();
                let why = answer.describe();
                if good { Ok(answer) } else { Err(why) }
            },
        )
        .await
        .0
    }
}

/// The JSON of a new published article.
fn article(title: &str) -> serde_json::Value {
    serde_json::json!({
        "title": title,
        "lead": "مقدمة الخبر في سطر واحد.",
        "body": "نص الخبر.\n\nفقرة ثانية من الخبر.",
        "tags": ["المكدس"],
        "status": "published",
    })
}

/// The id and site path in the admin API's answer.
fn published(body: &str, base: &str) -> Option<(i64, String)> {
    let created: serde_json::Value = serde_json::from_str(body).ok()?;
    let id = created["id"].as_i64()?;
    let path = created["url"]
        .as_str()?
        .trim_start_matches(base)
        .to_string();
    Some((id, path))
}

/// An administrator's session on one node.
struct Admin {
    base: String,
    cookie: String,
    client: reqwest::Client,
}

impl Admin {
    async fn page(&self, path: &str) -> String {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .expect("admin page");
        assert_eq!(response.status(), 200, "GET {path}");
        response.text().await.expect("admin page")
    }

    /// Uploads a JPEG in the media library.
    async fn upload(&self, name: &str, jpeg: &[u8], alt: &str) -> u16 {
        let csrf = csrf_field(&self.page("/admin/media").await).expect("csrf");
        let boundary = "stack-test-boundary-7f3a";
        let mut body = Vec::new();
        let mut part = |headers: String, content: &[u8]| {
            body.extend_from_slice(format!("--{boundary}\r\n{headers}\r\n\r\n").as_bytes());
            body.extend_from_slice(content);
            body.extend_from_slice(b"\r\n");
        };
        for (field, value) in [("_csrf", csrf.as_str()), ("alt", alt), ("caption", "")] {
            part(
                format!("Content-Disposition: form-data; name=\"{field}\""),
                value.as_bytes(),
            );
        }
        part(
            format!(
                "Content-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: image/jpeg"
            ),
            jpeg,
        );
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.client
            .post(format!("{}/admin/media", self.base))
            .header("cookie", &self.cookie)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .expect("upload")
            .status()
            .as_u16()
    }

    /// Approves a held comment from the moderation queue.
    async fn approve(&self, comment: i64) -> u16 {
        let csrf = csrf_field(&self.page("/admin/comments?status=pending").await).expect("csrf");
        let field = format!("c{comment}");
        self.client
            .post(format!("{}/admin/comments/bulk", self.base))
            .header("cookie", &self.cookie)
            .form(&[
                (field.as_str(), "on"),
                ("action", "approve"),
                ("status", "pending"),
                ("_csrf", csrf.as_str()),
            ])
            .send()
            .await
            .expect("approve")
            .status()
            .as_u16()
    }
}

/// A photo-like JPEG, wide enough for every variant width.
fn photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(1300, 700, |x, y| {
        image::Rgb([(x % 251) as u8, (y % 241) as u8, ((x ^ y) % 256) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode");
    out.into_inner()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_stack_of_varnish_haproxy_and_three_nodes() {
    let Some(tools) = edge::tools_or_skip("a_real_stack_of_varnish_haproxy_and_three_nodes") else {
        return;
    };
    if sahifa_testkit::skip_pg() {
        eprintln!("SAHIFA_TEST_SKIP_PG=1: skipping the stack test (it runs on PostgreSQL)");
        return;
    }
    let began = Instant::now();
    let mut stack = Stack::start(&tools).await;
    eprintln!("stack: started in {:.1?}", began.elapsed());

    let (id, path) = published_everywhere(&stack).await;
    edited_and_purged_by_key(&stack, id, &path).await;
    image_shared(&stack).await;
    comment_approved_elsewhere(&stack, &path).await;
    purges_only_from_nodes(&stack).await;
    node_killed_under_load(&mut stack).await;
    eprintln!("stack: all phases in {:.1?}", began.elapsed());
}

/// Phase a.
async fn published_everywhere(stack: &Stack) -> (i64, String) {
    // The home page is cached at the edge before the article exists.
    let home = stack.cached("/").await;
    assert!(home.is_hit());
    let title = "خبر المكدس: وصول الغاز إلى المرفأ";
    let published_at = Instant::now();
    let (id, path) = stack.publish(title).await;

    for i in 0..stack.nodes.len() {
        let (_, took) = within(
            PROPAGATION,
            &format!("the article and the home page on {}", stack.nodes[i].name),
            async || {
                let page = stack.direct(i, &path).await;
                let home = stack.direct(i, "/").await;
                let good = page.status == 200 && page.body.contains(title);
                ok_if(
                    good && home.body.contains(title),
                    (),
                    if good { &home } else { &page },
                )
            },
        )
        .await;
        eprintln!("stack a: on {} after {took:?}", stack.nodes[i].name);
    }
    let (_, took) = within(
        PROPAGATION,
        "the article on the home page through Varnish",
        async || {
            let home = stack.edge("/").await;
            ok_if(home.status == 200 && home.body.contains(title), (), &home)
        },
    )
    .await;
    let page = stack.edge(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(title));
    eprintln!(
        "stack a: through Varnish {took:?} after the purge; {:?} after the API call began",
        published_at.elapsed()
    );

    // What the nodes tell caches, and what Varnish keeps to itself.
    let direct = stack.direct(0, &path).await;
    let control = direct.header("cache-control");
    assert!(
        control.starts_with("public, max-age=0, s-maxage=")
            && control.contains("stale-while-revalidate=")
            && control.contains("stale-if-error="),
        "an article's Cache-Control: {control}"
    );
    let keys: Vec<&str> = direct.header("xkey").split(' ').collect();
    assert!(
        keys.contains(&"sahifa") && keys.contains(&format!("a{id}").as_str()),
        "the article's keys: {keys:?}"
    );
    assert_eq!(direct.header("surrogate-key"), direct.header("xkey"));
    assert_eq!(direct.header("cache-tag"), keys.join(","));
    let edge = stack.cached(&path).await;
    for private in ["xkey", "surrogate-key", "cache-tag", "x-sahifa-edge-ttl"] {
        assert!(
            !edge.headers.contains_key(private),
            "{private} reaches readers through Varnish"
        );
    }
    (id, path)
}

/// Phase b.
async fn edited_and_purged_by_key(stack: &Stack, id: i64, path: &str) {
    // An unrelated page: a demo article whose page does not show the edited one.
    let key = format!("a{id}");
    let mut unrelated = None;
    for candidate in stack.article_paths().await {
        let direct = stack.direct(0, &candidate).await;
        if candidate != path && !direct.header("xkey").split(' ').any(|k| k == key) {
            unrelated = Some(candidate);
            break;
        }
    }
    let unrelated = unrelated.expect("a demo article that does not show the new one");
    let before = stack.cached(&unrelated).await;
    let page = stack.cached(path).await;
    assert!(page.is_hit());

    let title = "خبر المكدس بعد التصحيح: وصول الغاز إلى المرفأ الشمالي";
    let edit = stack
        .api(
            reqwest::Method::PUT,
            &format!("/api/v1/admin/articles/{id}"),
            serde_json::json!({ "title": title }),
        )
        .await;
    assert_eq!(edit.status, 200, "edit: {}", edit.body);
    let (fresh, took) = within(
        PROPAGATION,
        "the edited title through Varnish",
        async || {
            let page = stack.edge(path).await;
            let why = page.describe();
            if page.body.contains(title) {
                Ok(page)
            } else {
                Err(why)
            }
        },
    )
    .await;
    assert_eq!(
        fresh.xids().len(),
        1,
        "the first answer with the new title is a miss (purged, fetched): X-Varnish {}",
        fresh.header("x-varnish")
    );
    eprintln!("stack b: the edit through Varnish after {took:?}");

    // The unrelated page is the same cached object, older now.
    let wait = Duration::from_millis(1100).saturating_sub(took);
    tokio::time::sleep(wait).await;
    let after = stack.edge(&unrelated).await;
    assert!(
        after.is_hit(),
        "the unrelated page stays cached: X-Varnish {}",
        after.header("x-varnish")
    );
    assert_eq!(
        after.xids()[1],
        before.xids()[1],
        "the same object as before the edit"
    );
    assert!(
        after.age() > before.age(),
        "its Age grows: {} then {}",
        before.age(),
        after.age()
    );
    // The writing node purges a second time half a second later (when every node has caught
    // up), so the new copy may be fetched once more; then it stays.
    within(PROPAGATION, "the edited page cached in turn", async || {
        let again = stack.edge(path).await;
        ok_if(again.is_hit() && again.body.contains(title), (), &again)
    })
    .await;
}

/// Phase c.
async fn image_shared(stack: &Stack) {
    let admin = stack.login(0).await;
    let alt = "صورة رفعت على العقدة الأولى";
    assert_eq!(
        admin.upload("مرفأ.jpg", &photo(), alt).await,
        303,
        "upload on node 1"
    );
    let (rows, _) = stack.t.db.media_list(100, 0).await.expect("media");
    let media = rows
        .into_iter()
        .find(|m| m.alt == alt)
        .expect("the uploaded image's record");
    let url = media.original_url();
    let on_first = stack
        .client
        .get(format!("{}{url}", stack.nodes[0].base()))
        .send()
        .await
        .expect("image on node 1");
    assert_eq!(on_first.status(), 200);
    let first_bytes = on_first.bytes().await.expect("image");
    let on_third = stack
        .client
        .get(format!("{}{url}", stack.nodes[2].base()))
        .send()
        .await
        .expect("image on node 3");
    assert_eq!(on_third.status(), 200, "node 3 serves node 1's upload");
    assert_eq!(on_third.headers()["content-type"], "image/jpeg");
    let third_bytes = on_third.bytes().await.expect("image");
    assert!(
        !third_bytes.is_empty() && third_bytes == first_bytes,
        "the same bytes"
    );
    let through = stack
        .client
        .get(format!("{}{url}", stack.varnish_base()))
        .send()
        .await
        .expect("image through Varnish");
    assert_eq!(through.status(), 200);
    assert!(through.bytes().await.expect("image") == first_bytes);
    eprintln!(
        "stack c: {url} ({} bytes) served by node 3",
        third_bytes.len()
    );
}

/// Phase d.
async fn comment_approved_elsewhere(stack: &Stack, path: &str) {
    let before = stack.cached(path).await;
    assert!(before.is_hit());
    let body = "تعليق من قارئ عبر الوكيلين";
    // From another loopback address than the proxies', with a made-up X-Forwarded-For:
    // the node must record the address Varnish saw, not the one the reader claimed.
    let reader = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 7)))
        .timeout(Duration::from_secs(20))
        .build()
        .expect("reader client");
    let posted = reader
        .post(format!("{}{path}/comments", stack.varnish_base()))
        .header("origin", stack.varnish_base())
        .header("x-forwarded-for", "203.0.113.9")
        .form(&[
            ("author", "قارئ"),
            ("email", "reader@example.com"),
            ("comment", body),
        ])
        .send()
        .await
        .expect("comment through Varnish");
    assert_eq!(
        posted.status(),
        303,
        "a comment post passes through to a node"
    );
    let id = stack
        .t
        .count(&format!(
            "SELECT id FROM comments WHERE body = '{body}' AND status = 'pending'"
        ))
        .await;
    let recorded = stack
        .t
        .count(&format!(
            "SELECT COUNT(*) FROM comments WHERE id = {id} AND ip = '127.0.0.7'"
        ))
        .await;
    assert_eq!(
        recorded, 1,
        "the reader's address, through Varnish and HAProxy"
    );

    let moderator = stack.login(1).await;
    assert_eq!(moderator.approve(id).await, 303, "approved on node 2");
    let anchor = format!("id=\"comment-{id}\"");
    let (_, took) = within(PROPAGATION, "the approved comment on node 1", async || {
        let page = stack.direct(0, path).await;
        ok_if(page.body.contains(&anchor), (), &page)
    })
    .await;
    eprintln!("stack d: on node 1 after {took:?}");
    let (_, took) = within(
        PROPAGATION,
        "the approved comment through Varnish",
        async || {
            let page = stack.edge(path).await;
            ok_if(page.body.contains(&anchor), (), &page)
        },
    )
    .await;
    eprintln!("stack d: through Varnish after {took:?}");
}

/// Phase e. On loopback every process connects from 127.0.0.1, the nodes included, so
/// the acl lists 127.0.0.1; an outsider is a client bound to 127.0.0.2 (Linux answers
/// the whole 127.0.0.0/8 on the loopback interface), which the acl does not list.
async fn purges_only_from_nodes(stack: &Stack) {
    let paths = stack.article_paths().await;
    let target = paths.last().expect("an article").clone();
    let cached = stack.cached(&target).await;
    let keys = stack.direct(0, &target).await.header("xkey").to_string();
    let a_key = keys
        .split(' ')
        .find(|k| k.starts_with('a'))
        .expect("an article key")
        .to_string();
    let purge = reqwest::Method::from_bytes(b"PURGE").expect("method");

    let outsider = reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)))
        .timeout(Duration::from_secs(20))
        .build()
        .expect("outsider client");
    let refused = outsider
        .request(purge.clone(), format!("{}/", stack.varnish_base()))
        .header("xkey-purge", "sahifa")
        .send()
        .await
        .expect("purge from outside");
    assert_eq!(refused.status(), 403, "a purge from outside the acl");
    let still = stack.edge(&target).await;
    assert!(
        still.is_hit() && still.xids()[1] == cached.xids()[1],
        "a refused purge drops nothing"
    );

    let keyless = stack
        .client
        .request(purge.clone(), format!("{}/", stack.varnish_base()))
        .send()
        .await
        .expect("purge without keys");
    assert_eq!(keyless.status(), 400, "a purge names its keys");

    let accepted = read(
        stack
            .client
            .request(purge, format!("{}/", stack.varnish_base()))
            .header("xkey-purge", &a_key)
            .send()
            .await
            .expect("purge from a node's address"),
    )
    .await;
    assert_eq!(accepted.status, 200, "{}", accepted.body);
    let count: u64 = accepted.header("x-purged").parse().expect("X-Purged count");
    assert!(count >= 1, "the purge expired the page: {}", accepted.body);
    let refetched = stack.edge(&target).await;
    assert_eq!(
        refetched.xids().len(),
        1,
        "a purged page is fetched again: X-Varnish {}",
        refetched.header("x-varnish")
    );
    eprintln!("stack e: 403 outside the acl, 400 without keys, {count} purged by {a_key}");
}

/// What one client request of the load came to.
#[derive(Debug, Clone)]
struct Sample {
    kind: &'static str,
    started: Instant,
    ended: Instant,
    /// `None`: no HTTP answer at all (connection refused or reset at Varnish/HAProxy).
    status: Option<u16>,
    /// HAProxy's `X-Sahifa-Node`: which node answered (or failed).
    node: String,
    /// What a write wrote (the article's title, the comment's text); empty for a read.
    write: String,
    /// Answered by Varnish from its cache (two ids in `X-Varnish`): never reached a node.
    hit: bool,
}

/// Everything the load's clients saw.
#[derive(Default)]
struct Ledger {
    samples: Vec<Sample>,
    /// Articles the API acknowledged (201): id, path, title, when.
    articles: Vec<(i64, String, String, Instant)>,
    /// Comments a node acknowledged (303): their text.
    comments: Vec<String>,
}

type Shared = Arc<Mutex<Ledger>>;

fn record(ledger: &Shared, sample: Sample) {
    ledger.lock().expect("ledger").samples.push(sample);
}

async fn timed(
    kind: &'static str,
    write: &str,
    request: reqwest::RequestBuilder,
) -> (Sample, Option<reqwest::Response>) {
    let started = Instant::now();
    let result = request.send().await;
    let ended = Instant::now();
    match result {
        Ok(response) => {
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string()
            };
            let node = header("x-sahifa-node");
            let hit = header("x-varnish").split_whitespace().count() == 2;
            let sample = Sample {
                kind,
                started,
                ended,
                status: Some(response.status().as_u16()),
                node,
                write: write.to_string(),
                hit,
            };
            (sample, Some(response))
        }
        Err(_) => (
            Sample {
                kind,
                started,
                ended,
                status: None,
                node: String::new(),
                write: write.to_string(),
                hit: false,
            },
            None,
        ),
    }
}

/// Phase f.
async fn node_killed_under_load(stack: &mut Stack) {
    let duration = load_duration();
    let mut reads: Vec<String> = vec![
        "/".into(),
        "/feed.xml".into(),
        "/sitemap.xml".into(),
        "/feed.atom".into(),
    ];
    reads.extend(stack.article_paths().await.into_iter().take(12));
    let comment_on = reads[4].clone();
    let ledger: Shared = Arc::default();
    let started = Instant::now();
    let end = started + duration;
    let mut tasks = Vec::new();

    // Readers through Varnish: pages, feeds, sitemaps; hits mostly, misses after each
    // publish's purge. A short pause keeps the two cores for the servers.
    for r in 0..4usize {
        let (client, base, reads, ledger) = (
            client(),
            stack.varnish_base(),
            reads.clone(),
            ledger.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut i = r;
            while Instant::now() < end {
                let path = &reads[i % reads.len()];
                i += 1;
                let request = client
                    .get(format!("{base}{path}"))
                    .header("accept-encoding", "gzip");
                let (sample, response) = timed("read", "", request).await;
                if let Some(response) = response {
                    let _ = response.bytes().await;
                }
                record(&ledger, sample);
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }));
    }
    // Commenters through Varnish (passed) and HAProxy.
    for c in 0..2usize {
        let (client, base, path, ledger) = (
            client(),
            stack.varnish_base(),
            comment_on.clone(),
            ledger.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut n = 0;
            while Instant::now() < end {
                n += 1;
                let text = format!("تعليق تحت الحمل {c}-{n}");
                let request = client
                    .post(format!("{base}{path}/comments"))
                    .header("origin", &base)
                    .form(&[
                        ("author", "قارئ"),
                        ("email", "load@example.com"),
                        ("comment", text.as_str()),
                    ]);
                let (sample, _) = timed("comment", &text, request).await;
                if sample.status == Some(303) {
                    ledger.lock().expect("ledger").comments.push(text);
                }
                record(&ledger, sample);
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }));
    }
    // Wire services publishing through HAProxy's newsroom frontend.
    for w in 0..2usize {
        let (client, newsroom, token, base, ledger) = (
            client(),
            stack.haproxy.newsroom.clone(),
            stack.token.clone(),
            stack.varnish_base(),
            ledger.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut n = 0;
            while Instant::now() < end {
                n += 1;
                let title = format!("خبر تحت الحمل {w}-{n}");
                let request = client
                    .post(format!("http://{newsroom}/api/v1/admin/articles"))
                    .bearer_auth(&token)
                    .json(&article(&title));
                let (sample, response) = timed("publish", &title, request).await;
                if sample.status == Some(201)
                    && let Some(response) = response
                    && let Ok(body) = response.text().await
                    && let Some((id, path)) = published(&body, &base)
                {
                    ledger
                        .lock()
                        .expect("ledger")
                        .articles
                        .push((id, path, title, sample.ended));
                }
                record(&ledger, sample);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }));
    }

    // A third of the way in, node 2 dies; two thirds in, it comes back.
    tokio::time::sleep_until((started + duration / 3).into()).await;
    let killed_at = Instant::now();
    stack.nodes[1].kill().await;
    let reaped_at = Instant::now();
    tokio::time::sleep_until((started + duration * 2 / 3).into()).await;
    let restart_began = Instant::now();
    stack.nodes[1].start(&[]).await;
    let restarted_at = Instant::now();
    for task in tasks {
        task.await.expect("load task");
    }
    let ledger = std::mem::take(&mut *ledger.lock().expect("ledger"));

    // The figures.
    let mut by_kind: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for s in &ledger.samples {
        let entry = by_kind.entry(s.kind).or_default();
        entry.0 += 1;
        if s.status.is_none_or(|code| code >= 500) {
            entry.1 += 1;
        }
    }
    // A process killed with SIGKILL is not gone at once: the kernel closes its sockets as
    // it exits (the reap tells when), and HAProxy notices each closed kept-alive
    // connection on its next turn; a request HAProxy hands to one of those connections
    // meanwhile was sent to node 2 as surely as one sent before the signal. So "in flight
    // on the killed node" spans from the signal to the reap, plus NOTICE, and counts the
    // requests that reached HAProxy (not Varnish's cache hits).
    const NOTICE: Duration = Duration::from_millis(50);
    let dying_until = reaped_at + NOTICE;
    let in_flight = |s: &&Sample| !s.hit && s.started <= dying_until && s.ended >= killed_at;
    let at_the_signal = ledger
        .samples
        .iter()
        .filter(|s| !s.hit && s.started <= killed_at && s.ended >= killed_at)
        .count();
    let in_flight_at_kill = ledger.samples.iter().filter(in_flight).count();
    let on_killed_at_kill = ledger
        .samples
        .iter()
        .filter(in_flight)
        .filter(|s| s.node == "node2")
        .count();
    let failures: Vec<&Sample> = ledger
        .samples
        .iter()
        .filter(|s| s.status.is_none_or(|code| code >= 500))
        .collect();
    eprintln!(
        "stack f: {:?} of load, node2 killed at {:.1?} (reaped {:.1?} later), back at {:.1?} \
         (restart took {:.1?}); requests (total, 5xx or no answer) by kind: {by_kind:?}; in \
         flight at the signal: {at_the_signal}, while node 2 died: {in_flight_at_kill} \
         (answered by node2: {on_killed_at_kill}); 5xx or no answer seen: {}; \
         acknowledged: {} articles, {} comments",
        duration,
        killed_at - started,
        reaped_at - killed_at,
        restarted_at - started,
        restarted_at - restart_began,
        failures.len(),
        ledger.articles.len(),
        ledger.comments.len()
    );
    for f in &failures {
        eprintln!(
            "stack f: failure {} {:?} from {:?} at {:.3?}..{:.3?} (kill at {:.3?})",
            f.kind,
            f.status,
            f.node,
            f.started - started,
            f.ended - started,
            killed_at - started
        );
    }
    // Every failure was a request in flight when node 2 died: afterwards HAProxy retried
    // the connections node 2 refused on the others, and Varnish served what it had. A
    // failure HAProxy answered names node 2. When a node dies on a kept-alive connection
    // HAProxy closes the client's connection without an answer instead (so that the
    // client may decide whether to retry): a direct client then sees no answer, and a
    // request passed through Varnish gets Varnish's own 503; neither can name a node, so
    // the bound on them all is every request in flight at the kill.
    for f in &failures {
        assert!(
            in_flight(f) && (f.node.is_empty() || f.node == "node2"),
            "a failure that was not a request in flight on the killed node: {f:?}"
        );
    }
    assert!(
        failures.len() <= in_flight_at_kill,
        "{} failures, {in_flight_at_kill} requests in flight while node 2 died",
        failures.len()
    );
    // What became of the writes whose clients got no acknowledgement (for the figures:
    // either outcome is correct, the client was not told it worked).
    for f in failures.iter().filter(|f| !f.write.is_empty()) {
        let table = if f.kind == "publish" {
            "articles WHERE title"
        } else {
            "comments WHERE body"
        };
        let stored = stack
            .t
            .count(&format!("SELECT COUNT(*) FROM {table} = '{}'", f.write))
            .await;
        eprintln!(
            "stack f: the unacknowledged {} {:?} was {}",
            f.kind,
            f.write,
            if stored > 0 {
                "committed"
            } else {
                "not committed"
            }
        );
    }
    let publishes = by_kind.get("publish").map_or(0, |k| k.0);
    assert!(
        ledger.articles.len() >= 10 && ledger.comments.len() >= 10,
        "the load wrote: {} articles of {publishes} tries, {} comments",
        ledger.articles.len(),
        ledger.comments.len()
    );

    // No acknowledged write lost.
    for (id, _, title, _) in &ledger.articles {
        let found = stack
            .t
            .count(&format!(
                "SELECT COUNT(*) FROM articles WHERE id = {id} AND status = 'published'"
            ))
            .await;
        assert_eq!(found, 1, "acknowledged article {id} ({title}) lost");
    }
    for text in &ledger.comments {
        let found = stack
            .t
            .count(&format!(
                "SELECT COUNT(*) FROM comments WHERE body = '{text}'"
            ))
            .await;
        assert_eq!(found, 1, "acknowledged comment {text:?} lost or doubled");
    }

    // The restarted node serves what was written while it was down.
    let written_while_down: Vec<&(i64, String, String, Instant)> = ledger
        .articles
        .iter()
        .filter(|(_, _, _, at)| *at >= killed_at && *at <= restarted_at)
        .collect();
    assert!(
        !written_while_down.is_empty(),
        "articles were published while node 2 was down"
    );
    for (_, path, title, _) in &written_while_down {
        let page = stack.direct(1, path).await;
        assert!(
            page.status == 200 && page.body.contains(title.as_str()),
            "node 2 after its restart: {path} answered {}",
            page.status
        );
    }
    let (newest_id, _, newest_title, _) = ledger
        .articles
        .iter()
        .max_by_key(|a| a.0)
        .expect("an article");
    let (_, took) = within(PROPAGATION, "node 2's home page up to date", async || {
        let home = stack.direct(1, "/").await;
        ok_if(home.body.contains(newest_title.as_str()), (), &home)
    })
    .await;
    eprintln!(
        "stack f: node 2 serves the {} articles published while it was down, and the newest \
         ({newest_id}) on its home page after {took:?}",
        written_while_down.len()
    );
}
