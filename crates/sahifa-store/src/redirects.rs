//! Slug history: when something is renamed its old URL keeps working with a 301.

use crate::{Db, Result};

/// What a slug names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlugKind {
    /// An article.
    Article,
    /// A category.
    Category,
    /// A tag.
    Tag,
    /// An author.
    Author,
}

impl SlugKind {
    fn as_str(self) -> &'static str {
        match self {
            SlugKind::Article => "article",
            SlugKind::Category => "category",
            SlugKind::Tag => "tag",
            SlugKind::Author => "author",
        }
    }

    fn table(self) -> &'static str {
        match self {
            SlugKind::Article => "articles",
            SlugKind::Category => "categories",
            SlugKind::Tag => "tags",
            SlugKind::Author => "authors",
        }
    }
}

impl Db {
    /// The current slug of whatever `old_slug` used to name, if anything.
    pub async fn redirect_target(&self, kind: SlugKind, old_slug: &str) -> Result<Option<String>> {
        // The table name comes from a fixed list, never from input.
        let sql = format!(
            "SELECT t.slug FROM slug_redirects r JOIN {} t ON t.id = r.target_id \
             WHERE r.kind = $1 AND r.old_slug = $2",
            kind.table()
        );
        let row: Option<(String,)> = with_pool!(self, |pool| sqlx::query_as(&sql)
            .bind(kind.as_str())
            .bind(old_slug)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(|(s,)| s).filter(|s| s != old_slug))
    }
}

/// Remembers, inside `tx`, that `old_slug` used to name row `target_id`.
pub async fn remember(
    tx: &mut crate::Tx,
    kind: SlugKind,
    old_slug: &str,
    target_id: i64,
) -> Result<()> {
    with_tx!(tx, |conn| sqlx::query(
        "INSERT INTO slug_redirects (kind, old_slug, target_id) VALUES ($1, $2, $3) \
         ON CONFLICT (kind, old_slug) DO UPDATE SET target_id = excluded.target_id"
    )
    .bind(kind.as_str())
    .bind(old_slug)
    .bind(target_id)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}
