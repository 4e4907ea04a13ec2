//! A reader comments on the demo site's model article in headless Chromium at phone
//! width: site.js fetches a fresh CAPTCHA into the cached form, the test reads the Arabic
//! question and computes the answer, the comment is held for moderation (first-time
//! author), a moderator approves it in the admin, and it appears on the article.
//!
//! Skipped with a notice without chromedriver, except under CI (see common::chrome).

use crate::common;

use std::time::Duration;

use common::chrome::{Chromedriver, js, poll};
use fantoccini::{Client, Locator};
use sahifa_store::Role;

const PASSWORD: &str = "correct horse battery staple";
const COMMENT: &str = "تغطية ممتازة، شكراً للمراسل على التفاصيل.";

/// Works out the blank of «ثلاثة + … = سبعة».
fn solve(question: &str) -> u32 {
    let (left, result) = question.split_once(" = ").expect("= in question");
    let (op, a, b) = ['+', '−', '×']
        .iter()
        .find_map(|op| {
            left.split_once(&format!(" {op} "))
                .map(|(a, b)| (*op, a.trim(), b.trim()))
        })
        .expect("operator");
    let num = sahifa_text::numbers::parse_number;
    match (op, num(a), num(b), num(result.trim())) {
        ('+', None, Some(b), Some(r)) => r - b,
        ('+', Some(a), None, Some(r)) => r - a,
        ('+', Some(a), Some(b), None) => a + b,
        ('−', None, Some(b), Some(r)) => r + b,
        ('−', Some(a), None, Some(r)) => a - r,
        ('−', Some(a), Some(b), None) => a - b,
        ('×', None, Some(b), Some(r)) => r / b,
        ('×', Some(a), None, Some(r)) => r / a,
        ('×', Some(a), Some(b), None) => a * b,
        _ => panic!("unsolvable {question}"),
    }
}

async fn type_into(browser: &Client, css: &str, text: &str) {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("typing into {css}: {e}"));
}

async fn click(browser: &Client, css: &str) {
    // Centre it first (instantly: the site scrolls smoothly), or the click may land outside
    // the viewport at phone height.
    let scroll = format!(
        "var e = document.querySelector({css:?}); if (e) {{ e.scrollIntoView({{block: 'center', behavior: 'instant'}}); }} return true;"
    );
    js(browser, &scroll).await;
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn comment_held_approved_and_shown() {
    if !common::chrome::available("the comments browser test") {
        return;
    }
    let test_db = sahifa_testkit::TestDb::new(sahifa_testkit::Backend::Sqlite)
        .await
        .expect("sqlite test db");
    let app = common::TestApp::start(test_db, true).await;
    sahifa::accounts::add_user(
        &app.db,
        "desk@example.com",
        "مكتب التحرير",
        Role::Editor,
        PASSWORD,
    )
    .await
    .expect("editor");
    let path = app.article_url("لافروف").await;
    let base = app.base.clone();

    let driver = Chromedriver::start().await;
    let profile = tempfile::tempdir().expect("profile dir");
    let browser = driver.session(profile.path(), 375, 812).await;
    common::chrome::run_guarded(browser.clone(), run(browser, base, path)).await;
    drop(driver);
    drop(profile);
    drop(app);
}

async fn run(browser: Client, base: String, path: String) {
    let article = format!("{base}{path}");
    browser.goto(&article).await.expect("open the article");
    let heading = browser
        .find(Locator::Css("#reply-title"))
        .await
        .expect("form heading")
        .text()
        .await
        .expect("heading text");
    assert!(heading.contains("اترك تعليقاً"), "{heading}");

    // Focusing the form makes site.js fetch a challenge into it.
    type_into(&browser, "textarea#comment", COMMENT).await;
    type_into(&browser, "input#author", "سلمى").await;
    type_into(&browser, "input#email", "salma@example.com").await;
    assert!(
        poll(Duration::from_secs(10), || async {
            browser
                .find(Locator::Css(".comment-captcha-question"))
                .await
                .is_ok()
        })
        .await,
        "the challenge arrived"
    );
    let question = browser
        .find(Locator::Css(".comment-captcha-question"))
        .await
        .expect("question")
        .text()
        .await
        .expect("question text");
    let answer = solve(question.trim());
    type_into(&browser, "input#captcha_answer", &answer.to_string()).await;
    // The minimum time-to-submit (3 s by default) counts from the challenge.
    tokio::time::sleep(Duration::from_millis(3500)).await;
    click(&browser, "button.comment-submit-button").await;
    assert!(
        poll(Duration::from_secs(10), || async {
            browser
                .current_url()
                .await
                .is_ok_and(|u| u.fragment() == Some("comment-held"))
        })
        .await,
        "redirected to the held notice"
    );
    let notice_shown = js(
        &browser,
        "var n = document.getElementById('comment-held'); return !!n && getComputedStyle(n).display !== 'none';",
    )
    .await;
    assert_eq!(notice_shown, serde_json::json!(true), "held notice visible");
    let body = js(&browser, "return document.body.innerText;").await;
    assert!(
        !body.as_str().unwrap_or("").contains(COMMENT),
        "held comment not public"
    );

    // The moderator approves it from the queue.
    browser
        .goto(&format!("{base}/admin/login"))
        .await
        .expect("login page");
    type_into(&browser, "input#email", "desk@example.com").await;
    type_into(&browser, "input#password", PASSWORD).await;
    click(&browser, "form button[type=submit]").await;
    assert!(
        poll(Duration::from_secs(10), || async {
            browser.find(Locator::Css("ul.counts")).await.is_ok()
        })
        .await,
        "dashboard after login"
    );
    browser
        .goto(&format!("{base}/admin/comments"))
        .await
        .expect("queue");
    let queue = js(&browser, "return document.body.innerText;").await;
    assert!(
        queue.as_str().unwrap_or("").contains(COMMENT),
        "in the queue"
    );
    click(
        &browser,
        "table.comment-queue tbody tr:first-child button[value=approve]",
    )
    .await;
    assert!(
        poll(Duration::from_secs(10), || async {
            browser.current_url().await.is_ok_and(|u| {
                u.query()
                    .is_some_and(|q| q.contains("msg=comments-updated"))
            })
        })
        .await,
        "approved"
    );

    // The article shows it on the next request.
    browser.goto(&article).await.expect("article again");
    let text = js(
        &browser,
        "var l = document.querySelector('.comment-list'); return l ? l.innerText : '';",
    )
    .await;
    let text = text.as_str().unwrap_or("");
    assert!(
        text.contains(COMMENT),
        "approved comment on the article: {text}"
    );
    assert!(text.contains("سلمى"));
    assert!(!text.contains("salma@example.com"));
}
