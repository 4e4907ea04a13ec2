//! The front page as editors arrange it: the «عاجل» flag that puts an article in the
//! breaking ticker of every page until a given moment, and the lead and featured stories
//! pinned on the home page. The rules (who may, for how long, which articles) are the
//! newsroom's (`sahifa_newsroom::front_page`); this module stores and reads.

use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;

use crate::{ArticleSummary, Db, Result, StoreError, Tx};

/// Featured stories the home page pins at most (besides the lead story).
pub const FEATURED_MAX: usize = 4;

/// Breaking items the ticker shows at most.
pub const TICKER_MAX: i64 = 5;

/// The slot of the lead story in `home_pins`; featured stories take the slots after it.
const LEAD_SLOT: i64 = 0;

/// One article in the breaking ticker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Breaking {
    /// The article.
    pub id: i64,
    /// Its headline.
    pub title: String,
    /// Its current slug.
    pub slug: String,
    /// When its flag ends.
    pub until: DateTime<Utc>,
}

/// What the home page has pinned: article ids, whatever their status now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HomePins {
    /// The lead story.
    pub lead: Option<i64>,
    /// The featured stories, in order (at most [`FEATURED_MAX`]).
    pub featured: Vec<i64>,
}

impl HomePins {
    /// Every pinned id, the lead first.
    pub fn ids(&self) -> Vec<i64> {
        self.lead.iter().chain(&self.featured).copied().collect()
    }
}

/// The pinned stories readers may see: those of [`HomePins`] that are published.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PinnedStories {
    /// The lead story, when one is pinned and published.
    pub lead: Option<ArticleSummary>,
    /// The featured stories that are published, in their order.
    pub featured: Vec<ArticleSummary>,
}

/// The breaking items as of `now`: published articles whose flag ends after `now`, the
/// newest first, at most `limit`.
const BREAKING_SQL: &str = "SELECT id, title, slug, breaking_until AS until FROM articles \
     WHERE breaking_until IS NOT NULL AND breaking_until > $1 AND status = 'published' \
     ORDER BY published_at DESC, id DESC LIMIT $2";

/// `home_pins` as stored, in slot order.
const PINS_SQL: &str = "SELECT slot, article_id FROM home_pins ORDER BY slot";

fn pins_from(rows: Vec<(i64, i64)>) -> HomePins {
    let mut pins = HomePins::default();
    for (slot, id) in rows {
        if slot == LEAD_SLOT {
            pins.lead = Some(id);
        } else if pins.featured.len() < FEATURED_MAX {
            pins.featured.push(id);
        }
    }
    pins
}

impl Db {
    /// What the breaking ticker shows at `now`: at most [`TICKER_MAX`] published articles
    /// whose flag has not ended, the newest first.
    pub async fn breaking_news(&self, now: DateTime<Utc>) -> Result<Vec<Breaking>> {
        self.breaking_flagged(now, TICKER_MAX).await
    }

    /// Every published article flagged breaking at `now` (up to `limit`), the newest
    /// first: the admin's list, which may hold more than the ticker shows.
    pub async fn breaking_flagged(&self, now: DateTime<Utc>, limit: i64) -> Result<Vec<Breaking>> {
        Ok(with_pool!(self, |pool| sqlx::query_as(BREAKING_SQL)
            .bind(now)
            .bind(limit.max(0))
            .fetch_all(pool)
            .await)?)
    }

    /// Whether [`clear_ended_breaking`] has anything to clear at `now`: a read, so the
    /// scheduler's sweep opens a write transaction only when there is.
    pub async fn breaking_to_clear(&self, now: DateTime<Utc>) -> Result<bool> {
        let row: Option<(i64,)> = with_pool!(self, |pool| sqlx::query_as(
            "SELECT id FROM articles WHERE breaking_until IS NOT NULL \
             AND (breaking_until <= $1 OR status <> 'published') LIMIT 1"
        )
        .bind(now)
        .fetch_optional(pool)
        .await)?;
        Ok(row.is_some())
    }

    /// The home page's pins as stored.
    pub async fn home_pins(&self) -> Result<HomePins> {
        let rows: Vec<(i64, i64)> =
            with_pool!(self, |pool| sqlx::query_as(PINS_SQL).fetch_all(pool).await)?;
        Ok(pins_from(rows))
    }

    /// The pinned stories that are published, with everything a card shows: one query
    /// for the pins and one for their summaries.
    pub async fn pinned_stories(&self) -> Result<PinnedStories> {
        let pins = self.home_pins().await?;
        let ids = pins.ids();
        if ids.is_empty() {
            return Ok(PinnedStories::default());
        }
        let mut found = self.published_summaries_by_ids(&ids).await?;
        let lead = match pins.lead {
            Some(id) => found
                .iter()
                .position(|a| a.id == id)
                .map(|at| found.remove(at)),
            None => None,
        };
        Ok(PinnedStories {
            lead,
            featured: found,
        })
    }
}

/// Flags article `id` breaking until `until` (seconds kept, as the other stored times),
/// or clears its flag (`None`); false when there is no such article.
pub async fn set_breaking(tx: &mut Tx, id: i64, until: Option<DateTime<Utc>>) -> Result<bool> {
    let affected = with_tx!(tx, |conn| sqlx::query(
        "UPDATE articles SET breaking_until = $1 WHERE id = $2"
    )
    .bind(until.map(|u| u.trunc_subsecs(0)))
    .bind(id)
    .execute(&mut *conn)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(affected == 1)
}

/// When article `id`'s flag ends, as `tx` sees it (`None`: not flagged, or no article).
pub async fn breaking_until(tx: &mut Tx, id: i64) -> Result<Option<DateTime<Utc>>> {
    let row: Option<(Option<DateTime<Utc>>,)> = with_tx!(tx, |conn| sqlx::query_as(
        "SELECT breaking_until FROM articles WHERE id = $1"
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await)?;
    Ok(row.and_then(|(until,)| until))
}

/// An article whose flag the sweep cleared.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ClearedFlag {
    /// The article.
    pub id: i64,
    /// Its headline.
    pub title: String,
    /// Whether it is published, so readers saw it in the ticker until now.
    pub public: bool,
}

/// Clears every flag that has ended at `now`, and those of articles that are not
/// published (taken back while breaking: were they published again, their old flag must
/// not bring them back into the ticker); returns the articles cleared. The conditional
/// UPDATE is the claim: when several processes sweep at once, each flag is cleared by
/// exactly one of them.
pub async fn clear_ended_breaking(tx: &mut Tx, now: DateTime<Utc>) -> Result<Vec<ClearedFlag>> {
    Ok(with_tx!(tx, |conn| sqlx::query_as(
        "UPDATE articles SET breaking_until = NULL \
         WHERE breaking_until IS NOT NULL AND (breaking_until <= $1 OR status <> 'published') \
         RETURNING id, title, status = 'published' AS public"
    )
    .bind(now)
    .fetch_all(&mut *conn)
    .await)?)
}

/// The home page's pins as `tx` sees them.
pub async fn home_pins(tx: &mut Tx) -> Result<HomePins> {
    let rows: Vec<(i64, i64)> = with_tx!(tx, |conn| sqlx::query_as(PINS_SQL)
        .fetch_all(&mut *conn)
        .await)?;
    Ok(pins_from(rows))
}

/// Replaces the home page's pins. The ids must be distinct and at most
/// [`FEATURED_MAX`] featured (the use case checks both, the table refuses them too).
pub async fn save_home_pins(tx: &mut Tx, pins: &HomePins) -> Result<()> {
    if pins.featured.len() > FEATURED_MAX {
        return Err(StoreError::Invalid("featured stories (too many)"));
    }
    let slots: Vec<(i64, i64)> = pins
        .lead
        .map(|id| (LEAD_SLOT, id))
        .into_iter()
        .chain(
            pins.featured
                .iter()
                .zip(LEAD_SLOT + 1..)
                .map(|(id, slot)| (slot, *id)),
        )
        .collect();
    with_tx!(tx, |conn| {
        sqlx::query("DELETE FROM home_pins")
            .execute(&mut *conn)
            .await?;
        for (slot, id) in &slots {
            sqlx::query("INSERT INTO home_pins (slot, article_id) VALUES ($1, $2)")
                .bind(slot)
                .bind(id)
                .execute(&mut *conn)
                .await
                .map_err(|e| StoreError::on_unique(e, crate::Unique::Row))?;
        }
        Ok::<(), StoreError>(())
    })
}
