//! The old site's uploads: every attachment's file and every upload a body references,
//! read from the `--uploads` copy of `wp-content/uploads`, checked and resized like an
//! upload, written to the media store and recorded in the import's transaction. Importing
//! never reaches out to the old host.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use sahifa_admin::media::StoredFiles;
use sahifa_newsroom::import::{ImportSession, Outcome};
use sahifa_web::media_store::MediaStore;
use sahifa_wxr::content::MediaLink;

use super::report::Report;
use super::survey::Survey;

/// What was brought over.
#[derive(Default)]
pub struct Brought {
    /// Upload key → the media record and how bodies show it.
    pub uploads: HashMap<String, (i64, MediaLink)>,
    /// Attachment id → the same.
    pub attachments: HashMap<i64, (i64, MediaLink)>,
    /// Files written by this run (removed again if the import fails).
    written: Vec<StoredFiles>,
}

impl Brought {
    /// Removes the files this run wrote (the import that recorded them failed).
    pub async fn discard(self, store: &MediaStore) {
        for files in self.written {
            files.discard(store).await;
        }
    }
}

/// The file under `uploads` an upload key names, never climbing out of the folder.
fn local_file(uploads: &Path, key: &str) -> Option<PathBuf> {
    let relative = Path::new(sahifa_wxr::content::upload_folder_path(key)?);
    if relative
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    Some(uploads.join(relative))
}

/// Brings the uploads over (with a store and a folder), or only counts what would come
/// (a dry run, or no `--uploads`).
pub async fn bring_over(
    session: &mut ImportSession,
    store: Option<&MediaStore>,
    uploads: Option<&Path>,
    survey: &Survey,
    base: &str,
    report: &mut Report,
) -> anyhow::Result<Brought> {
    let mut brought = Brought::default();
    let Some(dir) = uploads else {
        report.skip_many(
            "attachments (no --uploads folder given: files stay on the old host)",
            survey.attachments.len() as u64,
        );
        return Ok(brought);
    };
    let mut keys: Vec<(String, Option<&super::survey::Attachment>)> = Vec::new();
    for attachment in survey.attachments.values() {
        match sahifa_wxr::content::upload_key(&attachment.url, base) {
            Some(key) => keys.push((key, Some(attachment))),
            None => report.warn(format!(
                "attachment {} has a file address {} outside the old site; left there",
                attachment.id, attachment.url
            )),
        }
    }
    for key in &survey.referenced_uploads {
        keys.push((key.clone(), None));
    }
    let result = bring_keys(session, store, dir, &keys, &mut brought, report).await;
    match result {
        Ok(()) => Ok(brought),
        Err(err) => {
            if let Some(store) = store {
                brought.discard(store).await;
            }
            Err(err)
        }
    }
}

async fn bring_keys(
    session: &mut ImportSession,
    store: Option<&MediaStore>,
    dir: &Path,
    keys: &[(String, Option<&super::survey::Attachment>)],
    brought: &mut Brought,
    report: &mut Report,
) -> anyhow::Result<()> {
    for (key, attachment) in keys {
        if let Some(found) = brought.uploads.get(key).cloned() {
            if let Some(a) = attachment {
                session
                    .alias_media(&format!("attachment:{}", a.id), found.0)
                    .await?;
                brought.attachments.insert(a.id, found);
            }
            continue;
        }
        let media_key = format!("upload:{key}");
        if let Some(id) = session.media_for(&media_key).await? {
            let link = session_link(session, id).await?;
            report.count("media", Outcome::Unchanged);
            brought.uploads.insert(key.clone(), (id, link.clone()));
            if let Some(a) = attachment {
                brought.attachments.insert(a.id, (id, link));
            }
            continue;
        }
        let Some(path) = local_file(dir, key) else {
            report.warn(format!("{key}: not a file under the uploads folder"));
            continue;
        };
        let bytes = match tokio::fs::read(&path).await {
            Ok(bytes) => bytes,
            Err(_) => {
                report.skip(
                    "uploads missing from the --uploads folder (references stay on the old host)",
                );
                continue;
            }
        };
        let processed = match sahifa_media::process(&bytes, &sahifa_media::Limits::default()) {
            Ok(p) => p,
            Err(err) => {
                report.skip(&format!(
                    "uploads the media library refuses ({}; references stay on the old host)",
                    err
                ));
                continue;
            }
        };
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let alt = attachment.map(|a| a.alt.clone()).unwrap_or_default();
        let caption = attachment.map(|a| a.caption.clone()).unwrap_or_default();
        let Some(store) = store else {
            // A dry run: the file is there and would be accepted.
            report.count("media", Outcome::Created);
            continue;
        };
        let files =
            sahifa_admin::media::store_files(store, &processed, &file_name, &alt, &caption, None)
                .await
                .map_err(|err| anyhow::anyhow!("cannot store {}: {err:?}", path.display()))?;
        let record = files.record.clone();
        brought.written.push(files);
        let id = session.media(&media_key, &record).await?;
        report.count("media", Outcome::Created);
        let link = MediaLink {
            url: format!(
                "/media/uploads/{}.{}",
                record.stem,
                processed.kind.extension()
            ),
            alt,
            width: Some(processed.width),
            height: Some(processed.height),
            caption,
        };
        brought.uploads.insert(key.clone(), (id, link.clone()));
        if let Some(a) = attachment {
            session
                .alias_media(&format!("attachment:{}", a.id), id)
                .await?;
            brought.attachments.insert(a.id, (id, link));
        }
    }
    Ok(())
}

/// How bodies show media record `id` imported by an earlier run.
async fn session_link(session: &mut ImportSession, id: i64) -> anyhow::Result<MediaLink> {
    let row = session.media_row(id).await?;
    Ok(match row {
        Some(m) => MediaLink {
            url: m.original_url(),
            alt: m.alt.clone(),
            width: u32::try_from(m.width).ok(),
            height: u32::try_from(m.height).ok(),
            caption: m.caption.clone(),
        },
        None => MediaLink::default(),
    })
}
