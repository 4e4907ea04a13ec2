//! Header and footer menu use cases: add an item (a category, a static page, a tag or a
//! custom link), change its label, link or parent, move it up or down, delete it.
//!
//! Menus are site structure, managed by editors and administrators like categories
//! ([`Capability::ManageTaxonomy`]). Nesting is one level deep: an item's parent must be a
//! top-level item of the same menu, and an item with children stays at the top level. Each
//! write is one transaction with its audit entry and the content epoch, so the public menus
//! (read once per epoch) change on the next request.

use sahifa_text::clean::xml_safe;

use sahifa_store::menus::{self as repo, MenuItem, MenuItemWrite, MenuKind, MenuLocation};
use sahifa_store::{Dep, Tx, pages, taxonomy};

use crate::taxonomy::audit;
use crate::{Actor, Capability, FieldError, Newsroom, NewsroomError, Result};

/// Longest label, in characters.
pub const LABEL_MAX: usize = 100;
/// Longest custom link, in bytes.
pub const URL_MAX: usize = 2_000;

/// A new menu item as the admin form gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MenuItemDraft {
    /// Which menu.
    pub location: MenuLocation,
    /// What it points at.
    pub kind: MenuKind,
    /// The category, page or tag id (ignored for a custom link).
    pub target_id: Option<i64>,
    /// A custom link's URL (ignored for the other kinds).
    pub url: String,
    /// Label; empty means the target's name (required for a custom link).
    pub label: String,
    /// The top-level item to nest it under.
    pub parent_id: Option<i64>,
}

/// A change to an existing item: its label, its link (custom links only), its parent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MenuItemPatch {
    /// New label; empty means the target's name.
    pub label: String,
    /// New URL, for a custom link.
    pub url: String,
    /// New parent (top level when `None`).
    pub parent_id: Option<i64>,
}

/// Which way an item moves among its siblings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Towards the start of the menu.
    Up,
    /// Towards the end.
    Down,
}

impl Newsroom {
    /// Adds an item at the end of its menu (or of its parent's sub-list); returns its id.
    pub async fn add_menu_item(&self, actor: &Actor, draft: &MenuItemDraft) -> Result<i64> {
        allowed(actor)?;
        let label = xml_safe(draft.label.trim()).into_owned();
        let url = xml_safe(draft.url.trim()).into_owned();
        let mut tx = self.db().begin().await?;
        let items = repo::items_for_update(&mut tx, draft.location).await?;
        let mut errors = Vec::new();
        check_label(&mut errors, &label, draft.kind);
        let (mut category_id, mut page_id, mut tag_id) = (None, None, None);
        // The audit trail names the item as readers see it.
        let mut shown = label.clone();
        match draft.kind {
            MenuKind::Link => check_url(&mut errors, &url),
            kind => {
                let name = match draft.target_id {
                    Some(target) => target_name(&mut tx, kind, target).await?,
                    None => None,
                };
                match (name, draft.target_id) {
                    (Some(name), Some(target)) => {
                        if shown.is_empty() {
                            shown = name;
                        }
                        match kind {
                            MenuKind::Category => category_id = Some(target),
                            MenuKind::Page => page_id = Some(target),
                            _ => tag_id = Some(target),
                        }
                    }
                    _ => errors.push(FieldError {
                        field: "target_id",
                        key: "admin-error-menu-target-unknown",
                    }),
                }
            }
        }
        check_parent(&mut errors, &items, None, draft.parent_id);
        if !errors.is_empty() {
            return Err(NewsroomError::Invalid(errors));
        }
        let row = MenuItemWrite {
            location: draft.location,
            parent_id: draft.parent_id,
            position: next_position(&items, draft.parent_id),
            kind: draft.kind,
            category_id,
            page_id,
            tag_id,
            url: if draft.kind == MenuKind::Link {
                url
            } else {
                String::new()
            },
            label,
        };
        let id = repo::insert_item(&mut tx, &row).await?;
        audit(&mut tx, actor, "created", "menu-item", id, &shown).await?;
        tx.retire([Dep::Site]);
        tx.commit().await?;
        Ok(id)
    }

    /// Saves an item's label, link (custom links) and parent. A new parent puts it at the
    /// end of that parent's sub-list.
    pub async fn update_menu_item(
        &self,
        actor: &Actor,
        id: i64,
        patch: &MenuItemPatch,
    ) -> Result<()> {
        allowed(actor)?;
        let label = xml_safe(patch.label.trim()).into_owned();
        let url = xml_safe(patch.url.trim()).into_owned();
        let mut tx = self.db().begin().await?;
        let (items, item) = locked_item(&mut tx, id).await?;
        let mut errors = Vec::new();
        check_label(&mut errors, &label, item.kind);
        if item.kind == MenuKind::Link {
            check_url(&mut errors, &url);
        }
        check_parent(&mut errors, &items, Some(&item), patch.parent_id);
        if !errors.is_empty() {
            return Err(NewsroomError::Invalid(errors));
        }
        let position = if patch.parent_id == item.parent_id {
            item.position
        } else {
            next_position(&items, patch.parent_id)
        };
        let url = if item.kind == MenuKind::Link {
            url
        } else {
            String::new()
        };
        repo::update_item(&mut tx, id, &label, &url, patch.parent_id, position).await?;
        let shown = if label.is_empty() {
            item.display_label().to_string()
        } else {
            label.clone()
        };
        audit(&mut tx, actor, "updated", "menu-item", id, &shown).await?;
        tx.retire([Dep::Site]);
        tx.commit().await?;
        Ok(())
    }

    /// Swaps an item with its previous or next sibling; at either end nothing changes.
    pub async fn move_menu_item(&self, actor: &Actor, id: i64, direction: Direction) -> Result<()> {
        allowed(actor)?;
        let mut tx = self.db().begin().await?;
        let (items, item) = locked_item(&mut tx, id).await?;
        let mut siblings: Vec<&MenuItem> = items
            .iter()
            .filter(|i| i.parent_id == item.parent_id)
            .collect();
        siblings.sort_by_key(|i| (i.position, i.id));
        let Some(at) = siblings.iter().position(|i| i.id == id) else {
            return Err(NewsroomError::NotFound);
        };
        let other = match direction {
            Direction::Up => at.checked_sub(1),
            Direction::Down => Some(at + 1).filter(|n| *n < siblings.len()),
        };
        let Some(other) = other else {
            return Ok(());
        };
        siblings.swap(at, other);
        // Renumbered 1..n: positions typed by hand or left equal by older writes would
        // otherwise make a swap of equal numbers a no-op.
        for (n, sibling) in siblings.iter().enumerate() {
            let position = i64::try_from(n).unwrap_or(i64::MAX - 1) + 1;
            if sibling.position != position {
                repo::set_position(&mut tx, sibling.id, position).await?;
            }
        }
        audit(
            &mut tx,
            actor,
            "updated",
            "menu-item",
            id,
            item.display_label(),
        )
        .await?;
        tx.retire([Dep::Site]);
        tx.commit().await?;
        Ok(())
    }

    /// Deletes an item; its nested items move to the end of the top level, in order.
    pub async fn delete_menu_item(&self, actor: &Actor, id: i64) -> Result<()> {
        allowed(actor)?;
        let mut tx = self.db().begin().await?;
        let (items, item) = locked_item(&mut tx, id).await?;
        let mut children: Vec<&MenuItem> =
            items.iter().filter(|i| i.parent_id == Some(id)).collect();
        children.sort_by_key(|i| (i.position, i.id));
        for (position, child) in (next_position(&items, None)..).zip(children) {
            repo::promote(&mut tx, child.id, position).await?;
        }
        repo::delete_item(&mut tx, id).await?;
        audit(
            &mut tx,
            actor,
            "deleted",
            "menu-item",
            id,
            item.display_label(),
        )
        .await?;
        tx.retire([Dep::Site]);
        tx.commit().await?;
        Ok(())
    }
}

/// Menus are the desk's: editors and administrators.
fn allowed(actor: &Actor) -> Result<()> {
    if actor.can(Capability::ManageTaxonomy) {
        Ok(())
    } else {
        Err(NewsroomError::Forbidden)
    }
}

/// Every item of `id`'s menu, locked, and the item itself.
async fn locked_item(tx: &mut Tx, id: i64) -> Result<(Vec<MenuItem>, MenuItem)> {
    let location = repo::item_location(tx, id)
        .await?
        .ok_or(NewsroomError::NotFound)?;
    let items = repo::items_for_update(tx, location).await?;
    let item = items
        .iter()
        .find(|i| i.id == id)
        .cloned()
        .ok_or(NewsroomError::NotFound)?;
    Ok((items, item))
}

/// One more than the largest position under `parent` (1 for the first).
fn next_position(items: &[MenuItem], parent: Option<i64>) -> i64 {
    items
        .iter()
        .filter(|i| i.parent_id == parent)
        .map(|i| i.position)
        .max()
        .map_or(1, |p| p.saturating_add(1))
}

/// The name of the `kind` target `id` (category or tag name, page title), if it exists.
async fn target_name(tx: &mut Tx, kind: MenuKind, id: i64) -> Result<Option<String>> {
    Ok(match kind {
        MenuKind::Category => taxonomy::category_for_update(tx, id).await?.map(|c| c.name),
        MenuKind::Page => pages::page_for_update(tx, id).await?.map(|p| p.title),
        MenuKind::Tag => taxonomy::tag_for_update(tx, id).await?.map(|t| t.name),
        MenuKind::Link => None,
    })
}

fn check_label(errors: &mut Vec<FieldError>, label: &str, kind: MenuKind) {
    if label.chars().count() > LABEL_MAX {
        errors.push(FieldError {
            field: "label",
            key: "admin-error-menu-label-too-long",
        });
    } else if label.is_empty() && kind == MenuKind::Link {
        errors.push(FieldError {
            field: "label",
            key: "admin-error-menu-label-required",
        });
    }
}

fn check_url(errors: &mut Vec<FieldError>, url: &str) {
    if !link_allowed(url) {
        errors.push(FieldError {
            field: "url",
            key: "admin-error-menu-link-invalid",
        });
    }
}

/// Whether `url` may be a custom menu link: an absolute `http`/`https` address with a
/// host, or a path on this site (`/...`, but not `//host`, which browsers read as another
/// site). No spaces or control characters, which would let a link hide what it is.
pub fn link_allowed(url: &str) -> bool {
    if url.is_empty() || url.len() > URL_MAX {
        return false;
    }
    if url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
    {
        return false;
    }
    if let Some(rest) = url.strip_prefix('/') {
        return !rest.starts_with('/');
    }
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    match rest {
        Some(rest) => {
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            let host = host.rsplit('@').next().unwrap_or("");
            !host.is_empty() && !host.starts_with(':')
        }
        None => false,
    }
}

/// Checks `wanted` as the parent of `item` (`None` for a new item).
fn check_parent(
    errors: &mut Vec<FieldError>,
    items: &[MenuItem],
    item: Option<&MenuItem>,
    wanted: Option<i64>,
) {
    let Some(parent) = wanted else {
        return;
    };
    let invalid = |key| FieldError {
        field: "parent_id",
        key,
    };
    match items.iter().find(|i| i.id == parent) {
        // Another menu's item is not in `items`: it is as unknown as a deleted one.
        None => errors.push(invalid("admin-error-menu-parent-unknown")),
        Some(p) if p.parent_id.is_some() => errors.push(invalid("admin-error-menu-one-level")),
        Some(p) => {
            if let Some(item) = item {
                if p.id == item.id {
                    errors.push(invalid("admin-error-menu-one-level"));
                } else if items.iter().any(|i| i.parent_id == Some(item.id)) {
                    errors.push(invalid("admin-error-menu-has-children"));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::link_allowed;

    #[test]
    fn custom_links() {
        for good in [
            "https://example.com",
            "http://example.com/path?q=1#x",
            "https://user@example.com:8443/",
            "/page/من-نحن",
            "/",
            "/search?q=x",
        ] {
            assert!(link_allowed(good), "{good}");
        }
        for bad in [
            "",
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,hi",
            "//evil.example",
            "/\\evil.example",
            "ftp://example.com",
            "https://",
            "https:///path",
            "example.com",
            "page/x",
            "https://exa mple.com",
            "/a\nb",
            "mailto:a@example.com",
        ] {
            assert!(!link_allowed(bad), "{bad}");
        }
    }
}
