//! Telegram channel posting.
//!
//! Publishing an article writes a delivery job into the `telegram_deliveries` outbox in the
//! publish's own transaction (the article use case calls `sahifa_store::telegram::enqueue_post`). The [`worker`] claims
//! due jobs with a lease, renders the post ([`message`]), sends it through the Bot API
//! ([`client`]) and records the outcome; [`settings`] resolves what the editor stored in the
//! database against the operator's `SAHIFA_TELEGRAM_*` environment variables.

// Server code propagates errors; a panic on input-derived data takes a request down.
#![warn(clippy::unwrap_used)]

pub mod client;
pub mod message;
pub mod settings;
pub mod worker;

pub use client::{BotApi, SendError};
pub use settings::{Overrides, TelegramSettings};
pub use worker::{Labels, WorkerConfig, WorkerHandle, spawn_worker};
