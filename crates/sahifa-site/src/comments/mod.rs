//! Reader comments on articles: the public thread, the form, the CAPTCHA and the spam
//! pipeline. Moderation lives in `sahifa_admin::comments`.
//!
//! Caching: the article page (cached per content epoch) carries the approved thread and a
//! form with no per-reader data and no challenge. The challenge expires, so it never sits
//! in a cached page: with JavaScript, site.js fetches one from
//! `GET /api/v1/comments/challenge` and inserts it, so one POST suffices; without it, the
//! first POST to `/article/{slug}/comments` answers with an uncached page that keeps what
//! the reader typed and asks the question, and the second POST carries the answer. The
//! same signed token times the minimum time-to-submit. Approving a comment bumps the
//! epoch, so the next request renders the page with it.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{FromRequest, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;

use sahifa_newsroom::comments::{CommentSubmission, SubmittedComment};
use sahifa_newsroom::{Actor, NewsroomError};
use sahifa_store::{Article, CommentStatus, PublicComment};

pub use sahifa_newsroom::comments::{
    CaptchaMode, CommentSettings, captcha, captcha_key, settings, text,
};

use crate::view;
use sahifa_http::auth::permissions::can;
use sahifa_http::auth::{Capability, CurrentUser};
use sahifa_http::error::AppError;
use sahifa_http::serving::{Rendered, serve_page};
use sahifa_http::state::{AppState, SiteView};
use sahifa_http::urls;

/// Name of the opt-in "remember me" cookie (read by site.js to prefill the cached form).
pub const REMEMBER_COOKIE: &str = "sahifa_commenter";
/// The honeypot field: hidden from people, tempting to bots.
pub const HONEYPOT_FIELD: &str = "hp_contact";

/// The comments path of an article.
pub fn comments_url(slug: &str) -> String {
    format!("{}/comments", urls::article(slug))
}

/// One comment as the thread shows it (`comments.items` in partials/comments.html).
#[derive(Debug, Serialize)]
pub struct CommentView {
    id: i64,
    /// The commenter's name, cleaned.
    name: String,
    /// The commenter's site, when it is a safe link.
    url: Option<String>,
    html: String,
    date: String,
    hijri: String,
    date_iso: String,
    /// Written from a newsroom account.
    staff: bool,
    /// 1 for a top-level comment, at most the thread depth setting.
    depth: i64,
    /// The no-JavaScript reply link; `None` when replies are closed at this depth.
    reply_url: Option<String>,
}

/// One comment as the thread shows it.
fn comment_view(
    site: &SiteView,
    slug: &str,
    c: &PublicComment,
    depth: i64,
    can_reply: bool,
) -> CommentView {
    let local = c.created_at.with_timezone(&site.tz);
    CommentView {
        id: c.id,
        name: text::clean(&c.author_name),
        url: text::safe_url(&c.url),
        html: text::to_html(&c.body),
        date: view::display_date(site, &c.created_at),
        hijri: sahifa_text::dates::format_hijri(local.date_naive(), site.lang, site.digits),
        date_iso: c.created_at.to_rfc3339(),
        staff: c.is_staff != 0,
        depth,
        reply_url: can_reply.then(|| format!("{}?replytocom={}#respond", comments_url(slug), c.id)),
    }
}

/// The approved thread for page `cpage`: top-level comments are paged, each with all its
/// replies (flattened in reading order with a depth; replies beyond the depth limit sit at
/// the deepest level, as WordPress shows them). `None` for a page past the last: such a
/// URL names nothing, and answering it would let a client mint one cache entry per number.
fn thread(
    site: &SiteView,
    settings: &CommentSettings,
    slug: &str,
    comments: &[PublicComment],
    cpage: i64,
    open: bool,
) -> Option<(Vec<CommentView>, i64)> {
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
    if cpage > pages {
        return None;
    }
    let cpage = cpage.max(1);
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
    Some((out, pages))
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

/// The comment form (`comments.form`): what was typed, what is wrong, the challenge.
#[derive(Debug, Serialize)]
pub struct CommentForm {
    /// Where the form posts.
    action: String,
    name: String,
    email: String,
    url: String,
    body: String,
    remember: bool,
    /// The comment replied to.
    parent_id: Option<i64>,
    /// Error per field: `author`, `email`, `url`, `comment`, `captcha`.
    errors: HashMap<&'static str, String>,
    /// An error about the whole comment.
    message: Option<String>,
    /// The CAPTCHA question, when this reader is asked one.
    question: Option<String>,
    token: Option<String>,
    /// Whether this is the second step of the no-JavaScript flow.
    step: bool,
    /// The honeypot field's name.
    honeypot: &'static str,
}

fn form_view(slug: &str, f: &FormState) -> CommentForm {
    CommentForm {
        action: comments_url(slug),
        name: f.name.clone(),
        email: f.email.clone(),
        url: f.url.clone(),
        body: f.body.clone(),
        remember: f.remember,
        parent_id: f.parent_id,
        errors: f.errors.clone(),
        message: f.message.clone(),
        question: f.question.clone(),
        token: f.token.clone(),
        step: f.step,
        honeypot: HONEYPOT_FIELD,
    }
}

/// The `comments` block of the article and comments templates (partials/comments.html).
#[derive(Debug, Serialize)]
pub struct CommentsBlock {
    /// Approved comments on the article, all pages.
    count: usize,
    /// This page of the thread, in reading order.
    items: Vec<CommentView>,
    /// `None` when the thread fits on one page.
    pagination: Option<CommentsPagination>,
    closed: bool,
    form: CommentForm,
    /// The name of the commenter replied to.
    reply_to: Option<String>,
    cancel_reply_url: String,
}

/// Older/newer links through the thread; no numbered pages, unlike [`view::Pagination`].
#[derive(Debug, Serialize)]
pub struct CommentsPagination {
    current: i64,
    total: i64,
    prev_url: Option<String>,
    next_url: Option<String>,
}

/// The stand-alone comments page's context (comments.html).
#[derive(Debug, Serialize)]
pub struct CommentsPage<'a> {
    article: CommentsArticle<'a>,
    comments: CommentsBlock,
    robots_noindex: bool,
}

/// The article a comments page is about, for its back link.
#[derive(Debug, Serialize)]
pub struct CommentsArticle<'a> {
    title: &'a str,
    url: String,
}

/// `GET /api/v1/comments/challenge`'s answer. Fields in sorted order, as the response
/// always had them (it used to be a sorted map).
#[derive(Debug, Serialize)]
pub struct ChallengeResponse {
    /// Seconds the token stays valid.
    expires_in: i64,
    /// The question's label, in the site's language.
    label: String,
    /// `None` when this reader is not asked one.
    question: Option<String>,
    token: String,
}

/// The `comments` block of the article template.
async fn block(
    state: &AppState,
    site: &SiteView,
    article: &Article,
    cpage: i64,
    form: Option<&FormState>,
) -> Result<CommentsBlock, AppError> {
    let settings = CommentSettings::load(state.db()).await?;
    let closed = sahifa_newsroom::comments::is_closed(state.db(), &settings, article).await?;
    let comments = state.db().approved_comments(article.summary.id).await?;
    let slug = &article.summary.slug;
    let (items, pages) =
        thread(site, &settings, slug, &comments, cpage, !closed).ok_or(AppError::NotFound)?;
    let base = comments_url(slug);
    let pagination = (pages > 1).then(|| {
        let current = cpage.clamp(1, pages);
        CommentsPagination {
            current,
            total: pages,
            prev_url: (current > 1).then(|| format!("{base}?cpage={}#comments", current - 1)),
            next_url: (current < pages).then(|| format!("{base}?cpage={}#comments", current + 1)),
        }
    });
    let default_form = FormState::default();
    let form = form.unwrap_or(&default_form);
    let reply_to = match form.parent_id {
        Some(id) => comments
            .iter()
            .find(|c| c.id == id)
            .map(|c| text::clean(&c.author_name)),
        None => None,
    };
    Ok(CommentsBlock {
        count: comments.len(),
        items,
        pagination,
        closed,
        form: form_view(slug, form),
        reply_to,
        cancel_reply_url: format!("{}#respond", urls::article(slug)),
    })
}

/// The comments block of the cached article page: page 1 of the thread and an empty form.
pub async fn article_block(
    state: &AppState,
    site: &SiteView,
    article: &Article,
) -> Result<CommentsBlock, AppError> {
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
    // The comments and the headline they are under.
    sahifa_http::deps::record(sahifa_store::Dep::Article(article.summary.id));
    let site = state.site().await?;
    let comments = block(state, &site, article, cpage, form).await?;
    let title = format!(
        "{} - {} - {}",
        state.catalog().text(site.lang, "comments"),
        article.summary.title,
        site.settings.name
    );
    let ctx = CommentsPage {
        article: CommentsArticle {
            title: &article.summary.title,
            url: urls::article(&article.summary.slug),
        },
        comments,
        robots_noindex: true,
    };
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
    // The render runs in its own task (see `serve_page`), so it owns what it reads.
    let render_state = state.clone();
    serve_page(&state, key, &headers, move || async move {
        let article = render_state
            .db()
            .published_article(&slug)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok(Rendered::Html(
            render_page(&render_state, &article, cpage, None).await?,
        ))
    })
    .await
}

/// The signed-in account behind a request, if any; the use case decides whether it counts
/// as staff.
async fn session_actor(state: &AppState, headers: &HeaderMap) -> Result<Option<Actor>, AppError> {
    Ok(sahifa_http::auth::session::load_session(state, headers)
        .await?
        .filter(|c: &CurrentUser| can(&c.user, Capability::UseAdmin))
        .map(|c| Actor::User(c.user)))
}

/// The article slug a challenge is fetched for: `?article=SLUG`, else the article page the
/// request comes from (site.js fetches from the page, and same-origin requests carry their
/// full `Referer`).
fn challenge_slug(query: &HashMap<String, String>, headers: &HeaderMap) -> Option<String> {
    if let Some(slug) = query.get("article").filter(|s| !s.is_empty()) {
        return Some(slug.clone());
    }
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let path = referer
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|at| &rest[at..]))
        .unwrap_or(referer);
    let path = path.split(['?', '#']).next().unwrap_or("");
    let rest = path.strip_prefix("/article/")?;
    let raw = rest.split('/').next().filter(|s| !s.is_empty())?;
    percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// `GET /api/v1/comments/challenge?article=SLUG`: a fresh challenge for site.js to put in
/// the cached form, good for that article's form only (without `article`, the article page
/// in `Referer`). `question` is null when this reader is not asked one (the token then only
/// signs the time). Never cached.
pub async fn challenge(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let result = async {
        let slug = challenge_slug(&query, &headers).ok_or(AppError::BadRequest)?;
        let article = state
            .db()
            .published_article(&slug)
            .await?
            .ok_or(AppError::NotFound)?;
        let actor = session_actor(&state, &headers).await?;
        let c = state
            .newsroom()
            .comment_challenge(actor.as_ref(), article.summary.id)
            .await?;
        let site = state.site().await?;
        Ok::<_, AppError>(ChallengeResponse {
            expires_in: c.expires_in,
            label: state.catalog().text(site.lang, "comment-captcha-label"),
            question: c.question,
            token: c.token,
        })
    }
    .await;
    match result {
        Ok(body) => no_store(Json(body).into_response()),
        Err(err) => err.into_response(),
    }
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
    // The socket peer, or behind a trusted proxy the client it names: never an address the
    // client chose (see `sahifa_http::client`).
    let ip = sahifa_http::auth::session::client_ip(request.extensions());
    let axum::Form(fields): axum::Form<Vec<(String, String)>> =
        axum::Form::from_request(request, state)
            .await
            .map_err(|_| AppError::BadRequest)?;
    let fields: HashMap<String, String> = fields.into_iter().collect();
    let raw = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let get = |k: &str| text::clean(&raw(k));
    let db = state.db();
    let article = db
        .published_article(slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let site = state.site().await?;
    let t = |key: &str| state.catalog().text(site.lang, key);
    // The public form carries no CSRF token, so a post a browser marks as cross-site never
    // counts as staff (it would be approved and marked as the newsroom's): it is treated
    // as an anonymous reader's.
    let actor = if sahifa_http::auth::csrf::same_origin(state, &headers) {
        session_actor(state, &headers).await?
    } else {
        None
    };

    let mut form = FormState {
        name: get("author").trim().to_string(),
        email: get("email").trim().to_string(),
        url: get("url").trim().to_string(),
        body: get("comment").trim_end().to_string(),
        remember: fields.contains_key("remember"),
        parent_id: parse_positive(fields.get("parent_id")),
        ..Default::default()
    };
    if let Some(user) = actor.as_ref().and_then(Actor::user) {
        form.name = user.name.clone();
        form.email = user.email.clone();
    }
    let submission = CommentSubmission {
        article_id: article.summary.id,
        parent_id: form.parent_id,
        author_name: raw("author"),
        email: raw("email"),
        url: raw("url"),
        body: raw("comment"),
        honeypot: raw(HONEYPOT_FIELD),
        captcha_token: raw("captcha_token"),
        captcha_answer: fields.get("captcha_answer").cloned(),
        ip,
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string(),
    };
    let mut retry_after = None;
    let status = match state
        .newsroom()
        .submit_comment(actor.as_ref(), &submission)
        .await
    {
        Ok(SubmittedComment::Stored(stored)) => {
            return Ok(stored_answer(state, slug, &form, &stored));
        }
        // Answered as if held: a bot learns nothing from the response.
        Ok(SubmittedComment::Discarded) => {
            return Ok(sahifa_http::responses::see_other(&format!(
                "{}#comment-held",
                urls::article(slug)
            )));
        }
        Ok(SubmittedComment::NeedsChallenge) => StatusCode::OK,
        Err(NewsroomError::Forbidden) => {
            form.message = Some(t("comment-error-closed"));
            let html = render_page(state, &article, 1, Some(&form)).await?;
            return Ok((StatusCode::FORBIDDEN, axum::response::Html(html)).into_response());
        }
        Err(NewsroomError::Invalid(problems)) => {
            for p in problems {
                match p.field {
                    "author" | "email" | "url" | "comment" => {
                        form.errors.insert(p.field, t(p.key));
                    }
                    "captcha_answer" => {
                        form.errors.insert("captcha", t(p.key));
                    }
                    _ => form.message = Some(t(p.key)),
                }
            }
            StatusCode::BAD_REQUEST
        }
        Err(NewsroomError::RateLimited {
            key,
            retry_after: seconds,
        }) => {
            form.message = Some(t(key));
            retry_after = seconds;
            StatusCode::TOO_MANY_REQUESTS
        }
        Err(NewsroomError::Conflict { key, .. }) => {
            form.message = Some(t(key));
            StatusCode::CONFLICT
        }
        Err(other) => return Err(other.into()),
    };
    // The form again, with a fresh challenge, the reader's text kept.
    let c = state
        .newsroom()
        .comment_challenge(actor.as_ref(), article.summary.id)
        .await?;
    form.question = c.question;
    form.token = Some(c.token);
    form.step = true;
    let html = render_page(state, &article, 1, Some(&form)).await?;
    let mut response = (status, axum::response::Html(html)).into_response();
    if let Some(seconds) = retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }
    Ok(response)
}

/// The answer to a stored comment: back to the article, at the comment when it is public,
/// with the "remember me" cookie set or cleared.
fn stored_answer(
    state: &AppState,
    slug: &str,
    form: &FormState,
    stored: &sahifa_newsroom::comments::StoredComment,
) -> Response {
    // Spam looks held to its sender: telling a spammer the filter caught them helps them.
    let anchor = match stored.status {
        CommentStatus::Approved => format!("comment-{}", stored.id),
        _ => "comment-held".to_string(),
    };
    let mut response =
        sahifa_http::responses::see_other(&format!("{}#{anchor}", urls::article(slug)));
    let cookie = if form.remember {
        let value = format!(
            "name={}&email={}&url={}",
            urls::query_value(&stored.author_name),
            urls::query_value(&stored.email),
            urls::query_value(&stored.url)
        );
        remember_cookie(state, &urls::query_value(&value), 365 * 86_400)
    } else {
        remember_cookie(state, "", 0)
    };
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
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

/// The periodic privacy sweep (see [`sahifa_newsroom::Newsroom::sweep_comments`]), logged.
pub async fn sweep(db: &sahifa_store::Db, now: DateTime<Utc>) {
    match sahifa_newsroom::Newsroom::new(db.clone())
        .sweep_comments(now)
        .await
    {
        Ok(0) => {}
        Ok(n) => tracing::info!(n, "commenter IPs erased after the retention period"),
        Err(err) => tracing::warn!(error = %err, "comment privacy sweep failed"),
    }
}
