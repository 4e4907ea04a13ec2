//! Categories (hierarchical) and tags.

use chrono::{SubsecRound, Utc};

use crate::error::Unique;
use crate::{Category, Db, Result, StoreError, Tag, TagCount, Tx};

const CATEGORY_COLUMNS: &str = "id, parent_id, slug, name, description, position";

impl Db {
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
pub async fn ensure_tag(tx: &mut Tx, slug: &str, name: &str) -> Result<Tag> {
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

/// Every column of a category row a write sets, already checked by the use case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryWrite {
    /// The slug, unique among categories.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// One-line description.
    pub description: String,
    /// Parent category.
    pub parent_id: Option<i64>,
    /// Navigation order.
    pub position: i64,
}

/// `FOR UPDATE` on PostgreSQL; SQLite's transaction already holds the write lock.
fn locking(tx: &Tx, sql: &str) -> String {
    match tx.backend() {
        crate::Backend::Postgres => format!("{sql} FOR UPDATE"),
        crate::Backend::Sqlite => sql.to_string(),
    }
}

/// Category `id` inside `tx`, locked against concurrent changes until the transaction ends.
pub async fn category_for_update(tx: &mut Tx, id: i64) -> Result<Option<Category>> {
    let sql = locking(
        tx,
        &format!("SELECT {CATEGORY_COLUMNS} FROM categories WHERE id = $1"),
    );
    Ok(with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await)?)
}

/// Every category's parent, as `(id, parent id)`, seen inside `tx`.
pub async fn category_parents(tx: &mut Tx) -> Result<Vec<(i64, Option<i64>)>> {
    Ok(with_tx!(tx, |conn| sqlx::query_as(
        "SELECT id, parent_id FROM categories"
    )
    .fetch_all(&mut *conn)
    .await)?)
}

/// The id of the category that has `slug`, if any.
pub async fn category_slug_holder(tx: &mut Tx, slug: &str) -> Result<Option<i64>> {
    let row: Option<(i64,)> = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT id FROM categories WHERE slug = $1"
    )
    .bind(slug)
    .fetch_optional(&mut *conn)
    .await)?;
    Ok(row.map(|(id,)| id))
}

/// Inserts a category; returns its id.
pub async fn insert_category(tx: &mut Tx, c: &CategoryWrite) -> Result<i64> {
    let (id,): (i64,) = with_tx!(tx, |conn| sqlx::query_as(
        "INSERT INTO categories (parent_id, slug, name, description, position) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id"
    )
    .bind(c.parent_id)
    .bind(&c.slug)
    .bind(&c.name)
    .bind(&c.description)
    .bind(c.position)
    .fetch_one(&mut *conn)
    .await)
    .map_err(|e| StoreError::on_unique(e, Unique::CategorySlug))?;
    Ok(id)
}

/// Tag `id` inside `tx`, locked against concurrent changes until the transaction ends.
pub async fn tag_for_update(tx: &mut Tx, id: i64) -> Result<Option<Tag>> {
    let sql = locking(tx, "SELECT id, slug, name FROM tags WHERE id = $1");
    Ok(with_tx!(tx, |conn| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await)?)
}

/// The id of the tag that has `slug`, if any.
pub async fn tag_slug_holder(tx: &mut Tx, slug: &str) -> Result<Option<i64>> {
    let row: Option<(i64,)> = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT id FROM tags WHERE slug = $1"
    )
    .bind(slug)
    .fetch_optional(&mut *conn)
    .await)?;
    Ok(row.map(|(id,)| id))
}

/// The `updated` event of every article matching `condition` (which uses `$1`): the search
/// index follows the write log, so it must learn that a category or tag name changed. The
/// events keep the article's status on both sides, so they never enqueue a channel post.
fn events_sql(condition: &str) -> String {
    format!(
        "INSERT INTO article_events (article_id, kind, status_before, status_after, at) \
         SELECT id, 'updated', status, status, $2 FROM articles WHERE {condition}"
    )
}

const IN_CATEGORY: &str = "category_id = $1";
const WITH_TAG: &str = "id IN (SELECT article_id FROM article_tags WHERE tag_id = $1)";

/// Replaces every written column of category `id`, and logs an event for its articles.
pub async fn update_category(tx: &mut Tx, id: i64, c: &CategoryWrite) -> Result<()> {
    let events = events_sql(IN_CATEGORY);
    let done = with_tx!(tx, |conn| {
        let done = sqlx::query(
            "UPDATE categories SET slug = $1, name = $2, description = $3, parent_id = $4, \
             position = $5 WHERE id = $6",
        )
        .bind(&c.slug)
        .bind(&c.name)
        .bind(&c.description)
        .bind(c.parent_id)
        .bind(c.position)
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(|e| StoreError::on_unique(e, Unique::CategorySlug))?
        .rows_affected();
        if done > 0 {
            sqlx::query(&events)
                .bind(id)
                .bind(Utc::now().trunc_subsecs(0))
                .execute(&mut *conn)
                .await?;
        }
        Ok::<_, StoreError>(done)
    })?;
    if done == 0 {
        return Err(StoreError::NotFound("category"));
    }
    Ok(())
}

/// Deletes category `id`: its articles become uncategorised, its subcategories move to
/// `new_parent`, its old slugs stop redirecting. Returns how many articles lost it.
pub async fn delete_category(tx: &mut Tx, id: i64, new_parent: Option<i64>) -> Result<u64> {
    let events = events_sql(IN_CATEGORY);
    with_tx!(tx, |conn| {
        sqlx::query(&events)
            .bind(id)
            .bind(Utc::now().trunc_subsecs(0))
            .execute(&mut *conn)
            .await?;
        let affected = sqlx::query("UPDATE articles SET category_id = NULL WHERE category_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        sqlx::query("UPDATE categories SET parent_id = $1 WHERE parent_id = $2")
            .bind(new_parent)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM slug_redirects WHERE kind = 'category' AND target_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM categories WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok::<_, StoreError>(affected)
    })
}

/// Sets the name and slug of tag `id`, and logs an event for its articles.
pub async fn update_tag(tx: &mut Tx, id: i64, name: &str, slug: &str) -> Result<()> {
    let events = events_sql(WITH_TAG);
    let done = with_tx!(tx, |conn| {
        let done = sqlx::query("UPDATE tags SET name = $1, slug = $2 WHERE id = $3")
            .bind(name)
            .bind(slug)
            .bind(id)
            .execute(&mut *conn)
            .await
            .map_err(|e| StoreError::on_unique(e, Unique::TagSlug))?
            .rows_affected();
        sqlx::query(&events)
            .bind(id)
            .bind(Utc::now().trunc_subsecs(0))
            .execute(&mut *conn)
            .await?;
        Ok::<_, StoreError>(done)
    })?;
    if done == 0 {
        return Err(StoreError::NotFound("tag"));
    }
    Ok(())
}

/// Deletes tag `id` (articles keep everything else); its old slugs stop redirecting.
pub async fn delete_tag(tx: &mut Tx, id: i64) -> Result<()> {
    let events = events_sql(WITH_TAG);
    let done = with_tx!(tx, |conn| {
        sqlx::query(&events)
            .bind(id)
            .bind(Utc::now().trunc_subsecs(0))
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM article_tags WHERE tag_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM slug_redirects WHERE kind = 'tag' AND target_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        let done = sqlx::query("DELETE FROM tags WHERE id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        Ok::<_, StoreError>(done)
    })?;
    if done == 0 {
        return Err(StoreError::NotFound("tag"));
    }
    Ok(())
}
