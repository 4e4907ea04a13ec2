//! Throwaway databases for tests, on either backend.
//!
//! PostgreSQL tests use the server at `SAHIFA_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432`): each test creates its own database and drops it
//! afterwards, even when the test panics. They are never skipped silently: without a
//! reachable server they fail, unless `SAHIFA_TEST_SKIP_PG=1` says to skip them (for a
//! laptop without PostgreSQL; CI never sets it).

use std::sync::atomic::{AtomicU32, Ordering};

use sahifa_store::Db;
use sqlx::Connection;

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in a temporary folder.
    Sqlite,
    /// A fresh database on the local PostgreSQL server.
    Postgres,
}

/// The server URL PostgreSQL tests use (without a database name).
pub fn pg_server_url() -> String {
    std::env::var("SAHIFA_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_string())
}

/// True when PostgreSQL tests were explicitly switched off.
pub fn skip_pg() -> bool {
    std::env::var("SAHIFA_TEST_SKIP_PG").is_ok_and(|v| v == "1")
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A migrated, empty database that disappears when dropped.
pub struct TestDb {
    /// The handle tests use.
    pub db: Db,
    /// The URL it was opened with (to open a second, independent pool on it).
    pub url: String,
    /// Folder for the SQLite file and any data files the test writes.
    pub dir: tempfile::TempDir,
    pg_name: Option<String>,
}

impl TestDb {
    /// Creates and migrates a database on `backend`. Returns `None` only when PostgreSQL
    /// tests are explicitly skipped.
    pub async fn new(backend: Backend) -> Option<TestDb> {
        let dir = tempfile::tempdir().expect("temporary folder");
        let (url, pg_name) = match backend {
            Backend::Sqlite => (
                format!("sqlite://{}", dir.path().join("test.db").display()),
                None,
            ),
            Backend::Postgres => {
                if skip_pg() {
                    eprintln!("SAHIFA_TEST_SKIP_PG=1: skipping a PostgreSQL test");
                    return None;
                }
                let name = format!(
                    "sahifa_t_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::Relaxed),
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.subsec_nanos())
                        .unwrap_or(0)
                );
                let server = pg_server_url();
                let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres"))
                    .await
                    .unwrap_or_else(|e| {
                        panic!("PostgreSQL tests need a server at {server} ({e}); set SAHIFA_TEST_SKIP_PG=1 to skip them")
                    });
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&mut admin)
                    .await
                    .expect("create test database");
                let _ = admin.close().await;
                (format!("{server}/{name}"), Some(name))
            }
        };
        let db = Db::connect(&url).await.expect("connect to test database");
        db.migrate().await.expect("migrate test database");
        Some(TestDb {
            db,
            url,
            dir,
            pg_name,
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(name) = self.pg_name.take() else {
            return;
        };
        let db = self.db.clone();
        // Drop runs inside the test's runtime, which cannot be blocked on: do the cleanup on
        // a thread with a runtime of its own and wait for it.
        let cleanup = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                db.close().await;
                if let Ok(mut admin) =
                    sqlx::PgConnection::connect(&format!("{}/postgres", pg_server_url())).await
                {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut admin)
                        .await;
                }
            });
        });
        let _ = cleanup.join();
    }
}

/// Declares one async test per backend: `both_backends!(name, |t: TestDb| async move { ... })`
/// expands to `mod name { sqlite(), postgres() }`.
#[macro_export]
macro_rules! both_backends {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(t) = $crate::TestDb::new($crate::Backend::Sqlite).await {
                    ($body)(t).await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(t) = $crate::TestDb::new($crate::Backend::Postgres).await {
                    ($body)(t).await;
                }
            }
        }
    };
}

/// Article writes for seeding and checking test data. Writes are use cases (validation,
/// slugs, revisions, audit and outbox live in `sahifa-newsroom`); these run them as the
/// system actor, so a test's data is made exactly as the newsroom makes it.
#[allow(async_fn_in_trait)]
pub trait ArticleWrites {
    /// Creates an article; returns its id.
    async fn create_article(
        &self,
        input: &sahifa_store::ArticleInput,
    ) -> Result<i64, sahifa_newsroom::NewsroomError>;
    /// Replaces an article's content.
    async fn update_article(
        &self,
        id: i64,
        input: &sahifa_store::ArticleInput,
    ) -> Result<(), sahifa_newsroom::NewsroomError>;
    /// Deletes an article.
    async fn delete_article(&self, id: i64) -> Result<(), sahifa_newsroom::NewsroomError>;
    /// Publishes the scheduled articles due at `now`.
    async fn publish_due(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<(i64, String)>, sahifa_newsroom::NewsroomError>;
}

impl ArticleWrites for Db {
    async fn create_article(
        &self,
        input: &sahifa_store::ArticleInput,
    ) -> Result<i64, sahifa_newsroom::NewsroomError> {
        let saved = sahifa_newsroom::Newsroom::new(self.clone())
            .save_article(&sahifa_newsroom::Actor::System, None, &input.into())
            .await?;
        Ok(saved.id)
    }

    async fn update_article(
        &self,
        id: i64,
        input: &sahifa_store::ArticleInput,
    ) -> Result<(), sahifa_newsroom::NewsroomError> {
        sahifa_newsroom::Newsroom::new(self.clone())
            .save_article(&sahifa_newsroom::Actor::System, Some(id), &input.into())
            .await?;
        Ok(())
    }

    async fn delete_article(&self, id: i64) -> Result<(), sahifa_newsroom::NewsroomError> {
        sahifa_newsroom::Newsroom::new(self.clone())
            .delete_article(&sahifa_newsroom::Actor::System, id)
            .await
    }

    async fn publish_due(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<(i64, String)>, sahifa_newsroom::NewsroomError> {
        sahifa_newsroom::Newsroom::new(self.clone())
            .publish_due(now)
            .await
    }
}
