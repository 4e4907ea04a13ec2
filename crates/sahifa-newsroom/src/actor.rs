//! Who a use case acts for.

use sahifa_store::User;

use crate::permissions::{Capability, can};

/// The one a write is done for: a signed-in account, or Sahifa itself (the scheduler, the
/// demo loader, an import, the operator's CLI), which the matrix does not restrict.
#[derive(Debug, Clone)]
pub enum Actor {
    /// A newsroom account (its role decides).
    User(User),
    /// Sahifa itself, on the operator's authority.
    System,
}

impl Actor {
    /// The account, when a person acts.
    pub fn user(&self) -> Option<&User> {
        match self {
            Actor::User(user) => Some(user),
            Actor::System => None,
        }
    }

    /// The account id, when a person acts.
    pub fn user_id(&self) -> Option<i64> {
        self.user().map(|u| u.id)
    }

    /// Whether the actor has `capability` (the system has every one).
    pub fn can(&self, capability: Capability) -> bool {
        match self {
            Actor::User(user) => can(user, capability),
            Actor::System => true,
        }
    }

    /// How the audit trail names the actor.
    pub(crate) fn audit_name(&self) -> Option<(i64, &str)> {
        self.user().map(|u| (u.id, u.name.as_str()))
    }
}
