//! Sitemaps: `/sitemap.xml` is an index of paged sitemaps under `/sitemaps/`: articles by
//! month of publication (`articles-2026-11.xml`, then `articles-2026-11-2.xml`... past
//! 50 000 URLs), `sections.xml` (home, categories and static pages), `tags.xml`, `authors.xml` (paged the
//! same way), and the Google News sitemap `news.xml` (articles of the last 48 hours, at most
//! 1 000). `lastmod` is the newest edit of what a file or URL shows.

use std::collections::BTreeMap;
use std::io;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use chrono::{DateTime, Datelike, Duration, Utc};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use sahifa_store::{ArchiveKind, Dep, SitemapArticle};

use sahifa_http::error::AppError;
use sahifa_http::serving::{RenderedDocument as Rendered, serve_document};
use sahifa_http::state::AppState;
use sahifa_http::urls;

/// The sitemap protocol's limit of URLs per file.
pub const MAX_URLS: usize = 50_000;
/// Google News: at most this many URLs...
pub const NEWS_MAX: i64 = 1_000;
/// ...published within this many hours.
pub const NEWS_HOURS: i64 = 48;

const XML: &str = "application/xml; charset=utf-8";
const NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";

/// Sitemap routes (and nothing else: robots.txt lives in `distribution`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sitemap.xml", get(show_index))
        .route("/sitemaps/{file}", get(show_file))
}

async fn show_index(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let render_state = state.clone();
    serve_document(
        &state,
        "sitemap:index".into(),
        XML,
        &headers,
        || async move {
            shows_everything_listed();
            index(render_state).await
        },
    )
    .await
}

/// Sitemaps list every article, page and archive with its last change: they are retired
/// when anything is published, edited or removed, or the site's pages and sections change.
fn shows_everything_listed() {
    sahifa_http::deps::record_all([Dep::Latest, Dep::AnyArticle, Dep::Site]);
}

async fn show_file(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Response {
    // The news sitemap depends on the clock (the 48-hour window), not only on content:
    // key it by the minute so it is rebuilt at least that often.
    let key = if file == "news.xml" {
        format!("sitemap:news:{}", Utc::now().timestamp() / 60)
    } else {
        format!("sitemap:{file}")
    };
    let render_state = state.clone();
    serve_document(&state, key, XML, &headers, || async move {
        shows_everything_listed();
        render_file(render_state, file).await
    })
    .await
}

/// What a sitemap file name asks for.
#[derive(Debug, PartialEq, Eq)]
enum File {
    Articles { year: i32, month: u32, page: usize },
    Archives { kind: ArchiveKind, page: usize },
    Sections,
    News,
}

fn parse_file(name: &str) -> Option<File> {
    let stem = name.strip_suffix(".xml")?;
    if stem == "news" {
        return Some(File::News);
    }
    if stem == "sections" {
        return Some(File::Sections);
    }
    let (base, page) = split_page(stem);
    if let Some(rest) = base.strip_prefix("articles-") {
        let (y, m) = rest.split_once('-')?;
        let (year, month) = (y.parse().ok()?, m.parse().ok()?);
        if y.len() != 4 || m.len() != 2 || !(1..=12).contains(&month) {
            return None;
        }
        return Some(File::Articles { year, month, page });
    }
    let kind = match base {
        "tags" => ArchiveKind::Tag,
        "authors" => ArchiveKind::Author,
        _ => return None,
    };
    Some(File::Archives { kind, page })
}

/// `articles-2026-11-3` → (`articles-2026-11`, 3); no suffix is page 1. A month has two
/// dash-separated parts, so only a third one is a page number.
fn split_page(stem: &str) -> (&str, usize) {
    let parts = stem.matches('-').count();
    let paged = if stem.starts_with("articles-") {
        parts == 3
    } else {
        parts == 1
    };
    if paged
        && let Some((base, n)) = stem.rsplit_once('-')
        && let Ok(n) = n.parse::<usize>()
        && n >= 2
    {
        return (base, n);
    }
    (stem, 1)
}

fn file_name(base: &str, page: usize) -> String {
    if page <= 1 {
        format!("{base}.xml")
    } else {
        format!("{base}-{page}.xml")
    }
}

fn iso(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Published articles grouped by (year, month) of publication, newest month first.
fn by_month(articles: Vec<SitemapArticle>) -> BTreeMap<(i32, u32), Vec<SitemapArticle>> {
    let mut months: BTreeMap<(i32, u32), Vec<SitemapArticle>> = BTreeMap::new();
    for a in articles {
        let at = a.published_at.unwrap_or(a.updated_at);
        months.entry((at.year(), at.month())).or_default().push(a);
    }
    months
}

async fn all_articles(state: &AppState) -> Result<Vec<SitemapArticle>, AppError> {
    Ok(state.db().sitemap_articles(None, i64::MAX).await?)
}

async fn index(state: AppState) -> Result<Option<Rendered>, AppError> {
    let base = state.config().base_url.clone();
    let db = state.db();
    let articles = all_articles(&state).await?;
    let newest = articles.iter().map(|a| a.updated_at).max();
    let mut files: Vec<(String, Option<DateTime<Utc>>)> = Vec::new();
    files.push(("sections.xml".into(), newest));
    for ((year, month), list) in by_month(articles).iter().rev() {
        for (n, chunk) in list.chunks(MAX_URLS).enumerate() {
            let lastmod = chunk.iter().map(|a| a.updated_at).max();
            files.push((
                file_name(&format!("articles-{year:04}-{month:02}"), n + 1),
                lastmod,
            ));
        }
    }
    for (name, kind) in [("tags", ArchiveKind::Tag), ("authors", ArchiveKind::Author)] {
        let archives = db.sitemap_archives(kind).await?;
        for (n, chunk) in archives.chunks(MAX_URLS).enumerate() {
            files.push((
                file_name(name, n + 1),
                chunk.iter().filter_map(|a| a.lastmod).max(),
            ));
        }
    }
    let since = Utc::now() - Duration::hours(NEWS_HOURS);
    let news_lastmod = db
        .sitemap_articles(Some(since), NEWS_MAX)
        .await?
        .iter()
        .map(|a| a.updated_at)
        .max();
    files.push(("news.xml".into(), news_lastmod));
    let body = write_xml(|w| {
        w.create_element("sitemapindex")
            .with_attribute(("xmlns", NS))
            .write_inner_content(|w| {
                for (name, lastmod) in &files {
                    w.create_element("sitemap").write_inner_content(|w| {
                        text(w, "loc", &format!("{base}/sitemaps/{name}"))?;
                        if let Some(at) = lastmod {
                            text(w, "lastmod", &iso(at))?;
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
        Ok(())
    })?;
    Ok(Some(Rendered {
        body,
        last_modified: newest,
    }))
}

async fn render_file(state: AppState, name: String) -> Result<Option<Rendered>, AppError> {
    let Some(file) = parse_file(&name) else {
        return Ok(None);
    };
    let base = state.config().base_url.clone();
    let db = state.db();
    // (loc, lastmod) pairs for a plain urlset.
    let urls_of: Vec<(String, Option<DateTime<Utc>>)> = match file {
        File::News => return news(&state).await.map(Some),
        File::Articles { year, month, page } => {
            let months = by_month(all_articles(&state).await?);
            let Some(list) = months.get(&(year, month)) else {
                return Ok(None);
            };
            let Some(chunk) = list.chunks(MAX_URLS).nth(page - 1) else {
                return Ok(None);
            };
            chunk
                .iter()
                .map(|a| {
                    (
                        format!("{base}{}", urls::article(&a.slug)),
                        Some(a.updated_at),
                    )
                })
                .collect()
        }
        File::Sections => {
            let newest = db
                .sitemap_articles(None, 1)
                .await?
                .first()
                .map(|a| a.updated_at);
            let mut list = vec![(format!("{base}/"), newest)];
            for c in db.sitemap_archives(ArchiveKind::Category).await? {
                list.push((format!("{base}{}", urls::category(&c.slug)), c.lastmod));
            }
            // Static pages («من نحن»...) are site structure, listed with the sections.
            for (slug, updated_at) in db.sitemap_pages().await? {
                list.push((
                    format!("{base}{}", crate::pages::static_page::page_url(&slug)),
                    Some(updated_at),
                ));
            }
            list
        }
        File::Archives { kind, page } => {
            let archives = db.sitemap_archives(kind).await?;
            let Some(chunk) = archives.chunks(MAX_URLS).nth(page - 1) else {
                return Ok(None);
            };
            let url_of = match kind {
                ArchiveKind::Tag => urls::tag,
                _ => urls::author,
            };
            chunk
                .iter()
                .map(|a| (format!("{base}{}", url_of(&a.slug)), a.lastmod))
                .collect()
        }
    };
    let last_modified = urls_of.iter().filter_map(|(_, at)| *at).max();
    let body = write_xml(|w| {
        w.create_element("urlset")
            .with_attribute(("xmlns", NS))
            .write_inner_content(|w| {
                for (loc, lastmod) in &urls_of {
                    w.create_element("url").write_inner_content(|w| {
                        text(w, "loc", loc)?;
                        if let Some(at) = lastmod {
                            text(w, "lastmod", &iso(at))?;
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
        Ok(())
    })?;
    Ok(Some(Rendered {
        body,
        last_modified,
    }))
}

async fn news(state: &AppState) -> Result<Rendered, AppError> {
    let base = state.config().base_url.clone();
    let site = state.site().await?;
    let since = Utc::now() - Duration::hours(NEWS_HOURS);
    let articles = state.db().sitemap_articles(Some(since), NEWS_MAX).await?;
    let name = site.settings.name.clone();
    let lang = site.lang.code();
    let body = write_xml(|w| {
        w.create_element("urlset")
            .with_attribute(("xmlns", NS))
            .with_attribute(("xmlns:news", NEWS_NS))
            .write_inner_content(|w| {
                for a in &articles {
                    let published = a.published_at.unwrap_or(a.updated_at);
                    w.create_element("url").write_inner_content(|w| {
                        text(w, "loc", &format!("{base}{}", urls::article(&a.slug)))?;
                        text(w, "lastmod", &iso(&a.updated_at))?;
                        w.create_element("news:news").write_inner_content(|w| {
                            w.create_element("news:publication")
                                .write_inner_content(|w| {
                                    text(w, "news:name", &name)?;
                                    text(w, "news:language", lang)?;
                                    Ok(())
                                })?;
                            text(w, "news:publication_date", &iso(&published))?;
                            text(w, "news:title", &a.title)?;
                            Ok(())
                        })?;
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
        Ok(())
    })?;
    Ok(Rendered {
        body,
        last_modified: articles.iter().map(|a| a.updated_at).max(),
    })
}

fn text(w: &mut Writer<Vec<u8>>, name: &str, value: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(value))?;
    Ok(())
}

fn write_xml(
    body: impl FnOnce(&mut Writer<Vec<u8>>) -> io::Result<()>,
) -> Result<String, AppError> {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 1);
    let result = writer
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .and_then(|()| body(&mut writer));
    result.map_err(|e| AppError::Internal(format!("sitemap: {e}")))?;
    String::from_utf8(writer.into_inner()).map_err(|e| AppError::Internal(format!("sitemap: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names() {
        assert_eq!(
            parse_file("articles-2026-11.xml"),
            Some(File::Articles {
                year: 2026,
                month: 11,
                page: 1
            })
        );
        assert_eq!(
            parse_file("articles-2026-01-3.xml"),
            Some(File::Articles {
                year: 2026,
                month: 1,
                page: 3
            })
        );
        assert_eq!(
            parse_file("tags-2.xml"),
            Some(File::Archives {
                kind: ArchiveKind::Tag,
                page: 2
            })
        );
        assert_eq!(parse_file("news.xml"), Some(File::News));
        assert_eq!(parse_file("articles-2026-13.xml"), None);
        assert_eq!(parse_file("tags-1.xml"), None);
        assert_eq!(parse_file("other.xml"), None);
        assert_eq!(file_name("tags", 1), "tags.xml");
        assert_eq!(file_name("tags", 2), "tags-2.xml");
    }
}
