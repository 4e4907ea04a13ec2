//! WordPress eXtended RSS (WXR), the format of WordPress's Tools → Export.
//!
//! - [`reader`]: a streaming reader that yields one [`Entry`] at a time in constant
//!   memory, matching elements by namespace URI (WXR 1.0, 1.1 and 1.2, over http and
//!   https), refusing a DOCTYPE (no entity is ever expanded) and naming the line and
//!   column of anything malformed.
//! - [`writer`]: WXR 1.2 as WordPress's own importer reads it.
//! - [`content`]: WordPress post HTML (classic and block content, shortcodes, bare embed
//!   URLs, `<!--more-->`) turned into HTML of Sahifa's body schema, and comment HTML into
//!   comment text.
//!
//! Text is kept byte for byte: no Unicode normalisation, no slashes added or stripped.

#![warn(clippy::indexing_slicing)]
#![warn(clippy::unwrap_used)]

pub mod content;
pub mod model;
pub mod reader;
pub mod writer;

pub use model::{Author, Channel, Comment, Entry, Item, ItemTerm, Meta, Term, TermKind};
pub use reader::{Reader, WxrError};
pub use writer::Writer;
