//! What the newsroom admin reads to manage categories and tags; the writes are the
//! transaction functions in [`crate::taxonomy`], run by the newsroom's use cases.

use crate::{Category, Db, Result, Tag, TagCount};

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
}
