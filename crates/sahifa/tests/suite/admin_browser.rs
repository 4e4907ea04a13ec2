//! The newsroom in a real phone-sized browser (headless Chromium, 360 px): log in, upload
//! an image, write an article with it, publish, and find it on the public home page.

use crate::common;

use std::time::Duration;

use common::chrome::{Chromedriver, js, poll};
use fantoccini::{Client, Locator};
use serde_json::json;

const WIDTH: u32 = 360;
const HEIGHT: u32 = 780;
const PASSWORD: &str = "كلمة-سر-المحرر-الطويلة";
const TITLE: &str = "افتتاح معرض الكتاب في الرياض بمشاركة واسعة";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_editor_publishes_an_article_with_an_image_from_a_phone() {
    if !common::chrome::available("the admin browser test") {
        return;
    }
    let test_db = sahifa_testkit::TestDb::new(sahifa_testkit::Backend::Sqlite)
        .await
        .expect("sqlite");
    let app = common::TestApp::start(test_db, true).await;
    sahifa::accounts::add_user(
        &app.db,
        "desk@example.com",
        "محرر الديسك",
        sahifa_store::Role::Editor,
        PASSWORD,
    )
    .await
    .expect("editor");
    let image_path = app.test_db.dir.path().join("photo.jpg");
    std::fs::write(&image_path, jpeg(1600, 900)).expect("write jpeg");

    let driver = Chromedriver::start().await;
    let profile = tempfile::tempdir().expect("profile");
    let browser = driver.session(profile.path(), WIDTH, HEIGHT).await;
    let base = app.base.clone();
    common::chrome::run_guarded(browser.clone(), flow(browser, base, image_path)).await;
    drop(driver);

    let home = app.page("/", 200).await;
    assert!(
        home.contains(TITLE),
        "the published article is on the home page"
    );
}

async fn no_horizontal_overflow(browser: &Client, what: &str) {
    let fits = js(
        browser,
        "return document.documentElement.scrollWidth <= window.innerWidth;",
    )
    .await;
    assert_eq!(
        fits,
        json!(true),
        "{what} overflows horizontally at {WIDTH} px"
    );
}

async fn flow(browser: Client, base: String, image: std::path::PathBuf) {
    // Logging in: the login page sends the editor back to the dashboard.
    browser
        .goto(&format!("{base}/admin"))
        .await
        .expect("open admin");
    let login_form = poll(Duration::from_secs(5), || async {
        browser.find(Locator::Css("input#email")).await.is_ok()
    })
    .await;
    assert!(login_form, "anonymous visitors are sent to the login form");
    assert_eq!(
        js(&browser, "return document.documentElement.dir;").await,
        json!("rtl")
    );
    no_horizontal_overflow(&browser, "the login page").await;
    browser
        .find(Locator::Css("input#email"))
        .await
        .expect("email")
        .send_keys("desk@example.com")
        .await
        .expect("type");
    browser
        .find(Locator::Css("input#password"))
        .await
        .expect("password")
        .send_keys(PASSWORD)
        .await
        .expect("type");
    browser
        .find(Locator::Css("form button[type=submit]"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("click");
    let on_dashboard = poll(Duration::from_secs(10), || async {
        browser.find(Locator::Css("ul.counts")).await.is_ok()
    })
    .await;
    assert!(on_dashboard, "logged in to the dashboard");
    no_horizontal_overflow(&browser, "the dashboard").await;

    // Uploading a photo with alt text.
    browser
        .goto(&format!("{base}/admin/media"))
        .await
        .expect("media page");
    browser
        .find(Locator::Css("input#file"))
        .await
        .expect("file input")
        .send_keys(&image.display().to_string())
        .await
        .expect("choose file");
    browser
        .find(Locator::Css("input#upload-alt"))
        .await
        .expect("alt")
        .send_keys("زوار في أروقة المعرض")
        .await
        .expect("type");
    browser
        .find(Locator::Css(
            "form[enctype='multipart/form-data'] button[type=submit]",
        ))
        .await
        .expect("upload button")
        .click()
        .await
        .expect("upload");
    let uploaded = poll(Duration::from_secs(20), || async {
        js(&browser, "return !!document.querySelector('.media-grid img') && Array.from(document.querySelectorAll('.media-grid input[name=alt]')).some(function (i) { return i.value === 'زوار في أروقة المعرض'; });").await == json!(true)
    })
    .await;
    if !uploaded {
        let text = js(
            &browser,
            "return location.href + ' :: ' + document.body.innerText.slice(0, 600);",
        )
        .await;
        panic!("the upload does not appear in the media library: {text}");
    }
    no_horizontal_overflow(&browser, "the media library").await;

    // Writing and publishing.
    browser
        .goto(&format!("{base}/admin/articles/new"))
        .await
        .expect("editor");
    no_horizontal_overflow(&browser, "the editor").await;
    browser
        .find(Locator::Css("input#title"))
        .await
        .expect("title")
        .send_keys(TITLE)
        .await
        .expect("type");
    browser
        .find(Locator::Css("textarea#lead"))
        .await
        .expect("lead")
        .send_keys("انطلقت فعاليات المعرض بحضور كبير.")
        .await
        .expect("type");
    // The visual editor stands where the body's textarea was.
    let body = browser
        .find(Locator::Css("#rte-body[contenteditable=true]"))
        .await
        .expect("the visual editor");
    body.click().await.expect("focus the body");
    body.send_keys("افتتح المعرض أبوابه صباح اليوم.\nويشارك فيه مئات الناشرين.")
        .await
        .expect("type");
    // The newest upload is the first image choice after "no image".
    browser
        .find(Locator::Css(
            ".media-pick input[type=radio][value]:not([value=''])",
        ))
        .await
        .expect("an uploaded image to choose")
        .click()
        .await
        .expect("choose image");
    browser
        .find(Locator::Css("button[name=action][value=publish]"))
        .await
        .expect("publish now")
        .click()
        .await
        .expect("publish");
    let saved = poll(Duration::from_secs(10), || async {
        js(&browser, "return !!document.querySelector('.notice') && location.search.indexOf('msg=published') >= 0;").await == json!(true)
    })
    .await;
    assert!(saved, "the article was published");

    // The public article shows the image with responsive variants.
    let view = browser
        .find(Locator::Css(".editor-links a"))
        .await
        .expect("view link");
    view.click().await.expect("open article");
    let shown = poll(Duration::from_secs(10), || async {
        js(&browser, "var i = document.querySelector('.article-image img'); return !!i && i.complete && i.naturalWidth > 0 && (i.getAttribute('srcset') || '').indexOf('640w') >= 0;").await == json!(true)
    })
    .await;
    assert!(
        shown,
        "the article page shows the uploaded image with a srcset"
    );
    no_horizontal_overflow(&browser, "the published article").await;
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode jpeg");
    out.into_inner()
}
