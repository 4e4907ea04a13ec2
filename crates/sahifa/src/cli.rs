//! Command-line interface. Every flag is also an environment variable (`SAHIFA_*`).

use clap::{Parser, Subcommand};

use crate::global::{Global, open_database};
use crate::serve::ServeArgs;

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

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server.
    Serve(Box<ServeArgs>),
    /// Apply database migrations and exit.
    Migrate,
    /// Rebuild the search index from the database, with a progress bar (stop a server
    /// using the same data dir first).
    Reindex,
    /// Import articles from a JSON Lines file (one JSON object per line).
    ImportJsonl(crate::import_jsonl::ImportArgs),
    /// Import a WordPress export (Tools → Export → All content): articles, pages,
    /// categories, tags, authors, comments and media, every old URL kept answering. All or
    /// nothing; importing the same site again updates what changed.
    ImportWxr(crate::wxr::ImportArgs),
    /// Write the whole site as a WordPress export (WXR 1.2) that WordPress's importer reads.
    ExportWxr(crate::wxr::ExportArgs),
    /// Manage newsroom accounts.
    #[command(subcommand)]
    User(crate::accounts::UserCommand),
    /// Manage personal API tokens.
    #[command(subcommand)]
    Token(crate::accounts::TokenCommand),
    /// Write a consistent copy of the SQLite database to FILE, safe while the server runs
    /// (on PostgreSQL: prints the pg_dump command).
    Backup(crate::backup::BackupArgs),
    /// Replace the SQLite database with a backup, keeping the current one beside it (stop
    /// the server first; on PostgreSQL: prints the pg_restore command).
    Restore(crate::backup::RestoreArgs),
}

/// Runs the chosen subcommand.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => crate::serve::run(&cli.global, *args).await,
        Command::Reindex => crate::search::reindex(&cli.global).await,
        Command::ImportJsonl(args) => crate::import_jsonl::run(&cli.global, args).await,
        Command::ImportWxr(args) => crate::wxr::run_import(&cli.global, args).await,
        Command::ExportWxr(args) => crate::wxr::run_export(&cli.global, args).await,
        Command::User(command) => crate::accounts::run_user(&cli.global, command).await,
        Command::Token(command) => crate::accounts::run_token(&cli.global, command).await,
        Command::Backup(args) => crate::backup::backup(&cli.global, args).await,
        Command::Restore(args) => crate::backup::restore(&cli.global, args).await,
        Command::Migrate => {
            let db = open_database(&cli.global).await?;
            db.close().await;
            println!("migrations applied");
            Ok(())
        }
    }
}
