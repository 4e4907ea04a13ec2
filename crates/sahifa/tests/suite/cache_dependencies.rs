//! Per-page dependencies and edge caching (issue 13, items 2 and 3).
//!
//! * A write retires only the cached pages that show what it changed: a comment approved
//!   on one article retires that article's page and the lists showing its card (and so its
//!   comment count), not other articles or other sections; a published article retires
//!   the front page, its section and the feeds, not the other articles' pages. Hits and
//!   renders are counted by the cache itself, never timed.
//! * Every cached page and document names what it shows in `xkey`, `Surrogate-Key` and
//!   `Cache-Tag`, and says in `Cache-Control` how long shared caches may keep it; staff
//!   get private answers.
//! * A write's purge reaches the configured cache with the keys it retired, is retried
//!   when the cache fails, and a write that retires everything purges the key every
//!   response carries.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sahifa_newsroom::Actor;
use sahifa_newsroom::comments::Moderation;
use sahifa_store::{ArticleFilter, ArticleInput, ArticleStatus, CommentStatus, NewComment};
use sahifa_testkit::{ArticleWrites, Seed};

use crate::common;
use common::TestApp;

/// What a test keeps of a response.
struct Fetched {
    body: String,
    keys: Vec<String>,
    cache_control: String,
}

async fn fetch(app: &TestApp, path: &str) -> Fetched {
    let response = app.get(path).await;
    assert_eq!(response.status().as_u16(), 200, "GET {path}");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    let keys = header("xkey")
        .split(' ')
        .filter(|k| !k.is_empty())
        .map(str::to_string)
        .collect();
    let cache_control = header("cache-control");
    let body = response.text().await.expect("body");
    Fetched {
        body,
        keys,
        cache_control,
    }
}

/// Pages rendered plus documents rendered so far.
fn renders(app: &TestApp) -> u64 {
    app.state.cache().renders() + app.state.documents().renders()
}

/// Fetches `path` and says whether the cache had to render it.
async fn rendered(app: &TestApp, path: &str) -> (bool, Fetched) {
    let before = renders(app);
    let fetched = fetch(app, path).await;
    (renders(app) > before, fetched)
}

/// Published articles, newest first: (id, public path, category id).
async fn articles(app: &TestApp) -> Vec<(i64, String, Option<i64>)> {
    let listing = app
        .db
        .published_articles(ArticleFilter::default(), 100, 0)
        .await
        .expect("articles");
    listing
        .items
        .iter()
        .map(|a| {
            (
                a.id,
                sahifa_web::urls::article(&a.slug),
                a.category.as_ref().map(|c| c.id),
            )
        })
        .collect()
}

fn comment_on(article_id: i64, body: &str) -> NewComment {
    NewComment {
        article_id,
        parent_id: None,
        author_name: "قارئ".into(),
        email: "reader@example.com".into(),
        url: String::new(),
        body: body.into(),
        status: CommentStatus::Pending,
        user_id: None,
        is_staff: false,
        ip: None,
        user_agent: String::new(),
        reason: String::new(),
    }
}

app_test!(
    an_approved_comment_retires_its_article_and_the_lists_showing_it,
    demo = true,
    |app: TestApp| async move {
        let all = articles(&app).await;
        let (a_id, a_path, a_category) = all[0].clone();
        let a_key = format!("a{a_id}");
        // Another article whose page shows nothing of the first (not as related, not in
        // its most-read list).
        let mut other = None;
        for (_, path, _) in &all[1..] {
            if !fetch(&app, path).await.keys.contains(&a_key) {
                other = Some(path.clone());
                break;
            }
        }
        let b_path = other.expect("an article page that does not show the first");
        // A section the first article is not in, whose archive does not show it.
        let site = app.state.site().await.expect("site");
        let mut unrelated_archive = None;
        for category in site.categories.iter().filter(|c| Some(c.id) != a_category) {
            let path = sahifa_web::urls::category(&category.slug);
            let response = app.get(&path).await;
            if response.status().as_u16() == 200 && !fetch(&app, &path).await.keys.contains(&a_key)
            {
                unrelated_archive = Some(path);
                break;
            }
        }
        let unrelated_archive = unrelated_archive.expect("a section without the article");

        let comment = app
            .db
            .insert_comment(&comment_on(a_id, "تعليق يظهر بعد الموافقة"))
            .await
            .expect("comment");
        // Warm everything after the held comment was stored.
        for path in [&a_path, &b_path, "/", &unrelated_archive] {
            fetch(&app, path).await;
        }
        let home = fetch(&app, "/").await;
        assert!(
            home.keys.contains(&a_key),
            "the front page does not name the newest article: {:?}",
            home.keys
        );
        for path in [&a_path, &b_path, "/", &unrelated_archive] {
            assert!(!rendered(&app, path).await.0, "{path} was not cached");
        }

        app.state
            .newsroom()
            .moderate_comments(&Actor::System, &[comment], Moderation::Approve)
            .await
            .expect("approve");

        assert!(
            !rendered(&app, &b_path).await.0,
            "another article was retired"
        );
        assert!(
            !rendered(&app, &unrelated_archive).await.0,
            "an unrelated section was retired"
        );
        let (again, page) = rendered(&app, &a_path).await;
        assert!(again, "the article's page was not retired");
        assert!(page.body.contains("تعليق يظهر بعد الموافقة"));
        assert!(
            rendered(&app, "/").await.0,
            "the front page shows the article's comment count and was not retired"
        );
        // And now they are all cached again.
        for path in [&a_path, &b_path, "/"] {
            assert!(!rendered(&app, path).await.0, "{path} was not cached again");
        }
    }
);

app_test!(
    a_published_article_retires_the_lists_it_enters_not_other_articles,
    demo = true,
    |app: TestApp| async move {
        let all = articles(&app).await;
        let site = app.state.site().await.expect("site");
        // Two sections, neither inside the other.
        let tops: Vec<_> = site
            .categories
            .iter()
            .filter(|c| c.parent_id.is_none())
            .collect();
        assert!(tops.len() >= 2, "the demo has two top-level sections");
        let (into, elsewhere) = (tops[0], tops[1]);
        let into_path = sahifa_web::urls::category(&into.slug);
        let elsewhere_path = sahifa_web::urls::category(&elsewhere.slug);
        let article_path = all[0].1.clone();
        let warm = [
            article_path.as_str(),
            "/",
            into_path.as_str(),
            elsewhere_path.as_str(),
            "/feed.xml",
            "/sitemap.xml",
        ];
        for path in warm {
            fetch(&app, path).await;
        }
        for path in warm {
            assert!(!rendered(&app, path).await.0, "{path} was not cached");
        }

        let title = "خبر عاجل ينشر الآن في القسم";
        app.db
            .create_article(&ArticleInput {
                slug: Some("breaking-into-section".into()),
                title: title.into(),
                lead: "مقدمة الخبر.".into(),
                body_html: String::new(),
                body_md: "نص الخبر.".into(),
                dateline: None,
                source: None,
                author_id: None,
                category_id: Some(into.id),
                tags: Vec::new(),
                status: ArticleStatus::Published,
                published_at: None,
                image: None,
            })
            .await
            .expect("publish");

        assert!(
            !rendered(&app, &article_path).await.0,
            "another article's page was retired by a publish"
        );
        assert!(
            !rendered(&app, &elsewhere_path).await.0,
            "another section was retired"
        );
        for path in ["/", into_path.as_str(), "/feed.xml"] {
            let (again, page) = rendered(&app, path).await;
            assert!(again, "{path} was not retired");
            assert!(page.body.contains(title), "{path} lacks the new article");
        }
        assert!(rendered(&app, "/sitemap.xml").await.0, "the sitemap index");
    }
);

app_test!(
    pages_tell_shared_caches_what_they_show_and_how_long_to_keep_it,
    demo = true,
    |app: TestApp| async move {
        let (id, path, _) = articles(&app).await[0].clone();
        let response = app.get(&path).await;
        let headers = response.headers().clone();
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(
            header("cache-control"),
            "public, max-age=0, s-maxage=60, stale-while-revalidate=30, stale-if-error=86400"
        );
        let keys = header("xkey");
        assert_eq!(header("surrogate-key"), keys);
        assert_eq!(header("cache-tag"), keys.replace(' ', ","));
        let keys: Vec<&str> = keys.split(' ').collect();
        assert_eq!(keys.first(), Some(&"sahifa"), "{keys:?}");
        for wanted in [format!("a{id}"), "site".into()] {
            assert!(keys.contains(&wanted.as_str()), "{wanted} not in {keys:?}");
        }
        // A conditional request keeps them, so a cache revalidating its copy keeps its keys.
        let etag = header("etag");
        let revalidated = app
            .client
            .get(format!("{}{path}", app.base))
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("revalidate");
        assert_eq!(revalidated.status().as_u16(), 304);
        assert!(revalidated.headers().contains_key("xkey"));

        let feed = fetch(&app, "/feed.xml").await;
        assert!(
            feed.cache_control
                .starts_with("public, max-age=60, s-maxage=60")
        );
        assert!(feed.keys.contains(&"all".to_string()), "{:?}", feed.keys);
        let sitemap = fetch(&app, "/sitemap.xml").await;
        assert!(
            sitemap.keys.contains(&"any".to_string()),
            "{:?}",
            sitemap.keys
        );

        // Staff: private, and no keys for a shared cache to file it under.
        let staff = app
            .client
            .get(format!("{}{path}", app.base))
            .header("cookie", "sahifa_session=whatever")
            .send()
            .await
            .expect("staff");
        assert_eq!(staff.headers()["cache-control"], "private, no-cache");
        assert!(!staff.headers().contains_key("xkey"));
    }
);

/// A cache that records the purges it receives and fails the first `fail_first`.
#[derive(Clone, Default)]
struct FakeCache {
    purges: Arc<Mutex<Vec<(String, String)>>>,
    fail_first: Arc<Mutex<usize>>,
}

impl FakeCache {
    async fn start(fail_first: usize) -> (FakeCache, url::Url) {
        let cache = FakeCache::default();
        *cache.fail_first.lock().expect("lock") = fail_first;
        let recorder = cache.clone();
        let app = axum::Router::new().fallback(move |request: axum::extract::Request| {
            let recorder = recorder.clone();
            async move {
                let keys = request
                    .headers()
                    .get("xkey-purge")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                recorder
                    .purges
                    .lock()
                    .expect("lock")
                    .push((request.method().to_string(), keys));
                let mut failing = recorder.fail_first.lock().expect("lock");
                if *failing > 0 {
                    *failing -= 1;
                    axum::http::StatusCode::SERVICE_UNAVAILABLE
                } else {
                    axum::http::StatusCode::OK
                }
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let url = url::Url::parse(&format!("http://{addr}/")).expect("url");
        (cache, url)
    }

    fn purges(&self) -> Vec<(String, String)> {
        self.purges.lock().expect("lock").clone()
    }

    /// Waits (bounded) until `done` holds for the purges received.
    async fn until(&self, what: &str, done: impl Fn(&[(String, String)]) -> bool) {
        for _ in 0..300 {
            if done(&self.purges()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("never happened: {what}; purges: {:?}", self.purges());
    }
}

app_test!(
    a_write_purges_the_keys_it_retired_and_retries_a_failing_cache,
    demo = true,
    |app: TestApp| async move {
        let (healthy, healthy_url) = FakeCache::start(0).await;
        let (flaky, flaky_url) = FakeCache::start(1).await;
        let purgers = sahifa_web::purge::spawn(&app.db, &[healthy_url, flaky_url]);
        let (a_id, a_path, _) = articles(&app).await[0].clone();
        let comment = app
            .db
            .insert_comment(&comment_on(a_id, "تعليق"))
            .await
            .expect("comment");
        let a_key = format!("a{a_id}");
        let names = |keys: &str, key: &str| keys.split(' ').any(|k| k == key);
        healthy
            .until("the held comment's purge", |p| {
                p.iter().any(|(_, k)| names(k, &a_key))
            })
            .await;
        app.state
            .newsroom()
            .moderate_comments(&Actor::System, &[comment], Moderation::Approve)
            .await
            .expect("approve");
        // Each purge comes twice: at once and once every node has caught up.
        healthy
            .until("the approval's purge, twice", |p| {
                p.iter().filter(|(_, k)| names(k, &a_key)).count() >= 4
            })
            .await;
        assert!(
            healthy.purges().iter().all(|(method, _)| method == "PURGE"),
            "{:?}",
            healthy.purges()
        );
        // The page names the key the purge did.
        assert!(fetch(&app, &a_path).await.keys.contains(&a_key));
        // The flaky cache refused the first purge and got it again after the retry wait
        // (then the two repeats and the approval's two).
        flaky
            .until("the retried purge", |p| {
                p.iter().filter(|(_, k)| names(k, &a_key)).count() >= 5
            })
            .await;

        // A write that may change anything purges the key every response carries.
        let settings = app.db.site_settings().await.expect("settings");
        app.db
            .save_site_settings(&settings)
            .await
            .expect("save settings");
        healthy
            .until("the purge of everything", |p| {
                p.iter().any(|(_, k)| k == "sahifa")
            })
            .await;
        for purger in purgers {
            purger.abort();
        }
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_edge_lifetime_is_what_pages_say() {
    let t = sahifa_testkit::TestDb::new(sahifa_testkit::Backend::Sqlite)
        .await
        .expect("sqlite");
    let app = TestApp::start_configured(t, true, |config| {
        config.edge.max_age = 600;
        config.edge.stale_while_revalidate = 0;
        config.edge.stale_if_error = 3600;
    })
    .await;
    assert_eq!(
        fetch(&app, "/").await.cache_control,
        "public, max-age=0, s-maxage=600, stale-while-revalidate=0, stale-if-error=3600"
    );
    assert_eq!(
        fetch(&app, "/feed.atom").await.cache_control,
        "public, max-age=60, s-maxage=600, stale-while-revalidate=0, stale-if-error=3600"
    );
}
