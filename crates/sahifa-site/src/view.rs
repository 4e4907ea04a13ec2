//! View models: what templates receive (see docs/THEMES.md). Everything a template prints
//! is computed here, so themes stay logic-free and every theme gets the same dates, digits
//! and URLs.

use chrono::{DateTime, Utc};
use sahifa_store::{Article, ArticleFilter, ArticleSummary, Dep, Image};
use sahifa_text::dates::{format_date, format_hijri, format_time};
use serde::Serialize;
use serde_json::Value;

use sahifa_http::error::AppError;
use sahifa_http::state::{AppState, SiteView};
use sahifa_http::urls;

use crate::seo::SeoHead;

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

/// An article teaser (partials/card.html).
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

fn author_link(p: &sahifa_store::Named) -> Link {
    Link {
        name: p.name.clone(),
        url: urls::author(&p.slug),
    }
}

fn category_link(c: &sahifa_store::Named) -> Link {
    Link {
        name: c.name.clone(),
        url: urls::category(&c.slug),
    }
}

/// Notes, for the page being rendered, that it shows this summary: the article and its
/// byline's name (category names come with the site, see `AppState::site`).
fn shows_summary(a: &ArticleSummary) {
    sahifa_http::deps::record(Dep::Article(a.id));
    if let Some(author) = &a.author {
        sahifa_http::deps::record(Dep::Author(author.id));
    }
}

/// Notes, for the page being rendered, that it lists the articles `filter` selects: a
/// category's list takes in its subcategories', so each of them counts.
pub fn shows_list(site: &SiteView, filter: &ArticleFilter) {
    use sahifa_http::deps::record;
    if let Some(category) = filter.category_id {
        let mut within = vec![category];
        let mut i = 0;
        while let Some(&parent) = within.get(i) {
            for child in site
                .categories
                .iter()
                .filter(|c| c.parent_id == Some(parent))
            {
                if !within.contains(&child.id) {
                    within.push(child.id);
                }
            }
            i += 1;
        }
        sahifa_http::deps::record_all(within.into_iter().map(Dep::InCategory));
    }
    if let Some(tag) = filter.tag_id {
        record(Dep::InTag(tag));
    }
    if let Some(author) = filter.author_id {
        record(Dep::ByAuthor(author));
    }
    if filter.category_id.is_none() && filter.tag_id.is_none() && filter.author_id.is_none() {
        record(Dep::Latest);
    }
}

/// Card for one summary.
pub fn card(site: &SiteView, a: &ArticleSummary) -> Card {
    shows_summary(a);
    let published = a.published_at.unwrap_or(a.updated_at);
    Card {
        title: a.title.clone(),
        url: urls::article(&a.slug),
        lead: a.lead.clone(),
        date_display: display_date(site, &published),
        date_iso: published.to_rfc3339(),
        category: a.category.as_ref().map(category_link),
        author: a.author.as_ref().map(author_link),
        image: a.image.as_ref().map(ImageView::from),
        comment_count: a.comment_count,
    }
}

/// Cards for many summaries.
pub fn cards(site: &SiteView, items: &[ArticleSummary]) -> Vec<Card> {
    items.iter().map(|a| card(site, a)).collect()
}

/// The pagination block (partials/pagination.html); [`pagination`] gives `None`, which
/// templates see as `null`, for a single page.
#[derive(Debug, Serialize)]
pub struct Pagination {
    /// 1-based current page.
    pub current: i64,
    /// Number of pages.
    pub total: i64,
    /// The previous page, absent on the first.
    pub prev_url: Option<String>,
    /// The next page, absent on the last.
    pub next_url: Option<String>,
    /// The numbered links, with gaps.
    pub pages: Vec<PageLink>,
}

/// One entry of [`Pagination::pages`]: a numbered link, or a gap (number and URL null).
#[derive(Debug, Serialize)]
pub struct PageLink {
    /// The page number; `None` for a gap.
    pub number: Option<i64>,
    /// Its URL; `None` for a gap.
    pub url: Option<String>,
    /// Whether this is the page shown.
    pub current: bool,
    /// Whether this entry stands for pages left out ("…").
    pub gap: bool,
}

impl PageLink {
    const GAP: PageLink = PageLink {
        number: None,
        url: None,
        current: false,
        gap: true,
    };
}

/// The numbered links of a pagination block: first, last and two either side of the
/// current page; gaps collapse to one "…". `url` builds a page's URL.
pub fn page_links(current: i64, total_pages: i64, url: impl Fn(i64) -> String) -> Vec<PageLink> {
    let mut pages = Vec::new();
    let mut last_shown = 0;
    for n in 1..=total_pages {
        let near = (n - current).abs() <= 2;
        if n == 1 || n == total_pages || near {
            if n - last_shown > 1 {
                pages.push(PageLink::GAP);
            }
            pages.push(PageLink {
                number: Some(n),
                url: Some(url(n)),
                current: n == current,
                gap: false,
            });
            last_shown = n;
        }
    }
    pages
}

/// A pagination block whose page URLs `url` builds, or `None` for a single page.
pub fn pagination_with(
    current: i64,
    total_pages: i64,
    url: impl Fn(i64) -> String,
) -> Option<Pagination> {
    if total_pages <= 1 {
        return None;
    }
    Some(Pagination {
        current,
        total: total_pages,
        prev_url: (current > 1).then(|| url(current - 1)),
        next_url: (current < total_pages).then(|| url(current + 1)),
        pages: page_links(current, total_pages, &url),
    })
}

/// The pagination block of `base` (`?page=N`), or `None` (`null`) for a single page.
pub fn paginate(base: &str, current: i64, total_pages: i64) -> Option<Pagination> {
    pagination_with(current, total_pages, |n| urls::paged(base, n))
}

/// Number of pages for `total` items at `per_page` (at least one).
pub fn page_count(total: i64, per_page: i64) -> i64 {
    ((total + per_page - 1) / per_page).max(1)
}

/// The full article view (`article` in article.html).
#[derive(Debug, Serialize)]
pub struct ArticleView {
    title: String,
    lead: String,
    url: String,
    absolute_url: String,
    date_display: String,
    date_iso: String,
    time_display: String,
    hijri_display: String,
    /// Only for an edit made well after publication.
    updated_display: Option<String>,
    updated_iso: Option<String>,
    reading_minutes: u32,
    author: Option<Link>,
    category: Option<Link>,
    image: Option<ImageView>,
    dateline: Option<String>,
    source: Option<String>,
    /// The body's pieces: HTML and embed cards.
    body: Vec<crate::body::BodyPart>,
    /// The dateline leads the first paragraph (whose opening tag the template writes).
    dateline_inline: bool,
    /// Where its embeds are framed from, for the page's CSP.
    #[serde(skip)]
    pub frame_origins: Vec<&'static str>,
    tags: Vec<Link>,
    // Share text carries the short link: stable across slug edits and short in a chat,
    // where a percent-encoded Arabic slug would run to hundreds of characters.
    short_url: String,
    share: Vec<ShareLink>,
}

/// The full article view.
pub fn article(state: &AppState, site: &SiteView, a: &Article) -> ArticleView {
    let s = &a.summary;
    shows_summary(s);
    sahifa_http::deps::record_all(a.tags.iter().map(|t| Dep::Tag(t.id)));
    let published = s.published_at.unwrap_or(s.updated_at);
    let local = published.with_timezone(&site.tz);
    let url = urls::article(&s.slug);
    let absolute_url = format!("{}{}", state.config().base_url, url);
    let plain = sahifa_text::body::plain_text(&a.body_html);
    // An edit within the first minutes is a correction, not an update worth announcing.
    let updated =
        (s.updated_at - published > chrono::Duration::minutes(10)).then_some(s.updated_at);
    let short_url = crate::distribution::short_url(state, s.id);
    let page_body = crate::body::page_body(&a.body_html, a.dateline.is_some());
    ArticleView {
        title: s.title.clone(),
        lead: s.lead.clone(),
        url,
        absolute_url,
        date_display: format_date(&local, site.lang, site.digits),
        date_iso: published.to_rfc3339(),
        time_display: format_time(&local, site.lang, site.digits),
        hijri_display: format_hijri(local.date_naive(), site.lang, site.digits),
        updated_display: updated.map(|u| display_date(site, &u)),
        updated_iso: updated.map(|u| u.to_rfc3339()),
        reading_minutes: sahifa_text::reading::reading_minutes(&plain),
        author: s.author.as_ref().map(author_link),
        category: s.category.as_ref().map(category_link),
        image: s.image.as_ref().map(ImageView::from),
        dateline: a.dateline.clone(),
        source: a.source.clone(),
        body: page_body.parts,
        dateline_inline: page_body.opens_paragraph,
        frame_origins: page_body.frame_origins,
        tags: a
            .tags
            .iter()
            .map(|t| Link {
                name: t.name.clone(),
                url: urls::tag(&t.slug),
            })
            .collect(),
        share: share_links(&short_url, &s.title),
        short_url,
    }
}

/// One share target (partials/share.html).
#[derive(Debug, Serialize)]
pub struct ShareLink {
    /// `telegram`, `whatsapp`, `x`, `facebook` or `copy`.
    pub network: &'static str,
    /// The network's share endpoint, or for `copy` the URL itself.
    pub url: String,
}

/// Share targets with the Arabic title and URL percent-encoded into each network's
/// share endpoint.
pub fn share_links(absolute_url: &str, title: &str) -> Vec<ShareLink> {
    let u = urls::query_value(absolute_url);
    let t = urls::query_value(title);
    let link = |network, url| ShareLink { network, url };
    vec![
        link(
            "telegram",
            format!("https://t.me/share/url?url={u}&text={t}"),
        ),
        link("whatsapp", format!("https://wa.me/?text={t}%20{u}")),
        link("x", format!("https://x.com/intent/post?url={u}&text={t}")),
        link(
            "facebook",
            format!("https://www.facebook.com/sharer/sharer.php?u={u}"),
        ),
        link("copy", absolute_url.to_string()),
    ]
}

/// What every page receives besides its own context (base.html).
#[derive(Debug, Serialize)]
pub struct LayoutContext<'a> {
    lang: &'static str,
    dir: &'static str,
    digit_style: &'static str,
    site: SiteContext<'a>,
    nav: Vec<NavItem>,
    /// The footer menu's items (empty when none is defined).
    footer_nav: Vec<NavItem>,
    page: PageHead<'a>,
    search_url: &'static str,
    seo: SeoHead,
    feed_url: String,
    /// The current year in the site's zone, for the footer.
    year: String,
    /// The breaking ticker (partials/breaking.html); empty when nothing is breaking.
    breaking: Vec<BreakingItem>,
}

/// `site` in every template.
#[derive(Debug, Serialize)]
struct SiteContext<'a> {
    name: &'a str,
    tagline: &'a str,
    /// The site's Telegram channel, when it has one.
    telegram_url: Option<String>,
    home_url: &'static str,
}

/// A top-level category in the main menu, or an item of the header or footer menu.
#[derive(Debug, Serialize)]
pub(crate) struct NavItem {
    pub(crate) name: String,
    /// Whether the page shown is in this section.
    pub(crate) current: bool,
    pub(crate) url: String,
    /// A menu item's nested items (one level; always empty for categories).
    pub(crate) children: Vec<NavItem>,
}

/// `page` in every template: what the `<head>` prints.
#[derive(Debug, Serialize)]
struct PageHead<'a> {
    title: &'a str,
    description: Option<&'a str>,
    canonical: &'a str,
}

/// The layout context of a page with this title, description and canonical URL.
pub fn layout<'a>(
    state: &AppState,
    site: &'a SiteView,
    title: &'a str,
    description: Option<&'a str>,
    canonical: &'a str,
) -> LayoutContext<'a> {
    let settings = &site.settings;
    // The header menu when the newsroom defined one; otherwise the top-level categories,
    // so a site that never opened the menu editor keeps its navigation.
    let header = crate::menus::menu(site, sahifa_store::menus::MenuLocation::Header, canonical);
    let nav = if !header.is_empty() {
        header
    } else {
        site.categories
            .iter()
            .filter(|c| c.parent_id.is_none())
            .map(|c| {
                let url = urls::category(&c.slug);
                NavItem {
                    name: c.name.clone(),
                    current: canonical.starts_with(&url),
                    url,
                    children: Vec::new(),
                }
            })
            .collect()
    };
    let footer_nav = crate::menus::menu(site, sahifa_store::menus::MenuLocation::Footer, canonical);
    let telegram_url = (!settings.telegram_channel.trim().is_empty()).then(|| {
        format!(
            "https://t.me/{}",
            urls::query_value(settings.telegram_channel.trim().trim_start_matches('@'))
        )
    });
    LayoutContext {
        lang: site.lang.code(),
        dir: site.dir(),
        digit_style: site.digits.as_str(),
        site: SiteContext {
            name: &settings.name,
            tagline: &settings.tagline,
            telegram_url,
            home_url: "/",
        },
        nav,
        footer_nav,
        page: PageHead {
            title,
            description,
            canonical,
        },
        search_url: "/search",
        seo: crate::seo::page(
            state,
            site,
            canonical,
            title,
            description,
            site.hreflang.as_deref(),
        ),
        feed_url: crate::feeds::feed_path(None, crate::feeds::Format::Rss),
        year: chrono::Utc::now()
            .with_timezone(&site.tz)
            .format("%Y")
            .to_string(),
        breaking: breaking(site),
    }
}

fn to_json<T: Serialize>(value: &T) -> Result<Value, AppError> {
    serde_json::to_value(value)
        .map_err(|e| AppError::Internal(format!("template context does not serialise: {e}")))
}

/// Renders `template` with the page-specific `ctx` (a page struct, or a `Value`) plus the
/// [`LayoutContext`]; a key of the page's wins over the layout's of the same name.
pub fn render<T: Serialize>(
    state: &AppState,
    site: &SiteView,
    template: &str,
    title: &str,
    description: Option<&str>,
    canonical: &str,
    ctx: T,
) -> Result<String, AppError> {
    let mut ctx = to_json(&ctx)?;
    let common = to_json(&layout(state, site, title, description, canonical))?;
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

/// One headline of the breaking ticker (partials/breaking.html).
#[derive(Debug, Serialize)]
pub struct BreakingItem {
    title: String,
    url: String,
}

/// The breaking ticker as this page prints it: the flagged articles of the site view whose
/// flag has not ended yet (the scheduler's sweep retires every page when one ends). Each
/// one is recorded, so editing or taking back one of them retires the pages showing it.
pub fn breaking(site: &SiteView) -> Vec<BreakingItem> {
    let now = Utc::now();
    site.breaking
        .iter()
        .filter(|b| b.until > now)
        .map(|b| {
            sahifa_http::deps::record(Dep::Article(b.id));
            BreakingItem {
                title: b.title.clone(),
                url: urls::article(&b.slug),
            }
        })
        .collect()
}
