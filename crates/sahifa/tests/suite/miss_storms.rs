//! No miss storms: concurrent misses for one page share one render, and a page retired by
//! a write is answered, marked stale, to readers arriving while its successor renders,
//! within the configured bound; past the bound, or for staff and hard reloads, requests
//! wait for the render instead. Renders are held at a gate (the cache's test hook) so the
//! tests see each state for as long as they need, and counted, never timed.

use std::time::Duration;

use sahifa_store::{ArticleInput, ArticleStatus};
use sahifa_testkit::{ArticleWrites, TestDb};

use crate::common;
use common::TestApp;

/// The header a stale answer carries.
const CACHE_STATUS: &str = "x-sahifa-cache";

fn article(title: &str) -> ArticleInput {
    ArticleInput {
        slug: Some("storm-test".into()),
        title: title.into(),
        lead: String::new(),
        body_html: String::new(),
        body_md: "نص المقال.".into(),
        dateline: None,
        source: None,
        author_id: None,
        category_id: None,
        tags: Vec::new(),
        status: ArticleStatus::Published,
        published_at: None,
        image: None,
    }
}

/// Creates the test article and returns its id and public path.
async fn seed(app: &TestApp, title: &str) -> (i64, String) {
    let id = app
        .db
        .create_article(&article(title))
        .await
        .expect("article");
    let stored = app
        .db
        .article_by_id(id)
        .await
        .expect("read")
        .expect("article");
    (id, sahifa_web::urls::article(&stored.summary.slug))
}

/// Waits (polling) until `done` holds; a generous cap turns a hang into a failure.
async fn until(what: &str, done: impl Fn() -> bool) {
    for _ in 0..4000 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("never happened: {what}");
}

/// What a test keeps of a response.
#[derive(Debug)]
struct Answer {
    status: u16,
    stale: bool,
    etag: Option<String>,
    body: String,
}

async fn fetch(request: reqwest::RequestBuilder) -> Answer {
    let response = request.send().await.expect("request");
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let stale = header(CACHE_STATUS).as_deref() == Some("stale");
    let etag = header("etag");
    let status = response.status().as_u16();
    let body = response.text().await.expect("body");
    Answer {
        status,
        stale,
        etag,
        body,
    }
}

/// Starts `n` concurrent plain GETs of `url`.
fn readers(app: &TestApp, url: &str, n: usize) -> tokio::task::JoinSet<Answer> {
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..n {
        let request = app.client.get(url);
        set.spawn(fetch(request));
    }
    set
}

async fn all(set: tokio::task::JoinSet<Answer>) -> Vec<Answer> {
    set.join_all().await
}

app_test!(
    concurrent_misses_for_a_cold_page_share_one_render,
    demo = false,
    |app: TestApp| async move {
        let (_, path) = seed(&app, "خبر يطلبه الجميع").await;
        let url = format!("{}{path}", app.base);
        let cache = app.state.cache();
        let (renders, waits) = (cache.renders(), cache.render_waits());
        cache.hold_renders();
        let set = readers(&app, &url, 50);
        until("all 50 requests await a render", || {
            cache.render_waits() - waits == 50
        })
        .await;
        // The render counts itself once its task first runs, which on a loaded machine can
        // come after the 50 waiters have counted themselves.
        until("the render has started", || cache.renders() - renders >= 1).await;
        assert_eq!(cache.renders() - renders, 1, "one render for 50 misses");
        cache.release_renders();
        let answers = all(set).await;
        for answer in &answers {
            assert_eq!(answer.status, 200);
            assert!(!answer.stale, "a cold page has nothing stale to give");
            assert_eq!(answer.body, answers[0].body, "everyone gets the same page");
        }
        assert!(answers[0].body.contains("خبر يطلبه الجميع"));
        assert_eq!(cache.renders() - renders, 1);
        until("the flight lands", || cache.renders_in_flight() == 0).await;
        // The page is now cached: one more request renders nothing.
        let again = fetch(app.client.get(&url)).await;
        assert_eq!((again.status, again.stale), (200, false));
        assert_eq!(cache.renders() - renders, 1);
    }
);

app_test!(
    a_retired_page_is_served_stale_while_one_render_runs,
    demo = false,
    |app: TestApp| async move {
        let (id, path) = seed(&app, "العنوان الأول").await;
        let url = format!("{}{path}", app.base);
        let cache = app.state.cache();
        let before = fetch(app.client.get(&url)).await;
        assert_eq!((before.status, before.stale), (200, false));
        assert!(before.body.contains("العنوان الأول"));
        let old_etag = before.etag.clone().expect("etag");

        app.db
            .update_article(id, &article("العنوان الثاني"))
            .await
            .expect("edit");
        cache.hold_renders();
        let (renders, waits) = (cache.renders(), cache.render_waits());
        // The first request after the write starts the render and waits for it.
        let leader = readers(&app, &url, 1);
        until("the re-render starts", || cache.renders() - renders == 1).await;

        // Readers arriving meanwhile are answered at once with the old page, marked
        // stale: they finish while the render is still held at the gate.
        let stale = all(readers(&app, &url, 20)).await;
        for answer in &stale {
            assert_eq!(answer.status, 200);
            assert!(answer.stale, "not marked stale");
            assert!(answer.body.contains("العنوان الأول"));
            assert_eq!(answer.etag.as_deref(), Some(old_etag.as_str()));
        }
        // A stale body keeps its own validator: a browser holding it gets a 304.
        let revalidated = fetch(
            app.client
                .get(&url)
                .header("if-none-match", old_etag.as_str()),
        )
        .await;
        assert_eq!((revalidated.status, revalidated.stale), (304, true));
        assert_eq!(
            cache.render_waits() - waits,
            1,
            "stale readers joined the render"
        );

        // A hard reload and a signed-in editor are never answered stale: they wait.
        let mut bypass = tokio::task::JoinSet::new();
        bypass.spawn(fetch(
            app.client.get(&url).header("cache-control", "no-cache"),
        ));
        bypass.spawn(fetch(
            app.client
                .get(&url)
                .header("cookie", "theme=dark; sahifa_session=not-checked-here"),
        ));
        until("the bypassing requests await the render", || {
            cache.render_waits() - waits == 3
        })
        .await;
        until("the render has started", || cache.renders() - renders >= 1).await;
        assert_eq!(cache.renders() - renders, 1, "exactly one render runs");

        cache.release_renders();
        let mut fresh = all(leader).await;
        fresh.extend(all(bypass).await);
        fresh.push(fetch(app.client.get(&url)).await);
        for answer in &fresh {
            assert_eq!((answer.status, answer.stale), (200, false));
            assert!(answer.body.contains("العنوان الثاني"));
            assert_ne!(answer.etag.as_deref(), Some(old_etag.as_str()));
        }
        assert_eq!(cache.renders() - renders, 1);
    }
);

/// Like `app_test!`, on a server that never answers stale (a bound of zero: every flight
/// is past it from its start).
macro_rules! unbounded_test {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;

            async fn start(t: TestDb) -> TestApp {
                TestApp::start_configured(t, false, |config| config.stale_for = Duration::ZERO)
                    .await
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(t) = TestDb::new(sahifa_testkit::Backend::Sqlite).await {
                    ($body)(start(t).await).await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(t) = TestDb::new(sahifa_testkit::Backend::Postgres).await {
                    ($body)(start(t).await).await;
                }
            }
        }
    };
}

unbounded_test!(
    past_the_bound_everyone_waits_for_the_render,
    |app: TestApp| async move {
        let (id, path) = seed(&app, "قبل التعديل").await;
        let url = format!("{}{path}", app.base);
        let cache = app.state.cache();
        assert_eq!(fetch(app.client.get(&url)).await.status, 200);
        app.db
            .update_article(id, &article("بعد التعديل"))
            .await
            .expect("edit");
        cache.hold_renders();
        let (renders, waits) = (cache.renders(), cache.render_waits());
        let leader = readers(&app, &url, 1);
        until("the re-render starts", || cache.renders() - renders == 1).await;
        let late = readers(&app, &url, 10);
        until("every reader awaits the render", || {
            cache.render_waits() - waits == 11
        })
        .await;
        assert_eq!(cache.renders() - renders, 1);
        cache.release_renders();
        let mut answers = all(leader).await;
        answers.extend(all(late).await);
        for answer in &answers {
            assert_eq!((answer.status, answer.stale), (200, false));
            assert!(answer.body.contains("بعد التعديل"));
        }
    }
);
