//! Personal API tokens: everyone manages their own, administrators see and revoke all.
//! A new token is shown once, on the page that answers its creation; only its hash is kept.

use std::collections::HashMap;

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use sahifa_newsroom::{Actor, NewsroomError};

use super::{form_with_csrf, notice, render_with_status};
use sahifa_http::auth::permissions::can;
use sahifa_http::auth::{Capability, CurrentUser};
use sahifa_http::error::AppError;
use sahifa_http::state::AppState;
use sahifa_site::pages::see_other;
use sahifa_site::view;

/// Whether the list shows every account's tokens: the same right that revokes them.
fn sees_all(current: &CurrentUser) -> bool {
    can(&current.user, Capability::ManageUsers)
}

struct TokensPage {
    new_secret: Option<String>,
    name: String,
    error: Option<&'static str>,
    status: StatusCode,
    notice: Option<&'static str>,
}

async fn tokens_page(
    state: &AppState,
    current: &CurrentUser,
    page: TokensPage,
) -> Result<Response, AppError> {
    let site = state.site().await?;
    let all = sees_all(current);
    let db = state.db();
    let owners: HashMap<i64, String> = if all {
        db.users()
            .await?
            .into_iter()
            .map(|u| (u.id, u.name))
            .collect()
    } else {
        HashMap::new()
    };
    let rows: Vec<Value> = db
        .api_tokens(if all { None } else { Some(current.user.id) })
        .await?
        .iter()
        .map(|t| {
            json!({
                "id": t.id,
                "name": t.name,
                "prefix": t.prefix,
                "owner": owners.get(&t.user_id),
                "mine": t.user_id == current.user.id,
                "created": view::display_date(&site, &t.created_at),
                "last_used": t.last_used_at.map(|at| view::display_date(&site, &at)),
                "revoked": t.revoked_at.map(|at| view::display_date(&site, &at)),
            })
        })
        .collect();
    let ctx = json!({
        "rows": rows,
        "all": all,
        "new_secret": page.new_secret,
        "name": page.name,
        "error": page.error,
        "notice": page.notice,
    });
    render_with_status(
        page.status,
        state,
        Some(current),
        "admin/tokens.html",
        "admin-tokens-title",
        ctx,
    )
    .await
}

/// `GET /admin/tokens`.
pub async fn list_tokens(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let page = TokensPage {
        new_secret: None,
        name: String::new(),
        error: None,
        status: StatusCode::OK,
        notice: notice(&query),
    };
    tokens_page(&state, &current, page).await
}

/// `POST /admin/tokens`: mints a token for the signed-in user and shows it once.
pub async fn create_token(
    State(state): State<AppState>,
    current: CurrentUser,
    request: Request,
) -> Result<Response, AppError> {
    let headers = request.headers().clone();
    let form = form_with_csrf(&state, &current, &headers, request).await?;
    let name = form.text("name");
    let actor = Actor::User(current.user.clone());
    let page = match state
        .newsroom()
        .create_token(&actor, current.user.id, &name)
        .await
    {
        Ok(token) => TokensPage {
            new_secret: Some(token.secret),
            name: String::new(),
            error: None,
            status: StatusCode::OK,
            notice: Some("admin-notice-created"),
        },
        Err(NewsroomError::Invalid(fields)) => TokensPage {
            new_secret: None,
            name,
            error: fields.first().map(|f| f.key),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            notice: None,
        },
        Err(other) => return Err(other.into()),
    };
    tokens_page(&state, &current, page).await
}

/// `POST /admin/tokens/{id}/revoke`: one's own token, or any for an administrator.
pub async fn revoke_token(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    let headers = request.headers().clone();
    form_with_csrf(&state, &current, &headers, request).await?;
    state
        .newsroom()
        .revoke_token(&Actor::User(current.user.clone()), id)
        .await?;
    Ok(see_other("/admin/tokens?msg=revoked"))
}
