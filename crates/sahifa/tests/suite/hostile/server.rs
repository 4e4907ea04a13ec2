//! Hostile-input tests: server.
//!
//! Issue 15, findings 4 and 10 and parts of 14: slow clients and connection floods against
//! the real server loop (`sahifa_web::server`, which `sahifa serve` and the suite's
//! `TestApp` both run), cache flooding through invented URLs, HSTS, symlinks in media and
//! the shutdown deadline. Timeouts are shortened here so each test takes seconds; every
//! wait is bounded by a generous liveness timeout, never a timing threshold.

use std::net::SocketAddr;
use std::time::Duration;

use sahifa_testkit::{Backend, TestDb};
use sahifa_web::server::{ServerOptions, Stopped};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::common;

/// Generous bound for anything the server should do "soon".
const LIVENESS: Duration = Duration::from_secs(10);

/// The application served by the real server loop with chosen options, and its state
/// (for the cache's entry count).
struct Served {
    base: String,
    addr: SocketAddr,
    state: sahifa_web::AppState,
    client: reqwest::Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<Stopped>>,
    _db: TestDb,
}

impl Served {
    async fn start(test_db: TestDb, base_url: Option<&str>, options: ServerOptions) -> Served {
        let db = test_db.db.clone();
        let data_dir = test_db.dir.path().to_path_buf();
        sahifa::demo::load_if_empty(&db, &data_dir)
            .await
            .expect("demo loads");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let base = format!("http://{addr}");
        let config = sahifa_web::WebConfig::new(data_dir, base_url.unwrap_or(&base).to_string());
        let state = sahifa_web::build_state(db, config).expect("state");
        let router = sahifa_web::router(state.clone());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(sahifa_web::server::serve_with(
            listener,
            router,
            options,
            async move {
                let _ = stopped.await;
            },
        ));
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(LIVENESS)
            .build()
            .expect("client");
        Served {
            base,
            addr,
            state,
            client,
            stop: Some(stop),
            task,
            _db: test_db,
        }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request")
    }

    async fn status(&self, path: &str) -> u16 {
        self.get(path).await.status().as_u16()
    }

    /// A published article's path (`/article/...`).
    async fn article_path(&self) -> String {
        let listing: serde_json::Value = self
            .get("/api/v1/articles?per_page=1")
            .await
            .json()
            .await
            .expect("json");
        let url = listing["items"][0]["url"].as_str().expect("an article");
        let path = url.trim_start_matches(&self.base);
        let path = path.find("/article/").map(|at| &path[at..]).unwrap_or(path);
        path.to_string()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.task.abort();
    }
}

async fn sqlite() -> Option<TestDb> {
    TestDb::new(Backend::Sqlite).await
}

/// Reads one HTTP/1.1 response (head and a `Content-Length` body) from `stream`.
async fn read_response(stream: &mut TcpStream) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let n = tokio::time::timeout(LIVENESS, stream.read(&mut chunk))
            .await
            .expect("response within the liveness bound")
            .expect("read");
        assert!(n > 0, "connection closed before a full response");
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf).to_string();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    let (name, value) = l.split_once(':')?;
                    name.eq_ignore_ascii_case("content-length")
                        .then(|| value.trim().parse::<usize>().ok())
                        .flatten()
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                return text;
            }
        }
    }
}

/// Waits until the server closes `stream` (EOF or reset); false if it stays open for the
/// whole liveness bound.
async fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut sink = [0u8; 1024];
    tokio::time::timeout(LIVENESS, async {
        loop {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .is_ok()
}

/// A connection that has sent one complete request and read its answer, so the server has
/// accepted it and holds it open (keep-alive).
async fn held_connection(addr: SocketAddr) -> TcpStream {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .expect("write");
    let response = read_response(&mut stream).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    stream
}

// Finding 4: a client that sends half a request head and stalls is disconnected after the
// header timeout, and so is an idle keep-alive connection; a body that never finishes
// arriving ends the request. Meanwhile other readers are served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_disconnected() {
    let Some(db) = sqlite().await else { return };
    let options = ServerOptions {
        header_timeout: Duration::from_secs(1),
        body_timeout: Duration::from_secs(1),
        ..ServerOptions::default()
    };
    let app = Served::start(db, None, options).await;

    let mut drip = TcpStream::connect(app.addr).await.expect("connect");
    drip.write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n")
        .await
        .expect("write");
    assert_eq!(app.status("/healthz").await, 200, "others are served");
    assert!(
        closed_by_server(&mut drip).await,
        "a half-sent request head kept its connection"
    );

    let mut idle = held_connection(app.addr).await;
    assert!(
        closed_by_server(&mut idle).await,
        "an idle keep-alive connection stayed open"
    );

    let mut trickle = TcpStream::connect(app.addr).await.expect("connect");
    let path = format!("{}/comments", app.article_path().await);
    trickle
        .write_all(
            format!(
                "POST {path} HTTP/1.1\r\nHost: t\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\n\
                 Content-Length: 1000\r\n\r\nauthor=a"
            )
            .as_bytes(),
        )
        .await
        .expect("write");
    // The request ends (an error answer, or the connection closed), it is not held open.
    assert!(
        closed_by_server(&mut trickle).await,
        "a body that never arrived held the request"
    );
}

// Finding 4: beyond the connection limit a connection gets a short 503 with Retry-After
// instead of a descriptor; once connections close, fresh ones are served again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_beyond_the_limit_get_503() {
    let Some(db) = sqlite().await else { return };
    let options = ServerOptions {
        max_connections: 3,
        ..ServerOptions::default()
    };
    let app = Served::start(db, None, options).await;
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(held_connection(app.addr).await);
    }
    let mut extra = TcpStream::connect(app.addr).await.expect("connect");
    extra
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        .await
        .expect("write");
    let refused = read_response(&mut extra).await;
    assert!(refused.starts_with("HTTP/1.1 503"), "{refused}");
    assert!(
        refused.to_ascii_lowercase().contains("retry-after:"),
        "{refused}"
    );
    assert!(closed_by_server(&mut extra).await, "refused but kept open");

    drop(held);
    let mut healthy = false;
    for _ in 0..100 {
        let fresh = reqwest::Client::new();
        if let Ok(r) = fresh.get(format!("{}/healthz", app.base)).send().await
            && r.status().as_u16() == 200
        {
            healthy = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        healthy,
        "/healthz not served after the held connections closed"
    );
}

// Finding 10: a comments page past the last answers 404 and is not cached; unknown query
// parameters and `cpage=1` do not mint entries of their own.
async fn cache_keys_are_canonical(db: TestDb) {
    let app = Served::start(db, None, ServerOptions::default()).await;
    let article = app.article_path().await;
    let comments = format!("{article}/comments");
    assert_eq!(app.status(&comments).await, 200);
    assert_eq!(app.status(&article).await, 200);
    assert_eq!(app.status("/").await, 200);
    let entries = app.state.cache().len();

    for n in 2..=40 {
        assert_eq!(
            app.status(&format!("{comments}?cpage={n}")).await,
            404,
            "cpage={n}"
        );
    }
    assert_eq!(app.status(&format!("{comments}?cpage=99999999")).await, 404);
    assert_eq!(
        app.state.cache().len(),
        entries,
        "pages past the last cached"
    );

    assert_eq!(app.status(&format!("{comments}?cpage=1")).await, 200);
    assert_eq!(app.status(&format!("{comments}?cpage=x")).await, 200);
    for n in 0..20 {
        assert_eq!(app.status(&format!("{article}?utm_source={n}")).await, 200);
        assert_eq!(app.status(&format!("/?fbclid={n}&x={n}")).await, 200);
        assert_eq!(app.status(&format!("{comments}?cpage=1&n={n}")).await, 200);
    }
    assert_eq!(
        app.state.cache().len(),
        entries,
        "non-canonical URLs made entries of their own"
    );
}

sahifa_testkit::both_backends!(cache_keys_are_canonical_on, |db: TestDb| async move {
    cache_keys_are_canonical(db).await
});

// Finding 14: `Strict-Transport-Security` with an https public origin only, set from the
// same `serve` options the binary derives from `--base-url`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hsts_only_with_an_https_base_url() {
    let limits = sahifa::serve::ServerLimits {
        max_connections: None,
        header_timeout: 10,
        body_timeout: 60,
        shutdown_timeout: 10,
        page_cache_mib: 256,
    };
    for (base_url, expected) in [
        ("https://news.example", true),
        ("http://news.example", false),
    ] {
        let Some(db) = sqlite().await else { return };
        let options = limits.options(base_url, None);
        let app = Served::start(db, Some(base_url), options).await;
        for path in ["/", "/healthz", "/no-such-page"] {
            let response = app.get(path).await;
            let hsts = response.headers().get("strict-transport-security");
            assert_eq!(hsts.is_some(), expected, "{base_url} {path}: {hsts:?}");
        }
    }
}

// Finding 14: symbolic links inside media/ are not followed, whether the link is the file
// or a folder on the way; real files beside them are served.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_symlinks_answer_404() {
    let Some(db) = sqlite().await else { return };
    let app = common::TestApp::start(db, false).await;
    let data = app.test_db.dir.path().to_path_buf();
    let uploads = data.join("media").join("uploads");
    std::fs::create_dir_all(&uploads).expect("mkdir");
    std::fs::write(uploads.join("real.jpg"), b"not really a jpeg").expect("write");
    let outside = data.join("outside.txt");
    std::fs::write(&outside, b"secret beside the data").expect("write");
    std::os::unix::fs::symlink(&outside, uploads.join("leak.jpg")).expect("symlink");
    std::os::unix::fs::symlink(uploads.join("real.jpg"), uploads.join("alias.jpg"))
        .expect("symlink");
    std::os::unix::fs::symlink(&uploads, data.join("media").join("via")).expect("symlink");

    assert_eq!(
        app.get("/media/uploads/real.jpg").await.status().as_u16(),
        200
    );
    for path in [
        "/media/uploads/leak.jpg",
        "/media/uploads/alias.jpg",
        "/media/via/real.jpg",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status().as_u16(), 404, "{path}");
        let body = response.text().await.expect("body");
        assert!(!body.contains("secret beside"), "{path} leaked");
    }
}

// Finding 1's shutdown half: on shutdown, a request in flight is finished, a stuck one is
// abandoned at the deadline, and the server loop returns instead of waiting for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_within_the_deadline() {
    use axum::routing::get;
    let (entered_tx, mut entered) = tokio::sync::mpsc::channel::<&'static str>(4);
    let stuck_tx = entered_tx.clone();
    let router = axum::Router::new()
        .route(
            "/stuck",
            get(move || {
                let tx = stuck_tx.clone();
                async move {
                    let _ = tx.send("stuck").await;
                    std::future::pending::<&'static str>().await
                }
            }),
        )
        .route(
            "/slow",
            get(move || {
                let tx = entered_tx.clone();
                async move {
                    let _ = tx.send("slow").await;
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    "done"
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let options = ServerOptions {
        shutdown_timeout: Duration::from_millis(1500),
        ..ServerOptions::default()
    };
    let server = tokio::spawn(sahifa_web::server::serve_with(
        listener,
        router,
        options,
        async move {
            let _ = stopped.await;
        },
    ));
    let client = reqwest::Client::new();
    let stuck = tokio::spawn(client.get(format!("{base}/stuck")).send());
    let slow = tokio::spawn(client.get(format!("{base}/slow")).send());
    for _ in 0..2 {
        tokio::time::timeout(LIVENESS, entered.recv())
            .await
            .expect("handlers entered")
            .expect("channel open");
    }
    let _ = stop.send(());
    let outcome = tokio::time::timeout(LIVENESS, server)
        .await
        .expect("the server loop returned despite the stuck handler")
        .expect("join")
        .expect("served");
    assert_eq!(outcome.abandoned, 1, "{outcome:?}");
    let slow = slow
        .await
        .expect("join")
        .expect("the slow request was answered");
    assert_eq!(slow.text().await.expect("body"), "done");
    let stuck = stuck.await.expect("join");
    assert!(
        stuck.is_err(),
        "the stuck request was cut off, not answered"
    );
}
