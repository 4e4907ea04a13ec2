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
use serde_json::{Value, json};

use crate::feeds::{Format, feed_path};
use sahifa_http::state::{AppState, SiteView};
use sahifa_http::urls;

/// Setting key: other-language editions of the site, as `lang=origin` pairs separated by
/// commas (`en=https://en.example.com`); each page then lists its counterparts by hreflang.
pub use sahifa_http::state::HREFLANG_KEY;

/// Serialises `value` as JSON safe to place inside a `<script>` element.
pub fn json_ld(value: &Value) -> String {
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

fn website(state: &AppState, site: &SiteView) -> Value {
    let base = &state.config().base_url;
    json!({
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": site.settings.name,
        "url": format!("{base}/"),
        "inLanguage": site.lang.code(),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": format!("{base}/search?q={{search_term_string}}"),
            },
            "query-input": "required name=search_term_string",
        },
    })
}

fn publisher(state: &AppState, site: &SiteView) -> Value {
    json!({
        "@type": "Organization",
        "name": site.settings.name,
        "url": format!("{}/", state.config().base_url),
        "logo": {"@type": "ImageObject", "url": logo_url(state)},
    })
}

/// The archive a canonical path belongs to (`/category/x?page=2` → `/category/x`).
fn archive_of(canonical: &str) -> Option<&str> {
    let path = canonical.split('?').next().unwrap_or(canonical);
    ["/category/", "/tag/", "/author/"]
        .iter()
        .any(|p| path.starts_with(p) && path[p.len()..].find('/').is_none() && path.len() > p.len())
        .then_some(path)
}

fn feed_links(state: &AppState, site: &SiteView, canonical: &str, title: &str) -> Vec<Value> {
    let catalog = state.catalog();
    let label = |f: Format| match f {
        Format::Rss => "feed-rss",
        Format::Atom => "feed-atom",
        Format::Json => "feed-json",
    };
    let mut links = Vec::new();
    if let Some(archive) = archive_of(canonical) {
        for f in Format::ALL {
            links.push(json!({
                "type": f.link_type(),
                "title": format!("{title} · {}", catalog.text(site.lang, label(f))),
                "href": feed_path(Some(archive), f),
            }));
        }
    }
    for f in Format::ALL {
        links.push(json!({
            "type": f.link_type(),
            "title": format!("{} · {}", site.settings.name, catalog.text(site.lang, label(f))),
            "href": feed_path(None, f),
        }));
    }
    links
}

/// hreflang alternates for `path`, or none when the site has a single edition.
fn hreflang(site: &SiteView, own_url: &str, path: &str, alternates: Option<&str>) -> Vec<Value> {
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
    let mut out = vec![json!({"lang": site.lang.code(), "href": own_url})];
    out.extend(
        pairs
            .into_iter()
            .map(|(lang, origin)| json!({"lang": lang, "href": format!("{origin}{path}")})),
    );
    out.push(json!({"lang": "x-default", "href": own_url}));
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
) -> Value {
    let url = absolute(state, canonical);
    let mut og = vec![
        json!({"property": "og:type", "content": "website"}),
        json!({"property": "og:site_name", "content": site.settings.name}),
        json!({"property": "og:title", "content": title}),
        json!({"property": "og:url", "content": url}),
        json!({"property": "og:locale", "content": og_locale(site)}),
        json!({"property": "og:image", "content": logo_url(state)}),
    ];
    if let Some(d) = description {
        og.push(json!({"property": "og:description", "content": d}));
    }
    let mut twitter = vec![
        json!({"name": "twitter:card", "content": "summary"}),
        json!({"name": "twitter:title", "content": title}),
    ];
    if let Some(d) = description {
        twitter.push(json!({"name": "twitter:description", "content": d}));
    }
    let mut ld = vec![json_ld(&website(state, site))];
    if let Some(archive) = archive_of(canonical) {
        ld.push(json_ld(&breadcrumbs(
            state,
            site,
            &[(title.to_string(), absolute(state, archive))],
        )));
    }
    json!({
        "canonical": url,
        "description": description,
        "og": og,
        "twitter": twitter,
        "json_ld": ld,
        "hreflang": hreflang(site, &url, canonical, alternates),
        "feeds": feed_links(state, site, canonical, title),
    })
}

fn breadcrumbs(state: &AppState, site: &SiteView, trail: &[(String, String)]) -> Value {
    let mut items = vec![json!({
        "@type": "ListItem",
        "position": 1,
        "name": site.settings.name,
        "item": format!("{}/", state.config().base_url),
    })];
    for (n, (name, url)) in trail.iter().enumerate() {
        items.push(json!({"@type": "ListItem", "position": n + 2, "name": name, "item": url}));
    }
    json!({"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items})
}

/// The schema.org `NewsArticle` of `a` (public for tests and other renderers).
pub fn news_article(state: &AppState, site: &SiteView, a: &Article) -> Value {
    let s = &a.summary;
    let url = absolute(state, &urls::article(&s.slug));
    let published = s.published_at.unwrap_or(s.updated_at);
    let modified = s.updated_at.max(published);
    let image = s
        .image
        .as_ref()
        .map(|i| vec![absolute(state, &i.url)])
        .unwrap_or_else(|| vec![logo_url(state)]);
    let authors: Vec<Value> = s
        .author
        .iter()
        .map(|p| json!({"@type": "Person", "name": p.name, "url": absolute(state, &urls::author(&p.slug))}))
        .collect();
    let keywords: Vec<&str> = a.tags.iter().map(|t| t.name.as_str()).collect();
    let mut value = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": s.title,
        "description": s.lead,
        "image": image,
        "datePublished": published.to_rfc3339(),
        "dateModified": modified.to_rfc3339(),
        "author": if authors.is_empty() { vec![publisher(state, site)] } else { authors },
        "publisher": publisher(state, site),
        "keywords": keywords.join("، "),
        "inLanguage": site.lang.code(),
        "isAccessibleForFree": true,
    });
    if let Some(c) = &s.category {
        value["articleSection"] = json!(c.name);
    }
    value
}

/// The SEO block for an article page.
pub fn article(state: &AppState, site: &SiteView, a: &Article, alternates: Option<&str>) -> Value {
    let s = &a.summary;
    let canonical = urls::article(&s.slug);
    let description = (!s.lead.is_empty()).then_some(s.lead.as_str());
    let mut seo = page(state, site, &canonical, &s.title, description, alternates);
    let published = s.published_at.unwrap_or(s.updated_at);
    let mut og = vec![
        json!({"property": "og:type", "content": "article"}),
        json!({"property": "og:site_name", "content": site.settings.name}),
        json!({"property": "og:title", "content": s.title}),
        json!({"property": "og:url", "content": seo["canonical"]}),
        json!({"property": "og:locale", "content": og_locale(site)}),
    ];
    if let Some(d) = description {
        og.push(json!({"property": "og:description", "content": d}));
    }
    let mut twitter = vec![
        json!({"name": "twitter:card", "content": if s.image.is_some() { "summary_large_image" } else { "summary" }}),
        json!({"name": "twitter:title", "content": s.title}),
    ];
    if let Some(d) = description {
        twitter.push(json!({"name": "twitter:description", "content": d}));
    }
    match &s.image {
        Some(image) => {
            let src = absolute(state, &image.url);
            og.push(json!({"property": "og:image", "content": src}));
            if let Some(w) = image.width {
                og.push(json!({"property": "og:image:width", "content": w.to_string()}));
            }
            if let Some(h) = image.height {
                og.push(json!({"property": "og:image:height", "content": h.to_string()}));
            }
            if !image.alt.is_empty() {
                og.push(json!({"property": "og:image:alt", "content": image.alt}));
                twitter.push(json!({"name": "twitter:image:alt", "content": image.alt}));
            }
            twitter.push(json!({"name": "twitter:image", "content": src}));
        }
        None => og.push(json!({"property": "og:image", "content": logo_url(state)})),
    }
    og.push(json!({"property": "article:published_time", "content": published.to_rfc3339()}));
    og.push(json!({"property": "article:modified_time", "content": s.updated_at.max(published).to_rfc3339()}));
    if let Some(c) = &s.category {
        og.push(json!({"property": "article:section", "content": c.name}));
    }
    for t in &a.tags {
        og.push(json!({"property": "article:tag", "content": t.name}));
    }
    let mut trail = Vec::new();
    if let Some(c) = &s.category {
        trail.push((c.name.clone(), absolute(state, &urls::category(&c.slug))));
    }
    trail.push((s.title.clone(), absolute(state, &canonical)));
    seo["og"] = json!(og);
    seo["twitter"] = json!(twitter);
    seo["json_ld"] = json!([
        json_ld(&news_article(state, site, a)),
        json_ld(&breadcrumbs(state, site, &trail)),
        json_ld(&website(state, site)),
    ]);
    seo
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_ld_cannot_close_the_script() {
        let v = json!({"headline": "«عاجل» </script><script>alert(1)</script> & \"quotes\""});
        let out = json_ld(&v);
        assert!(!out.contains('<') && !out.contains('>') && !out.contains('&'));
        let back: Value = serde_json::from_str(&out).expect("valid JSON");
        assert_eq!(back, v);
    }

    #[test]
    fn archives_from_canonical() {
        assert_eq!(archive_of("/category/x?page=2"), Some("/category/x"));
        assert_eq!(archive_of("/tag/y"), Some("/tag/y"));
        assert_eq!(archive_of("/article/z"), None);
        assert_eq!(archive_of("/"), None);
    }
}
