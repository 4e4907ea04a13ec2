//! The article list and the editor.

use std::collections::HashMap;

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::Serialize;

use sahifa_newsroom::Actor;
use sahifa_newsroom::articles::{ArticleDraft, FeaturedImage, PublishTime, SaveKind, Saved};
use sahifa_newsroom::editing::EditLock;
use sahifa_newsroom::permissions::can_set_byline;
use sahifa_newsroom::rendering::BodyInput;
use sahifa_store::{
    AdminArticleFilter, AdminArticleRow, Article, ArticleStatus, Author, Category, ListedStatus,
};

use super::{FormFields, form_with_csrf, notice, render, render_with_status, require};
use sahifa_http::auth::permissions::{can, can_edit_article};
use sahifa_http::auth::{Capability, CurrentUser};
use sahifa_http::error::AppError;
use sahifa_http::responses::see_other;
use sahifa_http::state::{AppState, SiteView};
use sahifa_http::urls;
use sahifa_site::view;

const PER_PAGE: i64 = 20;

/// One article in an admin list, as `article_rows` in `admin/_macros.html` prints it (the
/// article list and the dashboard's sections).
#[derive(Debug, Serialize)]
pub struct ArticleRow<'a> {
    id: i64,
    title: &'a str,
    status: ListedStatus,
    edit_url: String,
    /// Only a published article has a public page to link to.
    public_url: Option<String>,
    owner: Option<&'a str>,
    author: Option<&'a str>,
    category: Option<&'a str>,
    updated: String,
    published: Option<String>,
    /// View counts, on the article list only (the dashboard leaves them out).
    views: Option<sahifa_store::views::ViewFigures>,
}

/// A list row as the admin templates print it.
pub fn row_view<'a>(site: &SiteView, r: &'a AdminArticleRow) -> ArticleRow<'a> {
    ArticleRow {
        id: r.id,
        title: &r.title,
        status: ListedStatus::of(r.status, r.review_requested),
        edit_url: format!("/admin/articles/{}", r.id),
        public_url: (r.status == ArticleStatus::Published).then(|| urls::article(&r.slug)),
        owner: r.owner_name.as_deref(),
        author: r.author_name.as_deref(),
        category: r.category_name.as_deref(),
        updated: view::display_date(site, &r.updated_at),
        published: r.published_at.map(|p| view::display_date(site, &p)),
        views: None,
    }
}

/// The context of `admin/articles.html`: the filtered, paginated article list.
#[derive(Debug, Serialize)]
struct ArticleListPage<'a> {
    rows: Vec<ArticleRow<'a>>,
    total: i64,
    /// Page links (`null` when there is one page).
    pagination: Option<view::Pagination>,
    filter: ArticleListFilter<'a>,
    categories: Vec<Category>,
    authors: Vec<Author>,
    notice: Option<&'static str>,
}

/// The filter form as the request set it, so the list page shows it selected.
#[derive(Debug, Serialize)]
struct ArticleListFilter<'a> {
    status: Option<ListedStatus>,
    category: Option<i64>,
    author: Option<i64>,
    q: Option<&'a str>,
}

/// `GET /admin/articles?status=&category=&author=&q=&page=`.
pub async fn list_articles(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let site = state.site().await?;
    let page = sahifa_site::pages::page_number(&query)?;
    let id = |name: &str| {
        query
            .get(name)
            .and_then(|v| sahifa_text::digits::to_ascii_digits(v).parse::<i64>().ok())
    };
    let mine_only = !can(&current.user, Capability::EditOthersArticles);
    let filter = AdminArticleFilter {
        status: query.get("status").and_then(|s| ListedStatus::parse(s)),
        category_id: id("category"),
        author_id: id("author"),
        owner_id: if mine_only {
            Some(current.user.id)
        } else {
            None
        },
        title_contains: query
            .get("q")
            .map(|q| sahifa_text::clean::xml_safe(q).into_owned()),
    };
    let (rows, total) = state
        .db()
        .admin_articles(&filter, PER_PAGE, (page - 1) * PER_PAGE)
        .await?;
    let total_pages = view::page_count(total, PER_PAGE);
    let mut base_query: Vec<String> = Vec::new();
    for key in ["status", "category", "author", "q"] {
        if let Some(v) = query.get(key).filter(|v| !v.is_empty()) {
            base_query.push(format!("{key}={}", urls::query_value(v)));
        }
    }
    let base = if base_query.is_empty() {
        "/admin/articles".to_string()
    } else {
        format!("/admin/articles?{}", base_query.join("&"))
    };
    let pagination = view::paginate(&base, page, total_pages);
    // Flushed views only (the last seconds' views are still in memory): one query for the
    // totals of the page's rows, one for their last 24 hours.
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let day_since = sahifa_store::views::hour_start(chrono::Utc::now().timestamp()) - 23 * 3600;
    let figures = state.db().article_view_figures(&ids, day_since).await?;
    let ctx = ArticleListPage {
        rows: rows
            .iter()
            .map(|r| ArticleRow {
                views: Some(figures.get(&r.id).copied().unwrap_or_default()),
                ..row_view(&site, r)
            })
            .collect(),
        total,
        pagination,
        filter: ArticleListFilter {
            status: filter.status,
            category: filter.category_id,
            author: filter.author_id,
            q: query.get("q").map(String::as_str),
        },
        categories: state.db().categories().await?,
        authors: state.db().authors().await?,
        notice: notice(&query),
    };
    render(
        &state,
        Some(&current),
        "admin/articles.html",
        "admin-articles-title",
        ctx,
    )
    .await
}

/// What the editor form holds, typed or loaded.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub(crate) struct EditorValues {
    title: String,
    lead: String,
    /// The body's HTML (the editor's `body_html` field).
    body: String,
    /// A body sent as Markdown instead (the admin API's `body`), converted on save.
    #[serde(skip)]
    markdown: Option<String>,
    dateline: String,
    source: String,
    slug: String,
    category_id: Option<i64>,
    author_id: Option<i64>,
    tags: String,
    status: String,
    publish_date: String,
    publish_time: String,
    media_id: Option<i64>,
    /// The newest revision when the editor was opened (an edit made meanwhile is refused).
    base_revision: Option<i64>,
}

impl EditorValues {
    fn from_form(form: &FormFields) -> EditorValues {
        EditorValues {
            title: form.text("title"),
            lead: form.text("lead"),
            body: form.raw("body_html"),
            markdown: form.0.contains_key("body").then(|| form.raw("body")),
            dateline: form.text("dateline"),
            source: form.text("source"),
            slug: form.text("slug"),
            category_id: form.id("category_id"),
            author_id: form.id("author_id"),
            tags: form.text("tags"),
            status: form.text("status"),
            publish_date: sahifa_text::digits::to_ascii_digits(&form.text("publish_date")),
            publish_time: sahifa_text::digits::to_ascii_digits(&form.text("publish_time")),
            media_id: form.id("media_id"),
            base_revision: form.id("base_revision"),
        }
    }

    fn from_article(
        site: &SiteView,
        a: &Article,
        media_id: Option<i64>,
        base_revision: Option<i64>,
    ) -> EditorValues {
        let local = a.summary.published_at.map(|p| p.with_timezone(&site.tz));
        EditorValues {
            title: a.summary.title.clone(),
            lead: a.summary.lead.clone(),
            body: a.body_html.clone(),
            markdown: None,
            dateline: a.dateline.clone().unwrap_or_default(),
            source: a.source.clone().unwrap_or_default(),
            slug: a.summary.slug.clone(),
            category_id: a.summary.category.as_ref().map(|c| c.id),
            author_id: a.summary.author.as_ref().map(|c| c.id),
            tags: a
                .tags
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join("، "),
            status: a.summary.status.as_str().to_string(),
            publish_date: local
                .map(|l| l.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            publish_time: local
                .map(|l| l.format("%H:%M").to_string())
                .unwrap_or_default(),
            media_id,
            base_revision,
        }
    }
}

impl EditorValues {
    /// The tag names typed, split at Latin and Arabic commas.
    fn tag_names(&self) -> Vec<String> {
        self.tags
            .split([',', '،'])
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect()
    }

    /// The body as the writer sent it.
    fn body_input(&self) -> BodyInput {
        match &self.markdown {
            Some(md) => BodyInput::Markdown(md.clone()),
            None => BodyInput::Html(self.body.clone()),
        }
    }

    /// The use case's draft: the typed values, the time read in the site's zone.
    fn draft(&self, site: &SiteView, status: ArticleStatus, submit: bool) -> ArticleDraft {
        ArticleDraft {
            title: self.title.clone(),
            lead: self.lead.clone(),
            body: self.body_input(),
            dateline: self.dateline.clone(),
            source: self.source.clone(),
            slug: self.slug.clone(),
            category_id: self.category_id,
            author_id: self.author_id,
            tags: self.tag_names(),
            status,
            publish_at: match parse_local(site, &self.publish_date, &self.publish_time) {
                Ok(None) => PublishTime::NotGiven,
                Ok(Some(at)) => PublishTime::At(at),
                Err(()) => PublishTime::Unreadable,
            },
            image: self
                .media_id
                .map_or(FeaturedImage::None, FeaturedImage::Media),
            submit_for_review: submit,
            base_revision: self.base_revision,
        }
    }
}

/// A date and time typed in the site's time zone, as UTC. Both empty means "none".
fn parse_local(site: &SiteView, date: &str, time: &str) -> Result<Option<DateTime<Utc>>, ()> {
    if date.is_empty() && time.is_empty() {
        return Ok(None);
    }
    let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| ())?;
    let time = if time.is_empty() {
        NaiveTime::MIN
    } else {
        NaiveTime::parse_from_str(time, "%H:%M").map_err(|_| ())?
    };
    // A time skipped by a daylight-saving jump does not exist; an ambiguous one takes the
    // earlier instant.
    site.tz
        .from_local_datetime(&date.and_time(time))
        .earliest()
        .map(|t| Some(t.with_timezone(&Utc)))
        .ok_or(())
}

fn wanted_status(form: &FormFields) -> ArticleStatus {
    match form.text("status").as_str() {
        "published" => ArticleStatus::Published,
        "scheduled" => ArticleStatus::Scheduled,
        _ => ArticleStatus::Draft,
    }
}

/// What a handler asks the editor page to show.
struct EditorInput<'a> {
    article_id: Option<i64>,
    values: &'a EditorValues,
    errors: &'a [(&'static str, &'static str)],
    preview: Option<String>,
    public_url: Option<String>,
    pending_review: bool,
    status: StatusCode,
    notice: Option<&'static str>,
    /// Why the save collided with another one, when it did (a catalogue key).
    conflict: Option<&'static str>,
    /// The editing session: lock, autosave offer, notice in words, preview link.
    session: EditorSession,
}

/// What the editor shows about the writer's session beside the form.
#[derive(Debug, Default, Serialize)]
struct EditorSession {
    /// Someone else has the article open (their name).
    lock_holder: Option<String>,
    /// An autosaved copy newer than the stored article, offered back.
    autosave: Option<AutosaveOffer>,
    /// A notice that needs words of its own (the time a schedule takes effect).
    notice_text: Option<String>,
    /// A private preview link and until when it works.
    preview_link: Option<PreviewLink>,
}

/// The offer of an autosaved copy.
#[derive(Debug, Serialize)]
struct AutosaveOffer {
    /// When it was saved, in words.
    when: String,
}

/// A private, expiring link to the article's preview.
#[derive(Debug, Serialize)]
struct PreviewLink {
    url: String,
    until: String,
}

/// The context of `admin/editor.html`: the article form, new or loaded.
#[derive(Debug, Serialize)]
struct EditorPage<'a> {
    article_id: Option<i64>,
    /// Where the form posts.
    action: String,
    v: &'a EditorValues,
    /// Field name → message key.
    errors: HashMap<&'static str, &'static str>,
    preview_html: Option<&'a str>,
    public_url: Option<&'a str>,
    pending_review: bool,
    /// The statuses the user may choose.
    statuses: Vec<&'static str>,
    can_submit_review: bool,
    categories: Vec<Category>,
    authors: Vec<Author>,
    /// The image choices (empty for a user who may not upload).
    media: Vec<MediaChoice<'a>>,
    notice: Option<&'static str>,
    /// A save refused because it collided with another one: the message, above the
    /// writer's text, which the form keeps so nothing typed is lost.
    conflict: Option<&'static str>,
    /// The user may publish and schedule this article.
    can_publish: bool,
    /// The article is public now.
    is_published: bool,
    #[serde(flatten)]
    session: &'a EditorSession,
    /// The visual editor's settings and words (JSON read by editor.js).
    editor_config: String,
}

/// One image the editor offers as the featured image.
#[derive(Debug, Serialize)]
struct MediaChoice<'a> {
    id: i64,
    /// The alt text, or the file name for an image without one.
    label: &'a str,
    thumb: String,
}

async fn editor(
    state: &AppState,
    current: &CurrentUser,
    page: EditorInput<'_>,
) -> Result<Response, AppError> {
    let user = &current.user;
    let mut statuses = vec!["draft"];
    if can(user, Capability::PublishOwn) {
        statuses.extend(["scheduled", "published"]);
    }
    let (media, _) = if can(user, Capability::UploadMedia) {
        state.db().media_list(60, 0).await?
    } else {
        (Vec::new(), 0)
    };
    let ctx = EditorPage {
        article_id: page.article_id,
        action: page
            .article_id
            .map(|id| format!("/admin/articles/{id}"))
            .unwrap_or_else(|| "/admin/articles/new".into()),
        v: page.values,
        errors: page.errors.iter().copied().collect(),
        preview_html: page.preview.as_deref(),
        public_url: page.public_url.as_deref(),
        pending_review: page.pending_review,
        statuses,
        can_submit_review: !can(user, Capability::PublishOwn),
        categories: state.db().categories().await?,
        authors: state
            .db()
            .authors()
            .await?
            .into_iter()
            .filter(|a| can_set_byline(user, Some(a.id), page.values.author_id))
            .collect(),
        media: media
            .iter()
            .map(|m| MediaChoice {
                id: m.id,
                label: if m.alt.is_empty() {
                    &m.original_name
                } else {
                    &m.alt
                },
                thumb: sahifa_http::media::thumb_url(m),
            })
            .collect(),
        notice: page.notice,
        conflict: page.conflict,
        can_publish: can(user, Capability::PublishOwn),
        is_published: page.values.status == "published",
        session: &page.session,
        editor_config: editor_config(state, page.article_id).await?,
    };
    let title = if page.article_id.is_some() {
        "admin-edit-article-title"
    } else {
        "admin-new-article-title"
    };
    render_with_status(
        page.status,
        state,
        Some(current),
        "admin/editor.html",
        title,
        ctx,
    )
    .await
}

/// `GET /admin/articles/new`.
pub async fn new_article(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    require(&current, Capability::WriteArticles)?;
    let mut values = EditorValues {
        status: "draft".into(),
        author_id: current.user.author_id,
        ..Default::default()
    };
    let site = state.site().await?;
    let mut session = EditorSession::default();
    let mut notice = notice(&query);
    if let Some((fields, saved_at)) = state.newsroom().autosaved(&current.user, None).await? {
        if query.get("restore").is_some_and(|r| r == "autosave") {
            values = autosaved_values(fields, None);
            notice = Some("admin-notice-autosave-restored");
        } else {
            session.autosave = Some(AutosaveOffer {
                when: moment(&site, saved_at),
            });
        }
    }
    editor(
        &state,
        &current,
        EditorInput {
            article_id: None,
            values: &values,
            errors: &[],
            preview: None,
            public_url: None,
            pending_review: false,
            status: StatusCode::OK,
            notice,
            conflict: None,
            session,
        },
    )
    .await
}

/// The editor values of an autosaved copy (the revision it was based on kept).
fn autosaved_values(
    fields: std::collections::BTreeMap<String, String>,
    base_revision: Option<i64>,
) -> EditorValues {
    let form = FormFields(fields.into_iter().collect());
    EditorValues {
        base_revision,
        ..EditorValues::from_form(&form)
    }
}

/// A moment in the site's zone, in words: «الخميس ٣ ديسمبر ٢٠٢٦ الساعة ١٤:٠٠».
pub(crate) fn moment(site: &SiteView, at: DateTime<Utc>) -> String {
    format!(
        "{} {}",
        view::display_date(site, &at),
        sahifa_text::dates::format_time(&at.with_timezone(&site.tz), site.lang, site.digits)
    )
}

/// The settings and words the visual editor reads (admin/editor.html embeds them).
async fn editor_config(state: &AppState, id: Option<i64>) -> Result<String, AppError> {
    const WORDS: &[&str] = &[
        "editor-toolbar",
        "editor-paragraph",
        "editor-h2",
        "editor-h3",
        "editor-h4",
        "editor-bold",
        "editor-italic",
        "editor-link",
        "editor-ul",
        "editor-ol",
        "editor-quote",
        "editor-pullquote",
        "editor-image",
        "editor-embed",
        "editor-table",
        "editor-hr",
        "editor-undo",
        "editor-redo",
        "editor-source",
        "editor-link-url",
        "editor-insert",
        "editor-cancel",
        "editor-remove-link",
        "editor-embed-url",
        "editor-embed-hint",
        "editor-embed-unknown",
        "editor-upload",
        "editor-upload-hint",
        "editor-library",
        "editor-library-empty",
        "editor-alt",
        "editor-caption",
        "editor-credit",
        "editor-uploading",
        "editor-upload-failed",
        "editor-paste-failed",
        "editor-unsaved",
        "editor-autosave-failed",
        "editor-table-header",
        "editor-schedule-at",
        "editor-schedule-none",
        "editor-image-edit",
    ];
    let site = state.site().await?;
    let words: serde_json::Map<String, serde_json::Value> = WORDS
        .iter()
        .map(|k| (k.to_string(), state.catalog().text(site.lang, k).into()))
        .collect();
    let config = serde_json::json!({
        "t": words,
        "clean": "/admin/body/clean",
        "autosave": match id {
            Some(id) => format!("/admin/articles/{id}/autosave"),
            None => "/admin/articles/autosave".to_string(),
        },
        "lock": id.map(|id| format!("/admin/articles/{id}/lock")),
        "upload": "/admin/media",
        "library": "/admin/media.json",
        "timeZone": site.settings.time_zone,
        "lang": site.settings.locale,
    });
    // Inside a <script type="application/json">: no "</" may close it early.
    Ok(config.to_string().replace("</", "<\\/"))
}

/// `GET /admin/articles/{id}`.
pub async fn edit_article(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let (article, owner, pending) = load_editable(&state, &current, id).await?;
    let site = state.site().await?;
    let media_id = state.db().article_media_id(id).await?;
    let base_revision = state.db().revisions(id).await?.first().map(|r| r.id);
    let mut values = EditorValues::from_article(&site, &article, media_id, base_revision);
    let public_url = (article.summary.status == ArticleStatus::Published)
        .then(|| urls::article(&article.summary.slug));
    let _ = owner;
    let newsroom = state.newsroom();
    let mut session = EditorSession::default();
    let mut notice = notice(&query);
    if let EditLock::HeldBy(holder) = newsroom.hold_for_editing(&current.user, id, false).await? {
        session.lock_holder = Some(holder.name);
    }
    if let Some((fields, saved_at)) = newsroom.autosaved(&current.user, Some(id)).await? {
        if query.get("restore").is_some_and(|r| r == "autosave") {
            values = autosaved_values(fields, base_revision);
            notice = Some("admin-notice-autosave-restored");
        } else if saved_at > article.summary.updated_at {
            session.autosave = Some(AutosaveOffer {
                when: moment(&site, saved_at),
            });
        }
    }
    if query.get("msg").is_some_and(|m| m == "scheduled")
        && article.summary.status == ArticleStatus::Scheduled
        && let Some(at) = article.summary.published_at
    {
        let mut args = HashMap::new();
        args.insert(
            "when".to_string(),
            sahifa_http::i18n::Arg::Text(moment(&site, at)),
        );
        session.notice_text = Some(state.catalog().get(
            site.lang,
            "admin-notice-scheduled-at",
            &args,
        ));
    }
    session.preview_link = Some(preview_link(&state, &site, id).await?);
    editor(
        &state,
        &current,
        EditorInput {
            article_id: Some(id),
            values: &values,
            errors: &[],
            preview: None,
            public_url,
            pending_review: pending,
            status: StatusCode::OK,
            notice,
            conflict: None,
            session,
        },
    )
    .await
}

/// A private preview link for article `id`, valid for [`PREVIEW_LINK_HOURS`].
async fn preview_link(state: &AppState, site: &SiteView, id: i64) -> Result<PreviewLink, AppError> {
    let until = Utc::now() + chrono::Duration::hours(sahifa_newsroom::previews::PREVIEW_LINK_HOURS);
    let token = state.newsroom().preview_token(id, until).await?;
    Ok(PreviewLink {
        url: format!("{}/preview/{token}", state.config().base_url),
        until: moment(site, until),
    })
}

/// Loads an article the user may edit: 404 when missing, 403 when not theirs to edit.
pub(crate) async fn load_editable(
    state: &AppState,
    current: &CurrentUser,
    id: i64,
) -> Result<(Article, Option<i64>, bool), AppError> {
    let article = state
        .db()
        .article_by_id(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (owner, pending) = state
        .db()
        .article_admin_flags(id)
        .await?
        .unwrap_or((None, false));
    if !can_edit_article(&current.user, owner, article.summary.status) {
        return Err(AppError::Forbidden);
    }
    Ok((article, owner, pending))
}

/// `POST /admin/articles/new`.
pub async fn create_article(
    State(state): State<AppState>,
    current: CurrentUser,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::WriteArticles)?;
    let form = form_with_csrf(&state, &current, request).await?;
    save(&state, &current, None, &form).await
}

/// `POST /admin/articles/{id}`.
pub async fn save_article(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    let form = form_with_csrf(&state, &current, request).await?;
    load_editable(&state, &current, id).await?;
    save(&state, &current, Some(id), &form).await
}

/// Saves the editor form (or shows the preview / the form again with errors).
async fn save(
    state: &AppState,
    current: &CurrentUser,
    id: Option<i64>,
    form: &FormFields,
) -> Result<Response, AppError> {
    let values = EditorValues::from_form(form);
    let action = form.text("action");
    fn page<'a>(
        id: Option<i64>,
        values: &'a EditorValues,
        errors: &'a [(&'static str, &'static str)],
        preview: Option<String>,
        status: StatusCode,
    ) -> EditorInput<'a> {
        EditorInput {
            article_id: id,
            values,
            errors,
            preview,
            public_url: None,
            pending_review: false,
            status,
            notice: None,
            conflict: None,
            session: EditorSession::default(),
        }
    }
    if action == "preview" {
        // Rendered off the request workers; a refused body shows the form again with it.
        let html = match sahifa_newsroom::rendering::body_html(&values.body_input()).await {
            Ok(html) => html,
            Err(err) if !err.fields().is_empty() => {
                let errors: Vec<_> = err.fields().iter().map(|f| (f.field, f.key)).collect();
                return editor(
                    state,
                    current,
                    page(id, &values, &errors, None, StatusCode::UNPROCESSABLE_ENTITY),
                )
                .await;
            }
            Err(err) => return Err(err.into()),
        };
        let article = preview_article(state, current, id, &values, html).await?;
        let page = sahifa_site::pages::article::preview_page(state, &article).await?;
        return Ok((
            [(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("text/html; charset=utf-8"),
            )],
            page,
        )
            .into_response());
    }
    // One click says what the save is for; a plain save (the API, a form without the
    // buttons) keeps the status field's.
    let mut values = values;
    let (status, submit_review) = match action.as_str() {
        "publish" => {
            // «انشر الآن»: now, or the stored time of an article already out.
            values.publish_date.clear();
            values.publish_time.clear();
            (ArticleStatus::Published, false)
        }
        "schedule" => (ArticleStatus::Scheduled, false),
        "draft" => (ArticleStatus::Draft, false),
        "submit" => (ArticleStatus::Draft, true),
        _ => (wanted_status(form), false),
    };
    let actor = Actor::User(current.user.clone());
    match apply_save(state, &actor, id, &values, status, submit_review).await {
        Err(AppError::Invalid(fields)) => {
            let errors: Vec<_> = fields.iter().map(|f| (f.field, f.key)).collect();
            editor(
                state,
                current,
                page(id, &values, &errors, None, StatusCode::UNPROCESSABLE_ENTITY),
            )
            .await
        }
        Err(AppError::Conflict(key)) => {
            let mut input = page(id, &values, &[], None, StatusCode::CONFLICT);
            input.conflict = Some(key);
            editor(state, current, input).await
        }
        Err(other) => Err(other),
        Ok(saved) => {
            // Saved for real: the draft copy has done its work.
            let newsroom = state.newsroom();
            newsroom.discard_autosave(&current.user, id).await?;
            if id.is_none() {
                newsroom
                    .discard_autosave(&current.user, Some(saved.id))
                    .await?;
            }
            let msg = match saved.kind {
                SaveKind::Scheduled => "scheduled",
                SaveKind::Unpublished => "unpublished",
                other => save_message(other),
            };
            Ok(see_other(&format!(
                "/admin/articles/{}?msg={msg}",
                saved.id
            )))
        }
    }
}

/// The article the editor's values make, unsaved, for its preview page.
async fn preview_article(
    state: &AppState,
    current: &CurrentUser,
    id: Option<i64>,
    values: &EditorValues,
    body_html: String,
) -> Result<Article, AppError> {
    let site = state.site().await?;
    let db = state.db();
    let named = |id: i64, slug: &str, name: &str| sahifa_store::Named {
        id,
        slug: slug.to_string(),
        name: name.to_string(),
    };
    let category = match values.category_id {
        Some(cid) => db
            .categories()
            .await?
            .into_iter()
            .find(|c| c.id == cid)
            .map(|c| named(c.id, &c.slug, &c.name)),
        None => None,
    };
    let author = match values.author_id {
        Some(aid) => db
            .authors()
            .await?
            .into_iter()
            .find(|a| a.id == aid)
            .map(|a| named(a.id, &a.slug, &a.name)),
        None => None,
    };
    let image = match values.media_id {
        Some(mid) => db.media_by_id(mid).await?.map(|m| sahifa_store::Image {
            url: m.original_url(),
            alt: m.alt.clone(),
            caption: m.caption.clone(),
            width: Some(m.width),
            height: Some(m.height),
        }),
        None => None,
    };
    let now = Utc::now();
    let published_at = parse_local(&site, &values.publish_date, &values.publish_time)
        .ok()
        .flatten()
        .unwrap_or(now);
    let slug = if values.slug.trim().is_empty() {
        sahifa_text::slug::slugify(&values.title)
    } else {
        sahifa_text::slug::slugify(&values.slug)
    };
    let _ = current;
    Ok(Article {
        summary: sahifa_store::ArticleSummary {
            id: id.unwrap_or(0),
            slug,
            title: values.title.clone(),
            lead: values.lead.clone(),
            status: ArticleStatus::Draft,
            published_at: Some(published_at),
            updated_at: published_at,
            author,
            category,
            image,
            comment_count: 0,
        },
        body_html,
        dateline: Some(values.dateline.clone()).filter(|d| !d.is_empty()),
        source: Some(values.source.clone()).filter(|s| !s.is_empty()),
        tags: values
            .tag_names()
            .into_iter()
            .map(|name| sahifa_store::Tag {
                id: 0,
                slug: sahifa_text::slug::slugify(&name),
                name,
            })
            .collect(),
        created_at: now,
    })
}

/// Saves `values` for `actor` through the use case (the editor form and the admin API
/// alike); a refused input comes back as `AppError::Invalid` with its fields.
pub(crate) async fn apply_save(
    state: &AppState,
    actor: &Actor,
    id: Option<i64>,
    values: &EditorValues,
    status: ArticleStatus,
    submit_review: bool,
) -> Result<Saved, AppError> {
    let site = state.site().await?;
    let draft = values.draft(&site, status, submit_review);
    Ok(state.newsroom().save_article(actor, id, &draft).await?)
}

/// The notice a save's outcome shows.
pub(crate) fn save_message(kind: SaveKind) -> &'static str {
    match kind {
        SaveKind::Submitted => "submitted",
        SaveKind::Published => "published",
        SaveKind::Saved | SaveKind::Scheduled | SaveKind::Unpublished => "saved",
    }
}

/// `POST /admin/articles/{id}/delete`.
pub async fn delete_article(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    form_with_csrf(&state, &current, request).await?;
    state
        .newsroom()
        .delete_article(&Actor::User(current.user.clone()), id)
        .await?;
    Ok(see_other("/admin/articles?msg=deleted"))
}

/// Editor values from the JSON admin API's fields (same validation as the form).
pub(crate) fn values_from_fields(fields: &FormFields) -> EditorValues {
    EditorValues::from_form(fields)
}

/// The status a form or API request asks for.
pub(crate) fn status_from_fields(fields: &FormFields) -> ArticleStatus {
    wanted_status(fields)
}
