//! The search box in a real browser (headless Chromium): typing the start of a headline
//! offers it, through the suggestions API, as a choice of the box's own list.

use crate::common;

use std::time::Duration;

use common::chrome::{Chromedriver, js, poll};
use fantoccini::{Client, Locator};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_search_box_suggests_headlines_as_you_type() {
    if !common::chrome::available("the search-box browser test") {
        return;
    }
    let test_db = sahifa_testkit::TestDb::new(sahifa_testkit::Backend::Sqlite)
        .await
        .expect("sqlite test db");
    let app = common::TestApp::start_with_search(test_db, true).await;
    let url = format!("{}/", app.base);
    let driver = Chromedriver::start().await;
    let profile = tempfile::tempdir().expect("profile dir");
    let browser = driver.session(profile.path(), 375, 812).await;
    common::chrome::run_guarded(browser.clone(), type_and_see(browser, url)).await;
    drop(driver);
    drop(profile);
}

async fn type_and_see(browser: Client, url: String) {
    browser.goto(&url).await.expect("home");
    let input = browser
        .find(Locator::Css("#site-search"))
        .await
        .expect("the header search box");
    // The model article's headline starts «لافروف».
    input.send_keys("لافرو").await.expect("type");
    let offered = poll(Duration::from_secs(10), || {
        let browser = browser.clone();
        async move {
            let options = js(
                &browser,
                "var input = document.getElementById('site-search');
                 var list = input && input.list;
                 if (!list) { return []; }
                 return Array.prototype.map.call(list.options, function (o) { return o.value; });",
            )
            .await;
            options.as_array().is_some_and(|o| {
                o.iter()
                    .any(|v| v.as_str().is_some_and(|t| t.contains("لافروف")))
            })
        }
    })
    .await;
    assert!(offered, "typing «لافرو» offered no headline with «لافروف»");
}
