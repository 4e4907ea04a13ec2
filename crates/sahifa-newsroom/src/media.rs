//! Media-library use cases: record an upload, edit its alt text and caption, delete it.
//!
//! The files themselves are processed and stored by the web layer (`sahifa-media` on the
//! blocking pool, then the configured media store: local folder, S3 bucket or PostgreSQL)
//! before the record is; when a use case refuses or fails, the caller removes the objects
//! it stored, so a refused upload stores nothing and no record points at a missing file.

use sahifa_store::{MediaRow, NewMedia, Tx};
use sahifa_text::clean::xml_safe;

use crate::permissions::can_manage_media;
use crate::taxonomy::audit;
use crate::{Actor, Capability, FieldError, Newsroom, NewsroomError, Result};

/// Longest alternative text, in characters.
pub const ALT_MAX: usize = 300;
/// Longest caption, in characters.
pub const CAPTION_MAX: usize = 1000;

/// A deletion refused because articles still show the image as their featured image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaInUse {
    /// The articles using it, as (id, headline).
    pub articles: Vec<(i64, String)>,
}

impl MediaInUse {
    /// The catalogue key of the explanation.
    pub const KEY: &'static str = "admin-media-in-use";
}

/// Longest credit accepted, in characters.
pub const MAX_CREDIT_CHARS: usize = 200;

impl Newsroom {
    /// Whether `actor` may use the media library at all, and whether `alt` and `caption`
    /// would be accepted: lets an upload be refused before its image is processed. The
    /// use cases check the same again.
    pub fn check_media_text(&self, actor: &Actor, alt: &str, caption: &str) -> Result<()> {
        allowed(actor)?;
        check_text(alt, caption)
    }

    /// Records an upload whose files are written; returns its id.
    pub async fn record_upload(&self, actor: &Actor, media: &NewMedia) -> Result<i64> {
        allowed(actor)?;
        let media = &NewMedia {
            alt: xml_safe(&media.alt).into_owned(),
            caption: xml_safe(&media.caption).into_owned(),
            original_name: xml_safe(&media.original_name).into_owned(),
            ..media.clone()
        };
        check_text(&media.alt, &media.caption)?;
        let row = NewMedia {
            alt: media.alt.trim().to_string(),
            caption: media.caption.trim().to_string(),
            uploaded_by: actor.user_id(),
            ..media.clone()
        };
        let mut tx = self.db().begin().await?;
        let id = sahifa_store::media::insert(&mut tx, &row).await?;
        audit(
            &mut tx,
            actor,
            "created",
            "media",
            id,
            display_name(&row.original_name, &row.stem),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes the alt text and caption of media item `id` (its credit stays).
    pub async fn update_media_text(
        &self,
        actor: &Actor,
        id: i64,
        alt: &str,
        caption: &str,
    ) -> Result<()> {
        self.update_media_details(actor, id, alt, caption, None)
            .await
    }

    /// Changes the alt text, caption and, when given, the credit of media item `id`.
    pub async fn update_media_details(
        &self,
        actor: &Actor,
        id: i64,
        alt: &str,
        caption: &str,
        credit: Option<&str>,
    ) -> Result<()> {
        allowed(actor)?;
        let (alt, caption) = (&*xml_safe(alt), &*xml_safe(caption));
        let credit = credit.map(|c| xml_safe(c).trim().to_string());
        let mut tx = self.db().begin().await?;
        let media = manageable(&mut tx, actor, id).await?;
        check_text(alt, caption)?;
        if credit
            .as_deref()
            .is_some_and(|c| c.chars().count() > MAX_CREDIT_CHARS)
        {
            return Err(crate::NewsroomError::invalid(
                "credit",
                "admin-error-credit-too-long",
            ));
        }
        sahifa_store::media::update_text(
            &mut tx,
            id,
            alt.trim(),
            caption.trim(),
            credit.as_deref(),
        )
        .await?;
        let detail = display_name(&media.original_name, &media.stem);
        audit(&mut tx, actor, "updated", "media", id, detail).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes the record of media item `id` and returns it, so the caller removes its
    /// files; refused (the inner `Err`) while an article uses it as its featured image.
    pub async fn delete_media(
        &self,
        actor: &Actor,
        id: i64,
    ) -> Result<Result<MediaRow, MediaInUse>> {
        allowed(actor)?;
        let mut tx = self.db().begin().await?;
        let media = manageable(&mut tx, actor, id).await?;
        let articles = sahifa_store::media::usage(&mut tx, id).await?;
        if !articles.is_empty() {
            tx.rollback().await?;
            return Ok(Err(MediaInUse { articles }));
        }
        sahifa_store::media::delete(&mut tx, id).await?;
        let detail = display_name(&media.original_name, &media.stem);
        audit(&mut tx, actor, "deleted", "media", id, detail).await?;
        tx.commit().await?;
        Ok(Ok(media))
    }
}

fn allowed(actor: &Actor) -> Result<()> {
    if actor.can(Capability::UploadMedia) {
        Ok(())
    } else {
        Err(NewsroomError::Forbidden)
    }
}

/// Media item `id`, locked, when `actor` may change it.
async fn manageable(tx: &mut Tx, actor: &Actor, id: i64) -> Result<MediaRow> {
    let media = sahifa_store::media::for_update(tx, id)
        .await?
        .ok_or(NewsroomError::NotFound)?;
    match actor.user() {
        Some(user) if !can_manage_media(user, media.uploaded_by) => Err(NewsroomError::Forbidden),
        _ => Ok(media),
    }
}

fn check_text(alt: &str, caption: &str) -> Result<()> {
    let mut errors = Vec::new();
    if alt.trim().chars().count() > ALT_MAX {
        errors.push(FieldError {
            field: "alt",
            key: "admin-error-alt-too-long",
        });
    }
    if caption.trim().chars().count() > CAPTION_MAX {
        errors.push(FieldError {
            field: "caption",
            key: "admin-error-caption-too-long",
        });
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(NewsroomError::Invalid(errors))
    }
}

/// How the audit trail names a file: as uploaded, or by its stem when it had no name.
fn display_name<'a>(original_name: &'a str, stem: &'a str) -> &'a str {
    if original_name.is_empty() {
        stem
    } else {
        original_name
    }
}
