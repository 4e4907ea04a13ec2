//! The media library: upload (JPEG, PNG, WebP, checked from the bytes), alt text and
//! caption, and deletion (refused while an article uses the file).
//!
//! An upload is processed by `sahifa-media` on the blocking pool, at most
//! [`PARALLEL_PROCESSING`] at a time, so a burst of large photos cannot exhaust memory or
//! starve the threads that serve readers. The clean original and every variant are
//! stored first (under `uploads/` in the configured media store), the database row after;
//! if any object or the row cannot be written, every object already stored is removed, so
//! a failed upload stores nothing and no record ever points at a missing file.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tokio::sync::Semaphore;

use sahifa_media::{Limits, MediaError, MediaKind, Processed};
use sahifa_newsroom::{Actor, NewsroomError};
use sahifa_store::{MediaRow, NewMedia};

use super::{FormFields, form_with_csrf, notice, render_with_status, require};
use sahifa_http::auth::{Capability, CurrentUser, csrf};
use sahifa_http::error::AppError;
use sahifa_http::i18n::Arg;
use sahifa_http::media::{StoredVariant, original_url, srcset, thumb_url, variants};
use sahifa_http::media_store::{MediaKey, MediaStore, MediaStoreError};
use sahifa_http::state::AppState;
use sahifa_newsroom::permissions::can_manage_media;
use sahifa_site::pages::see_other;

/// The request body limit of the upload route: the largest accepted file plus room for
/// the other form fields and the multipart framing.
pub const MAX_UPLOAD_BODY: usize = 16 * 1024 * 1024;

/// How many uploads may be decoded and resized at the same time in this process.
pub const PARALLEL_PROCESSING: usize = 2;

static PROCESSING: Semaphore = Semaphore::const_new(PARALLEL_PROCESSING);

const PER_PAGE: i64 = 30;
const FILE_NAME_MAX: usize = 200;

/// The stored kind name of a format (`media.kind`, [`StoredVariant::kind`]).
fn kind_name(kind: MediaKind) -> &'static str {
    match kind {
        MediaKind::Jpeg => "jpeg",
        MediaKind::Png => "png",
        MediaKind::Webp => "webp",
    }
}

/// The HTTP status for a refused upload.
fn error_status(err: &MediaError) -> StatusCode {
    match err {
        MediaError::Empty => StatusCode::BAD_REQUEST,
        MediaError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
        e if !e.is_client_error() => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// The user-facing message of a refused upload, in the site's language and digits.
async fn error_message(state: &AppState, err: &MediaError) -> Result<String, AppError> {
    let site = state.site().await?;
    let number = |n: u64| {
        Arg::Text(sahifa_text::digits::localize_digits(
            &n.to_string(),
            site.digits,
        ))
    };
    let mut args = HashMap::new();
    match err {
        MediaError::TooLarge { max_bytes } => {
            args.insert(
                "max_mb".to_string(),
                number((*max_bytes as u64).div_ceil(1024 * 1024)),
            );
        }
        MediaError::TooManyPixels {
            width,
            height,
            max_pixels,
        } => {
            args.insert("width".to_string(), number(u64::from(*width)));
            args.insert("height".to_string(), number(u64::from(*height)));
            args.insert("max_megapixels".to_string(), number(max_pixels / 1_000_000));
        }
        MediaError::SideTooLong {
            width,
            height,
            max_side,
        } => {
            args.insert("width".to_string(), number(u64::from(*width)));
            args.insert("height".to_string(), number(u64::from(*height)));
            args.insert("max_side".to_string(), number(u64::from(*max_side)));
        }
        _ => {}
    }
    Ok(state.catalog().get(site.lang, err.message_key(), &args))
}

/// What a handler asks the library page to show besides the grid.
#[derive(Default)]
struct LibraryState {
    /// The upload form as typed (alt, caption) and why it was refused.
    upload_alt: String,
    upload_caption: String,
    upload_error: Option<String>,
    /// A media item whose alt/caption edit was refused: id, alt, caption, error key.
    editing: Option<(i64, String, String, &'static str)>,
    /// A refused deletion: the media id and the articles using it.
    in_use: Option<(i64, Vec<(i64, String)>)>,
    notice: Option<&'static str>,
}

/// The context of `admin/media.html`: the upload form and one page of the library.
#[derive(Debug, Serialize)]
struct MediaPage<'a> {
    items: Vec<MediaItem<'a>>,
    total: i64,
    /// Page links (`null` when there is one page).
    pagination: Option<sahifa_site::view::Pagination>,
    upload: UploadForm<'a>,
    in_use: Option<MediaInUse<'a>>,
    /// The largest accepted upload, for the hint.
    max_mb: usize,
    notice: Option<&'static str>,
}

/// The upload form as typed, and why it was refused.
#[derive(Debug, Serialize)]
struct UploadForm<'a> {
    alt: &'a str,
    caption: &'a str,
    /// Already in the site's language.
    error: Option<&'a str>,
}

/// A refused deletion: the media item and the articles that still use it.
#[derive(Debug, Serialize)]
struct MediaInUse<'a> {
    id: i64,
    articles: Vec<UsingArticle<'a>>,
}

/// An article using a media item, linked to its editor.
#[derive(Debug, Serialize)]
struct UsingArticle<'a> {
    title: &'a str,
    url: String,
}

/// One item of the library grid, with its alt/caption form.
#[derive(Debug, Serialize)]
struct MediaItem<'a> {
    id: i64,
    thumb: String,
    srcset: String,
    original: String,
    /// The stored text, or the text of a refused edit of this item as typed.
    alt: &'a str,
    caption: &'a str,
    credit: &'a str,
    /// The refused edit's message key.
    error: Option<&'static str>,
    width: i64,
    height: i64,
    kb: i64,
    variants: usize,
    name: &'a str,
    /// How many articles use it as their image.
    used_by: i64,
    /// Whether this user may change or delete it (authors manage their own uploads).
    editable: bool,
}

fn item_view<'a>(
    m: &'a MediaRow,
    used_by: i64,
    editable: bool,
    editing: Option<&'a (i64, String, String, &'static str)>,
) -> MediaItem<'a> {
    let typed = editing.filter(|e| e.0 == m.id);
    MediaItem {
        id: m.id,
        thumb: thumb_url(m),
        srcset: srcset(m, "webp"),
        original: original_url(m),
        alt: typed.map_or(m.alt.as_str(), |e| e.1.as_str()),
        caption: typed.map_or(m.caption.as_str(), |e| e.2.as_str()),
        credit: &m.credit,
        error: typed.map(|e| e.3),
        width: m.width,
        height: m.height,
        kb: (m.bytes + 1023) / 1024,
        variants: variants(m).len(),
        name: &m.original_name,
        used_by,
        editable,
    }
}

async fn library(
    state: &AppState,
    current: &CurrentUser,
    page_number: i64,
    page: LibraryState,
    status: StatusCode,
) -> Result<Response, AppError> {
    let db = state.db();
    let (rows, total) = db
        .media_list(PER_PAGE, (page_number - 1) * PER_PAGE)
        .await?;
    let mut items = Vec::with_capacity(rows.len());
    for m in &rows {
        let used_by = db.media_usage(m.id).await?.len() as i64;
        let editable = can_manage_media(&current.user, m.uploaded_by);
        items.push(item_view(m, used_by, editable, page.editing.as_ref()));
    }
    let in_use = page.in_use.as_ref().map(|(id, articles)| MediaInUse {
        id: *id,
        articles: articles
            .iter()
            .map(|(aid, title)| UsingArticle {
                title,
                url: format!("/admin/articles/{aid}"),
            })
            .collect(),
    });
    let pagination = sahifa_site::view::paginate(
        "/admin/media",
        page_number,
        sahifa_site::view::page_count(total, PER_PAGE),
    );
    let ctx = MediaPage {
        items,
        total,
        pagination,
        upload: UploadForm {
            alt: &page.upload_alt,
            caption: &page.upload_caption,
            error: page.upload_error.as_deref(),
        },
        in_use,
        max_mb: Limits::default().max_bytes / (1024 * 1024),
        notice: page.notice,
    };
    render_with_status(
        status,
        state,
        Some(current),
        "admin/media.html",
        "admin-media-title",
        ctx,
    )
    .await
}

/// `GET /admin/media?page=`.
pub async fn list_media(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    require(&current, Capability::UploadMedia)?;
    let page = sahifa_site::pages::page_number(&query)?;
    let view = LibraryState {
        notice: notice(&query),
        ..Default::default()
    };
    library(&state, &current, page, view, StatusCode::OK).await
}

/// The fields of the upload form.
#[derive(Default)]
struct Upload {
    csrf: Option<String>,
    alt: String,
    caption: String,
    file_name: String,
    bytes: Option<axum::body::Bytes>,
}

/// Reads every multipart field; `Err(status)` when the body is malformed or too large.
async fn read_upload(mut multipart: Multipart) -> Result<Upload, StatusCode> {
    let mut upload = Upload::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => return Err(err.status()),
        };
        let name = field.name().unwrap_or("").to_string();
        match name.as_str() {
            "file" => {
                upload.file_name = field
                    .file_name()
                    .unwrap_or("")
                    .chars()
                    .take(FILE_NAME_MAX)
                    .collect();
                upload.bytes = Some(field.bytes().await.map_err(|e| e.status())?);
            }
            "_csrf" | "alt" | "caption" => {
                let text = field.text().await.map_err(|e| e.status())?;
                match name.as_str() {
                    "_csrf" => upload.csrf = Some(text),
                    "alt" => upload.alt = text.trim().to_string(),
                    _ => upload.caption = text.trim().to_string(),
                }
            }
            // Unknown fields are drained and ignored.
            _ => {
                field.bytes().await.map_err(|e| e.status())?;
            }
        }
    }
    Ok(upload)
}

/// Removes stored objects, logging (not failing on) what cannot be removed: a leftover
/// object is harmless, it is only ever reached through a record.
async fn remove_all(store: &MediaStore, keys: &[MediaKey]) {
    for key in keys {
        if let Err(err) = store.delete(key).await {
            tracing::warn!(key = %key, error = %err, "could not remove a media file");
        }
    }
}

/// The key of an upload's file, from names this module made (a stem of token characters
/// plus a suffix), so always a valid key; refused as an internal error if ever not.
fn upload_key(file: &str) -> Result<MediaKey, AppError> {
    MediaKey::upload(file).ok_or_else(|| AppError::Internal(format!("bad media name {file:?}")))
}

/// Stores the original and the variants; on failure removes what was stored.
async fn write_files(
    store: &MediaStore,
    stem: &str,
    processed: &Processed,
) -> Result<(Vec<MediaKey>, Vec<StoredVariant>), MediaStoreError> {
    let mut written = Vec::new();
    let result: Result<Vec<StoredVariant>, MediaStoreError> = async {
        let invalid = |file: &str| MediaStoreError {
            backend: "media",
            message: format!("bad media name {file:?}"),
        };
        let original = format!("{stem}.{}", processed.kind.extension());
        let key = MediaKey::upload(&original).ok_or_else(|| invalid(&original))?;
        store
            .put(&key, Bytes::copy_from_slice(&processed.original))
            .await?;
        written.push(key);
        let mut stored = Vec::with_capacity(processed.variants.len());
        for v in &processed.variants {
            let file = format!("{stem}-{}", v.suffix);
            let key = MediaKey::upload(&file).ok_or_else(|| invalid(&file))?;
            store.put(&key, Bytes::copy_from_slice(&v.bytes)).await?;
            written.push(key);
            stored.push(StoredVariant {
                file,
                width: v.width,
                kind: kind_name(v.kind).to_string(),
            });
        }
        Ok(stored)
    }
    .await;
    match result {
        Ok(stored) => Ok((written, stored)),
        Err(err) => {
            remove_all(store, &written).await;
            Err(err)
        }
    }
}

/// `POST /admin/media` (multipart/form-data: `_csrf`, `file`, `alt`, `caption`).
pub async fn upload_media(
    State(state): State<AppState>,
    current: CurrentUser,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::UploadMedia)?;
    let headers = request.headers().clone();
    // The editor uploads in place and reads the outcome as JSON.
    let wants_json = headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    let multipart = Multipart::from_request(request, &state)
        .await
        .map_err(|_| AppError::BadRequest)?;
    let refuse =
        |upload_alt: String, upload_caption: String, message: String, status: StatusCode| {
            let (state, current) = (&state, &current);
            async move {
                if wants_json {
                    return Ok(
                        (status, axum::Json(serde_json::json!({ "error": message })))
                            .into_response(),
                    );
                }
                let page = LibraryState {
                    upload_alt,
                    upload_caption,
                    upload_error: Some(message),
                    ..Default::default()
                };
                library(state, current, 1, page, status).await
            }
        };
    let upload = match read_upload(multipart).await {
        Ok(upload) => upload,
        Err(status) if status == StatusCode::PAYLOAD_TOO_LARGE => {
            // The body went past the route's limit before the form could be read whole.
            let err = MediaError::TooLarge {
                max_bytes: Limits::default().max_bytes,
            };
            let message = error_message(&state, &err).await?;
            return refuse(String::new(), String::new(), message, status).await;
        }
        Err(_) => return Err(AppError::BadRequest),
    };
    csrf::verify(
        &state,
        &headers,
        &current.session.csrf_token,
        upload.csrf.as_deref(),
    )?;
    let actor = Actor::User(current.user.clone());
    // Refused text is refused before the image is decoded and resized for nothing.
    if let Err(err) = state
        .newsroom()
        .check_media_text(&actor, &upload.alt, &upload.caption)
    {
        let key = first_field_error(err)?;
        let message = state.catalog().text(state.site().await?.lang, key);
        return refuse(
            upload.alt,
            upload.caption,
            message,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let bytes = upload.bytes.unwrap_or_default();
    let processed = {
        let _permit = PROCESSING
            .acquire()
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        tokio::task::spawn_blocking(move || sahifa_media::process(&bytes, &Limits::default()))
            .await
            .map_err(|e| AppError::Internal(format!("image processing task: {e}")))?
    };
    let processed = match processed {
        Ok(p) => p,
        Err(err) => {
            if !err.is_client_error() {
                tracing::error!(error = %err, "image processing failed");
            }
            let message = error_message(&state, &err).await?;
            return refuse(upload.alt, upload.caption, message, error_status(&err)).await;
        }
    };
    let store = &state.config().media_store;
    let recorded = record_processed(
        store,
        state.newsroom(),
        &actor,
        &processed,
        &upload.file_name,
        &upload.alt,
        &upload.caption,
    )
    .await;
    match recorded {
        Ok(id) if wants_json => match state.db().media_by_id(id).await? {
            Some(row) => Ok(super::editing::uploaded_json(&row)),
            None => Err(AppError::NotFound),
        },
        Ok(_) => Ok(see_other("/admin/media?msg=uploaded")),
        Err(IngestError::Store(err)) => {
            // Nothing was recorded and what was stored is removed: the admin can retry.
            tracing::error!(error = %err, "cannot store an upload");
            let message = state
                .catalog()
                .text(state.site().await?.lang, "admin-media-store-failed");
            refuse(
                upload.alt,
                upload.caption,
                message,
                StatusCode::SERVICE_UNAVAILABLE,
            )
            .await
        }
        Err(IngestError::Refused(err)) => {
            // No record, no files: a refused or failed write leaves nothing behind.
            match err {
                NewsroomError::Invalid(fields) => {
                    let key = fields.first().map_or("admin-error-fix-below", |f| f.key);
                    let message = state.catalog().text(state.site().await?.lang, key);
                    refuse(
                        upload.alt,
                        upload.caption,
                        message,
                        StatusCode::UNPROCESSABLE_ENTITY,
                    )
                    .await
                }
                other => Err(other.into()),
            }
        }
    }
}

/// An image as the editor inserts it into a body: its largest web variant (1280 px wide at
/// most, the original when smaller) and a small one for the picker.
pub(crate) struct InsertedImage {
    pub url: String,
    pub thumb: String,
    pub width: i64,
    pub height: i64,
}

pub(crate) fn inserted_image(m: &MediaRow) -> InsertedImage {
    let largest = variants(m)
        .into_iter()
        .filter(|v| v.kind == "webp")
        .max_by_key(|v| v.width);
    let (url, width) = match largest {
        Some(v) if i64::from(v.width) < m.width => {
            (format!("/media/uploads/{}", v.file), i64::from(v.width))
        }
        _ => (original_url(m), m.width),
    };
    let height = if m.width > 0 {
        (m.height * width + m.width / 2) / m.width
    } else {
        m.height
    };
    InsertedImage {
        url,
        thumb: thumb_url(m),
        width,
        height,
    }
}

/// Why an image could not be taken into the library (nothing of it is left behind).
#[derive(Debug)]
pub enum IngestError {
    /// The media store refused a file.
    Store(MediaStoreError),
    /// The use case refused the record (its text, the actor's rights) or failed.
    Refused(NewsroomError),
}

/// A processed image whose files are in the media store, not yet in the library: the
/// record to insert, and the files to remove if the record is never stored.
#[derive(Debug)]
pub struct StoredFiles {
    /// The library record, ready to insert.
    pub record: NewMedia,
    written: Vec<MediaKey>,
}

impl StoredFiles {
    /// Removes the files again (their record was not stored).
    pub async fn discard(self, store: &MediaStore) {
        remove_all(store, &self.written).await;
    }
}

/// Writes a processed image (original and variants) to the media store under a fresh
/// stem; returns the record that describes them. Nothing is left behind on failure.
pub async fn store_files(
    store: &MediaStore,
    processed: &Processed,
    file_name: &str,
    alt: &str,
    caption: &str,
    uploaded_by: Option<i64>,
) -> Result<StoredFiles, IngestError> {
    let stem: String = sahifa_http::auth::tokens::random_token()
        .chars()
        .take(16)
        .collect();
    let (written, stored) = write_files(store, &stem, processed)
        .await
        .map_err(IngestError::Store)?;
    let variants = match serde_json::to_string(&stored) {
        Ok(v) => v,
        Err(err) => {
            remove_all(store, &written).await;
            return Err(IngestError::Refused(NewsroomError::Internal(
                err.to_string(),
            )));
        }
    };
    Ok(StoredFiles {
        record: NewMedia {
            stem,
            kind: kind_name(processed.kind).to_string(),
            width: i64::from(processed.width),
            height: i64::from(processed.height),
            bytes: processed.original.len() as i64,
            variants,
            alt: alt.to_string(),
            caption: caption.to_string(),
            original_name: file_name.to_string(),
            uploaded_by,
        },
        written,
    })
}

/// Writes a processed image (original and variants) to the media store and records it in
/// the library for `actor`; returns its id. Files written for a record that then fails
/// are removed. Uploads and the demo's images come in through here alike.
pub async fn record_processed(
    store: &MediaStore,
    newsroom: &sahifa_newsroom::Newsroom,
    actor: &Actor,
    processed: &Processed,
    file_name: &str,
    alt: &str,
    caption: &str,
) -> Result<i64, IngestError> {
    let files = store_files(store, processed, file_name, alt, caption, actor.user_id()).await?;
    match newsroom.record_upload(actor, &files.record).await {
        Ok(id) => Ok(id),
        Err(err) => {
            files.discard(store).await;
            Err(IngestError::Refused(err))
        }
    }
}

/// The first field problem of a refused input, or the error it is.
fn first_field_error(err: NewsroomError) -> Result<&'static str, AppError> {
    match err {
        NewsroomError::Invalid(fields) => fields.first().map(|f| f.key).ok_or(AppError::BadRequest),
        other => Err(other.into()),
    }
}

/// `POST /admin/media/{id}`: alt text and caption.
pub async fn save_media(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::UploadMedia)?;
    let form: FormFields = form_with_csrf(&state, &current, request).await?;
    let (alt, caption, credit) = (form.text("alt"), form.text("caption"), form.text("credit"));
    let actor = Actor::User(current.user.clone());
    match state
        .newsroom()
        .update_media_details(&actor, id, &alt, &caption, Some(&credit))
        .await
    {
        Ok(()) => Ok(see_other("/admin/media?msg=saved")),
        Err(err) => {
            let key = first_field_error(err)?;
            let page = LibraryState {
                editing: Some((id, alt, caption, key)),
                ..Default::default()
            };
            library(&state, &current, 1, page, StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// `POST /admin/media/{id}/delete`: refused, naming the articles, while any uses it.
pub async fn delete_media(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::UploadMedia)?;
    form_with_csrf(&state, &current, request).await?;
    let actor = Actor::User(current.user.clone());
    let media = match state.newsroom().delete_media(&actor, id).await? {
        Ok(media) => media,
        Err(in_use) => {
            let page = LibraryState {
                in_use: Some((id, in_use.articles)),
                ..Default::default()
            };
            return library(&state, &current, 1, page, StatusCode::CONFLICT).await;
        }
    };
    // The record is gone: the files follow (a leftover file is harmless, a record
    // pointing at no file is not).
    let mut files = vec![upload_key(&format!(
        "{}.{}",
        media.stem,
        sahifa_http::media::extension(&media.kind)
    ))?];
    for v in variants(&media) {
        files.push(upload_key(&v.file)?);
    }
    remove_all(&state.config().media_store, &files).await;
    Ok(see_other("/admin/media?msg=deleted"))
}
