//! Shared media (issue 13, item 4): uploads and their variants go through one storage
//! interface (the local folder, an S3-compatible bucket, or PostgreSQL), so an image
//! uploaded on one node is served by another.
//!
//! * The store's contract (put, get, head, exists, delete, overwrite, missing, a large
//!   object, Arabic names) runs against all three backends: a temporary folder, a real S3
//!   protocol server (moto's server mode, started per test on a free loopback port), and
//!   a fresh PostgreSQL database.
//! * Two in-process servers with their own data dirs on one database (both backends) and
//!   one bucket: an image uploaded through the admin of the first is served, variants
//!   too, by the second under the same URLs; deleted on one, 404 on the other. The same
//!   with the PostgreSQL store.
//! * A store that fails mid-upload loses nothing: a clear message in the admin's
//!   language, no record, and no object left when the record cannot be written.
//! * `sahifa serve` refuses a bad `--media-store`, plain http without saying so, a
//!   PostgreSQL store on SQLite and an unreachable bucket, naming the bad part; `sahifa
//!   backup` says media are not in its file.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sahifa_store::{Db, MediaRow, Role};
use sahifa_testkit::moto::{self, Moto};
use sahifa_testkit::{Backend, TestDb};
use sahifa_web::media_store::{Bytes, MediaKey, MediaStore, PgStore, S3Settings, S3Store};

use crate::common::session::{csrf_field, session_cookie};

const PASSWORD: &str = "كلمة سر طويلة للاختبار";
const BUCKET: &str = "sahifa-media";
const BIN: &str = env!("CARGO_BIN_EXE_sahifa");

fn key(path: &str) -> MediaKey {
    MediaKey::parse(path).unwrap_or_else(|| panic!("{path:?} is a key"))
}

/// Deterministic bytes that do not repeat in any short period (a large "photo").
fn noise(len: usize) -> Vec<u8> {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// What every backend must do. `key_count` tells how many objects the backend holds
/// under the test's own space, where the test can see that (the bucket).
async fn contract(store: &MediaStore) {
    let a = key("uploads/contract-a.webp");

    // Missing: nothing, and deleting nothing is fine.
    assert!(store.get(&a).await.expect("get").is_none(), "missing get");
    assert!(
        store.head(&a).await.expect("head").is_none(),
        "missing head"
    );
    assert!(!store.exists(&a).await.expect("exists"), "missing exists");
    store.delete(&a).await.expect("deleting a missing object");

    // Put and read back, with type, size and a quoted validator.
    store
        .put(&a, Bytes::from_static(b"first"))
        .await
        .expect("put");
    assert!(store.exists(&a).await.expect("exists"));
    let got = store.get(&a).await.expect("get").expect("stored");
    assert_eq!(&got.bytes[..], b"first");
    assert_eq!(got.content_type, "image/webp");
    assert_eq!(got.info.size, 5);
    assert!(
        got.info.etag.len() > 2 && got.info.etag.starts_with('"') && got.info.etag.ends_with('"'),
        "a quoted validator: {}",
        got.info.etag
    );
    let head = store.head(&a).await.expect("head").expect("stored");
    assert_eq!(
        (head.size, &head.etag),
        (got.info.size, &got.info.etag),
        "head and get agree"
    );

    // Overwrite: the new bytes, a new validator.
    store
        .put(&a, Bytes::from_static(b"second version"))
        .await
        .expect("overwrite");
    let again = store.get(&a).await.expect("get").expect("stored");
    assert_eq!(&again.bytes[..], b"second version");
    assert_eq!(again.info.size, 14);
    assert_ne!(again.info.etag, got.info.etag, "the validator changes");

    // A large object (above the largest accepted upload) round-trips intact.
    let large = noise(16 * 1024 * 1024 + 17);
    let big = key("uploads/contract-large.jpg");
    store
        .put(&big, Bytes::from(large.clone()))
        .await
        .expect("put large");
    let read = store.get(&big).await.expect("get large").expect("stored");
    assert_eq!(read.bytes.len(), large.len());
    assert!(read.bytes[..] == large[..], "large object intact");
    assert_eq!(
        store.head(&big).await.expect("head").map(|i| i.size),
        Some(large.len() as u64)
    );

    // Arabic names are names like any other, and two of them stay apart.
    let port = key("uploads/صورة-المرفأ.jpg");
    let market = key("uploads/صورة-السوق.jpg");
    store
        .put(&port, Bytes::from_static("مرفأ".as_bytes()))
        .await
        .expect("put arabic");
    store
        .put(&market, Bytes::from_static("سوق".as_bytes()))
        .await
        .expect("put arabic");
    let read = store.get(&port).await.expect("get").expect("stored");
    assert_eq!(std::str::from_utf8(&read.bytes), Ok("مرفأ"));
    assert_eq!(read.content_type, "image/jpeg");
    let read = store.get(&market).await.expect("get").expect("stored");
    assert_eq!(std::str::from_utf8(&read.bytes), Ok("سوق"));

    // Other folders (the demo images) and their types.
    let svg = key("demo/oil-barrel.svg");
    store
        .put(
            &svg,
            Bytes::from_static(b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
        )
        .await
        .expect("put svg");
    assert_eq!(
        store
            .get(&svg)
            .await
            .expect("get")
            .expect("svg")
            .content_type,
        "image/svg+xml"
    );

    // Delete removes exactly one object, and again is fine.
    store.delete(&a).await.expect("delete");
    assert!(store.get(&a).await.expect("get").is_none(), "deleted");
    assert!(!store.exists(&a).await.expect("exists"));
    store.delete(&a).await.expect("delete again");
    for other in [&big, &port, &market, &svg] {
        assert!(store.exists(other).await.expect("exists"), "{other} kept");
    }
    for gone in [&big, &port, &market, &svg] {
        store.delete(gone).await.expect("delete");
        assert!(!store.exists(gone).await.expect("exists"), "{gone} deleted");
    }
}

/// An S3 store on `moto`'s bucket under `prefix`.
fn s3_store(moto: &Moto, prefix: &str) -> MediaStore {
    let settings = S3Settings {
        endpoint: Some(moto.endpoint.clone()),
        region: Some("us-east-1".to_string()),
        allow_http: true,
        credentials: Some(("testing".to_string(), "testing".to_string())),
    };
    let prefix: Vec<String> = prefix.split('/').map(str::to_string).collect();
    MediaStore::S3(S3Store::open(BUCKET, &prefix, &settings).expect("S3 store"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contract_local_folder() {
    let dir = tempfile::tempdir().expect("tmp");
    let store = MediaStore::local(dir.path().join("media"));
    store.check().await.expect("a folder answers");
    contract(&store).await;
    // The layout is the one existing installs have: the key is the path under media/.
    store
        .put(&key("uploads/abc-640w.webp"), Bytes::from_static(b"x"))
        .await
        .expect("put");
    assert!(dir.path().join("media/uploads/abc-640w.webp").is_file());
    assert!(
        !dir.path().join("media/uploads/صورة-المرفأ.jpg").exists(),
        "deleted files are gone from the folder"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contract_s3_bucket() {
    let Some(moto) = moto::start_or_skip("contract_s3_bucket") else {
        return;
    };
    moto.create_bucket(BUCKET);
    let store = s3_store(&moto, "site/media");
    store.check().await.expect("the bucket answers");
    contract(&store).await;
    // Objects live under the prefix, named by their key.
    store
        .put(&key("uploads/صورة.jpg"), Bytes::from_static(b"x"))
        .await
        .expect("put");
    assert_eq!(
        moto.keys(BUCKET, ""),
        ["site/media/uploads/صورة.jpg".to_string()]
    );
    // A missing bucket is an error at start-up, not a quiet empty store.
    let missing = S3Store::open(
        "no-such-bucket",
        &[],
        &S3Settings {
            endpoint: Some(moto.endpoint.clone()),
            region: None,
            allow_http: true,
            credentials: Some(("testing".into(), "testing".into())),
        },
    )
    .expect("client");
    assert!(
        MediaStore::S3(missing).check().await.is_err(),
        "missing bucket"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contract_postgres_table() {
    let Some(t) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let store = MediaStore::Postgres(PgStore::new(t.db.clone()).expect("PostgreSQL store"));
    store.check().await.expect("the table answers");
    contract(&store).await;
    // Refused on SQLite, with the reason.
    let sqlite = TestDb::new(Backend::Sqlite).await.expect("sqlite");
    let refused = PgStore::new(sqlite.db.clone()).expect_err("refused on SQLite");
    assert!(
        refused.to_string().contains("PostgreSQL database"),
        "{refused}"
    );
}

/// One application node: its own data dir and pool on a shared database.
struct Node {
    base: String,
    client: reqwest::Client,
    dir: tempfile::TempDir,
    store: MediaStore,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Node {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// Starts a node on its own pool over `url`, with the store `make_store` gives for its
/// data dir.
async fn node(url: &str, make_store: impl FnOnce(&std::path::Path) -> MediaStore) -> Node {
    let db = Db::connect(url).await.expect("connect");
    let dir = tempfile::tempdir().expect("data dir");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let mut config = sahifa_web::WebConfig::new(dir.path().to_path_buf(), base.clone());
    let store = make_store(dir.path());
    config.media_store = store.clone();
    let state = sahifa_web::build_state(db, config).expect("state");
    let router = sahifa_web::router(state);
    let server = tokio::spawn(async move {
        let _ = sahifa_web::serve(listener, router, std::future::pending()).await;
    });
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client");
    Node {
        base,
        client,
        dir,
        store,
        server,
    }
}

/// A signed-in admin on one node.
struct Admin<'a> {
    node: &'a Node,
    cookie: String,
}

impl Node {
    async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("get")
    }

    async fn login(&self, email: &str) -> Admin<'_> {
        Admin {
            node: self,
            cookie: session_cookie(&self.client, &self.base, email, PASSWORD).await,
        }
    }

    /// Every file of a media record, as site-relative URLs.
    fn urls(media: &MediaRow) -> Vec<String> {
        let mut urls = vec![media.original_url()];
        urls.extend(
            sahifa_web::media::variants(media)
                .into_iter()
                .map(|v| format!("/media/uploads/{}", v.file)),
        );
        urls
    }

    /// Files under this node's own media folder.
    fn local_files(&self) -> usize {
        walk(&self.dir.path().join("media"))
    }
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |entries| {
        entries
            .filter_map(|e| e.ok())
            .map(|e| {
                let path = e.path();
                if path.is_dir() { walk(&path) } else { 1 }
            })
            .sum()
    })
}

impl Admin<'_> {
    async fn page(&self, path: &str) -> String {
        let response = self
            .node
            .client
            .get(format!("{}{path}", self.node.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .expect("get");
        assert_eq!(response.status().as_u16(), 200, "GET {path}");
        response.text().await.expect("body")
    }

    async fn upload(&self, file_name: &str, bytes: &[u8], alt: &str) -> reqwest::Response {
        let token = csrf_field(&self.page("/admin/media").await).expect("csrf");
        let boundary = "----sahifa-media-store-boundary";
        let mut body = Vec::new();
        for (name, value) in [("_csrf", token.as_str()), ("alt", alt), ("caption", "")] {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.node
            .client
            .post(format!("{}/admin/media", self.node.base))
            .header("cookie", &self.cookie)
            .header("origin", &self.node.base)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .expect("upload")
    }

    async fn delete(&self, id: i64) -> reqwest::Response {
        let token = csrf_field(&self.page("/admin/media").await).expect("csrf");
        self.node
            .client
            .post(format!("{}/admin/media/{id}/delete", self.node.base))
            .header("cookie", &self.cookie)
            .header("origin", &self.node.base)
            .form(&[("_csrf", token.as_str())])
            .send()
            .await
            .expect("delete")
    }
}

/// A JPEG photo with some detail, wide enough for all three variant widths.
fn photo() -> Vec<u8> {
    let img = image::RgbImage::from_fn(1400, 800, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x * y) % 256) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode");
    out.into_inner()
}

/// The catalogue's Arabic text of `key`, escaped as templates print it.
fn arabic(key: &str) -> String {
    let catalog = sahifa_web::i18n::Catalog::load().expect("catalogue");
    catalog
        .text(sahifa_text::dates::Lang::Ar, key)
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Upload on `first`, read on `second` (same URLs, same bytes, type, validator, 304,
/// HEAD), delete on `second`, 404 on `first`. Neither node keeps a file of its own.
async fn uploaded_on_one_served_by_the_other(t: &TestDb, first: &Node, second: &Node) {
    sahifa::accounts::add_user(
        &t.db,
        "admin@example.com",
        "المدير",
        Role::Administrator,
        PASSWORD,
    )
    .await
    .expect("admin");
    let admin = first.login("admin@example.com").await;
    let response = admin.upload("مرفأ.jpg", &photo(), "مرفأ بيروت").await;
    assert_eq!(response.status().as_u16(), 303, "upload accepted");
    let (rows, total) = t.db.media_list(10, 0).await.expect("media");
    assert_eq!(total, 1);
    let media = rows[0].clone();
    let urls = Node::urls(&media);
    assert_eq!(urls.len(), 7, "the original and six variants: {urls:?}");

    for url in &urls {
        let here = first.get(url).await;
        assert_eq!(here.status().as_u16(), 200, "{url} on the first node");
        let there = second.get(url).await;
        assert_eq!(there.status().as_u16(), 200, "{url} on the second node");
        let expected_type = if url.ends_with(".webp") {
            "image/webp"
        } else {
            "image/jpeg"
        };
        assert_eq!(there.headers()["content-type"], expected_type, "{url}");
        assert_eq!(
            there.headers()["cache-control"],
            "public, max-age=86400",
            "{url}"
        );
        let etag = there.headers()["etag"].to_str().expect("etag").to_string();
        let (a, b) = (
            here.bytes().await.expect("body"),
            there.bytes().await.expect("body"),
        );
        assert!(
            !b.is_empty() && a == b,
            "{url}: the same bytes on both nodes"
        );

        // Revalidation and HEAD, answered from the store's validator.
        let revalidated = second
            .client
            .get(format!("{}{url}", second.base))
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("conditional get");
        assert_eq!(revalidated.status().as_u16(), 304, "{url}: 304");
        assert_eq!(revalidated.headers()["etag"], etag.as_str());
        let head = second
            .client
            .head(format!("{}{url}", second.base))
            .send()
            .await
            .expect("head");
        assert_eq!(head.status().as_u16(), 200, "{url}: HEAD");
        assert_eq!(
            head.headers()["content-length"].to_str().ok(),
            Some(b.len().to_string().as_str()),
            "{url}: HEAD length"
        );
    }
    let missing = second.get("/media/uploads/no-such-file.jpg").await;
    assert_eq!(missing.status().as_u16(), 404);
    assert_eq!(
        second
            .get("/media/uploads/..%2F..%2Fsahifa.db")
            .await
            .status()
            .as_u16(),
        404
    );
    assert_eq!(
        (first.local_files(), second.local_files()),
        (0, 0),
        "no node keeps media of its own"
    );

    // Deleted through the second node's admin: gone from the store, 404 on the first.
    let other_admin = second.login("admin@example.com").await;
    assert_eq!(other_admin.delete(media.id).await.status().as_u16(), 303);
    for url in &urls {
        assert_eq!(first.get(url).await.status().as_u16(), 404, "{url} deleted");
        let key = key(url.trim_start_matches("/media/"));
        assert!(!first.store.exists(&key).await.expect("exists"), "{key}");
    }
}

sahifa_testkit::both_backends!(
    an_image_uploaded_on_one_node_is_served_by_another_through_s3,
    |t: TestDb| async move {
        let Some(moto) = moto::start_or_skip("an_image_uploaded_on_one_node_is_served_by_another")
        else {
            return;
        };
        moto.create_bucket(BUCKET);
        let first = node(&t.url, |_| s3_store(&moto, "news")).await;
        let second = node(&t.url, |_| s3_store(&moto, "news")).await;
        uploaded_on_one_served_by_the_other(&t, &first, &second).await;
        assert!(
            moto.keys(BUCKET, "news/").is_empty(),
            "the bucket is empty again"
        );
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_image_uploaded_on_one_node_is_served_by_another_through_postgres() {
    let Some(t) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let pg = |db: Db| MediaStore::Postgres(PgStore::new(db).expect("PostgreSQL store"));
    let (db1, db2) = (
        Db::connect(&t.url).await.expect("connect"),
        Db::connect(&t.url).await.expect("connect"),
    );
    let first = node(&t.url, |_| pg(db1)).await;
    let second = node(&t.url, |_| pg(db2)).await;
    uploaded_on_one_served_by_the_other(&t, &first, &second).await;
    assert_eq!(t.count("SELECT COUNT(*) FROM media_objects").await, 0);
}

sahifa_testkit::both_backends!(
    a_store_that_fails_mid_upload_keeps_nothing,
    |t: TestDb| async move {
        let Some(mut moto) = moto::start_or_skip("a_store_that_fails_mid_upload_keeps_nothing")
        else {
            return;
        };
        moto.create_bucket(BUCKET);
        let site = node(&t.url, |_| s3_store(&moto, "failing")).await;
        sahifa::accounts::add_user(
            &t.db,
            "admin@example.com",
            "المدير",
            Role::Administrator,
            PASSWORD,
        )
        .await
        .expect("admin");
        let admin = site.login("admin@example.com").await;

        // The record cannot be written: the objects already stored are removed again.
        t.fail_inserts_into("media").await;
        let response = admin.upload("a.jpg", &photo(), "صورة").await;
        assert_eq!(response.status().as_u16(), 500, "the record failed");
        assert!(
            moto.keys(BUCKET, "failing/").is_empty(),
            "no object without a record: {:?}",
            moto.keys(BUCKET, "failing/")
        );
        t.heal("media").await;

        // The store goes away: the admin says so in Arabic and nothing is recorded.
        moto.stop();
        let response = admin.upload("b.jpg", &photo(), "نص بديل محفوظ").await;
        assert_eq!(response.status().as_u16(), 503, "the store failed");
        let body = response.text().await.expect("body");
        assert!(
            body.contains(&arabic("admin-media-store-failed")),
            "the catalogue's Arabic message"
        );
        assert!(
            body.contains("نص بديل محفوظ"),
            "the typed alt text is kept in the form"
        );
        assert_eq!(
            t.db.media_list(10, 0).await.expect("media").1,
            0,
            "no record"
        );
    }
);

/// Runs `sahifa serve` on a new data dir and waits (bounded) for it to exit; (success,
/// stderr). A server that starts instead of refusing is killed and fails the test.
fn serve_refusal(args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let dir = tempfile::tempdir().expect("tmp");
    let mut command = Command::new(BIN);
    command
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(args)
        .env("RUST_LOG", "off")
        .env_remove("SAHIFA_DATABASE_URL")
        .env_remove("SAHIFA_MEDIA_STORE")
        .env_remove("AWS_ENDPOINT")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().expect("run sahifa");
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut stderr = String::new();
            if let Some(mut pipe) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut pipe, &mut stderr);
            }
            return (status.success(), stderr);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("sahifa serve {args:?} did not refuse to start");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn serve_refuses_a_bad_media_store_naming_the_bad_part() {
    let creds = [
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
    ];
    let cases: [(&[&str], &str); 4] = [
        (&["--media-store", "s3://Bad_Bucket/x"], "\"Bad_Bucket\""),
        (&["--media-store", "ftp://x"], "local, postgres or s3://"),
        (
            &["--media-store", "postgres"],
            "needs a PostgreSQL database",
        ),
        (
            &[
                "--media-store",
                "s3://sahifa-media",
                "--media-s3-endpoint",
                "http://127.0.0.1:9",
            ],
            "--media-s3-allow-http",
        ),
    ];
    for (args, expected) in cases {
        let (ok, stderr) = serve_refusal(args, &creds);
        assert!(!ok, "{args:?} must not start");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    // A closed port: reachable configuration, unreachable service. Fail fast, say where.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let endpoint = format!("http://127.0.0.1:{closed}");
    let (ok, stderr) = serve_refusal(
        &[
            "--media-store",
            "s3://sahifa-media/site",
            "--media-s3-endpoint",
            &endpoint,
            "--media-s3-allow-http",
        ],
        &creds,
    );
    assert!(!ok, "an unreachable bucket must not start");
    assert!(
        stderr.contains("does not answer") && stderr.contains("sahifa-media"),
        "{stderr}"
    );
}

#[test]
fn backup_says_media_are_not_in_its_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let run = |args: &[&str]| {
        let output = Command::new(BIN)
            .arg("--data-dir")
            .arg(dir.path())
            .args(args)
            .env("RUST_LOG", "off")
            .env_remove("SAHIFA_DATABASE_URL")
            .env_remove("SAHIFA_MEDIA_STORE")
            .stdin(Stdio::null())
            .output()
            .expect("run sahifa");
        assert!(output.status.success(), "{args:?}: {output:?}");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    run(&["migrate"]);
    let file = dir.path().join("copy.db");
    let file = file.to_str().expect("path");
    let out = run(&["backup", file, "--media-store", "s3://news-media/site"]);
    assert!(
        out.contains("media are NOT in this backup")
            && out.contains("the S3 bucket news-media (prefix site)"),
        "{out}"
    );
    let out = run(&["backup", file, "--force"]);
    assert!(
        out.contains("media are NOT in this backup") && out.contains("media"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_images_go_to_the_configured_store() {
    let Some(moto) = moto::start_or_skip("demo_images_go_to_the_configured_store") else {
        return;
    };
    moto.create_bucket(BUCKET);
    let t = TestDb::new(Backend::Sqlite).await.expect("sqlite");
    let first = node(&t.url, |_| s3_store(&moto, "demo-site")).await;
    let second = node(&t.url, |_| s3_store(&moto, "demo-site")).await;
    assert!(
        sahifa::demo::load_if_empty_into(&t.db, &first.store)
            .await
            .expect("demo loads")
    );
    assert!(
        moto.keys(BUCKET, "demo-site/")
            .contains(&"demo-site/demo/oil-barrel.svg".to_string()),
        "{:?}",
        moto.keys(BUCKET, "demo-site/")
    );
    let svg = second.get("/media/demo/oil-barrel.svg").await;
    assert_eq!(svg.status().as_u16(), 200);
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(
        svg.headers()["content-security-policy"]
            .to_str()
            .is_ok_and(|v| v.contains("sandbox")),
        "an SVG cannot run script"
    );
    assert_eq!(first.local_files() + second.local_files(), 0);

    // The local store (the default) answers the same way, validators included.
    let local = node(&t.url, |dir| MediaStore::local(dir.join("media"))).await;
    local
        .store
        .put(&key("demo/oil-barrel.svg"), Bytes::from_static(b"<svg/>"))
        .await
        .expect("put");
    let served = local.get("/media/demo/oil-barrel.svg").await;
    assert_eq!(served.status().as_u16(), 200);
    let etag = served.headers()["etag"].to_str().expect("etag").to_string();
    assert!(served.headers().contains_key("last-modified"));
    let revalidated = local
        .client
        .get(format!("{}/media/demo/oil-barrel.svg", local.base))
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("conditional get");
    assert_eq!(revalidated.status().as_u16(), 304);
    assert_eq!(local.local_files(), 1);
}

/// `sahifa serve` configured only through the environment, as an operator would: the
/// demo's images land in the bucket and are served from it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_takes_the_bucket_from_the_environment() {
    let Some(moto) = moto::start_or_skip("serve_takes_the_bucket_from_the_environment") else {
        return;
    };
    moto.create_bucket(BUCKET);
    let dir = tempfile::tempdir().expect("tmp");
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port");
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["serve", "--demo", "--addr", &addr.to_string()])
        .env("RUST_LOG", "off")
        .env_remove("SAHIFA_DATABASE_URL")
        .env("SAHIFA_MEDIA_STORE", format!("s3://{BUCKET}/from-env"))
        .env("SAHIFA_MEDIA_S3_ENDPOINT", &moto.endpoint)
        .env("SAHIFA_MEDIA_S3_ALLOW_HTTP", "true")
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("run sahifa");
    let base = format!("http://{addr}");
    let started = Instant::now();
    let mut healthy = false;
    while !healthy && started.elapsed() < Duration::from_secs(60) {
        healthy = reqwest::get(format!("{base}/healthz"))
            .await
            .is_ok_and(|r| r.status().is_success());
        if !healthy {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let served = reqwest::get(format!("{base}/media/demo/oil-barrel.svg")).await;
    let _ = child.kill();
    let _ = child.wait();
    assert!(healthy, "the server started");
    let served = served.expect("get");
    assert_eq!(served.status().as_u16(), 200);
    assert_eq!(served.headers()["content-type"], "image/svg+xml");
    assert!(
        moto.keys(BUCKET, "from-env/")
            .contains(&"from-env/demo/oil-barrel.svg".to_string())
    );
    assert!(
        !dir.path().join("media").exists(),
        "nothing written to the local folder"
    );
}
