//! Throwaway databases for tests, on either backend.
//!
//! PostgreSQL tests use the server at `SAHIFA_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432`): each test creates its own database and drops it
//! afterwards, even when the test panics. When nothing answers there, the test process
//! starts a throwaway cluster of its own from the installed server binaries (see
//! [`pg_cluster`]), shared by all its tests and gone when it exits. They are never
//! skipped silently: without a server and without the binaries to start one they fail,
//! unless `SAHIFA_TEST_SKIP_PG=1` says to skip them (CI never sets it).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

pub mod edge;
pub mod moto;
pub mod pg_cluster;

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

/// The server URL PostgreSQL tests use (without a database name): `SAHIFA_TEST_PG_URL`
/// when something answers there, else a throwaway cluster started once per process.
pub fn pg_server_url() -> String {
    static SERVER: OnceLock<(String, Option<pg_cluster::Cluster>)> = OnceLock::new();
    SERVER
        .get_or_init(|| {
            let configured = std::env::var("SAHIFA_TEST_PG_URL")
                .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".to_string());
            if pg_cluster::answers(&configured) {
                return (configured, None);
            }
            match pg_cluster::Cluster::start() {
                Ok(cluster) => {
                    eprintln!(
                        "nothing answers at {configured}: PostgreSQL tests use a throwaway cluster at {}",
                        cluster.url
                    );
                    (cluster.url.clone(), Some(cluster))
                }
                Err(why) => {
                    eprintln!("nothing answers at {configured} and no throwaway cluster: {why}");
                    (configured, None)
                }
            }
        })
        .0
        .clone()
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

impl TestDb {
    /// A migrated SQLite database in a new folder under `parent` (a small or read-only
    /// file system a storage-fault test controls).
    pub async fn sqlite_in(parent: &std::path::Path) -> TestDb {
        let dir = tempfile::tempdir_in(parent).expect("temporary folder");
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let db = Db::connect(&url).await.expect("connect to test database");
        db.migrate().await.expect("migrate test database");
        TestDb {
            db,
            url,
            dir,
            pg_name: None,
        }
    }

    /// The backend of this database.
    pub fn backend(&self) -> Backend {
        match self.db.backend() {
            sahifa_store::Backend::Sqlite => Backend::Sqlite,
            sahifa_store::Backend::Postgres => Backend::Postgres,
        }
    }

    /// An account of `role` (named «اسم <role>», password unusable), inserted as a row so
    /// the foreign keys of what it writes (owner, author, audit) hold; for use-case tests
    /// that need actors without going through account creation.
    pub async fn account(&self, email: &str, role: sahifa_store::Role) -> sahifa_store::User {
        let role_name = role.as_str();
        self.exec(&format!(
            "INSERT INTO users (email, name, role, password_hash, active, created_at) \
             VALUES ('{email}', 'اسم {role_name}', '{role_name}', 'x', TRUE, '2024-05-01T12:00:00Z')"
        ))
        .await;
        let id = self
            .count(&format!("SELECT id FROM users WHERE email = '{email}'"))
            .await;
        sahifa_store::User {
            id,
            email: email.to_string(),
            name: format!("اسم {role_name}"),
            role,
            author_id: None,
            active: true,
            created_at: chrono::Utc::now(),
        }
    }

    /// Runs statements (separated by `;` where the backend allows) on an independent
    /// connection: for building states the application refuses to create, and for faults.
    pub async fn exec(&self, sql: &str) {
        match self.backend() {
            Backend::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&self.url)
                    .await
                    .expect("connect sqlite");
                sqlx::raw_sql(sql).execute(&mut conn).await.expect(sql);
                let _ = conn.close().await;
            }
            Backend::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&self.url)
                    .await
                    .expect("connect postgres");
                sqlx::raw_sql(sql).execute(&mut conn).await.expect(sql);
                let _ = conn.close().await;
            }
        }
    }

    /// Runs a query returning one BIGINT (a `COUNT(*)`) on an independent connection.
    pub async fn count(&self, sql: &str) -> i64 {
        let (n,): (i64,) = match self.backend() {
            Backend::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&self.url)
                    .await
                    .expect("connect sqlite");
                let row = sqlx::query_as(sql).fetch_one(&mut conn).await.expect(sql);
                let _ = conn.close().await;
                row
            }
            Backend::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&self.url)
                    .await
                    .expect("connect postgres");
                let row = sqlx::query_as(sql).fetch_one(&mut conn).await.expect(sql);
                let _ = conn.close().await;
                row
            }
        };
        n
    }

    /// Makes every later INSERT into `table` fail inside the database, so a use case fails
    /// between its statements (a fault injected where the code cannot see it coming).
    pub async fn fail_inserts_into(&self, table: &str) {
        match self.backend() {
            Backend::Sqlite => {
                self.exec(&format!(
                    "CREATE TRIGGER injected_fault_{table} BEFORE INSERT ON {table} \
                     BEGIN SELECT RAISE(ABORT, 'injected fault'); END"
                ))
                .await
            }
            Backend::Postgres => {
                self.exec(&format!(
                    "CREATE FUNCTION injected_fault_{table}() RETURNS trigger LANGUAGE plpgsql AS \
                     $$ BEGIN RAISE EXCEPTION 'injected fault'; END $$; \
                     CREATE TRIGGER injected_fault_{table} BEFORE INSERT ON {table} \
                     FOR EACH ROW EXECUTE FUNCTION injected_fault_{table}()"
                ))
                .await
            }
        }
    }

    /// PostgreSQL only: an INSERT into `table` kills the connection running it, as a crashed
    /// server process or a dropped network link would, mid-transaction.
    pub async fn drop_connection_on_insert_into(&self, table: &str) {
        assert_eq!(self.backend(), Backend::Postgres, "PostgreSQL only");
        self.exec(&format!(
            "CREATE FUNCTION injected_drop_{table}() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NEW; END $$; \
             CREATE TRIGGER injected_drop_{table} BEFORE INSERT ON {table} \
             FOR EACH ROW EXECUTE FUNCTION injected_drop_{table}()"
        ))
        .await
    }

    /// Removes the faults injected by [`TestDb::fail_inserts_into`] and
    /// [`TestDb::drop_connection_on_insert_into`] on `table`.
    pub async fn heal(&self, table: &str) {
        match self.backend() {
            Backend::Sqlite => {
                self.exec(&format!("DROP TRIGGER IF EXISTS injected_fault_{table}"))
                    .await
            }
            Backend::Postgres => {
                self.exec(&format!(
                    "DROP TRIGGER IF EXISTS injected_fault_{table} ON {table}; \
                     DROP TRIGGER IF EXISTS injected_drop_{table} ON {table}"
                ))
                .await
            }
        }
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

/// Fixture writes that have no use case of their own (a raw setting, a comment stored as
/// given) or that tests make as the system: each runs in one transaction like every write.
#[allow(async_fn_in_trait)]
pub trait Seed {
    /// Creates a category through the use case; returns its id.
    async fn create_category(
        &self,
        input: &sahifa_store::CategoryInput,
    ) -> Result<i64, sahifa_newsroom::NewsroomError>;
    /// Creates a byline through the use case; returns its id.
    async fn create_author(
        &self,
        input: &sahifa_store::AuthorInput,
    ) -> Result<i64, sahifa_newsroom::NewsroomError>;
    /// Gives a byline a new slug through the use case; returns the slug.
    async fn rename_author_slug(
        &self,
        id: i64,
        slug: &str,
    ) -> Result<String, sahifa_newsroom::NewsroomError>;
    /// The tag called `name`, created when missing (the slug is its identity).
    async fn ensure_tag(&self, name: &str) -> Result<sahifa_store::Tag, sahifa_store::StoreError>;
    /// Stores one setting as given.
    async fn set_setting(&self, key: &str, value: &str) -> Result<(), sahifa_store::StoreError>;
    /// Stores the site settings as given (the admin's use case validates them; fixtures may
    /// want values it would refuse).
    async fn save_site_settings(
        &self,
        settings: &sahifa_store::SiteSettings,
    ) -> Result<(), sahifa_store::StoreError>;
    /// Stores a comment as given, whatever the moderation rules would say.
    async fn insert_comment(
        &self,
        comment: &sahifa_store::NewComment,
    ) -> Result<i64, sahifa_store::StoreError>;
    /// Appends an audit entry as given.
    async fn audit(
        &self,
        actor: Option<(i64, &str)>,
        action: &str,
        object_kind: &str,
        object_id: Option<i64>,
        detail: &str,
    ) -> Result<(), sahifa_store::StoreError>;
}

impl Seed for Db {
    async fn create_category(
        &self,
        input: &sahifa_store::CategoryInput,
    ) -> Result<i64, sahifa_newsroom::NewsroomError> {
        let draft = sahifa_newsroom::taxonomy::CategoryDraft {
            name: input.name.clone(),
            slug: input.slug.clone().unwrap_or_default(),
            description: input.description.clone(),
            parent_id: input.parent_id,
            position: input.position.to_string(),
        };
        sahifa_newsroom::Newsroom::new(self.clone())
            .create_category(&sahifa_newsroom::Actor::System, &draft)
            .await
    }

    async fn create_author(
        &self,
        input: &sahifa_store::AuthorInput,
    ) -> Result<i64, sahifa_newsroom::NewsroomError> {
        let draft = sahifa_newsroom::taxonomy::AuthorDraft {
            name: input.name.clone(),
            slug: input.slug.clone().unwrap_or_default(),
            bio: input.bio.clone(),
        };
        sahifa_newsroom::Newsroom::new(self.clone())
            .create_author(&sahifa_newsroom::Actor::System, &draft)
            .await
    }

    async fn rename_author_slug(
        &self,
        id: i64,
        slug: &str,
    ) -> Result<String, sahifa_newsroom::NewsroomError> {
        sahifa_newsroom::Newsroom::new(self.clone())
            .rename_author_slug(&sahifa_newsroom::Actor::System, id, slug)
            .await
    }

    async fn ensure_tag(&self, name: &str) -> Result<sahifa_store::Tag, sahifa_store::StoreError> {
        let name = name.trim();
        let slug = sahifa_text::slug::slugify(name);
        let mut tx = self.begin().await?;
        let tag = sahifa_store::taxonomy::ensure_tag(&mut tx, &slug, name).await?;
        tx.retire_everything();
        tx.commit().await?;
        Ok(tag)
    }

    async fn set_setting(&self, key: &str, value: &str) -> Result<(), sahifa_store::StoreError> {
        let mut tx = self.begin().await?;
        sahifa_store::settings::put(&mut tx, key, value).await?;
        tx.retire_everything();
        tx.commit().await
    }

    async fn save_site_settings(
        &self,
        settings: &sahifa_store::SiteSettings,
    ) -> Result<(), sahifa_store::StoreError> {
        let mut tx = self.begin().await?;
        sahifa_store::settings::save_site(&mut tx, settings).await?;
        tx.retire_everything();
        tx.commit().await
    }

    async fn insert_comment(
        &self,
        comment: &sahifa_store::NewComment,
    ) -> Result<i64, sahifa_store::StoreError> {
        let mut tx = self.begin().await?;
        let id = sahifa_store::comments::insert(&mut tx, comment).await?;
        tx.retire([sahifa_store::Dep::Article(comment.article_id)]);
        tx.commit().await?;
        Ok(id)
    }

    async fn audit(
        &self,
        actor: Option<(i64, &str)>,
        action: &str,
        object_kind: &str,
        object_id: Option<i64>,
        detail: &str,
    ) -> Result<(), sahifa_store::StoreError> {
        let mut tx = self.begin().await?;
        sahifa_store::newsroom::insert_audit(
            &mut tx,
            &sahifa_store::AuditRecord {
                actor,
                action,
                object_kind,
                object_id,
                detail,
            },
        )
        .await?;
        tx.commit().await
    }
}
