//! The header and footer menus in the admin at `/admin/menus`: plain forms that work
//! without JavaScript. Each menu lists its items in order (nested ones under their
//! parent) with a form per item (label, link, parent; buttons to save, move up or down
//! and delete) and a form to add an item: a category, a static page, a tag or a custom
//! link. An item whose target was deleted is marked broken; readers no longer see it.

use std::collections::HashMap;

use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use sahifa_newsroom::menus::{Direction, MenuItemDraft, MenuItemPatch};
use sahifa_newsroom::{Actor, NewsroomError};
use sahifa_store::menus::{MenuItem, MenuKind, MenuLocation};
use sahifa_store::pages::PageStatus;

use super::{form_with_csrf, notice, render_with_status, require};
use sahifa_http::auth::{Capability, CurrentUser};
use sahifa_http::error::AppError;
use sahifa_http::state::AppState;
use sahifa_site::pages::see_other;

type FieldErrors = Vec<(&'static str, &'static str)>;

/// The add form as typed: the target select's value (`category:3`, `link`...), the URL
/// and label, the parent.
#[derive(Debug, Clone, Default, Serialize)]
struct AddValues {
    target: String,
    url: String,
    label: String,
    parent_id: Option<i64>,
}

/// An item's edit form as typed.
#[derive(Debug, Clone, Default, Serialize)]
struct ItemValues {
    label: String,
    url: String,
    parent_id: Option<i64>,
}

/// What a form shown again with problems holds.
enum Shown {
    /// Nothing refused.
    Clean,
    /// The add form of this menu.
    Add(MenuLocation, AddValues, FieldErrors),
    /// The edit form of this item.
    Item(i64, ItemValues, FieldErrors),
}

/// The context of `admin/menus.html`.
#[derive(Debug, Serialize)]
struct MenusPage {
    menus: Vec<MenuView>,
    /// The add form's target choices.
    categories: Vec<Choice>,
    pages: Vec<Choice>,
    tags: Vec<Choice>,
    notice: Option<&'static str>,
}

/// One target of the add form.
#[derive(Debug, Serialize)]
struct Choice {
    value: String,
    name: String,
}

/// One menu with its items and its add form.
#[derive(Debug, Serialize)]
struct MenuView {
    location: &'static str,
    items: Vec<ItemView>,
    /// Top-level items, the possible parents.
    parents: Vec<Choice>,
    add: AddValues,
    /// Field name → message key, for the add form.
    add_errors: HashMap<&'static str, &'static str>,
}

/// One item as its card shows it.
#[derive(Debug, Serialize)]
struct ItemView {
    id: i64,
    kind: &'static str,
    /// What readers see (the label, else the target's name).
    shown_label: String,
    /// The target's own name, when it still exists.
    target_name: Option<String>,
    broken: bool,
    /// A draft page: kept, but hidden from readers until published.
    draft: bool,
    nested: bool,
    has_children: bool,
    first: bool,
    last: bool,
    v: ItemValues,
    /// Parent choices: the other top-level items (none for an item with children).
    parents: Vec<Choice>,
    errors: HashMap<&'static str, &'static str>,
}

fn actor(current: &CurrentUser) -> Actor {
    Actor::User(current.user.clone())
}

/// A refusal as the field errors the form prints; anything else as the error it is.
fn field_errors(err: NewsroomError) -> Result<FieldErrors, AppError> {
    match err {
        NewsroomError::Invalid(fields) => Ok(fields.iter().map(|f| (f.field, f.key)).collect()),
        other => Err(other.into()),
    }
}

/// The items of one menu in display order: each top-level item followed by its children.
fn ordered(items: &[MenuItem], location: MenuLocation) -> Vec<&MenuItem> {
    let mut mine: Vec<&MenuItem> = items.iter().filter(|i| i.location == location).collect();
    mine.sort_by_key(|i| (i.position, i.id));
    let top: Vec<i64> = mine
        .iter()
        .filter(|i| i.parent_id.is_none())
        .map(|i| i.id)
        .collect();
    let is_top = |i: &MenuItem| i.parent_id.is_none_or(|p| !top.contains(&p));
    let mut out = Vec::with_capacity(mine.len());
    for parent in mine.iter().filter(|i| is_top(i)) {
        out.push(*parent);
        out.extend(mine.iter().filter(|c| c.parent_id == Some(parent.id)));
    }
    out
}

fn menu_view(items: &[MenuItem], location: MenuLocation, shown: &Shown) -> MenuView {
    let list = ordered(items, location);
    let top_level: Vec<&MenuItem> = list
        .iter()
        .copied()
        .filter(|i| i.parent_id.is_none())
        .collect();
    let choice = |i: &MenuItem| Choice {
        value: i.id.to_string(),
        name: i.display_label().to_string(),
    };
    let views = list
        .iter()
        .map(|item| {
            let siblings: Vec<i64> = list
                .iter()
                .filter(|s| s.parent_id == item.parent_id)
                .map(|s| s.id)
                .collect();
            let has_children = list.iter().any(|c| c.parent_id == Some(item.id));
            let (v, errors) = match shown {
                Shown::Item(id, values, errors) if *id == item.id => {
                    (values.clone(), errors.iter().copied().collect())
                }
                _ => (
                    ItemValues {
                        label: item.label.clone(),
                        url: item.url.clone(),
                        parent_id: item.parent_id,
                    },
                    HashMap::new(),
                ),
            };
            ItemView {
                id: item.id,
                kind: item.kind.as_str(),
                shown_label: item.display_label().to_string(),
                target_name: item.target_name.clone(),
                broken: item.broken(),
                draft: item.kind == MenuKind::Page
                    && item.page_status.as_deref() == Some(PageStatus::Draft.as_str()),
                nested: item.parent_id.is_some(),
                has_children,
                first: siblings.first() == Some(&item.id),
                last: siblings.last() == Some(&item.id),
                v,
                parents: if has_children {
                    Vec::new()
                } else {
                    top_level
                        .iter()
                        .filter(|p| p.id != item.id)
                        .map(|p| choice(p))
                        .collect()
                },
                errors,
            }
        })
        .collect();
    let (add, add_errors) = match shown {
        Shown::Add(at, values, errors) if *at == location => {
            (values.clone(), errors.iter().copied().collect())
        }
        _ => (AddValues::default(), HashMap::new()),
    };
    MenuView {
        location: location.as_str(),
        items: views,
        parents: top_level.iter().map(|p| choice(p)).collect(),
        add,
        add_errors,
    }
}

async fn show(
    state: &AppState,
    current: &CurrentUser,
    shown: Shown,
    status: StatusCode,
    notice: Option<&'static str>,
) -> Result<Response, AppError> {
    let db = state.db();
    let items = db.menu_items().await?;
    let categories = db
        .categories()
        .await?
        .into_iter()
        .map(|c| Choice {
            value: format!("category:{}", c.id),
            name: if c.parent_id.is_some() {
                format!("— {}", c.name)
            } else {
                c.name
            },
        })
        .collect();
    let pages = db
        .pages()
        .await?
        .into_iter()
        .map(|p| Choice {
            value: format!("page:{}", p.id),
            name: p.title,
        })
        .collect();
    let tags = db
        .tags_with_all_counts()
        .await?
        .into_iter()
        .map(|t| Choice {
            value: format!("tag:{}", t.id),
            name: t.name,
        })
        .collect();
    let ctx = MenusPage {
        menus: MenuLocation::ALL
            .iter()
            .map(|l| menu_view(&items, *l, &shown))
            .collect(),
        categories,
        pages,
        tags,
        notice,
    };
    render_with_status(
        status,
        state,
        Some(current),
        "admin/menus.html",
        "admin-menus-title",
        ctx,
    )
    .await
}

/// `GET /admin/menus`.
pub async fn show_menus(
    State(state): State<AppState>,
    current: CurrentUser,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageTaxonomy)?;
    show(
        &state,
        &current,
        Shown::Clean,
        StatusCode::OK,
        notice(&query),
    )
    .await
}

/// The add form's target select: `category:3`, `page:5`, `tag:7` or `link`.
fn parse_target(value: &str) -> Option<(MenuKind, Option<i64>)> {
    if value == "link" {
        return Some((MenuKind::Link, None));
    }
    let (kind, id) = value.split_once(':')?;
    let kind = MenuKind::parse(kind).filter(|k| *k != MenuKind::Link)?;
    Some((kind, id.parse().ok()))
}

/// Where the browser goes after a change: back to the menu it was made in.
fn back(location: MenuLocation, msg: &str) -> Response {
    see_other(&format!(
        "/admin/menus?msg={msg}#menu-{}",
        location.as_str()
    ))
}

/// `POST /admin/menus/{location}`: adds an item to the header or footer menu.
pub async fn add_item(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(location): Path<String>,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageTaxonomy)?;
    let location = MenuLocation::parse(&location).ok_or(AppError::NotFound)?;
    let form = form_with_csrf(&state, &current, request).await?;
    let values = AddValues {
        target: form.text("target"),
        url: form.text("url"),
        label: form.text("label"),
        parent_id: form.id("parent_id"),
    };
    let refused = |errors: FieldErrors| Shown::Add(location, values.clone(), errors);
    let Some((kind, target_id)) = parse_target(&values.target) else {
        let shown = refused(vec![("target", "admin-error-menu-target-unknown")]);
        return show(
            &state,
            &current,
            shown,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        )
        .await;
    };
    let draft = MenuItemDraft {
        location,
        kind,
        target_id,
        url: values.url.clone(),
        label: values.label.clone(),
        parent_id: values.parent_id,
    };
    match state
        .newsroom()
        .add_menu_item(&actor(&current), &draft)
        .await
    {
        Ok(_) => Ok(back(location, "created")),
        Err(err) => {
            let mut errors = field_errors(err)?;
            // The form has one select for the target, whatever its kind.
            for (field, _) in &mut errors {
                if *field == "target_id" {
                    *field = "target";
                }
            }
            let shown = refused(errors);
            show(
                &state,
                &current,
                shown,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            )
            .await
        }
    }
}

/// The location of item `id`, or 404.
async fn location_of(state: &AppState, id: i64) -> Result<MenuLocation, AppError> {
    Ok(state
        .db()
        .menu_item(id)
        .await?
        .ok_or(AppError::NotFound)?
        .location)
}

/// `POST /admin/menus/items/{id}`: saves an item's label, link and parent.
pub async fn save_item(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageTaxonomy)?;
    let form = form_with_csrf(&state, &current, request).await?;
    let location = location_of(&state, id).await?;
    let values = ItemValues {
        label: form.text("label"),
        url: form.text("url"),
        parent_id: form.id("parent_id"),
    };
    let patch = MenuItemPatch {
        label: values.label.clone(),
        url: values.url.clone(),
        parent_id: values.parent_id,
    };
    match state
        .newsroom()
        .update_menu_item(&actor(&current), id, &patch)
        .await
    {
        Ok(()) => Ok(back(location, "saved")),
        Err(err) => {
            let shown = Shown::Item(id, values, field_errors(err)?);
            show(
                &state,
                &current,
                shown,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
            )
            .await
        }
    }
}

async fn move_item(
    state: AppState,
    current: CurrentUser,
    id: i64,
    request: Request,
    direction: Direction,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageTaxonomy)?;
    form_with_csrf(&state, &current, request).await?;
    let location = location_of(&state, id).await?;
    state
        .newsroom()
        .move_menu_item(&actor(&current), id, direction)
        .await?;
    Ok(back(location, "saved"))
}

/// `POST /admin/menus/items/{id}/up`.
pub async fn move_up(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    move_item(state, current, id, request, Direction::Up).await
}

/// `POST /admin/menus/items/{id}/down`.
pub async fn move_down(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    move_item(state, current, id, request, Direction::Down).await
}

/// `POST /admin/menus/items/{id}/delete`: its nested items move to the top level.
pub async fn delete_item(
    State(state): State<AppState>,
    current: CurrentUser,
    Path(id): Path<i64>,
    request: Request,
) -> Result<Response, AppError> {
    require(&current, Capability::ManageTaxonomy)?;
    form_with_csrf(&state, &current, request).await?;
    let location = location_of(&state, id).await?;
    state
        .newsroom()
        .delete_menu_item(&actor(&current), id)
        .await?;
    Ok(back(location, "deleted"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(parse_target("link"), Some((MenuKind::Link, None)));
        assert_eq!(parse_target("page:5"), Some((MenuKind::Page, Some(5))));
        assert_eq!(parse_target("tag:x"), Some((MenuKind::Tag, None)));
        assert_eq!(parse_target("link:3"), None);
        assert_eq!(parse_target(""), None);
    }
}
