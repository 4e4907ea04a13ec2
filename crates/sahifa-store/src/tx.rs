//! One database transaction, whichever backend: the unit of work of a use case.
//!
//! Repository functions that write take `&mut Tx`, so a use case can run a row, its
//! revision, its audit entry, its outbox job, an old slug and what it retires from the
//! page caches (see [`crate::retirements`]) as one commit: either all of them are stored or
//! none is.
//!
//! A transaction owns its pooled connection and decides whether that connection may go
//! back to the pool. Only a connection whose transaction ended cleanly (committed, or
//! rolled back on request) is returned; one whose transaction failed to commit, was
//! abandoned (dropped by a use case that gave up, for a reason the transaction cannot
//! see), or met a storage fault is closed, and the pool opens a fresh one when needed.
//! After a `SQLITE_FULL` at `COMMIT`, SQLite has already rolled the transaction back; sqlx
//! 0.8 then counts the connection as still inside it (its `ROLLBACK` fails with «no
//! transaction is active», so the count never returns to zero), and a pooled connection
//! in that state refused every later `BEGIN` until a restart (issue 15, finding 2). A
//! connection whose `ROLLBACK` really fails keeps SQLite's write lock, and every other
//! writer waits out the busy timeout with «database is locked».

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, PoisonError};

use sqlx::pool::PoolConnection;
use sqlx::{Connection, Database, Postgres, Sqlite, TransactionManager};

use crate::Result;
use crate::health::WriteHealth;
use crate::retirements::{Dep, Pending, Registry, Retired};

/// Log rows kept for processes that poll late; one further behind retires everything.
const LOG_KEPT: i64 = 10_000;

#[doc(hidden)]
pub enum TxInner {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// An open transaction. Dropped without [`Tx::commit`], it rolls back.
pub struct Tx {
    inner: TxInner,
    registry: Arc<Registry>,
    own_versions: Arc<Mutex<BTreeSet<i64>>>,
    health: WriteHealth,
    pending: Pending,
    /// Still inside `BEGIN`: dropping now must not hand the connection back.
    open: bool,
    /// A probe's commit says nothing about real writes (see [`crate::health`]).
    probe: bool,
}

/// Runs `$body` with `$conn` bound to the backend connection inside `$tx`
/// (`&mut SqliteConnection` or `&mut PgConnection`); the body is compiled once per backend.
macro_rules! with_tx {
    ($tx:expr, |$conn:ident| $body:expr) => {
        match $tx.inner_mut() {
            crate::tx::TxInner::Sqlite(t) => {
                let $conn: &mut sqlx::SqliteConnection = &mut *t;
                $body
            }
            crate::tx::TxInner::Postgres(t) => {
                let $conn: &mut sqlx::PgConnection = &mut *t;
                $body
            }
        }
    };
}

type SqliteTm = <Sqlite as Database>::TransactionManager;
type PgTm = <Postgres as Database>::TransactionManager;

impl TxInner {
    async fn commit(&mut self) -> std::result::Result<(), sqlx::Error> {
        match self {
            TxInner::Sqlite(c) => SqliteTm::commit(c).await,
            TxInner::Postgres(c) => PgTm::commit(c).await,
        }
    }

    async fn rollback(&mut self) -> std::result::Result<(), sqlx::Error> {
        match self {
            TxInner::Sqlite(c) => SqliteTm::rollback(c).await,
            TxInner::Postgres(c) => PgTm::rollback(c).await,
        }
    }

    fn in_transaction(&self) -> bool {
        match self {
            TxInner::Sqlite(c) => c.is_in_transaction(),
            TxInner::Postgres(c) => c.is_in_transaction(),
        }
    }

    /// The pool closes this connection instead of reusing it.
    fn discard(&mut self) {
        match self {
            TxInner::Sqlite(c) => c.close_on_drop(),
            TxInner::Postgres(c) => c.close_on_drop(),
        }
    }
}

impl Tx {
    pub(crate) fn new(
        inner: TxInner,
        registry: Arc<Registry>,
        own_versions: Arc<Mutex<BTreeSet<i64>>>,
        health: WriteHealth,
    ) -> Tx {
        Tx {
            inner,
            registry,
            own_versions,
            health,
            pending: Pending::default(),
            open: true,
            probe: false,
        }
    }

    pub(crate) fn mark_probe(&mut self) {
        self.probe = true;
    }

    /// The engine this transaction runs on.
    pub fn backend(&self) -> crate::Backend {
        match self.inner {
            TxInner::Sqlite(_) => crate::Backend::Sqlite,
            TxInner::Postgres(_) => crate::Backend::Postgres,
        }
    }

    #[doc(hidden)]
    pub fn inner_mut(&mut self) -> &mut TxInner {
        &mut self.inner
    }

    /// Records that this transaction changes what pages showing `deps` show: when it
    /// commits, those pages are retired here, in every other process sharing the database,
    /// and in the HTTP caches in front (see [`crate::retirements`]).
    pub fn retire(&mut self, deps: impl IntoIterator<Item = Dep>) {
        self.pending.add(deps);
    }

    /// Records that this transaction may change anything a page shows: every cached page
    /// is retired when it commits. For writes rare enough that naming what they touch is
    /// not worth it (settings, a user's deletion).
    pub fn retire_everything(&mut self) {
        self.pending.everything();
    }

    /// Logs the pending retirement under the next version of the shared content counter,
    /// inside the transaction. The counter's row is locked by the increment until the
    /// commit, so writers log one at a time and versions commit in order, which lets
    /// readers of the log trust that a run of versions without a hole is complete.
    async fn log_retirement(&mut self, retired: &Retired) -> Result<i64> {
        let keys = retired.to_log();
        let at = chrono::Utc::now();
        with_tx!(self, |conn| {
            let (version,): (String,) = sqlx::query_as(
                "INSERT INTO site_settings (key, value) VALUES ('content_version', '1') \
                 ON CONFLICT (key) DO UPDATE \
                 SET value = CAST(CAST(site_settings.value AS BIGINT) + 1 AS TEXT) \
                 RETURNING value",
            )
            .fetch_one(&mut *conn)
            .await?;
            let version: i64 = version
                .parse()
                .map_err(|_| crate::StoreError::Invalid("content_version"))?;
            sqlx::query(
                "INSERT INTO cache_retirements (version, keys, created_at) VALUES ($1, $2, $3)",
            )
            .bind(version)
            .bind(&keys)
            .bind(at)
            .execute(&mut *conn)
            .await?;
            sqlx::query("DELETE FROM cache_retirements WHERE version <= $1")
                .bind(version - LOG_KEPT)
                .execute(&mut *conn)
                .await?;
            Ok::<i64, crate::StoreError>(version)
        })
    }

    /// Makes every write of this transaction durable at once. When the commit fails, the
    /// transaction is rolled back and its connection closed, whatever state the failure
    /// left it in.
    pub async fn commit(mut self) -> Result<()> {
        let retired = self.pending.take();
        let version = match &retired {
            Some(retired) => Some(self.log_retirement(retired).await?),
            None => None,
        };
        match self.inner.commit().await {
            Ok(()) => {
                self.open = false;
                if let (Some(retired), Some(version)) = (&retired, version) {
                    // Applied here at once (never before the commit, so no page is
                    // rendered from a state that may roll back); the poll of the log must
                    // not apply it a second time.
                    self.own_versions
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .insert(version);
                    self.registry.retire(retired, true);
                }
                if !self.probe {
                    self.health.write_succeeded();
                }
                Ok(())
            }
            Err(err) => {
                // A probe reports its own failure; remembering it would keep /healthz at
                // 503 on a quiet site long after the fault ended.
                if !self.probe && crate::health::is_storage_fault(&err) {
                    self.health.write_failed(&err);
                }
                // Best effort: the connection is closed below either way, and closing ends
                // any transaction the server still holds for it.
                let _ = self.inner.rollback().await;
                self.inner.discard();
                self.open = false;
                Err(err.into())
            }
        }
    }

    /// Discards every write of this transaction.
    pub async fn rollback(mut self) -> Result<()> {
        let result = self.inner.rollback().await;
        if result.is_err() || self.inner.in_transaction() {
            self.inner.discard();
        }
        self.open = false;
        Ok(result?)
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        if self.open {
            // Abandoned mid-transaction (a use case's error, a cancelled request): closing
            // the connection rolls back on the server, and the pool never sees a
            // connection in an unknown state.
            self.inner.discard();
        }
    }
}
