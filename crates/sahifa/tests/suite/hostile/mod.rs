//! Issue 15's findings, each tried against the real server the way an attacker or a bad day
//! would (hostile input, exhaustion, storage faults), on both backends where storage is
//! involved. One module per area.

mod auth;
mod crash;
mod ownership;
mod render;
mod server;
mod storage;
