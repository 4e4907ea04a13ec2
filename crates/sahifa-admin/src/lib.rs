//! The newsroom admin at `/admin`: server-rendered, Arabic, usable without JavaScript, and
//! the admin JSON API at `/api/v1/admin` ([`api`]).
//!
//! Every handler takes a [`CurrentUser`] (which redirects anonymous visitors to the login
//! page) and checks the permission matrix itself; every POST goes through [`form_with_csrf`]
//! (token + Origin). Templates live in `themes/default/templates/admin/`.

// Server code propagates errors; a panic on input-derived data takes a request down.
#![warn(clippy::unwrap_used)]

pub mod api;
pub mod articles;
pub mod audit;
pub mod author_profile;
pub mod comments;
pub mod dashboard;
pub mod editing;
pub mod forgot;
pub mod front_page;
pub mod login;
pub mod media;
pub mod menus;
pub mod pages;
pub mod revisions;
pub mod settings;
pub mod taxonomy;
pub mod telegram;
pub mod tokens;
pub mod users;

use std::collections::HashMap;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequest};
use axum::routing::{get, post};
use serde::Serialize;

use sahifa_http::auth::permissions::can;
use sahifa_http::auth::{Capability, CurrentUser, csrf};
use sahifa_http::error::AppError;
use sahifa_http::state::AppState;

/// The admin's routes, mounted at `/admin`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::show_dashboard))
        .route("/login", get(login::show_login).post(login::submit_login))
        .route("/logout", post(login::logout))
        .route(
            "/forgot",
            get(forgot::show_forgot).post(forgot::submit_forgot),
        )
        .route(
            "/reset/{token}",
            get(forgot::show_reset).post(forgot::submit_reset),
        )
        .route("/profile", get(login::show_profile))
        .route("/profile/logout-others", post(login::logout_others))
        .route("/profile/author", post(author_profile::save_own))
        .route("/articles", get(articles::list_articles))
        .route(
            "/articles/new",
            get(articles::new_article)
                .post(articles::create_article)
                .layer(DefaultBodyLimit::max(EDITOR_FORM_BODY)),
        )
        .route(
            "/articles/{id}",
            get(articles::edit_article)
                .post(articles::save_article)
                .layer(DefaultBodyLimit::max(EDITOR_FORM_BODY)),
        )
        .route("/articles/{id}/delete", post(articles::delete_article))
        .route(
            "/articles/autosave",
            post(editing::autosave_new).layer(DefaultBodyLimit::max(EDITOR_FORM_BODY)),
        )
        .route(
            "/articles/{id}/autosave",
            post(editing::autosave_article).layer(DefaultBodyLimit::max(EDITOR_FORM_BODY)),
        )
        .route(
            "/articles/autosave/discard",
            post(editing::discard_new_autosave),
        )
        .route(
            "/articles/{id}/autosave/discard",
            post(editing::discard_article_autosave),
        )
        .route("/articles/{id}/lock", post(editing::heartbeat))
        .route("/articles/{id}/take-over", post(editing::take_over))
        .route(
            "/body/clean",
            post(editing::clean_body).layer(DefaultBodyLimit::max(EDITOR_FORM_BODY)),
        )
        .route("/media.json", get(editing::media_picker))
        .route(
            "/articles/{id}/comments-open",
            post(comments::set_article_open),
        )
        .route("/comments", get(comments::list_comments))
        .route("/comments/bulk", post(comments::bulk))
        .route(
            "/comments/settings",
            get(comments::show_settings).post(comments::save_settings),
        )
        .route("/comments/privacy", post(comments::privacy))
        .route(
            "/comments/{id}",
            get(comments::edit_comment).post(comments::save_comment),
        )
        .route("/comments/{id}/reply", post(comments::reply))
        .route("/comments/{id}/block", post(comments::block))
        .route("/articles/{id}/revisions", get(revisions::list_revisions))
        .route("/articles/{id}/revisions/diff", get(revisions::show_diff))
        .route(
            "/articles/{id}/revisions/{rev}/restore",
            post(revisions::restore_revision),
        )
        .route(
            "/categories",
            get(taxonomy::list_categories).post(taxonomy::create_category),
        )
        .route(
            "/categories/{id}",
            get(taxonomy::edit_category).post(taxonomy::save_category),
        )
        .route("/categories/{id}/delete", post(taxonomy::delete_category))
        .route("/pages", get(pages::list_pages))
        .route(
            "/pages/new",
            get(pages::new_page)
                .post(pages::create_page)
                .layer(DefaultBodyLimit::max(EDITOR_FORM_BODY)),
        )
        .route(
            "/pages/{id}",
            get(pages::edit_page)
                .post(pages::save_page)
                .layer(DefaultBodyLimit::max(EDITOR_FORM_BODY)),
        )
        .route("/pages/{id}/delete", post(pages::delete_page))
        .route("/menus", get(menus::show_menus))
        .route("/menus/{location}", post(menus::add_item))
        .route("/menus/items/{id}", post(menus::save_item))
        .route("/menus/items/{id}/up", post(menus::move_up))
        .route("/menus/items/{id}/down", post(menus::move_down))
        .route("/menus/items/{id}/delete", post(menus::delete_item))
        .route("/tags", get(taxonomy::list_tags))
        .route("/tags/{id}", post(taxonomy::rename_tag))
        .route("/tags/{id}/delete", post(taxonomy::delete_tag))
        .route("/users", get(users::list_users))
        .route("/users/new", get(users::new_user).post(users::create_user))
        .route("/users/{id}", get(users::edit_user).post(users::save_user))
        .route("/users/{id}/password", post(users::reset_password))
        .route("/users/{id}/profile", post(author_profile::save_for_user))
        .route("/users/{id}/delete", post(users::delete_user))
        .route(
            "/settings",
            get(settings::show_settings).post(settings::save_settings),
        )
        .route(
            "/front-page",
            get(front_page::show_front_page).post(front_page::save_pins),
        )
        .route("/front-page/breaking", post(front_page::set_breaking))
        .route(
            "/front-page/breaking/{id}/clear",
            post(front_page::clear_breaking),
        )
        .route(
            "/tokens",
            get(tokens::list_tokens).post(tokens::create_token),
        )
        .route("/tokens/{id}/revoke", post(tokens::revoke_token))
        .route("/audit", get(audit::list_audit))
        .route(
            "/media",
            get(media::list_media)
                .post(media::upload_media)
                .layer(axum::extract::DefaultBodyLimit::max(media::MAX_UPLOAD_BODY)),
        )
        .route("/media/{id}", post(media::save_media))
        .route("/media/{id}/delete", post(media::delete_media))
}

/// The largest editor form read: a body at the renderer's limit, every byte of it
/// percent-encoded (an Arabic letter is two UTF-8 bytes, six once encoded), with the other
/// fields beside it. Bodies past the renderer's limit but under this one get the body
/// field's own message; beyond it the whole form is refused as too large, in words.
pub const EDITOR_FORM_BODY: usize = 3 * sahifa_text::markdown::MAX_BODY_BYTES + (1 << 20);

/// A form body as name → value pairs (repeated names keep their last value).
pub struct FormFields(pub HashMap<String, String>);

impl FormFields {
    /// A trimmed field, empty when absent. Characters XML forbids (NUL among them, which
    /// PostgreSQL refuses in text) never leave the form.
    pub fn text(&self, name: &str) -> String {
        self.0
            .get(name)
            .map(|v| sahifa_text::clean::xml_safe(v.trim()).into_owned())
            .unwrap_or_default()
    }

    /// A field kept as typed (Markdown bodies keep their line breaks), less the characters
    /// XML forbids.
    pub fn raw(&self, name: &str) -> String {
        self.0
            .get(name)
            .map(|v| sahifa_text::clean::xml_safe(v).into_owned())
            .unwrap_or_default()
    }

    /// A field parsed as a positive id.
    pub fn id(&self, name: &str) -> Option<i64> {
        sahifa_text::digits::to_ascii_digits(&self.text(name))
            .parse()
            .ok()
            .filter(|n: &i64| *n > 0)
    }
}

/// Reads an urlencoded form and checks its CSRF token (and the request's origin) against
/// the session's.
pub async fn form_with_csrf(
    state: &AppState,
    current: &CurrentUser,
    request: axum::extract::Request,
) -> Result<FormFields, AppError> {
    // Reading the body consumes the request; the origin check needs its headers after.
    let headers = request.headers().clone();
    let (parts, body) = request.into_parts();
    let body = read_form_body(body).await?;
    let request = axum::extract::Request::from_parts(parts, axum::body::Body::from(body));
    // A body that is not a form cannot carry the token: refuse it as a forgery would be.
    // One too large to read is no forgery, and the editor says so in words.
    let axum::Form(fields): axum::Form<Vec<(String, String)>> =
        axum::Form::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::TooLarge("admin-error-form-too-large")
                } else {
                    AppError::Forbidden
                }
            })?;
    let fields: HashMap<String, String> = fields.into_iter().collect();
    csrf::verify(
        state,
        &headers,
        &current.session.csrf_token,
        fields.get(csrf::CSRF_FIELD).map(String::as_str),
    )?;
    Ok(FormFields(fields))
}

/// The most of a too-large form read (and dropped) before answering that it is too large.
/// A server that answers before the client has sent its body, and closes, leaves the
/// client writing into a closed socket: browsers then show a connection error instead of
/// the answer. Only signed-in staff reach this (the session is checked first), and the
/// server's body timeout bounds the time it takes.
const FORM_DRAIN_LIMIT: usize = 32 << 20;

/// A form's body, whole when it fits [`EDITOR_FORM_BODY`]; beyond that it is read to its
/// end (up to [`FORM_DRAIN_LIMIT`]) and refused as too large. The route's own limit
/// applies after, when the form is parsed.
async fn read_form_body(mut body: axum::body::Body) -> Result<axum::body::Bytes, AppError> {
    use axum::body::HttpBody;
    let mut kept: Vec<u8> = Vec::new();
    let mut seen = 0usize;
    loop {
        let frame = std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await;
        let Some(frame) = frame else { break };
        let frame = frame.map_err(|_| AppError::BadRequest)?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen = seen.saturating_add(data.len());
        if seen <= EDITOR_FORM_BODY {
            kept.extend_from_slice(&data);
        } else if seen > FORM_DRAIN_LIMIT {
            break;
        }
    }
    if seen > EDITOR_FORM_BODY {
        return Err(AppError::TooLarge("admin-error-form-too-large"));
    }
    Ok(kept.into())
}

/// Refuses with 403 unless the user has `capability`.
pub fn require(current: &CurrentUser, capability: Capability) -> Result<(), AppError> {
    if can(&current.user, capability) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// One link of the admin navigation (`admin_nav` in `admin/base.html`).
#[derive(Debug, Serialize)]
struct NavItem {
    url: &'static str,
    /// The Fluent key of the link text.
    key: &'static str,
}

/// The admin navigation the user's role allows.
fn nav(current: &CurrentUser) -> Vec<NavItem> {
    let items: Vec<(&str, &str, Option<Capability>)> = vec![
        ("/admin", "admin-nav-dashboard", None),
        ("/admin/articles", "admin-nav-articles", None),
        ("/admin/articles/new", "admin-nav-new-article", None),
        (
            "/admin/front-page",
            "admin-nav-front-page",
            Some(Capability::PublishOthers),
        ),
        (
            "/admin/media",
            "admin-nav-media",
            Some(Capability::UploadMedia),
        ),
        (
            "/admin/comments",
            "admin-nav-comments",
            Some(Capability::ModerateComments),
        ),
        (
            "/admin/categories",
            "admin-nav-categories",
            Some(Capability::ManageTaxonomy),
        ),
        (
            "/admin/tags",
            "admin-nav-tags",
            Some(Capability::ManageTaxonomy),
        ),
        (
            "/admin/pages",
            "admin-nav-pages",
            Some(Capability::ManageTaxonomy),
        ),
        (
            "/admin/menus",
            "admin-nav-menus",
            Some(Capability::ManageTaxonomy),
        ),
        (
            "/admin/users",
            "admin-nav-users",
            Some(Capability::ManageUsers),
        ),
        (
            "/admin/settings",
            "admin-nav-settings",
            Some(Capability::ManageSettings),
        ),
        (
            "/admin/audit",
            "admin-nav-audit",
            Some(Capability::ViewAudit),
        ),
        (
            "/admin/telegram",
            "admin-nav-telegram",
            Some(Capability::PublishOthers),
        ),
        ("/admin/tokens", "admin-nav-tokens", None),
    ];
    items
        .into_iter()
        .filter(|(_, _, cap)| cap.is_none_or(|c| can(&current.user, c)))
        .map(|(url, key, _)| NavItem { url, key })
        .collect()
}

/// [`render`] answering with `status` (a form shown again with errors is a 422, a refused
/// login a 401 or 429).
pub async fn render_with_status<T: Serialize>(
    status: axum::http::StatusCode,
    state: &AppState,
    current: Option<&CurrentUser>,
    template: &str,
    title_key: &str,
    ctx: T,
) -> Result<axum::response::Response, AppError> {
    let mut response = render(state, current, template, title_key, ctx).await?;
    *response.status_mut() = status;
    Ok(response)
}

/// The signed-in user as the admin layout shows them (`me` in `admin/base.html` and
/// `admin/profile.html`).
#[derive(Debug, Serialize)]
struct Me<'a> {
    id: i64,
    name: &'a str,
    email: &'a str,
    role: &'static str,
}

/// What every admin page's layout shows about the signed-in user.
#[derive(Debug, Serialize)]
struct Layout<'a> {
    me: Me<'a>,
    admin_nav: Vec<NavItem>,
}

/// The layout context of `current`'s pages.
fn layout_context(current: &CurrentUser) -> Layout<'_> {
    Layout {
        me: Me {
            id: current.user.id,
            name: &current.user.name,
            email: &current.user.email,
            role: current.user.role.as_str(),
        },
        admin_nav: nav(current),
    }
}

/// The context an admin template receives: the page's own fields, then the title key, the
/// layout and the CSRF token. Flattened in this order, a layout key wins over a page key of
/// the same name, as it always has.
#[derive(Serialize)]
struct PageContext<'a, T> {
    #[serde(flatten)]
    page: &'a T,
    title_key: &'a str,
    #[serde(flatten)]
    layout: Option<Layout<'a>>,
    /// Absent for anonymous pages (the login form carries its own token).
    #[serde(skip_serializing_if = "Option::is_none")]
    csrf: Option<&'a str>,
}

/// Renders an admin page: `ctx` plus the user, the CSRF token and the navigation.
pub async fn render<T: Serialize>(
    state: &AppState,
    current: Option<&CurrentUser>,
    template: &str,
    title_key: &str,
    ctx: T,
) -> Result<axum::response::Response, AppError> {
    let site = state.site().await?;
    let title = format!(
        "{} - {}",
        state.catalog().text(site.lang, title_key),
        site.settings.name
    );
    let ctx = serde_json::to_value(PageContext {
        page: &ctx,
        title_key,
        layout: current.map(layout_context),
        csrf: current.map(|c| c.session.csrf_token.as_str()),
    })
    .map_err(|e| AppError::Internal(format!("admin page context for {template}: {e}")))?;
    let html = sahifa_site::view::render(state, &site, template, &title, None, "/admin", ctx)?;
    let mut response = axum::response::IntoResponse::into_response(axum::response::Html(html));
    // Admin pages show private drafts: never store them in shared or browser caches.
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// The `?msg=` notice key after a redirect, limited to known keys so a link cannot make
/// the admin show arbitrary text.
pub fn notice(query: &HashMap<String, String>) -> Option<&'static str> {
    const KNOWN: [&str; 20] = [
        "admin-notice-saved",
        "admin-notice-deleted",
        "admin-notice-published",
        "admin-notice-submitted",
        "admin-notice-restored",
        "admin-notice-logged-out-others",
        "admin-notice-created",
        "admin-notice-revoked",
        "admin-notice-uploaded",
        "admin-notice-password-changed",
        "admin-notice-comments-updated",
        "admin-notice-blocked",
        "admin-notice-erased",
        "admin-notice-replied",
        "admin-notice-unpublished",
        "admin-notice-autosave-discarded",
        "admin-notice-autosave-restored",
        "admin-notice-lock-taken-over",
        "admin-notice-breaking-set",
        "admin-notice-breaking-cleared",
    ];
    let wanted = query.get("msg")?;
    KNOWN
        .into_iter()
        .find(|k| k.strip_prefix("admin-notice-") == Some(wanted.as_str()))
}

/// Puts the [`crate::telegram::AdminContext`] that the Telegram admin pages expect
/// into the request, from the session; anonymous visitors go to the login page, and a
/// cross-site POST is refused before it reaches them.
pub async fn telegram_context(
    axum::extract::State(state): axum::extract::State<AppState>,
    mut request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    // Mounted under `/admin`, which the router strips from `uri()`: the way back after
    // logging in is the original URI's.
    let path = request
        .extensions()
        .get::<axum::extract::OriginalUri>()
        .map(|uri| &uri.0)
        .unwrap_or(request.uri())
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    match sahifa_http::auth::session::load_session(&state, request.headers()).await {
        Ok(Some(current)) if can(&current.user, Capability::UseAdmin) => {
            // Channel posting is the desk's business: editors and administrators only.
            if !can(&current.user, Capability::PublishOthers) {
                return AppError::Forbidden.into_response();
            }
            if request.method() != axum::http::Method::GET
                && !csrf::same_origin(&state, request.headers())
            {
                return AppError::Forbidden.into_response();
            }
            // The Telegram pages take the layout as a JSON map (their context type is public
            // and built by other mounts too), so it is converted here.
            let layout = match serde_json::to_value(layout_context(&current)) {
                Ok(layout) => layout,
                Err(e) => {
                    return AppError::Internal(format!("admin layout context: {e}"))
                        .into_response();
                }
            };
            request
                .extensions_mut()
                .insert(crate::telegram::AdminContext {
                    user_name: current.user.name.clone(),
                    can_manage_settings: can(&current.user, Capability::ManageSettings),
                    can_retry: can(&current.user, Capability::PublishOthers),
                    csrf_token: current.session.csrf_token.clone(),
                    layout,
                });
            next.run(request).await
        }
        Ok(_) => AppError::LoginRequired(path).into_response(),
        Err(err) => err.into_response(),
    }
}
