//! Article use cases: save (create or update, and with it publish, schedule, unpublish and
//! submit for review), delete, restore a revision, and the scheduled-publishing sweep.
//!
//! One save is one transaction: the row, its tags, its revision, its audit entries, its
//! write-log event (which the search index follows), its Telegram outbox job, the old slug
//! of a renamed article and the content epoch. A failure anywhere stores none of them.

use chrono::{DateTime, SubsecRound, Utc};

use sahifa_store::articles::{self as repo, ArticleState, ArticleWrite, Listing};
use sahifa_store::newsroom::{
    AuditRecord, insert_audit, insert_revision, latest_revision_id, revision_snapshot,
};
use sahifa_store::redirects::{self, SlugKind};
use sahifa_store::{ArticleInput, ArticleStatus, Dep, Image, MediaRow, Tx, telegram};

use crate::permissions::{
    Capability, can_delete_article, can_edit_article, can_set_byline, can_set_status,
};
use crate::rendering::BodyInput;
use crate::{Actor, FieldError, Newsroom, NewsroomError, Result};

/// Longest headline accepted, in characters.
pub const MAX_TITLE_CHARS: usize = 300;

/// How many scheduled articles one sweep publishes at most.
const SWEEP_BATCH: i64 = 100;

/// A publication time as the writer gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PublishTime {
    /// None given: now when publishing, the stored time when re-saving a published article.
    #[default]
    NotGiven,
    /// This instant.
    At(DateTime<Utc>),
    /// Something was typed that is not a date and time.
    Unreadable,
}

/// The featured image an article should carry.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum FeaturedImage {
    /// None.
    #[default]
    None,
    /// A media-library item.
    Media(i64),
    /// An image outside the library (the demo's illustrations, an imported URL).
    External(Image),
}

/// What a writer submits: the editor form, the admin API, an import, the demo.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ArticleDraft {
    /// Headline.
    pub title: String,
    /// Standfirst.
    pub lead: String,
    /// Body, as HTML or Markdown; stored as schema HTML.
    pub body: BodyInput,
    /// Dateline (empty for none).
    pub dateline: String,
    /// Agency credit (empty for none).
    pub source: String,
    /// Wanted slug; empty derives it from the headline (or keeps the current one).
    pub slug: String,
    /// Primary category.
    pub category_id: Option<i64>,
    /// Byline.
    pub author_id: Option<i64>,
    /// Tag names; created when missing.
    pub tags: Vec<String>,
    /// Wanted status.
    pub status: ArticleStatus,
    /// Wanted publication time.
    pub publish_at: PublishTime,
    /// Featured image.
    pub image: FeaturedImage,
    /// A contributor hands the draft to the editors.
    pub submit_for_review: bool,
    /// The revision the writer started from, when the client knows it: a save based on an
    /// older one is refused as an edit made meanwhile instead of silently undoing it.
    pub base_revision: Option<i64>,
}

impl ArticleDraft {
    /// The draft without the characters XML forbids, in every text it stores.
    fn xml_safe(&self) -> ArticleDraft {
        let clean = |s: &str| sahifa_text::clean::xml_safe(s).into_owned();
        ArticleDraft {
            title: clean(&self.title),
            lead: clean(&self.lead),
            body: self.body.map(clean),
            dateline: clean(&self.dateline),
            source: clean(&self.source),
            slug: clean(&self.slug),
            tags: self.tags.iter().map(|t| clean(t)).collect(),
            image: match &self.image {
                FeaturedImage::External(image) => FeaturedImage::External(Image {
                    url: clean(&image.url),
                    alt: clean(&image.alt),
                    caption: clean(&image.caption),
                    ..image.clone()
                }),
                other => other.clone(),
            },
            ..self.clone()
        }
    }
}

impl From<&ArticleInput> for ArticleDraft {
    /// A draft of the snapshot form (a revision, an import line, the demo's content).
    fn from(input: &ArticleInput) -> Self {
        ArticleDraft {
            title: input.title.clone(),
            lead: input.lead.clone(),
            body: body_of(input),
            dateline: input.dateline.clone().unwrap_or_default(),
            source: input.source.clone().unwrap_or_default(),
            slug: input.slug.clone().unwrap_or_default(),
            category_id: input.category_id,
            author_id: input.author_id,
            tags: input.tags.clone(),
            status: input.status,
            publish_at: input
                .published_at
                .map_or(PublishTime::NotGiven, PublishTime::At),
            image: input
                .image
                .clone()
                .map_or(FeaturedImage::None, FeaturedImage::External),
            submit_for_review: false,
            base_revision: None,
        }
    }
}

/// What a save did, for the notice the writer sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveKind {
    /// Stored without a change of visibility.
    Saved,
    /// Made public.
    Published,
    /// Set to go public later.
    Scheduled,
    /// Taken off the public site.
    Unpublished,
    /// Handed to the editors for review.
    Submitted,
}

/// A stored save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// The article.
    pub id: i64,
    /// What the save did.
    pub kind: SaveKind,
    /// The revision it recorded.
    pub revision_id: i64,
}

/// The checked values of a draft, ready to derive the row from.
struct Checked {
    input: ArticleInput,
    media: Option<MediaRow>,
}

impl Newsroom {
    /// Creates (`id` is `None`) or updates an article for `actor`.
    pub async fn save_article(
        &self,
        actor: &Actor,
        id: Option<i64>,
        draft: &ArticleDraft,
    ) -> Result<Saved> {
        let draft = &draft.xml_safe();
        // Rendered before the transaction, which would otherwise hold the database's write
        // lock while the renderer works; a body too long to render is refused by the
        // check below, with every other problem of the draft.
        let body_html = if sahifa_text::body::too_long(draft.body.source()) {
            String::new()
        } else {
            crate::rendering::body_html(&draft.body).await?
        };
        let mut tx = self.db().begin().await?;
        let current = match id {
            Some(id) => Some(self.editable(&mut tx, actor, id).await?),
            None if actor.can(Capability::WriteArticles) => None,
            None => return Err(NewsroomError::Forbidden),
        };
        let wanted = if draft.submit_for_review {
            ArticleStatus::Draft
        } else {
            draft.status
        };
        check_status_change(actor, current.as_ref(), wanted)?;
        if let (Some(state), Some(base)) = (&current, draft.base_revision) {
            let latest = latest_revision_id(&mut tx, state.id).await?;
            if latest.is_some_and(|latest| latest != base) {
                return Err(NewsroomError::Conflict {
                    field: None,
                    key: "admin-error-edited-meanwhile",
                });
            }
        }
        let checked = self.check(actor, draft, wanted, current.as_ref()).await?;
        let saved = write(
            &mut tx,
            actor,
            current.as_ref(),
            &checked,
            &body_html,
            draft.submit_for_review,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Changes only the status of an article (the one-click publish, schedule and
    /// unpublish): the same rules and records as a save of its current content.
    pub async fn set_article_status(
        &self,
        actor: &Actor,
        id: i64,
        status: ArticleStatus,
        publish_at: PublishTime,
    ) -> Result<Saved> {
        let article = self
            .db()
            .article_by_id(id)
            .await?
            .ok_or(NewsroomError::NotFound)?;
        let media_id = self.db().article_media_id(id).await?;
        let mut draft = draft_of(&article, media_id);
        draft.status = status;
        draft.publish_at = publish_at;
        self.save_article(actor, Some(id), &draft).await
    }

    /// Deletes an article; its write-log event and audit entry commit with it.
    pub async fn delete_article(&self, actor: &Actor, id: i64) -> Result<()> {
        let mut tx = self.db().begin().await?;
        let state = repo::state_for_update(&mut tx, id)
            .await?
            .ok_or(NewsroomError::NotFound)?;
        if let Some(user) = actor.user()
            && !can_delete_article(user, state.owner_id, state.status())
        {
            return Err(NewsroomError::Forbidden);
        }
        let listed = repo::listing_of(&mut tx, id).await?;
        repo::delete(&mut tx, id).await?;
        repo::record_event(&mut tx, id, "deleted", Some(state.status()), None).await?;
        audit(&mut tx, actor, "deleted", id, &state.title).await?;
        tx.retire(retired_by(id, listed.as_ref(), None));
        tx.commit().await?;
        Ok(())
    }

    /// Brings back the words of revision `revision_id`, itself recorded as a new revision.
    /// A status the actor could not set is not restored: the article keeps its own.
    pub async fn restore_revision(
        &self,
        actor: &Actor,
        article_id: i64,
        revision_id: i64,
    ) -> Result<Saved> {
        let mut tx = self.db().begin().await?;
        let state = self.editable(&mut tx, actor, article_id).await?;
        let mut input = revision_snapshot(&mut tx, article_id, revision_id)
            .await?
            .ok_or(NewsroomError::NotFound)?;
        if check_status_change(actor, Some(&state), input.status).is_err() {
            input.status = state.status();
            input.published_at = state.published_at;
        }
        // Likewise a byline the actor could not give: the article keeps its own.
        if let Some(user) = actor.user()
            && !can_set_byline(user, input.author_id, state.author_id)
        {
            input.author_id = state.author_id;
        }
        let media_id = self.db().article_media_id(article_id).await?;
        let media = match media_id {
            Some(id) => self.db().media_by_id(id).await?,
            None => None,
        };
        // The revision's image is the one it was saved with; keep the library link only
        // when that is still the library item's image.
        let media = media.filter(|m| {
            input
                .image
                .as_ref()
                .is_some_and(|i| i.url == m.original_url())
        });
        // A revision saved before bodies became HTML holds Markdown.
        let body_html = crate::rendering::body_html(&body_of(&input)).await?;
        let checked = Checked { input, media };
        let saved = write(
            &mut tx,
            actor,
            Some(&state),
            &checked,
            &body_html,
            false,
            Some("restored"),
        )
        .await?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Publishes every scheduled article whose time has come; returns their ids and
    /// headlines. Each is claimed by a conditional UPDATE in its own transaction with its
    /// event, outbox job and audit entry, so when several processes sweep at once exactly
    /// one of them publishes it.
    pub async fn publish_due(&self, now: DateTime<Utc>) -> Result<Vec<(i64, String)>> {
        let mut published = Vec::new();
        for id in repo::due_scheduled(self.db(), now, SWEEP_BATCH).await? {
            let mut tx = self.db().begin().await?;
            let Some(title) = repo::claim_scheduled(&mut tx, id).await? else {
                tx.rollback().await?;
                continue;
            };
            repo::record_event(
                &mut tx,
                id,
                "updated",
                Some(ArticleStatus::Scheduled),
                Some(ArticleStatus::Published),
            )
            .await?;
            telegram::enqueue_post(&mut tx, id).await?;
            audit(&mut tx, &Actor::System, "published", id, &title).await?;
            let listed = repo::listing_of(&mut tx, id).await?;
            let was = listed.clone().map(|l| Listing { public: false, ..l });
            tx.retire(retired_by(id, was.as_ref(), listed.as_ref()));
            tx.commit().await?;
            published.push((id, title));
        }
        Ok(published)
    }

    /// The state of an article `actor` may edit, locked for this transaction.
    async fn editable(&self, tx: &mut Tx, actor: &Actor, id: i64) -> Result<ArticleState> {
        let state = repo::state_for_update(tx, id)
            .await?
            .ok_or(NewsroomError::NotFound)?;
        if let Some(user) = actor.user()
            && !can_edit_article(user, state.owner_id, state.status())
        {
            return Err(NewsroomError::Forbidden);
        }
        Ok(state)
    }

    /// Validates a draft in one pass, so the writer sees every problem at once.
    async fn check(
        &self,
        actor: &Actor,
        draft: &ArticleDraft,
        status: ArticleStatus,
        current: Option<&ArticleState>,
    ) -> Result<Checked> {
        let mut errors: Vec<FieldError> = Vec::new();
        let mut refuse = |field, key| errors.push(FieldError { field, key });
        let title = draft.title.trim();
        if title.is_empty() {
            refuse("title", "admin-error-title-required");
        } else if title.chars().count() > MAX_TITLE_CHARS {
            refuse("title", "admin-error-title-too-long");
        }
        // Refused rather than cut: the writer keeps every word, and no stored body is
        // longer than what renders in bounded time.
        if sahifa_text::body::too_long(draft.body.source()) {
            refuse("body", "admin-error-body-too-long");
        }
        let slug_wanted = draft.slug.trim();
        if !slug_wanted.is_empty() && sahifa_text::slug::slugify(slug_wanted).is_empty() {
            refuse("slug", "admin-error-slug-invalid");
        } else if slug_wanted.is_empty()
            && current.is_none()
            && !title.is_empty()
            && sahifa_text::slug::slugify(title).is_empty()
        {
            refuse("slug", "admin-error-slug-needed");
        }
        let mut published_at = match draft.publish_at {
            PublishTime::NotGiven => None,
            PublishTime::At(at) => Some(at),
            PublishTime::Unreadable => {
                refuse("publish_date", "admin-error-date-invalid");
                None
            }
        };
        if status == ArticleStatus::Scheduled && draft.publish_at != PublishTime::Unreadable {
            match published_at {
                None => refuse("publish_date", "admin-error-schedule-needs-date"),
                // A person scheduling into the past has made a mistake; the system (an
                // import, the demo) may hand over an overdue one, which the next sweep
                // publishes.
                Some(at) if at <= Utc::now() && actor.user().is_some() => {
                    refuse("publish_date", "admin-error-schedule-in-past")
                }
                Some(_) => {}
            }
        }
        let mut tags: Vec<String> = Vec::new();
        for name in draft
            .tags
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
        {
            if sahifa_text::slug::slugify(name).is_empty() {
                refuse("tags", "admin-error-tag-invalid");
            } else if !tags.iter().any(|t| t == name) {
                tags.push(name.to_string());
            }
        }
        let db = self.db();
        if let Some(id) = draft.category_id
            && !db.categories().await?.iter().any(|c| c.id == id)
        {
            refuse("category_id", "admin-error-unknown-category");
        }
        if let Some(id) = draft.author_id
            && !db.authors().await?.iter().any(|a| a.id == id)
        {
            refuse("author_id", "admin-error-unknown-author");
        } else if let Some(user) = actor.user()
            && !can_set_byline(user, draft.author_id, current.and_then(|s| s.author_id))
        {
            refuse("author_id", "admin-error-byline-not-yours");
        }
        let (image, media) = match &draft.image {
            FeaturedImage::None => (None, None),
            FeaturedImage::External(image) => (Some(image.clone()), None),
            FeaturedImage::Media(id) => match db.media_by_id(*id).await? {
                Some(m) => (Some(library_image(&m)), Some(m)),
                None => {
                    refuse("media_id", "admin-error-unknown-media");
                    (None, None)
                }
            },
        };
        if !errors.is_empty() {
            return Err(NewsroomError::Invalid(errors));
        }
        // Re-saving a published article without a time keeps its publication time: an
        // edit must not move an old story to the top of the listings.
        if published_at.is_none()
            && status == ArticleStatus::Published
            && let Some(state) = current.filter(|s| s.status() == ArticleStatus::Published)
        {
            published_at = state.published_at;
        }
        let input = ArticleInput {
            slug: (!slug_wanted.is_empty()).then(|| slug_wanted.to_string()),
            title: title.to_string(),
            lead: draft.lead.trim().to_string(),
            // The stored body is the HTML `write` is given; the snapshot takes it there.
            body_md: String::new(),
            body_html: String::new(),
            dateline: non_empty(&draft.dateline),
            source: non_empty(&draft.source),
            author_id: draft.author_id,
            category_id: draft.category_id,
            tags,
            status,
            published_at,
            image,
        };
        Ok(Checked { input, media })
    }
}

/// The image a library item gives an article.
fn library_image(m: &MediaRow) -> Image {
    Image {
        url: m.original_url(),
        alt: m.alt.clone(),
        caption: m.caption.clone(),
        width: Some(m.width),
        height: Some(m.height),
    }
}

fn non_empty(value: &str) -> Option<String> {
    let value = value.trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// Refuses a status change the actor may not make.
fn check_status_change(
    actor: &Actor,
    current: Option<&ArticleState>,
    wanted: ArticleStatus,
) -> Result<()> {
    let Some(user) = actor.user() else {
        return Ok(());
    };
    let owner = match current {
        Some(state) => state.owner_id,
        None => Some(user.id),
    };
    if can_set_status(user, owner, current.map(ArticleState::status), wanted) {
        Ok(())
    } else {
        Err(NewsroomError::Forbidden)
    }
}

/// The body a snapshot holds: its HTML, or the Markdown of one saved before bodies became
/// HTML (and of an import line or the demo's content).
pub fn body_of(input: &ArticleInput) -> BodyInput {
    if input.body_html.is_empty() && !input.body_md.is_empty() {
        BodyInput::Markdown(input.body_md.clone())
    } else {
        BodyInput::Html(input.body_html.clone())
    }
}

/// The editable draft of a stored article.
pub fn draft_of(article: &sahifa_store::Article, media_id: Option<i64>) -> ArticleDraft {
    ArticleDraft {
        title: article.summary.title.clone(),
        lead: article.summary.lead.clone(),
        body: BodyInput::Html(article.body_html.clone()),
        dateline: article.dateline.clone().unwrap_or_default(),
        source: article.source.clone().unwrap_or_default(),
        slug: article.summary.slug.clone(),
        category_id: article.summary.category.as_ref().map(|c| c.id),
        author_id: article.summary.author.as_ref().map(|a| a.id),
        tags: article.tags.iter().map(|t| t.name.clone()).collect(),
        status: article.summary.status,
        publish_at: article
            .summary
            .published_at
            .map_or(PublishTime::NotGiven, PublishTime::At),
        image: match (media_id, &article.summary.image) {
            (Some(id), _) => FeaturedImage::Media(id),
            (None, Some(image)) => FeaturedImage::External(image.clone()),
            (None, None) => FeaturedImage::None,
        },
        submit_for_review: false,
        base_revision: None,
    }
}

/// Writes a checked article (its body rendered as `body_html`) and everything that goes
/// with it, inside `tx`.
async fn write(
    tx: &mut Tx,
    actor: &Actor,
    current: Option<&ArticleState>,
    checked: &Checked,
    body_html: &str,
    submit_for_review: bool,
    audit_as: Option<&str>,
) -> Result<Saved> {
    let input = &checked.input;
    let now = Utc::now().trunc_subsecs(0);
    let status = input.status;
    let published_at = match (status, input.published_at) {
        (ArticleStatus::Published, None) => Some(now),
        (_, at) => at,
    }
    .map(|t| t.trunc_subsecs(0));
    let base = match (&input.slug, current) {
        (Some(wanted), _) => sahifa_text::slug::slugify(wanted),
        (None, Some(state)) => state.slug.clone(),
        (None, None) => sahifa_text::slug::slugify(&input.title),
    };
    let slug = free_slug(tx, &base, current.map(|s| s.id)).await?;
    let mut tag_ids = Vec::with_capacity(input.tags.len());
    for name in &input.tags {
        let tag_slug = sahifa_text::slug::slugify(name);
        let tag = sahifa_store::taxonomy::ensure_tag(tx, &tag_slug, name).await?;
        if !tag_ids.contains(&tag.id) {
            tag_ids.push(tag.id);
        }
    }
    let row = ArticleWrite {
        slug: slug.clone(),
        title: input.title.clone(),
        lead: input.lead.clone(),
        body_html: body_html.to_string(),
        dateline: input.dateline.clone(),
        source: input.source.clone(),
        author_id: input.author_id,
        category_id: input.category_id,
        status,
        published_at,
        // A backdated new article (an import, the demo) has not changed since it went out.
        updated_at: match current {
            None => published_at.filter(|p| *p < now).unwrap_or(now),
            Some(_) => now,
        },
        image: input.image.clone(),
        image_media_id: checked.media.as_ref().map(|m| m.id),
        review_requested: submit_for_review,
    };
    let before = current.map(ArticleState::status);
    let listed_before = match current {
        Some(state) => repo::listing_of(tx, state.id).await?,
        None => None,
    };
    let id = match current {
        None => {
            let id = repo::insert(tx, &row, actor.user_id(), now).await?;
            repo::record_event(tx, id, "created", None, Some(status)).await?;
            audit(tx, actor, "created", id, &row.title).await?;
            id
        }
        Some(state) => {
            repo::update(tx, state.id, &row).await?;
            repo::record_event(tx, state.id, "updated", before, Some(status)).await?;
            if state.slug != slug {
                redirects::remember(tx, SlugKind::Article, &state.slug, state.id).await?;
            }
            state.id
        }
    };
    repo::set_tags(tx, id, &tag_ids).await?;
    if status == ArticleStatus::Published {
        if before == Some(ArticleStatus::Published) {
            let edits_on = sahifa_store::settings::setting(tx, "telegram.edit_updates").await?;
            if edits_on.as_deref() == Some("true") {
                telegram::enqueue_edit(tx, id).await?;
            }
        } else {
            telegram::enqueue_post(tx, id).await?;
        }
    }
    let snapshot = ArticleInput {
        slug: Some(slug),
        published_at,
        body_md: String::new(),
        body_html: body_html.to_string(),
        ..input.clone()
    };
    let revision_id = insert_revision(tx, id, actor.user_id(), &snapshot).await?;
    let kind = visibility_change(before, status);
    if let Some(action) = audit_as {
        audit(tx, actor, action, id, &row.title).await?;
    }
    let change_action = match kind {
        SaveKind::Published => Some("published"),
        SaveKind::Scheduled => Some("scheduled"),
        SaveKind::Unpublished => Some("unpublished"),
        SaveKind::Saved | SaveKind::Submitted => None,
    };
    if let Some(action) = change_action {
        audit(tx, actor, action, id, &row.title).await?;
    }
    let listed_after = repo::listing_of(tx, id).await?;
    tx.retire(retired_by(
        id,
        listed_before.as_ref(),
        listed_after.as_ref(),
    ));
    let kind = if submit_for_review {
        SaveKind::Submitted
    } else {
        kind
    };
    Ok(Saved {
        id,
        kind,
        revision_id,
    })
}

/// What a write of article `id` retires, from where it was listed before to where it is
/// listed after (`None`: it did not exist, or no longer does). Its own content always; the
/// lists, archives and feeds it leaves or enters only when that changed, so fixing a typo
/// in an old article leaves the front page cached.
fn retired_by(id: i64, before: Option<&Listing>, after: Option<&Listing>) -> Vec<Dep> {
    let mut deps = vec![Dep::Article(id)];
    let public = |l: Option<&Listing>| l.is_some_and(|l| l.public);
    if !public(before) && !public(after) {
        // Never seen by readers: only previews and the admin show it, and they are not
        // cached.
        return deps;
    }
    deps.push(Dep::AnyArticle);
    // Only where it was listed publicly counts: a draft is in no list.
    let (before, after) = (before.filter(|l| l.public), after.filter(|l| l.public));
    if before == after {
        return deps;
    }
    deps.push(Dep::Latest);
    for listing in [before, after].into_iter().flatten() {
        deps.extend(listing.category_id.map(Dep::InCategory));
        deps.extend(
            listing
                .extra_category_ids
                .iter()
                .copied()
                .map(Dep::InCategory),
        );
        deps.extend(listing.author_id.map(Dep::ByAuthor));
        deps.extend(listing.tag_ids.iter().copied().map(Dep::InTag));
    }
    deps
}

/// Whether a save from `before` to `after` changes what readers can see.
fn visibility_change(before: Option<ArticleStatus>, after: ArticleStatus) -> SaveKind {
    match (before, after) {
        (Some(ArticleStatus::Published), ArticleStatus::Published) => SaveKind::Saved,
        (_, ArticleStatus::Published) => SaveKind::Published,
        (Some(ArticleStatus::Scheduled), ArticleStatus::Scheduled) => SaveKind::Saved,
        (_, ArticleStatus::Scheduled) => SaveKind::Scheduled,
        (Some(ArticleStatus::Published), _) => SaveKind::Unpublished,
        _ => SaveKind::Saved,
    }
}

/// A slug based on `base` that no other article uses (`base`, `base-2`, `base-3`, ...),
/// chosen inside the transaction that writes it.
pub(crate) async fn free_slug(tx: &mut Tx, base: &str, except: Option<i64>) -> Result<String> {
    for n in 1..1000 {
        let candidate = if n == 1 {
            base.to_string()
        } else {
            format!("{base}-{n}")
        };
        match repo::slug_holder(tx, &candidate).await? {
            None => return Ok(candidate),
            Some(id) if Some(id) == except => return Ok(candidate),
            Some(_) => continue,
        }
    }
    Err(NewsroomError::Conflict {
        field: Some("slug"),
        key: "admin-error-article-slug-taken",
    })
}

/// Appends an audit entry about article `id` (also for the front page's and the body
/// conversion's writes).
pub(crate) async fn audit(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    id: i64,
    title: &str,
) -> Result<()> {
    insert_audit(
        tx,
        &AuditRecord {
            actor: actor.audit_name(),
            action,
            object_kind: "article",
            object_id: Some(id),
            detail: title,
        },
    )
    .await?;
    Ok(())
}
