//! Whole-database copies of a SQLite database: an online backup and the checks a restore
//! makes before it puts a file in place. (PostgreSQL has `pg_dump`/`pg_restore`.)

use std::path::Path;

use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

use crate::db::Pool;
use crate::{Db, Result, StoreError};

/// Tables every Sahifa database has since its first migration.
const SAHIFA_TABLES: [&str; 4] = ["_sqlx_migrations", "articles", "users", "site_settings"];

impl Db {
    /// Writes a consistent copy of the whole SQLite database to `target` (which must not
    /// exist) while other connections keep reading and writing: `VACUUM INTO` reads one
    /// snapshot, so the copy is the state of one instant.
    pub async fn vacuum_into(&self, target: &Path) -> Result<()> {
        let Pool::Sqlite(pool) = self.pool() else {
            return Err(StoreError::Invalid("backend for VACUUM INTO"));
        };
        let target = target
            .to_str()
            .ok_or(StoreError::Invalid("backup path (not UTF-8)"))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// Moves every change still in the write-ahead log into the database file and empties
    /// the log, so the main file alone holds everything (before it is moved aside).
    pub async fn checkpoint(&self) -> Result<()> {
        if let Pool::Sqlite(pool) = self.pool() {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(pool)
                .await?;
        }
        Ok(())
    }
}

/// What a candidate restore file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqliteBackupInfo {
    /// Highest applied migration.
    pub migration: i64,
    /// Articles in it (shown to the operator before the swap).
    pub articles: i64,
}

/// Opens `path` read-only and checks that it is an intact Sahifa SQLite database: it
/// passes `PRAGMA quick_check` and has Sahifa's tables and migration history.
pub async fn inspect_sqlite_backup(path: &Path) -> Result<SqliteBackupInfo> {
    // Immutable: nothing (no write-ahead log, no lock) is created beside a file that may
    // sit on read-only backup media.
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .immutable(true);
    let mut conn = SqliteConnection::connect_with(&options).await?;
    let result = inspect(&mut conn).await;
    let _ = conn.close().await;
    result
}

async fn inspect(conn: &mut SqliteConnection) -> Result<SqliteBackupInfo> {
    // A file that is not SQLite at all fails here with "file is not a database".
    let (check,): (String,) = sqlx::query_as("PRAGMA quick_check")
        .fetch_one(&mut *conn)
        .await?;
    if check != "ok" {
        return Err(StoreError::Invalid(
            "database file (integrity check failed)",
        ));
    }
    for table in SAHIFA_TABLES {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = $1")
                .bind(table)
                .fetch_one(&mut *conn)
                .await?;
        if n == 0 {
            return Err(StoreError::Invalid("database file (not a Sahifa database)"));
        }
    }
    let (migration,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut *conn)
            .await?;
    let (articles,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM articles")
        .fetch_one(&mut *conn)
        .await?;
    Ok(SqliteBackupInfo {
        migration,
        articles,
    })
}
