//! View models: what templates receive (see docs/THEMES.md). Everything a template prints
//! is computed here, so themes stay logic-free and every theme gets the same dates, digits
//! and URLs.

use chrono::{DateTime, Utc};
use sahifa_store::{Article, ArticleSummary, Image};
use sahifa_text::dates::{format_date, format_hijri, format_time};
use serde::Serialize;
use serde_json::{Value, json};

use sahifa_http::error::AppError;
use sahifa_http::state::{AppState, SiteView};
use sahifa_http::urls;

/// Name and link of a category, tag or author.
#[derive(Debug, Serialize)]
pub struct Link {
    /// Display name.
    pub name: String,
    /// Site-relative URL.
    pub url: String,
}

/// An image as templates print it.
#[derive(Debug, Serialize)]
pub struct ImageView {
    src: String,
    alt: String,
    caption: String,
    width: Option<i64>,
    height: Option<i64>,
    /// Responsive variants in the original format, `url 320w, url 640w, ...`.
    srcset: Option<String>,
    /// The same widths as WebP, for a `<source type="image/webp">`.
    srcset_webp: Option<String>,
}

impl From<&Image> for ImageView {
    fn from(i: &Image) -> Self {
        let (srcset, srcset_webp) = sahifa_http::media::srcsets_for_url(&i.url, i.width).unzip();
        ImageView {
            src: i.url.clone(),
            alt: i.alt.clone(),
            caption: i.caption.clone(),
            width: i.width,
            height: i.height,
            srcset,
            srcset_webp,
        }
    }
}

/// An article teaser.
#[derive(Debug, Serialize)]
pub struct Card {
    title: String,
    url: String,
    lead: String,
    date_display: String,
    date_iso: String,
    category: Option<Link>,
    author: Option<Link>,
    image: Option<ImageView>,
    comment_count: i64,
}

/// Formats a UTC time for display in the site's zone, language and digits.
pub fn display_date(site: &SiteView, at: &DateTime<Utc>) -> String {
    format_date(&at.with_timezone(&site.tz), site.lang, site.digits)
}

/// Card for one summary.
pub fn card(site: &SiteView, a: &ArticleSummary) -> Card {
    let published = a.published_at.unwrap_or(a.updated_at);
    Card {
        title: a.title.clone(),
        url: urls::article(&a.slug),
        lead: a.lead.clone(),
        date_display: display_date(site, &published),
        date_iso: published.to_rfc3339(),
        category: a.category.as_ref().map(|c| Link {
            name: c.name.clone(),
            url: urls::category(&c.slug),
        }),
        author: a.author.as_ref().map(|p| Link {
            name: p.name.clone(),
            url: urls::author(&p.slug),
        }),
        image: a.image.as_ref().map(ImageView::from),
        comment_count: a.comment_count,
    }
}

/// Cards for many summaries.
pub fn cards(site: &SiteView, items: &[ArticleSummary]) -> Vec<Card> {
    items.iter().map(|a| card(site, a)).collect()
}

/// The pagination block, or `null` for a single page.
pub fn pagination(base: &str, current: i64, total_pages: i64) -> Value {
    if total_pages <= 1 {
        return Value::Null;
    }
    let mut pages = Vec::new();
    let mut last_shown = 0;
    for n in 1..=total_pages {
        // First, last and two either side of the current page; gaps collapse to one "…".
        let near = (n - current).abs() <= 2;
        if n == 1 || n == total_pages || near {
            if n - last_shown > 1 {
                pages.push(json!({"number": null, "url": null, "current": false, "gap": true}));
            }
            pages.push(json!({"number": n, "url": urls::paged(base, n), "current": n == current, "gap": false}));
            last_shown = n;
        }
    }
    json!({
        "current": current,
        "total": total_pages,
        "prev_url": (current > 1).then(|| urls::paged(base, current - 1)),
        "next_url": (current < total_pages).then(|| urls::paged(base, current + 1)),
        "pages": pages,
    })
}

/// Number of pages for `total` items at `per_page` (at least one).
pub fn page_count(total: i64, per_page: i64) -> i64 {
    ((total + per_page - 1) / per_page).max(1)
}

/// The full article view.
pub fn article(state: &AppState, site: &SiteView, a: &Article) -> Value {
    let s = &a.summary;
    let published = s.published_at.unwrap_or(s.updated_at);
    let local = published.with_timezone(&site.tz);
    let url = urls::article(&s.slug);
    let absolute_url = format!("{}{}", state.config().base_url, url);
    let plain = sahifa_text::markdown::to_plain_text(&a.body_md);
    // An edit within the first minutes is a correction, not an update worth announcing.
    let updated =
        (s.updated_at - published > chrono::Duration::minutes(10)).then_some(s.updated_at);
    json!({
        "title": s.title,
        "lead": s.lead,
        "url": url,
        "absolute_url": absolute_url,
        "date_display": format_date(&local, site.lang, site.digits),
        "date_iso": published.to_rfc3339(),
        "time_display": format_time(&local, site.lang, site.digits),
        "hijri_display": format_hijri(local.date_naive(), site.lang, site.digits),
        "updated_display": updated.map(|u| display_date(site, &u)),
        "updated_iso": updated.map(|u| u.to_rfc3339()),
        "reading_minutes": sahifa_text::reading::reading_minutes(&plain),
        "author": s.author.as_ref().map(|p| Link { name: p.name.clone(), url: urls::author(&p.slug) }),
        "category": s.category.as_ref().map(|c| Link { name: c.name.clone(), url: urls::category(&c.slug) }),
        "image": s.image.as_ref().map(ImageView::from),
        "dateline": a.dateline,
        "source": a.source,
        "body_html": a.body_html,
        "tags": a.tags.iter().map(|t| Link { name: t.name.clone(), url: urls::tag(&t.slug) }).collect::<Vec<_>>(),
        // Share text carries the short link: stable across slug edits and short in a chat,
        // where a percent-encoded Arabic slug would run to hundreds of characters.
        "short_url": crate::distribution::short_url(state, s.id),
        "share": share_links(&crate::distribution::short_url(state, s.id), &s.title),
    })
}

/// Share targets with the Arabic title and URL percent-encoded into each network's
/// share endpoint.
pub fn share_links(absolute_url: &str, title: &str) -> Value {
    let u = urls::query_value(absolute_url);
    let t = urls::query_value(title);
    json!([
        {"network": "telegram", "url": format!("https://t.me/share/url?url={u}&text={t}")},
        {"network": "whatsapp", "url": format!("https://wa.me/?text={t}%20{u}")},
        {"network": "x", "url": format!("https://x.com/intent/post?url={u}&text={t}")},
        {"network": "facebook", "url": format!("https://www.facebook.com/sharer/sharer.php?u={u}")},
        {"network": "copy", "url": absolute_url},
    ])
}

/// Renders `template` with the page-specific `ctx` plus what every page receives.
pub fn render(
    state: &AppState,
    site: &SiteView,
    template: &str,
    title: &str,
    description: Option<&str>,
    canonical: &str,
    mut ctx: Value,
) -> Result<String, AppError> {
    let settings = &site.settings;
    let nav: Vec<Value> = site
        .categories
        .iter()
        .filter(|c| c.parent_id.is_none())
        .map(|c| {
            let url = urls::category(&c.slug);
            json!({"name": c.name, "current": canonical.starts_with(&url), "url": url})
        })
        .collect();
    let telegram_url = (!settings.telegram_channel.trim().is_empty()).then(|| {
        format!(
            "https://t.me/{}",
            urls::query_value(settings.telegram_channel.trim().trim_start_matches('@'))
        )
    });
    let common = json!({
        "lang": site.lang.code(),
        "dir": site.dir(),
        "digit_style": site.digits.as_str(),
        "site": {
            "name": settings.name,
            "tagline": settings.tagline,
            "telegram_url": telegram_url,
            "home_url": "/",
        },
        "nav": nav,
        "page": {
            "title": title,
            "description": description,
            "canonical": canonical,
        },
        "search_url": "/search",
        "seo": crate::seo::page(state, site, canonical, title, description, site.hreflang.as_deref()),
        "feed_url": crate::feeds::feed_path(None, crate::feeds::Format::Rss),
        "year": chrono::Utc::now().with_timezone(&site.tz).format("%Y").to_string(),
    });
    if let (Value::Object(target), Value::Object(common)) = (&mut ctx, common) {
        for (k, v) in common {
            target.entry(k).or_insert(v);
        }
    }
    Ok(state.theme().render(
        template,
        minijinja::Value::from(minijinja::value::Serde(ctx)),
    )?)
}
