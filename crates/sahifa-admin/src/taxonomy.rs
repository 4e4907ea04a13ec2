//! Categories (a tree: create, edit, move, delete) and tags (rename, delete).
//!
//! A category's slug change keeps the old URL as a redirect; deleting a category leaves its
//! articles uncategorised (the page says so before the button) and moves its subcategories
//! up; a category can never become its own ancestor.

use std::collections::HashMap;

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use sahifa_newsroom::taxonomy::CategoryDraft;
use sahifa_newsroom::{Actor, NewsroomError};
use sahifa_store::Category;

use super::{FormFields, form_with_csrf, notice, render_with_status, require};
use sahifa_http::auth::{Capability, CurrentUser};
use sahifa_http::error::AppError;
use sahifa_http::state::AppState;
use sahifa_http::urls;
use sahifa_site::pages::see_other;

/// What the category form holds, typed or loaded.
#[derive(Debug, Clone, Default, serde::Serialize)]
struct CategoryValues {
    name: String,
    slug: String,
    description: String,
    parent_id: Option<i64>,
    position: String,
}

impl CategoryValues {
    fn from_form(form: &FormFields) -> CategoryValues {
        CategoryValues {
            name: form.text("name"),
            slug: form.text("slug"),
            description: form.text("description"),
            parent_id: form.id("parent_id"),
            position: sahifa_text::digits::to_ascii_digits(&form.text("position")),
        }
    }

    fn draft(&self) -> CategoryDraft {
        CategoryDraft {
            name: self.name.clone(),
            slug: self.slug.clone(),
            description: self.description.clone(),
            parent_id: self.parent_id,
            position: self.position.clone(),
        }
    }

    fn from_category(c: &Category) -> CategoryValues {
        CategoryValues {
            name: c.name.clone(),
            slug: c.slug.clone(),
            description: c.description.clone(),
            parent_id: c.parent_id,
            position: c.position.to_string(),
        }
    }
}

type FieldErrors = Vec<(&'static str, &'static str)>;

/// Each category's depth in the tree (0 for a top-level one).
fn depths(categories: &[Category]) -> HashMap<i64, usize> {
    let parent_of: HashMap<i64, Option<i64>> =
        categories.iter().map(|c| (c.id, c.parent_id)).collect();
    categories
        .iter()
        .map(|c| {
            let mut depth = 0;
            let mut at = c.parent_id;
            // Bounded, so a hand-edited cycle cannot loop forever.
            while let Some(p) = at.filter(|_| depth < categories.len()) {
                match parent_of.get(&p) {
                    Some(next) => {
                        depth += 1;
                        at = *next;
                    }
                    None => break,
                }
            }
            (c.id, depth)
        })
        .collect()
}

/// The categories that are `id` or below it (never a valid parent for it).
fn subtree(categories: &[Category], id: i64) -> Vec<i64> {
    let mut out = vec![id];
    let mut i = 0;
    while i < out.len() {
        let at = out[i];
        for c in categories {
            if c.parent_id == Some(at) && !out.contains(&c.id) {
                out.push(c.id);
            }
        }
        i += 1;
    }
    out
}

/// The context of `admin/categories.html`: the tree with the create form, or with one
/// category's edit form (`edit`).
#[derive(Debug, Serialize)]
struct CategoriesPage<'a> {
    /// The category being edited; the key is absent on the list page.
    #[serde(skip_serializing_if = "Option::is_none")]
    edit: Option<EditedCategory<'a>>,
    rows: Vec<CategoryRow<'a>>,
    parents: Vec<ParentOption<'a>>,
    v: &'a CategoryValues,
    /// Field name → message key.
    errors: HashMap<&'static str, &'static str>,
    notice: Option<&'static str>,
}

/// The category an edit page is about, with what its deletion would affect.
#[derive(Debug, Serialize)]
struct EditedCategory<'a> {
    id: i64,
    name: &'a str,
    slug: &'a str,
    url: String,
    /// Its articles, which deleting it leaves uncategorised.
    articles: i64,
    /// Its subcategories, which deleting it moves up.
    children: usize,
}

/// One category of the tree table.
#[derive(Debug, Serialize)]
struct CategoryRow<'a> {
    id: i64,
    name: &'a str,
    slug: &'a str,
    description: &'a str,
    position: i64,
    /// Indentation level, capped at 6.
    depth: usize,
    articles: i64,
    url: String,
    edit_url: String,
}

/// One choice of the parent select, indented by its depth.
#[derive(Debug, Serialize)]
struct ParentOption<'a> {
    id: i64,
    name: &'a str,
    depth: usize,
}

fn tree_rows<'a>(categories: &'a [Category], counts: &HashMap<i64, i64>) -> Vec<CategoryRow<'a>> {
    let depth = depths(categories);
    categories
        .iter()
        .map(|c| CategoryRow {
            id: c.id,
            name: &c.name,
            slug: &c.slug,
            description: &c.description,
            position: c.position,
            depth: depth.get(&c.id).copied().unwrap_or(0).min(6),
            articles: counts.get(&c.id).copied().unwrap_or(0),
            url: urls::category(&c.slug),
            edit_url: format!("/admin/categories/{}", c.id),
        })
        .collect()
}

/// Parent choices for the form: every category but `exclude` (the edited one and its
/// descendants), with its depth for indentation.
fn parent_options<'a>(categories: &'a [Category], exclude: &[i64]) -> Vec<ParentOption<'a>> {
    let depth = depths(categories);
    categories
        .iter()
        .filter(|c| !exclude.contains(&c.id))
        .map(|c| ParentOption {
            id: c.id,
            name: &c.name,
            depth: depth.get(&c.id).copied().unwrap_or(0).min(6),
        })
        .collect()
}

/// A refusal of the input as the field errors the form prints; anything else as the error
/// it is. A slug taken by a concurrent write arrives as a field error too.
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

fn actor(current: &CurrentUser) -> Actor {
    Actor::User(current.user.clone())
}

async fn counts(state: &AppState) -> Result<HashMap<i64, i64>, AppError> {
    Ok(state
        .db()
        .category_article_counts()
        .await?
        .into_iter()
        .collect())
}

/// The list with the create form (`values`/`errors` for the form as typed).
async fn list_page(
    state: &AppState,
    current: &CurrentUser,
    values: &CategoryValues,
    errors: &FieldErrors,
    status: StatusCode,
    notice: Option<&'static str>,
) -> Result<Response, AppError> {
    let categories = state.db().categories().await?;
    let ctx = CategoriesPage {
        edit: None,
        rows: tree_rows(&categories, &counts(state).await?),
        parents: parent_options(&categories, &[]),
        v: values,
        errors: errors.iter().copied().collect(),
        notice,
    };
    render_with_status(
        status,
        state,
        Some(current),
        "admin/categories.html",
        "admin-categories-title",
        ctx,
    )
    .await
}

/// The edit form of one category, with its delete warning.
async fn edit_page(
    state: &AppState,
    current: &CurrentUser,
    category: &Category,
    values: &CategoryValues,
    errors: &FieldErrors,
    status: StatusCode,
    notice: Option<&'static str>,
) -> Result<Response, AppError> {
    let categories = state.db().categories().await?;
    let counts = counts(state).await?;
    let children = categories
        .iter()
        .filter(|c| c.parent_id == Some(category.id))
        .count();
    let ctx = CategoriesPage {
        edit: Some(EditedCategory {
            id: category.id,
            name: &category.name,
            slug: &category.slug,
            url: urls::category(&category.slug),
            articles: counts.get(&category.id).copied().unwrap_or(0),
            children,
        }),
        rows: tree_rows(&categories, &counts),
        parents: parent_options(&categories, &subtree(&categories, category.id)),
        v: values,
        errors: errors.iter().copied().collect(),
        notice,
    };
    render_with_status(
        status,
        state,
        Some(current),
        "admin/categories.html",
        "admin-edit-category-title",
        ctx,
    )
    .await
}

/// `GET /admin/categories`.
pub async fn list_categories(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageTaxonomy)?;
    let values = CategoryValues {
        position: "0".into(),
        ..Default::default()
    };
    list_page(
        &state,
        &current,
        &values,
        &Vec::new(),
        StatusCode::OK,
        notice(&query),
    )
    .await
}

/// `POST /admin/categories`: creates a category.
pub async fn create_category(
    State(state): State<AppState>,
    current: CurrentUser,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageTaxonomy)?;
    let form = form_with_csrf(&state, &current, request).await?;
    let values = CategoryValues::from_form(&form);
    match state
        .newsroom()
        .create_category(&actor(&current), &values.draft())
        .await
    {
        Ok(_) => Ok(see_other("/admin/categories?msg=created")),
        Err(err) => {
            let errors = field_errors(err)?;
            list_page(
                &state,
                &current,
                &values,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            )
            .await
        }
    }
}

/// `GET /admin/categories/{id}`.
pub async fn edit_category(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageTaxonomy)?;
    let category = state
        .db()
        .category_by_id(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let values = CategoryValues::from_category(&category);
    edit_page(
        &state,
        &current,
        &category,
        &values,
        &Vec::new(),
        StatusCode::OK,
        notice(&query),
    )
    .await
}

/// `POST /admin/categories/{id}`: saves name, slug, description, parent and position.
pub async fn save_category(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageTaxonomy)?;
    let form = form_with_csrf(&state, &current, request).await?;
    let values = CategoryValues::from_form(&form);
    match state
        .newsroom()
        .update_category(&actor(&current), id, &values.draft())
        .await
    {
        Ok(()) => Ok(see_other(&format!("/admin/categories/{id}?msg=saved"))),
        Err(err) => {
            let errors = field_errors(err)?;
            let category = state
                .db()
                .category_by_id(id)
                .await?
                .ok_or(AppError::NotFound)?;
            edit_page(
                &state,
                &current,
                &category,
                &values,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            )
            .await
        }
    }
}

/// `POST /admin/categories/{id}/delete`: needs the "I understand" box ticked, because the
/// category's articles become uncategorised.
pub async fn delete_category(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageTaxonomy)?;
    let form = form_with_csrf(&state, &current, request).await?;
    let db = state.db();
    let category = db.category_by_id(id).await?.ok_or(AppError::NotFound)?;
    if form.text("confirm") != "yes" {
        let values = CategoryValues::from_category(&category);
        let errors = vec![("confirm", "admin-error-confirm-delete")];
        return edit_page(
            &state,
            &current,
            &category,
            &values,
            &errors,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        )
        .await;
    }
    state
        .newsroom()
        .delete_category(&actor(&current), id)
        .await?;
    Ok(see_other("/admin/categories?msg=deleted"))
}

// ----- tags -----

/// The context of `admin/tags.html`: every tag with its rename form.
#[derive(Debug, Serialize)]
struct TagsPage<'a> {
    rows: Vec<TagRow<'a>>,
    total: usize,
    notice: Option<&'static str>,
    /// A rename was refused (one of the rows carries its error).
    has_error: bool,
}

/// One tag with its rename form.
#[derive(Debug, Serialize)]
struct TagRow<'a> {
    id: i64,
    /// The form's values: the stored ones, or a refused rename of this tag as typed.
    name: &'a str,
    slug: &'a str,
    /// The name as stored, for the delete button's label.
    stored_name: &'a str,
    articles: i64,
    url: String,
    error: Option<&'static str>,
}

/// The tag list; `editing` is a rename typed but refused (tag id, name, slug, error key).
async fn tags_page(
    state: &AppState,
    current: &CurrentUser,
    editing: Option<(i64, String, String, &'static str)>,
    status: StatusCode,
    notice: Option<&'static str>,
) -> Result<Response, AppError> {
    let tags = state.db().tags_with_all_counts().await?;
    let rows = tags
        .iter()
        .map(|t| {
            let typed = editing.as_ref().filter(|e| e.0 == t.id);
            TagRow {
                id: t.id,
                name: typed.map_or(t.name.as_str(), |e| e.1.as_str()),
                slug: typed.map_or(t.slug.as_str(), |e| e.2.as_str()),
                stored_name: &t.name,
                articles: t.articles,
                url: urls::tag(&t.slug),
                error: typed.map(|e| e.3),
            }
        })
        .collect();
    let ctx = TagsPage {
        rows,
        total: tags.len(),
        notice,
        has_error: editing.is_some(),
    };
    render_with_status(
        status,
        state,
        Some(current),
        "admin/tags.html",
        "admin-tags-title",
        ctx,
    )
    .await
}

/// `GET /admin/tags`.
pub async fn list_tags(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageTaxonomy)?;
    tags_page(&state, &current, None, StatusCode::OK, notice(&query)).await
}

/// `POST /admin/tags/{id}`: renames a tag (the old slug keeps redirecting).
pub async fn rename_tag(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageTaxonomy)?;
    let form = form_with_csrf(&state, &current, request).await?;
    let (name, slug) = (form.text("name"), form.text("slug"));
    match state
        .newsroom()
        .rename_tag(&actor(&current), id, &name, &slug)
        .await
    {
        Ok(_) => Ok(see_other("/admin/tags?msg=saved")),
        Err(err) => {
            // The row shows one message: the first problem.
            let Some(&(_, key)) = field_errors(err)?.first() else {
                return Err(AppError::BadRequest);
            };
            tags_page(
                &state,
                &current,
                Some((id, name, slug, key)),
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            )
            .await
        }
    }
}

/// `POST /admin/tags/{id}/delete`: articles keep everything but this tag.
pub async fn delete_tag(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageTaxonomy)?;
    form_with_csrf(&state, &current, request).await?;
    state.newsroom().delete_tag(&actor(&current), id).await?;
    Ok(see_other("/admin/tags?msg=deleted"))
}
