//! Comment moderation at `/admin/comments` (editors and administrators): the queue with
//! its tabs, bulk actions, editing, staff replies, blocking, the comment settings, the
//! per-article open/closed switch and (administrators) commenter data export and erasure.
//! Every write is a newsroom use case (permission, audit entry and content epoch in one
//! transaction), so the public page shows each decision on the next request.

use std::collections::HashMap;

use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use sahifa_newsroom::Actor;
use sahifa_newsroom::comments::{BlockTarget, CommentEdit, Moderation};
use sahifa_store::{AdminComment, CommentStatus};

use super::{FormFields, form_with_csrf, notice, render, require};
use sahifa_http::auth::{Capability, CurrentUser};
use sahifa_http::error::AppError;
use sahifa_http::i18n::Arg;
use sahifa_http::state::AppState;
use sahifa_http::urls;
use sahifa_site::comments::{CaptchaMode, CommentSettings, text};
use sahifa_site::pages::see_other;
use sahifa_site::view;
use sahifa_text::dates::Lang;

const PER_PAGE: i64 = 50;

/// A stored filter reason as a catalogue key and its arguments. The pipeline stores the
/// reason in English (`first comment`, `2 links`, `moderation word: ...`); the queue shows
/// it in the site's language. `None` for a reason this version does not know.
fn reason_message(stored: &str) -> Option<(&'static str, HashMap<String, Arg>)> {
    let word = |w: &str| HashMap::from([("word".to_string(), Arg::Text(w.trim().to_string()))]);
    match stored {
        "" => None,
        "first comment" => Some(("admin-comments-reason-first-comment", HashMap::new())),
        "hold all" => Some(("admin-comments-reason-hold-all", HashMap::new())),
        "staff" => Some(("admin-comments-reason-staff", HashMap::new())),
        _ => {
            if let Some(w) = stored.strip_prefix("moderation word:") {
                Some(("admin-comments-reason-moderation-word", word(w)))
            } else if let Some(w) = stored.strip_prefix("disallowed:") {
                Some(("admin-comments-reason-disallowed", word(w)))
            } else {
                let n: i64 = stored.strip_suffix(" links")?.trim().parse().ok()?;
                Some((
                    "admin-comments-reason-links",
                    HashMap::from([("count".to_string(), Arg::Number(n))]),
                ))
            }
        }
    }
}

/// The reason as the queue prints it; an unknown one is shown as stored.
fn reason_text(state: &AppState, lang: Lang, stored: &str) -> String {
    match reason_message(stored) {
        Some((key, args)) => state.catalog().get(lang, key, &args),
        None => stored.to_string(),
    }
}

fn status_of(query: &HashMap<String, String>) -> CommentStatus {
    query
        .get("status")
        .map_or(CommentStatus::Pending, |s| CommentStatus::parse(s))
}

fn actor(current: &CurrentUser) -> Actor {
    Actor::User(current.user.clone())
}

/// The context of `admin/comments.html`: the moderation queue of one status.
#[derive(Debug, Serialize)]
struct CommentListPage<'a> {
    /// The tab shown (`pending`, `approved`, `spam`, `trash`).
    status: &'static str,
    tabs: Vec<CommentTab>,
    rows: Vec<CommentRow<'a>>,
    /// Page links (`null` when there is one page).
    pagination: Option<view::Pagination>,
    notice: Option<&'static str>,
    /// The export/erase panel is for administrators.
    can_privacy: bool,
}

/// One status tab of the queue, with its count.
#[derive(Debug, Serialize)]
struct CommentTab {
    status: &'static str,
    count: i64,
    current: bool,
    url: String,
    /// The label's message key.
    key: String,
}

/// One comment in the queue.
#[derive(Debug, Serialize)]
struct CommentRow<'a> {
    id: i64,
    name: String,
    email: &'a str,
    /// The commenter's link, `None` unless it is a safe http(s) URL.
    url: Option<String>,
    ip: Option<&'a str>,
    /// The body as sanitised HTML.
    html: String,
    staff: bool,
    /// Why the filters held it, in the site's language; empty when they did not.
    reason: String,
    date: String,
    article_title: &'a str,
    article_id: i64,
    article_url: String,
    public_url: String,
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
    let page = sahifa_site::pages::page_number(&query)?;
    let db = state.db();
    let (rows, total) = db
        .admin_comments(status, PER_PAGE, (page - 1) * PER_PAGE)
        .await?;
    let counts = db.comment_status_counts().await?;
    let tabs = counts
        .iter()
        .map(|(s, n)| {
            let s = s.as_str();
            CommentTab {
                status: s,
                count: *n,
                current: s == status.as_str(),
                url: format!("/admin/comments?status={s}"),
                key: format!("admin-comments-tab-{s}"),
            }
        })
        .collect();
    let rows = rows
        .iter()
        .map(|c| CommentRow {
            id: c.id,
            name: text::clean(&c.author_name),
            email: &c.email,
            url: text::safe_url(&c.url),
            ip: c.ip.as_deref(),
            html: text::to_html(&c.body),
            staff: c.is_staff != 0,
            reason: reason_text(&state, site.lang, &c.reason),
            date: view::display_date(&site, &c.created_at),
            article_title: &c.article_title,
            article_id: c.article_id,
            article_url: urls::article(&c.article_slug),
            public_url: format!("{}#comment-{}", urls::article(&c.article_slug), c.id),
        })
        .collect();
    let pages = view::page_count(total, PER_PAGE);
    let status = status.as_str();
    let ctx = CommentListPage {
        status,
        tabs,
        rows,
        pagination: view::paginate(&format!("/admin/comments?status={status}"), page, pages),
        notice: notice(&query),
        can_privacy: sahifa_http::auth::permissions::can(&current.user, Capability::ManageUsers),
    };
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
    let status = CommentStatus::parse(&fields.text("status")).as_str();
    see_other(&format!("/admin/comments?status={status}&msg={msg}"))
}

/// `POST /admin/comments/bulk`: `action` applied to every checked `c{id}` box (one id per
/// field name, because repeated names keep only their last value).
pub async fn bulk(
    State(state): State<AppState>,
    current: CurrentUser,
    request: Request,
) -> Result<Response, AppError> {
    let fields = form_with_csrf(&state, &current, request).await?;
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
    let action = Moderation::parse(&fields.text("action")).ok_or(AppError::BadRequest)?;
    state
        .newsroom()
        .moderate_comments(&actor(&current), &ids, action)
        .await?;
    Ok(back(&fields, "comments-updated"))
}

/// The context of `admin/comment_edit.html`: one comment's edit form.
#[derive(Debug, Serialize)]
struct CommentEditPage<'a> {
    c: &'a AdminComment,
    html: String,
    article_url: String,
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
    let ctx = CommentEditPage {
        c: &c,
        html: text::to_html(&c.body),
        article_url: urls::article(&c.article_slug),
    };
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
    request: Request,
) -> Result<Response, AppError> {
    let fields = form_with_csrf(&state, &current, request).await?;
    let edit = CommentEdit {
        author_name: fields.text("author"),
        email: fields.text("email"),
        url: fields.text("url"),
        body: fields.raw("comment"),
    };
    state
        .newsroom()
        .edit_comment(&actor(&current), id, &edit)
        .await?;
    Ok(see_other(&format!("/admin/comments/{id}?msg=saved")))
}

/// `POST /admin/comments/{id}/reply`: a staff reply, approved at once. Replying to a held
/// comment approves it too (a reply under an invisible comment would be an orphan).
pub async fn reply(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    let fields = form_with_csrf(&state, &current, request).await?;
    state
        .newsroom()
        .reply_to_comment(&actor(&current), id, &fields.raw("comment"))
        .await?;
    Ok(back(&fields, "replied"))
}

/// `POST /admin/comments/{id}/block`: adds the comment's email or IP (`what`) to the
/// disallowed list, so that author's next comments go to spam, and marks this one spam.
pub async fn block(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    let fields = form_with_csrf(&state, &current, request).await?;
    let target = match fields.text("what").as_str() {
        "email" => BlockTarget::Email,
        "ip" => BlockTarget::Ip,
        _ => return Err(AppError::BadRequest),
    };
    state
        .newsroom()
        .block_commenter(&actor(&current), id, target)
        .await?;
    Ok(back(&fields, "blocked"))
}

/// The context of `admin/comment_settings.html`.
#[derive(Debug, Serialize)]
struct CommentSettingsPage {
    /// Every comment setting by its key without the `comments.` prefix, as stored text.
    s: HashMap<&'static str, String>,
    /// The articles whose comments were closed by hand.
    closed: Vec<ClosedArticle>,
    /// The captcha modes to choose from.
    modes: [&'static str; 3],
    notice: Option<&'static str>,
}

/// An article with comments closed, listed with a button to reopen them.
#[derive(Debug, Serialize)]
struct ClosedArticle {
    id: i64,
    title: String,
    url: String,
}

/// A commenter's data as `POST /admin/comments/privacy` (`action=export`) downloads it.
#[derive(Debug, Serialize)]
struct CommentExport<'a> {
    email: &'a str,
    comments: &'a [AdminComment],
}

/// `GET /admin/comments/settings`.
pub async fn show_settings(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    require(&current, Capability::ModerateComments)?;
    let s = CommentSettings::load(state.db()).await?;
    let values: HashMap<&'static str, String> = s
        .pairs()
        .into_iter()
        .map(|(k, v)| (k.trim_start_matches("comments."), v))
        .collect();
    let closed = state
        .db()
        .closed_comment_articles()
        .await?
        .into_iter()
        .map(|(id, title, slug)| ClosedArticle {
            id,
            title,
            url: urls::article(&slug),
        })
        .collect();
    let ctx = CommentSettingsPage {
        s: values,
        closed,
        modes: [
            CaptchaMode::Off.as_str(),
            CaptchaMode::All.as_str(),
            CaptchaMode::Anonymous.as_str(),
        ],
        notice: notice(&query),
    };
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
    request: Request,
) -> Result<Response, AppError> {
    let fields = form_with_csrf(&state, &current, request).await?;
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
    state
        .newsroom()
        .save_comment_settings(&actor(&current), &s)
        .await?;
    Ok(see_other("/admin/comments/settings?msg=saved"))
}

/// `POST /admin/articles/{id}/comments-open`: `open=1` opens, anything else closes.
pub async fn set_article_open(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    let fields = form_with_csrf(&state, &current, request).await?;
    let open = fields.text("open") == "1";
    state
        .newsroom()
        .set_comments_open(&actor(&current), id, open)
        .await?;
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
    request: Request,
) -> Result<Response, AppError> {
    let fields = form_with_csrf(&state, &current, request).await?;
    let email = fields.text("email");
    match fields.text("action").as_str() {
        "export" => {
            let rows = state
                .newsroom()
                .export_comments(&actor(&current), &email)
                .await?;
            let email = sahifa_newsroom::users::normalise_email(&email).unwrap_or(email);
            let body = CommentExport {
                email: &email,
                comments: &rows,
            };
            let mut response = axum::Json(body).into_response();
            let h = response.headers_mut();
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            h.insert(
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"comments-export.json\""),
            );
            Ok(response)
        }
        "erase" => {
            state
                .newsroom()
                .erase_comments(&actor(&current), &email)
                .await?;
            Ok(see_other("/admin/comments?msg=erased"))
        }
        _ => Err(AppError::BadRequest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_reasons_become_catalogue_keys() {
        let key = |s| reason_message(s).map(|(k, _)| k);
        assert_eq!(
            key("first comment"),
            Some("admin-comments-reason-first-comment")
        );
        assert_eq!(key("3 links"), Some("admin-comments-reason-links"));
        assert_eq!(
            key("moderation word: اعلان"),
            Some("admin-comments-reason-moderation-word")
        );
        assert_eq!(
            key("disallowed: كازينو"),
            Some("admin-comments-reason-disallowed")
        );
        assert_eq!(key(""), None);
        assert_eq!(key("something new"), None);
    }
}
