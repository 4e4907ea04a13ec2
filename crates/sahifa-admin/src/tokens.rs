//! Personal API tokens: everyone manages their own, administrators see and revoke all.
//! A new token is shown once, on the page that answers its creation; only its hash is kept.

use std::collections::HashMap;

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

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

/// What a handler asks the tokens page to show besides the list.
struct TokensForm {
    new_secret: Option<String>,
    name: String,
    error: Option<&'static str>,
    status: StatusCode,
    notice: Option<&'static str>,
}

/// The context of `admin/tokens.html`: the list and the create form.
#[derive(Debug, Serialize)]
struct TokensPage<'a> {
    rows: Vec<TokenRow<'a>>,
    /// The list shows every account's tokens (and an owner column).
    all: bool,
    /// A token just created, shown this once.
    new_secret: Option<&'a str>,
    /// The create form's name as typed.
    name: &'a str,
    error: Option<&'static str>,
    notice: Option<&'static str>,
}

/// One token of the list (never its secret).
#[derive(Debug, Serialize)]
struct TokenRow<'a> {
    id: i64,
    name: &'a str,
    prefix: &'a str,
    /// The owner's name; `None` when the list is the user's own.
    owner: Option<&'a str>,
    mine: bool,
    created: String,
    last_used: Option<String>,
    revoked: Option<String>,
}

async fn tokens_page(
    state: &AppState,
    current: &CurrentUser,
    page: TokensForm,
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
    let tokens = db
        .api_tokens(if all { None } else { Some(current.user.id) })
        .await?;
    let rows = tokens
        .iter()
        .map(|t| TokenRow {
            id: t.id,
            name: &t.name,
            prefix: &t.prefix,
            owner: owners.get(&t.user_id).map(String::as_str),
            mine: t.user_id == current.user.id,
            created: view::display_date(&site, &t.created_at),
            last_used: t.last_used_at.map(|at| view::display_date(&site, &at)),
            revoked: t.revoked_at.map(|at| view::display_date(&site, &at)),
        })
        .collect();
    let ctx = TokensPage {
        rows,
        all,
        new_secret: page.new_secret.as_deref(),
        name: &page.name,
        error: page.error,
        notice: page.notice,
    };
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
    let page = TokensForm {
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
    let form = form_with_csrf(&state, &current, request).await?;
    let name = form.text("name");
    let actor = Actor::User(current.user.clone());
    let page = match state
        .newsroom()
        .create_token(&actor, current.user.id, &name)
        .await
    {
        Ok(token) => TokensForm {
            new_secret: Some(token.secret),
            name: String::new(),
            error: None,
            status: StatusCode::OK,
            notice: Some("admin-notice-created"),
        },
        Err(NewsroomError::Invalid(fields)) => TokensForm {
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
    form_with_csrf(&state, &current, request).await?;
    state
        .newsroom()
        .revoke_token(&Actor::User(current.user.clone()), id)
        .await?;
    Ok(see_other("/admin/tokens?msg=revoked"))
}
