//! Account use cases: create, update (name, role, active, byline), enable and disable,
//! delete, set or change a password, and "log out other sessions".
//!
//! Each is one transaction with its audit entry; disabling an account or changing its
//! password ends its sessions in that same transaction, so no session outlives the change.
//! The newsroom can never lock itself out: the last active administrator cannot be
//! demoted, disabled or deleted, and nobody disables or deletes their own account.

pub mod password;
pub mod reset;

use sahifa_store::newsroom::{AuditRecord, insert_audit};
use sahifa_store::users::{self as repo, UserWrite};
use sahifa_store::{Role, StoreError, Tx, Unique, User, authors};

use crate::permissions::Capability;
use crate::{Actor, FieldError, Newsroom, NewsroomError, Result};

pub use password::{MIN_PASSWORD_CHARS, check_new_password};

/// Longest display name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// Longest email accepted, in bytes (RFC 5321's path limit).
const MAX_EMAIL_BYTES: usize = 254;

/// How many random slugs a new byline tries before giving up on a free one.
const BYLINE_SLUG_TRIES: usize = 8;

/// Lowercases and checks an email enough to use it as a login; `None` when it is not one.
pub fn normalise_email(email: &str) -> Option<String> {
    let email = email.trim().to_lowercase();
    let valid = email.len() <= MAX_EMAIL_BYTES
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !email.chars().any(char::is_whitespace);
    valid.then_some(email)
}

/// The byline an account should write under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Byline {
    /// None.
    #[default]
    None,
    /// One named like the account: an existing byline of exactly that name, or a new one.
    New,
    /// This existing byline.
    Existing(i64),
    /// Something was chosen that is not a byline id.
    Unreadable,
}

impl Byline {
    /// The admin form's choice: empty for none, `new`, or an author id (any digits).
    pub fn from_form(value: &str) -> Byline {
        match value.trim() {
            "" => Byline::None,
            "new" => Byline::New,
            other => sahifa_text::digits::to_ascii_digits(other)
                .parse()
                .map_or(Byline::Unreadable, Byline::Existing),
        }
    }
}

/// A new account as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewAccount {
    /// Login; compared case-insensitively.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role name (`administrator`, `editor`, `author`, `contributor`).
    pub role: String,
    /// The password, in clear (hashed here, never stored).
    pub password: String,
    /// Byline.
    pub byline: Byline,
}

/// An account's editable fields as typed (the email is the login and is not edited).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AccountChange {
    /// Display name.
    pub name: String,
    /// Role name.
    pub role: String,
    /// Whether the account may log in.
    pub active: bool,
    /// Byline.
    pub byline: Byline,
}

impl Newsroom {
    /// Creates an account; returns it.
    pub async fn create_user(&self, actor: &Actor, account: &NewAccount) -> Result<User> {
        if !actor.can(Capability::ManageUsers) {
            return Err(NewsroomError::Forbidden);
        }
        let account = &NewAccount {
            name: sahifa_text::clean::xml_safe(&account.name).into_owned(),
            ..account.clone()
        };
        let mut errors = Vec::new();
        let email = normalise_email(&account.email);
        match &email {
            None => errors.push(field("email", "admin-error-email-invalid")),
            Some(email) if self.db().user_for_login(email).await?.is_some() => {
                errors.push(field("email", "admin-error-email-taken"))
            }
            Some(_) => {}
        }
        let (name, role) = check_name_and_role(&account.name, &account.role, &mut errors);
        if let Err(key) = check_new_password(&account.password) {
            errors.push(field("password", key));
        }
        let byline = self.check_byline(account.byline, &mut errors).await?;
        let (Some(email), Some(role), true) = (email, role, errors.is_empty()) else {
            return Err(NewsroomError::Invalid(errors));
        };
        let hash = password::hash_password(account.password.clone())
            .await
            .map_err(NewsroomError::Internal)?;
        let mut tx = self.db().begin().await?;
        let author_id = resolve_byline(&mut tx, byline, name).await?;
        let row = UserWrite {
            name,
            role,
            author_id,
            active: true,
        };
        let id = match repo::insert(&mut tx, &email, &hash, &row).await {
            Ok(id) => id,
            // Taken between the check and the insert.
            Err(StoreError::Conflict(Unique::UserEmail)) => {
                return Err(NewsroomError::invalid("email", "admin-error-email-taken"));
            }
            Err(other) => return Err(other.into()),
        };
        let detail = format!("{email} ({})", role.as_str());
        audit(&mut tx, actor, "created", id, &detail).await?;
        let user = repo::for_update(&mut tx, id)
            .await?
            .ok_or(NewsroomError::NotFound)?;
        tx.commit().await?;
        Ok(user)
    }

    /// Changes an account's name, role, byline and whether it is active; disabling it ends
    /// its sessions.
    pub async fn update_user(&self, actor: &Actor, id: i64, change: &AccountChange) -> Result<()> {
        if !actor.can(Capability::ManageUsers) {
            return Err(NewsroomError::Forbidden);
        }
        let change = &AccountChange {
            name: sahifa_text::clean::xml_safe(&change.name).into_owned(),
            ..change.clone()
        };
        let mut errors = Vec::new();
        let (name, role) = check_name_and_role(&change.name, &change.role, &mut errors);
        let byline = self.check_byline(change.byline, &mut errors).await?;
        let mut tx = self.db().begin().await?;
        let user = repo::for_update(&mut tx, id)
            .await?
            .ok_or(NewsroomError::NotFound)?;
        if let Some(role) = role {
            let loses_admin = role != Role::Administrator || !change.active;
            if loses_admin && is_last_admin(&mut tx, &user).await? {
                errors.push(field("role", "admin-error-last-admin"));
            }
        }
        if actor.user_id() == Some(id) && !change.active {
            errors.push(field("active", "admin-error-disable-self"));
        }
        let Some(role) = role.filter(|_| errors.is_empty()) else {
            return Err(NewsroomError::Invalid(errors));
        };
        let author_id = resolve_byline(&mut tx, byline, name).await?;
        let row = UserWrite {
            name,
            role,
            author_id,
            active: change.active,
        };
        write_change(&mut tx, actor, &user, &row).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Enables or disables an account, keeping its other fields; disabling ends its
    /// sessions.
    pub async fn set_user_active(&self, actor: &Actor, id: i64, active: bool) -> Result<()> {
        if !actor.can(Capability::ManageUsers) {
            return Err(NewsroomError::Forbidden);
        }
        let mut tx = self.db().begin().await?;
        let user = repo::for_update(&mut tx, id)
            .await?
            .ok_or(NewsroomError::NotFound)?;
        if !active {
            if actor.user_id() == Some(id) {
                return Err(NewsroomError::invalid("active", "admin-error-disable-self"));
            }
            if is_last_admin(&mut tx, &user).await? {
                return Err(NewsroomError::invalid("active", "admin-error-last-admin"));
            }
        }
        let row = UserWrite {
            name: &user.name,
            role: user.role,
            author_id: user.author_id,
            active,
        };
        write_change(&mut tx, actor, &user, &row).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes an account; its sessions and tokens go with it, its articles stay. Refused
    /// (a conflict with the newsroom's state, not with the input) for one's own account
    /// and for the last active administrator.
    pub async fn delete_user(&self, actor: &Actor, id: i64) -> Result<()> {
        if !actor.can(Capability::ManageUsers) {
            return Err(NewsroomError::Forbidden);
        }
        let mut tx = self.db().begin().await?;
        let user = repo::for_update(&mut tx, id)
            .await?
            .ok_or(NewsroomError::NotFound)?;
        let refusal = if actor.user_id() == Some(id) {
            Some("admin-error-delete-self")
        } else if is_last_admin(&mut tx, &user).await? {
            Some("admin-error-last-admin")
        } else {
            None
        };
        if let Some(key) = refusal {
            return Err(NewsroomError::Conflict { field: None, key });
        }
        repo::delete(&mut tx, id).await?;
        audit(&mut tx, actor, "deleted", id, &user.email).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a new password for account `id` (one's own, or anybody's with the right to
    /// manage accounts) and ends every session of the account.
    pub async fn set_password(&self, actor: &Actor, id: i64, new_password: &str) -> Result<()> {
        let own = actor.user_id() == Some(id) && actor.can(Capability::UseAdmin);
        if !own && !actor.can(Capability::ManageUsers) {
            return Err(NewsroomError::Forbidden);
        }
        let user = self
            .db()
            .user_by_id(id)
            .await?
            .ok_or(NewsroomError::NotFound)?;
        self.store_password(actor, &user, new_password, None).await
    }

    /// Changes the actor's own password after checking the current one; ends every other
    /// session of the account (`keep_session` is the hash of the one in use, if any).
    pub async fn change_own_password(
        &self,
        actor: &Actor,
        current_password: &str,
        new_password: &str,
        keep_session: Option<&str>,
    ) -> Result<()> {
        let Some(me) = actor.user().filter(|_| actor.can(Capability::UseAdmin)) else {
            return Err(NewsroomError::Forbidden);
        };
        let (user, stored) = self
            .db()
            .user_for_login(&me.email)
            .await?
            .filter(|(u, _)| u.id == me.id)
            .ok_or(NewsroomError::NotFound)?;
        let mut errors = Vec::new();
        if !password::verify_password(current_password.to_string(), Some(stored)).await {
            errors.push(field(
                "current_password",
                "admin-error-current-password-wrong",
            ));
        }
        if let Err(key) = check_new_password(new_password) {
            errors.push(field("password", key));
        }
        if !errors.is_empty() {
            return Err(NewsroomError::Invalid(errors));
        }
        self.store_password(actor, &user, new_password, keep_session)
            .await
    }

    /// Ends every session of the actor's account except `keep` (the hash of the one in
    /// use); returns how many ended.
    pub async fn end_other_sessions(&self, actor: &Actor, keep: &str) -> Result<u64> {
        let Some(me) = actor.user().filter(|_| actor.can(Capability::UseAdmin)) else {
            return Err(NewsroomError::Forbidden);
        };
        let mut tx = self.db().begin().await?;
        let ended = repo::delete_sessions(&mut tx, me.id, Some(keep)).await?;
        audit(&mut tx, actor, "sessions-ended", me.id, &me.email).await?;
        tx.commit().await?;
        Ok(ended)
    }

    /// Validates, hashes and stores a new password for `user`, ending its sessions but
    /// `keep_session`.
    async fn store_password(
        &self,
        actor: &Actor,
        user: &User,
        new_password: &str,
        keep_session: Option<&str>,
    ) -> Result<()> {
        if let Err(key) = check_new_password(new_password) {
            return Err(NewsroomError::invalid("password", key));
        }
        let hash = password::hash_password(new_password.to_string())
            .await
            .map_err(NewsroomError::Internal)?;
        let mut tx = self.db().begin().await?;
        repo::set_password_hash(&mut tx, user.id, &hash).await?;
        repo::delete_sessions(&mut tx, user.id, keep_session).await?;
        // A reset is done to somebody else's account; a change is one's own (or the
        // operator's, from the shell).
        let action = match actor.user_id() {
            Some(me) if me != user.id => "password-reset",
            _ => "password-changed",
        };
        audit(&mut tx, actor, action, user.id, &user.email).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks a byline choice that must name an existing author.
    async fn check_byline(&self, byline: Byline, errors: &mut Vec<FieldError>) -> Result<Byline> {
        match byline {
            Byline::Existing(id) if self.db().authors().await?.iter().any(|a| a.id == id) => {
                Ok(byline)
            }
            Byline::Existing(_) | Byline::Unreadable => {
                errors.push(field("author", "admin-error-unknown-author"));
                Ok(Byline::None)
            }
            Byline::None | Byline::New => Ok(byline),
        }
    }
}

fn field(field: &'static str, key: &'static str) -> FieldError {
    FieldError { field, key }
}

/// The trimmed name and the parsed role, recording what is wrong with either.
fn check_name_and_role<'a>(
    name: &'a str,
    role: &str,
    errors: &mut Vec<FieldError>,
) -> (&'a str, Option<Role>) {
    let name = name.trim();
    if name.is_empty() {
        errors.push(field("name", "admin-error-name-required"));
    } else if name.chars().count() > MAX_NAME_CHARS {
        errors.push(field("name", "admin-error-name-too-long"));
    }
    let role = Role::parse(role);
    if role.is_none() {
        errors.push(field("role", "admin-error-role-invalid"));
    }
    (name, role)
}

/// Whether `user` is the only active administrator left (the rows stay locked until the
/// transaction ends).
async fn is_last_admin(tx: &mut Tx, user: &User) -> Result<bool> {
    if user.role != Role::Administrator || !user.active {
        return Ok(false);
    }
    let admins = repo::active_admin_ids(tx).await?;
    Ok(admins.iter().all(|id| *id == user.id))
}

/// Stores a changed account with its audit entries; disabling ends its sessions.
async fn write_change(tx: &mut Tx, actor: &Actor, user: &User, row: &UserWrite<'_>) -> Result<()> {
    repo::update(tx, user.id, row).await?;
    if user.active && !row.active {
        repo::delete_sessions(tx, user.id, None).await?;
    }
    if row.role != user.role {
        let detail = format!(
            "{}: {} → {}",
            user.email,
            user.role.as_str(),
            row.role.as_str()
        );
        audit(tx, actor, "role-changed", user.id, &detail).await?;
    }
    if row.active != user.active {
        let action = if row.active { "enabled" } else { "disabled" };
        audit(tx, actor, action, user.id, &user.email).await?;
    }
    if row.name != user.name || row.author_id != user.author_id {
        audit(tx, actor, "updated", user.id, &user.email).await?;
    }
    Ok(())
}

/// The byline's author id, making one named like the account when asked (or reusing an
/// existing byline of exactly that name).
async fn resolve_byline(tx: &mut Tx, byline: Byline, name: &str) -> Result<Option<i64>> {
    match byline {
        Byline::None | Byline::Unreadable => Ok(None),
        Byline::Existing(id) => Ok(Some(id)),
        Byline::New => {
            if let Some(id) = authors::by_name(tx, name).await? {
                return Ok(Some(id));
            }
            let slug = free_byline_slug(tx, name).await?;
            let id = authors::insert(tx, &slug, name, "").await?;
            // A new byline is a new public author page.
            tx.retire_everything();
            Ok(Some(id))
        }
    }
}

/// A slug for a new byline named `name`: the name's own, or (taken, or a name without
/// letters a slug can keep) the name's with a random suffix.
async fn free_byline_slug(tx: &mut Tx, name: &str) -> Result<String> {
    let base = sahifa_text::slug::slugify(name);
    if !base.is_empty() && !authors::slug_taken(tx, &base).await? {
        return Ok(base);
    }
    for _ in 0..BYLINE_SLUG_TRIES {
        let suffix: String = crate::tokens::random_token()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(6)
            .collect::<String>()
            .to_lowercase();
        let slug = if base.is_empty() {
            suffix
        } else {
            format!("{base}-{suffix}")
        };
        if !authors::slug_taken(tx, &slug).await? {
            return Ok(slug);
        }
    }
    Err(NewsroomError::Conflict {
        field: Some("author"),
        key: "error-conflict",
    })
}

/// Appends an audit entry about account `id`.
async fn audit(tx: &mut Tx, actor: &Actor, action: &str, id: i64, detail: &str) -> Result<()> {
    insert_audit(
        tx,
        &AuditRecord {
            actor: actor.audit_name(),
            action,
            object_kind: "user",
            object_id: Some(id),
            detail,
        },
    )
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_and_bylines() {
        assert_eq!(
            normalise_email("  Sara@Example.COM "),
            Some("sara@example.com".into())
        );
        for bad in [
            "",
            "sara",
            "@example.com",
            "sara@example",
            "sara@.com",
            "a b@x.com",
        ] {
            assert_eq!(normalise_email(bad), None, "{bad}");
        }
        assert_eq!(Byline::from_form(""), Byline::None);
        assert_eq!(Byline::from_form("new"), Byline::New);
        assert_eq!(Byline::from_form("١٢"), Byline::Existing(12));
        assert_eq!(Byline::from_form("x"), Byline::Unreadable);
    }
}
