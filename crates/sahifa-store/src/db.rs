//! Connecting, migrating, and keeping this process's cache registry in step with the
//! writes of every process sharing the database.

use std::collections::BTreeSet;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use sqlx::{Connection, Database, Postgres, Sqlite, TransactionManager};

use crate::health::{WriteHealth, is_storage_fault};
use crate::retirements::{Registry, Retired};
use crate::tx::{Tx, TxInner};
use crate::{Result, StoreError};

/// The most log rows one poll applies one by one; further behind than that, retiring
/// everything is cheaper than reading them.
const SYNC_MAX_ROWS: i64 = 1000;

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file (WAL mode).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

#[doc(hidden)]
#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A handle on the database; cheap to clone, all clones share one pool and one registry.
#[derive(Clone, Debug)]
pub struct Db {
    pool: Pool,
    registry: Arc<Registry>,
    /// Versions of the shared content counter this process committed and has applied
    /// already, so that [`Db::sync_epoch`] does not retire them a second time.
    own_versions: Arc<Mutex<BTreeSet<i64>>>,
    health: WriteHealth,
}

impl Db {
    /// Opens a pool for `url` (`sqlite://path?mode=rwc` or `postgres://...`). A SQLite file is
    /// created when missing and put in WAL mode, so readers never wait for the writer.
    pub async fn connect(url: &str) -> Result<Db> {
        let pool = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(10))
                // A connection still counted inside a transaction is closed, never reused:
                // its every later BEGIN would fail, and a transaction SQLite still holds
                // keeps the write lock. (Tx ends its own transactions; this is the net.)
                .after_release(|conn, _| {
                    let clean = !conn.is_in_transaction();
                    Box::pin(async move { Ok(clean) })
                })
                .connect_with(options)
                .await?;
            Pool::Sqlite(pool)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .after_release(|conn, _| {
                    let clean = !conn.is_in_transaction();
                    Box::pin(async move { Ok(clean) })
                })
                .connect_with(options)
                .await?;
            Pool::Postgres(pool)
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_string()));
        };
        Ok(Db {
            pool,
            registry: Arc::default(),
            own_versions: Arc::default(),
            health: WriteHealth::default(),
        })
    }

    #[doc(hidden)]
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The engine behind this handle.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the embedded migrations of this backend.
    pub async fn migrate(&self) -> Result<()> {
        match &self.pool {
            Pool::Sqlite(pool) => sqlx::migrate!("migrations/sqlite").run(pool).await?,
            Pool::Postgres(pool) => sqlx::migrate!("migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    /// Opens a transaction for a use case's writes. On SQLite it takes the write lock at
    /// once (`BEGIN IMMEDIATE`): a transaction that reads and then writes could otherwise
    /// fail with `SQLITE_BUSY` when another writer committed in between, without waiting.
    ///
    /// The transaction owns its pooled connection and hands it back only when it ended
    /// cleanly (see [`Tx`]); a storage fault already at `BEGIN` closes the connection.
    pub async fn begin(&self) -> Result<Tx> {
        self.begin_with(false).await
    }

    /// [`Db::begin`] for one very large transaction (a site import): on SQLite its
    /// connection gets a 64 MiB page cache and keeps statement journals in memory (SQLite
    /// decides where they go when the transaction begins, so this is set before `BEGIN`),
    /// and it is closed instead of pooled afterwards, so no other work inherits either
    /// setting. Measured on a 2 000-post import: 58 of a post's 66 file writes were
    /// statement-journal spills. The same as `begin` on PostgreSQL.
    pub async fn begin_bulk(&self) -> Result<Tx> {
        self.begin_with(true).await
    }

    async fn begin_with(&self, bulk: bool) -> Result<Tx> {
        let inner = match &self.pool {
            Pool::Sqlite(pool) => {
                let mut conn = pool.acquire().await?;
                if bulk {
                    conn.close_on_drop();
                    for pragma in ["PRAGMA temp_store = MEMORY", "PRAGMA cache_size = -65536"] {
                        sqlx::query(pragma).execute(&mut *conn).await?;
                    }
                }
                let begun = <Sqlite as Database>::TransactionManager::begin(
                    &mut conn,
                    Some("BEGIN IMMEDIATE".into()),
                )
                .await;
                if let Err(err) = begun {
                    if is_storage_fault(&err) {
                        conn.close_on_drop();
                    }
                    return Err(err.into());
                }
                TxInner::Sqlite(conn)
            }
            Pool::Postgres(pool) => {
                let mut conn = pool.acquire().await?;
                let begun =
                    <Postgres as Database>::TransactionManager::begin(&mut conn, None).await;
                if let Err(err) = begun {
                    if is_storage_fault(&err) {
                        conn.close_on_drop();
                    }
                    return Err(err.into());
                }
                TxInner::Postgres(conn)
            }
        };
        Ok(Tx::new(
            inner,
            self.registry.clone(),
            self.own_versions.clone(),
            self.health.clone(),
        ))
    }

    pub(crate) fn write_health(&self) -> &WriteHealth {
        &self.health
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<()> {
        with_pool!(self, |pool| sqlx::query("SELECT 1")
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Closes every connection; used on shutdown and by tests before dropping a database.
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(pool) => {
                // SQLite empties the write-ahead log when its last connection closes, but
                // a connection closed in the background (a bulk import's) may still be
                // open when the process exits, leaving a log as big as everything the
                // import wrote: the log is emptied here, while the pool still answers.
                if let Err(err) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                    .execute(pool)
                    .await
                {
                    tracing::warn!(%err, "could not empty the SQLite write-ahead log on close");
                }
                pool.close().await
            }
            Pool::Postgres(pool) => pool.close().await,
        }
    }

    /// The in-process content epoch: a number that moves on whenever anything is retired,
    /// here or (after [`Db::sync_epoch`] notices) in another process sharing the database.
    /// Caches of "whatever is current" use it; pages use [`Db::registry`] to learn whether
    /// what *they* show changed.
    pub fn epoch(&self) -> u64 {
        self.registry.now()
    }

    /// This process's retirement registry (see [`crate::retirements`]).
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Retires this process's cached pages without writing to the database: for
    /// process-local state that pages show but the database does not hold, such as the
    /// search index that picks related articles.
    pub fn bump_epoch_local(&self) {
        self.registry.retire(&Retired::Everything, false);
    }

    /// Retires what shows `what` in this process only, and tells no HTTP cache: for
    /// process-local state such as this node's search index.
    pub fn retire_local(&self, what: &Retired) {
        self.registry.retire(what, false);
    }

    /// The shared content counter as stored in the database.
    pub async fn stored_version(&self) -> Result<i64> {
        let value: Option<(String,)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT value FROM site_settings WHERE key = 'content_version'"
        )
        .fetch_optional(pool)
        .await)?;
        Ok(value.and_then(|(v,)| v.parse().ok()).unwrap_or(0))
    }

    /// Applies, to this process's registry, what other processes retired since the shared
    /// counter stood at `last_seen`; returns the stored version to pass next time.
    ///
    /// Each committed retirement is one row of `cache_retirements` under the version it
    /// moved the counter to. Writers take the counter's row lock before they log, so
    /// versions commit in order on PostgreSQL too, and a run of rows without a hole is the
    /// whole story. A hole (a pruned log after a long pause, a restore, a version bumped by
    /// older code) or a counter that went backwards retires everything: never too little.
    pub async fn sync_epoch(&self, last_seen: i64) -> Result<i64> {
        let now = self.stored_version().await?;
        if now == last_seen {
            return Ok(now);
        }
        if now < last_seen || now - last_seen > SYNC_MAX_ROWS {
            self.registry.retire(&Retired::Everything, false);
            return Ok(now);
        }
        let rows: Vec<(i64, String)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT version, keys FROM cache_retirements \
             WHERE version > $1 AND version <= $2 ORDER BY version"
        )
        .bind(last_seen)
        .bind(now)
        .fetch_all(pool)
        .await)?;
        let complete = rows.len() as i64 == now - last_seen
            && rows
                .iter()
                .zip(last_seen + 1..)
                .all(|((version, _), expected)| *version == expected);
        let mut own = self
            .own_versions
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if !complete {
            self.registry.retire(&Retired::Everything, false);
        } else {
            for (version, keys) in &rows {
                if !own.contains(version) {
                    self.registry.retire(&Retired::from_log(keys), false);
                }
            }
        }
        // Everything up to `now` is applied; this process's own versions below it are
        // no longer needed to tell them apart.
        *own = own.split_off(&(now + 1));
        Ok(now)
    }
}
