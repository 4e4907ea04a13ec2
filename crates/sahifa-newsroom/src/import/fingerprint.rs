//! What an imported object is, as one hash: imported again with the same fingerprint, it
//! is left as it is, without a write.
//!
//! Built field by field, each length-prefixed, so that no two different objects run
//! together into the same bytes, and nothing depends on a printing format that may change
//! between compiler versions (a `Debug` rendering would: every re-import after an upgrade
//! would then rewrite the whole archive).

use chrono::{DateTime, Utc};
use sahifa_store::Image;

use super::{ArticleImport, AuthorImport, CommentImport, PageImport, TermImport};

/// Something an import keys and compares.
pub(super) trait Fingerprint {
    /// Feeds the fields that make the object what it is.
    fn feed(&self, print: &mut Print);

    /// The fingerprint, as hex.
    fn fingerprint(&self) -> String {
        let mut print = Print(blake3::Hasher::new());
        self.feed(&mut print);
        print.0.finalize().to_hex().to_string()
    }
}

/// A fingerprint being built.
pub(super) struct Print(blake3::Hasher);

impl Print {
    fn text(&mut self, s: &str) -> &mut Self {
        self.0.update(&(s.len() as u64).to_le_bytes());
        self.0.update(s.as_bytes());
        self
    }

    fn number(&mut self, n: Option<i64>) -> &mut Self {
        match n {
            Some(n) => self.0.update(&[1]).update(&n.to_le_bytes()),
            None => self.0.update(&[0]),
        };
        self
    }

    fn flag(&mut self, b: bool) -> &mut Self {
        self.0.update(&[u8::from(b)]);
        self
    }

    fn time(&mut self, t: Option<DateTime<Utc>>) -> &mut Self {
        self.number(t.map(|t| t.timestamp()))
            .number(t.map(|t| i64::from(t.timestamp_subsec_nanos())))
    }
}

impl Fingerprint for AuthorImport {
    fn feed(&self, p: &mut Print) {
        p.text(&self.login).text(&self.name).text(&self.email);
    }
}

impl Fingerprint for TermImport {
    fn feed(&self, p: &mut Print) {
        p.text(&self.slug)
            .text(&self.name)
            .text(&self.description)
            .number(self.parent_id);
    }
}

fn image(p: &mut Print, image: Option<&Image>) {
    p.flag(image.is_some());
    if let Some(i) = image {
        p.text(&i.url)
            .text(&i.alt)
            .text(&i.caption)
            .number(i.width)
            .number(i.height);
    }
}

/// An article's creation and last-change times are left out: an undated draft is given
/// the time of the import it came in with, and that time is no change of the article.
impl Fingerprint for ArticleImport {
    fn feed(&self, p: &mut Print) {
        p.text(&self.slug)
            .text(&self.title)
            .text(&self.lead)
            .text(&self.body_html)
            .number(self.author_id)
            .number(Some(self.category_ids.len() as i64));
        for id in &self.category_ids {
            p.number(Some(*id));
        }
        p.number(Some(self.tags.len() as i64));
        for (slug, name) in &self.tags {
            p.text(slug).text(name);
        }
        p.text(self.status.as_str()).time(self.published_at);
        image(p, self.image.as_ref().map(|(_, i)| i));
        p.number(self.image.as_ref().map(|(id, _)| *id))
            .flag(self.comments_closed);
    }
}

impl Fingerprint for PageImport {
    fn feed(&self, p: &mut Print) {
        p.text(&self.slug)
            .text(&self.title)
            .text(&self.body_html)
            .flag(self.published)
            .number(self.parent_id);
    }
}

impl Fingerprint for CommentImport {
    fn feed(&self, p: &mut Print) {
        p.number(Some(self.article_id))
            .number(self.parent_id)
            .text(&self.author_name)
            .text(&self.email)
            .text(&self.url)
            .text(&self.body)
            .text(self.status.as_str())
            .time(Some(self.created_at));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(slug: &str, name: &str) -> TermImport {
        TermImport {
            slug: slug.into(),
            name: name.into(),
            description: String::new(),
            parent_id: None,
        }
    }

    #[test]
    fn fields_never_run_together_and_every_field_counts() {
        assert_ne!(term("ab", "c").fingerprint(), term("a", "bc").fingerprint());
        assert_eq!(
            term("أخبار", "x").fingerprint(),
            term("أخبار", "x").fingerprint()
        );
        let with_parent = TermImport {
            parent_id: Some(0),
            ..term("a", "b")
        };
        assert_ne!(with_parent.fingerprint(), term("a", "b").fingerprint());
    }
}
