//! One database transaction, whichever backend: the unit of work of a use case.
//!
//! Repository functions that write take `&mut Tx`, so a use case can run a row, its
//! revision, its audit entry, its outbox job, an old slug and the content epoch as one
//! commit: either all of them are stored or none is.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::{Postgres, Sqlite, Transaction};

use crate::Result;

#[doc(hidden)]
pub enum TxInner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// An open transaction. Dropped without [`Tx::commit`], it rolls back.
pub struct Tx {
    inner: TxInner,
    epoch: Arc<AtomicU64>,
    touched: bool,
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

impl Tx {
    pub(crate) fn new(inner: TxInner, epoch: Arc<AtomicU64>) -> Tx {
        Tx {
            inner,
            epoch,
            touched: false,
        }
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

    /// Records, inside this transaction, that content changed: the shared counter other
    /// processes poll is bumped with the write, and this process's epoch right after the
    /// commit (never before it, so no page is rendered from a state that may roll back).
    pub async fn touch(&mut self) -> Result<()> {
        if self.touched {
            return Ok(());
        }
        with_tx!(self, |conn| {
            sqlx::query(
            "INSERT INTO site_settings (key, value) VALUES ('content_version', '1') \
             ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(site_settings.value AS BIGINT) + 1 AS TEXT)"
        )
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected())
        })?;
        self.touched = true;
        Ok(())
    }

    /// Makes every write of this transaction durable at once.
    pub async fn commit(self) -> Result<()> {
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await?,
            TxInner::Postgres(t) => t.commit().await?,
        }
        if self.touched {
            self.epoch.fetch_add(1, Ordering::AcqRel);
        }
        Ok(())
    }

    /// Discards every write of this transaction.
    pub async fn rollback(self) -> Result<()> {
        match self.inner {
            TxInner::Sqlite(t) => t.rollback().await?,
            TxInner::Postgres(t) => t.rollback().await?,
        }
        Ok(())
    }
}
