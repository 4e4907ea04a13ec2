//! `sahifa backup FILE` and `sahifa restore FILE`.
//!
//! On SQLite, a backup is `VACUUM INTO`: consistent (one snapshot) and safe while the
//! server runs. A restore is not: a running server keeps the old file open and would go
//! on writing into it (or into the write-ahead log of the new one), so it refuses while
//! a server holds the data dir's search index, which every `sahifa serve` does. It never
//! deletes anything: the current database is moved aside under a dated name first. The
//! search index is a cache of the database; restore removes it and the next start
//! rebuilds it from the restored content.
//!
//! On PostgreSQL the server's own tools do both better than a copy through this binary
//! could (custom format, parallel restore, matching the server version): the commands
//! print how to run `pg_dump`/`pg_restore` against the configured database and exit
//! non-zero, so a script never mistakes the guidance for a backup made.

use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow, bail};
use clap::Args;
use sahifa_store::Db;
use sahifa_web::media_store::MediaStoreSpec;

use crate::global::{Global, database_url};
use crate::media_store::MediaStoreArgs;

/// Options of `sahifa backup`.
#[derive(Debug, Args, Clone)]
pub struct BackupArgs {
    /// Where to write the copy (a new SQLite file).
    pub file: PathBuf,
    /// Replace FILE when it exists.
    #[arg(long)]
    pub force: bool,
    /// Where media are kept (said in the output: what this backup holds and what not).
    #[command(flatten)]
    pub media: MediaStoreArgs,
}

/// Options of `sahifa restore`.
#[derive(Debug, Args, Clone)]
pub struct RestoreArgs {
    /// A file written by `sahifa backup`.
    pub file: PathBuf,
    /// Where media are kept (said in the output: what the restore brings back and what not).
    #[command(flatten)]
    pub media: MediaStoreArgs,
}

/// Where a configured database lives.
enum Target {
    Sqlite(PathBuf),
    Postgres(String),
}

fn target(global: &Global) -> anyhow::Result<Target> {
    let url = database_url(global);
    if let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        let path = rest.split('?').next().unwrap_or(rest);
        if path.is_empty() || path == ":memory:" {
            bail!("the database {url} is not a file");
        }
        Ok(Target::Sqlite(PathBuf::from(path)))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Target::Postgres(url))
    } else {
        bail!("unsupported database URL scheme in {url:?}: use sqlite://PATH or postgres://...")
    }
}

/// `sahifa backup FILE`.
pub async fn backup(global: &Global, args: BackupArgs) -> anyhow::Result<()> {
    let database = match target(global)? {
        Target::Sqlite(path) => path,
        Target::Postgres(url) => {
            return postgres_guidance(&url, &args.file, Direction::Backup, &args.media);
        }
    };
    if args.media.media_store == MediaStoreSpec::Postgres {
        bail!(
            "--media-store postgres needs a PostgreSQL database; this one is SQLite ({})",
            database.display()
        );
    }
    if !database.exists() {
        bail!("there is no database at {}", database.display());
    }
    if args.file.exists() && !args.force {
        bail!(
            "{} already exists: choose another name or pass --force to replace it",
            args.file.display()
        );
    }
    // Written beside the target, then renamed over it: an existing backup is replaced
    // only by a complete one.
    let partial = sibling(&args.file, "partial")?;
    let _ = std::fs::remove_file(&partial);
    let db = Db::connect(&format!("sqlite://{}", database.display()))
        .await
        .with_context(|| format!("cannot open the database at {}", database.display()))?;
    let copied = db.vacuum_into(&partial).await;
    db.close().await;
    if let Err(err) = copied {
        let _ = std::fs::remove_file(&partial);
        return Err(anyhow!(err).context(format!("cannot write {}", args.file.display())));
    }
    std::fs::rename(&partial, &args.file)
        .with_context(|| format!("cannot write {}", args.file.display()))?;
    let bytes = std::fs::metadata(&args.file).map(|m| m.len()).unwrap_or(0);
    println!("backup written: {} ({bytes} bytes)", args.file.display());
    println!("{}", media_note(global, &args.media, Direction::Backup));
    Ok(())
}

/// `sahifa restore FILE`.
pub async fn restore(global: &Global, args: RestoreArgs) -> anyhow::Result<()> {
    let database = match target(global)? {
        Target::Sqlite(path) => path,
        Target::Postgres(url) => {
            return postgres_guidance(&url, &args.file, Direction::Restore, &args.media);
        }
    };
    let info = sahifa_store::backup::inspect_sqlite_backup(&args.file)
        .await
        .map_err(|e| anyhow!("{} is not a usable Sahifa backup: {e}", args.file.display()))?;
    refuse_while_serving(&global.data_dir)?;

    // Staged next to the database first, so the swap below is two renames on one file
    // system and an interrupted copy never leaves a half file under the database's name.
    let staged = sibling(&database, "restoring")?;
    std::fs::copy(&args.file, &staged)
        .with_context(|| format!("cannot copy {} beside the database", args.file.display()))?;

    let kept = if database.exists() {
        // Changes still in the write-ahead log belong in the file that is kept.
        let db = Db::connect(&format!("sqlite://{}", database.display()))
            .await
            .with_context(|| format!("cannot open the database at {}", database.display()))?;
        let checkpointed = db.checkpoint().await;
        db.close().await;
        checkpointed.context("cannot checkpoint the current database")?;
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let kept = sibling(&database, &format!("before-restore-{stamp}"))?;
        std::fs::rename(&database, &kept)
            .with_context(|| format!("cannot move {} aside", database.display()))?;
        for suffix in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{suffix}", database.display()));
            if side.exists() {
                let _ = std::fs::rename(&side, format!("{}{suffix}", kept.display()));
            }
        }
        Some(kept)
    } else {
        None
    };
    std::fs::rename(&staged, &database)
        .with_context(|| format!("cannot put the backup in place at {}", database.display()))?;

    let index = sahifa_search::index_dir(&global.data_dir);
    if index.exists() {
        std::fs::remove_dir_all(&index).with_context(|| {
            format!("cannot remove the old search index in {}", index.display())
        })?;
    }
    println!(
        "restored {} ({} articles, migration {}) to {}",
        args.file.display(),
        info.articles,
        info.migration,
        database.display()
    );
    if let Some(kept) = kept {
        println!("the previous database was kept as {}", kept.display());
    }
    println!("the search index is rebuilt when the server next starts");
    println!("{}", media_note(global, &args.media, Direction::Restore));
    Ok(())
}

/// Every `sahifa serve` holds the writer lock of its data dir's search index.
fn refuse_while_serving(data_dir: &Path) -> anyhow::Result<()> {
    let dir = sahifa_search::index_dir(data_dir);
    if !dir.exists() {
        return Ok(());
    }
    match sahifa_search::SearchIndex::open(&dir, sahifa_search::IndexOptions::server()) {
        Err(sahifa_search::SearchError::Locked(_)) => bail!(
            "a server is using the data dir {}: stop it before restoring",
            data_dir.display()
        ),
        // Unreadable or not: it is removed after the swap either way.
        _ => Ok(()),
    }
}

fn sibling(path: &Path, suffix: &str) -> anyhow::Result<PathBuf> {
    let name = path
        .file_name()
        .ok_or_else(|| anyhow!("{} is not a file name", path.display()))?;
    let mut name = name.to_os_string();
    name.push(format!(".{suffix}"));
    Ok(path.with_file_name(name))
}

#[derive(Clone, Copy)]
enum Direction {
    Backup,
    Restore,
}

/// Prints the `pg_dump`/`pg_restore` commands for the configured database; always an
/// error, so nothing mistakes the guidance for a finished backup or restore.
fn postgres_guidance(
    url: &str,
    file: &Path,
    direction: Direction,
    media: &MediaStoreArgs,
) -> anyhow::Result<()> {
    let shown = hide_password(url);
    let name = url
        .rsplit('/')
        .next()
        .map(|n| n.split('?').next().unwrap_or(n))
        .filter(|n| !n.is_empty() && !n.contains('@'))
        .unwrap_or("sahifa");
    let file = file.display();
    match direction {
        Direction::Backup => eprintln!(
            "The database is PostgreSQL ({name}): back it up with the server's own tool, e.g.\n  \
             pg_dump --format=custom --file={file} '{shown}'\n\
             (the password, if any, from PGPASSWORD or ~/.pgpass).\n{}",
            media_note_pg(media, direction)
        ),
        Direction::Restore => eprintln!(
            "The database is PostgreSQL ({name}): stop the server, then restore with\n  \
             pg_restore --clean --if-exists --no-owner --dbname='{shown}' {file}\n\
             and start the server (it rebuilds its search index).\n{}",
            media_note_pg(media, direction)
        ),
    }
    bail!("sahifa does not copy PostgreSQL databases itself; use pg_dump/pg_restore as shown above")
}

/// What a SQLite backup or restore does about media: never copied by this command, so
/// the output says where they are and what to do, rather than implying they were saved.
fn media_note(global: &Global, media: &MediaStoreArgs, direction: Direction) -> String {
    match (&media.media_store, direction) {
        (MediaStoreSpec::S3 { .. }, Direction::Backup) => format!(
            "media are NOT in this backup: they are in {}; back the bucket up with the \
             object store's own tools (versioning, replication or a bucket copy)",
            s3_place(&media.media_store)
        ),
        (MediaStoreSpec::S3 { .. }, Direction::Restore) => format!(
            "media were not touched: they stay in {}, as the bucket's own backup left them",
            s3_place(&media.media_store)
        ),
        (_, Direction::Backup) => format!(
            "media are NOT in this backup: copy the folder {} too (e.g. rsync -a)",
            global.data_dir.join("media").display()
        ),
        (_, Direction::Restore) => format!(
            "media were not touched: restore the folder {} from the copy made with the backup",
            global.data_dir.join("media").display()
        ),
    }
}

/// The same for a PostgreSQL database, whose dump holds `media_objects` with the rest.
fn media_note_pg(media: &MediaStoreArgs, direction: Direction) -> String {
    match (&media.media_store, direction) {
        (MediaStoreSpec::Postgres, Direction::Backup) => {
            "Media are in the database (table media_objects): the dump includes them.".to_string()
        }
        (MediaStoreSpec::Postgres, Direction::Restore) => {
            "Media are in the database (table media_objects): the restore brings them back."
                .to_string()
        }
        (MediaStoreSpec::S3 { .. }, Direction::Backup) => format!(
            "Media are NOT in the dump: they are in {}; back the bucket up with the object \
             store's own tools.",
            s3_place(&media.media_store)
        ),
        (MediaStoreSpec::S3 { .. }, Direction::Restore) => format!(
            "Media are not in the dump: they stay in {}.",
            s3_place(&media.media_store)
        ),
        (MediaStoreSpec::Local, Direction::Backup) => {
            "Media are NOT in the dump: copy the data dir's media/ folder too.".to_string()
        }
        (MediaStoreSpec::Local, Direction::Restore) => {
            "Media are not in the dump: restore the data dir's media/ folder from its copy."
                .to_string()
        }
    }
}

/// `the S3 bucket NAME (prefix P)`, from the configuration alone (no network).
fn s3_place(spec: &MediaStoreSpec) -> String {
    match spec {
        MediaStoreSpec::S3 { bucket, prefix } if !prefix.is_empty() => {
            format!("the S3 bucket {bucket} (prefix {})", prefix.join("/"))
        }
        MediaStoreSpec::S3 { bucket, .. } => format!("the S3 bucket {bucket}"),
        _ => String::new(),
    }
}

/// The URL as it may be printed: a password becomes `***` (PGPASSWORD supplies it).
fn hide_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            match url[scheme_end + 3..at].split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}
