//! Revisions: every save is kept; two can be compared word by word, and any can be restored
//! (restoring is itself a save, so it can be undone the same way).

use std::collections::HashMap;

use axum::extract::{Path, Query, Request, State};
use axum::response::Response;
use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use sahifa_store::{ArticleInput, Revision};

use super::{form_with_csrf, notice, render};
use sahifa_http::auth::CurrentUser;
use sahifa_http::error::AppError;
use sahifa_http::responses::see_other;
use sahifa_http::state::AppState;
use sahifa_newsroom::Actor;
use sahifa_site::view;

async fn editable_revisions(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
) -> Result<(String, Vec<Revision>), AppError> {
    let (article, _, _) = super::articles::load_editable(state, current, id).await?;
    Ok((article.summary.title, state.db().revisions(id).await?))
}

/// The context of `admin/revisions.html`: an article's saves, newest first.
#[derive(Debug, Serialize)]
struct RevisionsPage<'a> {
    article_id: i64,
    article_title: &'a str,
    revisions: Vec<RevisionRow<'a>>,
    notice: Option<&'static str>,
}

/// One save of the article.
#[derive(Debug, Serialize)]
struct RevisionRow<'a> {
    id: i64,
    /// `None` when the account is gone or the save was the system's.
    who: Option<&'a str>,
    when: String,
    title: &'a str,
    status: &'static str,
}

/// The context of `admin/diff.html`: two revisions compared field by field.
#[derive(Debug, Serialize)]
struct DiffPage<'a> {
    article_id: i64,
    article_title: &'a str,
    /// The older and the newer revision's ids.
    old: i64,
    new: i64,
    rows: Vec<DiffRow>,
}

/// One field of the comparison.
#[derive(Debug, Serialize)]
struct DiffRow {
    /// The field label's message key.
    key: &'static str,
    changed: bool,
    spans: Vec<DiffSpan>,
}

/// A run of words the two versions share, or that one of them alone has.
#[derive(Debug, Serialize)]
struct DiffSpan {
    /// `equal`, `insert` or `delete`.
    op: &'static str,
    text: String,
}

/// `GET /admin/articles/{id}/revisions`.
pub async fn list_revisions(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let site = state.site().await?;
    let (title, revisions) = editable_revisions(&state, &current, id).await?;
    let rows = revisions
        .iter()
        .map(|r| RevisionRow {
            id: r.id,
            who: r.user_name.as_deref(),
            when: format!(
                "{} {}",
                view::display_date(&site, &r.created_at),
                sahifa_text::dates::format_time(
                    &r.created_at.with_timezone(&site.tz),
                    site.lang,
                    site.digits
                )
            ),
            title: &r.snapshot.title,
            status: r.snapshot.status.as_str(),
        })
        .collect();
    let ctx = RevisionsPage {
        article_id: id,
        article_title: &title,
        revisions: rows,
        notice: notice(&query),
    };
    render(
        &state,
        Some(&current),
        "admin/revisions.html",
        "admin-revisions-title",
        ctx,
    )
    .await
}

/// A word-level diff of one field.
fn diff_field(old: &str, new: &str) -> Vec<DiffSpan> {
    let diff = TextDiff::from_words(old, new);
    let mut spans: Vec<DiffSpan> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => "equal",
            ChangeTag::Insert => "insert",
            ChangeTag::Delete => "delete",
        };
        // Merge runs of the same kind so the markup stays small.
        if let Some(last) = spans.last_mut()
            && last.op == op
        {
            last.text.push_str(change.value());
            continue;
        }
        spans.push(DiffSpan {
            op,
            text: change.value().to_string(),
        });
    }
    spans
}

fn fields(a: &ArticleInput) -> Vec<(&'static str, String)> {
    vec![
        ("admin-field-title", a.title.clone()),
        ("admin-field-lead", a.lead.clone()),
        (
            "admin-field-dateline",
            a.dateline.clone().unwrap_or_default(),
        ),
        ("admin-field-source", a.source.clone().unwrap_or_default()),
        ("admin-field-slug", a.slug.clone().unwrap_or_default()),
        ("admin-field-status", a.status.as_str().to_string()),
        ("admin-field-tags", a.tags.join("، ")),
        ("admin-field-body", a.body_md.clone()),
    ]
}

/// `GET /admin/articles/{id}/revisions/diff?a=OLD&b=NEW`.
pub async fn show_diff(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (title, revisions) = editable_revisions(&state, &current, id).await?;
    let pick = |name: &str| -> Result<&Revision, AppError> {
        let wanted: i64 = query
            .get(name)
            .and_then(|v| sahifa_text::digits::to_ascii_digits(v).parse().ok())
            .ok_or(AppError::BadRequest)?;
        revisions
            .iter()
            .find(|r| r.id == wanted)
            .ok_or(AppError::NotFound)
    };
    let (a, b) = (pick("a")?, pick("b")?);
    let (old, new) = if a.id <= b.id { (a, b) } else { (b, a) };
    let rows = fields(&old.snapshot)
        .into_iter()
        .zip(fields(&new.snapshot))
        .map(|((key, before), (_, after))| DiffRow {
            key,
            changed: before != after,
            spans: diff_field(&before, &after),
        })
        .collect();
    let ctx = DiffPage {
        article_id: id,
        article_title: &title,
        old: old.id,
        new: new.id,
        rows,
    };
    render(
        &state,
        Some(&current),
        "admin/diff.html",
        "admin-diff-title",
        ctx,
    )
    .await
}

/// `POST /admin/articles/{id}/revisions/{rev}/restore`.
pub async fn restore_revision(
    State(state): State<AppState>,
    current: CurrentUser,
    Path((id, rev)): Path<(i64, i64)>,
    request: Request,
) -> Result<Response, AppError> {
    form_with_csrf(&state, &current, request).await?;
    state
        .newsroom()
        .restore_revision(&Actor::User(current.user.clone()), id, rev)
        .await?;
    Ok(see_other(&format!("/admin/articles/{id}?msg=restored")))
}
