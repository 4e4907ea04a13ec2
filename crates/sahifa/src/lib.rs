//! The `sahifa` binary's library half: the CLI, the `serve` command and the demo site, kept
//! in a library so integration tests drive the same code the binary runs.

// Server code propagates errors; a panic on input-derived data takes a request down.
#![warn(clippy::unwrap_used)]

pub mod accounts;
pub mod backup;
pub mod cli;
pub mod demo;
pub mod global;
pub mod import_jsonl;
pub mod media_store;
pub mod search;
pub mod serve;
pub mod wxr;
