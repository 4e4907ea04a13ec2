//! Who is asking: passwords, sessions, CSRF, login throttling and the permission matrix.

pub mod csrf;
pub mod password;
pub use sahifa_newsroom::permissions;
pub mod session;
pub mod throttle;
pub mod tokens;

pub use permissions::Capability;
pub use session::CurrentUser;
