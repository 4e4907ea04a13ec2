//! The article list and the editor.

use std::collections::HashMap;

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use serde_json::{Value, json};

use sahifa_store::{
    AdminArticleFilter, AdminArticleRow, Article, ArticleInput, ArticleStatus, Image,
};

use super::{FormFields, form_with_csrf, notice, render, render_with_status, require};
use crate::auth::permissions::{can, can_delete_article, can_edit_article, can_set_status};
use crate::auth::{Capability, CurrentUser};
use crate::error::AppError;
use crate::pages::see_other;
use crate::state::{AppState, SiteView};
use crate::{urls, view};

const PER_PAGE: i64 = 20;

/// A list row as the admin templates print it.
pub fn row_view(site: &SiteView, r: &AdminArticleRow) -> Value {
    json!({
        "id": r.id,
        "title": r.title,
        "status": if r.status == "draft" && r.review_requested { "pending" } else { r.status.as_str() },
        "edit_url": format!("/admin/articles/{}", r.id),
        "public_url": (r.status == "published").then(|| urls::article(&r.slug)),
        "owner": r.owner_name,
        "author": r.author_name,
        "category": r.category_name,
        "updated": view::display_date(site, &r.updated_at),
        "published": r.published_at.map(|p| view::display_date(site, &p)),
    })
}

/// `GET /admin/articles?status=&category=&author=&q=&page=`.
pub async fn list_articles(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let site = state.site().await?;
    let page = crate::pages::page_number(&query)?;
    let id = |name: &str| {
        query
            .get(name)
            .and_then(|v| sahifa_text::digits::to_ascii_digits(v).parse::<i64>().ok())
    };
    let mine_only = !can(&current.user, Capability::EditOthersArticles);
    let filter = AdminArticleFilter {
        status: query.get("status").filter(|s| !s.is_empty()).cloned(),
        category_id: id("category"),
        author_id: id("author"),
        owner_id: if mine_only {
            Some(current.user.id)
        } else {
            None
        },
        title_contains: query.get("q").cloned(),
    };
    let (rows, total) = state
        .db()
        .admin_articles(&filter, PER_PAGE, (page - 1) * PER_PAGE)
        .await?;
    let total_pages = view::page_count(total, PER_PAGE);
    let mut base_query: Vec<String> = Vec::new();
    for key in ["status", "category", "author", "q"] {
        if let Some(v) = query.get(key).filter(|v| !v.is_empty()) {
            base_query.push(format!("{key}={}", urls::query_value(v)));
        }
    }
    let base = if base_query.is_empty() {
        "/admin/articles".to_string()
    } else {
        format!("/admin/articles?{}", base_query.join("&"))
    };
    let pagination = view::pagination(&base, page, total_pages);
    let ctx = json!({
        "rows": rows.iter().map(|r| row_view(&site, r)).collect::<Vec<_>>(),
        "total": total,
        "pagination": pagination,
        "filter": {
            "status": filter.status,
            "category": filter.category_id,
            "author": filter.author_id,
            "q": query.get("q"),
        },
        "categories": state.db().categories().await?,
        "authors": state.db().authors().await?,
        "notice": notice(&query),
    });
    render(
        &state,
        Some(&current),
        "admin/articles.html",
        "admin-articles-title",
        ctx,
    )
    .await
}

/// What the editor form holds, typed or loaded.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub(crate) struct EditorValues {
    title: String,
    lead: String,
    body: String,
    dateline: String,
    source: String,
    slug: String,
    category_id: Option<i64>,
    author_id: Option<i64>,
    tags: String,
    status: String,
    publish_date: String,
    publish_time: String,
    media_id: Option<i64>,
}

impl EditorValues {
    fn from_form(form: &FormFields) -> EditorValues {
        EditorValues {
            title: form.text("title"),
            lead: form.text("lead"),
            body: form.raw("body"),
            dateline: form.text("dateline"),
            source: form.text("source"),
            slug: form.text("slug"),
            category_id: form.id("category_id"),
            author_id: form.id("author_id"),
            tags: form.text("tags"),
            status: form.text("status"),
            publish_date: sahifa_text::digits::to_ascii_digits(&form.text("publish_date")),
            publish_time: sahifa_text::digits::to_ascii_digits(&form.text("publish_time")),
            media_id: form.id("media_id"),
        }
    }

    fn from_article(site: &SiteView, a: &Article, media_id: Option<i64>) -> EditorValues {
        let local = a.summary.published_at.map(|p| p.with_timezone(&site.tz));
        EditorValues {
            title: a.summary.title.clone(),
            lead: a.summary.lead.clone(),
            body: a.body_md.clone(),
            dateline: a.dateline.clone().unwrap_or_default(),
            source: a.source.clone().unwrap_or_default(),
            slug: a.summary.slug.clone(),
            category_id: a.summary.category.as_ref().map(|c| c.id),
            author_id: a.summary.author.as_ref().map(|c| c.id),
            tags: a
                .tags
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join("، "),
            status: a.summary.status.as_str().to_string(),
            publish_date: local
                .map(|l| l.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            publish_time: local
                .map(|l| l.format("%H:%M").to_string())
                .unwrap_or_default(),
            media_id,
        }
    }
}

/// The validated article and the chosen media file, or field errors (field → locale key).
async fn validate(
    state: &AppState,
    site: &SiteView,
    values: &EditorValues,
    status: ArticleStatus,
) -> Result<(ArticleInput, Option<i64>), Vec<(&'static str, &'static str)>> {
    let mut errors = Vec::new();
    if values.title.is_empty() {
        errors.push(("title", "admin-error-title-required"));
    } else if values.title.chars().count() > 300 {
        errors.push(("title", "admin-error-title-too-long"));
    }
    if !values.slug.is_empty() && sahifa_text::slug::slugify(&values.slug).is_empty() {
        errors.push(("slug", "admin-error-slug-invalid"));
    }
    let published_at = match parse_local(site, &values.publish_date, &values.publish_time) {
        Ok(at) => at,
        Err(()) => {
            errors.push(("publish_date", "admin-error-date-invalid"));
            None
        }
    };
    if status == ArticleStatus::Scheduled {
        match published_at {
            None => errors.push(("publish_date", "admin-error-schedule-needs-date")),
            Some(at) if at <= Utc::now() => {
                errors.push(("publish_date", "admin-error-schedule-in-past"))
            }
            _ => {}
        }
    }
    let db = state.db();
    if let Some(id) = values.category_id
        && !site.categories.iter().any(|c| c.id == id)
    {
        errors.push(("category_id", "admin-error-unknown-category"));
    }
    if let Some(id) = values.author_id
        && !db
            .authors()
            .await
            .map(|a| a.iter().any(|x| x.id == id))
            .unwrap_or(false)
    {
        errors.push(("author_id", "admin-error-unknown-author"));
    }
    let media = match values.media_id {
        Some(id) => match db.media_by_id(id).await {
            Ok(Some(m)) => Some(m),
            _ => {
                errors.push(("media_id", "admin-error-unknown-media"));
                None
            }
        },
        None => None,
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let tags = values
        .tags
        .split([',', '،'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    let image = media.as_ref().map(|m| Image {
        url: crate::media::original_url(m),
        alt: m.alt.clone(),
        caption: m.caption.clone(),
        width: Some(m.width),
        height: Some(m.height),
    });
    Ok((
        ArticleInput {
            slug: (!values.slug.is_empty()).then(|| values.slug.clone()),
            title: values.title.clone(),
            lead: values.lead.clone(),
            body_md: values.body.clone(),
            dateline: Some(values.dateline.clone()),
            source: Some(values.source.clone()),
            author_id: values.author_id,
            category_id: values.category_id,
            tags,
            status,
            published_at,
            image,
        },
        media.map(|m| m.id),
    ))
}

/// A date and time typed in the site's time zone, as UTC. Both empty means "none".
fn parse_local(site: &SiteView, date: &str, time: &str) -> Result<Option<DateTime<Utc>>, ()> {
    if date.is_empty() && time.is_empty() {
        return Ok(None);
    }
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| ())?;
    let time = if time.is_empty() {
        NaiveTime::MIN
    } else {
        NaiveTime::parse_from_str(time, "%H:%M").map_err(|_| ())?
    };
    // A time skipped by a daylight-saving jump does not exist; an ambiguous one takes the
    // earlier instant.
    site.tz
        .from_local_datetime(&date.and_time(time))
        .earliest()
        .map(|t| Some(t.with_timezone(&Utc)))
        .ok_or(())
}

fn wanted_status(form: &FormFields) -> ArticleStatus {
    match form.text("status").as_str() {
        "published" => ArticleStatus::Published,
        "scheduled" => ArticleStatus::Scheduled,
        _ => ArticleStatus::Draft,
    }
}

struct EditorPage<'a> {
    article_id: Option<i64>,
    values: &'a EditorValues,
    errors: &'a [(&'static str, &'static str)],
    preview: Option<String>,
    public_url: Option<String>,
    pending_review: bool,
    status: StatusCode,
    notice: Option<&'static str>,
}

async fn editor(
    state: &AppState,
    current: &CurrentUser,
    page: EditorPage<'_>,
) -> Result<Response, AppError> {
    let user = &current.user;
    let mut statuses = vec!["draft"];
    if can(user, Capability::PublishOwn) {
        statuses.extend(["scheduled", "published"]);
    }
    let (media, _) = if can(user, Capability::UploadMedia) {
        state.db().media_list(60, 0).await?
    } else {
        (Vec::new(), 0)
    };
    let errors: HashMap<&str, &str> = page.errors.iter().copied().collect();
    let ctx = json!({
        "article_id": page.article_id,
        "action": page.article_id.map(|id| format!("/admin/articles/{id}")).unwrap_or_else(|| "/admin/articles/new".into()),
        "v": page.values,
        "errors": errors,
        "preview_html": page.preview,
        "public_url": page.public_url,
        "pending_review": page.pending_review,
        "statuses": statuses,
        "can_submit_review": !can(user, Capability::PublishOwn),
        "categories": state.db().categories().await?,
        "authors": state.db().authors().await?,
        "media": media.iter().map(|m| json!({"id": m.id, "label": if m.alt.is_empty() { m.original_name.clone() } else { m.alt.clone() }, "thumb": crate::media::thumb_url(m)})).collect::<Vec<_>>(),
        "notice": page.notice,
    });
    let title = if page.article_id.is_some() {
        "admin-edit-article-title"
    } else {
        "admin-new-article-title"
    };
    render_with_status(
        page.status,
        state,
        Some(current),
        "admin/editor.html",
        title,
        ctx,
    )
    .await
}

/// `GET /admin/articles/new`.
pub async fn new_article(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Response, AppError> {
    require(&current, Capability::WriteArticles)?;
    let values = EditorValues {
        status: "draft".into(),
        author_id: current.user.author_id,
        ..Default::default()
    };
    editor(
        &state,
        &current,
        EditorPage {
            article_id: None,
            values: &values,
            errors: &[],
            preview: None,
            public_url: None,
            pending_review: false,
            status: StatusCode::OK,
            notice: None,
        },
    )
    .await
}

/// `GET /admin/articles/{id}`.
pub async fn edit_article(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (article, owner, pending) = load_editable(&state, &current, id).await?;
    let site = state.site().await?;
    let media_id = state.db().article_media_id(id).await?;
    let values = EditorValues::from_article(&site, &article, media_id);
    let public_url = (article.summary.status == ArticleStatus::Published)
        .then(|| urls::article(&article.summary.slug));
    let _ = owner;
    editor(
        &state,
        &current,
        EditorPage {
            article_id: Some(id),
            values: &values,
            errors: &[],
            preview: None,
            public_url,
            pending_review: pending,
            status: StatusCode::OK,
            notice: notice(&query),
        },
    )
    .await
}

/// Loads an article the user may edit: 404 when missing, 403 when not theirs to edit.
pub(crate) async fn load_editable(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
) -> Result<(Article, Option<i64>, bool), AppError> {
    let article = state
        .db()
        .article_by_id(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (owner, pending) = state
        .db()
        .article_admin_flags(id)
        .await?
        .unwrap_or((None, false));
    if !can_edit_article(&current.user, owner, article.summary.status) {
        return Err(AppError::Forbidden);
    }
    Ok((article, owner, pending))
}

/// `POST /admin/articles/new`.
pub async fn create_article(
    State(state): State<AppState>,
    current: CurrentUser,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::WriteArticles)?;
    let headers = request.headers().clone();
    let form = form_with_csrf(&state, &current, &headers, request).await?;
    save(&state, &current, None, &form).await
}

/// `POST /admin/articles/{id}`.
pub async fn save_article(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    let headers = request.headers().clone();
    let form = form_with_csrf(&state, &current, &headers, request).await?;
    load_editable(&state, &current, id).await?;
    save(&state, &current, Some(id), &form).await
}

/// Saves the editor form (or shows the preview / the form again with errors).
async fn save(
    state: &AppState,
    current: &CurrentUser,
    id: Option<i64>,
    form: &FormFields,
) -> Result<Response, AppError> {
    let values = EditorValues::from_form(form);
    let action = form.text("action");
    fn page<'a>(
        id: Option<i64>,
        values: &'a EditorValues,
        errors: &'a [(&'static str, &'static str)],
        preview: Option<String>,
        status: StatusCode,
    ) -> EditorPage<'a> {
        EditorPage {
            article_id: id,
            values,
            errors,
            preview,
            public_url: None,
            pending_review: false,
            status,
            notice: None,
        }
    }
    if action == "preview" {
        let html = sahifa_text::markdown::render_markdown(&values.body);
        return editor(
            state,
            current,
            page(id, &values, &[], Some(html), StatusCode::OK),
        )
        .await;
    }
    let submit_review = action == "submit";
    let status = if submit_review {
        ArticleStatus::Draft
    } else {
        wanted_status(form)
    };
    match apply_save(state, &current.user, id, &values, status, submit_review).await? {
        SaveOutcome::Invalid(errors) => {
            editor(
                state,
                current,
                page(id, &values, &errors, None, StatusCode::UNPROCESSABLE_ENTITY),
            )
            .await
        }
        SaveOutcome::Saved { id, message } => {
            Ok(see_other(&format!("/admin/articles/{id}?msg={message}")))
        }
    }
}

/// What a save came to.
pub(crate) enum SaveOutcome {
    /// Stored; `message` names the notice to show.
    Saved { id: i64, message: &'static str },
    /// Not stored: field → locale key of the problem.
    Invalid(Vec<(&'static str, &'static str)>),
}

/// Creates or updates an article for `user`, with the same permission checks, validation,
/// revision and audit trail whether the request came from the editor or the JSON API.
pub(crate) async fn apply_save(
    state: &AppState,
    user: &sahifa_store::User,
    id: Option<i64>,
    values: &EditorValues,
    status: ArticleStatus,
    submit_review: bool,
) -> Result<SaveOutcome, AppError> {
    let site = state.site().await?;
    let db = state.db();
    let (current_status, owner) = match id {
        Some(id) => {
            let article = db.article_by_id(id).await?.ok_or(AppError::NotFound)?;
            let (owner, _) = db.article_admin_flags(id).await?.unwrap_or((None, false));
            if !can_edit_article(user, owner, article.summary.status) {
                return Err(AppError::Forbidden);
            }
            (Some(article.summary.status), owner)
        }
        None => {
            if !can(user, Capability::WriteArticles) {
                return Err(AppError::Forbidden);
            }
            (None, Some(user.id))
        }
    };
    if !can_set_status(user, owner, current_status, status) {
        return Err(AppError::Forbidden);
    }
    let (input, media_id) = match validate(state, &site, values, status).await {
        Ok(ok) => ok,
        Err(errors) => return Ok(SaveOutcome::Invalid(errors)),
    };
    let who = Some((user.id, user.name.as_str()));
    let article_id = match id {
        None => {
            let id = match db.create_article(&input).await {
                Ok(id) => id,
                Err(err) => return store_error(err),
            };
            db.set_article_owner(id, Some(user.id)).await?;
            db.audit(who, "created", "article", Some(id), &input.title)
                .await?;
            id
        }
        Some(id) => {
            if let Err(err) = db.update_article(id, &input).await {
                return store_error(err);
            }
            id
        }
    };
    db.set_article_media(article_id, media_id).await?;
    db.set_review_requested(article_id, submit_review).await?;
    let saved = db
        .article_by_id(article_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let snapshot = ArticleInput {
        slug: Some(saved.summary.slug.clone()),
        published_at: saved.summary.published_at,
        ..input.clone()
    };
    db.add_revision(article_id, Some(user.id), &snapshot)
        .await?;
    let changed = match (current_status, status) {
        (Some(ArticleStatus::Published), ArticleStatus::Published) => None,
        (_, ArticleStatus::Published) => Some("published"),
        (_, ArticleStatus::Scheduled) if current_status != Some(ArticleStatus::Scheduled) => {
            Some("scheduled")
        }
        (Some(ArticleStatus::Published), _) => Some("unpublished"),
        _ => None,
    };
    if let Some(action) = changed {
        db.audit(who, action, "article", Some(article_id), &input.title)
            .await?;
    }
    let message = if submit_review {
        "submitted"
    } else if changed == Some("published") {
        "published"
    } else {
        "saved"
    };
    Ok(SaveOutcome::Saved {
        id: article_id,
        message,
    })
}

/// A refused write becomes a field error; anything else is a server error.
fn store_error(err: sahifa_store::StoreError) -> Result<SaveOutcome, AppError> {
    match err {
        sahifa_store::StoreError::Invalid("slug") => Ok(SaveOutcome::Invalid(vec![(
            "slug",
            "admin-error-slug-invalid",
        )])),
        sahifa_store::StoreError::Invalid("title") => Ok(SaveOutcome::Invalid(vec![(
            "title",
            "admin-error-title-required",
        )])),
        sahifa_store::StoreError::Invalid(_) | sahifa_store::StoreError::Conflict(_) => Ok(
            SaveOutcome::Invalid(vec![("title", "admin-error-not-saved")]),
        ),
        other => Err(other.into()),
    }
}

/// `POST /admin/articles/{id}/delete`.
pub async fn delete_article(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    let headers = request.headers().clone();
    form_with_csrf(&state, &current, &headers, request).await?;
    let article = state
        .db()
        .article_by_id(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (owner, _) = state
        .db()
        .article_admin_flags(id)
        .await?
        .unwrap_or((None, false));
    if !can_delete_article(&current.user, owner, article.summary.status) {
        return Err(AppError::Forbidden);
    }
    state.db().delete_article(id).await?;
    state
        .db()
        .audit(
            Some((current.user.id, &current.user.name)),
            "deleted",
            "article",
            Some(id),
            &article.summary.title,
        )
        .await?;
    Ok(see_other("/admin/articles?msg=deleted"))
}

/// Editor values from the JSON admin API's fields (same validation as the form).
pub(crate) fn values_from_fields(fields: &FormFields) -> EditorValues {
    EditorValues::from_form(fields)
}

/// The status a form or API request asks for.
pub(crate) fn status_from_fields(fields: &FormFields) -> ArticleStatus {
    wanted_status(fields)
}
