//! What the newsroom admin needs to manage categories and tags: edit, rename, delete.
//!
//! Every write bumps the content epoch ([`Db::touch`]) so public pages refresh at once, and
//! appends an `updated` event for each article whose category or tags changed (in the same
//! transaction), so the search index never keeps a stale category or tag name. Those events
//! keep the article's status on both sides, so they never enqueue a channel post.

use crate::error::Unique;
use chrono::{SubsecRound, Utc};

use crate::redirects::SlugKind;
use crate::taxonomy::make_slug;
use crate::{Category, CategoryInput, Db, Result, StoreError, Tag, TagCount};

/// The `updated` event of every article matching `condition` (which uses `$1`).
fn events_sql(condition: &str) -> String {
    format!(
        "INSERT INTO article_events (article_id, kind, status_before, status_after, at) \
         SELECT id, 'updated', status, status, $2 FROM articles WHERE {condition}"
    )
}

impl Db {
    /// One category.
    pub async fn category_by_id(&self, id: i64) -> Result<Option<Category>> {
        Ok(with_pool!(self, |pool| sqlx::query_as(
            "SELECT id, parent_id, slug, name, description, position FROM categories WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(pool)
        .await)?)
    }

    /// How many articles (any status) each category holds, as `(category id, count)`.
    pub async fn category_article_counts(&self) -> Result<Vec<(i64, i64)>> {
        Ok(with_pool!(self, |pool| sqlx::query_as(
            "SELECT category_id, CAST(COUNT(*) AS BIGINT) FROM articles \
             WHERE category_id IS NOT NULL GROUP BY category_id"
        )
        .fetch_all(pool)
        .await)?)
    }

    /// Whether giving category `id` the parent `parent_id` would make it its own ancestor.
    pub async fn category_parent_creates_cycle(
        &self,
        id: i64,
        parent_id: Option<i64>,
    ) -> Result<bool> {
        let parents: Vec<(i64, Option<i64>)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT id, parent_id FROM categories"
        )
        .fetch_all(pool)
        .await)?;
        let parent_of: std::collections::HashMap<i64, Option<i64>> = parents.into_iter().collect();
        let mut at = parent_id;
        let mut steps = 0usize;
        while let Some(current) = at {
            if current == id {
                return Ok(true);
            }
            steps += 1;
            // A cycle already stored (hand-edited rows) must not loop forever.
            if steps > parent_of.len() {
                return Ok(true);
            }
            at = parent_of.get(&current).copied().flatten();
        }
        Ok(false)
    }

    /// Changes a category's name, description, parent and position (its slug changes
    /// through [`Db::rename_category_slug`], which keeps the old URL as a redirect).
    /// Refuses a parent that is the category itself or one of its descendants.
    pub async fn update_category(&self, id: i64, input: &CategoryInput) -> Result<()> {
        if input.name.trim().is_empty() {
            return Err(StoreError::Invalid("name"));
        }
        if let Some(parent) = input.parent_id {
            if self.category_by_id(parent).await?.is_none() {
                return Err(StoreError::Invalid("parent"));
            }
            if self.category_parent_creates_cycle(id, Some(parent)).await? {
                return Err(StoreError::Invalid("parent"));
            }
        }
        let sql = events_sql("category_id = $1");
        let done = with_pool!(self, |pool| async {
            let mut tx = pool.begin().await?;
            let done = sqlx::query(
                "UPDATE categories SET name = $1, description = $2, parent_id = $3, position = $4 WHERE id = $5",
            )
            .bind(input.name.trim())
            .bind(input.description.trim())
            .bind(input.parent_id)
            .bind(input.position)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done > 0 {
                sqlx::query(&sql)
                    .bind(id)
                    .bind(Utc::now().trunc_subsecs(0))
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok::<_, sqlx::Error>(done)
        }
        .await)
        .map_err(|e| StoreError::on_unique(e, Unique::CategorySlug))?;
        if done == 0 {
            return Err(StoreError::NotFound("category"));
        }
        self.touch().await
    }

    /// Deletes a category: its articles become uncategorised, its subcategories move up
    /// to its own parent, and its old slugs stop redirecting. Returns how many articles
    /// lost their category.
    pub async fn delete_category(&self, id: i64) -> Result<u64> {
        let category = self
            .category_by_id(id)
            .await?
            .ok_or(StoreError::NotFound("category"))?;
        let sql = events_sql("category_id = $1");
        let affected = with_pool!(self, |pool| async {
            let mut tx = pool.begin().await?;
            sqlx::query(&sql)
                .bind(id)
                .bind(Utc::now().trunc_subsecs(0))
                .execute(&mut *tx)
                .await?;
            let affected =
                sqlx::query("UPDATE articles SET category_id = NULL WHERE category_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            sqlx::query("UPDATE categories SET parent_id = $1 WHERE parent_id = $2")
                .bind(category.parent_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM slug_redirects WHERE kind = 'category' AND target_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM categories WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(affected)
        }
        .await)?;
        self.touch().await?;
        Ok(affected)
    }

    /// One tag.
    pub async fn tag_by_id(&self, id: i64) -> Result<Option<Tag>> {
        Ok(with_pool!(self, |pool| sqlx::query_as(
            "SELECT id, slug, name FROM tags WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(pool)
        .await)?)
    }

    /// Every tag with its count of articles in any status (the admin's view; the public
    /// [`Db::tags_with_counts`] counts published ones only), by name.
    pub async fn tags_with_all_counts(&self) -> Result<Vec<TagCount>> {
        Ok(with_pool!(self, |pool| sqlx::query_as(
            "SELECT t.id, t.slug, t.name, CAST(COUNT(at.article_id) AS BIGINT) AS articles \
             FROM tags t LEFT JOIN article_tags at ON at.tag_id = t.id \
             GROUP BY t.id, t.slug, t.name ORDER BY t.name, t.id"
        )
        .fetch_all(pool)
        .await)?)
    }

    /// Renames a tag. The slug follows `new_slug` (or the new name when empty); when it
    /// changes the old one keeps redirecting. Another tag with that slug is a conflict.
    pub async fn rename_tag(&self, id: i64, new_name: &str, new_slug: Option<&str>) -> Result<Tag> {
        let name = new_name.trim();
        if name.is_empty() {
            return Err(StoreError::Invalid("name"));
        }
        let slug = make_slug(new_slug, name)?;
        let old = self
            .tag_by_id(id)
            .await?
            .ok_or(StoreError::NotFound("tag"))?;
        let sql = events_sql("id IN (SELECT article_id FROM article_tags WHERE tag_id = $1)");
        with_pool!(self, |pool| async {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE tags SET name = $1, slug = $2 WHERE id = $3")
                .bind(name)
                .bind(&slug)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query(&sql)
                .bind(id)
                .bind(Utc::now().trunc_subsecs(0))
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(())
        }
        .await)
        .map_err(|e| StoreError::on_unique(e, Unique::TagSlug))?;
        if old.slug != slug {
            self.remember_old_slug(SlugKind::Tag, &old.slug, id).await?;
        }
        self.touch().await?;
        Ok(Tag {
            id,
            slug,
            name: name.to_string(),
        })
    }

    /// Deletes a tag (articles keep everything else); its old slugs stop redirecting.
    pub async fn delete_tag(&self, id: i64) -> Result<()> {
        let sql = events_sql("id IN (SELECT article_id FROM article_tags WHERE tag_id = $1)");
        let done = with_pool!(self, |pool| async {
            let mut tx = pool.begin().await?;
            sqlx::query(&sql)
                .bind(id)
                .bind(Utc::now().trunc_subsecs(0))
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM article_tags WHERE tag_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM slug_redirects WHERE kind = 'tag' AND target_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let done = sqlx::query("DELETE FROM tags WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            tx.commit().await?;
            Ok::<_, sqlx::Error>(done)
        }
        .await)?;
        if done == 0 {
            return Err(StoreError::NotFound("tag"));
        }
        self.touch().await
    }
}
