//! Article view counts (the «الأكثر قراءة» block and the admin's figures).
//!
//! Each server process counts views in memory and adds them here in batches: one additive
//! upsert per article and hour into `article_view_hours`, and one per article into
//! `article_view_totals`. Because every write adds to what is stored, processes sharing a
//! database add up. Nothing here bumps the content epoch: a count is not content, and
//! retiring every cached page once per flush would defeat the page cache.

use std::collections::{BTreeMap, HashMap};

use crate::{Db, Result, Tx};

/// One hour's views of one article, as counted by a process since its last flush.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewTally {
    /// The article's slug as the page was served under (resolved to its id when written).
    pub slug: String,
    /// Unix seconds of the start of the UTC hour the views were counted in.
    pub hour_start: i64,
    /// How many views.
    pub views: i64,
}

/// An article's place in a ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RankedArticle {
    /// The article.
    pub article_id: i64,
    /// Its views within the window.
    pub views: i64,
}

/// An article's figures for the admin list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ViewFigures {
    /// Every view ever flushed.
    pub total: i64,
    /// Views in the last 24 hours.
    pub day: i64,
}

/// The start of the UTC hour `at` (unix seconds) falls in.
pub fn hour_start(at: i64) -> i64 {
    at.div_euclid(3600) * 3600
}

impl Tx {
    /// Adds a batch of tallies. A slug that no longer names an article (deleted, or renamed
    /// between the view and the flush) adds nothing rather than failing the batch. Returns
    /// how many tallies found their article.
    pub async fn add_article_views(&mut self, tallies: &[ViewTally]) -> Result<u64> {
        let mut added = 0;
        // Per slug, the views whose article was found: one totals upsert each.
        let mut totals: BTreeMap<&str, i64> = BTreeMap::new();
        // Rows are locked in one order, (slug, hour), whatever order the batch came in:
        // two processes flushing at once on PostgreSQL then wait for each other instead
        // of deadlocking.
        let mut ordered: Vec<&ViewTally> = tallies.iter().filter(|t| t.views > 0).collect();
        ordered.sort_by(|a, b| (&a.slug, a.hour_start).cmp(&(&b.slug, b.hour_start)));
        for tally in ordered {
            // `WHERE` before `ON CONFLICT` also settles SQLite's parsing ambiguity of an
            // upsert fed by a SELECT.
            let rows = with_tx!(self, |conn| sqlx::query(
                "INSERT INTO article_view_hours (article_id, hour_start, views) \
                 SELECT id, $2, $3 FROM articles WHERE slug = $1 \
                 ON CONFLICT (article_id, hour_start) \
                 DO UPDATE SET views = article_view_hours.views + excluded.views"
            )
            .bind(&tally.slug)
            .bind(tally.hour_start)
            .bind(tally.views)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected()))?;
            if rows == 0 {
                continue;
            }
            added += 1;
            *totals.entry(tally.slug.as_str()).or_default() += tally.views;
        }
        for (slug, views) in totals {
            with_tx!(self, |conn| sqlx::query(
                "INSERT INTO article_view_totals (article_id, views) \
                 SELECT id, $2 FROM articles WHERE slug = $1 \
                 ON CONFLICT (article_id) \
                 DO UPDATE SET views = article_view_totals.views + excluded.views"
            )
            .bind(slug)
            .bind(views)
            .execute(&mut *conn)
            .await
            .map(|r| r.rows_affected()))?;
        }
        Ok(added)
    }

    /// Deletes the hour buckets that started before `before` (unix seconds); the totals
    /// keep their views. Returns how many buckets went.
    pub async fn prune_article_view_hours(&mut self, before: i64) -> Result<u64> {
        let rows = with_tx!(self, |conn| sqlx::query(
            "DELETE FROM article_view_hours WHERE hour_start < $1"
        )
        .bind(before)
        .execute(&mut *conn)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(rows)
    }
}

impl Db {
    /// The `limit` published articles most viewed in the buckets starting at or after
    /// `since` (unix seconds), most viewed first; ties go to the newer article.
    pub async fn most_viewed_articles(&self, since: i64, limit: i64) -> Result<Vec<RankedArticle>> {
        let rows: Vec<(i64, i64)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT h.article_id, CAST(SUM(h.views) AS BIGINT) AS views \
             FROM article_view_hours h JOIN articles a ON a.id = h.article_id \
             WHERE h.hour_start >= $1 AND a.status = 'published' \
             GROUP BY h.article_id \
             ORDER BY views DESC, h.article_id DESC \
             LIMIT $2"
        )
        .bind(since)
        .bind(limit)
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|(article_id, views)| RankedArticle { article_id, views })
            .collect())
    }

    /// The total and the views since `day_since` (unix seconds) of each of `ids`; an
    /// article never viewed is absent.
    pub async fn article_view_figures(
        &self,
        ids: &[i64],
        day_since: i64,
    ) -> Result<HashMap<i64, ViewFigures>> {
        let mut figures: HashMap<i64, ViewFigures> = HashMap::new();
        if ids.is_empty() {
            return Ok(figures);
        }
        // One placeholder per id; the bucket query's `$1` is the window's start.
        let list = |first: usize| -> String {
            (0..ids.len())
                .map(|i| format!("${}", i + first))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let totals_sql = format!(
            "SELECT article_id, views FROM article_view_totals WHERE article_id IN ({})",
            list(1)
        );
        let day_sql = format!(
            "SELECT article_id, CAST(SUM(views) AS BIGINT) FROM article_view_hours \
             WHERE hour_start >= $1 AND article_id IN ({}) GROUP BY article_id",
            list(2)
        );
        let totals: Vec<(i64, i64)> = with_pool!(self, |pool| {
            let mut query = sqlx::query_as(&totals_sql);
            for id in ids {
                query = query.bind(*id);
            }
            query.fetch_all(pool).await
        })?;
        let day: Vec<(i64, i64)> = with_pool!(self, |pool| {
            let mut query = sqlx::query_as(&day_sql).bind(day_since);
            for id in ids {
                query = query.bind(*id);
            }
            query.fetch_all(pool).await
        })?;
        for (id, total) in totals {
            figures.entry(id).or_default().total = total;
        }
        for (id, views) in day {
            figures.entry(id).or_default().day = views;
        }
        Ok(figures)
    }

    /// Every view ever flushed for one article (0 when never viewed).
    pub async fn article_view_total(&self, article_id: i64) -> Result<i64> {
        let row: Option<(i64,)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT views FROM article_view_totals WHERE article_id = $1"
        )
        .bind(article_id)
        .fetch_optional(pool)
        .await)?;
        Ok(row.map_or(0, |(n,)| n))
    }
}
