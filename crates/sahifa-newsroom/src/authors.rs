//! Author profiles: a byline's display name, bio, photo (a media-library item) and links
//! to X, Telegram, Facebook and a website, shown on the author page.
//!
//! Each account edits the profile of its own byline; administrators edit anyone's (as
//! WordPress lets only administrators edit other users' profiles). One transaction holds
//! the row, the audit entry and the content epoch (author pages are cached).

use sahifa_store::Dep;
use sahifa_store::authors::{self as repo, ProfileWrite};
use sahifa_store::newsroom::{AuditRecord, insert_audit};
use sahifa_text::clean::xml_safe;

use crate::{Actor, Capability, FieldError, Newsroom, NewsroomError, Result};

/// Longest display name, in characters.
pub const NAME_MAX: usize = 100;
/// Longest biography, in characters.
pub const BIO_MAX: usize = 2000;
/// Longest link, in characters.
pub const LINK_MAX: usize = 500;

/// A profile as the form gives it: every field as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileDraft {
    /// Display name.
    pub name: String,
    /// Biography.
    pub bio: String,
    /// The photo's media id as typed; empty for none.
    pub photo: String,
    /// `@handle`, `handle` or an `https://x.com/...` URL.
    pub link_x: String,
    /// `@handle`, `handle` or an `https://t.me/...` URL.
    pub link_telegram: String,
    /// A profile name or an `https://facebook.com/...` URL.
    pub link_facebook: String,
    /// An `http(s)://` URL.
    pub link_website: String,
}

impl Newsroom {
    /// Saves byline `author_id`'s profile. Refused unless the actor's own byline is
    /// `author_id` or the actor manages accounts; nothing is stored when a field is wrong.
    pub async fn update_author_profile(
        &self,
        actor: &Actor,
        author_id: i64,
        draft: &ProfileDraft,
    ) -> Result<()> {
        let own = actor.user().is_some_and(|u| u.author_id == Some(author_id));
        if !own && !actor.can(Capability::ManageUsers) {
            return Err(NewsroomError::Forbidden);
        }
        let mut tx = self.db().begin().await?;
        repo::for_update(&mut tx, author_id)
            .await?
            .ok_or(NewsroomError::NotFound)?;
        let mut errors = Vec::new();
        let row = check(&mut errors, draft);
        if let Some(id) = row.photo_media_id
            && sahifa_store::media::for_update(&mut tx, id)
                .await?
                .is_none()
        {
            errors.push(field("photo", "admin-error-photo-unknown"));
        }
        if !errors.is_empty() {
            return Err(NewsroomError::Invalid(errors));
        }
        repo::update_profile(&mut tx, author_id, &row).await?;
        insert_audit(
            &mut tx,
            &AuditRecord {
                actor: actor.audit_name(),
                action: "updated",
                object_kind: "author",
                object_id: Some(author_id),
                detail: &row.name,
            },
        )
        .await?;
        tx.retire([Dep::Author(author_id)]);
        tx.commit().await?;
        Ok(())
    }
}

impl Newsroom {
    /// Makes account `owner` the owner («صاحب المقال») of every article that has none,
    /// as the demo does for its administrator. Sahifa's own act: refused to a person.
    pub async fn adopt_unowned_articles(&self, actor: &Actor, owner: i64) -> Result<u64> {
        if actor.user().is_some() {
            return Err(NewsroomError::Forbidden);
        }
        let mut tx = self.db().begin().await?;
        let adopted = repo::adopt_unowned_articles(&mut tx, owner).await?;
        tx.retire_everything();
        tx.commit().await?;
        Ok(adopted)
    }
}

impl Newsroom {
    /// Gives article `article`, when it has no owner, to the account its byline belongs
    /// to, or else to account `fallback` (as an import does). Sahifa's own act.
    pub async fn own_by_byline(
        &self,
        actor: &Actor,
        article: i64,
        fallback: Option<i64>,
    ) -> Result<bool> {
        if actor.user().is_some() {
            return Err(NewsroomError::Forbidden);
        }
        let mut tx = self.db().begin().await?;
        let owned = repo::own_by_byline(&mut tx, article, fallback).await?;
        tx.retire_everything();
        tx.commit().await?;
        Ok(owned)
    }
}

fn field(field: &'static str, key: &'static str) -> FieldError {
    FieldError { field, key }
}

/// Every field checked in one pass: the row to store (meaningful only when `errors` stays
/// empty).
fn check(errors: &mut Vec<FieldError>, draft: &ProfileDraft) -> ProfileWrite {
    let name = xml_safe(draft.name.trim()).into_owned();
    if name.is_empty() {
        errors.push(field("name", "admin-error-name-required"));
    } else if name.chars().count() > NAME_MAX {
        errors.push(field("name", "admin-error-name-too-long"));
    }
    let bio = xml_safe(draft.bio.trim()).into_owned();
    if bio.chars().count() > BIO_MAX {
        errors.push(field("bio", "admin-error-bio-too-long"));
    }
    let typed = sahifa_text::digits::to_ascii_digits(draft.photo.trim());
    let photo_media_id = if typed.is_empty() {
        None
    } else {
        let id = typed.parse::<i64>().ok().filter(|id| *id > 0);
        if id.is_none() {
            errors.push(field("photo", "admin-error-photo-unknown"));
        }
        id
    };
    let mut link = |name: &'static str, key: &'static str, typed: &str, rule: Rule| {
        let typed = typed.trim();
        if typed.is_empty() {
            return String::new();
        }
        match normalise(typed, rule).filter(|l| l.chars().count() <= LINK_MAX) {
            Some(url) => url,
            None => {
                errors.push(field(name, key));
                String::new()
            }
        }
    };
    let link_x = link("link_x", "admin-error-link-x", &draft.link_x, X);
    let link_telegram = link(
        "link_telegram",
        "admin-error-link-telegram",
        &draft.link_telegram,
        TELEGRAM,
    );
    let link_facebook = link(
        "link_facebook",
        "admin-error-link-facebook",
        &draft.link_facebook,
        FACEBOOK,
    );
    let link_website = link(
        "link_website",
        "admin-error-link-website",
        &draft.link_website,
        WEBSITE,
    );
    ProfileWrite {
        name,
        bio,
        photo_media_id,
        link_x,
        link_telegram,
        link_facebook,
        link_website,
    }
}

/// What a link field accepts: URLs on these hosts (any host when empty), and a bare
/// handle of these lengths and characters made into a URL on `handle_base`.
#[derive(Clone, Copy)]
struct Rule {
    hosts: &'static [&'static str],
    handle_base: Option<&'static str>,
    handle_len: (usize, usize),
    handle_dot: bool,
}

const X: Rule = Rule {
    hosts: &["x.com", "twitter.com"],
    handle_base: Some("https://x.com/"),
    handle_len: (1, 15),
    handle_dot: false,
};
const TELEGRAM: Rule = Rule {
    hosts: &["t.me", "telegram.me"],
    handle_base: Some("https://t.me/"),
    handle_len: (5, 32),
    handle_dot: false,
};
const FACEBOOK: Rule = Rule {
    hosts: &["facebook.com", "fb.com"],
    handle_base: Some("https://www.facebook.com/"),
    handle_len: (5, 50),
    handle_dot: true,
};
const WEBSITE: Rule = Rule {
    hosts: &[],
    handle_base: None,
    handle_len: (0, 0),
    handle_dot: false,
};

/// The URL to store for what was typed, or `None` when it is neither an allowed URL nor
/// a valid handle.
fn normalise(typed: &str, rule: Rule) -> Option<String> {
    if let Some(base) = rule.handle_base {
        let handle = typed.strip_prefix('@').unwrap_or(typed);
        let (min, max) = rule.handle_len;
        let fits = (min..=max).contains(&handle.len())
            && handle
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || (rule.handle_dot && c == '.'));
        if fits {
            return Some(format!("{base}{handle}"));
        }
    }
    let url = url::Url::parse(typed).ok()?;
    // A profile elsewhere is linked over HTTPS; only a website may still be plain HTTP.
    let scheme_ok = match url.scheme() {
        "https" => true,
        "http" => rule.hosts.is_empty(),
        _ => false,
    };
    if !scheme_ok || !url.username().is_empty() || url.password().is_some() {
        return None;
    }
    let host = url.host_str()?.to_ascii_lowercase();
    if rule.hosts.is_empty() {
        // A website needs a real domain name, not `localhost` or a bare word.
        if !host.contains('.') {
            return None;
        }
    } else {
        let bare = host
            .strip_prefix("www.")
            .or_else(|| host.strip_prefix("m."))
            .unwrap_or(&host);
        if !rule.hosts.contains(&bare) || url.path().trim_matches('/').is_empty() {
            return None;
        }
    }
    Some(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links() {
        assert_eq!(
            normalise("@sahifa", X).as_deref(),
            Some("https://x.com/sahifa")
        );
        assert_eq!(
            normalise("https://twitter.com/sahifa", X).as_deref(),
            Some("https://twitter.com/sahifa")
        );
        assert_eq!(normalise("https://evil.example/sahifa", X), None);
        assert_eq!(normalise("https://x.com/", X), None);
        assert_eq!(normalise("javascript:alert(1)", WEBSITE), None);
        assert_eq!(normalise("not a url", WEBSITE), None);
        assert_eq!(
            normalise("@sahifa_news", TELEGRAM).as_deref(),
            Some("https://t.me/sahifa_news")
        );
        assert_eq!(normalise("abc", TELEGRAM), None, "too short for Telegram");
        assert_eq!(
            normalise("http://example.com/me", WEBSITE).as_deref(),
            Some("http://example.com/me")
        );
        assert_eq!(normalise("http://facebook.com/me", FACEBOOK), None);
        assert_eq!(
            normalise("sahifa.news", FACEBOOK).as_deref(),
            Some("https://www.facebook.com/sahifa.news")
        );
    }
}
