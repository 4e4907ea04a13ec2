//! Random secrets (session, CSRF and API tokens) and their stored hashes: one
//! implementation, in the newsroom crate that mints API tokens.

pub use sahifa_newsroom::tokens::{constant_time_eq, random_token, token_hash};
