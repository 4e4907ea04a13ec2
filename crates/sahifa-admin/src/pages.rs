//! Static pages in the admin: the list at `/admin/pages` and the page editor, which
//! follows the article editor (title, slug, Markdown body with a server-side preview,
//! status) plus a parent page for the breadcrumb.
//!
//! A refused save shows the form again with what was typed and each field's problem; a
//! changed slug keeps the old address as a redirect; deleting a page moves its children up
//! to its own parent (the delete form says so).

use std::collections::HashMap;

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use sahifa_newsroom::pages::PageDraft;
use sahifa_newsroom::{Actor, NewsroomError};
use sahifa_store::pages::{Page, PageStatus};

use super::{FormFields, form_with_csrf, notice, render_with_status, require};
use sahifa_http::auth::{Capability, CurrentUser};
use sahifa_http::error::AppError;
use sahifa_http::state::AppState;
use sahifa_site::pages::see_other;
use sahifa_site::pages::static_page::page_url;
use sahifa_site::view;

/// What the page form holds, typed or loaded.
#[derive(Debug, Clone, Default, Serialize)]
struct PageValues {
    title: String,
    slug: String,
    description: String,
    body: String,
    status: PageStatus,
    parent_id: Option<i64>,
}

impl PageValues {
    fn from_form(form: &FormFields) -> PageValues {
        PageValues {
            title: form.text("title"),
            slug: form.text("slug"),
            description: form.text("description"),
            body: form.raw("body"),
            status: PageStatus::parse(&form.text("status")),
            parent_id: form.id("parent_id"),
        }
    }

    fn from_page(p: &Page) -> PageValues {
        PageValues {
            title: p.title.clone(),
            slug: p.slug.clone(),
            description: p.description.clone(),
            body: p.body_md.clone(),
            status: p.status,
            parent_id: p.parent_id,
        }
    }

    fn draft(&self) -> PageDraft {
        PageDraft {
            title: self.title.clone(),
            slug: self.slug.clone(),
            description: self.description.clone(),
            body: self.body.clone(),
            status: self.status,
            parent_id: self.parent_id,
        }
    }
}

type FieldErrors = Vec<(&'static str, &'static str)>;

/// One page of the list (stacked cards on a phone, like the article list).
#[derive(Debug, Serialize)]
struct PageRow {
    title: String,
    status: PageStatus,
    parent: Option<String>,
    editor: Option<String>,
    updated: String,
    edit_url: String,
    /// Only a published page has a public address to link to.
    public_url: Option<String>,
}

/// The context of `admin/pages.html`.
#[derive(Debug, Serialize)]
struct PagesList {
    rows: Vec<PageRow>,
    notice: Option<&'static str>,
}

/// One choice of the parent select.
#[derive(Debug, Serialize)]
struct ParentOption {
    id: i64,
    title: String,
}

/// The context of `admin/page_editor.html`.
#[derive(Debug, Serialize)]
struct EditorPage<'a> {
    /// The page edited; absent for a new page.
    page_id: Option<i64>,
    action: String,
    public_url: Option<String>,
    /// How many pages sit under it (deleting it moves them up).
    children: usize,
    v: &'a PageValues,
    parents: Vec<ParentOption>,
    statuses: [PageStatus; 2],
    /// Field name → message key.
    errors: HashMap<&'static str, &'static str>,
    preview_html: Option<String>,
    notice: Option<&'static str>,
}

fn actor(current: &CurrentUser) -> Actor {
    Actor::User(current.user.clone())
}

/// A refusal as the field errors the form prints; anything else as the error it is.
fn field_errors(err: NewsroomError) -> Result<FieldErrors, AppError> {
    match err {
        NewsroomError::Invalid(fields) => Ok(fields.iter().map(|f| (f.field, f.key)).collect()),
        NewsroomError::Conflict {
            field: Some(field),
            key,
        } => Ok(vec![(field, key)]),
        other => Err(other.into()),
    }
}

/// The pages at or below `id` (never a valid parent for it).
fn subtree(pages: &[Page], id: i64) -> Vec<i64> {
    let mut out = vec![id];
    let mut i = 0;
    while let Some(&at) = out.get(i) {
        for p in pages {
            if p.parent_id == Some(at) && !out.contains(&p.id) {
                out.push(p.id);
            }
        }
        i += 1;
    }
    out
}

/// `GET /admin/pages`.
pub async fn list_pages(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageTaxonomy)?;
    let site = state.site().await?;
    let listed = state.db().pages_listed().await?;
    let titles: HashMap<i64, String> = listed
        .iter()
        .map(|l| (l.page.id, l.page.title.clone()))
        .collect();
    let rows = listed
        .iter()
        .map(|l| PageRow {
            title: l.page.title.clone(),
            status: l.page.status,
            parent: l.page.parent_id.and_then(|p| titles.get(&p).cloned()),
            editor: l.editor_name.clone(),
            updated: view::display_date(&site, &l.page.updated_at),
            edit_url: format!("/admin/pages/{}", l.page.id),
            public_url: (l.page.status == PageStatus::Published).then(|| page_url(&l.page.slug)),
        })
        .collect();
    render_with_status(
        StatusCode::OK,
        &state,
        Some(&current),
        "admin/pages.html",
        "admin-pages-title",
        PagesList {
            rows,
            notice: notice(&query),
        },
    )
    .await
}

/// What [`editor`] shows besides the values.
struct EditorInput<'a> {
    page: Option<&'a Page>,
    values: &'a PageValues,
    errors: &'a FieldErrors,
    preview_html: Option<String>,
    status: StatusCode,
    notice: Option<&'static str>,
}

async fn editor(
    state: &AppState,
    current: &CurrentUser,
    input: EditorInput<'_>,
) -> Result<Response, AppError> {
    let pages = state.db().pages().await?;
    let exclude = input.page.map_or_else(Vec::new, |p| subtree(&pages, p.id));
    let children = input.page.map_or(0, |p| {
        pages.iter().filter(|c| c.parent_id == Some(p.id)).count()
    });
    let ctx = EditorPage {
        page_id: input.page.map(|p| p.id),
        action: input.page.map_or_else(
            || "/admin/pages/new".into(),
            |p| format!("/admin/pages/{}", p.id),
        ),
        public_url: input
            .page
            .filter(|p| p.status == PageStatus::Published)
            .map(|p| page_url(&p.slug)),
        children,
        v: input.values,
        parents: pages
            .iter()
            .filter(|p| !exclude.contains(&p.id))
            .map(|p| ParentOption {
                id: p.id,
                title: p.title.clone(),
            })
            .collect(),
        statuses: [PageStatus::Draft, PageStatus::Published],
        errors: input.errors.iter().copied().collect(),
        preview_html: input.preview_html,
        notice: input.notice,
    };
    let title_key = if input.page.is_some() {
        "admin-edit-page-title"
    } else {
        "admin-new-page-title"
    };
    render_with_status(
        input.status,
        state,
        Some(current),
        "admin/page_editor.html",
        title_key,
        ctx,
    )
    .await
}

/// `GET /admin/pages/new`.
pub async fn new_page(
    State(state): State<AppState>,
    current: CurrentUser,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageTaxonomy)?;
    let values = PageValues::default();
    editor(
        &state,
        &current,
        EditorInput {
            page: None,
            values: &values,
            errors: &Vec::new(),
            preview_html: None,
            status: StatusCode::OK,
            notice: None,
        },
    )
    .await
}

/// `GET /admin/pages/{id}`.
pub async fn edit_page(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageTaxonomy)?;
    let page = state.db().page_by_id(id).await?.ok_or(AppError::NotFound)?;
    let values = PageValues::from_page(&page);
    editor(
        &state,
        &current,
        EditorInput {
            page: Some(&page),
            values: &values,
            errors: &Vec::new(),
            preview_html: None,
            status: StatusCode::OK,
            notice: notice(&query),
        },
    )
    .await
}

/// `POST /admin/pages/new`: creates a page (or shows the preview).
pub async fn create_page(
    State(state): State<AppState>,
    current: CurrentUser,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageTaxonomy)?;
    let form = form_with_csrf(&state, &current, request).await?;
    save(&state, &current, None, &form).await
}

/// `POST /admin/pages/{id}`: saves a page (or shows the preview).
pub async fn save_page(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageTaxonomy)?;
    let form = form_with_csrf(&state, &current, request).await?;
    let page = state.db().page_by_id(id).await?.ok_or(AppError::NotFound)?;
    save(&state, &current, Some(&page), &form).await
}

async fn save(
    state: &AppState,
    current: &CurrentUser,
    page: Option<&Page>,
    form: &FormFields,
) -> Result<Response, AppError> {
    let values = PageValues::from_form(form);
    let shown = |errors, preview_html, status| EditorInput {
        page,
        values: &values,
        errors,
        preview_html,
        status,
        notice: None,
    };
    if form.text("action") == "preview" {
        // Rendered like the article preview, off the request workers; a refused body
        // shows the form again with its problem.
        return match sahifa_newsroom::pages::render_body(&values.body).await? {
            Ok(html) => {
                let status = StatusCode::OK;
                editor(state, current, shown(&Vec::new(), Some(html), status)).await
            }
            Err(fields) => {
                let errors: FieldErrors = fields.iter().map(|f| (f.field, f.key)).collect();
                let status = StatusCode::UNPROCESSABLE_ENTITY;
                editor(state, current, shown(&errors, None, status)).await
            }
        };
    }
    let newsroom = state.newsroom();
    let saved = match page {
        Some(p) => newsroom
            .update_page(&actor(current), p.id, &values.draft())
            .await
            .map(|()| p.id),
        None => newsroom.create_page(&actor(current), &values.draft()).await,
    };
    match saved {
        Ok(id) => Ok(see_other(&format!("/admin/pages/{id}?msg=saved"))),
        Err(err) => {
            let errors = field_errors(err)?;
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            editor(state, current, shown(&errors, None, status)).await
        }
    }
}

/// `POST /admin/pages/{id}/delete`.
pub async fn delete_page(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageTaxonomy)?;
    form_with_csrf(&state, &current, request).await?;
    state.newsroom().delete_page(&actor(&current), id).await?;
    Ok(see_other("/admin/pages?msg=deleted"))
}
