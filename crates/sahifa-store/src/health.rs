//! Whether writes work: a cheap write probe and the outcome of the last real write.
//!
//! `/healthz` needs both. The probe (one `UPDATE` of a one-row table, committed) catches a
//! read-only or failing disk whenever it is asked, even on a quiet site. It cannot always
//! catch a full disk: SQLite reuses the write-ahead log's space after a checkpoint, so a
//! one-row commit may still fit where an article does not. Hence the second signal: a
//! real write whose commit failed with a storage fault is remembered until a real write
//! commits again. (So a site that gets no write after its disk was freed stays at 503
//! until its next write: a false alarm that a monitor clears by posting anything, rather
//! than a full disk that looks healthy.)

use std::sync::{Arc, Mutex};

use crate::{Db, Result};

/// The last real write's storage fault, shared by all clones of a [`Db`].
#[derive(Clone, Debug, Default)]
pub(crate) struct WriteHealth(Arc<Mutex<Option<String>>>);

impl WriteHealth {
    pub(crate) fn write_succeeded(&self) {
        if let Ok(mut fault) = self.0.lock() {
            *fault = None;
        }
    }

    pub(crate) fn write_failed(&self, err: &sqlx::Error) {
        tracing::warn!(error = %err, "a write failed on a storage fault");
        if let Ok(mut fault) = self.0.lock() {
            *fault = Some(err.to_string());
        }
    }

    fn fault(&self) -> Option<String> {
        self.0.lock().ok().and_then(|f| f.clone())
    }
}

/// True for failures of the storage or the link to it, after which a connection is not
/// trusted again: I/O errors, and SQLite's full, read-only, I/O, cannot-open and corrupt
/// codes; PostgreSQL's connection-exception, shutdown and insufficient-resources classes.
pub(crate) fn is_storage_fault(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            let Some(code) = db.code() else { return false };
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // SQLite reports extended codes; the primary code is their low byte.
                const READONLY: i32 = 8;
                const IOERR: i32 = 10;
                const CORRUPT: i32 = 11;
                const FULL: i32 = 13;
                const CANTOPEN: i32 = 14;
                const NOTADB: i32 = 26;
                code.parse::<i32>().is_ok_and(|extended| {
                    matches!(
                        extended & 0xff,
                        READONLY | IOERR | CORRUPT | FULL | CANTOPEN | NOTADB
                    )
                })
            } else {
                // PostgreSQL SQLSTATE classes: 08 connection, 53 resources (53100 disk
                // full), 57P shutdown or crash, 58 system (I/O).
                code.starts_with("08")
                    || code.starts_with("53")
                    || code.starts_with("57P")
                    || code.starts_with("58")
            }
        }
        _ => false,
    }
}

/// What a write check found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteCheck {
    /// The probe committed and the last real write did not fail on a storage fault.
    Ok,
    /// The probe waited for other writers past its budget: writes are contended, which
    /// is not a fault (they are being made), so it counts as healthy.
    Busy,
    /// Writes fail: the probe's error, or the last real write's storage fault.
    Failing(String),
}

impl Db {
    /// Commits a one-row update: proves that this process can write right now.
    pub async fn write_probe(&self) -> Result<()> {
        let mut tx = self.begin().await?;
        tx.mark_probe();
        with_tx!(tx, |conn| sqlx::query(
            "UPDATE health_heartbeat SET beat = beat + 1 WHERE id = 1"
        )
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
        tx.commit().await
    }

    /// The storage fault of the last real write, while no real write has committed since.
    pub fn last_write_fault(&self) -> Option<String> {
        self.write_health().fault()
    }

    /// Runs [`Db::write_probe`] within `budget` and weighs it with the last real write.
    pub async fn check_writes(&self, budget: std::time::Duration) -> WriteCheck {
        let probe = tokio::time::timeout(budget, self.write_probe()).await;
        let verdict = match probe {
            Ok(Ok(())) => WriteCheck::Ok,
            Err(_) => WriteCheck::Busy,
            Ok(Err(crate::StoreError::Database(err))) if is_contention(&err) => WriteCheck::Busy,
            Ok(Err(err)) => WriteCheck::Failing(err.to_string()),
        };
        match (verdict, self.last_write_fault()) {
            (WriteCheck::Failing(why), _) => WriteCheck::Failing(why),
            (_, Some(fault)) => WriteCheck::Failing(fault),
            (verdict, None) => verdict,
        }
    }
}

/// Waiting for other writers (SQLite busy or locked, PostgreSQL lock timeouts, every
/// pooled connection in use), as opposed to failing.
fn is_contention(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(db) => {
            let Some(code) = db.code() else { return false };
            if db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                const BUSY: i32 = 5;
                const LOCKED: i32 = 6;
                code.parse::<i32>()
                    .is_ok_and(|c| matches!(c & 0xff, BUSY | LOCKED))
            } else {
                matches!(code.as_ref(), "55P03" | "40001" | "40P01")
            }
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_probe_writes_and_a_closed_pool_fails_it() {
        let dir = tempfile::tempdir().expect("tmp");
        let db = Db::connect(&format!("sqlite://{}", dir.path().join("h.db").display()))
            .await
            .expect("connect");
        db.migrate().await.expect("migrate");
        assert_eq!(
            db.check_writes(std::time::Duration::from_secs(5)).await,
            WriteCheck::Ok
        );
        db.close().await;
        assert!(matches!(
            db.check_writes(std::time::Duration::from_secs(5)).await,
            WriteCheck::Failing(_)
        ));
    }

    #[tokio::test]
    async fn a_failed_real_write_is_remembered_until_one_succeeds() {
        let dir = tempfile::tempdir().expect("tmp");
        let db = Db::connect(&format!("sqlite://{}", dir.path().join("h.db").display()))
            .await
            .expect("connect");
        db.migrate().await.expect("migrate");
        db.write_health()
            .write_failed(&sqlx::Error::Io(std::io::Error::other("disk full")));
        assert!(
            matches!(
                db.check_writes(std::time::Duration::from_secs(5)).await,
                WriteCheck::Failing(_)
            ),
            "a probe alone does not clear it"
        );
        let mut tx = db.begin().await.expect("begin");
        tx.retire_everything();
        tx.commit().await.expect("commit");
        assert_eq!(
            db.check_writes(std::time::Duration::from_secs(5)).await,
            WriteCheck::Ok
        );
    }
}
