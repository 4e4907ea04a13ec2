//! The second pass: the file is read again and everything is written through one import
//! session (one transaction). Terms and authors first (their parents resolved by slug,
//! whatever order the file gave them), then media, then the items as they stream by;
//! pages are held until the end, because a page's parent may come after it.

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use sahifa_newsroom::import::{
    ArticleImport, AuthorImport, CommentImport, ImportSession, Outcome, PageImport, TermImport,
};
use sahifa_store::imports::LegacyTarget;
use sahifa_store::{ArticleStatus, CommentStatus, Image};
use sahifa_wxr::content::MediaLink;
use sahifa_wxr::{Item, TermKind};

use super::report::Report;
use super::survey::Survey;
use super::wp;

/// What the second pass needs of the first and of the media step.
pub struct Context<'a> {
    /// The first pass.
    pub survey: &'a Survey,
    /// The old site's base URL (ends with `/`).
    pub base: String,
    /// Upload key → the imported file.
    pub uploads: std::sync::Arc<HashMap<String, (i64, MediaLink)>>,
    /// Attachment id → the imported file.
    pub attachments: std::sync::Arc<HashMap<i64, (i64, MediaLink)>>,
    /// When the import runs (a `future` post whose time has passed is published).
    pub now: DateTime<Utc>,
}

/// The ids terms, authors and comments got here, by their keys in the file.
#[derive(Default)]
pub struct Ids {
    categories: HashMap<String, i64>,
    tags: HashMap<String, i64>,
    authors: HashMap<String, i64>,
}

/// A page held until every page is known.
struct HeldPage {
    wp_id: i64,
    parent: i64,
    link: String,
    import: PageImport,
}

/// Writes authors, terms and the legacy URLs that name them.
pub async fn write_terms(
    session: &mut ImportSession,
    cx: &Context<'_>,
    report: &mut Report,
) -> anyhow::Result<Ids> {
    let mut ids = Ids::default();
    for author in &cx.survey.authors {
        let name = if author.display_name.trim().is_empty() {
            author.login.clone()
        } else {
            author.display_name.clone()
        };
        let import = AuthorImport {
            login: author.login.clone(),
            name,
            email: author.email.trim().to_lowercase(),
        };
        let (id, outcome) = session.author(&import).await?;
        report.count("authors", outcome);
        if import.email.is_empty() && outcome == Outcome::Created {
            report.warn(format!(
                "author {} has no email: a byline without an account",
                author.login
            ));
        }
        ids.authors.insert(author.login.clone(), id);
        for login in [
            author.login.clone(),
            sahifa_text::slug::slugify(&author.login),
        ] {
            redirect(
                session,
                report,
                &format!("/author/{login}"),
                LegacyTarget::Author(id),
                true,
            )
            .await?;
            redirect(
                session,
                report,
                &format!("/author/{login}/feed"),
                LegacyTarget::AuthorFeed(id),
                true,
            )
            .await?;
        }
        if let Some(wp_id) = author.id {
            redirect(
                session,
                report,
                &format!("/?author={wp_id}"),
                LegacyTarget::Author(id),
                true,
            )
            .await?;
        }
    }
    // Categories in an order where every parent comes before its children; a parent that
    // is missing or makes a loop is dropped with a warning.
    let categories: Vec<&sahifa_wxr::Term> = cx
        .survey
        .terms
        .iter()
        .filter(|t| t.kind == TermKind::Category)
        .collect();
    let by_slug: HashMap<&str, &sahifa_wxr::Term> =
        categories.iter().map(|t| (t.slug.as_str(), *t)).collect();
    let mut paths: HashMap<String, String> = HashMap::new();
    let mut pending: Vec<&sahifa_wxr::Term> = categories.clone();
    while !pending.is_empty() {
        let before = pending.len();
        let mut next = Vec::new();
        for term in pending {
            let parent_slug = term.parent_slug.trim();
            let parent = if parent_slug.is_empty() || parent_slug == term.slug {
                None
            } else if let Some(id) = ids.categories.get(parent_slug) {
                Some(*id)
            } else if by_slug.contains_key(parent_slug) {
                next.push(term);
                continue;
            } else {
                report.warn(format!(
                    "category {} names a parent {parent_slug} the file does not have",
                    term.slug
                ));
                None
            };
            let import = TermImport {
                slug: wp::slug_for(
                    &term.slug,
                    &term.name,
                    &format!("category-{}", ids.categories.len() + 1),
                ),
                name: if term.name.trim().is_empty() {
                    wp::decoded(&term.slug)
                } else {
                    term.name.clone()
                },
                description: term.description.clone(),
                parent_id: parent,
            };
            let (id, outcome) = session.category(&term.slug, &import).await?;
            report.count("categories", outcome);
            ids.categories.insert(term.slug.clone(), id);
            let own = wp::decoded(&term.slug);
            let path = match parent.and_then(|_| paths.get(parent_slug)) {
                Some(parent_path) => format!("{parent_path}/{own}"),
                None => own.clone(),
            };
            for p in [path.clone(), own] {
                redirect(
                    session,
                    report,
                    &format!("/category/{p}"),
                    LegacyTarget::Category(id),
                    true,
                )
                .await?;
                redirect(
                    session,
                    report,
                    &format!("/category/{p}/feed"),
                    LegacyTarget::CategoryFeed(id),
                    true,
                )
                .await?;
            }
            if let Some(wp_id) = term.id {
                redirect(
                    session,
                    report,
                    &format!("/?cat={wp_id}"),
                    LegacyTarget::Category(id),
                    true,
                )
                .await?;
            }
            paths.insert(term.slug.clone(), path);
        }
        if next.len() == before {
            // Only loops are left: import them without their parents.
            for term in &next {
                report.warn(format!(
                    "category {} is in a parent loop; imported at the top",
                    term.slug
                ));
            }
            let freed: Vec<&sahifa_wxr::Term> = next;
            for term in freed {
                let import = TermImport {
                    slug: wp::slug_for(&term.slug, &term.name, "category"),
                    name: term.name.clone(),
                    description: term.description.clone(),
                    parent_id: None,
                };
                let (id, outcome) = session.category(&term.slug, &import).await?;
                report.count("categories", outcome);
                ids.categories.insert(term.slug.clone(), id);
            }
            break;
        }
        pending = next;
    }
    for term in cx.survey.terms.iter().filter(|t| t.kind == TermKind::Tag) {
        let import = TermImport {
            slug: wp::slug_for(
                &term.slug,
                &term.name,
                &format!("tag-{}", ids.tags.len() + 1),
            ),
            name: if term.name.trim().is_empty() {
                wp::decoded(&term.slug)
            } else {
                term.name.clone()
            },
            description: String::new(),
            parent_id: None,
        };
        let (id, outcome) = session.tag(&term.slug, &import).await?;
        report.count("tags", outcome);
        ids.tags.insert(term.slug.clone(), id);
        let own = wp::decoded(&term.slug);
        redirect(
            session,
            report,
            &format!("/tag/{own}"),
            LegacyTarget::Tag(id),
            true,
        )
        .await?;
        redirect(
            session,
            report,
            &format!("/tag/{own}/feed"),
            LegacyTarget::TagFeed(id),
            true,
        )
        .await?;
        redirect(
            session,
            report,
            &format!("/?tag={own}"),
            LegacyTarget::Tag(id),
            true,
        )
        .await?;
    }
    if let Some(zone) = cx.survey.offset.and_then(wp::zone_of_offset)
        && zone != "UTC"
        && session.adopt_time_zone(&zone).await?
    {
        report.warn(format!(
            "the site's time zone is now {zone}, the old site's offset from UTC; choose its real zone (e.g. Asia/Riyadh) in the settings"
        ));
    }
    // The old addresses of the files brought over (their resized copies are found from
    // these when asked for).
    let mut uploads: Vec<(&String, i64)> = cx.uploads.iter().map(|(k, (id, _))| (k, *id)).collect();
    uploads.sort();
    for (key, id) in uploads {
        redirect(session, report, key, LegacyTarget::Media(id), true).await?;
    }
    for path in [
        "/feed",
        "/feed/rss2",
        "/feed/rss",
        "/feed/atom",
        "/?feed=rss2",
        "/?feed=atom",
        "/?feed=rss",
    ] {
        redirect(session, report, path, LegacyTarget::SiteFeed, true).await?;
    }
    Ok(ids)
}

/// Makes the old address `address` (a full URL, or a path with its query) answer with
/// `target`; counted once per run however many objects claim it.
pub async fn redirect(
    session: &mut ImportSession,
    report: &mut Report,
    address: &str,
    target: LegacyTarget,
    replace: bool,
) -> anyhow::Result<()> {
    let key = if address.starts_with('/') && !address.starts_with("//") {
        let (path, query) = match address.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (address, None),
        };
        sahifa_text::old_urls::key(path, query)
    } else {
        sahifa_text::old_urls::key_of_url(address)
    };
    let Some(key) = key else {
        return Ok(());
    };
    let outcome = session.legacy_url(&key, target, replace).await?;
    if report.seen_redirects.insert(key) {
        report.count("redirects", outcome);
    }
    Ok(())
}

/// Streams the items of `source` into the session.
pub async fn write_items(
    session: &mut ImportSession,
    cx: &Context<'_>,
    source: impl BufRead + Send + 'static,
    mut ids: Ids,
    report: &mut Report,
    mut progress: impl FnMut(u64, u64),
) -> anyhow::Result<()> {
    let mut pages: Vec<HeldPage> = Vec::new();
    let mut sticky: Vec<i64> = Vec::new();
    let mut post_attachments: BTreeMap<i64, Vec<(i64, i64)>> = BTreeMap::new();
    for a in cx.survey.attachments.values() {
        if a.parent != 0 {
            post_attachments
                .entry(a.parent)
                .or_default()
                .push((a.menu_order, a.id));
        }
    }
    let mut items = super::prepare::spawn(
        source,
        super::prepare::Targets {
            base: cx.base.clone(),
            uploads: cx.uploads.clone(),
            attachments: cx.attachments.clone(),
            post_attachments,
        },
    );
    let mut done = 0u64;
    while let Some(next) = items.recv().await {
        let prepared = next.context("the file changed while it was being imported")?;
        let item = prepared.item;
        match item.post_type.as_str() {
            "post" | "page" => {}
            "attachment" => {
                write_attachment(session, cx, &item, report).await?;
                continue;
            }
            "nav_menu_item" => {
                report.skip("navigation menu items (rebuild menus under Appearance)");
                continue;
            }
            "revision" => {
                report.skip("revisions");
                continue;
            }
            "" => {
                report.skip("items without a post type");
                continue;
            }
            other => {
                report.skip(&format!("items of custom post type {other}"));
                continue;
            }
        }
        match item.status.as_str() {
            "auto-draft" => {
                report.skip("automatic drafts");
                continue;
            }
            "trash" => {
                report.skip("items in the trash");
                continue;
            }
            "inherit" => {
                report.skip("revisions");
                continue;
            }
            _ => {}
        }
        let body = prepared.body.unwrap_or_default();
        report.old_host_references += body.old_host_references as u64;
        if item.post_type == "page" {
            for meta in &item.meta {
                report.meta(&meta.key);
            }
            if !item.comments.is_empty() {
                for _ in &item.comments {
                    report.skip("comments on pages (pages have no comments here)");
                }
            }
            pages.push(HeldPage {
                wp_id: item.id,
                parent: item.parent,
                link: item.link.clone(),
                import: PageImport {
                    slug: wp::slug_for(&item.post_name, &item.title, &format!("page-{}", item.id)),
                    title: title_of(&item),
                    body_html: body.html,
                    published: item.status == "publish" && item.password.is_empty(),
                    parent_id: None,
                },
            });
        } else {
            let id = write_post(session, cx, &mut ids, &item, body.html, report).await?;
            if item.sticky && item.status == "publish" && item.password.is_empty() {
                sticky.push(id);
            }
        }
        done += 1;
        progress(prepared.bytes, done);
    }
    write_pages(session, pages, report).await?;
    session.pin_sticky(&sticky).await?;
    Ok(())
}

/// The title, or for an item without one the words of its slug.
fn title_of(item: &Item) -> String {
    if !item.title.trim().is_empty() {
        return item.title.clone();
    }
    let words = wp::decoded(&item.post_name).replace('-', " ");
    if words.trim().is_empty() {
        format!("#{}", item.id)
    } else {
        words
    }
}

async fn write_post(
    session: &mut ImportSession,
    cx: &Context<'_>,
    ids: &mut Ids,
    item: &Item,
    body_html: String,
    report: &mut Report,
) -> anyhow::Result<i64> {
    let offset = cx.survey.offset;
    let published = wp::moment(&item.post_date_gmt, &item.post_date, offset);
    let modified = wp::moment(&item.post_modified_gmt, &item.post_modified, offset);
    let protected = !item.password.is_empty();
    let status = match item.status.as_str() {
        _ if protected => {
            report.warn(format!(
                "post {} ({}) is password-protected: imported as a draft, never public",
                item.id,
                item.title.trim()
            ));
            ArticleStatus::Draft
        }
        "publish" => ArticleStatus::Published,
        "future" => match published {
            Some(at) if at > cx.now => ArticleStatus::Scheduled,
            Some(_) => ArticleStatus::Published,
            None => ArticleStatus::Draft,
        },
        "private" => {
            report.warn(format!("post {} is private: imported as a draft", item.id));
            ArticleStatus::Draft
        }
        _ => ArticleStatus::Draft,
    };
    let published_at = match status {
        ArticleStatus::Draft => published,
        _ => Some(published.unwrap_or(cx.now)),
    };
    let created_at = published.unwrap_or(cx.now);
    let mut category_ids = Vec::new();
    let mut tag_list = Vec::new();
    for term in &item.terms {
        match term.domain.as_str() {
            "category" => {
                if let Some(id) = ids.categories.get(&term.slug)
                    && !category_ids.contains(id)
                {
                    category_ids.push(*id);
                }
            }
            "post_tag" => {
                let slug = wp::slug_for(&term.slug, &term.name, "");
                if !slug.is_empty() {
                    let name = if term.name.trim().is_empty() {
                        wp::decoded(&term.slug)
                    } else {
                        term.name.clone()
                    };
                    tag_list.push((slug, name));
                }
            }
            "post_format" => {}
            other => report.skip(&format!("post terms of taxonomy {other}")),
        }
    }
    // WordPress files a post with no category under "Uncategorized"; a post here may
    // simply have none.
    let image = item
        .meta_value("_thumbnail_id")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .and_then(|id| cx.attachments.get(&id))
        .map(|(media_id, m)| {
            (
                *media_id,
                Image {
                    url: m.url.clone(),
                    alt: m.alt.clone(),
                    caption: m.caption.clone(),
                    width: m.width.map(i64::from),
                    height: m.height.map(i64::from),
                },
            )
        });
    let import = ArticleImport {
        slug: wp::slug_for(&item.post_name, &item.title, &format!("post-{}", item.id)),
        title: title_of(item),
        lead: sahifa_wxr::content::comment_text(&item.excerpt)
            .trim()
            .to_string(),
        body_html,
        author_id: ids.authors.get(&wp::clean_login(&item.creator)).copied(),
        category_ids,
        tags: tag_list,
        status,
        published_at,
        created_at,
        updated_at: modified.or(published).unwrap_or(cx.now),
        image,
        comments_closed: item.comment_status == "closed",
    };
    for meta in &item.meta {
        report.meta(&meta.key);
    }
    let key = item_key(item);
    let (id, outcome) = session.article(&key, &import).await?;
    report.count("articles", outcome);
    let target = LegacyTarget::Article(id);
    let mut old: Vec<(String, LegacyTarget, bool)> = Vec::new();
    if let Some(key) = sahifa_text::old_urls::key_of_url(&item.link) {
        old.push((key, target, true));
    }
    if item.id != 0 {
        old.push((format!("/?p={}", item.id), target, true));
    }
    // A guid is the address the post had when it was written (`/?p=12`), unless it was
    // copied from another post: it never displaces what an address already names.
    if let Some(key) = sahifa_text::old_urls::key_of_url(&item.guid)
        && key.starts_with("/?")
    {
        old.push((key, target, false));
    }
    // Former slugs answer too, never over an address that names something else.
    if let Some(current) = sahifa_text::old_urls::key_of_url(&item.link)
        && let Some((dir, _)) = current.rsplit_once('/')
    {
        for slug in item.meta.iter().filter(|m| m.key == "_wp_old_slug") {
            let slug = slug.value.trim();
            if !slug.is_empty() {
                old.push((format!("{dir}/{}", wp::decoded(slug)), target, false));
            }
        }
    }
    // One statement for a post's old URLs; each is this post's alone, so no run-wide
    // set is needed to count it once.
    let mut seen = std::collections::HashSet::new();
    old.retain(|(key, _, _)| seen.insert(key.clone()));
    for outcome in session.legacy_urls(&old).await? {
        report.count("redirects", outcome);
    }
    write_comments(session, item, id, outcome == Outcome::Created, report).await?;
    Ok(id)
}

fn item_key(item: &Item) -> String {
    if item.id != 0 {
        item.id.to_string()
    } else {
        // An export without ids: the old link is the next best identity.
        format!("link:{}", item.link)
    }
}

async fn write_comments(
    session: &mut ImportSession,
    item: &Item,
    article_id: i64,
    new_article: bool,
    report: &mut Report,
) -> anyhow::Result<()> {
    // A reply answers a comment on the same post: the ids are kept for this post only.
    let mut comments: Vec<&sahifa_wxr::Comment> = item.comments.iter().collect();
    comments.sort_by_key(|c| c.id);
    // `(key, comment, index in `kept` of the comment it answers)`.
    let mut kept: Vec<(String, CommentImport, Option<usize>)> = Vec::new();
    let mut position: HashMap<i64, usize> = HashMap::new();
    for (index, c) in comments.into_iter().enumerate() {
        match c.comment_type.as_str() {
            "" | "comment" => {}
            "pingback" => {
                report.skip("pingbacks");
                continue;
            }
            "trackback" => {
                report.skip("trackbacks");
                continue;
            }
            other => {
                report.skip(&format!("comments of type {other}"));
                continue;
            }
        }
        let status = match c.approved.as_str() {
            "1" | "approve" => CommentStatus::Approved,
            "spam" => CommentStatus::Spam,
            "trash" | "post-trashed" => CommentStatus::Trash,
            _ => CommentStatus::Pending,
        };
        let parent = (c.parent != 0)
            .then(|| position.get(&c.parent).copied())
            .flatten();
        if c.parent != 0 && parent.is_none() {
            report.warn(format!(
                "comment {} answers comment {}, which was not imported: kept at the top of its thread",
                c.id, c.parent
            ));
        }
        let import = CommentImport {
            article_id,
            parent_id: None,
            author_name: if c.author.trim().is_empty() {
                "—".to_string()
            } else {
                c.author.clone()
            },
            email: c.author_email.clone(),
            url: c.author_url.clone(),
            body: sahifa_wxr::content::comment_text(&c.content),
            status,
            created_at: wp::moment(&c.date_gmt, &c.date, None).unwrap_or_else(Utc::now),
        };
        let key = if c.id != 0 {
            c.id.to_string()
        } else {
            format!("{}:{index}", item_key(item))
        };
        if c.id != 0 {
            position.insert(c.id, kept.len());
        }
        kept.push((key, import, parent));
    }
    if new_article {
        for _ in session.new_comments(&kept).await? {
            report.count("comments", Outcome::Created);
        }
        return Ok(());
    }
    let mut ids: Vec<i64> = Vec::with_capacity(kept.len());
    for (key, import, parent) in kept {
        let import = CommentImport {
            parent_id: parent.and_then(|p| ids.get(p).copied()),
            ..import
        };
        let (id, outcome) = session.comment(&key, &import).await?;
        report.count("comments", outcome);
        ids.push(id);
    }
    Ok(())
}

async fn write_attachment(
    session: &mut ImportSession,
    cx: &Context<'_>,
    item: &Item,
    report: &mut Report,
) -> anyhow::Result<()> {
    let Some((media_id, _)) = cx.attachments.get(&item.id) else {
        return Ok(());
    };
    let target = LegacyTarget::Media(*media_id);
    if !item.link.is_empty() {
        redirect(session, report, &item.link, target, false).await?;
    }
    redirect(
        session,
        report,
        &format!("/?attachment_id={}", item.id),
        target,
        true,
    )
    .await?;
    Ok(())
}

async fn write_pages(
    session: &mut ImportSession,
    pages: Vec<HeldPage>,
    report: &mut Report,
) -> anyhow::Result<()> {
    let known: HashMap<i64, usize> = pages
        .iter()
        .enumerate()
        .map(|(at, p)| (p.wp_id, at))
        .collect();
    let mut written: HashMap<i64, i64> = HashMap::new();
    let mut pending: Vec<HeldPage> = pages;
    loop {
        let before = pending.len();
        let mut next = Vec::new();
        for mut page in pending {
            let parent = if page.parent == 0 || page.parent == page.wp_id {
                None
            } else if let Some(id) = written.get(&page.parent) {
                Some(*id)
            } else if known.contains_key(&page.parent) && before > 0 {
                next.push(page);
                continue;
            } else {
                None
            };
            page.import.parent_id = parent;
            let (id, outcome) = session.page(&page.wp_id.to_string(), &page.import).await?;
            report.count("pages", outcome);
            written.insert(page.wp_id, id);
            let target = LegacyTarget::Page(id);
            if !page.link.is_empty() {
                redirect(session, report, &page.link, target, true).await?;
            }
            if page.wp_id != 0 {
                redirect(
                    session,
                    report,
                    &format!("/?page_id={}", page.wp_id),
                    target,
                    true,
                )
                .await?;
                redirect(
                    session,
                    report,
                    &format!("/?p={}", page.wp_id),
                    target,
                    true,
                )
                .await?;
            }
        }
        if next.is_empty() {
            break;
        }
        if next.len() == before {
            for page in &mut next {
                report.warn(format!(
                    "page {} is in a parent loop; imported at the top",
                    page.wp_id
                ));
                page.parent = 0;
            }
        }
        pending = next;
    }
    Ok(())
}
