//! Pure text handling for Sahifa, an Arabic-first news platform.
//!
//! Everything here is deterministic string work with no I/O, so the web and
//! store crates can share one definition of how Arabic copy is normalised,
//! slugged, dated, measured and sanitised.

// Text, queries, uploads and forms decide indexes here, and a panic takes a request down:
// look up with `get` and propagate errors instead of unwrapping.
#![warn(clippy::indexing_slicing)]
#![warn(clippy::unwrap_used)]

pub mod arabic;
pub mod body;
pub mod clean;
pub mod dates;
pub mod digits;
pub mod embeds;
pub mod markdown;
pub mod newsroom;
pub mod numbers;
pub mod old_urls;
pub mod reading;
pub mod slug;
