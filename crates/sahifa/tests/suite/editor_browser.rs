//! The desk editor in headless Chromium at 360 px and 1366 px (issue 10): write an article
//! with a heading, bold text, a link, a list, an image with caption and credit uploaded in
//! place, a YouTube embed pasted on its own line and an X embed from the toolbar; paste a
//! Word fragment; the autosave survives closing the tab; publish with one click; the public
//! page shows every part and asks nothing of a third party until an embed is clicked; a
//! second person opening the article sees who holds it.

use crate::common;

use std::time::Duration;

use common::chrome::{Chromedriver, js, poll};
use fantoccini::{Client, Locator};
use serde_json::json;

const PASSWORD: &str = "كلمة-سر-المحرر-الطويلة";
const YOUTUBE: &str = "https://youtu.be/dQw4w9WgXcQ";
const X_POST: &str = "https://x.com/AJArabic/status/1790000000000000000";
/// A fragment as Word puts it on the clipboard.
const WORD_HTML: &str = "<html xmlns:o=\"urn:schemas-microsoft-com:office:office\"><head><style>p.MsoNormal{margin:0}</style></head><body><!--StartFragment--><p class=MsoNormal dir=RTL><b><span lang=AR-SA style='font-family:Arial'>من وورد</span></b><span lang=AR-SA> بلا تنسيق<o:p></o:p></span></p><!--EndFragment--></body></html>";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_desk_editor_writes_publishes_and_keeps_work_at_phone_and_desktop_widths() {
    if !common::chrome::available("the desk editor browser test") {
        return;
    }
    let test_db = sahifa_testkit::TestDb::new(sahifa_testkit::Backend::Sqlite)
        .await
        .expect("sqlite");
    let app = common::TestApp::start(test_db, false).await;
    for (email, name) in [
        ("desk@example.com", "محررة الديسك"),
        ("night@example.com", "محرر الليل"),
    ] {
        sahifa::accounts::add_user(&app.db, email, name, sahifa_store::Role::Editor, PASSWORD)
            .await
            .expect("editor");
    }
    let image_path = app.test_db.dir.path().join("port.jpg");
    std::fs::write(&image_path, jpeg(1600, 900)).expect("write jpeg");

    let driver = Chromedriver::start().await;
    for (width, height) in [(360u32, 780u32), (1366, 900)] {
        let profile = tempfile::tempdir().expect("profile");
        let browser = driver.session(profile.path(), width, height).await;
        let second_profile = tempfile::tempdir().expect("profile");
        let second = driver.session(second_profile.path(), width, height).await;
        let base = app.base.clone();
        let image = image_path.clone();
        let closer = second.clone();
        common::chrome::run_guarded(browser.clone(), async move {
            flow(&browser, &second, &base, &image, width).await;
            let _ = closer.close().await;
        })
        .await;
    }
    drop(driver);
}

async fn flow(browser: &Client, second: &Client, base: &str, image: &std::path::Path, width: u32) {
    let title = format!("انفجار في الميناء: شهود يروون ما رأوا {width}");
    common::pages::log_in(browser, base, "desk@example.com", PASSWORD).await;
    browser
        .goto(&format!("{base}/admin/articles/new"))
        .await
        .expect("editor");
    let editor = wait_for(browser, "#rte-body[contenteditable=true]").await;
    assert_eq!(
        js(browser, "return document.documentElement.dir;").await,
        json!("rtl")
    );
    browser
        .find(Locator::Css("input#title"))
        .await
        .expect("title")
        .send_keys(&title)
        .await
        .expect("type");

    // A heading, bold text, a link, a list, from the toolbar.
    editor.click().await.expect("focus");
    tool(browser, "h2").await;
    editor.send_keys("ما حدث صباحاً\n").await.expect("type");
    tool(browser, "p").await;
    editor.send_keys("قال شاهد إن ").await.expect("type");
    tool(browser, "bold").await;
    editor.send_keys("الدخان غطى الرصيف").await.expect("type");
    tool(browser, "bold").await;
    editor.send_keys(" وفق ").await.expect("type");
    editor.send_keys("الوكالة").await.expect("type");
    // Select the last word and link it through the dialog.
    js(
        browser,
        "var b = document.getElementById('rte-body'); var w = document.evaluate(\"//text()[contains(., 'الوكالة')]\", b, null, 9, null).singleNodeValue; var r = document.createRange(); var i = w.data.indexOf('الوكالة'); r.setStart(w, i); r.setEnd(w, i + 7); var s = getSelection(); s.removeAllRanges(); s.addRange(r); return true;",
    )
    .await;
    tool(browser, "link").await;
    let href = wait_for(browser, "dialog[open] input#rte-href").await;
    href.clear().await.expect("clear");
    href.send_keys("https://example.com/agency")
        .await
        .expect("type url");
    dialog_button(browser, "ok").await;
    js(browser, "var b = document.getElementById('rte-body'); var r = document.createRange(); r.selectNodeContents(b); r.collapse(false); var s = getSelection(); s.removeAllRanges(); s.addRange(r); b.focus(); return true;").await;
    editor.send_keys("\n").await.expect("new line");
    tool(browser, "ul").await;
    editor
        .send_keys("بند أول\nبند ثان\n\n")
        .await
        .expect("list");

    // An image uploaded in place, with caption and credit.
    tool(browser, "image").await;
    wait_for(browser, "dialog[open] input#rte-file")
        .await
        .send_keys(&image.display().to_string())
        .await
        .expect("choose file");
    let uploaded = poll(Duration::from_secs(20), || async {
        js(
            browser,
            "var a = document.activeElement; return !!a && a.value === 'ok';",
        )
        .await
            == json!(true)
    })
    .await;
    assert!(uploaded, "the upload finished in the dialog");
    for (field, text) in [
        ("rte-alt", "رصيف الميناء"),
        ("rte-caption", "الرصيف بعد الانفجار"),
        ("rte-credit", "رويترز"),
    ] {
        browser
            .find(Locator::Css(&format!("dialog[open] #{field}")))
            .await
            .expect("field")
            .send_keys(text)
            .await
            .expect("type");
    }
    dialog_button(browser, "ok").await;
    assert!(
        poll(Duration::from_secs(5), || async {
            js(browser, "return !!document.querySelector('#rte-body figure.image img[src^=\"/media/uploads/\"] + figcaption .credit');").await == json!(true)
        })
        .await,
        "the figure with its caption and credit is in the body: {}",
        js(browser, "return document.getElementById('rte-body').innerHTML + ' :: ' + document.getElementById('autosave-status').textContent;").await
    );

    // A YouTube link pasted on an empty line becomes an embed.
    end_of_body(browser).await;
    editor.send_keys("\n").await.expect("new line");
    paste(browser, "text/plain", YOUTUBE).await;
    assert!(
        poll(Duration::from_secs(5), || async {
            js(
                browser,
                "return !!document.querySelector('#rte-body figure.embed[data-provider=youtube]');",
            )
            .await
                == json!(true)
        })
        .await,
        "the pasted YouTube link is an embed"
    );
    // An X post from the toolbar's embed dialog.
    end_of_body(browser).await;
    tool(browser, "embed").await;
    wait_for(browser, "dialog[open] input#rte-url")
        .await
        .send_keys(X_POST)
        .await
        .expect("type url");
    dialog_button(browser, "ok").await;
    assert!(
        poll(Duration::from_secs(5), || async {
            js(
                browser,
                "return !!document.querySelector('#rte-body figure.embed[data-provider=x]');",
            )
            .await
                == json!(true)
        })
        .await,
        "the X post is an embed"
    );
    // A Word fragment comes out in the schema.
    end_of_body(browser).await;
    editor.send_keys("\n").await.expect("new line");
    paste(browser, "text/html", WORD_HTML).await;
    assert!(
        poll(Duration::from_secs(5), || async {
            js(browser, "return document.getElementById('rte-body').innerHTML.indexOf('<strong>من وورد</strong> بلا تنسيق') >= 0;").await == json!(true)
        })
        .await,
        "the Word paste is bold text in the body: {}",
        js(browser, "return document.getElementById('rte-body').innerHTML;").await
    );
    let body = js(
        browser,
        "return document.getElementById('rte-body').innerHTML;",
    )
    .await;
    let body = body.as_str().unwrap_or_default().to_string();
    for leftover in ["Mso", "<span", "style=", "<o:p", "font-family"] {
        assert!(
            !body.contains(leftover),
            "{leftover} left from Word: {body}"
        );
    }
    assert_layout(browser, width, "the editor").await;

    // The autosave reaches the server; closing the tab loses nothing.
    assert!(
        poll(Duration::from_secs(15), || async {
            js(
                browser,
                "return document.getElementById('autosave-status').textContent.length > 0;",
            )
            .await
                == json!(true)
        })
        .await,
        "the editor autosaved"
    );
    // Leaving with changes not saved as the article asks first.
    let warns = js(browser, "var e = new Event('beforeunload', {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented;").await;
    assert_eq!(warns, json!(true), "leaving warns about unsaved changes");
    // Ctrl+K opens the link dialog from the keyboard.
    end_of_body(browser).await;
    // Control held for the k, then released (WebDriver's Null key).
    editor.send_keys("\u{e009}k\u{e000}").await.expect("ctrl+k");
    wait_for(browser, "dialog[open] input#rte-href").await;
    dialog_button(browser, "cancel").await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let old = browser.window().await.expect("window");
    let fresh = browser.new_window(true).await.expect("new tab");
    browser.switch_to_window(old).await.expect("old tab");
    let _ = browser.close_window().await;
    // A leave warning may stand between the tab and its closing: leave anyway.
    let _ = browser.accept_alert().await;
    browser
        .switch_to_window(fresh.handle)
        .await
        .expect("new tab");
    browser
        .goto(&format!("{base}/admin/articles/new"))
        .await
        .expect("editor again");
    wait_for(browser, ".autosave-box a")
        .await
        .click()
        .await
        .expect("restore");
    let restored = poll(Duration::from_secs(10), || async {
        js(browser, "var b = document.getElementById('rte-body'); return !!b && b.innerHTML.indexOf('الدخان غطى الرصيف') >= 0 && !!b.querySelector('figure.embed[data-provider=x]');").await == json!(true)
    })
    .await;
    assert!(
        restored,
        "the autosaved copy came back after the tab was closed"
    );
    let title_back = js(browser, "return document.getElementById('title').value;").await;
    assert_eq!(title_back, json!(title));

    // Publishing is one click.
    browser
        .find(Locator::Css("button[name=action][value=publish]"))
        .await
        .expect("publish now")
        .click()
        .await
        .expect("publish");
    assert!(
        poll(Duration::from_secs(10), || async {
            js(
                browser,
                "return location.search.indexOf('msg=published') >= 0;",
            )
            .await
                == json!(true)
        })
        .await,
        "published"
    );
    let edit_url = browser.current_url().await.expect("url").to_string();
    let article_path = js(
        browser,
        "return document.querySelector('.editor-links a').getAttribute('href');",
    )
    .await;
    let article_path = article_path.as_str().expect("public link").to_string();

    // A second person opening the article sees who has it.
    common::pages::log_in(second, base, "night@example.com", PASSWORD).await;
    second.goto(&edit_url).await.expect("second editor");
    let lock = wait_for(second, ".lock-box").await;
    let lock_text = lock.text().await.expect("text");
    assert!(lock_text.contains("محررة الديسك"), "{lock_text}");

    // The public page: every part, and nothing from a provider before a click.
    browser
        .goto(&format!("{base}{article_path}"))
        .await
        .expect("public page");
    wait_for(browser, ".article-body").await;
    for (what, selector) in [
        ("the heading", ".article-body h2"),
        ("the bold text", ".article-body strong"),
        (
            "the link",
            ".article-body a[href='https://example.com/agency']",
        ),
        ("the list", ".article-body ul li"),
        ("the figure", ".article-body figure.image img"),
        ("the caption", ".article-body figure.image figcaption"),
        ("the credit", ".article-body figure.image .credit"),
        ("the YouTube card", ".embed-card.embed-youtube a.embed-load"),
        ("the X card", ".embed-card.embed-x a.embed-load"),
    ] {
        let found = js(
            browser,
            &format!("return !!document.querySelector(\"{selector}\");"),
        )
        .await;
        assert_eq!(found, json!(true), "{what} on the public page");
    }
    let third_party = js(
        browser,
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; }).filter(function (n) { return n.indexOf(location.origin) !== 0; });",
    )
    .await;
    assert_eq!(
        third_party,
        json!([]),
        "requests to other origins before a click"
    );
    assert_eq!(
        js(
            browser,
            "return document.querySelectorAll('iframe').length;"
        )
        .await,
        json!(0)
    );
    assert_layout(browser, width, "the article page").await;
    // Smooth scrolling would leave the card under the fold when the click comes.
    js(browser, "document.querySelector('.embed-youtube a.embed-load').scrollIntoView({block: 'center', behavior: 'instant'}); return true;").await;
    browser
        .find(Locator::Css(".embed-youtube a.embed-load"))
        .await
        .expect("card")
        .click()
        .await
        .expect("click the card");
    let framed = poll(Duration::from_secs(5), || async {
        js(browser, "var f = document.querySelector('.embed-youtube iframe'); return !!f && f.src.indexOf('https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ') === 0;").await == json!(true)
    })
    .await;
    assert!(framed, "a click loads the YouTube frame");
}

async fn wait_for(browser: &Client, selector: &str) -> fantoccini::elements::Element {
    let found = poll(Duration::from_secs(10), || async {
        browser.find(Locator::Css(selector)).await.is_ok()
    })
    .await;
    if !found {
        let text = js(
            browser,
            "return location.href + ' :: ' + document.body.innerText.slice(0, 400);",
        )
        .await;
        panic!("{selector} never appeared: {text}");
    }
    browser.find(Locator::Css(selector)).await.expect(selector)
}

/// Presses the open dialog's `ok` or `cancel` button.
async fn dialog_button(browser: &Client, value: &str) {
    browser
        .find(Locator::Css(&format!("dialog[open] button[value={value}]")))
        .await
        .unwrap_or_else(|_| panic!("the dialog's {value} button"))
        .click()
        .await
        .expect("press a dialog button");
}

async fn tool(browser: &Client, command: &str) {
    browser
        .find(Locator::Css(&format!(
            ".rte-toolbar button[data-command={command}]"
        )))
        .await
        .unwrap_or_else(|_| panic!("the {command} button"))
        .click()
        .await
        .expect("click a tool");
}

/// Puts the caret at the end of the body.
async fn end_of_body(browser: &Client) {
    js(browser, "var b = document.getElementById('rte-body'); b.focus(); var r = document.createRange(); r.selectNodeContents(b); r.collapse(false); var s = getSelection(); s.removeAllRanges(); s.addRange(r); return true;").await;
}

/// Pastes `data` of `kind` where the caret is, as the clipboard would.
async fn paste(browser: &Client, kind: &str, data: &str) {
    browser
        .execute(
            "var dt = new DataTransfer(); dt.setData(arguments[0], arguments[1]); if (arguments[0] === 'text/html') { dt.setData('text/plain', 'من وورد بلا تنسيق'); } var e = new ClipboardEvent('paste', {clipboardData: dt, bubbles: true, cancelable: true}); document.getElementById('rte-body').dispatchEvent(e); return true;",
            vec![json!(kind), json!(data)],
        )
        .await
        .expect("paste");
}

async fn assert_layout(browser: &Client, width: u32, what: &str) {
    let problems = common::layout::problems(browser, false).await;
    assert!(problems.is_empty(), "{what} at {width} px: {problems:?}");
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode jpeg");
    out.into_inner()
}
