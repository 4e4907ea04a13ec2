//! Command-line interface. Every flag is also an environment variable (`SAHIFA_*`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use sahifa_store::Db;

/// Sahifa, an Arabic-first news publishing platform.
#[derive(Debug, Parser)]
#[command(name = "sahifa", version, about)]
pub struct Cli {
    /// Global options.
    #[command(flatten)]
    pub global: Global,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

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

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server.
    Serve(ServeArgs),
    /// Apply database migrations and exit.
    Migrate,
    /// Rebuild the search index from the database, with a progress bar (stop a server
    /// using the same data dir first).
    Reindex,
    /// Import articles from a JSON Lines file (one JSON object per line).
    ImportJsonl(crate::import_jsonl::ImportArgs),
    /// Manage newsroom accounts.
    #[command(subcommand)]
    User(crate::accounts::UserCommand),
    /// Manage personal API tokens.
    #[command(subcommand)]
    Token(crate::accounts::TokenCommand),
}

/// Options of `sahifa serve`.
#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SAHIFA_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// On an empty database, load the demo site (a second start adds nothing).
    #[arg(long, env = "SAHIFA_DEMO")]
    pub demo: bool,
    /// Folder whose templates/ and static/ files override the embedded default theme.
    #[arg(long, env = "SAHIFA_THEME_DIR")]
    pub theme_dir: Option<PathBuf>,
    /// Public origin readers use (for share links and canonical URLs), e.g.
    /// `https://news.example`; default: `http://ADDR`.
    #[arg(long, env = "SAHIFA_BASE_URL")]
    pub base_url: Option<String>,
    /// Telegram worker timing.
    #[command(flatten)]
    pub telegram: TelegramTuning,
}

/// Timing of the Telegram delivery worker. The defaults suit production; tests shorten
/// them so retries and lease expiry take seconds. (The bot token, channel and API base
/// are read by the worker itself from `SAHIFA_TELEGRAM_*`, see README.)
#[derive(Debug, Args, Clone)]
pub struct TelegramTuning {
    /// How often the worker looks for due deliveries, in milliseconds.
    #[arg(
        long,
        env = "SAHIFA_TELEGRAM_POLL_MS",
        default_value_t = 2000,
        hide = true
    )]
    pub telegram_poll_ms: u64,
    /// First retry delay in milliseconds (doubles per failed attempt).
    #[arg(
        long,
        env = "SAHIFA_TELEGRAM_RETRY_BASE_MS",
        default_value_t = 5000,
        hide = true
    )]
    pub telegram_retry_base_ms: u64,
    /// How long a claimed delivery stays with its worker, in seconds.
    #[arg(
        long,
        env = "SAHIFA_TELEGRAM_LEASE_SECS",
        default_value_t = 120,
        hide = true
    )]
    pub telegram_lease_secs: u64,
}

/// Runs the chosen subcommand.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => crate::serve::run(&cli.global, args).await,
        Command::Reindex => crate::search::reindex(&cli.global).await,
        Command::ImportJsonl(args) => crate::import_jsonl::run(&cli.global, args).await,
        Command::User(command) => crate::accounts::run_user(&cli.global, command).await,
        Command::Token(command) => crate::accounts::run_token(&cli.global, command).await,
        Command::Migrate => {
            let db = open_database(&cli.global).await?;
            db.close().await;
            println!("migrations applied");
            Ok(())
        }
    }
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

/// Parses `--addr`.
pub fn parse_addr(addr: &str) -> anyhow::Result<SocketAddr> {
    addr.parse().with_context(|| {
        format!("invalid --addr {addr:?}: expected HOST:PORT such as 127.0.0.1:8080")
    })
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
