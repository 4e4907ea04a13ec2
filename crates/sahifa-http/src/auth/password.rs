//! Password hashing and the password policy live with the account use cases; login
//! verifies through the same code, on the same bounded pool (see
//! [`sahifa_newsroom::users::password`] for the memory bound).

pub use sahifa_newsroom::users::password::{
    Busy, MIN_PASSWORD_CHARS, check_new_password, hash_password, pool_size, verify_login,
    verify_password,
};
