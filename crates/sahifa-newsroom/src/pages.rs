//! Static page use cases: create, edit and delete the site's own pages («من نحن»,
//! «اتصل بنا», «سياسة الخصوصية»).
//!
//! Pages are site structure, like categories: editors and administrators manage them
//! ([`Capability::ManageTaxonomy`]); authors and contributors do not, since a page speaks
//! for the publication rather than for a byline. Each write is one transaction: the row,
//! the old slug kept for a 301, the audit entry and the content epoch. The body renders
//! through the same bounded, sanitising renderer as article bodies ([`crate::rendering`]).

use std::collections::HashMap;

use sahifa_text::clean::xml_safe;

use sahifa_store::pages::{self as repo, PageStatus, PageWrite};
use sahifa_store::{Dep, StoreError, Tx, Unique};

use crate::taxonomy::audit;
use crate::{Actor, Capability, FieldError, Newsroom, NewsroomError, Result};

/// Longest page title, in characters (as for articles).
pub const TITLE_MAX: usize = crate::articles::MAX_TITLE_CHARS;
/// Longest meta description, in characters.
pub const DESCRIPTION_MAX: usize = 500;

/// A page as the admin form (or the demo) gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageDraft {
    /// Title.
    pub title: String,
    /// Wanted slug; empty derives it from the title.
    pub slug: String,
    /// Meta description.
    pub description: String,
    /// Markdown body.
    pub body: String,
    /// Draft or published.
    pub status: PageStatus,
    /// Parent page.
    pub parent_id: Option<i64>,
}

impl PageDraft {
    /// The draft without the characters XML forbids.
    fn xml_safe(&self) -> PageDraft {
        PageDraft {
            title: xml_safe(&self.title).into_owned(),
            slug: xml_safe(&self.slug).into_owned(),
            description: xml_safe(&self.description).into_owned(),
            body: xml_safe(&self.body).into_owned(),
            ..self.clone()
        }
    }
}

impl Newsroom {
    /// Creates a page; returns its id.
    pub async fn create_page(&self, actor: &Actor, draft: &PageDraft) -> Result<i64> {
        allowed(actor)?;
        let draft = &draft.xml_safe();
        // Rendering happens before the transaction: it may take a while, and a refused
        // body is reported with the other fields' problems.
        let rendered = render_body(&draft.body).await?;
        let mut tx = self.db().begin().await?;
        let row = check_page(&mut tx, None, draft, rendered, actor).await?;
        let id = repo::insert_page(&mut tx, &row).await.map_err(slug_taken)?;
        repo::forget_old_slug(&mut tx, &row.slug).await?;
        audit(&mut tx, actor, "created", "page", id, &row.title).await?;
        tx.retire([Dep::Site]);
        tx.commit().await?;
        Ok(id)
    }

    /// Saves a page. A changed slug keeps the old address answering with a redirect; a
    /// parent below the page (or the page itself) is refused.
    pub async fn update_page(&self, actor: &Actor, id: i64, draft: &PageDraft) -> Result<()> {
        allowed(actor)?;
        let draft = &draft.xml_safe();
        let rendered = render_body(&draft.body).await?;
        let mut tx = self.db().begin().await?;
        let current = repo::page_for_update(&mut tx, id)
            .await?
            .ok_or(NewsroomError::NotFound)?;
        let row = check_page(&mut tx, Some(id), draft, rendered, actor).await?;
        repo::update_page(&mut tx, id, &row)
            .await
            .map_err(slug_taken)?;
        if current.slug != row.slug {
            repo::forget_old_slug(&mut tx, &row.slug).await?;
            repo::remember_old_slug(&mut tx, &current.slug, id).await?;
        }
        let action = match (current.status, row.status) {
            (PageStatus::Draft, PageStatus::Published) => "published",
            (PageStatus::Published, PageStatus::Draft) => "unpublished",
            _ => "updated",
        };
        audit(&mut tx, actor, action, "page", id, &row.title).await?;
        tx.retire([Dep::Site, Dep::Page(id)]);
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a page: its child pages move up to its own parent, and menu items that
    /// pointed at it drop out of the public menus (the admin shows them as broken).
    pub async fn delete_page(&self, actor: &Actor, id: i64) -> Result<()> {
        allowed(actor)?;
        let mut tx = self.db().begin().await?;
        let page = repo::page_for_update(&mut tx, id)
            .await?
            .ok_or(NewsroomError::NotFound)?;
        repo::delete_page(&mut tx, id, page.parent_id).await?;
        audit(&mut tx, actor, "deleted", "page", id, &page.title).await?;
        tx.retire([Dep::Site, Dep::Page(id)]);
        tx.commit().await?;
        Ok(())
    }
}

/// Pages are the desk's: editors and administrators.
fn allowed(actor: &Actor) -> Result<()> {
    if actor.can(Capability::ManageTaxonomy) {
        Ok(())
    } else {
        Err(NewsroomError::Forbidden)
    }
}

/// The body's HTML, or the body field's problem in the page editor's words (the article
/// renderer's messages speak of a news item); a failure on our side stays an error. The
/// editor's preview uses it too, so preview and save refuse a body alike.
pub async fn render_body(body: &str) -> Result<std::result::Result<String, Vec<FieldError>>> {
    match crate::rendering::render_markdown(body).await {
        Ok(html) => Ok(Ok(html)),
        Err(NewsroomError::Invalid(fields)) => Ok(Err(fields
            .into_iter()
            .map(|f| FieldError {
                field: f.field,
                key: match f.key {
                    "admin-error-body-too-long" => "admin-error-page-body-too-long",
                    "admin-error-body-render-timeout" => "admin-error-page-body-render-timeout",
                    other => other,
                },
            })
            .collect())),
        Err(other) => Err(other),
    }
}

fn slug_taken_error() -> FieldError {
    FieldError {
        field: "slug",
        key: "admin-error-page-slug-taken",
    }
}

/// A slug taken by a concurrent write, as the field error the form shows.
fn slug_taken(err: StoreError) -> NewsroomError {
    match err {
        StoreError::Conflict(Unique::Row) => NewsroomError::Invalid(vec![slug_taken_error()]),
        other => other.into(),
    }
}

/// Checks a page in one pass, inside the transaction that writes it: the row to store,
/// or every problem at once.
async fn check_page(
    tx: &mut Tx,
    id: Option<i64>,
    draft: &PageDraft,
    rendered: std::result::Result<String, Vec<FieldError>>,
    actor: &Actor,
) -> Result<PageWrite> {
    let mut errors = Vec::new();
    let title = draft.title.trim();
    if title.is_empty() {
        errors.push(FieldError {
            field: "title",
            key: "admin-error-title-required",
        });
    } else if title.chars().count() > TITLE_MAX {
        errors.push(FieldError {
            field: "title",
            key: "admin-error-title-too-long",
        });
    }
    let description = draft.description.trim();
    if description.chars().count() > DESCRIPTION_MAX {
        errors.push(FieldError {
            field: "description",
            key: "admin-error-description-too-long",
        });
    }
    let typed = draft.slug.trim();
    let source = if typed.is_empty() { title } else { typed };
    let slug = sahifa_text::slug::slugify(source);
    if slug.is_empty() {
        if !typed.is_empty() {
            errors.push(FieldError {
                field: "slug",
                key: "admin-error-slug-invalid",
            });
        } else if !title.is_empty() {
            errors.push(FieldError {
                field: "slug",
                key: "admin-error-slug-needed",
            });
        }
    } else if repo::slug_holder(tx, &slug)
        .await?
        .is_some_and(|holder| Some(holder) != id)
    {
        errors.push(slug_taken_error());
    }
    if let Some(parent) = draft.parent_id {
        let parents: HashMap<i64, Option<i64>> =
            repo::page_parents(tx).await?.into_iter().collect();
        if !parents.contains_key(&parent) {
            errors.push(FieldError {
                field: "parent_id",
                key: "admin-error-unknown-page",
            });
        } else if let Some(id) = id
            && creates_cycle(&parents, id, parent)
        {
            errors.push(FieldError {
                field: "parent_id",
                key: "admin-error-page-parent-cycle",
            });
        }
    }
    let body_html = match rendered {
        Ok(html) => Some(html),
        Err(fields) => {
            errors.extend(fields);
            None
        }
    };
    match body_html {
        Some(body_html) if errors.is_empty() => Ok(PageWrite {
            slug,
            title: title.to_string(),
            description: description.to_string(),
            body_md: draft.body.clone(),
            body_html,
            status: draft.status,
            parent_id: draft.parent_id,
            updated_by: actor.user_id(),
        }),
        _ => Err(NewsroomError::Invalid(errors)),
    }
}

/// Whether giving page `id` the parent `parent` would make it its own ancestor.
pub fn creates_cycle(parent_of: &HashMap<i64, Option<i64>>, id: i64, parent: i64) -> bool {
    let mut at = Some(parent);
    // A loop already stored (hand-edited rows) must end: more steps than pages means one.
    for _ in 0..=parent_of.len() {
        match at {
            None => return false,
            Some(current) if current == id => return true,
            Some(current) => at = parent_of.get(&current).copied().flatten(),
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_cannot_be_its_own_ancestor() {
        let parents: HashMap<i64, Option<i64>> =
            [(1, None), (2, Some(1)), (3, Some(2)), (4, None)].into();
        assert!(creates_cycle(&parents, 1, 3), "under its own grandchild");
        assert!(creates_cycle(&parents, 2, 2), "its own parent");
        assert!(!creates_cycle(&parents, 3, 1));
        assert!(!creates_cycle(&parents, 1, 4));
    }
}
