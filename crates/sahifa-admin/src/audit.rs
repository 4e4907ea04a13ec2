//! The audit trail: who created, published, unpublished, deleted what and when.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Serialize;

use super::{render, require};
use sahifa_http::auth::{Capability, CurrentUser};
use sahifa_http::error::AppError;
use sahifa_http::state::AppState;
use sahifa_site::view;

const PER_PAGE: i64 = 50;

/// Actions with a translated label; others are shown as stored.
const ACTIONS: [&str; 25] = [
    "created",
    "updated",
    "published",
    "unpublished",
    "scheduled",
    "deleted",
    "restored",
    "renamed",
    "role-changed",
    "enabled",
    "disabled",
    "password-changed",
    "password-reset",
    "settings-changed",
    "revoked",
    "sessions-ended",
    "retried",
    "replied",
    "moderated",
    "blocked",
    "exported",
    "erased",
    "comments-opened",
    "comments-closed",
    "uploaded",
];

/// Object kinds with a translated label.
const KINDS: [&str; 11] = [
    "article",
    "category",
    "tag",
    "user",
    "token",
    "media",
    "settings",
    "comment",
    "comments",
    "author",
    "telegram-delivery",
];

/// Where an audited object lives in the admin, when it still can be opened there.
fn object_url(kind: &str, id: Option<i64>) -> Option<String> {
    let id = id?;
    match kind {
        "article" => Some(format!("/admin/articles/{id}")),
        "category" => Some(format!("/admin/categories/{id}")),
        "user" => Some(format!("/admin/users/{id}")),
        _ => None,
    }
}

/// The context of `admin/audit.html`: one page of the trail, newest first.
#[derive(Debug, Serialize)]
struct AuditPage<'a> {
    rows: Vec<AuditRow<'a>>,
    total: i64,
    /// Page links (`null` when there is one page).
    pagination: Option<view::Pagination>,
}

/// One audit entry as the trail's table prints it.
#[derive(Debug, Serialize)]
struct AuditRow<'a> {
    /// Date and time in the site's zone, language and digits.
    when: String,
    at_iso: String,
    /// `None` for the system (the template says so).
    who: Option<&'a str>,
    /// The translated label's key; `action` is shown as stored when there is none.
    action_key: Option<String>,
    action: &'a str,
    kind_key: Option<String>,
    kind: &'a str,
    object_id: Option<i64>,
    url: Option<String>,
    detail: &'a str,
}

/// `GET /admin/audit?page=`.
pub async fn list_audit(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    require(&current, Capability::ViewAudit)?;
    let site = state.site().await?;
    let page = sahifa_site::pages::page_number(&query)?;
    let (entries, total) = state
        .db()
        .audit_entries(PER_PAGE, (page - 1) * PER_PAGE)
        .await?;
    let rows = entries
        .iter()
        .map(|e| AuditRow {
            when: format!(
                "{} {}",
                view::display_date(&site, &e.at),
                sahifa_text::dates::format_time(
                    &e.at.with_timezone(&site.tz),
                    site.lang,
                    site.digits
                )
            ),
            at_iso: e.at.to_rfc3339(),
            who: (!e.user_name.is_empty()).then_some(e.user_name.as_str()),
            action_key: ACTIONS
                .contains(&e.action.as_str())
                .then(|| format!("admin-audit-action-{}", e.action)),
            action: &e.action,
            kind_key: KINDS
                .contains(&e.object_kind.as_str())
                .then(|| format!("admin-audit-kind-{}", e.object_kind)),
            kind: &e.object_kind,
            object_id: e.object_id,
            url: object_url(&e.object_kind, e.object_id),
            detail: &e.detail,
        })
        .collect();
    let pagination = view::paginate("/admin/audit", page, view::page_count(total, PER_PAGE));
    let ctx = AuditPage {
        rows,
        total,
        pagination,
    };
    render(
        &state,
        Some(&current),
        "admin/audit.html",
        "admin-audit-title",
        ctx,
    )
    .await
}
