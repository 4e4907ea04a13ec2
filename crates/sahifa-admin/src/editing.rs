//! The desk editor's calls from its script: paste cleaning, autosave, the edit lock's
//! heartbeat and take-over, and the media picker. Each is also reachable without script
//! where it matters (take-over and discarding an autosave are plain forms).

use std::collections::{BTreeMap, HashMap};

use axum::Json;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use sahifa_http::auth::{Capability, CurrentUser};
use sahifa_http::error::AppError;
use sahifa_http::responses::see_other;
use sahifa_http::state::AppState;
use sahifa_newsroom::editing::EditLock;
use sahifa_newsroom::rendering::BodyInput;

use super::{form_with_csrf, require};

/// Editor fields an autosave keeps (the rest of a form is buttons and the token).
pub(crate) const AUTOSAVED_FIELDS: &[&str] = &[
    "title",
    "lead",
    "body_html",
    "dateline",
    "source",
    "slug",
    "category_id",
    "author_id",
    "tags",
    "status",
    "publish_date",
    "publish_time",
    "media_id",
];

/// `POST /admin/body/clean`: the `html` field reduced to the body schema, as the editor
/// inserts a paste (the server's sanitiser is the one definition of the schema).
pub async fn clean_body(
    State(state): State<AppState>,
    current: CurrentUser,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::WriteArticles)?;
    let form = form_with_csrf(&state, &current, request).await?;
    let html = sahifa_newsroom::rendering::body_html(&BodyInput::Html(form.raw("html"))).await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        )],
        html,
    )
        .into_response())
}

/// What an autosave answers.
#[derive(Serialize)]
struct AutosaveAnswer {
    saved_at: String,
    /// «حُفظت مسودتك تلقائياً الساعة ١٠:٤٢», in the site's language and digits.
    message: String,
}

/// `POST /admin/articles/autosave`: the writer's new article.
pub async fn autosave_new(
    State(state): State<AppState>,
    current: CurrentUser,
    request: Request,
) -> Result<Response, AppError> {
    autosave(&state, &current, None, request).await
}

/// `POST /admin/articles/{id}/autosave`.
pub async fn autosave_article(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    autosave(&state, &current, Some(id), request).await
}

async fn autosave(
    state: &AppState,
    current: &CurrentUser,
    id: Option<i64>,
    request: Request,
) -> Result<Response, AppError> {
    let form = form_with_csrf(state, current, request).await?;
    let fields: BTreeMap<String, String> = AUTOSAVED_FIELDS
        .iter()
        .filter_map(|name| {
            form.0
                .get(*name)
                .map(|_| (name.to_string(), form.raw(name)))
        })
        .collect();
    let saved_at = state
        .newsroom()
        .autosave(&current.user, id, &fields)
        .await?;
    let site = state.site().await?;
    let time =
        sahifa_text::dates::format_time(&saved_at.with_timezone(&site.tz), site.lang, site.digits);
    let mut args = HashMap::new();
    args.insert("time".to_string(), fluent_arg(&time));
    let message = state.catalog().get(site.lang, "admin-autosaved-at", &args);
    Ok(Json(AutosaveAnswer {
        saved_at: saved_at.to_rfc3339(),
        message,
    })
    .into_response())
}

fn fluent_arg(text: &str) -> sahifa_http::i18n::Arg {
    sahifa_http::i18n::Arg::Text(text.to_string())
}

/// `POST /admin/articles/autosave/discard`.
pub async fn discard_new_autosave(
    State(state): State<AppState>,
    current: CurrentUser,
    request: Request,
) -> Result<Response, AppError> {
    discard_autosave(&state, &current, None, request).await
}

/// `POST /admin/articles/{id}/autosave/discard`.
pub async fn discard_article_autosave(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    discard_autosave(&state, &current, Some(id), request).await
}

async fn discard_autosave(
    state: &AppState,
    current: &CurrentUser,
    id: Option<i64>,
    request: Request,
) -> Result<Response, AppError> {
    form_with_csrf(state, current, request).await?;
    state.newsroom().discard_autosave(&current.user, id).await?;
    Ok(see_other(&match id {
        Some(id) => format!("/admin/articles/{id}?msg=autosave-discarded"),
        None => "/admin/articles/new?msg=autosave-discarded".to_string(),
    }))
}

/// What the lock's heartbeat answers.
#[derive(Serialize)]
struct LockAnswer {
    /// The caller still holds the article.
    mine: bool,
    /// Who does, when not the caller.
    holder: Option<String>,
    /// What the editor tells its writer when the article was taken from them.
    message: Option<String>,
}

/// `POST /admin/articles/{id}/lock`: the editor's heartbeat.
pub async fn heartbeat(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    form_with_csrf(&state, &current, request).await?;
    let lock = state
        .newsroom()
        .hold_for_editing(&current.user, id, false)
        .await?;
    let answer = match lock {
        EditLock::Mine => LockAnswer {
            mine: true,
            holder: None,
            message: None,
        },
        EditLock::HeldBy(holder) => {
            let site = state.site().await?;
            let mut args = HashMap::new();
            args.insert("name".to_string(), fluent_arg(&holder.name));
            LockAnswer {
                mine: false,
                message: Some(state.catalog().get(site.lang, "admin-lock-taken", &args)),
                holder: Some(holder.name),
            }
        }
    };
    Ok(Json(answer).into_response())
}

/// `POST /admin/articles/{id}/take-over`: the second person takes the article.
pub async fn take_over(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    form_with_csrf(&state, &current, request).await?;
    state
        .newsroom()
        .hold_for_editing(&current.user, id, true)
        .await?;
    Ok(see_other(&format!(
        "/admin/articles/{id}?msg=lock-taken-over"
    )))
}

/// One library image for the editor's picker.
#[derive(Serialize)]
struct PickerItem {
    id: i64,
    /// The image as inserted (its largest web variant).
    url: String,
    /// A small variant for the picker's grid.
    thumb: String,
    width: i64,
    height: i64,
    alt: String,
    caption: String,
    credit: String,
}

/// `GET /admin/media.json?page=`: library images for the editor's picker, newest first.
pub async fn media_picker(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    require(&current, Capability::UploadMedia)?;
    const PER_PAGE: i64 = 24;
    let page = sahifa_site::pages::page_number(&query)?;
    let (rows, total) = state
        .db()
        .media_list(PER_PAGE, (page - 1) * PER_PAGE)
        .await?;
    let items: Vec<PickerItem> = rows.iter().map(picker_item).collect();
    Ok((
        StatusCode::OK,
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
        Json(serde_json::json!({
            "items": items,
            "page": page,
            "pages": (total + PER_PAGE - 1) / PER_PAGE,
        })),
    )
        .into_response())
}

fn picker_item(m: &sahifa_store::MediaRow) -> PickerItem {
    let image = super::media::inserted_image(m);
    PickerItem {
        id: m.id,
        url: image.url,
        thumb: image.thumb,
        width: image.width,
        height: image.height,
        alt: m.alt.clone(),
        caption: m.caption.clone(),
        credit: m.credit.clone(),
    }
}

/// The JSON an in-place upload answers (the same shape as a picker item).
pub(crate) fn uploaded_json(m: &sahifa_store::MediaRow) -> Response {
    (StatusCode::CREATED, Json(picker_item(m))).into_response()
}
