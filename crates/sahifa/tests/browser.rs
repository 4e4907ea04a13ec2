//! A real browser (headless Chromium through chromedriver) on the demo site's model article
//! at phone width: right-to-left Arabic layout without horizontal overflow, and the
//! back-to-top button's JS enhancement (hidden at the top, shown after scrolling, focusable,
//! labelled, and scrolling smoothly back to the top when clicked).
//!
//! The test starts chromedriver itself. Without it the test is skipped with a notice, except
//! under CI (`CI` set), where it fails: CI installs Chromium and chromedriver.

mod common;

use std::future::Future;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const WIDTH: u32 = 375;
const HEIGHT: u32 = 812;
const BACK_TO_TOP_LABEL: &str = "زر الذهاب إلى الأعلى";

/// A chromedriver process (in its own process group, with the browsers it starts), ended on drop.
struct Chromedriver {
    child: Child,
    url: String,
}

impl Chromedriver {
    async fn start() -> Chromedriver {
        use std::os::unix::process::CommandExt;

        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
            listener.local_addr().expect("local addr").port()
        };
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER}: {e}"));
        let driver = Chromedriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("client");
        let status = format!("{}/status", driver.url);
        let ready = poll(Duration::from_secs(15), || async {
            match http.get(&status).send().await {
                Ok(r) if r.status().is_success() => r
                    .json::<Value>()
                    .await
                    .is_ok_and(|v| v["value"]["ready"] == json!(true)),
                _ => false,
            }
        })
        .await;
        assert!(ready, "chromedriver did not answer {status} within 15 s");
        driver
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // The whole group: chromedriver and any browser it left behind. Only our own group id.
        let pgid = self.child.id();
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pgid}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Calls `check` until it returns true or `timeout` passes; whether it ever returned true.
async fn poll<F, Fut>(timeout: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if check().await {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn js(browser: &Client, script: &str) -> Value {
    browser
        .execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("script failed: {script}: {e}"))
}

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
    if !Path::new(CHROMEDRIVER).exists() || !Path::new(CHROMIUM).exists() {
        if std::env::var_os("CI").is_some() {
            panic!(
                "CI is set but {CHROMEDRIVER} or {CHROMIUM} is missing: the browser test must run in CI (install the chromium and chromium-driver packages)"
            );
        }
        eprintln!(
            "SKIPPED browser test: {CHROMEDRIVER} or {CHROMIUM} not found (install chromium and chromium-driver)"
        );
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
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".to_string(),
        json!({
            "binary": CHROMIUM,
            "args": [
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                format!("--window-size={WIDTH},{HEIGHT}"),
                format!("--user-data-dir={}", profile.path().display()),
            ],
        }),
    );
    let browser = ClientBuilder::rustls()
        .expect("rustls connector")
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("a chromedriver session");

    // The checks run in their own task so that the session is closed (and the browser
    // quits) even when one of them fails; the failure is then re-raised.
    let checks = tokio::spawn(run_checks(browser.clone(), url));
    let outcome = checks.await;
    let _ = browser.close().await;
    drop(driver);
    drop(profile);
    match outcome {
        Ok(()) => eprintln!(
            "browser test passed in {:.1} s",
            started.elapsed().as_secs_f64()
        ),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => panic!("browser checks task: {e}"),
    }
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
