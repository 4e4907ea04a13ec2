//! The first pass over a WordPress export: the whole file is read and checked, and what
//! the second pass needs before it can write anything is gathered (authors, terms,
//! attachments, the time zone). Nothing is written here, so a file that turns out
//! malformed at its last byte stores nothing.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;

use chrono::FixedOffset;
use sahifa_wxr::{Author, Entry, Item, Reader, Term, TermKind, WxrError};

use super::report::Report;
use super::wp;

/// An attachment of the old site.
#[derive(Debug, Clone)]
pub struct Attachment {
    /// Its WordPress id.
    pub id: i64,
    /// The file's old URL.
    pub url: String,
    /// The post it belongs to (0: none).
    pub parent: i64,
    /// Alternative text.
    pub alt: String,
    /// Caption (its excerpt) as text.
    pub caption: String,
    /// Its order among the post's attachments.
    pub menu_order: i64,
}

/// What the first pass learned.
#[derive(Debug, Default)]
pub struct Survey {
    /// The channel's fields.
    pub channel: sahifa_wxr::Channel,
    /// Authors by login, in file order (WXR 1.0: from `dc:creator`).
    pub authors: Vec<Author>,
    /// Categories and tags, keyed by (kind, slug); later definitions win.
    pub terms: Vec<Term>,
    /// Attachments by id.
    pub attachments: BTreeMap<i64, Attachment>,
    /// Upload keys bodies reference (gathered only for `--uploads`).
    pub referenced_uploads: Vec<String>,
    /// The offset of the site's local time from UTC, read off items that give both.
    pub offset: Option<FixedOffset>,
    /// Posts and pages the second pass will write.
    pub items: u64,
    /// The file's non-fatal notes.
    pub warnings: Vec<String>,
}

/// Reads all of `source`, checking it; `progress` is told the bytes read so far. With
/// `find_uploads` (an uploads folder was given), the uploads bodies reference are
/// gathered too.
pub fn survey(
    source: impl BufRead,
    old_base_override: Option<&str>,
    find_uploads: bool,
    report: &mut Report,
    mut progress: impl FnMut(u64),
) -> Result<Survey, WxrError> {
    let mut reader = Reader::new(source);
    let mut survey = Survey::default();
    let mut logins: HashSet<String> = HashSet::new();
    let mut term_index: HashMap<(TermKind, String), usize> = HashMap::new();
    let mut referenced: HashSet<String> = HashSet::new();
    let mut add_term = |survey: &mut Survey, term: Term, defined: bool| {
        let key = (term.kind.clone(), term.slug.clone());
        match term_index.get(&key) {
            Some(at) if defined => {
                if let Some(slot) = survey.terms.get_mut(*at) {
                    *slot = term;
                }
            }
            Some(_) => {}
            None => {
                term_index.insert(key, survey.terms.len());
                survey.terms.push(term);
            }
        }
    };
    while let Some(entry) = reader.next_entry()? {
        progress(reader.bytes_read());
        match entry {
            Entry::Author(author) => {
                let login = wp::clean_login(&author.login);
                if login.is_empty() {
                    continue;
                }
                if logins.insert(login.clone()) {
                    survey.authors.push(Author { login, ..author });
                }
            }
            Entry::Term(term) => match &term.kind {
                TermKind::Category | TermKind::Tag if !term.slug.is_empty() => {
                    add_term(&mut survey, term, true);
                }
                TermKind::Category | TermKind::Tag => report.skip("term without a slug"),
                TermKind::Other(name) => report.skip(&format!("terms of taxonomy {name}")),
            },
            Entry::Item(item) => {
                let base = old_base_override
                    .map(str::to_string)
                    .unwrap_or_else(|| wp::base_url(reader.channel()));
                let referenced = find_uploads.then_some(&mut referenced);
                survey_item(&mut survey, &item, &base, referenced, &mut |s, t| {
                    add_term(s, t, false)
                });
                let creator = wp::clean_login(&item.creator);
                if !creator.is_empty()
                    && wp::imported_type(&item.post_type)
                    && logins.insert(creator.clone())
                {
                    survey.authors.push(Author {
                        login: creator.clone(),
                        display_name: creator,
                        ..Author::default()
                    });
                }
            }
        }
    }
    progress(reader.bytes_read());
    survey.channel = reader.channel().clone();
    survey.warnings = reader.warnings().to_vec();
    Ok(survey)
}

fn survey_item(
    survey: &mut Survey,
    item: &Item,
    base: &str,
    referenced: Option<&mut HashSet<String>>,
    add_term: &mut dyn FnMut(&mut Survey, Term),
) {
    if survey.offset.is_none() {
        survey.offset = wp::offset_of(&item.post_date, &item.post_date_gmt);
    }
    match item.post_type.as_str() {
        "attachment" => {
            let url = if item.attachment_url.is_empty() {
                item.guid.clone()
            } else {
                item.attachment_url.clone()
            };
            let url = wp::absolute(&url, base);
            survey.attachments.insert(
                item.id,
                Attachment {
                    id: item.id,
                    url,
                    parent: item.parent,
                    alt: item
                        .meta_value("_wp_attachment_image_alt")
                        .unwrap_or_default()
                        .to_string(),
                    caption: sahifa_wxr::content::comment_text(&item.excerpt),
                    menu_order: item.menu_order,
                },
            );
        }
        "post" | "page" => {
            if matches!(item.status.as_str(), "auto-draft" | "trash" | "inherit") {
                return;
            }
            survey.items += 1;
            for term in &item.terms {
                let kind = match term.domain.as_str() {
                    "category" => TermKind::Category,
                    "post_tag" => TermKind::Tag,
                    _ => continue,
                };
                if term.slug.is_empty() {
                    continue;
                }
                add_term(
                    survey,
                    Term {
                        kind,
                        id: None,
                        slug: term.slug.clone(),
                        name: term.name.clone(),
                        parent_slug: String::new(),
                        description: String::new(),
                    },
                );
            }
            if let Some(referenced) = referenced {
                for key in sahifa_wxr::content::upload_references(&item.content, base) {
                    if referenced.insert(key.clone()) {
                        survey.referenced_uploads.push(key);
                    }
                }
            }
        }
        _ => {}
    }
}
