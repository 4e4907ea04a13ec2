//! `sahifa export-wxr FILE`: the whole site as WXR 1.2, the file WordPress's own importer
//! reads (Tools → Import → WordPress), so no newsroom is locked in. Streamed: one article
//! is in memory at a time.

use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::Args;
use sahifa_store::{ArticleStatus, Db};
use sahifa_wxr::{Author, Channel, Comment, Item, ItemTerm, Meta, Term, TermKind};

use crate::global::{Global, open_database};

/// Options of `sahifa export-wxr`.
#[derive(Debug, Args, Clone)]
pub struct ExportArgs {
    /// Where to write the export (`-` writes to standard output).
    pub file: PathBuf,
    /// The address the site is served at, for the links in the file.
    #[arg(
        long,
        env = "SAHIFA_BASE_URL",
        value_name = "URL",
        default_value = "http://127.0.0.1:8080/"
    )]
    pub base_url: String,
}

/// Ids bumped past WordPress's own: pages and attachments share one id space with posts
/// there, so each kind gets its own range.
const PAGE_IDS: i64 = 1_000_000_000;
const MEDIA_IDS: i64 = 2_000_000_000;

fn wp_date(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| "0000-00-00 00:00:00".to_string())
}

fn rfc2822(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.format("%a, %d %b %Y %H:%M:%S +0000").to_string())
        .unwrap_or_default()
}

fn encoded(slug: &str) -> String {
    sahifa_text::slug::encode_slug(slug)
}

/// `sahifa export-wxr FILE`.
pub async fn run_export(global: &Global, args: ExportArgs) -> anyhow::Result<()> {
    let base = url::Url::parse(args.base_url.trim())
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some())
        .with_context(|| {
            format!(
                "--base-url {:?} is not an address like https://example.com/",
                args.base_url
            )
        })?;
    let base = super::wp::with_slash(base.as_str());
    let db = open_database(global).await?;
    let result = if args.file.as_os_str() == "-" {
        let out = std::io::stdout().lock();
        export(&db, &base, BufWriter::new(out)).await.map(|_| ())
    } else {
        // Written beside the target and renamed at the end: a failed export never leaves
        // half a file where a whole one was expected.
        let partial = args.file.with_extension("xml.partial");
        let file = std::fs::File::create(&partial)
            .with_context(|| format!("cannot create {}", partial.display()))?;
        match export(&db, &base, BufWriter::new(file)).await {
            Ok(mut out) => {
                out.flush()?;
                std::fs::rename(&partial, &args.file)
                    .with_context(|| format!("cannot write {}", args.file.display()))?;
                Ok(())
            }
            Err(err) => {
                let _ = std::fs::remove_file(&partial);
                Err(err)
            }
        }
    };
    db.close().await;
    result?;
    if args.file.as_os_str() != "-" {
        eprintln!("exported to {}", args.file.display());
    }
    Ok(())
}

/// Writes the site held by `db` to `out` as WXR 1.2.
pub async fn export<W: Write>(db: &Db, base: &str, out: W) -> anyhow::Result<W> {
    let site = db.site_settings().await?;
    let channel = Channel {
        title: site.name.clone(),
        link: base.to_string(),
        description: site.tagline.clone(),
        language: site.locale.clone(),
        wxr_version: "1.2".to_string(),
        base_site_url: base.to_string(),
        base_blog_url: base.to_string(),
    };
    let mut writer = sahifa_wxr::Writer::new(out, &channel)?;
    let authors = db.authors().await?;
    let users = db.users().await?;
    let email_of: HashMap<i64, String> = users
        .iter()
        .filter_map(|u| u.author_id.map(|a| (a, u.email.clone())))
        .collect();
    let login_of: HashMap<i64, String> = authors.iter().map(|a| (a.id, a.slug.clone())).collect();
    for a in &authors {
        writer.author(&Author {
            id: Some(a.id),
            login: a.slug.clone(),
            email: email_of.get(&a.id).cloned().unwrap_or_default(),
            display_name: a.name.clone(),
            first_name: String::new(),
            last_name: String::new(),
        })?;
    }
    let categories = db.categories().await?;
    let category_slug: HashMap<i64, String> =
        categories.iter().map(|c| (c.id, c.slug.clone())).collect();
    let category_name: HashMap<i64, String> =
        categories.iter().map(|c| (c.id, c.name.clone())).collect();
    for c in &categories {
        writer.term(&Term {
            kind: TermKind::Category,
            id: Some(c.id),
            slug: encoded(&c.slug),
            name: c.name.clone(),
            parent_slug: c
                .parent_id
                .and_then(|p| category_slug.get(&p))
                .map(|s| encoded(s))
                .unwrap_or_default(),
            description: c.description.clone(),
        })?;
    }
    for t in db.tags_with_all_counts().await? {
        writer.term(&Term {
            kind: TermKind::Tag,
            id: Some(t.id),
            slug: encoded(&t.slug),
            name: t.name.clone(),
            parent_slug: String::new(),
            description: String::new(),
        })?;
    }
    let absolute = |path: &str| format!("{}{}", base.trim_end_matches('/'), path);
    // The media library: each file an attachment, so featured images and galleries keep
    // their files when WordPress imports the site (it fetches them from these URLs).
    let (media, _) = db.media_list(i64::MAX, 0).await?;
    for m in &media {
        writer.item(&Item {
            title: m.original_name.clone(),
            link: absolute(&m.original_url()),
            guid: absolute(&m.original_url()),
            excerpt: m.caption.clone(),
            id: MEDIA_IDS + m.id,
            post_date: wp_date(Some(m.created_at)),
            post_date_gmt: wp_date(Some(m.created_at)),
            post_name: m.stem.clone(),
            status: "inherit".to_string(),
            post_type: "attachment".to_string(),
            attachment_url: absolute(&m.original_url()),
            meta: vec![Meta {
                key: "_wp_attachment_image_alt".to_string(),
                value: m.alt.clone(),
            }],
            ..Item::default()
        })?;
    }
    for page in db.pages().await? {
        let published = page.status == sahifa_store::pages::PageStatus::Published;
        writer.item(&Item {
            title: page.title.clone(),
            link: absolute(&format!("/page/{}", encoded(&page.slug))),
            pub_date: rfc2822(page.published_at),
            guid: absolute(&format!("/?page_id={}", PAGE_IDS + page.id)),
            description: page.description.clone(),
            content: absolute_media(&page.body_html, base),
            id: PAGE_IDS + page.id,
            post_date: wp_date(page.published_at.or(Some(page.created_at))),
            post_date_gmt: wp_date(page.published_at.or(Some(page.created_at))),
            post_modified: wp_date(Some(page.updated_at)),
            post_modified_gmt: wp_date(Some(page.updated_at)),
            comment_status: "closed".to_string(),
            post_name: encoded(&page.slug),
            status: if published { "publish" } else { "draft" }.to_string(),
            parent: page.parent_id.map_or(0, |p| PAGE_IDS + p),
            post_type: "page".to_string(),
            ..Item::default()
        })?;
    }
    let mut after = 0;
    loop {
        let ids = db.article_ids_after(after, 500).await?;
        let Some(last) = ids.last() else { break };
        after = *last;
        for id in ids {
            let Some(article) = db.article_by_id(id).await? else {
                continue;
            };
            let s = &article.summary;
            let (closed, media_id) = db.export_extras(id).await?;
            let mut terms = Vec::new();
            let mut category_ids: Vec<i64> = s.category.iter().map(|c| c.id).collect();
            for extra in db.extra_categories(id).await? {
                if !category_ids.contains(&extra) {
                    category_ids.push(extra);
                }
            }
            for c in category_ids {
                if let (Some(slug), Some(name)) = (category_slug.get(&c), category_name.get(&c)) {
                    terms.push(ItemTerm {
                        domain: "category".to_string(),
                        slug: encoded(slug),
                        name: name.clone(),
                    });
                }
            }
            for t in &article.tags {
                terms.push(ItemTerm {
                    domain: "post_tag".to_string(),
                    slug: encoded(&t.slug),
                    name: t.name.clone(),
                });
            }
            let comments = db
                .comments_for_export(id)
                .await?
                .into_iter()
                .map(|c| Comment {
                    id: c.id,
                    author: c.author_name,
                    author_email: c.email,
                    author_url: c.url,
                    date: wp_date(Some(c.created_at)),
                    date_gmt: wp_date(Some(c.created_at)),
                    content: html_of_comment(&c.body),
                    approved: match c.status.as_str() {
                        "approved" => "1",
                        "spam" => "spam",
                        "trash" => "trash",
                        _ => "0",
                    }
                    .to_string(),
                    comment_type: "comment".to_string(),
                    parent: c.parent_id.unwrap_or(0),
                    ..Comment::default()
                })
                .collect();
            let status = match s.status {
                ArticleStatus::Published => "publish",
                ArticleStatus::Scheduled => "future",
                ArticleStatus::Draft => "draft",
            };
            let mut meta = Vec::new();
            if let Some(m) = media_id {
                meta.push(Meta {
                    key: "_thumbnail_id".to_string(),
                    value: (MEDIA_IDS + m).to_string(),
                });
            }
            writer.item(&Item {
                title: s.title.clone(),
                link: absolute(&sahifa_web::urls::article(&s.slug)),
                pub_date: rfc2822(s.published_at),
                creator: s
                    .author
                    .as_ref()
                    .and_then(|a| login_of.get(&a.id).cloned())
                    .unwrap_or_default(),
                guid: absolute(&format!("/?p={id}")),
                content: absolute_media(&article.body_html, base),
                excerpt: s.lead.clone(),
                id,
                post_date: wp_date(s.published_at.or(Some(article.created_at))),
                post_date_gmt: wp_date(s.published_at.or(Some(article.created_at))),
                post_modified: wp_date(Some(s.updated_at)),
                post_modified_gmt: wp_date(Some(s.updated_at)),
                comment_status: if closed { "closed" } else { "open" }.to_string(),
                post_name: encoded(&s.slug),
                status: status.to_string(),
                post_type: "post".to_string(),
                terms,
                meta,
                comments,
                ..Item::default()
            })?;
        }
    }
    Ok(writer.finish()?)
}

/// A comment's text as the HTML WordPress keeps comments in: escaped, paragraphs by blank
/// lines, line breaks as `<br />`.
fn html_of_comment(text: &str) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    escaped
        .split("\n\n")
        .map(|p| p.trim_matches('\n').replace('\n', "<br />\n"))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// The body with its site-relative media addresses made absolute, so the file can be
/// read anywhere, as one Custom HTML block: WordPress then neither adds paragraphs to it
/// (as it does to classic content) nor changes it, and neither does an import here.
fn absolute_media(body: &str, base: &str) -> String {
    let origin = base.trim_end_matches('/');
    let body = body.replace("=\"/media/", &format!("=\"{origin}/media/"));
    if body.is_empty() {
        body
    } else {
        format!("<!-- wp:html -->{body}<!-- /wp:html -->")
    }
}
