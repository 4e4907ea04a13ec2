//! Breaking news and the front page: the «عاجل» flag that puts a published article in the
//! breaking ticker of every page until it ends or is cleared, the lead and featured
//! stories editors pin on the home page, and the sweep that clears ended flags.
//!
//! Both are the desk's decisions, like publishing others' articles: editors and
//! administrators ([`Capability::PublishOthers`]). Each write is one transaction with its
//! audit entry and what it retires from the page caches:
//! - a flag set, changed or cleared retires [`Dep::Site`]: the ticker is part of every
//!   page's frame, like the menus, and every page (and the frame data `AppState::site`
//!   keeps) depends on it. Pages showing a flagged article in the ticker also depend on
//!   that article ([`Dep::Article`]), so its edits and its unpublishing reach the ticker
//!   through the article writes' own retirements;
//! - pins retire [`Dep::Latest`], which the home page (the only page showing them) lists
//!   from; the home page also depends on each pinned article it shows, so unpublishing
//!   one retires it (and the pin is skipped while the article is not published).

use chrono::{DateTime, Duration, Utc};

use sahifa_store::articles::state_for_update;
use sahifa_store::front_page::{self as repo, FEATURED_MAX, HomePins};
use sahifa_store::newsroom::{AuditRecord, insert_audit};

use crate::articles::audit;
use sahifa_store::{ArticleStatus, Dep};

use crate::{Actor, Capability, FieldError, Newsroom, NewsroomError, Result};

/// The longest a flag may run, from now: breaking news that is older is news.
pub const BREAKING_MAX: Duration = Duration::hours(48);

/// What [`Newsroom::set_breaking`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakingChange {
    /// The article is flagged until the given moment.
    Set,
    /// Its flag is cleared.
    Cleared,
    /// Nothing: clearing an article that was not flagged.
    Unchanged,
}

impl Newsroom {
    /// Flags article `article_id` breaking until `until`, or clears its flag (`None`).
    /// Only a published article can be flagged, until a moment ahead and at most
    /// [`BREAKING_MAX`] from now; any article's flag can be cleared.
    pub async fn set_breaking(
        &self,
        actor: &Actor,
        article_id: i64,
        until: Option<DateTime<Utc>>,
    ) -> Result<BreakingChange> {
        allowed(actor)?;
        let now = Utc::now();
        if let Some(until) = until {
            if until <= now {
                return Err(NewsroomError::invalid(
                    "until",
                    "admin-error-breaking-until-past",
                ));
            }
            if until > now + BREAKING_MAX {
                return Err(NewsroomError::invalid(
                    "until",
                    "admin-error-breaking-until-too-far",
                ));
            }
        }
        let mut tx = self.db().begin().await?;
        let state = state_for_update(&mut tx, article_id)
            .await?
            .ok_or(NewsroomError::NotFound)?;
        let change = match until {
            Some(_) if state.status() != ArticleStatus::Published => {
                return Err(NewsroomError::invalid(
                    "article",
                    "admin-error-breaking-not-published",
                ));
            }
            Some(_) => BreakingChange::Set,
            None if repo::breaking_until(&mut tx, article_id).await?.is_none() => {
                tx.rollback().await?;
                return Ok(BreakingChange::Unchanged);
            }
            None => BreakingChange::Cleared,
        };
        repo::set_breaking(&mut tx, article_id, until).await?;
        let action = match change {
            BreakingChange::Set => "breaking-set",
            _ => "breaking-cleared",
        };
        audit(&mut tx, actor, action, article_id, &state.title).await?;
        tx.retire([Dep::Site]);
        tx.commit().await?;
        Ok(change)
    }

    /// Pins the home page's lead story and its featured stories (in order, at most
    /// [`FEATURED_MAX`]); `None` and an empty list give the home page back its default
    /// (the newest article leads). Every pinned article must be published, and none may
    /// be pinned twice.
    pub async fn set_home_pins(
        &self,
        actor: &Actor,
        lead: Option<i64>,
        featured: Vec<i64>,
    ) -> Result<HomePins> {
        allowed(actor)?;
        let pins = HomePins { lead, featured };
        let mut errors = Vec::new();
        if pins.featured.len() > FEATURED_MAX {
            errors.push(FieldError {
                field: "featured",
                key: "admin-error-featured-too-many",
            });
        }
        let ids = pins.ids();
        let twice = ids
            .iter()
            .enumerate()
            .any(|(i, id)| ids.iter().skip(i + 1).any(|other| other == id));
        if twice {
            errors.push(FieldError {
                field: "featured",
                key: "admin-error-pins-duplicate",
            });
        }
        if !errors.is_empty() {
            return Err(NewsroomError::Invalid(errors));
        }
        let mut tx = self.db().begin().await?;
        // Locked until the commit (in id order, so two saves never wait on each other):
        // an article cannot be taken back between this check and its pin.
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        let mut unpublished = Vec::new();
        for id in sorted {
            let published = state_for_update(&mut tx, id)
                .await?
                .is_some_and(|s| s.status() == ArticleStatus::Published);
            if !published {
                unpublished.push(id);
            }
        }
        if pins.lead.is_some_and(|id| unpublished.contains(&id)) {
            errors.push(FieldError {
                field: "lead",
                key: "admin-error-pin-not-published",
            });
        }
        if pins.featured.iter().any(|id| unpublished.contains(id)) {
            errors.push(FieldError {
                field: "featured",
                key: "admin-error-pin-not-published",
            });
        }
        if !errors.is_empty() {
            return Err(NewsroomError::Invalid(errors));
        }
        let before = repo::home_pins(&mut tx).await?;
        if before == pins {
            tx.rollback().await?;
            return Ok(pins);
        }
        repo::save_home_pins(&mut tx, &pins).await?;
        insert_audit(
            &mut tx,
            &AuditRecord {
                actor: actor.audit_name(),
                action: "front-page-changed",
                object_kind: "front-page",
                object_id: None,
                detail: &pins_detail(&pins),
            },
        )
        .await?;
        tx.retire([Dep::Latest]);
        tx.commit().await?;
        Ok(pins)
    }

    /// Clears the flags that have ended at `now` (and those of articles no longer
    /// published); returns the ids and headlines of the articles that left the ticker.
    /// One transaction whose conditional UPDATE claims the flags, so when several
    /// processes sweep at once each flag is cleared, audited and retired once.
    pub async fn expire_breaking(&self, now: DateTime<Utc>) -> Result<Vec<(i64, String)>> {
        if !self.db().breaking_to_clear(now).await? {
            return Ok(Vec::new());
        }
        let mut tx = self.db().begin().await?;
        let cleared = repo::clear_ended_breaking(&mut tx, now).await?;
        if cleared.is_empty() {
            tx.rollback().await?;
            return Ok(Vec::new());
        }
        let mut expired = Vec::new();
        for flag in cleared {
            // A flag of an article taken back was already out of the ticker: its
            // unpublishing retired the pages that showed it.
            let action = if flag.public {
                "breaking-expired"
            } else {
                "breaking-cleared"
            };
            audit(&mut tx, &Actor::System, action, flag.id, &flag.title).await?;
            if flag.public {
                expired.push((flag.id, flag.title));
            }
        }
        if !expired.is_empty() {
            tx.retire([Dep::Site]);
        }
        tx.commit().await?;
        Ok(expired)
    }
}

/// Editors and administrators only.
fn allowed(actor: &Actor) -> Result<()> {
    if actor.can(Capability::PublishOthers) {
        Ok(())
    } else {
        Err(NewsroomError::Forbidden)
    }
}

/// The audit detail of a pins change: `lead 12; featured 3, 5` (ids; `-` for none).
fn pins_detail(pins: &HomePins) -> String {
    let lead = pins
        .lead
        .map_or_else(|| "-".to_string(), |id| id.to_string());
    let featured = if pins.featured.is_empty() {
        "-".to_string()
    } else {
        pins.featured
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!("lead {lead}; featured {featured}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_audited_by_id() {
        assert_eq!(
            pins_detail(&HomePins {
                lead: Some(12),
                featured: vec![3, 5],
            }),
            "lead 12; featured 3, 5"
        );
        assert_eq!(pins_detail(&HomePins::default()), "lead -; featured -");
    }
}
