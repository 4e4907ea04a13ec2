//! Admin pages for Telegram channel posting: the settings form and the deliveries list
//! with a retry button. Mount with `admin_routes()` behind the admin's authentication:
//!
//! ```text
//! GET  /telegram                        settings + deliveries (?page=N)
//! POST /telegram/settings               save the settings form
//! POST /telegram/deliveries/{id}/retry  re-queue a failed or skipped delivery
//! ```
//!
//! These handlers do no authentication of their own. They require an [`AdminContext`] in
//! the request extensions, put there by the admin's session middleware once it knows the
//! user; without one they answer 403, so a mount outside the middleware fails closed.
//! Every POST must carry the session's CSRF token as the form field `_csrf` (the admin's
//! convention; `csrf_token` is accepted too); it is compared in constant time with
//! [`AdminContext::csrf_token`].

use axum::Router;
use axum::extract::{Extension, Form, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;
use std::collections::HashMap;

use sahifa_telegram::Overrides;
use sahifa_telegram::settings::DEFAULT_TEMPLATE;
use sahifa_telegram::settings::{
    self, SettingsUpdate, TelegramSettings, normalise_channel, parse_ids, valid_token,
};

use crate::error::AppError;
use crate::state::AppState;
use crate::view;

/// Who is asking, as the admin middleware established it.
#[derive(Debug, Clone)]
pub struct AdminContext {
    /// Display name, shown nowhere here but logged with changes.
    pub user_name: String,
    /// May change the Telegram settings (site administrators).
    pub can_manage_settings: bool,
    /// May retry deliveries (editors and administrators).
    pub can_retry: bool,
    /// The session's CSRF token; forms echo it in `_csrf`.
    pub csrf_token: String,
    /// The admin layout's shared context (`me`, `admin_nav`), merged into the page.
    pub layout: serde_json::Value,
}

/// Deliveries per page of the list.
const PER_PAGE: i64 = 50;

/// The routes, to be nested under the admin prefix (e.g. `/admin`).
pub fn admin_routes() -> Router<AppState> {
    Router::new()
        .route("/telegram", get(show_telegram))
        .route("/telegram/settings", post(save_settings))
        .route("/telegram/deliveries/{id}/retry", post(retry_delivery))
}

fn forbidden() -> Response {
    (
        StatusCode::FORBIDDEN,
        [(header::CACHE_CONTROL, "no-store")],
        "forbidden",
    )
        .into_response()
}

/// Constant-time comparison, so the token cannot be guessed byte by byte from timings.
fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && !a.is_empty()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn csrf_ok(ctx: &AdminContext, form: &[(String, String)]) -> bool {
    form.iter()
        .find(|(k, _)| k == "_csrf" || k == "csrf_token")
        .is_some_and(|(_, v)| same_token(v, &ctx.csrf_token))
}

/// 303 to a path relative to the request, so the page works under any admin prefix.
fn see_other(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(value) => (StatusCode::SEE_OTHER, [(header::LOCATION, value)]).into_response(),
        Err(_) => AppError::BadRequest.into_response(),
    }
}

/// `GET /telegram`.
pub async fn show_telegram(
    State(state): State<AppState>,
    ctx: Option<Extension<AdminContext>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(Extension(ctx)) = ctx else {
        return forbidden();
    };
    match render(&state, &ctx, &query).await {
        Ok(html) => ([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response(),
        Err(err) => err.into_response(),
    }
}

async fn render(
    state: &AppState,
    ctx: &AdminContext,
    query: &HashMap<String, String>,
) -> Result<String, AppError> {
    let site = state.site().await?;
    let db = state.db();
    let settings = TelegramSettings::load(db, &Overrides::from_env()).await?;
    let page = crate::pages::page_number(query)?;
    let deliveries = db
        .telegram_deliveries(PER_PAGE + 1, (page - 1) * PER_PAGE)
        .await?;
    let has_next = deliveries.len() as i64 > PER_PAGE;
    let rows: Vec<_> = deliveries
        .iter()
        .take(PER_PAGE as usize)
        .map(|d| {
            let j = &d.delivery;
            json!({
                "id": j.id,
                "article_id": j.article_id,
                "title": d.title,
                "kind": j.kind,
                "status": j.status,
                "attempts": j.attempts,
                "updated_display": view::display_date(&site, &j.updated_at),
                "updated_iso": j.updated_at.to_rfc3339(),
                "error": j.last_error,
                "retryable": ctx.can_retry && (j.status == "failed" || j.status == "skipped"),
                "retry_url": format!("telegram/deliveries/{}/retry", j.id),
            })
        })
        .collect();
    let categories: Vec<_> = site
        .categories
        .iter()
        .map(|c| {
            json!({
                "id": c.id,
                "name": c.name,
                "excluded": settings.excluded_categories.contains(&c.id),
            })
        })
        .collect();
    let notice = query.get("notice").and_then(|n| match n.as_str() {
        "saved" => Some("admin-telegram-saved"),
        "retried" => Some("admin-telegram-retried"),
        _ => None,
    });
    let error = query.get("error").and_then(|n| match n.as_str() {
        "token" => Some("admin-telegram-invalid-token"),
        "channel" => Some("admin-telegram-invalid-channel"),
        _ => None,
    });
    let title = format!(
        "{} - {}",
        state.catalog().text(site.lang, "admin-telegram-title"),
        site.settings.name
    );
    let ctx_json = json!({
        "telegram": {
            "enabled": settings.enabled,
            "token_masked": settings.masked_token(),
            "token_from_env": settings.token_from_env,
            "channel": settings.channel,
            "channel_from_env": settings.channel_from_env,
            "api_base": settings.api_base,
            "api_base_from_env": settings.api_base_from_env,
            "template": settings.template,
            "default_template": DEFAULT_TEMPLATE,
            "edit_updates": settings.edit_updates,
            "categories": categories,
            "can_manage": ctx.can_manage_settings,
            "settings_url": "telegram/settings",
        },
        "deliveries": rows,
        "deliveries_page": {
            "current": page,
            "prev_url": (page > 1).then(|| format!("?page={}", page - 1)),
            "next_url": has_next.then(|| format!("?page={}", page + 1)),
        },
        "notice": notice,
        "error": error,
        "csrf_token": ctx.csrf_token,
        "csrf": ctx.csrf_token,
    });
    let mut ctx_json = ctx_json;
    if let (serde_json::Value::Object(target), serde_json::Value::Object(layout)) =
        (&mut ctx_json, &ctx.layout)
    {
        for (k, v) in layout {
            target.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    view::render(
        state,
        &site,
        "admin/telegram.html",
        &title,
        None,
        "/admin/telegram",
        ctx_json,
    )
}

/// `POST /telegram/settings`.
pub async fn save_settings(
    State(state): State<AppState>,
    ctx: Option<Extension<AdminContext>>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let Some(Extension(ctx)) = ctx else {
        return forbidden();
    };
    if !ctx.can_manage_settings || !csrf_ok(&ctx, &form) {
        return forbidden();
    }
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let token = field("bot_token");
    if !token.is_empty() && !valid_token(&token) {
        return see_other("../telegram?error=token");
    }
    let Some(channel) = normalise_channel(&field("channel")) else {
        return see_other("../telegram?error=channel");
    };
    let excluded: Vec<String> = form
        .iter()
        .filter(|(k, _)| k == "exclude")
        .map(|(_, v)| v.clone())
        .collect();
    let template = field("template");
    let update = SettingsUpdate {
        enabled: field("enabled") == "on",
        bot_token: (!token.is_empty()).then_some(token),
        clear_token: field("clear_token") == "on",
        channel,
        template: if template == DEFAULT_TEMPLATE {
            String::new()
        } else {
            template
        },
        excluded_categories: parse_ids(&excluded.join(",")),
        edit_updates: field("edit_updates") == "on",
    };
    match settings::save(state.db(), &update).await {
        Ok(()) => {
            // The token itself is never logged.
            tracing::info!(user = %ctx.user_name, enabled = update.enabled, channel = %update.channel, token_changed = update.bot_token.is_some() || update.clear_token, "telegram settings saved");
            see_other("../telegram?notice=saved")
        }
        Err(err) => AppError::from(err).into_response(),
    }
}

/// `POST /telegram/deliveries/{id}/retry`.
pub async fn retry_delivery(
    State(state): State<AppState>,
    ctx: Option<Extension<AdminContext>>,
    Path(id): Path<i64>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let Some(Extension(ctx)) = ctx else {
        return forbidden();
    };
    if !ctx.can_retry || !csrf_ok(&ctx, &form) {
        return forbidden();
    }
    match state.db().retry_telegram_delivery(id).await {
        Ok(true) => {
            tracing::info!(user = %ctx.user_name, delivery = id, "telegram delivery re-queued");
            see_other("../../../telegram?notice=retried")
        }
        Ok(false) => see_other("../../../telegram"),
        Err(err) => AppError::from(err).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("", ""));
        assert!(!same_token("abc", "abcd"));
    }
}
