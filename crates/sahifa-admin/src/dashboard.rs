//! The admin dashboard: what needs attention now.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::Response;
use serde_json::json;

use sahifa_store::{AdminArticleFilter, ListedStatus};

use super::render;
use sahifa_http::auth::permissions::can;
use sahifa_http::auth::{Capability, CurrentUser};
use sahifa_http::error::AppError;
use sahifa_http::state::AppState;

/// `GET /admin`.
pub async fn show_dashboard(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let site = state.site().await?;
    // Editors see the whole newsroom; authors and contributors their own work.
    let owner = (!can(&current.user, Capability::EditOthersArticles)).then_some(current.user.id);
    let (drafts, pending, scheduled, published) = state.db().article_status_counts(owner).await?;
    let list = |status: ListedStatus| AdminArticleFilter {
        status: Some(status),
        owner_id: owner,
        ..Default::default()
    };
    let mut sections = Vec::new();
    for (status, key) in [
        (ListedStatus::Pending, "admin-status-pending"),
        (ListedStatus::Draft, "admin-status-draft"),
        (ListedStatus::Scheduled, "admin-status-scheduled"),
        (ListedStatus::Published, "admin-latest-published"),
    ] {
        let (rows, _) = state.db().admin_articles(&list(status), 5, 0).await?;
        let rows: Vec<_> = rows
            .iter()
            .map(|r| super::articles::row_view(&site, r))
            .collect();
        sections.push(json!({"status": status, "key": key, "rows": rows}));
    }
    let ctx = json!({
        "counts": {"draft": drafts, "pending": pending, "scheduled": scheduled, "published": published},
        "sections": sections,
        "notice": super::notice(&query),
    });
    // Only moderators get the pending-comments count (the template shows it when defined).
    let mut ctx = ctx;
    if can(&current.user, Capability::ModerateComments) {
        ctx["pending_comments"] = json!(
            state
                .db()
                .comment_status_counts()
                .await?
                .first()
                .map_or(0, |(_, n)| *n)
        );
    }
    render(
        &state,
        Some(&current),
        "admin/dashboard.html",
        "admin-dashboard-title",
        ctx,
    )
    .await
}
