//! Once an import ends, the archive is part of the site: search finds it, related
//! articles include it, and none of it is ever posted to Telegram, not even the story
//! scheduled on the old site that goes out after the move.

use std::time::Duration;

use sahifa_testkit::{Backend, TestDb};

use super::arabic_site::{self, Permalinks};
use super::write_file;
use crate::common::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_imported_archive_is_searched_related_and_never_announced() {
    let t = TestDb::new(Backend::Sqlite).await.expect("sqlite");
    let dir = tempfile::tempdir().expect("tmp");
    let file = write_file(
        dir.path(),
        "site.xml",
        &arabic_site::export(Permalinks::PostName),
    );
    // The site is running while the archive comes in, as on the day of a move.
    let db_url = t.url.clone();
    let data_dir = t.dir.path().to_path_buf();
    let app = TestApp::start_with_search(t, false).await;
    super::import_at(&db_url, &data_dir, &file, &[])
        .await
        .expect("imports");
    let mut found = String::new();
    for _ in 0..50 {
        found = app
            .page(
                &format!("/search?q={}", crate::common::pages::q("النفط")),
                200,
            )
            .await;
        if found.contains("ارتفاع أسعار") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(
        found.contains("ارتفاع أسعار"),
        "search finds the imported story"
    );
    let league = app.article_url("الدوري ينطلق").await;
    let page = app.page(&league, 200).await;
    let related = page.split("مقالات ذات صلة").nth(1).unwrap_or_default();
    assert!(
        related.contains("ارتفاع أسعار"),
        "related articles include the archive"
    );
    // The story the old site had scheduled goes out now, after the move.
    app.test_db
        .exec("UPDATE articles SET published_at = '2026-01-01T00:00:00+00:00' WHERE slug = 'energy-summit'")
        .await;
    for _ in 0..50 {
        if app
            .test_db
            .count("SELECT COUNT(*) FROM articles WHERE slug = 'energy-summit' AND status = 'published'")
            .await
            == 1
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        app.test_db
            .count("SELECT COUNT(*) FROM articles WHERE slug = 'energy-summit' AND status = 'published'")
            .await,
        1,
        "the scheduler published it"
    );
    assert_eq!(
        app.test_db
            .count("SELECT COUNT(*) FROM telegram_deliveries WHERE status <> 'skipped'")
            .await,
        0,
        "nothing imported is posted to Telegram"
    );
    assert_eq!(
        app.test_db
            .count("SELECT COUNT(*) FROM telegram_deliveries")
            .await,
        5,
        "each imported article has its post recorded as skipped"
    );
}
