//! Reader comments on articles: the public thread, the form, the CAPTCHA and the spam
//! pipeline. Moderation lives in `crate::admin::comments`.
//!
//! Caching: the article page (cached per content epoch) carries the approved thread and a
//! form with no per-reader data and no challenge. The challenge expires, so it never sits
//! in a cached page: with JavaScript, site.js fetches one from
//! `GET /api/v1/comments/challenge` and inserts it, so one POST suffices; without it, the
//! first POST to `/article/{slug}/comments` answers with an uncached page that keeps what
//! the reader typed and asks the question, and the second POST carries the answer. The
//! same signed token times the minimum time-to-submit. Approving a comment bumps the
//! epoch, so the next request renders the page with it.

pub mod captcha;
pub mod settings;
pub mod text;

use std::collections::HashMap;

use axum::Json;
use axum::extract::{FromRequest, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use sahifa_store::{Article, NewComment, PublicComment};

pub use settings::{CaptchaMode, CommentSettings, captcha_key};

use crate::auth::permissions::can;
use crate::auth::{Capability, CurrentUser};
use crate::error::AppError;
use crate::pages::{Rendered, serve_page};
use crate::state::{AppState, SiteView};
use crate::{urls, view};

/// Name of the opt-in "remember me" cookie (read by site.js to prefill the cached form).
pub const REMEMBER_COOKIE: &str = "sahifa_commenter";
/// The honeypot field: hidden from people, tempting to bots.
pub const HONEYPOT_FIELD: &str = "hp_contact";
/// Longest author name, email and website accepted.
const MAX_NAME: usize = 100;
const MAX_EMAIL: usize = 254;
const MAX_URL: usize = 200;

/// The comments path of an article.
pub fn comments_url(slug: &str) -> String {
    format!("{}/comments", urls::article(slug))
}

/// Whether comments on `article` are closed: switched off site-wide, past the N-day window
/// after publication, or closed by hand for this article.
async fn is_closed(
    state: &AppState,
    settings: &CommentSettings,
    article: &Article,
) -> Result<bool, AppError> {
    if !settings.enabled {
        return Ok(true);
    }
    if settings.close_after_days > 0
        && let Some(published) = article.summary.published_at
        && published + chrono::Duration::days(settings.close_after_days) < Utc::now()
    {
        return Ok(true);
    }
    Ok(state.db().comments_closed(article.summary.id).await?)
}

/// One comment as the thread shows it.
fn comment_view(
    site: &SiteView,
    slug: &str,
    c: &PublicComment,
    depth: i64,
    can_reply: bool,
) -> Value {
    let local = c.created_at.with_timezone(&site.tz);
    json!({
        "id": c.id,
        "name": text::clean(&c.author_name),
        "url": text::safe_url(&c.url),
        "html": text::to_html(&c.body),
        "date": view::display_date(site, &c.created_at),
        "hijri": sahifa_text::dates::format_hijri(local.date_naive(), site.lang, site.digits),
        "date_iso": c.created_at.to_rfc3339(),
        "staff": c.is_staff != 0,
        "depth": depth,
        "reply_url": can_reply.then(|| format!("{}?replytocom={}#respond", comments_url(slug), c.id)),
    })
}

/// The approved thread for page `cpage`: top-level comments are paged, each with all its
/// replies (flattened in reading order with a depth; replies beyond the depth limit sit at
/// the deepest level, as WordPress shows them).
fn thread(
    site: &SiteView,
    settings: &CommentSettings,
    slug: &str,
    comments: &[PublicComment],
    cpage: i64,
    open: bool,
) -> (Vec<Value>, i64) {
    let ids: std::collections::HashSet<i64> = comments.iter().map(|c| c.id).collect();
    let mut children: HashMap<i64, Vec<&PublicComment>> = HashMap::new();
    let mut roots = Vec::new();
    for c in comments {
        match c.parent_id.filter(|p| ids.contains(p)) {
            Some(p) => children.entry(p).or_default().push(c),
            None => roots.push(c),
        }
    }
    let pages = view::page_count(roots.len() as i64, settings.per_page).max(1);
    let cpage = cpage.clamp(1, pages);
    let start = ((cpage - 1) * settings.per_page) as usize;
    let mut out = Vec::new();
    let max = settings.thread_depth;
    let mut stack: Vec<(&PublicComment, i64)> = roots
        .iter()
        .skip(start)
        .take(settings.per_page as usize)
        .rev()
        .map(|c| (*c, 1))
        .collect();
    while let Some((c, depth)) = stack.pop() {
        out.push(comment_view(site, slug, c, depth, open && depth < max));
        if let Some(kids) = children.get(&c.id) {
            for k in kids.iter().rev() {
                stack.push((k, (depth + 1).min(max)));
            }
        }
    }
    (out, pages)
}

/// What the form shows: values typed, errors, challenge, reply target.
#[derive(Debug, Default, Clone)]
struct FormState {
    name: String,
    email: String,
    url: String,
    body: String,
    remember: bool,
    parent_id: Option<i64>,
    errors: HashMap<&'static str, String>,
    message: Option<String>,
    question: Option<String>,
    token: Option<String>,
    step: bool,
}

fn form_view(slug: &str, f: &FormState) -> Value {
    json!({
        "action": comments_url(slug),
        "name": f.name, "email": f.email, "url": f.url, "body": f.body,
        "remember": f.remember,
        "parent_id": f.parent_id,
        "errors": f.errors,
        "message": f.message,
        "question": f.question,
        "token": f.token,
        "step": f.step,
        "honeypot": HONEYPOT_FIELD,
    })
}

/// The `comments` block of the article template.
async fn block(
    state: &AppState,
    site: &SiteView,
    article: &Article,
    cpage: i64,
    form: Option<&FormState>,
) -> Result<Value, AppError> {
    let settings = CommentSettings::load(state.db()).await?;
    let closed = is_closed(state, &settings, article).await?;
    let comments = state.db().approved_comments(article.summary.id).await?;
    let slug = &article.summary.slug;
    let (items, pages) = thread(site, &settings, slug, &comments, cpage, !closed);
    let base = comments_url(slug);
    let pagination = if pages > 1 {
        let current = cpage.clamp(1, pages);
        json!({
            "current": current,
            "total": pages,
            "prev_url": (current > 1).then(|| format!("{base}?cpage={}#comments", current - 1)),
            "next_url": (current < pages).then(|| format!("{base}?cpage={}#comments", current + 1)),
        })
    } else {
        Value::Null
    };
    let default_form = FormState::default();
    let form = form.unwrap_or(&default_form);
    let reply_to = match form.parent_id {
        Some(id) => comments
            .iter()
            .find(|c| c.id == id)
            .map(|c| text::clean(&c.author_name)),
        None => None,
    };
    Ok(json!({
        "count": comments.len(),
        "items": items,
        "pagination": pagination,
        "closed": closed,
        "form": form_view(slug, form),
        "reply_to": reply_to,
        "cancel_reply_url": format!("{}#respond", urls::article(slug)),
    }))
}

/// The comments block of the cached article page: page 1 of the thread and an empty form.
pub async fn article_block(
    state: &AppState,
    site: &SiteView,
    article: &Article,
) -> Result<Value, AppError> {
    block(state, site, article, 1, None).await
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Renders the stand-alone comments page (later thread pages, reply forms, the form step).
async fn render_page(
    state: &AppState,
    article: &Article,
    cpage: i64,
    form: Option<&FormState>,
) -> Result<String, AppError> {
    let site = state.site().await?;
    let comments = block(state, &site, article, cpage, form).await?;
    let title = format!(
        "{} - {} - {}",
        state.catalog().text(site.lang, "comments"),
        article.summary.title,
        site.settings.name
    );
    let ctx = json!({
        "article": {"title": article.summary.title, "url": urls::article(&article.summary.slug)},
        "comments": comments,
        "robots_noindex": true,
    });
    view::render(
        state,
        &site,
        "comments.html",
        &title,
        None,
        &comments_url(&article.summary.slug),
        ctx,
    )
}

fn parse_positive(raw: Option<&String>) -> Option<i64> {
    raw.map(|v| sahifa_text::digits::to_ascii_digits(v.trim()))
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|n| *n > 0)
}

/// `GET /article/{slug}/comments`: later pages of the thread (`?cpage=N`, cached like
/// pages) and the no-JavaScript reply form (`?replytocom=ID`, not cached).
pub async fn show_comments(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let cpage = parse_positive(query.get("cpage")).unwrap_or(1).min(100_000);
    let reply = parse_positive(query.get("replytocom"));
    if let Some(parent) = reply {
        let result = async {
            let article = state
                .db()
                .published_article(&slug)
                .await?
                .ok_or(AppError::NotFound)?;
            let parent = state
                .db()
                .approved_comment_on(parent, article.summary.id)
                .await?
                .then_some(parent);
            let form = FormState {
                parent_id: parent,
                ..Default::default()
            };
            render_page(&state, &article, cpage, Some(&form)).await
        }
        .await;
        return match result {
            Ok(html) => no_store(axum::response::Html(html).into_response()),
            Err(err) => err.into_response(),
        };
    }
    let key = format!("comments:{slug}:{cpage}");
    serve_page(&state, key, &headers, || async {
        let article = state
            .db()
            .published_article(&slug)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(Rendered::Html(
            render_page(&state, &article, cpage, None).await?,
        ))
    })
    .await
}

/// Whether this reader must answer a question.
fn must_answer(settings: &CommentSettings, staff: bool) -> bool {
    match settings.captcha {
        CaptchaMode::Off => false,
        CaptchaMode::All => true,
        CaptchaMode::Anonymous => !staff,
    }
}

async fn staff_of(state: &AppState, headers: &HeaderMap) -> Result<Option<CurrentUser>, AppError> {
    Ok(crate::auth::session::load_session(state, headers)
        .await?
        .filter(|c| can(&c.user, Capability::UseAdmin)))
}

/// `GET /api/v1/comments/challenge`: a fresh challenge for site.js to put in the cached
/// form. `question` is null when this reader is not asked one (the token then only signs
/// the time). Never cached.
pub async fn challenge(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let result = async {
        let settings = CommentSettings::load(state.db()).await?;
        let staff = staff_of(&state, &headers).await?.is_some();
        let key = captcha_key(state.db()).await?;
        let c = captcha::issue(
            &key,
            settings.ops,
            settings.captcha_ttl,
            Utc::now(),
            must_answer(&settings, staff),
        );
        let site = state.site().await?;
        Ok::<_, AppError>(json!({
            "token": c.token,
            "question": c.question,
            "label": state.catalog().text(site.lang, "comment-captcha-label"),
            "expires_in": settings.captcha_ttl,
        }))
    }
    .await;
    match result {
        Ok(body) => no_store(Json(body).into_response()),
        Err(err) => err.into_response(),
    }
}

/// The outcome the pipeline reached for a well-formed comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Approve,
    Hold,
    Spam,
}

/// WordPress's moderation order: disallowed words → spam; hold-all, moderation words, too
/// many links, first-time author → held; else approved. Staff are approved.
async fn classify(
    state: &AppState,
    settings: &CommentSettings,
    c: &NewComment,
    staff: bool,
) -> Result<(Verdict, String), AppError> {
    let ip = c.ip.as_deref().unwrap_or("");
    let fields = [
        c.body.as_str(),
        c.author_name.as_str(),
        c.email.as_str(),
        c.url.as_str(),
        ip,
        c.user_agent.as_str(),
    ];
    if let Some(word) = settings::list_match(&settings.disallowed_words, &fields) {
        return Ok((Verdict::Spam, format!("disallowed: {word}")));
    }
    if staff {
        return Ok((Verdict::Approve, "staff".into()));
    }
    if settings.hold_all {
        return Ok((Verdict::Hold, "hold all".into()));
    }
    if let Some(word) = settings::list_match(&settings.moderation_words, &fields) {
        return Ok((Verdict::Hold, format!("moderation word: {word}")));
    }
    let links = text::link_count(&c.body) as i64;
    if settings.max_links > 0 && links >= settings.max_links {
        return Ok((Verdict::Hold, format!("{links} links")));
    }
    if settings.first_time_hold && !state.db().has_approved_comment(&c.email).await? {
        return Ok((Verdict::Hold, "first comment".into()));
    }
    Ok((Verdict::Approve, String::new()))
}

/// Reads, checks and stores a posted comment. See the module notes for the flow.
pub async fn submit(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    request: axum::extract::Request,
) -> Response {
    match submit_inner(&state, &slug, request).await {
        Ok(response) => no_store(response),
        Err(err) => err.into_response(),
    }
}

async fn submit_inner(
    state: &AppState,
    slug: &str,
    request: axum::extract::Request,
) -> Result<Response, AppError> {
    let headers = request.headers().clone();
    let socket_ip = crate::auth::session::client_ip(request.extensions());
    let axum::Form(fields): axum::Form<Vec<(String, String)>> =
        axum::Form::from_request(request, state)
            .await
            .map_err(|_| AppError::BadRequest)?;
    let fields: HashMap<String, String> = fields.into_iter().collect();
    let get = |k: &str| fields.get(k).map(|v| text::clean(v)).unwrap_or_default();
    let db = state.db();
    let article = db
        .published_article(slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let site = state.site().await?;
    let t = |key: &str| state.catalog().text(site.lang, key);
    let settings = CommentSettings::load(db).await?;
    let ip = settings::client_ip(&settings, &headers, &socket_ip);
    let now = Utc::now();
    // The public form carries no CSRF token, so a post a browser marks as cross-site never
    // counts as staff (it would be approved and marked as the newsroom's): it is treated
    // as an anonymous reader's.
    let current = if crate::auth::csrf::same_origin(state, &headers) {
        staff_of(state, &headers).await?
    } else {
        None
    };
    let staff = current.is_some();
    let key = captcha_key(db).await?;
    let ask = must_answer(&settings, staff);

    let mut form = FormState {
        name: get("author").trim().to_string(),
        email: get("email").trim().to_string(),
        url: get("url").trim().to_string(),
        body: get("comment").trim_end().to_string(),
        remember: fields.contains_key("remember"),
        parent_id: parse_positive(fields.get("parent_id")),
        ..Default::default()
    };
    // A page answer: the form again, with a fresh challenge, the reader's text kept.
    let answer_page = |status: StatusCode, mut form: FormState| {
        let c = captcha::issue(&key, settings.ops, settings.captcha_ttl, now, ask);
        form.question = c.question;
        form.token = Some(c.token);
        form.step = true;
        let state = state.clone();
        let article = article.clone();
        async move {
            let html = render_page(&state, &article, 1, Some(&form)).await?;
            Ok::<_, AppError>((status, axum::response::Html(html)).into_response())
        }
    };

    if is_closed(state, &settings, &article).await? {
        form.message = Some(t("comment-error-closed"));
        let html = render_page(state, &article, 1, Some(&form)).await?;
        return Ok((StatusCode::FORBIDDEN, axum::response::Html(html)).into_response());
    }
    // A bot filled the invisible field: answer as if held, store nothing, so it learns
    // nothing from the response.
    if !fields
        .get(HONEYPOT_FIELD)
        .is_none_or(|v| v.trim().is_empty())
    {
        tracing::info!(%ip, "comment honeypot filled; discarded");
        return Ok(crate::pages::see_other(&format!(
            "{}#comment-held",
            urls::article(slug)
        )));
    }
    if let Some(parent) = form.parent_id
        && !db.approved_comment_on(parent, article.summary.id).await?
    {
        form.parent_id = None;
    }

    // Staff comment under their account name and email.
    if let Some(current) = &current {
        form.name = current.user.name.clone();
        form.email = current.user.email.clone();
    }
    validate(&settings, &mut form, &t);
    if !form.errors.is_empty() {
        return answer_page(StatusCode::BAD_REQUEST, form).await;
    }
    let email = sahifa_store::normalise_email(&form.email).unwrap_or_default();

    // The CAPTCHA / signed-time step.
    let token = fields.get("captcha_token").map(|v| v.trim()).unwrap_or("");
    if token.is_empty() {
        if ask || settings.min_seconds > 0 {
            return answer_page(StatusCode::OK, form).await;
        }
    } else {
        let reply = fields.get("captcha_answer").map(String::as_str);
        let reply = if ask { Some(reply.unwrap_or("")) } else { None };
        let verified = match captcha::verify(&key, token, reply, now) {
            Ok(v) => v,
            Err(refusal) => {
                let k = match refusal {
                    captcha::Refusal::Wrong => "comment-error-captcha-wrong",
                    captcha::Refusal::Expired => "comment-error-captcha-expired",
                    captcha::Refusal::Tampered => "comment-error-captcha-invalid",
                };
                form.errors.insert("captcha", t(k));
                return answer_page(StatusCode::BAD_REQUEST, form).await;
            }
        };
        // Recorded before anything else can fail, so one token is one attempt.
        if !db.use_comment_token(&verified.id, verified.expires).await? {
            form.errors
                .insert("captcha", t("comment-error-captcha-used"));
            return answer_page(StatusCode::BAD_REQUEST, form).await;
        }
        if (now - verified.issued).num_seconds() < settings.min_seconds {
            form.message = Some(t("comment-error-too-fast"));
            return answer_page(StatusCode::BAD_REQUEST, form).await;
        }
    }

    if !staff {
        if settings.flood_seconds > 0
            && let Some(last) = db.last_comment_from(&ip, &email).await?
            && now - last < chrono::Duration::seconds(settings.flood_seconds)
        {
            form.message = Some(t("comment-error-flood"));
            return answer_page(StatusCode::TOO_MANY_REQUESTS, form).await;
        }
        if settings.rate_per_hour > 0
            && db
                .comments_from_ip_since(&ip, now - chrono::Duration::hours(1))
                .await?
                >= settings.rate_per_hour
        {
            form.message = Some(t("comment-error-rate"));
            return answer_page(StatusCode::TOO_MANY_REQUESTS, form).await;
        }
    }
    if db
        .is_duplicate_comment(article.summary.id, &email, &form.name, form.body.trim())
        .await?
    {
        form.message = Some(t("comment-error-duplicate"));
        return answer_page(StatusCode::CONFLICT, form).await;
    }

    let mut comment = NewComment {
        article_id: article.summary.id,
        parent_id: form.parent_id,
        author_name: form.name.clone(),
        email: email.clone(),
        url: text::safe_url(&form.url).unwrap_or_default(),
        body: form.body.trim().to_string(),
        status: String::new(),
        user_id: current.as_ref().map(|c| c.user.id),
        is_staff: staff,
        ip: Some(ip.clone()),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .chars()
            .take(300)
            .collect(),
        reason: String::new(),
    };
    let (verdict, reason) = classify(state, &settings, &comment, staff).await?;
    comment.status = match verdict {
        Verdict::Approve => "approved",
        Verdict::Hold => "pending",
        Verdict::Spam => "spam",
    }
    .to_string();
    comment.reason = reason;
    let id = db.insert_comment(&comment).await?;
    tracing::info!(id, status = %comment.status, "comment stored");

    // Spam looks held to its sender: telling a spammer the filter caught them helps them.
    let anchor = match verdict {
        Verdict::Approve => format!("comment-{id}"),
        _ => "comment-held".to_string(),
    };
    let mut response = crate::pages::see_other(&format!("{}#{anchor}", urls::article(slug)));
    let cookie = if form.remember {
        let value = format!(
            "name={}&email={}&url={}",
            urls::query_value(&form.name),
            urls::query_value(&email),
            urls::query_value(&comment.url)
        );
        remember_cookie(state, &urls::query_value(&value), 365 * 86_400)
    } else {
        remember_cookie(state, "", 0)
    };
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(response)
}

/// The "remember me" cookie: not HttpOnly, because the page is cached and only site.js
/// can prefill the form from it.
fn remember_cookie(state: &AppState, value: &str, max_age: i64) -> String {
    let secure = if state.config().base_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    format!("{REMEMBER_COOKIE}={value}; Path=/; SameSite=Lax; Max-Age={max_age}{secure}")
}

/// Checks the typed fields; errors go into `form.errors` keyed by field.
fn validate(settings: &CommentSettings, form: &mut FormState, t: &dyn Fn(&str) -> String) {
    if form.name.is_empty() {
        form.errors.insert("author", t("comment-error-name"));
    } else if form.name.chars().count() > MAX_NAME {
        form.errors.insert("author", t("comment-error-name-long"));
    }
    if form.email.chars().count() > MAX_EMAIL || sahifa_store::normalise_email(&form.email).is_err()
    {
        form.errors.insert("email", t("comment-error-email"));
    }
    if !form.url.is_empty()
        && (form.url.chars().count() > MAX_URL || text::safe_url(&form.url).is_none())
    {
        form.errors.insert("url", t("comment-error-url"));
    }
    let length = form.body.trim().chars().count() as i64;
    if length == 0 {
        form.errors.insert("comment", t("comment-error-body"));
    } else if length > settings.max_length {
        form.errors.insert("comment", t("comment-error-too-long"));
    }
}

/// The periodic privacy sweep: erases commenter IPs past the retention period and forgets
/// used CAPTCHA tokens once they expired. Safe in every process.
pub async fn sweep(db: &sahifa_store::Db, now: DateTime<Utc>) {
    let days = match CommentSettings::load(db).await {
        Ok(s) => s.ip_days,
        Err(err) => {
            tracing::warn!(error = %err, "comment settings unreadable; sweep skipped");
            return;
        }
    };
    match db
        .sweep_comments(now, now - chrono::Duration::days(days))
        .await
    {
        Ok(0) => {}
        Ok(n) => tracing::info!(n, "commenter IPs erased after the retention period"),
        Err(err) => tracing::warn!(error = %err, "comment privacy sweep failed"),
    }
}
