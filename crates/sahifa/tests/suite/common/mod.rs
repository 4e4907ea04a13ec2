//! A real Sahifa server on an ephemeral port over a throwaway database, for integration
//! tests. The server runs the same router, state and demo loader as `sahifa serve`.

#![allow(dead_code)]

pub mod chrome;
pub mod layout;
pub mod pages;
pub mod session;

use std::time::Duration;

use sahifa_store::Db;
use sahifa_testkit::TestDb;

/// A running server and what a test needs to poke at it.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base: String,
    /// The server's database handle (writes through it reach the page cache at once).
    pub db: Db,
    /// An HTTP client that does not follow redirects.
    pub client: reqwest::Client,
    /// The database (dropped with the app).
    pub test_db: TestDb,
    /// The server's shared state (view counter, caches), for tests that drive background
    /// work by hand.
    pub state: sahifa_web::AppState,
    server: tokio::task::JoinHandle<()>,
    scheduler: tokio::task::JoinHandle<()>,
    indexer: Option<tokio::task::JoinHandle<()>>,
}

impl TestApp {
    /// Starts a server over `test_db`, with the demo site loaded when `demo` is true.
    pub async fn start(test_db: TestDb, demo: bool) -> TestApp {
        Self::start_with(test_db, demo, false, |_| {}).await
    }

    /// Like [`TestApp::start`], with start-up settings adjusted by `configure` (e.g. short
    /// session lifetimes).
    pub async fn start_configured(
        test_db: TestDb,
        demo: bool,
        configure: fn(&mut sahifa_web::WebConfig),
    ) -> TestApp {
        Self::start_with(test_db, demo, false, configure).await
    }

    /// Like [`TestApp::start`], with the search index opened (rebuilt when missing or
    /// damaged) in the data dir and its write-log follower running, as `sahifa serve` does.
    pub async fn start_with_search(test_db: TestDb, demo: bool) -> TestApp {
        Self::start_with(test_db, demo, true, |_| {}).await
    }

    async fn start_with(
        test_db: TestDb,
        demo: bool,
        search: bool,
        configure: fn(&mut sahifa_web::WebConfig),
    ) -> TestApp {
        let db = test_db.db.clone();
        let data_dir = test_db.dir.path().to_path_buf();
        if demo {
            sahifa::demo::load_if_empty(&db, &data_dir)
                .await
                .expect("demo loads");
        }
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let base = format!("http://{addr}");
        let mut config = sahifa_web::WebConfig::new(data_dir, base.clone());
        config.page_cache_entries = 1000;
        config.scheduler_every = Duration::from_millis(200);
        configure(&mut config);
        let state = sahifa_web::build_state(db.clone(), config).expect("state");
        // The most-read block from what the database holds (the demo's seeded views), as
        // `sahifa serve` reads it at start.
        sahifa_web::most_read::refresh_now(&state)
            .await
            .expect("most-read ranking");
        let indexer = if search {
            let data_dir = state.config().data_dir.clone();
            Some(
                sahifa::search::start(&db, &data_dir, &state)
                    .await
                    .expect("search index"),
            )
        } else {
            None
        };
        let scheduler = sahifa_web::spawn_scheduler(db.clone(), state.config().scheduler_every);
        let router = sahifa_web::router(state.clone());
        let server = tokio::spawn(async move {
            let _ = sahifa_web::serve(listener, router, std::future::pending()).await;
        });
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(20))
            .build()
            .expect("client");
        TestApp {
            base,
            db,
            client,
            test_db,
            state,
            server,
            indexer,
            scheduler,
        }
    }

    /// `GET base + path`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request")
    }

    /// `GET` and the body as text, asserting the status.
    pub async fn page(&self, path: &str, status: u16) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status().as_u16(), status, "GET {path}");
        response.text().await.expect("body")
    }

    /// The site-relative URL of the published article whose title contains `needle`.
    pub async fn article_url(&self, needle: &str) -> String {
        let listing: serde_json::Value = self
            .get("/api/v1/articles?per_page=100")
            .await
            .json()
            .await
            .expect("json");
        let items = listing["items"].as_array().expect("items");
        let url = items
            .iter()
            .find(|a| a["title"].as_str().is_some_and(|t| t.contains(needle)))
            .and_then(|a| a["url"].as_str())
            .unwrap_or_else(|| panic!("no article titled like {needle}"));
        url.trim_start_matches(&self.base).to_string()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
        self.scheduler.abort();
        if let Some(indexer) = &self.indexer {
            indexer.abort();
        }
    }
}

/// Declares a test running against a demo-site server on both backends.
#[macro_export]
macro_rules! app_test {
    ($name:ident, demo = $demo:expr, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(t) = sahifa_testkit::TestDb::new(sahifa_testkit::Backend::Sqlite).await
                {
                    ($body)(common::TestApp::start(t, $demo).await).await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(t) =
                    sahifa_testkit::TestDb::new(sahifa_testkit::Backend::Postgres).await
                {
                    ($body)(common::TestApp::start(t, $demo).await).await;
                }
            }
        }
    };
}

/// Decodes the few HTML entities the templates emit, for string checks on attributes.
pub fn unescape(html: &str) -> String {
    html.replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
