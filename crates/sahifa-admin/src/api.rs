//! The admin JSON API for wire services and apps: `POST /api/v1/admin/articles`,
//! `GET|PUT|DELETE /api/v1/admin/articles/{id}`, authenticated by a personal API token
//! (`Authorization: Bearer ...`). The permission matrix, validation, revisions and audit
//! trail are the editor's own (`admin::articles::apply_save`).

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use sahifa_store::{ArticleStatus, User};

use crate::FormFields;
use crate::articles::{apply_save, status_from_fields, values_from_fields};
use sahifa_http::auth::permissions::can_edit_article;
use sahifa_http::auth::tokens::token_hash;
use sahifa_http::error::{ApiError, AppError};
use sahifa_http::state::AppState;
use sahifa_newsroom::Actor;
use sahifa_newsroom::articles::Saved;

/// Routes, mounted under `/api/v1/admin`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/articles", post(create_article))
        .route(
            "/articles/{id}",
            get(show_article).put(update_article).delete(delete_article),
        )
}

/// The account behind a bearer token.
pub struct ApiUser(pub User);

async fn api_error(
    _state: &AppState,
    status: StatusCode,
    code: &'static str,
    key: &'static str,
) -> ApiError {
    ApiError::new(status, code, key)
}

async fn from_app_error(_state: &AppState, err: AppError) -> ApiError {
    err.into()
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let Some(token) = token else {
            return Err(api_error(
                state,
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "api-unauthorized",
            )
            .await);
        };
        match state.db().user_for_api_token(&token_hash(token)).await {
            Ok(Some(user)) => Ok(ApiUser(user)),
            Ok(None) => Err(api_error(
                state,
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "api-unauthorized",
            )
            .await),
            Err(err) => Err(from_app_error(state, err.into()).await),
        }
    }
}

/// The article fields the API accepts; all optional on PUT (missing = keep).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleBody {
    title: Option<String>,
    lead: Option<String>,
    /// The body in Markdown, converted to the body schema on save.
    body: Option<String>,
    /// The body in HTML, reduced to the body schema on save.
    body_html: Option<String>,
    dateline: Option<String>,
    source: Option<String>,
    slug: Option<String>,
    category_id: Option<i64>,
    author_id: Option<i64>,
    tags: Option<Vec<String>>,
    status: Option<ArticleStatus>,
    published_at: Option<DateTime<Utc>>,
    media_id: Option<i64>,
}

/// Builds the form fields the editor validates, starting from `base` (the stored article
/// on PUT) and overriding with what the request sent.
async fn fields_for(
    state: &AppState,
    body: ArticleBody,
    base: Option<&sahifa_store::Article>,
    base_media: Option<i64>,
) -> FormFields {
    let site = state.site().await.ok();
    let mut f: HashMap<String, String> = HashMap::new();
    if let Some(a) = base {
        f.insert("title".into(), a.summary.title.clone());
        f.insert("lead".into(), a.summary.lead.clone());
        f.insert("body_html".into(), a.body_html.clone());
        f.insert("dateline".into(), a.dateline.clone().unwrap_or_default());
        f.insert("source".into(), a.source.clone().unwrap_or_default());
        f.insert("slug".into(), a.summary.slug.clone());
        if let Some(c) = &a.summary.category {
            f.insert("category_id".into(), c.id.to_string());
        }
        if let Some(p) = &a.summary.author {
            f.insert("author_id".into(), p.id.to_string());
        }
        f.insert(
            "tags".into(),
            a.tags
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(","),
        );
        f.insert("status".into(), a.summary.status.as_str().into());
        if let Some(p) = a.summary.published_at {
            set_time(&mut f, site.as_deref(), p);
        }
        if let Some(m) = base_media {
            f.insert("media_id".into(), m.to_string());
        }
    }
    if body.body.is_some() {
        // Markdown sent replaces the stored HTML.
        f.remove("body_html");
    }
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            f.insert(k.to_string(), v);
        }
    };
    put("title", body.title);
    put("lead", body.lead);
    put("body", body.body);
    put("body_html", body.body_html);
    put("dateline", body.dateline);
    put("source", body.source);
    put("slug", body.slug);
    put("category_id", body.category_id.map(|v| v.to_string()));
    put("author_id", body.author_id.map(|v| v.to_string()));
    put("tags", body.tags.map(|t| t.join(",")));
    put("status", body.status.map(|s| s.as_str().to_string()));
    put("media_id", body.media_id.map(|v| v.to_string()));
    if let Some(p) = body.published_at {
        set_time(&mut f, site.as_deref(), p);
    }
    FormFields(f)
}

fn set_time(
    f: &mut HashMap<String, String>,
    site: Option<&sahifa_http::state::SiteView>,
    at: DateTime<Utc>,
) {
    let tz = site.map(|s| s.tz).unwrap_or(chrono_tz::Tz::UTC);
    let local = at.with_timezone(&tz);
    f.insert("publish_date".into(), local.format("%Y-%m-%d").to_string());
    f.insert("publish_time".into(), local.format("%H:%M").to_string());
}

async fn parse_body(state: &AppState, raw: axum::body::Bytes) -> Result<ArticleBody, ApiError> {
    match serde_json::from_slice::<ArticleBody>(&raw) {
        Ok(body) if body.body.is_some() && body.body_html.is_some() => Err(api_error(
            state,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "api-body-two-formats",
        )
        .await),
        Ok(body) => Ok(body),
        Err(err) => {
            let mut e = api_error(state, StatusCode::BAD_REQUEST, "bad_json", "api-bad-json").await;
            // serde's own words name the line, column and field, which is what a developer
            // integrating a wire feed needs.
            e.raw_fields.insert("json".into(), err.to_string());
            Err(e)
        }
    }
}

async fn outcome(
    state: &AppState,
    result: Result<Saved, AppError>,
    created: bool,
) -> Result<Response, ApiError> {
    let saved = result?;
    let article = state
        .db()
        .article_by_id(saved.id)
        .await?
        .ok_or(AppError::NotFound)?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(article_json(state, &article))).into_response())
}

/// An article as every endpoint of the admin API answers it (a documented format: the
/// names and values do not change). The fields are in alphabetical order, the order the
/// API has always sent them in.
#[derive(Debug, Serialize)]
struct ArticleResponse<'a> {
    author_id: Option<i64>,
    /// The body: HTML of the body schema (what `body` Markdown was converted to).
    body_html: &'a str,
    category_id: Option<i64>,
    dateline: Option<&'a str>,
    id: i64,
    lead: &'a str,
    published_at: Option<DateTime<Utc>>,
    slug: &'a str,
    source: Option<&'a str>,
    status: ArticleStatus,
    /// Tag names.
    tags: Vec<&'a str>,
    title: &'a str,
    updated_at: DateTime<Utc>,
    /// The public page's absolute URL.
    url: String,
}

fn article_json<'a>(state: &AppState, a: &'a sahifa_store::Article) -> ArticleResponse<'a> {
    let s = &a.summary;
    ArticleResponse {
        id: s.id,
        slug: &s.slug,
        title: &s.title,
        lead: &s.lead,
        body_html: &a.body_html,
        dateline: a.dateline.as_deref(),
        source: a.source.as_deref(),
        status: s.status,
        published_at: s.published_at,
        updated_at: s.updated_at,
        category_id: s.category.as_ref().map(|c| c.id),
        author_id: s.author.as_ref().map(|p| p.id),
        tags: a.tags.iter().map(|t| t.name.as_str()).collect(),
        url: format!(
            "{}{}",
            state.config().base_url,
            sahifa_http::urls::article(&s.slug)
        ),
    }
}

/// `POST /api/v1/admin/articles`.
async fn create_article(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    raw: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let body = parse_body(&state, raw).await?;
    let fields = fields_for(&state, body, None, None).await;
    let values = values_from_fields(&fields);
    let status = status_from_fields(&fields);
    let result = apply_save(&state, &Actor::User(user), None, &values, status, false).await;
    outcome(&state, result, true).await
}

/// `GET /api/v1/admin/articles/{id}`: any status, for whoever may edit it.
async fn show_article(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (article, owner) = load(&state, id).await?;
    if !can_edit_article(&user, owner, article.summary.status) {
        return Err(from_app_error(&state, AppError::Forbidden).await);
    }
    Ok(Json(article_json(&state, &article)).into_response())
}

/// `PUT /api/v1/admin/articles/{id}`: fields not sent keep their value.
async fn update_article(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
    raw: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let body = parse_body(&state, raw).await?;
    let (article, _) = load(&state, id).await?;
    let media = state
        .db()
        .article_media_id(id)
        .await
        .map_err(AppError::from);
    let media = match media {
        Ok(m) => m,
        Err(e) => return Err(from_app_error(&state, e).await),
    };
    let fields = fields_for(&state, body, Some(&article), media).await;
    let values = values_from_fields(&fields);
    let status = status_from_fields(&fields);
    let result = apply_save(&state, &Actor::User(user), Some(id), &values, status, false).await;
    outcome(&state, result, false).await
}

/// `DELETE /api/v1/admin/articles/{id}`.
async fn delete_article(
    State(state): State<AppState>,
    ApiUser(user): ApiUser,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    match state
        .newsroom()
        .delete_article(&Actor::User(user), id)
        .await
    {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(e) => Err(from_app_error(&state, e.into()).await),
    }
}

async fn load(state: &AppState, id: i64) -> Result<(sahifa_store::Article, Option<i64>), ApiError> {
    let db = state.db();
    let found = async {
        let article = db.article_by_id(id).await?;
        let flags = db.article_admin_flags(id).await?;
        Ok::<_, sahifa_store::StoreError>((article, flags))
    }
    .await;
    match found {
        Ok((Some(article), flags)) => Ok((article, flags.and_then(|(owner, _)| owner))),
        Ok((None, _)) => Err(from_app_error(state, AppError::NotFound).await),
        Err(e) => Err(from_app_error(state, e.into()).await),
    }
}
