//! News SEO for every page head: absolute canonical URL, meta description, Open Graph and
//! Twitter card tags, schema.org JSON-LD (`WebSite` with `SearchAction` everywhere,
//! `NewsArticle` and `BreadcrumbList` on articles), hreflang alternates and feed
//! autodiscovery links. Computed here so every theme prints the same, correct data.
//!
//! JSON-LD goes into `<script type="application/ld+json">`. The CSP forbids inline
//! *scripts*, but a JSON-LD block is data the browser never executes, so it needs no CSP
//! exception. What it does need is escaping: headlines are user content, and a `</script>`
//! inside one must not close the element. [`json_ld`] serialises with serde_json (valid
//! JSON) and then writes `<`, `>` and `&` as `\u003c`, `\u003e`, `\u0026`, which JSON
//! parsers read back as the same characters.

use sahifa_store::Article;
use serde::Serialize;

use crate::feeds::{Format, feed_path};
use sahifa_http::state::{AppState, SiteView};
use sahifa_http::urls;

/// Setting key: other-language editions of the site, as `lang=origin` pairs separated by
/// commas (`en=https://en.example.com`); each page then lists its counterparts by hreflang.
pub use sahifa_http::state::HREFLANG_KEY;

/// Serialises `value` as JSON safe to place inside a `<script>` element.
pub fn json_ld<T: Serialize + ?Sized>(value: &T) -> String {
    let text = serde_json::to_string(value).unwrap_or_else(|_| "{}".to_string());
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            // Line and paragraph separators are valid JSON but end lines in old JS parsers.
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            _ => out.push(c),
        }
    }
    out
}

/// The `seo` block of every page head (partials/seo.html, base.html).
#[derive(Debug, Serialize)]
pub struct SeoHead {
    /// Absolute canonical URL.
    canonical: String,
    description: Option<String>,
    og: Vec<OgTag>,
    twitter: Vec<TwitterTag>,
    /// Serialised, script-safe JSON-LD documents (see [`json_ld`]).
    json_ld: Vec<String>,
    /// Empty when the site has a single edition.
    hreflang: Vec<HreflangLink>,
    feeds: Vec<FeedLink>,
}

/// `<meta property="..." content="...">` (Open Graph).
#[derive(Debug, Serialize)]
pub struct OgTag {
    property: &'static str,
    content: String,
}

/// `<meta name="..." content="...">` (Twitter card).
#[derive(Debug, Serialize)]
pub struct TwitterTag {
    name: &'static str,
    content: String,
}

/// `<link rel="alternate" hreflang="..." href="...">`.
#[derive(Debug, Serialize)]
pub struct HreflangLink {
    lang: String,
    href: String,
}

/// A feed autodiscovery `<link rel="alternate">`.
#[derive(Debug, Serialize)]
pub struct FeedLink {
    #[serde(rename = "type")]
    kind: &'static str,
    title: String,
    href: String,
}

fn og(property: &'static str, content: impl Into<String>) -> OgTag {
    OgTag {
        property,
        content: content.into(),
    }
}

fn tw(name: &'static str, content: impl Into<String>) -> TwitterTag {
    TwitterTag {
        name,
        content: content.into(),
    }
}

// The JSON-LD documents below declare their keys in sorted order: they used to be
// serde_json maps, which sort, and keeping the order keeps the pages byte-for-byte stable.

/// schema.org `WebSite` with its `SearchAction`.
#[derive(Debug, Serialize)]
struct WebSite {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "inLanguage")]
    in_language: &'static str,
    name: String,
    #[serde(rename = "potentialAction")]
    potential_action: SearchAction,
    url: String,
}

#[derive(Debug, Serialize)]
struct SearchAction {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "query-input")]
    query_input: &'static str,
    target: EntryPoint,
}

#[derive(Debug, Serialize)]
struct EntryPoint {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "urlTemplate")]
    url_template: String,
}

/// schema.org `Organization`: the publisher.
#[derive(Debug, Serialize)]
struct Organization {
    #[serde(rename = "@type")]
    kind: &'static str,
    logo: ImageObject,
    name: String,
    url: String,
}

#[derive(Debug, Serialize)]
struct ImageObject {
    #[serde(rename = "@type")]
    kind: &'static str,
    url: String,
}

/// schema.org `Person`: an author.
#[derive(Debug, Serialize)]
struct Person {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: String,
    url: String,
}

/// A `NewsArticle`'s author: its writer, or the publisher when it names none.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Agent {
    Person(Person),
    Organization(Organization),
}

/// schema.org `BreadcrumbList`.
#[derive(Debug, Serialize)]
struct BreadcrumbList {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "itemListElement")]
    item_list_element: Vec<ListItem>,
}

#[derive(Debug, Serialize)]
struct ListItem {
    #[serde(rename = "@type")]
    kind: &'static str,
    item: String,
    name: String,
    position: usize,
}

/// schema.org `NewsArticle` (see [`news_article`]).
#[derive(Debug, Serialize)]
pub struct NewsArticle {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "articleSection", skip_serializing_if = "Option::is_none")]
    article_section: Option<String>,
    author: Vec<Agent>,
    #[serde(rename = "dateModified")]
    date_modified: String,
    #[serde(rename = "datePublished")]
    date_published: String,
    description: String,
    headline: String,
    image: Vec<String>,
    #[serde(rename = "inLanguage")]
    in_language: &'static str,
    #[serde(rename = "isAccessibleForFree")]
    is_accessible_for_free: bool,
    keywords: String,
    #[serde(rename = "mainEntityOfPage")]
    main_entity_of_page: WebPage,
    publisher: Organization,
    url: String,
}

#[derive(Debug, Serialize)]
struct WebPage {
    #[serde(rename = "@id")]
    id: String,
    #[serde(rename = "@type")]
    kind: &'static str,
}

fn absolute(state: &AppState, path: &str) -> String {
    crate::feeds::absolute_url(&state.config().base_url, path)
}

fn og_locale(site: &SiteView) -> &'static str {
    match site.lang.code() {
        "en" => "en_US",
        _ => "ar_AR",
    }
}

fn logo_url(state: &AppState) -> String {
    absolute(
        state,
        state
            .theme()
            .asset_url("img/logo.svg")
            .unwrap_or("/static/img/logo.svg"),
    )
}

fn website(state: &AppState, site: &SiteView) -> WebSite {
    let base = &state.config().base_url;
    WebSite {
        context: "https://schema.org",
        kind: "WebSite",
        in_language: site.lang.code(),
        name: site.settings.name.clone(),
        potential_action: SearchAction {
            kind: "SearchAction",
            query_input: "required name=search_term_string",
            target: EntryPoint {
                kind: "EntryPoint",
                url_template: format!("{base}/search?q={{search_term_string}}"),
            },
        },
        url: format!("{base}/"),
    }
}

fn publisher(state: &AppState, site: &SiteView) -> Organization {
    Organization {
        kind: "Organization",
        logo: ImageObject {
            kind: "ImageObject",
            url: logo_url(state),
        },
        name: site.settings.name.clone(),
        url: format!("{}/", state.config().base_url),
    }
}

/// The archive a canonical path belongs to (`/category/x?page=2` → `/category/x`).
fn archive_of(canonical: &str) -> Option<&str> {
    let path = canonical.split('?').next().unwrap_or(canonical);
    ["/category/", "/tag/", "/author/"]
        .iter()
        .any(|p| path.starts_with(p) && path[p.len()..].find('/').is_none() && path.len() > p.len())
        .then_some(path)
}

fn feed_links(state: &AppState, site: &SiteView, canonical: &str, title: &str) -> Vec<FeedLink> {
    let catalog = state.catalog();
    let label = |f: Format| match f {
        Format::Rss => "feed-rss",
        Format::Atom => "feed-atom",
        Format::Json => "feed-json",
    };
    let mut links = Vec::new();
    if let Some(archive) = archive_of(canonical) {
        for f in Format::ALL {
            links.push(FeedLink {
                kind: f.link_type(),
                title: format!("{title} · {}", catalog.text(site.lang, label(f))),
                href: feed_path(Some(archive), f),
            });
        }
    }
    for f in Format::ALL {
        links.push(FeedLink {
            kind: f.link_type(),
            title: format!(
                "{} · {}",
                site.settings.name,
                catalog.text(site.lang, label(f))
            ),
            href: feed_path(None, f),
        });
    }
    links
}

/// hreflang alternates for `path`, or none when the site has a single edition.
fn hreflang(
    site: &SiteView,
    own_url: &str,
    path: &str,
    alternates: Option<&str>,
) -> Vec<HreflangLink> {
    let pairs: Vec<(String, String)> = alternates
        .unwrap_or("")
        .split(',')
        .filter_map(|p| p.split_once('='))
        .map(|(l, o)| {
            (
                l.trim().to_string(),
                o.trim().trim_end_matches('/').to_string(),
            )
        })
        .filter(|(l, o)| !l.is_empty() && o.starts_with("http"))
        .collect();
    if pairs.is_empty() {
        return Vec::new();
    }
    let link = |lang: &str, href: String| HreflangLink {
        lang: lang.to_string(),
        href,
    };
    let mut out = vec![link(site.lang.code(), own_url.to_string())];
    out.extend(
        pairs
            .into_iter()
            .map(|(lang, origin)| link(&lang, format!("{origin}{path}"))),
    );
    out.push(link("x-default", own_url.to_string()));
    out
}

/// The SEO block for any page: `canonical` is the page's site-relative canonical URL,
/// `title` its heading (without the site name).
pub fn page(
    state: &AppState,
    site: &SiteView,
    canonical: &str,
    title: &str,
    description: Option<&str>,
    alternates: Option<&str>,
) -> SeoHead {
    let url = absolute(state, canonical);
    let mut og_tags = vec![
        og("og:type", "website"),
        og("og:site_name", site.settings.name.as_str()),
        og("og:title", title),
        og("og:url", url.as_str()),
        og("og:locale", og_locale(site)),
        og("og:image", logo_url(state)),
    ];
    if let Some(d) = description {
        og_tags.push(og("og:description", d));
    }
    let mut twitter = vec![tw("twitter:card", "summary"), tw("twitter:title", title)];
    if let Some(d) = description {
        twitter.push(tw("twitter:description", d));
    }
    let mut ld = vec![json_ld(&website(state, site))];
    if let Some(archive) = archive_of(canonical) {
        ld.push(json_ld(&breadcrumbs(
            state,
            site,
            &[(title.to_string(), absolute(state, archive))],
        )));
    }
    SeoHead {
        hreflang: hreflang(site, &url, canonical, alternates),
        canonical: url,
        description: description.map(str::to_string),
        og: og_tags,
        twitter,
        json_ld: ld,
        feeds: feed_links(state, site, canonical, title),
    }
}

/// What an author page's `Person` JSON-LD is made of (site-relative URLs).
#[derive(Debug, Clone, Default)]
pub struct AuthorProfile<'a> {
    /// Display name.
    pub name: &'a str,
    /// The author page's URL.
    pub url: &'a str,
    /// Biography; empty for none.
    pub bio: &'a str,
    /// The photo's URL.
    pub image: Option<&'a str>,
    /// The byline's profiles elsewhere (absolute URLs).
    pub same_as: Vec<&'a str>,
}

/// schema.org `Person` with its profile, the subject of an author page.
#[derive(Debug, Serialize)]
struct ProfilePerson {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
    name: String,
    #[serde(rename = "sameAs", skip_serializing_if = "Vec::is_empty")]
    same_as: Vec<String>,
    url: String,
}

/// The SEO block of an author page: [`page`]'s, plus the author's `Person` and photo.
pub fn author_page(
    state: &AppState,
    site: &SiteView,
    canonical: &str,
    title: &str,
    description: Option<&str>,
    author: &AuthorProfile<'_>,
) -> SeoHead {
    let mut head = page(
        state,
        site,
        canonical,
        title,
        description,
        site.hreflang.as_deref(),
    );
    let image = author.image.map(|i| absolute(state, i));
    if let Some(image) = &image {
        for tag in head.og.iter_mut().filter(|t| t.property == "og:image") {
            tag.content = image.clone();
        }
    }
    head.json_ld.push(json_ld(&ProfilePerson {
        context: "https://schema.org",
        kind: "Person",
        description: (!author.bio.is_empty()).then(|| author.bio.to_string()),
        image,
        name: author.name.to_string(),
        same_as: author.same_as.iter().map(|s| s.to_string()).collect(),
        url: absolute(state, author.url),
    }));
    head
}

fn breadcrumbs(state: &AppState, site: &SiteView, trail: &[(String, String)]) -> BreadcrumbList {
    let home = ListItem {
        kind: "ListItem",
        item: format!("{}/", state.config().base_url),
        name: site.settings.name.clone(),
        position: 1,
    };
    let items = std::iter::once(home)
        .chain(trail.iter().enumerate().map(|(n, (name, url))| ListItem {
            kind: "ListItem",
            item: url.clone(),
            name: name.clone(),
            position: n + 2,
        }))
        .collect();
    BreadcrumbList {
        context: "https://schema.org",
        kind: "BreadcrumbList",
        item_list_element: items,
    }
}

/// The schema.org `NewsArticle` of `a` (public for tests and other renderers).
pub fn news_article(state: &AppState, site: &SiteView, a: &Article) -> NewsArticle {
    let s = &a.summary;
    let url = absolute(state, &urls::article(&s.slug));
    let published = s.published_at.unwrap_or(s.updated_at);
    let modified = s.updated_at.max(published);
    let image = s
        .image
        .as_ref()
        .map(|i| vec![absolute(state, &i.url)])
        .unwrap_or_else(|| vec![logo_url(state)]);
    let mut authors: Vec<Agent> = s
        .author
        .iter()
        .map(|p| {
            Agent::Person(Person {
                kind: "Person",
                name: p.name.clone(),
                url: absolute(state, &urls::author(&p.slug)),
            })
        })
        .collect();
    if authors.is_empty() {
        authors.push(Agent::Organization(publisher(state, site)));
    }
    let keywords: Vec<&str> = a.tags.iter().map(|t| t.name.as_str()).collect();
    NewsArticle {
        context: "https://schema.org",
        kind: "NewsArticle",
        article_section: s.category.as_ref().map(|c| c.name.clone()),
        author: authors,
        date_modified: modified.to_rfc3339(),
        date_published: published.to_rfc3339(),
        description: s.lead.clone(),
        headline: s.title.clone(),
        image,
        in_language: site.lang.code(),
        is_accessible_for_free: true,
        keywords: keywords.join("، "),
        main_entity_of_page: WebPage {
            id: url.clone(),
            kind: "WebPage",
        },
        publisher: publisher(state, site),
        url,
    }
}

/// The SEO block for an article page.
pub fn article(
    state: &AppState,
    site: &SiteView,
    a: &Article,
    alternates: Option<&str>,
) -> SeoHead {
    let s = &a.summary;
    let canonical = urls::article(&s.slug);
    let description = (!s.lead.is_empty()).then_some(s.lead.as_str());
    let mut seo = page(state, site, &canonical, &s.title, description, alternates);
    let published = s.published_at.unwrap_or(s.updated_at);
    let mut og_tags = vec![
        og("og:type", "article"),
        og("og:site_name", site.settings.name.as_str()),
        og("og:title", s.title.as_str()),
        og("og:url", seo.canonical.as_str()),
        og("og:locale", og_locale(site)),
    ];
    if let Some(d) = description {
        og_tags.push(og("og:description", d));
    }
    let card = if s.image.is_some() {
        "summary_large_image"
    } else {
        "summary"
    };
    let mut twitter = vec![
        tw("twitter:card", card),
        tw("twitter:title", s.title.as_str()),
    ];
    if let Some(d) = description {
        twitter.push(tw("twitter:description", d));
    }
    match &s.image {
        Some(image) => {
            let src = absolute(state, &image.url);
            og_tags.push(og("og:image", src.as_str()));
            if let Some(w) = image.width {
                og_tags.push(og("og:image:width", w.to_string()));
            }
            if let Some(h) = image.height {
                og_tags.push(og("og:image:height", h.to_string()));
            }
            if !image.alt.is_empty() {
                og_tags.push(og("og:image:alt", image.alt.as_str()));
                twitter.push(tw("twitter:image:alt", image.alt.as_str()));
            }
            twitter.push(tw("twitter:image", src));
        }
        None => og_tags.push(og("og:image", logo_url(state))),
    }
    og_tags.push(og("article:published_time", published.to_rfc3339()));
    og_tags.push(og(
        "article:modified_time",
        s.updated_at.max(published).to_rfc3339(),
    ));
    if let Some(c) = &s.category {
        og_tags.push(og("article:section", c.name.as_str()));
    }
    for t in &a.tags {
        og_tags.push(og("article:tag", t.name.as_str()));
    }
    let mut trail = Vec::new();
    if let Some(c) = &s.category {
        trail.push((c.name.clone(), absolute(state, &urls::category(&c.slug))));
    }
    trail.push((s.title.clone(), absolute(state, &canonical)));
    seo.og = og_tags;
    seo.twitter = twitter;
    seo.json_ld = vec![
        json_ld(&news_article(state, site, a)),
        json_ld(&breadcrumbs(state, site, &trail)),
        json_ld(&website(state, site)),
    ];
    seo
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    #[test]
    fn json_ld_cannot_close_the_script() {
        let v = json!({"headline": "«عاجل» </script><script>alert(1)</script> & \"quotes\""});
        let out = json_ld(&v);
        assert!(!out.contains('<') && !out.contains('>') && !out.contains('&'));
        let back: Value = serde_json::from_str(&out).expect("valid JSON");
        assert_eq!(back, v);
    }

    #[test]
    fn json_ld_keeps_sorted_keys() {
        let publisher = || Organization {
            kind: "Organization",
            logo: ImageObject {
                kind: "ImageObject",
                url: "l".into(),
            },
            name: "n".into(),
            url: "u".into(),
        };
        let article = NewsArticle {
            context: "https://schema.org",
            kind: "NewsArticle",
            article_section: Some("s".into()),
            author: vec![
                Agent::Person(Person {
                    kind: "Person",
                    name: "p".into(),
                    url: "u".into(),
                }),
                Agent::Organization(publisher()),
            ],
            date_modified: "m".into(),
            date_published: "p".into(),
            description: "d".into(),
            headline: "h".into(),
            image: vec!["i".into()],
            in_language: "ar",
            is_accessible_for_free: true,
            keywords: "k".into(),
            main_entity_of_page: WebPage {
                id: "u".into(),
                kind: "WebPage",
            },
            publisher: publisher(),
            url: "u".into(),
        };
        let site = WebSite {
            context: "https://schema.org",
            kind: "WebSite",
            in_language: "ar",
            name: "n".into(),
            potential_action: SearchAction {
                kind: "SearchAction",
                query_input: "q",
                target: EntryPoint {
                    kind: "EntryPoint",
                    url_template: "t".into(),
                },
            },
            url: "u".into(),
        };
        let crumbs = BreadcrumbList {
            context: "https://schema.org",
            kind: "BreadcrumbList",
            item_list_element: vec![ListItem {
                kind: "ListItem",
                item: "i".into(),
                name: "n".into(),
                position: 1,
            }],
        };
        fn sorted<T: Serialize>(v: &T) -> String {
            serde_json::to_value(v).expect("serialises").to_string()
        }
        assert_eq!(json_ld(&article), sorted(&article));
        assert_eq!(json_ld(&site), sorted(&site));
        assert_eq!(json_ld(&crumbs), sorted(&crumbs));
    }

    #[test]
    fn archives_from_canonical() {
        assert_eq!(archive_of("/category/x?page=2"), Some("/category/x"));
        assert_eq!(archive_of("/tag/y"), Some("/tag/y"));
        assert_eq!(archive_of("/article/z"), None);
        assert_eq!(archive_of("/"), None);
    }
}
