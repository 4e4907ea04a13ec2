//! The import of another site's archive (a WordPress export): one use case, one
//! transaction.
//!
//! [`Newsroom::begin_import`] opens an [`ImportSession`]; the importer hands it authors,
//! categories, tags, media, articles, pages and comments in any amount, and either
//! [`ImportSession::finish`]es (one commit: everything is stored, every cached page is
//! retired, one audit entry says what came in) or drops it (nothing is stored). Each
//! object is keyed by its id on the old site (`source` names the site), so a second
//! import of the same export changes nothing and a newer export updates what changed.
//!
//! What an import never does: post to Telegram (each imported article gets its one
//! channel post recorded as skipped, so not even a scheduled one is announced when it goes
//! out), or let an account log in (accounts arrive disabled, without a password, until an
//! administrator sets one and enables them).

use chrono::{DateTime, SubsecRound, Utc};

use sahifa_store::articles::{self as repo, ArticleWrite};
use sahifa_store::comments::set_closed;
use sahifa_store::imports::{self, ImportTable, LegacyTarget};
use sahifa_store::newsroom::{AuditRecord, insert_audit};
use sahifa_store::pages::{PageStatus, PageWrite};
use sahifa_store::taxonomy::CategoryWrite;
use sahifa_store::users::{Role, UserWrite};
use sahifa_store::{ArticleInput, ArticleStatus, CommentStatus, Image, NewComment, NewMedia, Tx};

use crate::{Newsroom, Result};

mod fingerprint;
use fingerprint::Fingerprint;

/// What an import did with one object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It was new here.
    Created,
    /// It was imported before and has changed since.
    Updated,
    /// It was imported before, as it is.
    Unchanged,
}

/// An author of the old site: a byline, and an account that cannot log in yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorImport {
    /// The old site's login (the key posts use).
    pub login: String,
    /// Display name.
    pub name: String,
    /// Email, normalised; empty when the file has none (then no account is made).
    pub email: String,
}

/// A category or a tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermImport {
    /// The slug wanted here (already a valid slug).
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Parent category, already imported.
    pub parent_id: Option<i64>,
}

/// An article as the old site had it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleImport {
    /// The slug wanted (a valid slug); a taken one gets `-2`, `-3`…
    pub slug: String,
    /// Headline.
    pub title: String,
    /// Standfirst.
    pub lead: String,
    /// Body, already in the body schema.
    pub body_html: String,
    /// Byline.
    pub author_id: Option<i64>,
    /// The primary category first, then the others.
    pub category_ids: Vec<i64>,
    /// Tags (`(slug, name)`).
    pub tags: Vec<(String, String)>,
    /// Lifecycle state.
    pub status: ArticleStatus,
    /// When it went or goes out.
    pub published_at: Option<DateTime<Utc>>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
    /// Its last change.
    pub updated_at: DateTime<Utc>,
    /// Featured image: the media record and the image as printed.
    pub image: Option<(i64, Image)>,
    /// Comments closed on the old site.
    pub comments_closed: bool,
}

/// A static page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageImport {
    /// The slug wanted (a valid slug).
    pub slug: String,
    /// Title.
    pub title: String,
    /// Body, already in the body schema.
    pub body_html: String,
    /// Published or draft.
    pub published: bool,
    /// Parent page, already imported.
    pub parent_id: Option<i64>,
}

/// A reader's comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentImport {
    /// The article, already imported.
    pub article_id: i64,
    /// The comment replied to, already imported.
    pub parent_id: Option<i64>,
    /// Name shown.
    pub author_name: String,
    /// Private email.
    pub email: String,
    /// Website.
    pub url: String,
    /// Text.
    pub body: String,
    /// Moderation state.
    pub status: CommentStatus,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

/// An open import: see the module documentation.
pub struct ImportSession {
    tx: Tx,
    source: String,
    /// Tag ids by slug, so an archive's thousands of uses of one tag look it up once.
    tags: std::collections::HashMap<String, i64>,
    /// Map entries not yet written: `(kind, key) → (id, fingerprint)`, written a batch at
    /// a time (see [`imports::remember_many`]) and read from here meanwhile.
    pending: std::collections::HashMap<(String, String), (i64, String)>,
    /// Each article's event, skipped channel post and first revision, held for a batch.
    trail: imports::ArticleTrail,
    /// This site was never imported before: nothing is mapped but what this run maps.
    first_import: bool,
    /// Posts and pages this run mapped (kept for a first import, where every other one is
    /// known to be new without asking the database).
    items_mapped: std::collections::HashSet<(String, String)>,
}

/// Map entries held before they are written in one statement.
const PENDING_MAX: usize = 500;

/// The comment row an imported comment becomes: from no account, no address.
fn imported_comment(c: &CommentImport) -> NewComment {
    NewComment {
        article_id: c.article_id,
        parent_id: c.parent_id,
        author_name: c.author_name.clone(),
        email: c.email.clone(),
        url: c.url.clone(),
        body: c.body.clone(),
        status: c.status,
        user_id: None,
        is_staff: false,
        ip: None,
        user_agent: String::new(),
        reason: "imported".to_string(),
    }
}

impl Newsroom {
    /// Opens an import of the site `source` (its base URL: what keys the old ids).
    pub async fn begin_import(&self, source: &str) -> Result<ImportSession> {
        let mut tx = self.db().begin_bulk().await?;
        let first_import = !imports::source_known(&mut tx, source).await?;
        Ok(ImportSession {
            tx,
            source: source.to_string(),
            tags: std::collections::HashMap::new(),
            pending: std::collections::HashMap::new(),
            first_import,
            items_mapped: std::collections::HashSet::new(),
            trail: imports::ArticleTrail::default(),
        })
    }
}

impl ImportSession {
    /// The row `key` of `kind` became in an earlier import (or earlier in this one), if it
    /// still exists.
    pub async fn mapped(&mut self, kind: &str, key: &str) -> Result<Option<i64>> {
        Ok(self.existing(kind, key).await?.map(|(id, _)| id))
    }

    async fn existing(&mut self, kind: &str, key: &str) -> Result<Option<(i64, String)>> {
        let entry = (kind.to_string(), key.to_string());
        if let Some(found) = self.pending.get(&entry) {
            return Ok(Some(found.clone()));
        }
        let item = matches!(kind, "post" | "page");
        if self.first_import && item && !self.items_mapped.contains(&entry) {
            return Ok(None);
        }
        let table = match kind {
            "post" => ImportTable::Articles,
            "page" => ImportTable::Pages,
            "category" => ImportTable::Categories,
            "tag" => ImportTable::Tags,
            "author" => ImportTable::Authors,
            "comment" => ImportTable::Comments,
            _ => ImportTable::Media,
        };
        Ok(imports::mapped(&mut self.tx, &self.source, kind, key, table).await?)
    }

    async fn remember(&mut self, kind: &str, key: &str, id: i64, print: &str) -> Result<()> {
        if self.first_import && matches!(kind, "post" | "page") {
            self.items_mapped
                .insert((kind.to_string(), key.to_string()));
        }
        self.pending
            .insert((kind.to_string(), key.to_string()), (id, print.to_string()));
        if self.pending.len() >= PENDING_MAX {
            self.flush().await?;
        }
        Ok(())
    }

    /// Writes the map entries held so far.
    async fn flush(&mut self) -> Result<()> {
        let rows: Vec<(String, String, i64, String)> = self
            .pending
            .drain()
            .map(|((kind, key), (id, print))| (kind, key, id, print))
            .collect();
        imports::remember_many(&mut self.tx, &self.source, &rows).await?;
        Ok(())
    }

    /// Imports an author: a byline, and (with an email no account has) a disabled account
    /// with no password behind it. Returns the byline's id.
    pub async fn author(&mut self, a: &AuthorImport) -> Result<(i64, Outcome)> {
        let print = a.fingerprint();
        if let Some((id, old)) = self.existing("author", &a.login).await? {
            if old == print {
                return Ok((id, Outcome::Unchanged));
            }
            imports::rename_author(&mut self.tx, id, &a.name).await?;
            self.remember("author", &a.login, id, &print).await?;
            return Ok((id, Outcome::Updated));
        }
        let base = sahifa_text::slug::slugify(&a.login);
        let base = if base.is_empty() {
            sahifa_text::slug::slugify(&a.name)
        } else {
            base
        };
        let base = if base.is_empty() {
            "author".to_string()
        } else {
            base
        };
        let mut slug = base.clone();
        let mut n = 1;
        while sahifa_store::authors::slug_taken(&mut self.tx, &slug).await? {
            n += 1;
            slug = format!("{base}-{n}");
        }
        let id = sahifa_store::authors::insert(&mut self.tx, &slug, &a.name, "").await?;
        if !a.email.is_empty() {
            match imports::account_by_email(&mut self.tx, &a.email).await? {
                // The person already works here (often the one importing): their account
                // takes the byline if it has none.
                Some((user, None)) => {
                    imports::set_account_byline(&mut self.tx, user, id).await?;
                }
                Some((_, Some(_))) => {}
                None => {
                    let account = UserWrite {
                        name: &a.name,
                        role: Role::Author,
                        author_id: Some(id),
                        active: false,
                    };
                    // An empty hash matches no password: the account cannot log in until
                    // an administrator sets one.
                    sahifa_store::users::insert(&mut self.tx, &a.email, "", &account).await?;
                }
            }
        }
        self.remember("author", &a.login, id, &print).await?;
        Ok((id, Outcome::Created))
    }

    /// Imports a category (keyed by its old slug). A category here with the same slug is
    /// the same section: the import joins it.
    pub async fn category(&mut self, key: &str, c: &TermImport) -> Result<(i64, Outcome)> {
        let print = c.fingerprint();
        let write = CategoryWrite {
            slug: c.slug.clone(),
            name: c.name.clone(),
            description: c.description.clone(),
            parent_id: c.parent_id,
            position: 0,
        };
        if let Some((id, old)) = self.existing("category", key).await? {
            if old == print {
                return Ok((id, Outcome::Unchanged));
            }
            let current = sahifa_store::taxonomy::category_for_update(&mut self.tx, id).await?;
            let write = CategoryWrite {
                slug: current.map_or(write.slug.clone(), |cur| cur.slug),
                // A parent that would make a loop is left as it was.
                parent_id: c.parent_id.filter(|p| *p != id),
                ..write
            };
            sahifa_store::taxonomy::update_category(&mut self.tx, id, &write).await?;
            self.remember("category", key, id, &print).await?;
            return Ok((id, Outcome::Updated));
        }
        let (id, outcome) =
            match sahifa_store::taxonomy::category_slug_holder(&mut self.tx, &c.slug).await? {
                Some(id) => (id, Outcome::Unchanged),
                None => (
                    sahifa_store::taxonomy::insert_category(&mut self.tx, &write).await?,
                    Outcome::Created,
                ),
            };
        self.remember("category", key, id, &print).await?;
        Ok((id, outcome))
    }

    /// Imports a tag (keyed by its old slug); one here with the same slug is joined.
    pub async fn tag(&mut self, key: &str, t: &TermImport) -> Result<(i64, Outcome)> {
        let print = t.fingerprint();
        if let Some((id, old)) = self.existing("tag", key).await? {
            if old == print {
                return Ok((id, Outcome::Unchanged));
            }
            imports::rename_tag(&mut self.tx, id, &t.name).await?;
            self.remember("tag", key, id, &print).await?;
            return Ok((id, Outcome::Updated));
        }
        let existed = sahifa_store::taxonomy::tag_slug_holder(&mut self.tx, &t.slug)
            .await?
            .is_some();
        let tag = sahifa_store::taxonomy::ensure_tag(&mut self.tx, &t.slug, &t.name).await?;
        self.remember("tag", key, tag.id, &print).await?;
        Ok((
            tag.id,
            if existed {
                Outcome::Unchanged
            } else {
                Outcome::Created
            },
        ))
    }

    /// The media record imported for `key` (an attachment id or an upload's path), if any.
    pub async fn media_for(&mut self, key: &str) -> Result<Option<i64>> {
        self.mapped("media", key).await
    }

    /// Records a media file already stored (its files written by the caller) under `key`.
    pub async fn media(&mut self, key: &str, m: &NewMedia) -> Result<i64> {
        let id = sahifa_store::media::insert(&mut self.tx, m).await?;
        self.remember("media", key, id, "").await?;
        Ok(id)
    }

    /// Media record `id`, read inside the import.
    pub async fn media_row(&mut self, id: i64) -> Result<Option<sahifa_store::MediaRow>> {
        Ok(sahifa_store::media::for_update(&mut self.tx, id).await?)
    }

    /// Maps one more key (another attachment naming the same file) to media record `id`.
    pub async fn alias_media(&mut self, key: &str, id: i64) -> Result<()> {
        self.remember("media", key, id, "").await
    }

    /// Imports an article (keyed by its old id).
    pub async fn article(&mut self, key: &str, a: &ArticleImport) -> Result<(i64, Outcome)> {
        let print = a.fingerprint();
        let current = self.existing("post", key).await?;
        if let Some((id, old)) = &current
            && *old == print
        {
            return Ok((*id, Outcome::Unchanged));
        }
        let current_id = current.as_ref().map(|(id, _)| *id);
        // A new article tries its own slug first and looks for a free one only if taken.
        let slug = match current_id {
            Some(_) => crate::articles::free_slug(&mut self.tx, &a.slug, current_id).await?,
            None => a.slug.clone(),
        };
        let (primary, extra) = match a.category_ids.split_first() {
            Some((first, rest)) => (Some(*first), rest.to_vec()),
            None => (None, Vec::new()),
        };
        let published_at = a.published_at.map(|t| t.trunc_subsecs(0));
        let mut row = ArticleWrite {
            slug,
            title: a.title.clone(),
            lead: a.lead.clone(),
            body_html: a.body_html.clone(),
            dateline: None,
            source: None,
            author_id: a.author_id,
            category_id: primary,
            status: a.status,
            published_at,
            updated_at: a.updated_at.trunc_subsecs(0),
            image: a.image.as_ref().map(|(_, image)| image.clone()),
            image_media_id: a.image.as_ref().map(|(id, _)| *id),
            review_requested: false,
        };
        let (id, outcome) = match current_id {
            Some(id) => {
                let before = repo::state_for_update(&mut self.tx, id)
                    .await?
                    .map(|s| s.status());
                repo::update(&mut self.tx, id, &row).await?;
                self.trail.events.push((id, "updated", before, a.status));
                (id, Outcome::Updated)
            }
            None => {
                let created_at = a.created_at.trunc_subsecs(0);
                let id = match repo::insert_if_slug_free(&mut self.tx, &row, None, created_at)
                    .await?
                {
                    Some(id) => id,
                    None => {
                        row.slug = crate::articles::free_slug(&mut self.tx, &a.slug, None).await?;
                        repo::insert(&mut self.tx, &row, None, created_at).await?
                    }
                };
                self.trail.events.push((id, "created", None, a.status));
                (id, Outcome::Created)
            }
        };
        let slug = row.slug.clone();
        self.trail.never_post.push(id);
        let mut tag_ids = Vec::with_capacity(a.tags.len());
        for (tag_slug, name) in &a.tags {
            let tag_id = match self.tags.get(tag_slug) {
                Some(id) => *id,
                None => {
                    let tag =
                        sahifa_store::taxonomy::ensure_tag(&mut self.tx, tag_slug, name).await?;
                    self.tags.insert(tag_slug.clone(), tag.id);
                    tag.id
                }
            };
            if !tag_ids.contains(&tag_id) {
                tag_ids.push(tag_id);
            }
        }
        if outcome == Outcome::Created {
            // Nothing reads an article's tags or further categories before the import
            // ends: a new article's are written a batch at a time, with its trail.
            self.trail.tags.extend(tag_ids.iter().map(|tag| (id, *tag)));
            self.trail
                .categories
                .extend(extra.iter().map(|category| (id, *category)));
        } else {
            repo::set_tags(&mut self.tx, id, &tag_ids).await?;
            imports::set_extra_categories(&mut self.tx, id, &extra).await?;
        }
        if a.comments_closed || outcome == Outcome::Updated {
            set_closed(&mut self.tx, id, a.comments_closed).await?;
        }
        let snapshot = ArticleInput {
            slug: Some(slug),
            title: a.title.clone(),
            lead: a.lead.clone(),
            body_md: String::new(),
            body_html: a.body_html.clone(),
            dateline: None,
            source: None,
            author_id: a.author_id,
            category_id: primary,
            tags: a.tags.iter().map(|(_, name)| name.clone()).collect(),
            status: a.status,
            published_at,
            image: row.image.clone(),
        };
        let snapshot = serde_json::to_string(&snapshot)
            .map_err(|e| crate::NewsroomError::Internal(e.to_string()))?;
        self.trail.revisions.push((id, snapshot));
        if self.trail.len() >= PENDING_MAX {
            imports::write_trail(&mut self.tx, &mut self.trail).await?;
        }
        self.remember("post", key, id, &print).await?;
        Ok((id, outcome))
    }

    /// Imports a static page (keyed by its old id).
    pub async fn page(&mut self, key: &str, p: &PageImport) -> Result<(i64, Outcome)> {
        let print = p.fingerprint();
        let current = self.existing("page", key).await?;
        if let Some((id, old)) = &current
            && *old == print
        {
            return Ok((*id, Outcome::Unchanged));
        }
        let current_id = current.as_ref().map(|(id, _)| *id);
        let mut slug = p.slug.clone();
        let mut n = 1;
        loop {
            match sahifa_store::pages::slug_holder(&mut self.tx, &slug).await? {
                Some(holder) if Some(holder) != current_id => {
                    n += 1;
                    slug = format!("{}-{n}", p.slug);
                }
                _ => break,
            }
        }
        // The page editor edits Markdown, and HTML is Markdown that renders to itself: the
        // imported HTML is the page's source, never converted into Markdown.
        let write = PageWrite {
            slug,
            title: p.title.clone(),
            description: String::new(),
            body_md: p.body_html.clone(),
            body_html: p.body_html.clone(),
            status: if p.published {
                PageStatus::Published
            } else {
                PageStatus::Draft
            },
            parent_id: p.parent_id.filter(|parent| Some(*parent) != current_id),
            updated_by: None,
        };
        let (id, outcome) = match current_id {
            Some(id) => {
                sahifa_store::pages::update_page(&mut self.tx, id, &write).await?;
                (id, Outcome::Updated)
            }
            None => (
                sahifa_store::pages::insert_page(&mut self.tx, &write).await?,
                Outcome::Created,
            ),
        };
        self.remember("page", key, id, &print).await?;
        Ok((id, outcome))
    }

    /// Imports a comment (keyed by its old id) of an article imported before
    /// (see [`ImportSession::new_comments`] for those of a new one).
    pub async fn comment(&mut self, key: &str, c: &CommentImport) -> Result<(i64, Outcome)> {
        let print = c.fingerprint();
        let current = self.existing("comment", key).await?;
        if let Some((id, old)) = &current
            && *old == print
        {
            return Ok((*id, Outcome::Unchanged));
        }
        let row = imported_comment(c);
        let created_at = c.created_at.trunc_subsecs(0);
        let (id, outcome) = match current {
            Some((id, _)) => {
                imports::update_comment(&mut self.tx, id, &row, created_at).await?;
                (id, Outcome::Updated)
            }
            None => (
                sahifa_store::comments::insert_at(&mut self.tx, &row, created_at).await?,
                Outcome::Created,
            ),
        };
        self.remember("comment", key, id, &print).await?;
        Ok((id, outcome))
    }

    /// Imports the comments of an article this import has just created (so none of them
    /// can be here yet and none is looked up), a statement for as many as can go
    /// together. Each comes with its key and, when it answers another of `comments`
    /// (an earlier one), that one's index; its own `parent_id` is ignored then. Returns
    /// the ids in the order given.
    pub async fn new_comments(
        &mut self,
        comments: &[(String, CommentImport, Option<usize>)],
    ) -> Result<Vec<i64>> {
        let mut ids: Vec<i64> = Vec::with_capacity(comments.len());
        let mut run: Vec<&(String, CommentImport, Option<usize>)> = Vec::new();
        for entry in comments {
            // A reply to a comment of the run (not stored yet, so without an id) starts
            // the next one.
            if entry.2.is_some_and(|parent| parent >= ids.len()) && !run.is_empty() {
                self.store_comment_run(&mut ids, &run).await?;
                run.clear();
            }
            run.push(entry);
        }
        if !run.is_empty() {
            self.store_comment_run(&mut ids, &run).await?;
        }
        Ok(ids)
    }

    /// Stores comments that answer none of each other, appending their ids to `ids`
    /// (those of the comments before them, which their parents index).
    async fn store_comment_run(
        &mut self,
        ids: &mut Vec<i64>,
        run: &[&(String, CommentImport, Option<usize>)],
    ) -> Result<()> {
        let mut rows = Vec::with_capacity(run.len());
        let mut prints = Vec::with_capacity(run.len());
        for (_, c, parent) in run {
            let parent_id = match parent {
                Some(index) => Some(*ids.get(*index).ok_or_else(|| {
                    crate::NewsroomError::Internal(format!(
                        "a comment answers comment {index}, which does not come before it"
                    ))
                })?),
                None => c.parent_id,
            };
            let c = CommentImport {
                parent_id,
                ..c.clone()
            };
            prints.push(c.fingerprint());
            rows.push((imported_comment(&c), c.created_at.trunc_subsecs(0)));
        }
        let borrowed: Vec<_> = rows.iter().map(|(c, at)| (c, *at)).collect();
        let stored = sahifa_store::comments::insert_many_at(&mut self.tx, &borrowed).await?;
        for (((key, _, _), print), id) in run.iter().zip(&prints).zip(&stored) {
            self.remember("comment", key, *id, print).await?;
        }
        ids.extend(stored);
        Ok(())
    }

    /// [`ImportSession::legacy_url`] for several old URLs at once (one statement for
    /// those new to the table); the outcomes in the order given.
    pub async fn legacy_urls(
        &mut self,
        rows: &[(String, LegacyTarget, bool)],
    ) -> Result<Vec<Outcome>> {
        let mut unique: Vec<(String, LegacyTarget)> = Vec::with_capacity(rows.len());
        for (path, target, _) in rows {
            if !unique.iter().any(|(p, _)| p == path) {
                unique.push((path.clone(), *target));
            }
        }
        let added = imports::add_legacy_urls(&mut self.tx, &unique).await?;
        let mut outcomes = Vec::with_capacity(rows.len());
        for (path, target, replace) in rows {
            if added.contains(path) {
                outcomes.push(Outcome::Created);
            } else {
                outcomes.push(self.legacy_url(path, *target, *replace).await?);
            }
        }
        Ok(outcomes)
    }

    /// Makes the old URL `path` (normalised) answer with `target`; with `replace` false,
    /// an entry already there wins.
    pub async fn legacy_url(
        &mut self,
        path: &str,
        target: LegacyTarget,
        replace: bool,
    ) -> Result<Outcome> {
        Ok(
            match imports::set_legacy_url(&mut self.tx, path, target, replace).await? {
                Some(true) => Outcome::Created,
                Some(false) => Outcome::Updated,
                None => Outcome::Unchanged,
            },
        )
    }

    /// Pins the old site's sticky posts on the home page: the first as the lead story when
    /// none is pinned, the rest as featured stories in the free slots.
    pub async fn pin_sticky(&mut self, ids: &[i64]) -> Result<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut pins = sahifa_store::front_page::home_pins(&mut self.tx).await?;
        for id in ids {
            if pins.ids().contains(id) {
                continue;
            }
            if pins.lead.is_none() {
                pins.lead = Some(*id);
            } else if pins.featured.len() < sahifa_store::front_page::FEATURED_MAX {
                pins.featured.push(*id);
            }
        }
        sahifa_store::front_page::save_home_pins(&mut self.tx, &pins).await?;
        Ok(())
    }

    /// Makes `zone` the site's time zone if it never had one set (the default is UTC):
    /// the moved site keeps showing dates as its readers knew them. Returns whether it
    /// was set.
    pub async fn adopt_time_zone(&mut self, zone: &str) -> Result<bool> {
        const KEY: &str = "site.time_zone";
        if sahifa_store::settings::setting(&mut self.tx, KEY)
            .await?
            .is_some()
        {
            return Ok(false);
        }
        sahifa_store::settings::put(&mut self.tx, KEY, zone).await?;
        Ok(true)
    }

    /// Commits everything: one audit entry (`detail` says what came in), every cached page
    /// retired.
    pub async fn finish(mut self, detail: &str) -> Result<()> {
        self.flush().await?;
        imports::write_trail(&mut self.tx, &mut self.trail).await?;
        insert_audit(
            &mut self.tx,
            &AuditRecord {
                actor: None,
                action: "imported",
                object_kind: "site",
                object_id: None,
                detail,
            },
        )
        .await?;
        self.tx.retire_everything();
        self.tx.commit().await?;
        Ok(())
    }

    /// Stores nothing of this import.
    pub async fn abandon(self) -> Result<()> {
        self.tx.rollback().await?;
        Ok(())
    }
}
