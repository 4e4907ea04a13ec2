//! Article bodies: the schema they are stored in, and what reduces any HTML to it.
//!
//! A body is stored as HTML of one fixed schema: paragraphs, headings h2–h4, bold
//! (`strong`), italic (`em`), links, ordered and unordered lists, quotes and pull quotes
//! (`blockquote class="pull-quote"`), figures (`figure class="image"` with an `img` and a
//! `figcaption` whose `small class="credit"` is the credit; `figure class="gallery"`
//! holding image figures), embeds (`figure class="embed"` with `data-provider` and
//! `data-url`, see [`crate::embeds`]), tables and a separator (`hr`). Every block carries
//! `dir="auto"`.
//!
//! [`sanitize`] is the only guarantee of that schema: the visual editor, the API, an
//! import and the Markdown converter all hand their HTML to it, and whatever they send is
//! reduced to the schema. It is idempotent: a sanitised body sanitises to itself.

mod schema;
mod stored;
mod structure;
mod text;

pub use schema::{BLOCKS, ELEMENTS};
pub use stored::{Part, StoredEmbed, parts};
pub use structure::{MAX_DEPTH, MAX_TAGS};
pub use text::plain_text;

/// The longest body accepted, in bytes of HTML (or of the Markdown it is converted from).
pub const MAX_BODY_BYTES: usize = crate::markdown::MAX_BODY_BYTES;

/// How many rounds of structure and allowlist [`sanitize`] runs at most. Each round can
/// only remove or rename; two reach the fixed point for everything seen, the rest are a
/// margin for what html5ever's tree builder reshapes (misnested inline elements).
const MAX_ROUNDS: usize = 6;

/// Whether `body` is longer than a body may be.
pub fn too_long(body: &str) -> bool {
    body.len() > MAX_BODY_BYTES
}

/// `html` reduced to the body schema: see the module documentation. A body longer than
/// [`MAX_BODY_BYTES`] is read up to that length (the save refuses it before this).
pub fn sanitize(html: &str) -> String {
    let mut current = crate::markdown::within_limit(html).to_string();
    for _ in 0..MAX_ROUNDS {
        let next = schema::clean(&structure::restructure(&current));
        if next == current {
            break;
        }
        current = next;
    }
    current
}

/// The body of Markdown `md`, in the schema: rendered as CommonMark (tables and
/// strikethrough included), then sanitised like any other HTML. A paragraph holding only
/// the URL of a known post becomes its embed, as in the visual editor.
pub fn from_markdown(md: &str) -> String {
    sanitize(&crate::markdown::render_markdown(md))
}

#[cfg(test)]
mod tests;
