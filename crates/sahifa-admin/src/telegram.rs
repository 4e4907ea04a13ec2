//! Admin pages for Telegram channel posting: the settings form and the deliveries list
//! with a retry button. Mount with `admin_routes()` behind the admin's authentication:
//!
//! ```text
//! GET  /telegram                        settings + deliveries (?status=S&page=N)
//! POST /telegram/settings               save the settings form
//! POST /telegram/deliveries/{id}/retry  re-queue a failed or skipped delivery
//! ```
//!
//! The list hides jobs skipped by policy (posting off, excluded category, backdated…)
//! unless asked for with `?status=skipped`; a retry button shows on failed jobs only, the
//! one state where sending again can help. The worker stores its reasons in English for
//! the logs; [`reason`] turns the known ones into catalogue keys at display time.
//!
//! These handlers do no authentication of their own. They require an [`AdminContext`] in
//! the request extensions, put there by the admin's session middleware once it knows the
//! user; without one they answer 403, so a mount outside the middleware fails closed.
//! Every POST must carry the session's CSRF token as the form field `_csrf` (the admin's
//! convention; `csrf_token` is accepted too); it is compared in constant time with
//! [`AdminContext::csrf_token`].

use axum::Router;
use axum::extract::{Extension, Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde::Serialize;
use std::collections::HashMap;

use sahifa_newsroom::telegram::{Retry, TelegramSettingsDraft};
use sahifa_newsroom::{Actor, NewsroomError};
use sahifa_store::DeliveryStatus;
use sahifa_telegram::Overrides;
use sahifa_telegram::settings::{DEFAULT_TEMPLATE, TelegramSettings, parse_ids};

use sahifa_http::error::AppError;
use sahifa_http::state::AppState;
use sahifa_site::view;

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

/// How many of the newest jobs the status filter and its counts look at: the log is for
/// recent trouble, and a bound keeps the page cheap however long the history grows.
const WINDOW: i64 = 2000;

/// The status filters, in the order of the tabs; `None` is «everything but skipped».
const FILTERS: [Option<DeliveryStatus>; 5] = [
    None,
    Some(DeliveryStatus::Failed),
    Some(DeliveryStatus::Pending),
    Some(DeliveryStatus::Sent),
    Some(DeliveryStatus::Skipped),
];

/// The routes, to be nested under the admin prefix (e.g. `/admin`).
pub fn admin_routes() -> Router<AppState> {
    Router::new()
        .route("/telegram", get(show_telegram))
        .route("/telegram/settings", post(save_settings))
        .route("/telegram/deliveries/{id}/retry", post(retry_delivery))
}

/// The themed, translated 403 page (the error-page middleware renders the marker).
fn forbidden() -> Response {
    AppError::Forbidden.into_response()
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

/// The context of `admin/telegram.html` (merged with [`AdminContext::layout`]).
#[derive(Debug, Serialize)]
struct TelegramPage<'a> {
    telegram: TelegramForm<'a>,
    deliveries: Vec<DeliveryRow<'a>>,
    deliveries_page: DeliveriesPager,
    /// The status tabs with their counts.
    filters: Vec<FilterTab>,
    /// Whether the list was cut at [`WINDOW`] jobs (the counts are of the newest ones).
    windowed: bool,
    notice: Option<&'static str>,
    error: Option<&'static str>,
    csrf_token: &'a str,
    /// The same token under the name the admin layout's forms use.
    csrf: &'a str,
}

/// The settings form: the values in effect and which of them the environment fixes.
#[derive(Debug, Serialize)]
struct TelegramForm<'a> {
    enabled: bool,
    /// The bot token's masked form; the token itself never reaches the page.
    token_masked: Option<String>,
    token_from_env: bool,
    channel: &'a str,
    channel_from_env: bool,
    api_base: &'a str,
    api_base_from_env: bool,
    template: &'a str,
    default_template: &'static str,
    edit_updates: bool,
    categories: Vec<ExcludableCategory<'a>>,
    /// May save the form (otherwise it is not shown).
    can_manage: bool,
    /// Relative, so the page works under any admin prefix.
    settings_url: &'static str,
}

/// A category checkbox: posts of an excluded category are not sent to the channel.
#[derive(Debug, Serialize)]
struct ExcludableCategory<'a> {
    id: i64,
    name: &'a str,
    excluded: bool,
}

/// One delivery job of the list.
#[derive(Debug, Serialize)]
struct DeliveryRow<'a> {
    id: i64,
    article_id: i64,
    /// `None` when the article was deleted since.
    title: Option<&'a str>,
    kind: &'static str,
    status: &'static str,
    attempts: i64,
    updated_display: String,
    updated_iso: String,
    /// Why the job is in its state, as a catalogue message.
    reason: Option<reason::Reason>,
    retryable: bool,
    retry_url: String,
}

/// One status tab of the deliveries list.
#[derive(Debug, Serialize)]
struct FilterTab {
    /// The catalogue key of its label.
    key: &'static str,
    count: usize,
    url: &'static str,
    current: bool,
}

/// Newer/older links of the deliveries list.
#[derive(Debug, Serialize)]
struct DeliveriesPager {
    current: i64,
    prev_url: Option<String>,
    next_url: Option<String>,
}

async fn render(
    state: &AppState,
    ctx: &AdminContext,
    query: &HashMap<String, String>,
) -> Result<String, AppError> {
    let site = state.site().await?;
    let db = state.db();
    let settings = TelegramSettings::load(db, &Overrides::from_env()).await?;
    let page = sahifa_site::pages::page_number(query)?;
    let filter = query
        .get("status")
        .and_then(|s| FILTERS.into_iter().flatten().find(|f| f.as_str() == s));
    let deliveries = db.telegram_deliveries(WINDOW, 0).await?;
    let windowed = deliveries.len() as i64 >= WINDOW;
    let shown = |status: DeliveryStatus, filter: Option<DeliveryStatus>| match filter {
        // Sending is on its way, like pending.
        Some(DeliveryStatus::Pending) => {
            matches!(status, DeliveryStatus::Pending | DeliveryStatus::Sending)
        }
        Some(f) => status == f,
        None => status != DeliveryStatus::Skipped,
    };
    let filters = FILTERS
        .into_iter()
        .map(|f| FilterTab {
            key: match f {
                None => "admin-telegram-filter-active",
                Some(DeliveryStatus::Failed) => "admin-telegram-filter-failed",
                Some(DeliveryStatus::Sent) => "admin-telegram-filter-sent",
                Some(DeliveryStatus::Skipped) => "admin-telegram-filter-skipped",
                Some(_) => "admin-telegram-filter-pending",
            },
            count: deliveries
                .iter()
                .filter(|d| shown(d.delivery.status, f))
                .count(),
            url: match f {
                None => "?",
                Some(DeliveryStatus::Failed) => "?status=failed",
                Some(DeliveryStatus::Sent) => "?status=sent",
                Some(DeliveryStatus::Skipped) => "?status=skipped",
                Some(_) => "?status=pending",
            },
            current: f == filter,
        })
        .collect();
    let matching: Vec<_> = deliveries
        .iter()
        .filter(|d| shown(d.delivery.status, filter))
        .collect();
    let start = usize::try_from((page - 1) * PER_PAGE).unwrap_or(usize::MAX);
    let has_next = matching.len() > start.saturating_add(PER_PAGE as usize);
    let rows = matching
        .iter()
        .skip(start)
        .take(PER_PAGE as usize)
        .map(|d| {
            let j = &d.delivery;
            DeliveryRow {
                id: j.id,
                article_id: j.article_id,
                title: d.title.as_deref(),
                kind: j.kind.as_str(),
                status: j.status.as_str(),
                attempts: j.attempts,
                updated_display: view::display_date(&site, &j.updated_at),
                updated_iso: j.updated_at.to_rfc3339(),
                reason: j
                    .last_error
                    .as_deref()
                    .filter(|_| j.status != DeliveryStatus::Sent)
                    .map(reason::Reason::of),
                // A skipped job was skipped by policy, which a retry does not change; a
                // pending or sent one needs nothing.
                retryable: ctx.can_retry && j.status == DeliveryStatus::Failed,
                retry_url: format!("telegram/deliveries/{}/retry", j.id),
            }
        })
        .collect();
    let categories = site
        .categories
        .iter()
        .map(|c| ExcludableCategory {
            id: c.id,
            name: &c.name,
            excluded: settings.excluded_categories.contains(&c.id),
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
    let page = TelegramPage {
        telegram: TelegramForm {
            enabled: settings.enabled,
            token_masked: settings.masked_token(),
            token_from_env: settings.token_from_env,
            channel: &settings.channel,
            channel_from_env: settings.channel_from_env,
            api_base: &settings.api_base,
            api_base_from_env: settings.api_base_from_env,
            template: &settings.template,
            default_template: DEFAULT_TEMPLATE,
            edit_updates: settings.edit_updates,
            categories,
            can_manage: ctx.can_manage_settings,
            settings_url: "telegram/settings",
        },
        deliveries: rows,
        deliveries_page: DeliveriesPager {
            current: page,
            prev_url: (page > 1).then(|| page_url(filter, page - 1)),
            next_url: has_next.then(|| page_url(filter, page + 1)),
        },
        filters,
        windowed,
        notice,
        error,
        csrf_token: &ctx.csrf_token,
        csrf: &ctx.csrf_token,
    };
    let mut ctx_json = serde_json::to_value(&page)
        .map_err(|e| AppError::Internal(format!("telegram page context: {e}")))?;
    // The layout is whatever map the mounting application put in the context: a page key
    // of the same name wins.
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

/// The list's page `page` under `filter`.
fn page_url(filter: Option<DeliveryStatus>, page: i64) -> String {
    match filter {
        Some(f) => format!("?status={}&page={page}", f.as_str()),
        None => format!("?page={page}"),
    }
}

/// `POST /telegram/settings`.
pub async fn save_settings(
    State(state): State<AppState>,
    ctx: Option<Extension<AdminContext>>,
    headers: HeaderMap,
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
    let excluded: Vec<String> = form
        .iter()
        .filter(|(k, _)| k == "exclude")
        .map(|(_, v)| v.clone())
        .collect();
    let draft = TelegramSettingsDraft {
        enabled: field("enabled") == "on",
        bot_token: field("bot_token"),
        clear_token: field("clear_token") == "on",
        channel: field("channel"),
        template: field("template"),
        excluded_categories: parse_ids(&excluded.join(",")),
        edit_updates: field("edit_updates") == "on",
    };
    let actor = match actor(&state, &headers).await {
        Ok(actor) => actor,
        Err(err) => return err.into_response(),
    };
    match state
        .newsroom()
        .save_telegram_settings(&actor, &draft)
        .await
    {
        Ok(update) => {
            // The token itself is never logged.
            tracing::info!(user = %ctx.user_name, enabled = update.enabled, channel = %update.channel, token_changed = update.bot_token.is_some() || update.clear_token, "telegram settings saved");
            see_other("../telegram?notice=saved")
        }
        // The page shows one problem at a time, named in the query.
        Err(NewsroomError::Invalid(fields)) => {
            if fields.iter().any(|f| f.field == "bot_token") {
                see_other("../telegram?error=token")
            } else {
                see_other("../telegram?error=channel")
            }
        }
        Err(err) => AppError::from(err).into_response(),
    }
}

/// Who the use case acts for: the signed-in account. The admin's middleware has just
/// loaded its session, so it is there; an application that mounts these routes with its
/// own [`AdminContext`] and no session vouches for the request itself, and the use case
/// then acts on the operator's authority, the capability checks above having decided.
async fn actor(state: &AppState, headers: &HeaderMap) -> Result<Actor, AppError> {
    Ok(
        match sahifa_http::auth::session::load_session(state, headers).await? {
            Some(current) => Actor::User(current.user),
            None => Actor::System,
        },
    )
}

/// `POST /telegram/deliveries/{id}/retry`.
pub async fn retry_delivery(
    State(state): State<AppState>,
    ctx: Option<Extension<AdminContext>>,
    Path(id): Path<i64>,
    headers: HeaderMap,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let Some(Extension(ctx)) = ctx else {
        return forbidden();
    };
    if !ctx.can_retry || !csrf_ok(&ctx, &form) {
        return forbidden();
    }
    let actor = match actor(&state, &headers).await {
        Ok(actor) => actor,
        Err(err) => return err.into_response(),
    };
    match state.newsroom().retry_delivery(&actor, id).await {
        Ok(Retry::Requeued) => {
            tracing::info!(user = %ctx.user_name, delivery = id, "telegram delivery re-queued");
            see_other("../../../telegram?notice=retried")
        }
        Ok(Retry::NotNeeded) => see_other("../../../telegram"),
        Err(err) => AppError::from(err).into_response(),
    }
}

/// The worker's stored reasons (English, for the logs) as catalogue messages.
mod reason {
    use serde::Serialize;

    /// A reason to show: a catalogue key, with the category's name or the text Telegram
    /// (or the network) gave when the key needs one.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub struct Reason {
        pub key: &'static str,
        /// The `$name` of the message (an excluded category).
        pub name: Option<String>,
        /// Text from outside (Telegram's answer, a network error), shown as is, left to right.
        pub detail: Option<String>,
        /// How many attempts were made before giving up.
        pub attempts: Option<i64>,
    }

    /// Reasons stored word for word by `sahifa-telegram`'s worker.
    const FIXED: [(&str, &str); 10] = [
        ("channel posting is off", "admin-telegram-reason-off"),
        ("channel edits are off", "admin-telegram-reason-edits-off"),
        ("the article was deleted", "admin-telegram-reason-deleted"),
        (
            "the article is not published",
            "admin-telegram-reason-unpublished",
        ),
        (
            "superseded by a newer edit",
            "admin-telegram-reason-superseded",
        ),
        ("no channel post to edit", "admin-telegram-reason-no-post"),
        (
            "the article was never posted to the channel",
            "admin-telegram-reason-never-posted",
        ),
        (
            "waiting for the channel post",
            "admin-telegram-reason-waiting",
        ),
        (
            "not configured: set the bot token and the channel, then retry",
            "admin-telegram-reason-not-configured",
        ),
        (
            "published long before it was saved (import or backdated); not news for the channel",
            "admin-telegram-reason-backdated",
        ),
    ];

    impl Reason {
        fn key(key: &'static str) -> Reason {
            Reason {
                key,
                name: None,
                detail: None,
                attempts: None,
            }
        }

        /// The message for a stored reason; an unknown one is shown as Telegram's words
        /// under a translated heading.
        pub fn of(stored: &str) -> Reason {
            let stored = stored.trim();
            if let Some(rest) = stored.strip_prefix("gave up after ")
                && let Some((count, inner)) = rest.split_once(" attempts: ")
                && let Ok(count) = count.parse::<i64>()
            {
                let inner = Reason::of(inner);
                return Reason {
                    key: "admin-telegram-reason-gave-up",
                    attempts: Some(count),
                    detail: inner.detail.or(inner.name),
                    name: None,
                };
            }
            if let Some((_, key)) = FIXED.iter().find(|(text, _)| *text == stored) {
                return Reason::key(key);
            }
            if let Some(name) = stored
                .strip_prefix("category «")
                .and_then(|r| r.strip_suffix("» is not posted to the channel"))
            {
                return Reason {
                    name: Some(name.to_string()),
                    ..Reason::key("admin-telegram-reason-category")
                };
            }
            for prefix in ["network error reading the answer: ", "network error: "] {
                if let Some(detail) = stored.strip_prefix(prefix) {
                    return Reason {
                        detail: Some(detail.to_string()),
                        ..Reason::key("admin-telegram-reason-network")
                    };
                }
            }
            Reason {
                detail: Some(stored.to_string()),
                ..Reason::key("admin-telegram-reason-telegram")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_reasons_become_catalogue_keys() {
        use reason::Reason;
        assert_eq!(
            Reason::of("channel posting is off").key,
            "admin-telegram-reason-off"
        );
        let category = Reason::of("category «رياضة» is not posted to the channel");
        assert_eq!(category.key, "admin-telegram-reason-category");
        assert_eq!(category.name.as_deref(), Some("رياضة"));
        let gave_up = Reason::of("gave up after 5 attempts: network error: timed out");
        assert_eq!(gave_up.key, "admin-telegram-reason-gave-up");
        assert_eq!(gave_up.attempts, Some(5));
        assert_eq!(gave_up.detail.as_deref(), Some("timed out"));
        let api = Reason::of("400: Bad Request: chat not found");
        assert_eq!(api.key, "admin-telegram-reason-telegram");
        assert_eq!(
            api.detail.as_deref(),
            Some("400: Bad Request: chat not found")
        );
    }

    #[test]
    fn tokens_compare() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("", ""));
        assert!(!same_token("abc", "abcd"));
    }
}
