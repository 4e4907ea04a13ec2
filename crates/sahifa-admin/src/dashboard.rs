//! The admin dashboard: what needs attention now.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::Response;
use serde::Serialize;

use sahifa_store::{AdminArticleFilter, ListedStatus};

use super::articles::{ArticleRow, row_view};
use super::render;
use sahifa_http::auth::permissions::can;
use sahifa_http::auth::{Capability, CurrentUser};
use sahifa_http::error::AppError;
use sahifa_http::state::AppState;

/// The context of `admin/dashboard.html`.
#[derive(Debug, Serialize)]
struct DashboardPage<'a> {
    counts: StatusCounts,
    sections: Vec<DashboardSection<'a>>,
    notice: Option<&'static str>,
    /// Moderators only: the template shows the count when the key is defined at all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pending_comments: Option<i64>,
}

/// How many of the user's (or, for editors, the newsroom's) articles are in each status.
#[derive(Debug, Serialize)]
struct StatusCounts {
    draft: i64,
    pending: i64,
    scheduled: i64,
    published: i64,
}

/// The newest few articles of one status.
#[derive(Debug, Serialize)]
struct DashboardSection<'a> {
    status: ListedStatus,
    /// The heading's message key.
    key: &'static str,
    rows: Vec<ArticleRow<'a>>,
}

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
    let mut fetched = Vec::new();
    for (status, key) in [
        (ListedStatus::Pending, "admin-status-pending"),
        (ListedStatus::Draft, "admin-status-draft"),
        (ListedStatus::Scheduled, "admin-status-scheduled"),
        (ListedStatus::Published, "admin-latest-published"),
    ] {
        let (rows, _) = state.db().admin_articles(&list(status), 5, 0).await?;
        fetched.push((status, key, rows));
    }
    let pending_comments = if can(&current.user, Capability::ModerateComments) {
        Some(
            state
                .db()
                .comment_status_counts()
                .await?
                .first()
                .map_or(0, |(_, n)| *n),
        )
    } else {
        None
    };
    let ctx = DashboardPage {
        counts: StatusCounts {
            draft: drafts,
            pending,
            scheduled,
            published,
        },
        sections: fetched
            .iter()
            .map(|(status, key, rows)| DashboardSection {
                status: *status,
                key,
                rows: rows.iter().map(|r| row_view(&site, r)).collect(),
            })
            .collect(),
        notice: super::notice(&query),
        pending_comments,
    };
    render(
        &state,
        Some(&current),
        "admin/dashboard.html",
        "admin-dashboard-title",
        ctx,
    )
    .await
}
