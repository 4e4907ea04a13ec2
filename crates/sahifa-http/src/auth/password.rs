//! Password hashing and the password policy live with the account use cases; login
//! verifies through the same code.

pub use sahifa_newsroom::users::password::{
    MIN_PASSWORD_CHARS, check_new_password, hash_password, verify_password,
};
