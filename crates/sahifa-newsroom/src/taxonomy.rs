//! Category, tag and byline use cases: create, edit (rename, re-slug, re-parent, reorder)
//! and delete categories; rename and delete tags; create bylines.
//!
//! Each is one transaction: the row, the `updated` events of the articles it touches (the
//! search index follows them), the old slug kept as a redirect, the audit entry and the
//! content epoch. A failure anywhere stores none of them.

use std::collections::HashMap;

use sahifa_text::clean::xml_safe;

use sahifa_store::newsroom::{AuditRecord, insert_audit};
use sahifa_store::redirects::{self, SlugKind};
use sahifa_store::taxonomy::{self as repo, CategoryWrite};
use sahifa_store::{Dep, StoreError, Tag, Tx, Unique};

use crate::{Actor, Capability, FieldError, Newsroom, NewsroomError, Result};

/// Longest category, tag or byline name, in characters.
pub const NAME_MAX: usize = 100;
/// Longest category description, in characters.
pub const DESCRIPTION_MAX: usize = 500;
/// The navigation positions accepted (either side of zero).
pub const POSITION_LIMIT: i64 = 100_000;

/// A category as the admin form (or the demo, or an import) gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CategoryDraft {
    /// Display name.
    pub name: String,
    /// Wanted slug; empty derives it from the name.
    pub slug: String,
    /// One-line description.
    pub description: String,
    /// Parent category.
    pub parent_id: Option<i64>,
    /// Navigation order as typed (any digits); empty means 0.
    pub position: String,
}

impl CategoryDraft {
    /// The draft without the characters XML forbids.
    fn xml_safe(&self) -> CategoryDraft {
        CategoryDraft {
            name: xml_safe(&self.name).into_owned(),
            slug: xml_safe(&self.slug).into_owned(),
            description: xml_safe(&self.description).into_owned(),
            ..self.clone()
        }
    }
}

/// A byline as given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthorDraft {
    /// Display name.
    pub name: String,
    /// Wanted slug; empty derives it from the name.
    pub slug: String,
    /// Biography.
    pub bio: String,
}

impl Newsroom {
    /// Creates a category; returns its id.
    pub async fn create_category(&self, actor: &Actor, draft: &CategoryDraft) -> Result<i64> {
        allowed(actor)?;
        let draft = &draft.xml_safe();
        let mut tx = self.db().begin().await?;
        let row = check_category(&mut tx, None, draft).await?;
        let id = repo::insert_category(&mut tx, &row)
            .await
            .map_err(slug_taken)?;
        audit(&mut tx, actor, "created", "category", id, &row.name).await?;
        tx.retire([Dep::Site]);
        tx.commit().await?;
        Ok(id)
    }

    /// Saves a category's name, slug, description, parent and position. A changed slug
    /// keeps the old URL working as a redirect; a parent below the category is refused.
    pub async fn update_category(
        &self,
        actor: &Actor,
        id: i64,
        draft: &CategoryDraft,
    ) -> Result<()> {
        allowed(actor)?;
        let draft = &draft.xml_safe();
        let mut tx = self.db().begin().await?;
        let current = repo::category_for_update(&mut tx, id)
            .await?
            .ok_or(NewsroomError::NotFound)?;
        let row = check_category(&mut tx, Some(id), draft).await?;
        repo::update_category(&mut tx, id, &row)
            .await
            .map_err(slug_taken)?;
        if current.slug != row.slug {
            redirects::remember(&mut tx, SlugKind::Category, &current.slug, id).await?;
        }
        audit(&mut tx, actor, "updated", "category", id, &row.name).await?;
        // A new name shows on every page's menu; a new parent moves its articles
        // into other sections' lists.
        tx.retire_everything();
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a category: its articles become uncategorised and its subcategories move up
    /// to its own parent. Returns how many articles lost their category.
    pub async fn delete_category(&self, actor: &Actor, id: i64) -> Result<u64> {
        allowed(actor)?;
        let mut tx = self.db().begin().await?;
        let category = repo::category_for_update(&mut tx, id)
            .await?
            .ok_or(NewsroomError::NotFound)?;
        let affected = repo::delete_category(&mut tx, id, category.parent_id).await?;
        let detail = format!("{} ({affected})", category.name);
        audit(&mut tx, actor, "deleted", "category", id, &detail).await?;
        tx.retire_everything();
        tx.commit().await?;
        Ok(affected)
    }

    /// Renames a tag; the slug follows `slug` (or the new name when empty), and a changed
    /// slug keeps the old URL working. Another tag's slug is refused.
    pub async fn rename_tag(&self, actor: &Actor, id: i64, name: &str, slug: &str) -> Result<Tag> {
        allowed(actor)?;
        let (name, slug) = (&*xml_safe(name), &*xml_safe(slug));
        let mut tx = self.db().begin().await?;
        let current = repo::tag_for_update(&mut tx, id)
            .await?
            .ok_or(NewsroomError::NotFound)?;
        let name = name.trim();
        let mut errors = Vec::new();
        check_name(&mut errors, name);
        let slug = wanted_slug(&mut errors, slug, name);
        if let Some(slug) = &slug
            && repo::tag_slug_holder(&mut tx, slug)
                .await?
                .is_some_and(|holder| holder != id)
        {
            errors.push(tag_taken());
        }
        let slug = match slug {
            Some(slug) if errors.is_empty() => slug,
            _ => return Err(NewsroomError::Invalid(errors)),
        };
        repo::update_tag(&mut tx, id, name, &slug)
            .await
            .map_err(|err| match err {
                StoreError::Conflict(Unique::TagSlug) => NewsroomError::Invalid(vec![tag_taken()]),
                other => other.into(),
            })?;
        if current.slug != slug {
            redirects::remember(&mut tx, SlugKind::Tag, &current.slug, id).await?;
        }
        let detail = format!("{} → {name}", current.name);
        audit(&mut tx, actor, "renamed", "tag", id, &detail).await?;
        // Menus may name the tag (`Site`: every page's frame).
        tx.retire([Dep::Tag(id), Dep::Site]);
        tx.commit().await?;
        Ok(Tag {
            id,
            slug,
            name: name.to_string(),
        })
    }

    /// Deletes a tag; its articles keep everything else.
    pub async fn delete_tag(&self, actor: &Actor, id: i64) -> Result<()> {
        allowed(actor)?;
        let mut tx = self.db().begin().await?;
        let tag = repo::tag_for_update(&mut tx, id)
            .await?
            .ok_or(NewsroomError::NotFound)?;
        repo::delete_tag(&mut tx, id).await?;
        audit(&mut tx, actor, "deleted", "tag", id, &tag.name).await?;
        // Menus may name the tag (`Site`: every page's frame).
        tx.retire([Dep::Tag(id), Dep::Site]);
        tx.commit().await?;
        Ok(())
    }

    /// Creates a byline; returns its id.
    pub async fn create_author(&self, actor: &Actor, draft: &AuthorDraft) -> Result<i64> {
        allowed(actor)?;
        let draft = &AuthorDraft {
            name: xml_safe(&draft.name).into_owned(),
            slug: xml_safe(&draft.slug).into_owned(),
            bio: xml_safe(&draft.bio).into_owned(),
        };
        let mut tx = self.db().begin().await?;
        let name = draft.name.trim();
        let mut errors = Vec::new();
        check_name(&mut errors, name);
        let slug = wanted_slug(&mut errors, &draft.slug, name);
        if let Some(slug) = &slug
            && sahifa_store::authors::slug_taken(&mut tx, slug).await?
        {
            errors.push(FieldError {
                field: "slug",
                key: "admin-error-slug-taken",
            });
        }
        let slug = match slug {
            Some(slug) if errors.is_empty() => slug,
            _ => return Err(NewsroomError::Invalid(errors)),
        };
        let id = sahifa_store::authors::insert(&mut tx, &slug, name, draft.bio.trim())
            .await
            .map_err(slug_taken)?;
        audit(&mut tx, actor, "created", "author", id, name).await?;
        tx.retire_everything();
        tx.commit().await?;
        Ok(id)
    }
}

impl Newsroom {
    /// Gives a byline a new slug; its old author page and feeds answer 301 to the new one.
    pub async fn rename_author_slug(&self, actor: &Actor, id: i64, slug: &str) -> Result<String> {
        allowed(actor)?;
        let mut tx = self.db().begin().await?;
        let old = sahifa_store::authors::slug_for_update(&mut tx, id)
            .await?
            .ok_or(NewsroomError::NotFound)?;
        let mut errors = Vec::new();
        let Some(slug) = wanted_slug(&mut errors, slug, "") else {
            errors.push(FieldError {
                field: "slug",
                key: "admin-error-slug-invalid",
            });
            return Err(NewsroomError::Invalid(errors));
        };
        if slug == old {
            return Ok(slug);
        }
        if sahifa_store::authors::slug_taken(&mut tx, &slug).await? {
            return Err(NewsroomError::invalid("slug", "admin-error-slug-taken"));
        }
        sahifa_store::authors::set_slug(&mut tx, id, &slug)
            .await
            .map_err(slug_taken)?;
        sahifa_store::redirects::remember(&mut tx, SlugKind::Author, &old, id).await?;
        audit(&mut tx, actor, "renamed", "author", id, &slug).await?;
        tx.retire([Dep::Author(id)]);
        tx.commit().await?;
        Ok(slug)
    }
}

/// Categories, tags and bylines are the desk's: editors and administrators.
fn allowed(actor: &Actor) -> Result<()> {
    if actor.can(Capability::ManageTaxonomy) {
        Ok(())
    } else {
        Err(NewsroomError::Forbidden)
    }
}

fn check_name(errors: &mut Vec<FieldError>, name: &str) {
    if name.is_empty() {
        errors.push(FieldError {
            field: "name",
            key: "admin-error-name-required",
        });
    } else if name.chars().count() > NAME_MAX {
        errors.push(FieldError {
            field: "name",
            key: "admin-error-name-too-long",
        });
    }
}

/// The slug a name or typed slug gives; `None` (with the field error when something was
/// typed at all) when it has no letters or digits left.
fn wanted_slug(errors: &mut Vec<FieldError>, typed: &str, name: &str) -> Option<String> {
    let typed = typed.trim();
    let source = if typed.is_empty() { name } else { typed };
    let slug = sahifa_text::slug::slugify(source);
    if !slug.is_empty() {
        return Some(slug);
    }
    if !source.is_empty() {
        errors.push(FieldError {
            field: "slug",
            key: "admin-error-slug-invalid",
        });
    }
    None
}

fn tag_taken() -> FieldError {
    FieldError {
        field: "slug",
        key: "admin-error-tag-taken",
    }
}

/// A uniqueness rule broken by a concurrent write, as the field error the form shows.
fn slug_taken(err: StoreError) -> NewsroomError {
    match err {
        StoreError::Conflict(Unique::CategorySlug | Unique::AuthorSlug) => {
            NewsroomError::invalid("slug", "admin-error-slug-taken")
        }
        other => other.into(),
    }
}

/// Checks a category in one pass (inside the transaction that writes it, so the slug and
/// parent checks see what the write will see): the row to store, or every problem at once.
async fn check_category(
    tx: &mut Tx,
    id: Option<i64>,
    draft: &CategoryDraft,
) -> Result<CategoryWrite> {
    let mut errors = Vec::new();
    let name = draft.name.trim();
    check_name(&mut errors, name);
    let description = draft.description.trim();
    if description.chars().count() > DESCRIPTION_MAX {
        errors.push(FieldError {
            field: "description",
            key: "admin-error-description-too-long",
        });
    }
    let typed = sahifa_text::digits::to_ascii_digits(draft.position.trim());
    let position = if typed.is_empty() {
        Some(0)
    } else {
        typed
            .parse::<i64>()
            .ok()
            .filter(|p| (-POSITION_LIMIT..=POSITION_LIMIT).contains(p))
    };
    if position.is_none() {
        errors.push(FieldError {
            field: "position",
            key: "admin-error-position-invalid",
        });
    }
    let slug = wanted_slug(&mut errors, &draft.slug, name);
    if let Some(slug) = &slug
        && repo::category_slug_holder(tx, slug)
            .await?
            .is_some_and(|holder| Some(holder) != id)
    {
        errors.push(FieldError {
            field: "slug",
            key: "admin-error-slug-taken",
        });
    }
    if let Some(parent) = draft.parent_id {
        let parents: HashMap<i64, Option<i64>> =
            repo::category_parents(tx).await?.into_iter().collect();
        if !parents.contains_key(&parent) {
            errors.push(FieldError {
                field: "parent_id",
                key: "admin-error-unknown-category",
            });
        } else if let Some(id) = id
            && creates_cycle(&parents, id, parent)
        {
            errors.push(FieldError {
                field: "parent_id",
                key: "admin-error-parent-cycle",
            });
        }
    }
    match (slug, position) {
        (Some(slug), Some(position)) if errors.is_empty() => Ok(CategoryWrite {
            slug,
            name: name.to_string(),
            description: description.to_string(),
            parent_id: draft.parent_id,
            position,
        }),
        _ => Err(NewsroomError::Invalid(errors)),
    }
}

/// Whether giving category `id` the parent `parent` would make it its own ancestor.
fn creates_cycle(parent_of: &HashMap<i64, Option<i64>>, id: i64, parent: i64) -> bool {
    let mut at = Some(parent);
    // A cycle already stored (hand-edited rows) must not loop forever: more steps than
    // categories means one.
    for _ in 0..=parent_of.len() {
        match at {
            None => return false,
            Some(current) if current == id => return true,
            Some(current) => at = parent_of.get(&current).copied().flatten(),
        }
    }
    true
}

/// Appends an audit entry about a `kind` object.
pub(crate) async fn audit(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    kind: &str,
    id: i64,
    detail: &str,
) -> Result<()> {
    insert_audit(
        tx,
        &AuditRecord {
            actor: actor.audit_name(),
            action,
            object_kind: kind,
            object_id: Some(id),
            detail,
        },
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles() {
        // 1 ← 2 ← 3, and 4 alone.
        let parents: HashMap<i64, Option<i64>> =
            [(1, None), (2, Some(1)), (3, Some(2)), (4, None)].into();
        assert!(creates_cycle(&parents, 1, 3), "under its own grandchild");
        assert!(creates_cycle(&parents, 2, 2), "its own parent");
        assert!(!creates_cycle(&parents, 3, 1));
        assert!(!creates_cycle(&parents, 1, 4));
        let looped: HashMap<i64, Option<i64>> = [(1, Some(2)), (2, Some(1)), (5, None)].into();
        assert!(creates_cycle(&looped, 5, 1), "a stored loop ends");
    }
}
