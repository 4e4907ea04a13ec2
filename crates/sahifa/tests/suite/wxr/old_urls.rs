//! Every old URL keeps answering: for each of WordPress's common permalink structures,
//! each old link of the Arabic site (as WordPress served it, percent-encoded, with and
//! without its trailing slash) answers 301 to a page that answers 200; so do `/?p=ID`,
//! archives, feeds, attachment pages and imported upload files. Drafts stay hidden.

use sahifa_testkit::{Backend, TestDb, both_backends};

use super::arabic_site::{self, BASE, Permalinks};
use super::{import, write_file};
use crate::common::TestApp;

/// A JPEG photo of `width × height` with some detail.
fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode");
    out.into_inner()
}

/// `path` answers 301 to a page answering 200; returns that page's path and body.
async fn moves(app: &TestApp, path: &str) -> (String, String) {
    let response = app.get(path).await;
    assert_eq!(response.status().as_u16(), 301, "GET {path}");
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let local = location
        .strip_prefix(&app.base)
        .unwrap_or(&location)
        .to_string();
    assert!(local.starts_with('/'), "{path} → {location}");
    let landing = app.get(&local).await;
    assert_eq!(landing.status().as_u16(), 200, "{path} → {local}");
    let body = landing.text().await.expect("body");
    (local, body)
}

/// `path` with its percent-escapes in capitals (`%D8%B9`), as some clients send them.
fn capital_escapes(path: &str) -> String {
    let mut out = String::new();
    let mut hex_left = 0;
    for c in path.chars() {
        if c == '%' {
            hex_left = 2;
            out.push(c);
        } else if hex_left > 0 {
            hex_left -= 1;
            out.push(c.to_ascii_uppercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn path_of(url: &str) -> String {
    url.strip_prefix(BASE).unwrap_or(url).to_string()
}

async fn every_old_link_answers(t: TestDb, structure: Permalinks, with_uploads: bool) {
    let dir = tempfile::tempdir().expect("tmp");
    let file = write_file(dir.path(), "site.xml", &arabic_site::export(structure));
    let uploads = dir.path().join("uploads");
    std::fs::create_dir_all(uploads.join("2026/03")).expect("uploads");
    std::fs::write(uploads.join("2026/03/oil.jpg"), jpeg(1200, 800)).expect("photo");
    let uploads_arg = uploads.to_str().expect("path").to_string();
    let args: Vec<&str> = if with_uploads {
        vec!["--uploads", &uploads_arg]
    } else {
        Vec::new()
    };
    let report = import(&t, &file, &args).await.expect("imports");
    let app = TestApp::start(t, false).await;

    let oil = arabic_site::post_link(
        structure,
        101,
        "2026/03/20",
        "economy",
        arabic_site::OIL_SLUG,
    );
    let league = arabic_site::post_link(
        structure,
        105,
        "2026/03/21",
        arabic_site::SPORT_CATEGORY,
        arabic_site::LEAGUE_SLUG,
    );
    for link in [&oil, &league] {
        let path = path_of(link);
        let (landing, _) = moves(&app, &path).await;
        assert!(landing.starts_with("/article/"), "{path} → {landing}");
        // Without the trailing slash, and with the percent-encoding in capitals.
        let (bare, _) = moves(&app, path.trim_end_matches('/')).await;
        assert_eq!(bare, landing);
        let (upper, _) = moves(&app, &capital_escapes(&path)).await;
        assert_eq!(upper, landing, "{path} in capitals");
    }
    let (by_id, page) = moves(&app, "/?p=101").await;
    assert_eq!(by_id, moves(&app, &path_of(&oil)).await.0);
    assert!(page.contains("ارتفعت أسعار النفط"), "the old story itself");
    // Its Hijri date is the day its readers saw: 00:30 on 20 March 2026 in +03:00 is the
    // first of Shawwal (Eid al-Fitr); in UTC it was still the evening of 19 March.
    let digits = sahifa_text::digits::DigitStyle::default();
    let hijri = |d: u32| {
        sahifa_text::dates::format_hijri(
            chrono::NaiveDate::from_ymd_opt(2026, 3, d).expect("a date"),
            sahifa_text::dates::Lang::Ar,
            digits,
        )
    };
    assert_ne!(hijri(20), hijri(19));
    assert!(page.contains(&hijri(20)), "{} on the page", hijri(20));
    assert!(!page.contains(&hijri(19)), "not {}", hijri(19));
    moves(&app, "/?p=105").await;
    if structure == Permalinks::PostName {
        // The former slug of the oil story.
        let (old_slug, _) = moves(&app, "/oil-prices/").await;
        assert_eq!(old_slug, by_id);
    }
    // Archives and their feeds, by the paths WordPress gave them.
    let (category, body) = moves(
        &app,
        &format!("/category/economy/{}/", arabic_site::OIL_CATEGORY),
    )
    .await;
    assert!(category.starts_with("/category/"), "{category}");
    assert!(
        body.contains("ارتفاع أسعار"),
        "the story is listed under its second category"
    );
    let (politics, body) = moves(&app, "/category/politics/").await;
    assert_eq!(politics, "/category/politics");
    assert!(body.contains("ارتفاع أسعار"), "and under its third");
    let _ = politics;
    let (feed, _) = moves(&app, "/category/economy/feed/").await;
    assert!(feed.ends_with("/feed.xml"), "{feed}");
    moves(&app, &format!("/tag/{}/", arabic_site::IRAN_TAG)).await;
    moves(&app, "/author/mona/").await;
    moves(&app, "/author/desk/feed/").await;
    let (site_feed, _) = moves(&app, "/feed/").await;
    assert_eq!(site_feed, "/feed.xml");
    moves(&app, "/?cat=5").await;
    // Pages, the child under its parent's path.
    let (team, body) = moves(
        &app,
        &format!("/{}/{}/", arabic_site::ABOUT_SLUG, arabic_site::TEAM_SLUG),
    )
    .await;
    assert!(team.starts_with("/page/"), "{team}");
    assert!(body.contains("رئيس التحرير"));
    moves(&app, "/?page_id=110").await;
    // Date archives, in the moved site's calendar (its +03:00 became the site's zone):
    // the oil story went out at 00:30 on 20 March there, 21:30 on the 19th in UTC.
    let (day, body) = moves(&app, "/2026/03/20/").await;
    assert_eq!(day, "/archive/2026/03/20");
    assert!(body.contains("ارتفاع أسعار"), "the day's story is listed");
    assert!(
        body.contains("أرشيف 20 مارس 2026") || body.contains("أرشيف ٢٠ مارس ٢٠٢٦"),
        "{body}"
    );
    let (_, body) = moves(&app, "/2026/03/").await;
    assert!(
        body.contains("الدوري ينطلق"),
        "the month lists both stories"
    );
    assert!(body.contains("ارتفاع أسعار"));
    let body = app.page("/archive/2026/03/19", 200).await;
    assert!(
        !body.contains("ارتفاع أسعار"),
        "not on the 19th in the site's calendar"
    );
    moves(&app, "/2026/").await;
    // What readers never saw stays unseen: a draft, a private post, a scheduled one.
    for hidden in ["/?p=103", "/?p=104", "/?p=102"] {
        let status = app.get(hidden).await.status().as_u16();
        assert_ne!(
            status, 301,
            "{hidden} must not reveal an unpublished article"
        );
    }
    // An address that never existed is still a 404.
    assert_eq!(
        app.get("/2026/03/no-such-story").await.status().as_u16(),
        404
    );
    if with_uploads {
        assert_eq!(report.of("media")[0], 1);
        let (file, _) = moves(&app, "/wp-content/uploads/2026/03/oil.jpg").await;
        assert!(file.starts_with("/media/uploads/"), "{file}");
        let (resized, _) = moves(&app, "/wp-content/uploads/2026/03/oil-300x200.jpg").await;
        assert_eq!(resized, file, "a resized copy leads to the upload");
        let (attachment, _) = moves(&app, "/?attachment_id=120").await;
        assert_eq!(attachment, file);
        // The body and the featured image use the new file; nothing points at the old host.
        let article = app.page(&by_id, 200).await;
        assert!(
            !article.contains("news.example.com/wp-content"),
            "{article}"
        );
        assert!(article.contains(&file), "the body shows the imported photo");
        assert_eq!(report.old_host_references, 0);
    } else {
        assert!(report.old_host_references >= 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_name_permalinks() {
    let t = TestDb::new(Backend::Sqlite).await.expect("sqlite");
    every_old_link_answers(t, Permalinks::PostName, true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn day_and_name_permalinks() {
    let t = TestDb::new(Backend::Sqlite).await.expect("sqlite");
    every_old_link_answers(t, Permalinks::DayAndName, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn category_and_name_permalinks() {
    let t = TestDb::new(Backend::Sqlite).await.expect("sqlite");
    every_old_link_answers(t, Permalinks::CategoryAndName, false).await;
}

both_backends!(numeric_permalinks, |t: TestDb| async move {
    every_old_link_answers(t, Permalinks::Numeric, true).await;
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_link_of_the_theme_unit_test_answers() {
    let t = TestDb::new(Backend::Sqlite).await.expect("sqlite");
    import(
        &t,
        &super::shared_fixture("themeunittestdata.wordpress.xml"),
        &[],
    )
    .await
    .expect("imports");
    let app = TestApp::start(t, false).await;
    let file = std::fs::File::open(super::shared_fixture("themeunittestdata.wordpress.xml"))
        .expect("fixture");
    let mut reader = sahifa_wxr::Reader::new(std::io::BufReader::new(file));
    let mut checked = 0;
    while let Some(entry) = reader.next_entry().expect("reads") {
        let sahifa_wxr::Entry::Item(item) = entry else {
            continue;
        };
        let public = item.status == "publish" && item.password.is_empty();
        if !public || !matches!(item.post_type.as_str(), "post" | "page") {
            continue;
        }
        let url = url::Url::parse(&item.link).expect("a link");
        let path = match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_string(),
        };
        moves(&app, &path).await;
        checked += 1;
    }
    assert!(checked >= 70, "{checked} links checked");
}
