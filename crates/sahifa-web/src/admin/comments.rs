//! Comment moderation at `/admin/comments` (editors and administrators): the queue with
//! its tabs, bulk actions, editing, staff replies, blocking, the comment settings, the
//! per-article open/closed switch and (administrators) commenter data export and erasure.
//! Every write goes through the store, which bumps the content epoch, so the public page
//! shows each decision on the next request.

use std::collections::HashMap;

use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use sahifa_store::{COMMENT_STATUSES, NewComment};

use super::{FormFields, form_with_csrf, notice, render, require};
use crate::auth::{Capability, CurrentUser};
use crate::comments::{CaptchaMode, CommentSettings, text};
use crate::error::AppError;
use crate::pages::see_other;
use crate::state::AppState;
use crate::{urls, view};

const PER_PAGE: i64 = 50;

fn status_of(query: &HashMap<String, String>) -> &'static str {
    query
        .get("status")
        .and_then(|s| COMMENT_STATUSES.iter().find(|k| **k == s.as_str()))
        .copied()
        .unwrap_or("pending")
}

/// `GET /admin/comments?status=&page=`.
pub async fn list_comments(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    require(&current, Capability::ModerateComments)?;
    let site = state.site().await?;
    let status = status_of(&query);
    let page = crate::pages::page_number(&query)?;
    let db = state.db();
    let (rows, total) = db
        .admin_comments(status, PER_PAGE, (page - 1) * PER_PAGE)
        .await?;
    let counts = db.comment_status_counts().await?;
    let tabs: Vec<Value> = counts
        .iter()
        .map(|(s, n)| {
            json!({"status": s, "count": n, "current": s == status,
                   "url": format!("/admin/comments?status={s}"),
                   "key": format!("admin-comments-tab-{s}")})
        })
        .collect();
    let rows: Vec<Value> = rows
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "name": text::clean(&c.author_name),
                "email": c.email,
                "url": text::safe_url(&c.url),
                "ip": c.ip,
                "html": text::to_html(&c.body),
                "staff": c.is_staff != 0,
                "reason": c.reason,
                "date": view::display_date(&site, &c.created_at),
                "article_title": c.article_title,
                "article_id": c.article_id,
                "article_url": urls::article(&c.article_slug),
                "public_url": format!("{}#comment-{}", urls::article(&c.article_slug), c.id),
            })
        })
        .collect();
    let pages = view::page_count(total, PER_PAGE);
    let ctx = json!({
        "status": status,
        "tabs": tabs,
        "rows": rows,
        "pagination": view::pagination(&format!("/admin/comments?status={status}"), page, pages),
        "notice": notice(&query),
        "can_privacy": crate::auth::permissions::can(&current.user, Capability::ManageUsers),
    });
    render(
        &state,
        Some(&current),
        "admin/comments.html",
        "admin-comments-title",
        ctx,
    )
    .await
}

fn back(fields: &FormFields, msg: &str) -> Response {
    let status = fields.text("status");
    let status = COMMENT_STATUSES
        .iter()
        .find(|s| **s == status)
        .copied()
        .unwrap_or("pending");
    see_other(&format!("/admin/comments?status={status}&msg={msg}"))
}

/// `POST /admin/comments/bulk`: `action` applied to every checked `c{id}` box (one id per
/// field name, because repeated names keep only their last value).
pub async fn bulk(
    State(state): State<AppState>,
    current: CurrentUser,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ModerateComments)?;
    let fields = form_with_csrf(&state, &current, &headers, request).await?;
    let mut ids: Vec<i64> = fields
        .0
        .keys()
        .filter_map(|k| k.strip_prefix('c'))
        .filter_map(|id| id.parse().ok())
        .filter(|id: &i64| *id > 0)
        .collect();
    // A single-row button names its comment directly.
    if let Some(id) = fields.id("id") {
        ids.push(id);
    }
    ids.sort_unstable();
    ids.dedup();
    let db = state.db();
    match fields.text("action").as_str() {
        "approve" => db.set_comments_status(&ids, "approved").await?,
        "unapprove" => db.set_comments_status(&ids, "pending").await?,
        "spam" => db.set_comments_status(&ids, "spam").await?,
        "trash" => db.set_comments_status(&ids, "trash").await?,
        "delete" => db.delete_comments(&ids).await?,
        _ => return Err(AppError::BadRequest),
    };
    db.audit(
        Some((current.user.id, current.user.name.as_str())),
        "moderated",
        "comment",
        ids.first().copied(),
        &format!("{} {:?}", fields.text("action"), ids),
    )
    .await?;
    Ok(back(&fields, "comments-updated"))
}

/// `GET /admin/comments/{id}`: the edit form with a staff reply box.
pub async fn edit_comment(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    require(&current, Capability::ModerateComments)?;
    let c = state
        .db()
        .admin_comment(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let ctx = json!({
        "c": c,
        "html": text::to_html(&c.body),
        "article_url": urls::article(&c.article_slug),
    });
    render(
        &state,
        Some(&current),
        "admin/comment_edit.html",
        "admin-comments-edit-title",
        ctx,
    )
    .await
}

/// `POST /admin/comments/{id}`: saves a moderator's edit.
pub async fn save_comment(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ModerateComments)?;
    let fields = form_with_csrf(&state, &current, &headers, request).await?;
    let name = text::clean(&fields.text("author"));
    let email =
        sahifa_store::normalise_email(&fields.text("email")).map_err(|_| AppError::BadRequest)?;
    let url = text::safe_url(&fields.text("url")).unwrap_or_default();
    let body = text::clean(fields.raw("comment").trim());
    if name.is_empty() || body.is_empty() {
        return Err(AppError::BadRequest);
    }
    if !state
        .db()
        .update_comment(id, &name, &email, &url, &body)
        .await?
    {
        return Err(AppError::NotFound);
    }
    Ok(see_other(&format!("/admin/comments/{id}?msg=saved")))
}

/// `POST /admin/comments/{id}/reply`: a staff reply, approved at once. Replying to a held
/// comment approves it too (a reply under an invisible comment would be an orphan).
pub async fn reply(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ModerateComments)?;
    let fields = form_with_csrf(&state, &current, &headers, request).await?;
    let db = state.db();
    let parent = db.admin_comment(id).await?.ok_or(AppError::NotFound)?;
    let body = text::clean(fields.raw("comment").trim());
    if body.is_empty() {
        return Err(AppError::BadRequest);
    }
    if parent.status != "approved" {
        db.set_comments_status(&[id], "approved").await?;
    }
    db.insert_comment(&NewComment {
        article_id: parent.article_id,
        parent_id: Some(id),
        author_name: current.user.name.clone(),
        email: current.user.email.clone(),
        url: String::new(),
        body,
        status: "approved".into(),
        user_id: Some(current.user.id),
        is_staff: true,
        ip: None,
        user_agent: String::new(),
        reason: "staff".into(),
    })
    .await?;
    Ok(back(&fields, "replied"))
}

/// `POST /admin/comments/{id}/block`: adds the comment's email or IP (`what`) to the
/// disallowed list, so that author's next comments go to spam, and marks this one spam.
pub async fn block(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ModerateComments)?;
    let fields = form_with_csrf(&state, &current, &headers, request).await?;
    let db = state.db();
    let c = db.admin_comment(id).await?.ok_or(AppError::NotFound)?;
    let entry = match fields.text("what").as_str() {
        "email" => c.email.clone(),
        "ip" => c.ip.clone().ok_or(AppError::BadRequest)?,
        _ => return Err(AppError::BadRequest),
    };
    let mut settings = CommentSettings::load(db).await?;
    if !settings
        .disallowed_words
        .lines()
        .any(|l| l.trim().eq_ignore_ascii_case(&entry))
    {
        if !settings.disallowed_words.is_empty() && !settings.disallowed_words.ends_with('\n') {
            settings.disallowed_words.push('\n');
        }
        settings.disallowed_words.push_str(&entry);
        db.set_setting("comments.disallowed_words", &settings.disallowed_words)
            .await?;
    }
    db.set_comments_status(&[id], "spam").await?;
    db.audit(
        Some((current.user.id, current.user.name.as_str())),
        "blocked",
        "comment",
        Some(id),
        &entry,
    )
    .await?;
    Ok(back(&fields, "blocked"))
}

/// `GET /admin/comments/settings`.
pub async fn show_settings(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    require(&current, Capability::ModerateComments)?;
    let s = CommentSettings::load(state.db()).await?;
    let values: HashMap<&str, String> = s
        .pairs()
        .into_iter()
        .map(|(k, v)| (k.trim_start_matches("comments."), v))
        .collect();
    let closed: Vec<Value> = state
        .db()
        .closed_comment_articles()
        .await?
        .into_iter()
        .map(|(id, title, slug)| json!({"id": id, "title": title, "url": urls::article(&slug)}))
        .collect();
    let ctx = json!({
        "s": values,
        "closed": closed,
        "modes": [CaptchaMode::Off.as_str(), CaptchaMode::All.as_str(), CaptchaMode::Anonymous.as_str()],
        "notice": notice(&query),
    });
    render(
        &state,
        Some(&current),
        "admin/comment_settings.html",
        "admin-comments-settings-title",
        ctx,
    )
    .await
}

/// `POST /admin/comments/settings`. Checkboxes absent from the form mean off; numbers are
/// clamped to their ranges by [`CommentSettings::apply`].
pub async fn save_settings(
    State(state): State<AppState>,
    current: CurrentUser,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ModerateComments)?;
    let fields = form_with_csrf(&state, &current, &headers, request).await?;
    let mut s = CommentSettings::load(state.db()).await?;
    for (key, _) in s.pairs() {
        let name = key.trim_start_matches("comments.");
        let value = match name {
            "enabled" | "first_time_hold" | "hold_all" => if fields.0.contains_key(name) {
                "1"
            } else {
                "0"
            }
            .to_string(),
            "moderation_words" | "disallowed_words" => fields.raw(name).replace("\r\n", "\n"),
            _ => match fields.0.get(name) {
                Some(v) => sahifa_text::digits::to_ascii_digits(v.trim()),
                None => continue,
            },
        };
        s.apply(key, &value);
    }
    s.save(state.db()).await?;
    Ok(see_other("/admin/comments/settings?msg=saved"))
}

/// `POST /admin/articles/{id}/comments-open`: `open=1` opens, anything else closes.
pub async fn set_article_open(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ModerateComments)?;
    let fields = form_with_csrf(&state, &current, &headers, request).await?;
    let open = fields.text("open") == "1";
    state
        .db()
        .set_comments_closed(id, !open)
        .await
        .map_err(|e| match e {
            sahifa_store::StoreError::Invalid(_) | sahifa_store::StoreError::MissingReference => {
                AppError::NotFound
            }
            other => other.into(),
        })?;
    let next = fields.text("next");
    // Only admin-internal paths: a form field must not become an open redirect.
    let next = if next.starts_with("/admin/") && !next.starts_with("//") {
        next
    } else {
        "/admin/comments".to_string()
    };
    Ok(see_other(&next))
}

/// `POST /admin/comments/privacy` (administrators): `action=export` downloads every
/// comment written with `email` as JSON; `action=erase` deletes them.
pub async fn privacy(
    State(state): State<AppState>,
    current: CurrentUser,
    headers: HeaderMap,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageUsers)?;
    let fields = form_with_csrf(&state, &current, &headers, request).await?;
    let email =
        sahifa_store::normalise_email(&fields.text("email")).map_err(|_| AppError::BadRequest)?;
    let db = state.db();
    match fields.text("action").as_str() {
        "export" => {
            let rows = db.comments_by_email(&email).await?;
            let body = json!({"email": email, "comments": rows});
            let mut response = axum::Json(body).into_response();
            let h = response.headers_mut();
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            h.insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"comments-export.json\""),
            );
            db.audit(
                Some((current.user.id, current.user.name.as_str())),
                "exported",
                "comment",
                None,
                &email,
            )
            .await?;
            Ok(response)
        }
        "erase" => {
            let n = db.erase_comments_by_email(&email).await?;
            db.audit(
                Some((current.user.id, current.user.name.as_str())),
                "erased",
                "comment",
                None,
                &format!("{email} ({n})"),
            )
            .await?;
            Ok(see_other("/admin/comments?msg=erased"))
        }
        _ => Err(AppError::BadRequest),
    }
}
