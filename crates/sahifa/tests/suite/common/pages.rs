//! The page lists the browser tours walk (layout on a phone, accessibility): one list of
//! admin pages and one of public page types, so a page added here is checked by every tour.
//! New admin pages and new public page types go here.

#![allow(dead_code)]

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::{Value, json};

use super::TestApp;
use super::chrome::{js, poll};

/// Every admin page a signed-in administrator sees, as (name, path): `editor` is one
/// article's editor path (`/admin/articles/{id}`), `admin_id` the administrator's user id.
pub fn admin_pages(editor: &str, admin_id: i64) -> Vec<(&'static str, String)> {
    vec![
        ("dashboard", "/admin".into()),
        ("articles", "/admin/articles".into()),
        ("editor-new", "/admin/articles/new".into()),
        ("editor", editor.to_string()),
        ("revisions", format!("{editor}/revisions")),
        ("comments", "/admin/comments".into()),
        ("comment-settings", "/admin/comments/settings".into()),
        ("media", "/admin/media".into()),
        ("categories", "/admin/categories".into()),
        ("tags", "/admin/tags".into()),
        ("pages", "/admin/pages".into()),
        ("page-new", "/admin/pages/new".into()),
        // The demo's first page («من نحن»), which has a parent choice and a delete form.
        ("page-editor", "/admin/pages/1".into()),
        ("menus", "/admin/menus".into()),
        ("front-page", "/admin/front-page".into()),
        ("users", "/admin/users".into()),
        ("user-form", format!("/admin/users/{admin_id}")),
        ("settings", "/admin/settings".into()),
        ("telegram", "/admin/telegram".into()),
        ("tokens", "/admin/tokens".into()),
        ("audit", "/admin/audit".into()),
        ("profile", "/admin/profile".into()),
    ]
}

/// Every public page type of the demo site, as (name, path): home, the model article, a
/// section, a subsection, a tag, an author, search with and without results, the 404 page.
/// `app` must have the demo data and the search index (`TestApp::start_with_search`).
pub async fn public_pages(app: &TestApp) -> Vec<(&'static str, String)> {
    front_page_as_a_desk_sets_it(app).await;
    let article = app.article_url("لافروف").await;
    let author = first_href(app, &article, "/author/").await;
    let tag = first_href(app, &article, "/tag/").await;
    let date_archive = date_archive_of(app, &article).await;
    vec![
        ("home", "/".into()),
        ("article", article),
        // A demo article with an embedded Telegram post: its click-to-load card.
        ("article-embed", app.article_url("يساعد تركيا").await),
        ("category", format!("/category/{}", q("سياسة"))),
        ("subcategory", format!("/category/{}", q("الخليج"))),
        ("tag", tag),
        ("author", author),
        ("search", format!("/search?q={}", q("إيران"))),
        ("search-empty", format!("/search?q={}", q("زرافةمجهولة"))),
        ("static-page", format!("/page/{}", q("من-نحن"))),
        ("date-archive", date_archive),
        ("not-found", "/no-such-page".into()),
    ]
}

/// Flags a demo article «عاجل» and pins a lead and two featured stories, as a desk does on
/// a news day: every page of the tour then carries the breaking ticker, and the home page
/// its pinned stories.
async fn front_page_as_a_desk_sets_it(app: &TestApp) {
    let newsroom = sahifa_newsroom::Newsroom::new(app.db.clone());
    let system = sahifa_newsroom::Actor::System;
    let id_of = async |needle: &str| -> i64 {
        let url = app.article_url(needle).await;
        let slug = url.trim_start_matches("/article/");
        let slug = percent_encoding::percent_decode_str(slug)
            .decode_utf8_lossy()
            .to_string();
        app.db
            .published_article(&slug)
            .await
            .expect("read")
            .expect("published")
            .summary
            .id
    };
    let breaking = id_of("يساعد تركيا").await;
    newsroom
        .set_breaking(
            &system,
            breaking,
            Some(chrono::Utc::now() + chrono::Duration::hours(6)),
        )
        .await
        .expect("breaking");
    let lead = id_of("لافروف").await;
    newsroom
        .set_home_pins(&system, Some(lead), vec![breaking])
        .await
        .expect("pins");
}

/// The month archive (`/archive/2026/11`) of the published article at `url`, in the
/// demo site's time zone.
async fn date_archive_of(app: &TestApp, url: &str) -> String {
    use chrono::Datelike;
    let slug = url.trim_start_matches("/article/");
    let slug = percent_encoding::percent_decode_str(slug)
        .decode_utf8_lossy()
        .to_string();
    let article = app
        .db
        .published_article(&slug)
        .await
        .expect("read")
        .expect("published");
    let zone: chrono_tz::Tz = app
        .db
        .site_settings()
        .await
        .expect("settings")
        .time_zone
        .parse()
        .unwrap_or(chrono_tz::UTC);
    let at = article
        .summary
        .published_at
        .expect("a publication time")
        .with_timezone(&zone);
    format!("/archive/{:04}/{:02}", at.year(), at.month())
}

/// `text` percent-encoded for a path segment or query value.
pub fn q(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// The first link on the page at `path` whose href starts with `prefix`.
pub async fn first_href(app: &TestApp, path: &str, prefix: &str) -> String {
    let html = app.page(path, 200).await;
    let marker = format!("href=\"{prefix}");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {prefix} link on {path}"))
        + "href=\"".len();
    let end = start + html[start..].find('"').expect("closing quote");
    super::unescape(&html[start..end])
}

/// Signs in to the admin through its login form in `browser` and waits for the dashboard.
pub async fn log_in(browser: &Client, base: &str, email: &str, password: &str) {
    browser
        .goto(&format!("{base}/admin/login"))
        .await
        .expect("login page");
    for (field, value) in [("input#email", email), ("input#password", password)] {
        browser
            .find(Locator::Css(field))
            .await
            .expect("login field")
            .send_keys(value)
            .await
            .expect("type");
    }
    browser
        .find(Locator::Css("form button[type=submit]"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("click");
    let in_admin = poll(Duration::from_secs(10), || async {
        browser.find(Locator::Css("ul.counts")).await.is_ok()
    })
    .await;
    assert!(in_admin, "the administrator is logged in");
}

/// The first link of the page shown in `browser` matching `selector`, as a path.
pub async fn first_link(browser: &Client, selector: &str) -> String {
    let script = format!(
        "var a = document.querySelector({}); return a ? a.getAttribute('href') : null;",
        json!(selector)
    );
    match js(browser, &script).await {
        Value::String(href) => href,
        other => panic!("no link {selector} on the page: {other}"),
    }
}

/// The editor path of the first article in the admin's article list, opened in `browser`.
pub async fn first_editor(browser: &Client, base: &str) -> String {
    browser
        .goto(&format!("{base}/admin/articles"))
        .await
        .expect("articles");
    first_link(browser, "main table a[href^='/admin/articles/']").await
}
