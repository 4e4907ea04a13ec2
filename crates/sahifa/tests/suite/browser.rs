//! A real browser (headless Chromium through chromedriver) on the demo site's model article
//! at phone width: right-to-left Arabic layout without horizontal overflow, and the
//! back-to-top button's JS enhancement (hidden at the top, shown after scrolling, focusable,
//! labelled, and scrolling smoothly back to the top when clicked).
//!
//! The test starts chromedriver itself. Without it the test is skipped with a notice, except
//! under CI (`CI` set), where it fails: CI installs Chromium and chromedriver.

use crate::common;

use std::time::{Duration, Instant};

use common::chrome::{Chromedriver, js, poll};
use fantoccini::{Client, Locator};
use serde_json::{Value, json};

const WIDTH: u32 = 375;
const HEIGHT: u32 = 812;
const BACK_TO_TOP_LABEL: &str = "زر الذهاب إلى الأعلى";

async fn js_f64(browser: &Client, script: &str) -> f64 {
    let v = js(browser, script).await;
    v.as_f64()
        .unwrap_or_else(|| panic!("{script} returned {v}, not a number"))
}

/// The back-to-top button's state as the page sees it.
async fn button_state(browser: &Client) -> Value {
    js(
        browser,
        "var b = document.querySelector('a.back-to-top');
         if (!b) { return null; }
         var s = getComputedStyle(b);
         return { visible: b.classList.contains('is-visible'), visibility: s.visibility,
                  opacity: s.opacity, display: s.display, scrollY: window.scrollY,
                  transitions: (b.getAnimations ? b.getAnimations() : []).map(function (a) {
                    return (a.transitionProperty || a.animationName) + ' ' + a.playState;
                  }) };",
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn model_article_on_a_phone() {
    if !common::chrome::available("the browser test") {
        return;
    }
    let started = Instant::now();

    let test_db = sahifa_testkit::TestDb::new(sahifa_testkit::Backend::Sqlite)
        .await
        .expect("sqlite test db");
    let app = common::TestApp::start(test_db, true).await;
    let path = app.article_url("لافروف").await;
    let url = format!("{}{path}", app.base);

    let driver = Chromedriver::start().await;
    let profile = tempfile::tempdir().expect("profile dir");
    let browser = driver.session(profile.path(), WIDTH, HEIGHT).await;
    common::chrome::run_guarded(browser.clone(), run_checks(browser, url)).await;
    drop(driver);
    drop(profile);
    eprintln!(
        "browser test passed in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

async fn run_checks(browser: Client, url: String) {
    // Phone-width viewport: 375 CSS px. Correct the window if the browser chrome eats some.
    browser.goto("about:blank").await.expect("about:blank");
    let mut inner = js_f64(&browser, "return window.innerWidth;").await;
    if (inner - f64::from(WIDTH)).abs() > 1.0 {
        let outer = js_f64(&browser, "return window.outerWidth;").await;
        let extra = (outer - inner).max(0.0) as u32;
        browser
            .set_window_rect(0, 0, WIDTH + extra, HEIGHT)
            .await
            .expect("set window rect");
        inner = js_f64(&browser, "return window.innerWidth;").await;
    }
    assert!(
        (inner - f64::from(WIDTH)).abs() <= 1.0,
        "viewport is {inner} CSS px wide, wanted {WIDTH}"
    );

    // The model article: right-to-left Arabic, no sideways scrolling, the expected headline.
    browser.goto(&url).await.expect("open the article");
    assert_eq!(
        js(&browser, "return document.documentElement.dir;").await,
        json!("rtl")
    );
    assert_eq!(
        js(&browser, "return document.documentElement.lang;").await,
        json!("ar")
    );
    let overflow = js(
        &browser,
        "var w = window.innerWidth, out = [];
         document.querySelectorAll('body *').forEach(function (e) {
           var r = e.getBoundingClientRect();
           if (r.width > 0 && (r.right > w + 0.5 || r.left < -0.5) && out.length < 10) {
             out.push(e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') +
                      ' [' + Math.round(r.left) + ', ' + Math.round(r.right) + ']');
           }
         });
         return { scrollWidth: document.documentElement.scrollWidth, innerWidth: w,
                  clientWidth: document.documentElement.clientWidth, culprits: out };",
    )
    .await;
    // clientWidth is innerWidth less a classic scrollbar, if any: the stricter bound.
    assert!(
        overflow["scrollWidth"].as_f64() <= overflow["innerWidth"].as_f64()
            && overflow["scrollWidth"].as_f64() <= overflow["clientWidth"].as_f64(),
        "horizontal overflow at {WIDTH} px: {overflow}"
    );
    eprintln!(
        "viewport {inner} CSS px, document clientWidth {} scrollWidth {}",
        overflow["clientWidth"], overflow["scrollWidth"]
    );
    let h1 = browser
        .find(Locator::Css("h1"))
        .await
        .expect("an h1")
        .text()
        .await
        .expect("h1 text");
    assert!(h1.contains("لافروف"), "h1 is {h1:?}");

    // At the top, with JS running, the button is hidden (and so out of the tab order).
    let js_ran = poll(Duration::from_secs(5), || async {
        js(
            &browser,
            "return document.documentElement.classList.contains('js');",
        )
        .await
            == json!(true)
    })
    .await;
    assert!(js_ran, "site.js did not add the `js` class to <html>");
    let button = browser
        .find(Locator::Css("a.back-to-top"))
        .await
        .expect("the back-to-top link");
    // The fade transition is only enabled after the first paint (`can-animate`), so the
    // button must be hidden as soon as `js` is on <html>, with no fade-out to wait for.
    let hidden = poll(Duration::from_millis(150), || async {
        let s = button_state(&browser).await;
        s["visible"] == json!(false) && s["visibility"] == json!("hidden")
    })
    .await;
    let state = button_state(&browser).await;
    assert!(hidden, "button not hidden at the top with JS: {state}");
    assert_eq!(
        state["scrollY"],
        json!(0),
        "page did not open at the top: {state}"
    );
    assert!(
        !button.is_displayed().await.expect("is_displayed"),
        "WebDriver sees the button at the top: {state}"
    );
    let focused_hidden = js(
        &browser,
        "var b = document.querySelector('a.back-to-top'); b.focus();
         var f = document.activeElement === b; b.blur(); return f;",
    )
    .await;
    assert_eq!(
        focused_hidden,
        json!(false),
        "the hidden button takes focus"
    );

    // Scroll to near the bottom: the button appears.
    let room = js_f64(
        &browser,
        "return document.documentElement.scrollHeight - window.innerHeight;",
    )
    .await;
    assert!(
        room > 600.0,
        "the article is too short to scroll past 400 px: {room} px of room"
    );
    js(
        &browser,
        "window.scrollTo({ top: document.documentElement.scrollHeight - window.innerHeight - 100,
                           behavior: 'instant' });",
    )
    .await;
    let shown = poll(Duration::from_secs(5), || async {
        let s = button_state(&browser).await;
        s["visible"] == json!(true)
            && s["visibility"] == json!("visible")
            && s["opacity"] == json!("1")
            && button.is_displayed().await.unwrap_or(false)
    })
    .await;
    assert!(
        shown,
        "button not shown after scrolling: {}",
        button_state(&browser).await
    );

    // Keyboard focusable, labelled.
    assert_eq!(button.tag_name().await.expect("tag").to_lowercase(), "a");
    assert_eq!(
        button.attr("href").await.expect("href").as_deref(),
        Some("#top")
    );
    assert_eq!(
        button
            .attr("aria-label")
            .await
            .expect("aria-label")
            .as_deref(),
        Some(BACK_TO_TOP_LABEL)
    );
    let focus = js(
        &browser,
        "var b = document.querySelector('a.back-to-top'); b.focus();
         var r = { focused: document.activeElement === b, tabIndex: b.tabIndex };
         b.blur(); return r;",
    )
    .await;
    assert_eq!(
        focus["focused"],
        json!(true),
        "the visible button cannot take focus: {focus}"
    );
    assert!(
        focus["tabIndex"].as_i64() >= Some(0),
        "not in the tab order: {focus}"
    );

    // Click: smooth scroll back to the top, focus to the top of the page, button hidden again.
    let before = js_f64(&browser, "return window.scrollY;").await;
    assert!(before > 400.0, "scrolled only to {before}");
    button.click().await.expect("click the back-to-top button");
    let clicked = Instant::now();
    let at_top = poll(Duration::from_secs(5), || async {
        js(&browser, "return window.scrollY;").await.as_f64() == Some(0.0)
    })
    .await;
    assert!(
        at_top,
        "not back at the top 5 s after the click: {}",
        button_state(&browser).await
    );
    eprintln!(
        "back to the top from {before} px in {} ms",
        clicked.elapsed().as_millis()
    );
    let focus_target = js(
        &browser,
        "var a = document.activeElement; return a ? (a.id || a.tagName.toLowerCase()) : null;",
    )
    .await;
    assert_eq!(
        focus_target,
        json!("top"),
        "focus did not move to the top of the page"
    );
    assert_ne!(
        js(&browser, "return location.hash;").await,
        json!("#top"),
        "the click followed the link instead of scrolling in JS"
    );
    let hidden_again = poll(Duration::from_secs(3), || async {
        let s = button_state(&browser).await;
        s["visible"] == json!(false) && s["visibility"] == json!("hidden")
    })
    .await;
    assert!(
        hidden_again,
        "button still shown at the top: {}",
        button_state(&browser).await
    );
}
