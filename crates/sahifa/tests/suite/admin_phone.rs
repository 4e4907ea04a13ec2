//! Every admin page with the demo data in headless Chromium, at a phone's 360 px and a
//! desktop's 1366 px: the page does not scroll sideways, no element sticks out of the
//! viewport, no word is broken across two lines, and buttons are big enough for a thumb on
//! the phone. Screenshots land in `target/screenshots/admin-<page>-<width>.png` (CI keeps
//! `target/`).

use crate::common;

use std::time::Duration;

use common::chrome::{Chromedriver, js, poll};
use common::pages::{admin_pages, first_editor, log_in};
use fantoccini::Client;
use serde_json::json;

const PASSWORD: &str = "كلمة-سر-المدير-الطويلة-للهاتف";
const EMAIL: &str = "chief@example.com";
const WIDTHS: [u32; 2] = [360, 1366];
const HEIGHT: u32 = 800;
/// The tallest screenshot taken (the window is stretched to the page up to this).
const MAX_SHOT_HEIGHT: u32 = 4000;

/// The layout checks, run in the page. Returns a list of problems (empty when the page is
/// fine). Text in code, secrets and left-to-right addresses (URLs, e-mails) may wrap
/// anywhere: those are not words of the language.
const CHECKS: &str = r#"
const phone = arguments[0];
const problems = [];
const vw = window.innerWidth;
const describe = (el) => {
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  if (el.classList && el.classList.length) s += '.' + Array.from(el.classList).join('.');
  const text = (el.innerText || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 40);
  return text ? s + ' «' + text + '»' : s;
};
const visible = (el) => {
  const st = getComputedStyle(el);
  if (st.display === 'none' || st.visibility === 'hidden') return false;
  const r = el.getBoundingClientRect();
  return r.width > 0 && r.height > 0;
};
// An element inside a box that scrolls or clips sideways is judged by that box.
const clippedBy = (el) => {
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    const ox = getComputedStyle(p).overflowX;
    if (ox !== 'visible') return p;
  }
  return null;
};
const skipped = (el) => !!el.closest('.skip-link, .visually-hidden, script, style, template, noscript');

const sw = document.scrollingElement.scrollWidth;
if (sw > vw) problems.push('the page is ' + sw + ' px wide in a ' + vw + ' px viewport');

for (const el of document.body.querySelectorAll('*')) {
  if (skipped(el) || !visible(el)) continue;
  const r = el.getBoundingClientRect();
  if (r.right <= vw + 1 && r.left >= -1) continue;
  const box = clippedBy(el);
  if (box) {
    const b = box.getBoundingClientRect();
    if (b.right <= vw + 1 && b.left >= -1) continue;
  }
  problems.push('sticks out of the viewport (' + Math.round(r.left) + '..' + Math.round(r.right) + ' of ' + vw + '): ' + describe(el));
  if (problems.length > 20) break;
}

const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const range = document.createRange();
let broken = 0;
for (let node = walker.nextNode(); node && broken < 20; node = walker.nextNode()) {
  const el = node.parentElement;
  if (!el || skipped(el) || !visible(el)) continue;
  if (el.closest('code, pre, .secret, [dir=ltr], select, option, textarea')) continue;
  const text = node.data;
  const re = /\S+/g;
  let m;
  while ((m = re.exec(text)) !== null) {
    const word = m[0];
    if (word.length < 2 || /[@\/:]/.test(word)) continue;
    range.setStart(node, m.index);
    range.setEnd(node, m.index + word.length);
    const rects = Array.from(range.getClientRects()).filter((x) => x.width > 0.5 && x.height > 0.5);
    if (rects.length < 2) continue;
    const tops = rects.map((x) => x.top);
    const lineHeight = Math.min(...rects.map((x) => x.height));
    if (Math.max(...tops) - Math.min(...tops) > lineHeight / 2) {
      problems.push('the word «' + word + '» is broken across lines in ' + describe(el));
      broken++;
      if (broken >= 20) break;
    }
  }
}

if (phone) {
  for (const el of document.body.querySelectorAll('button, .button, input[type=submit]')) {
    if (skipped(el) || !visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.height < 43.5 || r.width < 43.5) {
      problems.push('a button smaller than a thumb (' + Math.round(r.width) + '×' + Math.round(r.height) + '): ' + describe(el));
    }
  }
}
return problems;
"#;

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
    seed_pending_comment(&app.db).await;

    let driver = Chromedriver::start().await;
    let profile = tempfile::tempdir().expect("profile");
    let browser = driver.session(profile.path(), WIDTHS[0], HEIGHT).await;
    let base = app.base.clone();
    common::chrome::run_guarded(browser.clone(), tour(browser, base, admin_id)).await;
    drop(driver);
}

async fn tour(browser: Client, base: String, admin_id: i64) {
    log_in(&browser, &base, EMAIL, PASSWORD).await;
    let editor = first_editor(&browser, &base).await;
    // The list is shared with the accessibility tour: new admin pages go in common/pages.rs.
    let pages = admin_pages(&editor, admin_id);
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
            let on_page = poll(Duration::from_secs(5), || async {
                js(&browser, "return document.readyState === 'complete' && !!document.querySelector('main h1');").await == json!(true)
            })
            .await;
            assert!(on_page, "{path} shows an admin page");
            let viewport = js(&browser, "return window.innerWidth;").await;
            assert_eq!(viewport, json!(width), "the viewport is {width} px wide");
            let problems = js(
                &browser,
                &CHECKS.replace("arguments[0]", &(width < 600).to_string()),
            )
            .await;
            let problems: Vec<String> = serde_json::from_value(problems).expect("a list");
            for p in problems {
                failures.push(format!("{path} at {width} px: {p}"));
            }
            common::chrome::screenshot(
                &browser,
                width,
                HEIGHT,
                MAX_SHOT_HEIGHT,
                &shots.join(format!("admin-{name}-{width}.png")),
            )
            .await;
        }
    }
    assert!(
        failures.is_empty(),
        "admin pages that do not fit:\n{}",
        failures.join("\n")
    );
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
pub(crate) async fn seed_pending_comment(db: &sahifa_store::Db) {
    let jobs = db.telegram_deliveries(1, 0).await.expect("deliveries");
    let article_id = jobs.first().expect("a demo article").delivery.article_id;
    let mut tx = db.begin().await.expect("begin");
    sahifa_store::comments::insert(
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
}
