//! What every subcommand shares: the global options and opening the database they name.

use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::Args;
use sahifa_store::Db;

/// Options every subcommand accepts.
#[derive(Debug, Args, Clone)]
pub struct Global {
    /// Folder for the database file, media and the search index.
    #[arg(
        long,
        env = "SAHIFA_DATA_DIR",
        default_value = "./sahifa-data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// `sqlite://PATH` or `postgres://USER@HOST/DB`; default: a SQLite file in the data dir.
    #[arg(long, env = "SAHIFA_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
}

/// Creates the data dir, connects and migrates: what every subcommand needs first.
pub async fn open_database(global: &Global) -> anyhow::Result<Db> {
    ensure_data_dir(&global.data_dir)?;
    let url = database_url(global);
    let shown = redact(&url);
    let db = Db::connect(&url)
        .await
        .with_context(|| format!("cannot open the database at {shown}"))?;
    db.migrate()
        .await
        .with_context(|| format!("cannot migrate the database at {shown}"))?;
    Ok(db)
}

/// The database URL, defaulting to `sahifa.db` in the data dir.
pub fn database_url(global: &Global) -> String {
    match &global.database_url {
        Some(url) if !url.trim().is_empty() => url.trim().to_string(),
        _ => format!("sqlite://{}", global.data_dir.join("sahifa.db").display()),
    }
}

fn ensure_data_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    // create_dir_all succeeds on an existing read-only folder; prove we can write.
    let probe = dir.join(".sahifa-write-test");
    std::fs::write(&probe, b"ok")
        .with_context(|| format!("the data directory {} is not writable", dir.display()))?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Hides a password in a database URL before it is printed.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite://x.db"), "sqlite://x.db");
    }
}
