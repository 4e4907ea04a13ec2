//! RSS 2.0, Atom and JSON Feed 1.1 for the whole site and for each category, tag and author.
//!
//! URLs: `/feed.xml` (RSS), `/feed.atom`, `/feed.json`, and the same three names under
//! `/category/{slug}/`, `/tag/{slug}/` and `/author/{slug}/`. Each item's id is the
//! article's short link (`/s/{id}`), which never changes when the headline or slug is
//! edited, so readers never show an edited story twice. The site setting
//! `feeds.full_content` (`true` by default) chooses the whole body or the lead only.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::Serialize;

use sahifa_store::{Article, ArticleFilter, Dep};

use crate::distribution::short_url;
use sahifa_http::error::AppError;
use sahifa_http::serving::{RenderedDocument as Rendered, serve_document};
use sahifa_http::state::AppState;
use sahifa_http::urls;

/// Items per feed.
const ITEMS: i64 = 20;

/// Setting key: `false` puts only the lead in feeds.
pub const FULL_CONTENT_KEY: &str = "feeds.full_content";

/// A feed format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RSS 2.0 (`feed.xml`).
    Rss,
    /// Atom 1.0 (`feed.atom`).
    Atom,
    /// JSON Feed 1.1 (`feed.json`).
    Json,
}

impl Format {
    fn file(self) -> &'static str {
        match self {
            Format::Rss => "feed.xml",
            Format::Atom => "feed.atom",
            Format::Json => "feed.json",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml; charset=utf-8",
            Format::Atom => "application/atom+xml; charset=utf-8",
            Format::Json => "application/feed+json; charset=utf-8",
        }
    }

    /// The media type for `<link rel="alternate" type=...>`.
    pub fn link_type(self) -> &'static str {
        match self {
            Format::Rss => "application/rss+xml",
            Format::Atom => "application/atom+xml",
            Format::Json => "application/feed+json",
        }
    }

    /// Every format, in the order page heads list them.
    pub const ALL: [Format; 3] = [Format::Rss, Format::Atom, Format::Json];
}

/// Whose articles a feed lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The whole site.
    Site,
    /// One category and its subcategories.
    Category,
    /// One tag.
    Tag,
    /// One author.
    Author,
}

impl Scope {
    fn name(self) -> &'static str {
        match self {
            Scope::Site => "site",
            Scope::Category => "category",
            Scope::Tag => "tag",
            Scope::Author => "author",
        }
    }
}

/// The site-relative URL of a feed: `/feed.xml` or `/category/{slug}/feed.xml`.
pub fn feed_path(archive_path: Option<&str>, format: Format) -> String {
    match archive_path {
        Some(base) => format!("{}/{}", base.trim_end_matches('/'), format.file()),
        None => format!("/{}", format.file()),
    }
}

/// The feed routes.
pub fn router() -> Router<AppState> {
    let mut router = Router::new();
    for format in Format::ALL {
        router = router.route(
            &format!("/{}", format.file()),
            get(
                move |state: State<AppState>, headers: HeaderMap| async move {
                    show_feed(state, Scope::Site, String::new(), format, headers).await
                },
            ),
        );
        for (prefix, scope) in [
            ("category", Scope::Category),
            ("tag", Scope::Tag),
            ("author", Scope::Author),
        ] {
            router =
                router.route(
                    &format!("/{prefix}/{{slug}}/{}", format.file()),
                    get(
                        move |state: State<AppState>,
                              Path(slug): Path<String>,
                              headers: HeaderMap| async move {
                            show_feed(state, scope, slug, format, headers).await
                        },
                    ),
                );
        }
    }
    router
}

async fn show_feed(
    State(state): State<AppState>,
    scope: Scope,
    slug: String,
    format: Format,
    headers: HeaderMap,
) -> Response {
    let key = format!("feed:{}:{slug}:{}", scope.name(), format.file());
    serve_document(&state, key, format.content_type(), &headers, || {
        render(state.clone(), scope, slug, format)
    })
    .await
}

/// One feed item, format-neutral.
struct Item {
    id: String,
    url: String,
    title: String,
    summary: String,
    content_html: Option<String>,
    published: DateTime<Utc>,
    updated: DateTime<Utc>,
    author: Option<String>,
    categories: Vec<String>,
    image: Option<(String, &'static str)>,
}

/// A feed, format-neutral.
struct Feed {
    title: String,
    description: String,
    home_url: String,
    self_url: String,
    lang: &'static str,
    updated: DateTime<Utc>,
    items: Vec<Item>,
}

async fn render(
    state: AppState,
    scope: Scope,
    slug: String,
    format: Format,
) -> Result<Option<Rendered>, AppError> {
    let db = state.db();
    let site = state.site().await?;
    let base = state.config().base_url.clone();
    let (filter, name, archive_path) = match scope {
        Scope::Site => (ArticleFilter::default(), None, None),
        Scope::Category => match db.category_by_slug(&slug).await? {
            Some(c) => (
                ArticleFilter {
                    category_id: Some(c.id),
                    ..Default::default()
                },
                Some(c.name),
                Some(urls::category(&c.slug)),
            ),
            None => return Ok(None),
        },
        Scope::Tag => match db.tag_by_slug(&slug).await? {
            Some(t) => (
                ArticleFilter {
                    tag_id: Some(t.id),
                    ..Default::default()
                },
                Some(t.name),
                Some(urls::tag(&t.slug)),
            ),
            None => return Ok(None),
        },
        Scope::Author => match db.author_by_slug(&slug).await? {
            Some(a) => (
                ArticleFilter {
                    author_id: Some(a.id),
                    ..Default::default()
                },
                Some(a.name),
                Some(urls::author(&a.slug)),
            ),
            None => return Ok(None),
        },
    };
    let full = db.setting(FULL_CONTENT_KEY).await?.as_deref() != Some("false");
    crate::view::shows_list(&site, &filter);
    // The feed's title names its tag or author.
    sahifa_http::deps::record_all(
        filter
            .tag_id
            .map(Dep::Tag)
            .into_iter()
            .chain(filter.author_id.map(Dep::Author)),
    );
    let listing = db.published_articles(filter, ITEMS, 0).await?;
    let mut items = Vec::with_capacity(listing.items.len());
    for summary in &listing.items {
        sahifa_http::deps::record(Dep::Article(summary.id));
        if let Some(article) = db.article_by_id(summary.id).await? {
            items.push(item(&state, &base, &article, full));
        }
    }
    let site_name = site.settings.name.clone();
    let mut args = std::collections::HashMap::new();
    args.insert(
        "site".to_string(),
        sahifa_http::i18n::Arg::Text(site_name.clone()),
    );
    let description = state.catalog().get(site.lang, "feed-description", &args);
    let title = match &name {
        Some(name) => {
            args.insert(
                "name".to_string(),
                sahifa_http::i18n::Arg::Text(name.clone()),
            );
            state.catalog().get(site.lang, "feed-archive-title", &args)
        }
        None => site_name,
    };
    let updated = items
        .iter()
        .map(|i| i.updated)
        .max()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH);
    let feed = Feed {
        title,
        description,
        home_url: format!("{base}{}", archive_path.as_deref().unwrap_or("/")),
        self_url: format!("{base}{}", feed_path(archive_path.as_deref(), format)),
        lang: site.lang.code(),
        updated,
        items,
    };
    let body = match format {
        Format::Rss => rss_xml(&feed),
        Format::Atom => atom_xml(&feed)?,
        Format::Json => serde_json::to_string(&json_feed(&feed))
            .map_err(|e| AppError::Internal(format!("json feed: {e}")))?,
    };
    Ok(Some(Rendered {
        body,
        last_modified: (!feed.items.is_empty()).then_some(feed.updated),
    }))
}

fn item(state: &AppState, base: &str, a: &Article, full: bool) -> Item {
    let s = &a.summary;
    let published = s.published_at.unwrap_or(s.updated_at);
    let mut categories: Vec<String> = s.category.iter().map(|c| c.name.clone()).collect();
    categories.extend(a.tags.iter().map(|t| t.name.clone()));
    Item {
        id: short_url(state, s.id),
        url: format!("{base}{}", urls::article(&s.slug)),
        title: s.title.clone(),
        summary: s.lead.clone(),
        content_html: full.then(|| absolute_links(&a.body_html, base)),
        published,
        updated: s.updated_at.max(published),
        author: s.author.as_ref().map(|p| p.name.clone()),
        categories,
        image: s
            .image
            .as_ref()
            .filter(|i| !i.url.trim().is_empty())
            .map(|i| (absolute_url(base, i.url.trim()), image_type(&i.url))),
    }
}

/// Makes a site-relative URL absolute (feed readers show items away from the site).
pub fn absolute_url(base: &str, url: &str) -> String {
    if url.starts_with("http://") || url.starts_with("https://") {
        url.to_string()
    } else if let Some(rest) = url.strip_prefix("//") {
        format!("https://{rest}")
    } else {
        format!("{base}/{}", url.trim_start_matches('/'))
    }
}

/// Rewrites `src="/..."` and `href="/..."` (not `//host`) in sanitised body HTML to absolute.
fn absolute_links(html: &str, base: &str) -> String {
    let mut out = html.to_string();
    for attr in ["src=\"/", "href=\"/"] {
        let mut result = String::with_capacity(out.len());
        let mut rest = out.as_str();
        while let Some(pos) = rest.find(attr) {
            let after = &rest[pos + attr.len()..];
            result.push_str(&rest[..pos]);
            if after.starts_with('/') {
                result.push_str(attr);
            } else {
                result.push_str(&attr[..attr.len() - 1]);
                result.push_str(base);
                result.push('/');
            }
            rest = after;
        }
        result.push_str(rest);
        out = result;
    }
    out
}

/// The media type of an image from its extension (enclosures must name one).
pub fn image_type(url: &str) -> &'static str {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or(url)
        .to_ascii_lowercase();
    match path.rsplit('.').next().unwrap_or("") {
        "png" => "image/png",
        "webp" => "image/webp",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "avif" => "image/avif",
        _ => "image/jpeg",
    }
}

fn rss_xml(feed: &Feed) -> String {
    use rss::extension::atom::{AtomExtension, Link};
    use rss::extension::dublincore::DublinCoreExtension;
    let items = feed
        .items
        .iter()
        .map(|i| rss::Item {
            title: Some(i.title.clone()),
            link: Some(i.url.clone()),
            // Readers take an RSS description for HTML: the plain-text lead is escaped so it
            // shows as the words it is (Atom and JSON Feed mark it as text instead).
            description: Some(sahifa_text::clean::escape_html(&i.summary)),
            content: i.content_html.clone(),
            guid: Some(rss::Guid {
                value: i.id.clone(),
                permalink: false,
            }),
            pub_date: Some(i.published.to_rfc2822()),
            categories: i
                .categories
                .iter()
                .map(|c| rss::Category {
                    name: c.clone(),
                    domain: None,
                })
                .collect(),
            enclosure: i.image.as_ref().map(|(url, mime)| rss::Enclosure {
                url: url.clone(),
                // The size is unknown without fetching the file; 0 is the accepted
                // "unknown" value.
                length: "0".to_string(),
                mime_type: (*mime).to_string(),
            }),
            dublin_core_ext: i.author.as_ref().map(|name| DublinCoreExtension {
                creators: vec![name.clone()],
                ..Default::default()
            }),
            ..Default::default()
        })
        .collect();
    let channel = rss::Channel {
        title: feed.title.clone(),
        link: feed.home_url.clone(),
        description: feed.description.clone(),
        language: Some(feed.lang.to_string()),
        last_build_date: Some(feed.updated.to_rfc2822()),
        generator: Some("Sahifa".to_string()),
        atom_ext: Some(AtomExtension {
            links: vec![Link {
                href: feed.self_url.clone(),
                rel: "self".to_string(),
                mime_type: Some("application/rss+xml".to_string()),
                ..Default::default()
            }],
        }),
        items,
        ..Default::default()
    };
    // The rss crate writes the XML declaration itself.
    channel.to_string()
}

fn atom_xml(feed: &Feed) -> Result<String, AppError> {
    use atom_syndication::{Category, Content, Entry, Link, Person, Text};
    let fixed = |t: &DateTime<Utc>| t.fixed_offset();
    let entries = feed
        .items
        .iter()
        .map(|i| {
            let mut links = vec![Link {
                href: i.url.clone(),
                rel: "alternate".to_string(),
                mime_type: Some("text/html".to_string()),
                ..Default::default()
            }];
            if let Some((url, mime)) = &i.image {
                links.push(Link {
                    href: url.clone(),
                    rel: "enclosure".to_string(),
                    mime_type: Some((*mime).to_string()),
                    ..Default::default()
                });
            }
            Entry {
                title: Text::plain(i.title.clone()),
                id: i.id.clone(),
                updated: fixed(&i.updated),
                published: Some(fixed(&i.published)),
                authors: i
                    .author
                    .iter()
                    .map(|name| Person {
                        name: name.clone(),
                        ..Default::default()
                    })
                    .collect(),
                categories: i
                    .categories
                    .iter()
                    .map(|c| Category {
                        term: c.clone(),
                        ..Default::default()
                    })
                    .collect(),
                links,
                summary: (!i.summary.is_empty()).then(|| Text::plain(i.summary.clone())),
                content: i.content_html.as_ref().map(|html| Content {
                    value: Some(html.clone()),
                    content_type: Some("html".to_string()),
                    ..Default::default()
                }),
                ..Default::default()
            }
        })
        .collect();
    let atom = atom_syndication::Feed {
        title: Text::plain(feed.title.clone()),
        id: feed.self_url.clone(),
        updated: fixed(&feed.updated),
        subtitle: Some(Text::plain(feed.description.clone())),
        links: vec![
            Link {
                href: feed.home_url.clone(),
                rel: "alternate".to_string(),
                mime_type: Some("text/html".to_string()),
                ..Default::default()
            },
            Link {
                href: feed.self_url.clone(),
                rel: "self".to_string(),
                mime_type: Some("application/atom+xml".to_string()),
                ..Default::default()
            },
        ],
        generator: Some(atom_syndication::Generator {
            value: "Sahifa".to_string(),
            ..Default::default()
        }),
        lang: Some(feed.lang.to_string()),
        entries,
        ..Default::default()
    };
    let bytes = atom
        .write_to(Vec::new())
        .map_err(|e| AppError::Internal(format!("atom feed: {e}")))?;
    String::from_utf8(bytes).map_err(|e| AppError::Internal(format!("atom feed: {e}")))
}

// The JSON Feed structs declare their fields in sorted order: the document used to be a
// serde_json map, which sorts its keys, and the feed stays byte-for-byte the same.

/// A JSON Feed 1.1 document (<https://jsonfeed.org/version/1.1>).
#[derive(Debug, Serialize)]
struct JsonFeed<'a> {
    description: &'a str,
    feed_url: &'a str,
    home_page_url: &'a str,
    items: Vec<JsonFeedItem<'a>>,
    language: &'a str,
    title: &'a str,
    version: &'static str,
}

/// One JSON Feed item; exactly one of `content_html` and `content_text` is present.
#[derive(Debug, Serialize)]
struct JsonFeedItem<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    attachments: Option<[JsonFeedAttachment<'a>; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    authors: Option<[JsonFeedAuthor<'a>; 1]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_text: Option<&'a str>,
    date_modified: String,
    date_published: String,
    id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    language: &'a str,
    summary: &'a str,
    tags: &'a [String],
    title: &'a str,
    url: &'a str,
}

#[derive(Debug, Serialize)]
struct JsonFeedAttachment<'a> {
    mime_type: &'a str,
    url: &'a str,
}

#[derive(Debug, Serialize)]
struct JsonFeedAuthor<'a> {
    name: &'a str,
}

fn json_feed(feed: &Feed) -> JsonFeed<'_> {
    let items = feed
        .items
        .iter()
        .map(|i| JsonFeedItem {
            attachments: i.image.as_ref().map(|(url, mime)| {
                [JsonFeedAttachment {
                    mime_type: mime,
                    url,
                }]
            }),
            authors: i.author.as_deref().map(|name| [JsonFeedAuthor { name }]),
            content_html: i.content_html.as_deref(),
            content_text: i.content_html.is_none().then_some(i.summary.as_str()),
            date_modified: i.updated.to_rfc3339(),
            date_published: i.published.to_rfc3339(),
            id: &i.id,
            image: i.image.as_ref().map(|(url, _)| url.as_str()),
            language: feed.lang,
            summary: &i.summary,
            tags: &i.categories,
            title: &i.title,
            url: &i.url,
        })
        .collect();
    JsonFeed {
        description: &feed.description,
        feed_url: &feed.self_url,
        home_page_url: &feed.home_url,
        items,
        language: feed.lang,
        title: &feed.title,
        version: "https://jsonfeed.org/version/1.1",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_feed_keeps_sorted_keys() {
        let now = Utc::now();
        let item = |content_html: Option<String>| Item {
            id: "i".into(),
            url: "u".into(),
            title: "t".into(),
            summary: "s".into(),
            content_html,
            published: now,
            updated: now,
            author: Some("a".into()),
            categories: vec!["c".into()],
            image: Some(("/m.jpg".into(), "image/jpeg")),
        };
        let feed = Feed {
            title: "t".into(),
            description: "d".into(),
            home_url: "h".into(),
            self_url: "f".into(),
            lang: "ar",
            updated: now,
            items: vec![item(Some("<p>x</p>".into())), item(None)],
        };
        let doc = json_feed(&feed);
        let direct = serde_json::to_string(&doc).expect("serialises");
        let sorted = serde_json::to_value(&doc).expect("serialises");
        assert_eq!(direct, sorted.to_string());
        assert_eq!(sorted["items"][0]["content_html"], "<p>x</p>");
        assert!(sorted["items"][0].get("content_text").is_none());
        assert_eq!(sorted["items"][1]["content_text"], "s");
        assert!(sorted["items"][1].get("content_html").is_none());
    }

    #[test]
    fn links_become_absolute() {
        let html = r#"<p><a href="/article/x">a</a> <img src="/media/a.jpg"> <a href="//cdn/x">b</a> <a href="https://e/x">c</a></p>"#;
        assert_eq!(
            absolute_links(html, "https://n.example"),
            r#"<p><a href="https://n.example/article/x">a</a> <img src="https://n.example/media/a.jpg"> <a href="//cdn/x">b</a> <a href="https://e/x">c</a></p>"#
        );
        assert_eq!(image_type("/media/a.PNG?v=1"), "image/png");
        assert_eq!(image_type("/media/a"), "image/jpeg");
        assert_eq!(feed_path(Some("/tag/x"), Format::Json), "/tag/x/feed.json");
        assert_eq!(feed_path(None, Format::Atom), "/feed.atom");
    }
}
