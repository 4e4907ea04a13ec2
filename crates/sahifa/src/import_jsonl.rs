//! `sahifa import-jsonl FILE`: loads articles from JSON Lines, one object per line:
//!
//! ```json
//! {"title": "…", "lead": "…", "body": "Markdown…", "category": "اقتصاد", "tags": ["نفط"],
//!  "author": "…", "published_at": "2026-11-30T08:00:00Z", "dateline": "…", "source": "…"}
//! ```
//!
//! Only `title` is required. Category, tags and author are given by name and created when
//! missing. An article with `published_at` (RFC 3339, or a `YYYY-MM-DD` date read as
//! midnight UTC) is published at that time; one without is stored as a draft.
//!
//! **Bad lines do not stop the run.** Every line is parsed and checked completely before
//! anything is written for it (JSON shape, field types, a title, a date that parses, names
//! that make valid slugs), so a rejected line stores nothing; it is reported as
//! `line N: reason` and the import goes on with the next line. The command exits with
//! status 1 when any line was rejected, so scripts notice. Continuing was chosen over
//! aborting because a long wire-archive export with one broken line should not have to be
//! re-run from the start; re-running does not deduplicate (a second import creates second
//! copies under `-2` slugs), so fix and import only the rejected lines.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;

use anyhow::Context;
use chrono::{DateTime, NaiveDate, Utc};
use clap::Args;
use serde::Deserialize;

use sahifa_newsroom::taxonomy::{AuthorDraft, CategoryDraft};
use sahifa_newsroom::{Actor, Newsroom};
use sahifa_store::{ArticleInput, ArticleStatus, Db};

use crate::global::{Global, open_database};

/// Options of `sahifa import-jsonl`.
#[derive(Debug, Args, Clone)]
pub struct ImportArgs {
    /// The JSON Lines file (`-` reads standard input).
    pub file: PathBuf,
    /// The account (email) that owns the imported articles whose byline belongs to no
    /// account; without it such articles have no owner.
    #[arg(long, value_name = "EMAIL")]
    pub owner: Option<String>,
}

/// One line as written by the exporter.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    title: String,
    #[serde(default)]
    lead: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    author: Option<String>,
    #[serde(default)]
    published_at: Option<String>,
    #[serde(default)]
    dateline: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    slug: Option<String>,
}

/// A line that passed every check, ready to write.
#[derive(Debug)]
struct Checked {
    input: ArticleInput,
    category: Option<String>,
    author: Option<String>,
}

fn non_empty(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn parse_time(raw: &str) -> Result<DateTime<Utc>, String> {
    let ascii = sahifa_text::digits::to_ascii_digits(raw.trim());
    if let Ok(t) = DateTime::parse_from_rfc3339(&ascii) {
        return Ok(t.with_timezone(&Utc));
    }
    if let Ok(d) = NaiveDate::parse_from_str(&ascii, "%Y-%m-%d")
        && let Some(t) = d.and_hms_opt(0, 0, 0)
    {
        return Ok(t.and_utc());
    }
    Err(format!(
        "published_at {raw:?} is not an RFC 3339 time (2026-11-30T08:00:00Z) or a date (2026-11-30)"
    ))
}

fn needs_slug(what: &str, name: &str) -> Result<(), String> {
    if sahifa_text::slug::slugify(name).is_empty() {
        Err(format!(
            "{what} {name:?} has no letters or digits to make a link from"
        ))
    } else {
        Ok(())
    }
}

/// Parses and validates one line without touching the database.
fn check(text: &str) -> Result<Checked, String> {
    let line: Line = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let title = line.title.trim().to_string();
    if title.is_empty() {
        return Err("title is empty".to_string());
    }
    let slug = non_empty(line.slug);
    needs_slug("title", slug.as_deref().unwrap_or(&title))?;
    let category = non_empty(line.category);
    if let Some(c) = &category {
        needs_slug("category", c)?;
    }
    let author = non_empty(line.author);
    if let Some(a) = &author {
        needs_slug("author", a)?;
    }
    let mut tags = Vec::new();
    for tag in line.tags {
        let tag = tag.trim().to_string();
        if tag.is_empty() {
            continue;
        }
        needs_slug("tag", &tag)?;
        tags.push(tag);
    }
    let published_at = match non_empty(line.published_at) {
        Some(raw) => Some(parse_time(&raw)?),
        None => None,
    };
    let status = if published_at.is_some() {
        ArticleStatus::Published
    } else {
        ArticleStatus::Draft
    };
    Ok(Checked {
        input: ArticleInput {
            slug,
            title,
            lead: line.lead,
            body_html: String::new(),
            body_md: line.body,
            dateline: non_empty(line.dateline),
            source: non_empty(line.source),
            author_id: None,
            category_id: None,
            tags,
            status,
            published_at,
            image: None,
        },
        category,
        author,
    })
}

async fn category_id(db: &Db, name: &str) -> anyhow::Result<i64> {
    if let Some(c) = db.category_by_name(name).await? {
        return Ok(c.id);
    }
    // Names that differ only in tashkeel or spacing share a slug: the same section.
    if let Some(c) = db
        .category_by_slug(&sahifa_text::slug::slugify(name))
        .await?
    {
        return Ok(c.id);
    }
    let draft = CategoryDraft {
        name: name.to_string(),
        ..Default::default()
    };
    Ok(Newsroom::new(db.clone())
        .create_category(&Actor::System, &draft)
        .await?)
}

async fn author_id(db: &Db, name: &str) -> anyhow::Result<i64> {
    if let Some(a) = db.author_by_name(name).await? {
        return Ok(a.id);
    }
    if let Some(a) = db.author_by_slug(&sahifa_text::slug::slugify(name)).await? {
        return Ok(a.id);
    }
    let draft = AuthorDraft {
        name: name.to_string(),
        ..Default::default()
    };
    Ok(Newsroom::new(db.clone())
        .create_author(&Actor::System, &draft)
        .await?)
}

/// Writes one checked line; returns the new article's id. Its owner is the account of
/// its byline, or else `owner`.
async fn store(db: &Db, checked: Checked, owner: Option<i64>) -> anyhow::Result<i64> {
    let mut input = checked.input;
    if let Some(name) = &checked.category {
        input.category_id = Some(category_id(db, name).await?);
    }
    if let Some(name) = &checked.author {
        input.author_id = Some(author_id(db, name).await?);
    }
    let newsroom = Newsroom::new(db.clone());
    let saved = newsroom
        .save_article(&Actor::System, None, &(&input).into())
        .await?;
    newsroom
        .own_by_byline(&Actor::System, saved.id, owner)
        .await?;
    Ok(saved.id)
}

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// Articles created.
    pub imported: u64,
    /// Rejected lines: `(line number, reason)`.
    pub failed: Vec<(u64, String)>,
}

/// Imports every line of `reader` into `db`; `on_line` is told after each line.
pub async fn import(
    db: &Db,
    reader: impl BufRead,
    on_line: impl FnMut(u64, Option<&str>),
) -> anyhow::Result<ImportReport> {
    import_owned(db, reader, None, on_line).await
}

/// [`import`], with account `owner` owning the articles whose byline has no account.
pub async fn import_owned(
    db: &Db,
    reader: impl BufRead,
    owner: Option<i64>,
    mut on_line: impl FnMut(u64, Option<&str>),
) -> anyhow::Result<ImportReport> {
    let mut report = ImportReport::default();
    for (i, line) in reader.lines().enumerate() {
        let number = i as u64 + 1;
        let line = line.with_context(|| format!("cannot read line {number}"))?;
        if line.trim().is_empty() {
            on_line(number, None);
            continue;
        }
        let outcome = match check(&line) {
            Ok(checked) => store(db, checked, owner)
                .await
                .map_err(|e| format!("{e:#}")),
            Err(reason) => Err(reason),
        };
        match outcome {
            Ok(_) => {
                report.imported += 1;
                on_line(number, None);
            }
            Err(reason) => {
                on_line(number, Some(&reason));
                report.failed.push((number, reason));
            }
        }
    }
    Ok(report)
}

/// `sahifa import-jsonl FILE`.
pub async fn run(global: &Global, args: ImportArgs) -> anyhow::Result<()> {
    let db = open_database(global).await?;
    let owner = match &args.owner {
        Some(email) => Some(
            db.users()
                .await?
                .into_iter()
                .find(|u| u.email.eq_ignore_ascii_case(email.trim()))
                .with_context(|| format!("--owner: no account has the email {email}"))?
                .id,
        ),
        None => None,
    };
    let from_stdin = args.file.as_os_str() == "-";
    let total = if from_stdin {
        0
    } else {
        let file = std::fs::File::open(&args.file)
            .with_context(|| format!("cannot open {}", args.file.display()))?;
        BufReader::new(file).lines().count() as u64
    };
    let bar = if from_stdin {
        indicatif::ProgressBar::new_spinner()
    } else {
        indicatif::ProgressBar::new(total)
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} importing [{bar:40}] {pos}/{len} lines ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let file_name = args.file.display().to_string();
    let on_line = |number: u64, error: Option<&str>| {
        if let Some(reason) = error {
            bar.suspend(|| eprintln!("{file_name}: line {number}: {reason}"));
        }
        bar.set_position(number);
    };
    let report = if from_stdin {
        import_owned(&db, std::io::stdin().lock(), owner, on_line).await?
    } else {
        let file = std::fs::File::open(&args.file)
            .with_context(|| format!("cannot open {}", args.file.display()))?;
        import_owned(&db, BufReader::new(file), owner, on_line).await?
    };
    bar.finish_and_clear();
    db.close().await;
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    println!(
        "imported {}, rejected {}",
        plural(report.imported as usize, "article", "articles"),
        plural(report.failed.len(), "line", "lines")
    );
    if let Some((first, _)) = report.failed.first() {
        anyhow::bail!(
            "{} of {} rejected (first: line {first}); nothing from {} was stored",
            plural(report.failed.len(), "line", "lines"),
            args.file.display(),
            if report.failed.len() == 1 {
                "it"
            } else {
                "them"
            }
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_lines_before_writing() {
        assert!(check(r#"{"title": "عنوان"}"#).is_ok());
        let ok = check(r#"{"title": "عنوان", "published_at": "2026-11-30", "tags": ["نفط", " "]}"#)
            .expect("valid");
        assert_eq!(ok.input.status, ArticleStatus::Published);
        assert_eq!(ok.input.tags, vec!["نفط".to_string()]);
        assert!(check(r#"{"title": "  "}"#).unwrap_err().contains("title"));
        assert!(
            check(r#"{"title": "x", "published_at": "yesterday"}"#)
                .unwrap_err()
                .contains("published_at")
        );
        assert!(
            check(r#"{"title": "x", "tags": "نفط"}"#)
                .unwrap_err()
                .contains("JSON")
        );
        assert!(
            check(r#"{"title": "x", "category": "!!!"}"#)
                .unwrap_err()
                .contains("category")
        );
        assert!(
            check(r#"{"title": "x", "colour": 1}"#)
                .unwrap_err()
                .contains("colour")
        );
        assert!(check("not json").is_err());
    }
}
