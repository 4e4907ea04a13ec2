//! The public site with the demo data in headless Chromium, at a phone's 360 px and a
//! desktop's 1366 px: every page type (home, the model article, a section, a subsection,
//! a tag, an author, search with and without results, the 404 page) does not scroll
//! sideways, no element sticks out of the viewport or of its container and no word is
//! broken across two lines (the checks are in `common/layout.rs`); on the phone the model
//! article's comment form is a short scroll away; the pagination arrows point the way the
//! page reads. Screenshots land in
//! `target/screenshots/public-<page>-<width>.png` (CI keeps `target/`).
//!
//! Then, over HTTP on both backends: WordPress's search URL (`/?s=`) and trailing slashes
//! answer 301 to the site's own URLs.

use crate::common;

use std::time::Duration;

use common::TestApp;
use common::chrome::{Chromedriver, js, poll};
use common::pages::q;
use fantoccini::Client;
use sahifa_testkit::Seed;
use serde_json::{Value, json};

const WIDTHS: [u32; 2] = [360, 1366];
const HEIGHT: u32 = 800;
/// The tallest screenshot taken (the window is stretched to the page up to this).
const MAX_SHOT_HEIGHT: u32 = 6000;
/// How far below the end of the model article's text its comment form may start on a phone
/// (the related articles lie between). Full-size related cards put it about 2 500 px down;
/// compact ones about 1 100 px.
const COMMENT_FORM_MAX_GAP: f64 = 1500.0;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_public_page_fits_a_phone_and_a_desktop() {
    if !common::chrome::available("the public phone test") {
        return;
    }
    let test_db = sahifa_testkit::TestDb::new(sahifa_testkit::Backend::Sqlite)
        .await
        .expect("sqlite");
    let app = TestApp::start_with_search(test_db, true).await;
    // The list is shared with the accessibility tour: new page types go in common/pages.rs.
    let pages = common::pages::public_pages(&app).await;

    let driver = Chromedriver::start().await;
    let profile = tempfile::tempdir().expect("profile");
    let browser = driver.session(profile.path(), WIDTHS[0], HEIGHT).await;
    let base = app.base.clone();
    common::chrome::run_guarded(browser.clone(), tour(browser, base, pages)).await;
    drop(driver);
}

async fn tour(browser: Client, base: String, pages: Vec<(&'static str, String)>) {
    let shots = common::chrome::screenshots_dir();
    let mut failures = Vec::new();
    for width in WIDTHS {
        browser
            .set_window_size(width, HEIGHT)
            .await
            .expect("resize the window");
        for (name, path) in &pages {
            browser
                .goto(&format!("{base}{path}"))
                .await
                .unwrap_or_else(|e| panic!("open {path}: {e}"));
            let loaded = poll(Duration::from_secs(5), || async {
                js(
                    &browser,
                    "return document.readyState === 'complete' && !!document.querySelector('h1');",
                )
                .await
                    == json!(true)
            })
            .await;
            assert!(loaded, "{path} shows a page with a heading");
            let viewport = js(&browser, "return window.innerWidth;").await;
            assert_eq!(viewport, json!(width), "the viewport is {width} px wide");
            for p in common::layout::problems(&browser, false).await {
                failures.push(format!("{path} at {width} px: {p}"));
            }
            if *name == "article" && width < 600 {
                let top = js(
                    &browser,
                    "var f = document.querySelector('#comments form');
                     var r = document.querySelector('.related-articles');
                     var top = function (e) { return e ? e.getBoundingClientRect().top + window.scrollY : null; };
                     var a = document.querySelector('article.article');
                     return { form: top(f), related: top(r),
                              articleEnd: a ? a.getBoundingClientRect().bottom + window.scrollY : null,
                              relatedHeight: r ? r.getBoundingClientRect().height : null,
                              cards: r ? r.querySelectorAll('.card').length : null,
                              cardClass: r && r.querySelector('.card') ? r.querySelector('.card').className : null };",
                )
                .await;
                eprintln!("the model article at {width} px: {top}");
                let gap = top["form"]
                    .as_f64()
                    .zip(top["articleEnd"].as_f64())
                    .map(|(form, end)| form - end);
                match gap {
                    Some(gap) if gap < COMMENT_FORM_MAX_GAP => {}
                    _ => failures.push(format!(
                        "{path} at {width} px: the comment form starts more than {COMMENT_FORM_MAX_GAP} px below the article: {top}"
                    )),
                }
            }
            if *name == "home" {
                failures.extend(
                    pagination_arrows(&browser)
                        .await
                        .into_iter()
                        .map(|p| format!("{path} at {width} px: {p}")),
                );
            }
            common::chrome::screenshot(
                &browser,
                width,
                HEIGHT,
                MAX_SHOT_HEIGHT,
                &shots.join(format!("public-{name}-{width}.png")),
            )
            .await;
        }
    }
    assert!(
        failures.is_empty(),
        "public pages that do not fit:\n{}",
        failures.join("\n")
    );
}

/// In right-to-left Arabic the "next page" link lies at the inline end (the left) and its
/// arrow must point that way: «‹» after the label, drawn on the label's left.
async fn pagination_arrows(browser: &Client) -> Vec<String> {
    let seen: Value = js(
        browser,
        "var a = document.querySelector('.pagination-next a');
         if (!a) { return null; }
         var arrow = a.querySelector('.pagination-arrow');
         var label = document.createRange();
         label.selectNodeContents(a);
         label.setEndBefore(arrow);
         var l = label.getBoundingClientRect(), r = arrow.getBoundingClientRect();
         return { dir: document.documentElement.dir, arrow: arrow.textContent,
                  arrowLeftOfLabel: r.right <= l.left + 1 };",
    )
    .await;
    if seen.is_null() {
        return vec!["no next-page link on the home page".into()];
    }
    let mut problems = Vec::new();
    if seen["dir"] != json!("rtl") || seen["arrow"] != json!("‹") {
        problems.push(format!("the next-page arrow points the wrong way: {seen}"));
    }
    if seen["arrowLeftOfLabel"] != json!(true) {
        problems.push(format!("the next-page arrow is not on the left: {seen}"));
    }
    problems
}

/// The `Location` of a 301 answer to `GET path`.
async fn moved_to(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status().as_u16(), 301, "GET {path}");
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("GET {path}: 301 without a Location"))
        .to_string()
}

app_test!(
    wordpress_search_url_redirects_to_search,
    demo = true,
    |app: TestApp| async move {
        let iran = q("إيران");
        assert_eq!(
            moved_to(&app, &format!("/?s={iran}")).await,
            format!("/search?q={iran}")
        );
        assert_eq!(
            moved_to(&app, &format!("/?s={iran}&paged=2")).await,
            format!("/search?q={iran}&page=2")
        );
        assert_eq!(moved_to(&app, "/?s=").await, "/search");
        assert_eq!(moved_to(&app, "/?s").await, "/search");
        // Where it lands is the search page.
        app.page(&format!("/search?q={iran}"), 200).await;
        app.page("/search", 200).await;
        // The front page itself and its pages stay where they are.
        app.page("/", 200).await;
        app.page("/?page=2", 200).await;
    }
);

app_test!(
    trailing_slash_redirects_to_the_url_without_it,
    demo = true,
    |app: TestApp| async move {
        let politics = format!("/category/{}", q("سياسة"));
        assert_eq!(moved_to(&app, &format!("{politics}/")).await, politics);
        assert_eq!(
            moved_to(&app, &format!("{politics}/?page=1")).await,
            format!("{politics}?page=1")
        );
        app.page(&politics, 200).await;
        let article = app.article_url("لافروف").await;
        assert_eq!(moved_to(&app, &format!("{article}/")).await, article);
        assert_eq!(moved_to(&app, &format!("{article}//")).await, article);
        assert_eq!(moved_to(&app, "/search/?q=x").await, "/search?q=x");
        assert_eq!(moved_to(&app, "/sitemap.xml/").await, "/sitemap.xml");
        // A path that does not exist still ends at the 404 page, one hop later.
        assert_eq!(moved_to(&app, "/no-such-page/").await, "/no-such-page");
        app.page("/no-such-page", 404).await;
        // The front page has its slash; a doubled one must not turn into `//host`.
        app.page("/", 200).await;
        assert_ne!(app.get("//example.com/").await.status().as_u16(), 301);
        // The admin, the API and files are left alone.
        for path in [
            "/admin/",
            "/admin/articles/",
            "/api/v1/articles/",
            "/static/css/",
        ] {
            assert_ne!(app.get(path).await.status().as_u16(), 301, "GET {path}");
        }
        // Forms keep their method: a POST is not redirected.
        let post = app
            .client
            .post(format!("{}{article}/comments/", app.base))
            .send()
            .await
            .expect("post");
        assert_ne!(post.status().as_u16(), 301);
    }
);

app_test!(
    pagination_arrows_follow_the_page_direction,
    demo = true,
    |app: TestApp| async move {
        let html = app.page("/", 200).await;
        assert!(
            html.contains(r#"rel="next">الصفحة التالية <span class="pagination-arrow" aria-hidden="true">‹</span>"#),
            "the Arabic next-page arrow points left"
        );
        let html = app.page("/?page=2", 200).await;
        assert!(
            html.contains(r#"rel="prev"><span class="pagination-arrow" aria-hidden="true">›</span> الصفحة السابقة"#),
            "the Arabic previous-page arrow points right"
        );
        let settings = app.db.site_settings().await.expect("settings");
        app.db
            .save_site_settings(&sahifa_store::SiteSettings {
                locale: "en".into(),
                ..settings
            })
            .await
            .expect("save");
        let html = app.page("/", 200).await;
        assert!(html.contains(r#"<html lang="en" dir="ltr">"#));
        assert!(
            html.contains(
                r#"rel="next">Next page <span class="pagination-arrow" aria-hidden="true">›</span>"#
            ),
            "the English next-page arrow points right"
        );
        let html = app.page("/?page=2", 200).await;
        assert!(
            html.contains(r#"rel="prev"><span class="pagination-arrow" aria-hidden="true">‹</span> Previous page"#),
            "the English previous-page arrow points left"
        );
    }
);
