//! Every admin page with the demo data in headless Chromium, signed out (login, forgot and
//! reset) and signed in, at a phone's 360 px and a desktop's 1366 px: the page does not
//! scroll sideways, no element sticks out of the viewport or of its container, no word is
//! broken across two lines, and buttons are big enough for a thumb on the phone (the
//! checks are in `common/layout.rs`); on the login page the password field does not touch
//! the submit button. Screenshots land in `target/screenshots/admin-<page>-<width>.png`
//! (CI keeps `target/`).

use crate::common;

use std::time::Duration;

use common::chrome::{Chromedriver, js, poll};
use common::pages::{admin_pages, first_editor, log_in};
use fantoccini::Client;
use sahifa_testkit::ArticleWrites;
use serde_json::json;

const PASSWORD: &str = "كلمة-سر-المدير-الطويلة-للهاتف";
const EMAIL: &str = "chief@example.com";
const WIDTHS: [u32; 2] = [360, 1366];
const HEIGHT: u32 = 800;
/// The tallest screenshot taken (the window is stretched to the page up to this).
const MAX_SHOT_HEIGHT: u32 = 4000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_admin_page_fits_a_phone_and_a_desktop() {
    if !common::chrome::available("the admin phone test") {
        return;
    }
    let test_db = sahifa_testkit::TestDb::new(sahifa_testkit::Backend::Sqlite)
        .await
        .expect("sqlite");
    let app = common::TestApp::start(test_db, true).await;
    let admin_id = sahifa::accounts::add_user(
        &app.db,
        EMAIL,
        "رئيسة التحرير",
        sahifa_store::Role::Administrator,
        PASSWORD,
    )
    .await
    .expect("administrator");
    seed_deliveries(&app.db).await;
    let comment = seed_pending_comment(&app.db).await;
    let pages = more_admin_pages(&app, comment).await;
    let reset = sahifa_newsroom::Newsroom::new(app.db.clone())
        .open_password_reset(EMAIL, chrono::Utc::now())
        .await
        .expect("open a reset link")
        .expect("the administrator's account");
    let signed_out = vec![
        ("login", "/admin/login".to_string()),
        ("forgot", "/admin/forgot".to_string()),
        ("reset", format!("/admin/reset/{}", reset.token)),
    ];

    let driver = Chromedriver::start().await;
    let profile = tempfile::tempdir().expect("profile");
    let browser = driver.session(profile.path(), WIDTHS[0], HEIGHT).await;
    let base = app.base.clone();
    common::chrome::run_guarded(
        browser.clone(),
        tour(browser, base, admin_id, signed_out, pages),
    )
    .await;
    drop(driver);
}

/// The admin pages the accessibility tour does not walk (it has its own visits of some),
/// kept out of the shared list so that tour stays as long as it is: a comment's editor, a
/// section's editor, the new-user form and a diff between two real revisions.
async fn more_admin_pages(app: &common::TestApp, comment: i64) -> Vec<(&'static str, String)> {
    let categories = app.db.categories().await.expect("categories");
    let category = categories.first().expect("a demo section").id;
    // An article of its own with two revisions, so the diff has both kinds of line.
    let mut input = sahifa_store::ArticleInput {
        slug: None,
        title: "وزراء الطاقة العرب يبحثون خطة الربط الكهربائي الإقليمي".into(),
        lead: "اجتمع وزراء الطاقة في الرياض لبحث خطة الربط.".into(),
        body_html: String::new(),
        body_md:
            "ناقش الوزراء تمويل الخطة ومراحلها.\n\nوتوقع المشاركون أن تبدأ المرحلة الأولى خلال عامين."
                .into(),
        dateline: None,
        source: None,
        author_id: None,
        category_id: Some(category),
        tags: Vec::new(),
        status: sahifa_store::ArticleStatus::Draft,
        published_at: None,
        image: None,
    };
    let article = app.db.create_article(&input).await.expect("article");
    input.body_md = "ناقش الوزراء تمويل الخطة ومراحلها والجهات المانحة المحتملة.\n\nوتوقع المشاركون أن تبدأ المرحلة الأولى خلال عامين، على أن تكتمل الشبكة بحلول نهاية العقد.".into();
    app.db
        .update_article(article, &input)
        .await
        .expect("a second revision");
    let revisions = app.db.revisions(article).await.expect("revisions");
    assert!(revisions.len() >= 2, "two revisions to compare");
    let (a, b) = (revisions[0].id, revisions[1].id);
    vec![
        ("comment-edit", format!("/admin/comments/{comment}")),
        ("category-edit", format!("/admin/categories/{category}")),
        ("user-new", "/admin/users/new".into()),
        (
            "revisions-diff",
            format!("/admin/articles/{article}/revisions/diff?a={a}&b={b}"),
        ),
    ]
}

async fn tour(
    browser: Client,
    base: String,
    admin_id: i64,
    signed_out: Vec<(&'static str, String)>,
    more: Vec<(&'static str, String)>,
) {
    // Signed out first: a signed-in browser is sent from the login page to the dashboard.
    let mut failures = walk(&browser, &base, &signed_out).await;
    failures.extend(login_field_clears_the_button(&browser, &base).await);
    log_in(&browser, &base, EMAIL, PASSWORD).await;
    let editor = first_editor(&browser, &base).await;
    // The list shared with the accessibility tour; pages only this tour walks are in `more`.
    let mut pages = admin_pages(&editor, admin_id);
    pages.extend(more);
    failures.extend(walk(&browser, &base, &pages).await);
    assert!(
        failures.is_empty(),
        "admin pages that do not fit:\n{}",
        failures.join("\n")
    );
}

/// Opens each page at each width, runs the layout checks and keeps a screenshot; the
/// problems found, as `path at width: problem`.
async fn walk(browser: &Client, base: &str, pages: &[(&'static str, String)]) -> Vec<String> {
    let shots = common::chrome::screenshots_dir();
    let mut failures = Vec::new();
    for width in WIDTHS {
        browser
            .set_window_size(width, HEIGHT)
            .await
            .expect("resize the window");
        for (name, path) in pages {
            browser
                .goto(&format!("{base}{path}"))
                .await
                .unwrap_or_else(|e| panic!("open {path}: {e}"));
            let on_page = poll(Duration::from_secs(5), || async {
                js(browser, "return document.readyState === 'complete' && !!document.querySelector('main h1');").await == json!(true)
            })
            .await;
            assert!(on_page, "{path} shows an admin page");
            let viewport = js(browser, "return window.innerWidth;").await;
            assert_eq!(viewport, json!(width), "the viewport is {width} px wide");
            for p in common::layout::problems(browser, width < 600).await {
                failures.push(format!("{path} at {width} px: {p}"));
            }
            common::chrome::screenshot(
                browser,
                width,
                HEIGHT,
                MAX_SHOT_HEIGHT,
                &shots.join(format!("admin-{name}-{width}.png")),
            )
            .await;
        }
    }
    failures
}

/// The login defect: on a phone the password field sat flush on the submit button.
/// Their boxes must leave a real gap between them.
async fn login_field_clears_the_button(browser: &Client, base: &str) -> Vec<String> {
    browser
        .set_window_size(WIDTHS[0], HEIGHT)
        .await
        .expect("resize the window");
    browser
        .goto(&format!("{base}/admin/login"))
        .await
        .expect("login page");
    let seen = js(
        browser,
        "var f = document.querySelector('input#password').getBoundingClientRect();
         var b = document.querySelector('.login-box form button[type=submit]').getBoundingClientRect();
         return { fieldBottom: f.bottom, buttonTop: b.top, width: window.innerWidth };",
    )
    .await;
    let gap = seen["buttonTop"]
        .as_f64()
        .zip(seen["fieldBottom"].as_f64())
        .map(|(top, bottom)| top - bottom);
    match gap {
        Some(gap) if gap >= 1.0 => Vec::new(),
        _ => vec![format!(
            "/admin/login at {} px: the password field touches the submit button: {seen}",
            WIDTHS[0]
        )],
    }
}

/// The demo's delivery jobs in every state: (failed, skipped, sent, pending) ids.
pub(crate) async fn seed_deliveries(db: &sahifa_store::Db) -> (i64, i64, i64, i64) {
    let jobs = db.telegram_deliveries(100, 0).await.expect("deliveries");
    assert!(jobs.len() >= 4, "the demo queues channel posts");
    let ids: Vec<i64> = jobs.iter().map(|d| d.delivery.id).collect();
    db.telegram_delivery_failed(ids[0], "400: Bad Request: chat not found")
        .await
        .expect("failed");
    for id in &ids[1..ids.len() - 2] {
        db.telegram_delivery_skipped(*id, "channel posting is off")
            .await
            .expect("skipped");
    }
    let last = ids.len() - 1;
    db.telegram_delivery_sent(ids[last - 1], "@sahifa_demo", 42, false)
        .await
        .expect("sent");
    (ids[0], ids[1], ids[last - 1], ids[last])
}

/// The retry button only where sending again can help, skipped jobs behind their own
/// filter, and the worker's reasons in the site's language.
#[tokio::test]
async fn the_telegram_log_offers_retry_only_on_failed_jobs() {
    let test_db = sahifa_testkit::TestDb::new(sahifa_testkit::Backend::Sqlite)
        .await
        .expect("sqlite");
    let app = common::TestApp::start(test_db, true).await;
    sahifa::accounts::add_user(
        &app.db,
        EMAIL,
        "رئيسة التحرير",
        sahifa_store::Role::Administrator,
        PASSWORD,
    )
    .await
    .expect("administrator");
    let (failed, skipped, sent, pending) = seed_deliveries(&app.db).await;
    let admin = common::session::login(&app, EMAIL, PASSWORD).await;
    let retry = |id: i64| format!("telegram/deliveries/{id}/retry");

    let page = admin.get("/admin/telegram").await;
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains(&retry(failed)), "a failed job can be retried");
    for id in [sent, pending] {
        assert!(!html.contains(&retry(id)), "job {id} needs no retry");
    }
    assert!(
        !html.contains(&retry(skipped)),
        "skipped jobs are not in the default list"
    );
    assert!(
        html.contains("chat not found"),
        "Telegram's answer is shown"
    );
    assert!(html.contains("ردّ تلغرام"), "under a translated heading");
    assert!(
        html.contains("?status=skipped"),
        "a filter for skipped jobs"
    );

    let skipped_page = admin
        .get("/admin/telegram?status=skipped")
        .await
        .text()
        .await
        .expect("html");
    assert!(
        skipped_page.contains("delivery--skipped"),
        "the filter lists skipped jobs"
    );
    assert!(!skipped_page.contains("delivery--failed"));
    assert!(
        !skipped_page.contains(&retry(skipped)),
        "a job skipped by the settings is not retried by hand"
    );
    assert!(skipped_page.contains("النشر في القناة معطّل"));
    assert!(
        !skipped_page.contains("channel posting is off"),
        "the stored English reason is not shown in the Arabic admin"
    );
}

/// A comment held for moderation, with the long address and link a real one may carry, so
/// the queue's cards and buttons are on the page.
pub(crate) async fn seed_pending_comment(db: &sahifa_store::Db) -> i64 {
    let jobs = db.telegram_deliveries(1, 0).await.expect("deliveries");
    let article_id = jobs.first().expect("a demo article").delivery.article_id;
    let mut tx = db.begin().await.expect("begin");
    let id = sahifa_store::comments::insert(
        &mut tx,
        &sahifa_store::NewComment {
            article_id,
            parent_id: None,
            author_name: "عبد الرحمن المستشار الاقتصادي".into(),
            email: "abdulrahman.almustashar.aliqtisadi@example-newsroom-readers.com".into(),
            url: "https://example.com/blog/2026/12/economy-and-renewable-energy-transition".into(),
            body: "تحليل ممتاز، لكن أتساءل عن الاستثمارات المستقبلية في البنية التحتية للطاقة المتجددة والتقنيات الإلكترونية.".into(),
            status: sahifa_store::CommentStatus::Pending,
            user_id: None,
            is_staff: false,
            ip: Some("203.0.113.77".into()),
            user_agent: "Mozilla/5.0".into(),
            reason: "first comment".into(),
        },
    )
    .await
    .expect("comment");
    tx.commit().await.expect("commit");
    id
}
