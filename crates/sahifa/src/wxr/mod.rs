//! `sahifa import-wxr FILE` and `sahifa export-wxr FILE`: moving a WordPress site over,
//! and taking the site away again.
//!
//! The import reads the file twice. The first pass checks all of it (a malformed file, a
//! DOCTYPE, a missing `wp:wxr_version` stop the command with the line and column, before
//! anything is written) and gathers authors, terms and attachments. Then the uploads
//! (`--uploads`) go through the media library's checks into the media store, and the
//! second pass writes everything in one transaction: on any failure nothing is stored and
//! the files just written are removed. Memory stays flat whatever the file's size: the
//! reader holds one item at a time, and only ids, slugs and URLs are kept across items.

mod export;
mod load;
mod media;
mod prepare;
mod report;
mod survey;
mod wp;

use std::fs::File;
use std::io::BufReader;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use sahifa_newsroom::Newsroom;

pub use export::{ExportArgs, run_export};
pub use report::Report;

use crate::global::{Global, open_database};

/// Options of `sahifa import-wxr`.
#[derive(Debug, Args, Clone)]
pub struct ImportArgs {
    /// The WordPress export (Tools → Export → All content).
    pub file: PathBuf,
    /// A copy of the old site's `wp-content/uploads`: the files attachments and bodies
    /// reference are taken into the media library and every reference is rewritten.
    /// Without it, references keep pointing at the old host.
    #[arg(long, value_name = "DIR")]
    pub uploads: Option<PathBuf>,
    /// The old site's address, when it differs from the file's `wp:base_blog_url`.
    #[arg(long, value_name = "URL")]
    pub old_base_url: Option<String>,
    /// Read and check everything and print the report; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Where media files go (as for `serve`).
    #[command(flatten)]
    pub media: crate::media_store::MediaStoreArgs,
}

fn open(path: &PathBuf) -> anyhow::Result<BufReader<File>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    Ok(BufReader::with_capacity(256 * 1024, file))
}

fn bar(total: u64, what: &'static str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template(&format!(
            "{what} [{{bar:40}}] {{bytes}}/{{total_bytes}} {{msg}} ({{eta}} left)"
        ))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar
}

/// `sahifa import-wxr FILE`: prints the report; fails (storing nothing) on a bad file.
pub async fn run_import(global: &Global, args: ImportArgs) -> anyhow::Result<()> {
    let report = import(global, &args).await?;
    println!("{}", report.render(args.dry_run).trim_end());
    Ok(())
}

/// Validates an `--old-base-url`.
fn old_base(args: &ImportArgs, survey: &survey::Survey) -> anyhow::Result<String> {
    match &args.old_base_url {
        Some(url) => {
            let parsed = url::Url::parse(url.trim()).with_context(|| {
                format!("--old-base-url {url:?} is not an address like https://example.com/")
            })?;
            if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
                anyhow::bail!(
                    "--old-base-url {url:?} is not an http(s) address like https://example.com/"
                );
            }
            Ok(wp::with_slash(parsed.as_str()))
        }
        None => Ok(wp::base_url(&survey.channel)),
    }
}

/// The import itself; returns its report.
pub async fn import(global: &Global, args: &ImportArgs) -> anyhow::Result<Report> {
    let size = std::fs::metadata(&args.file)
        .with_context(|| format!("cannot open {}", args.file.display()))?
        .len();
    if let Some(dir) = &args.uploads
        && !dir.is_dir()
    {
        anyhow::bail!("--uploads {} is not a folder", dir.display());
    }
    let mut report = Report::default();
    let checking = bar(size, "checking ");
    let override_base = args
        .old_base_url
        .as_deref()
        .map(|u| wp::with_slash(u.trim()));
    let survey = survey::survey(
        open(&args.file)?,
        override_base.as_deref(),
        args.uploads.is_some(),
        &mut report,
        |bytes| checking.set_position(bytes),
    )
    .map_err(|err| anyhow::anyhow!("{}: {err}; nothing was imported", args.file.display()))?;
    checking.finish_and_clear();
    for w in &survey.warnings {
        report.warn(w.clone());
    }
    let base = old_base(args, &survey)?;
    let db = open_database(global).await?;
    let newsroom = Newsroom::new(db.clone());
    let mut session = newsroom.begin_import(&base).await?;
    let store = if args.dry_run || args.uploads.is_none() {
        None
    } else {
        Some(crate::media_store::open(&global.data_dir, &args.media, &db).await?)
    };
    let media = media::bring_over(
        &mut session,
        store.as_ref(),
        args.uploads.as_deref(),
        &survey,
        &base,
        &mut report,
    )
    .await;
    let media = match media {
        Ok(media) => media,
        Err(err) => {
            let _ = session.abandon().await;
            return Err(err);
        }
    };
    let cx = load::Context {
        survey: &survey,
        base: base.clone(),
        uploads: std::sync::Arc::new(media.uploads.clone()),
        attachments: std::sync::Arc::new(media.attachments.clone()),
        now: chrono::Utc::now(),
    };
    let importing = bar(size, "importing");
    let written: anyhow::Result<()> = async {
        let ids = load::write_terms(&mut session, &cx, &mut report).await?;
        load::write_items(
            &mut session,
            &cx,
            open(&args.file)?,
            ids,
            &mut report,
            |bytes, items| {
                importing.set_position(bytes);
                if items % 64 == 0 {
                    importing.set_message(format!("{items} items"));
                }
            },
        )
        .await
    }
    .await;
    importing.finish_and_clear();
    let outcome = match written {
        Ok(()) if args.dry_run => session.abandon().await.map_err(anyhow::Error::from),
        Ok(()) => session
            .finish(&summary(&report))
            .await
            .map_err(anyhow::Error::from),
        Err(err) => {
            let _ = session.abandon().await;
            Err(err)
        }
    };
    if let Err(err) = outcome {
        if let Some(store) = &store {
            media.discard(store).await;
        }
        db.close().await;
        return Err(err.context(format!(
            "the import of {} failed; nothing was stored",
            args.file.display()
        )));
    }
    db.close().await;
    Ok(report)
}

/// The audit entry's words.
fn summary(report: &Report) -> String {
    report::KINDS
        .iter()
        .map(|kind| {
            let [created, updated, _] = report.of(kind);
            format!("{kind}: {created} new, {updated} updated")
        })
        .collect::<Vec<_>>()
        .join("; ")
}
