//! Categories (hierarchical) and tags.

use crate::error::Unique;
use crate::redirects::SlugKind;
use crate::{Category, CategoryInput, Db, Result, StoreError, Tag, TagCount};

/// Normalises a wanted slug, or derives one from `fallback` (a title or name).
pub(crate) fn make_slug(wanted: Option<&str>, fallback: &str) -> Result<String> {
    let source = wanted
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(fallback);
    let slug = sahifa_text::slug::slugify(source);
    if slug.is_empty() {
        Err(StoreError::Invalid("slug"))
    } else {
        Ok(slug)
    }
}

const CATEGORY_COLUMNS: &str = "id, parent_id, slug, name, description, position";

impl Db {
    /// Creates a category and returns its id.
    pub async fn create_category(&self, input: &CategoryInput) -> Result<i64> {
        let slug = make_slug(input.slug.as_deref(), &input.name)?;
        let (id,): (i64,) = with_pool!(self, |pool| sqlx::query_as(
            "INSERT INTO categories (parent_id, slug, name, description, position) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id"
        )
        .bind(input.parent_id)
        .bind(&slug)
        .bind(input.name.trim())
        .bind(input.description.trim())
        .bind(input.position)
        .fetch_one(pool)
        .await)
        .map_err(|e| StoreError::on_unique(e, Unique::CategorySlug))?;
        self.touch().await?;
        Ok(id)
    }

    /// Every category, parents before children, in navigation order.
    pub async fn categories(&self) -> Result<Vec<Category>> {
        let sql = format!("SELECT {CATEGORY_COLUMNS} FROM categories ORDER BY position, name");
        let flat: Vec<Category> =
            with_pool!(self, |pool| sqlx::query_as(&sql).fetch_all(pool).await)?;
        Ok(tree_order(flat))
    }

    /// The category with this slug.
    pub async fn category_by_slug(&self, slug: &str) -> Result<Option<Category>> {
        let sql = format!("SELECT {CATEGORY_COLUMNS} FROM categories WHERE slug = $1");
        Ok(with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(slug)
            .fetch_optional(pool)
            .await)?)
    }

    /// The category with this name (used by importers).
    pub async fn category_by_name(&self, name: &str) -> Result<Option<Category>> {
        let sql = format!("SELECT {CATEGORY_COLUMNS} FROM categories WHERE name = $1");
        Ok(with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(name.trim())
            .fetch_optional(pool)
            .await)?)
    }

    /// Changes a category's slug, keeping the old one as a redirect.
    pub async fn rename_category_slug(&self, id: i64, new_slug: &str) -> Result<String> {
        let slug = make_slug(Some(new_slug), "")?;
        let old: Option<(String,)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT slug FROM categories WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(pool)
        .await)?;
        let (old,) = old.ok_or(StoreError::NotFound("category"))?;
        if old != slug {
            with_pool!(self, |pool| sqlx::query(
                "UPDATE categories SET slug = $1 WHERE id = $2"
            )
            .bind(&slug)
            .bind(id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected()))
            .map_err(|e| StoreError::on_unique(e, Unique::CategorySlug))?;
            self.remember_old_slug(SlugKind::Category, &old, id).await?;
            self.touch().await?;
        }
        Ok(slug)
    }

    /// The tag called `name`, created when missing. Names that differ only in tashkeel or
    /// spacing map to one tag, because the slug is the identity.
    pub async fn ensure_tag(&self, name: &str) -> Result<Tag> {
        let name = name.trim();
        let slug = make_slug(None, name)?;
        let inserted: Option<Tag> = with_pool!(self, |pool| sqlx::query_as(
            "INSERT INTO tags (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING \
             RETURNING id, slug, name"
        )
        .bind(&slug)
        .bind(name)
        .fetch_optional(pool)
        .await)?;
        if let Some(tag) = inserted {
            self.touch().await?;
            return Ok(tag);
        }
        self.tag_by_slug(&slug)
            .await?
            .ok_or(StoreError::NotFound("tag"))
    }

    /// The tag with this slug.
    pub async fn tag_by_slug(&self, slug: &str) -> Result<Option<Tag>> {
        Ok(with_pool!(self, |pool| sqlx::query_as(
            "SELECT id, slug, name FROM tags WHERE slug = $1"
        )
        .bind(slug)
        .fetch_optional(pool)
        .await)?)
    }

    /// Every tag with its count of published articles, most used first.
    pub async fn tags_with_counts(&self) -> Result<Vec<TagCount>> {
        Ok(with_pool!(self, |pool| sqlx::query_as(
            "SELECT t.id, t.slug, t.name, \
                    CAST(COUNT(a.id) AS BIGINT) AS articles \
             FROM tags t \
             LEFT JOIN article_tags at ON at.tag_id = t.id \
             LEFT JOIN articles a ON a.id = at.article_id AND a.status = 'published' \
             GROUP BY t.id, t.slug, t.name \
             ORDER BY articles DESC, t.name"
        )
        .fetch_all(pool)
        .await)?)
    }

    /// The tags of one article, by name.
    pub async fn article_tags(&self, article_id: i64) -> Result<Vec<Tag>> {
        Ok(with_pool!(self, |pool| sqlx::query_as(
            "SELECT t.id, t.slug, t.name FROM tags t JOIN article_tags at ON at.tag_id = t.id \
             WHERE at.article_id = $1 ORDER BY t.name"
        )
        .bind(article_id)
        .fetch_all(pool)
        .await)?)
    }
}

/// Orders a flat list so each parent is followed by its children (depth first), keeping the
/// sibling order the query gave. Orphans (a parent that no longer exists) count as roots.
fn tree_order(flat: Vec<Category>) -> Vec<Category> {
    let ids: std::collections::HashSet<i64> = flat.iter().map(|c| c.id).collect();
    let mut out = Vec::with_capacity(flat.len());
    let mut placed = std::collections::HashSet::new();
    fn visit(
        parent: Option<i64>,
        flat: &[Category],
        ids: &std::collections::HashSet<i64>,
        placed: &mut std::collections::HashSet<i64>,
        out: &mut Vec<Category>,
    ) {
        for c in flat {
            let effective_parent = c.parent_id.filter(|p| ids.contains(p));
            if effective_parent == parent && placed.insert(c.id) {
                out.push(c.clone());
                visit(Some(c.id), flat, ids, placed, out);
            }
        }
    }
    visit(None, &flat, &ids, &mut placed, &mut out);
    // Cycles (a → b → a) are never reached from a root: append them rather than lose them.
    for c in flat {
        if placed.insert(c.id) {
            out.push(c);
        }
    }
    out
}

/// The tag whose slug is `slug`, created with `name` when missing (inside `tx`).
pub async fn ensure_tag(tx: &mut crate::Tx, slug: &str, name: &str) -> Result<Tag> {
    let inserted: Option<Tag> = with_tx!(tx, |conn| sqlx::query_as(
        "INSERT INTO tags (slug, name) VALUES ($1, $2) ON CONFLICT (slug) DO NOTHING \
         RETURNING id, slug, name"
    )
    .bind(slug)
    .bind(name)
    .fetch_optional(&mut *conn)
    .await)?;
    if let Some(tag) = inserted {
        return Ok(tag);
    }
    let existing: Option<Tag> = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, slug, name FROM tags WHERE slug = $1"
    )
    .bind(slug)
    .fetch_optional(&mut *conn)
    .await)?;
    existing.ok_or(StoreError::NotFound("tag"))
}
