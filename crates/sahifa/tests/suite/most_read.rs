//! «الأكثر قراءة»: views counted where the cached page is served, once per reader address
//! within the reload window, robots/HEAD/prefetch/revalidations left out, flushed in batches
//! (kept in memory when a flush fails, written on shutdown), ranked over 24 hours and 7
//! days on the home and article pages, and shown in the admin's article list.

use std::net::{IpAddr, Ipv4Addr};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sahifa_store::views::{ViewTally, hour_start};
use sahifa_store::{ArticleInput, ArticleStatus, Role};
use sahifa_testkit::{ArticleWrites, TestDb};

use crate::common;
use common::TestApp;

const BROWSER: &str = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) \
     Chrome/131.0.0.0 Mobile Safari/537.36";

fn article(title: &str, status: ArticleStatus) -> ArticleInput {
    ArticleInput {
        slug: None,
        title: title.into(),
        lead: String::new(),
        body_html: String::new(),
        body_md: "نص المقال.".into(),
        dateline: None,
        source: None,
        author_id: None,
        category_id: None,
        tags: Vec::new(),
        status,
        published_at: None,
        image: None,
    }
}

/// A client whose connections come from `127.0.0.<last>` (Linux routes all of 127/8 to
/// the loopback interface, so the server on 127.0.0.1 sees each as a distinct address).
fn client_from(last: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last)))
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

/// The published article's public path, by id.
async fn path_of(app: &TestApp, id: i64) -> String {
    let article = app
        .db
        .article_by_id(id)
        .await
        .expect("read")
        .expect("article");
    sahifa_web::urls::article(&article.summary.slug)
}

/// Flushes the counted views (the background task's work, done now).
async fn flush(app: &TestApp) {
    sahifa_web::most_read::flush_now(&app.state)
        .await
        .expect("flush");
}

/// The titles of one window's list (`day` or `week`) in a page's block, in order.
fn listed(html: &str, window: &str) -> Vec<String> {
    let Some(at) = html.find(&format!("id=\"most-read-{window}\"")) else {
        return Vec::new();
    };
    let rest = &html[at..];
    let list = &rest[..rest.find("</ol>").expect("list end")];
    list.split("<a href=\"")
        .skip(1)
        .filter_map(|a| {
            let text = &a[a.find('>')? + 1..];
            Some(text[..text.find("</a>")?].to_string())
        })
        .collect()
}

app_test!(
    concurrent_views_from_distinct_addresses_count_once_each,
    demo = false,
    |app: TestApp| async move {
        let id = app
            .db
            .create_article(&article("خبر يقرؤه الجميع", ArticleStatus::Published))
            .await
            .expect("article");
        let path = path_of(&app, id).await;
        let url = format!("{}{path}", app.base);
        const READERS: u8 = 24;
        let mut requests = tokio::task::JoinSet::new();
        for last in 0..READERS {
            let url = url.clone();
            requests.spawn(async move {
                client_from(10 + last)
                    .get(&url)
                    .header("user-agent", BROWSER)
                    .send()
                    .await
                    .expect("request")
                    .status()
                    .as_u16()
            });
        }
        while let Some(status) = requests.join_next().await {
            assert_eq!(status.expect("task"), 200);
        }
        let epoch = app.db.epoch();
        flush(&app).await;
        assert_eq!(
            app.db.article_view_total(id).await.expect("total"),
            i64::from(READERS)
        );
        // A flush is not a content change: the page cache stays valid.
        assert_eq!(app.db.epoch(), epoch, "the flush retired the page cache");
        assert_eq!(app.state.views().pending(), 0);
    }
);

app_test!(
    reloads_robots_head_prefetch_and_revalidations_do_not_count,
    demo = false,
    |app: TestApp| async move {
        let id = app
            .db
            .create_article(&article("خبر يعاد تحميله", ArticleStatus::Published))
            .await
            .expect("article");
        let url = format!("{}{}", app.base, path_of(&app, id).await);
        let get = |last: u8, headers: &[(&str, &str)]| {
            let mut request = client_from(last).get(&url);
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            async move { request.send().await.expect("request") }
        };
        // One reader reloading: three 200s, then a revalidation.
        let first = get(2, &[("user-agent", BROWSER)]).await;
        assert_eq!(first.status().as_u16(), 200);
        let etag = first.headers()["etag"].to_str().expect("etag").to_string();
        for _ in 0..2 {
            assert_eq!(get(2, &[("user-agent", BROWSER)]).await.status(), 200);
        }
        // Each of these comes from an address of its own, so only its kind can stop it.
        let revalidation = get(3, &[("user-agent", BROWSER), ("if-none-match", &etag)]).await;
        assert_eq!(revalidation.status().as_u16(), 304);
        let head = client_from(4)
            .head(&url)
            .header("user-agent", BROWSER)
            .send()
            .await
            .expect("head");
        assert_eq!(head.status().as_u16(), 200);
        for (last, headers) in [
            (
                5,
                vec![("user-agent", BROWSER), ("sec-purpose", "prefetch")],
            ),
            (6, vec![("user-agent", BROWSER), ("purpose", "prefetch")]),
            (
                7,
                vec![(
                    "user-agent",
                    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
                )],
            ),
            (8, vec![("user-agent", "curl/8.5.0")]),
            (9, vec![]),
        ] {
            assert_eq!(get(last, &headers).await.status(), 200, "from .{last}");
        }
        // A page that is not an article view (404) counts for nothing either.
        let missing = client_from(11)
            .get(format!("{}/article/no-such-article", app.base))
            .header("user-agent", BROWSER)
            .send()
            .await
            .expect("404");
        assert_eq!(missing.status().as_u16(), 404);
        flush(&app).await;
        assert_eq!(app.db.article_view_total(id).await.expect("total"), 1);
        // And a second reader does count: the filters above were what stopped the rest.
        assert_eq!(get(10, &[("user-agent", BROWSER)]).await.status(), 200);
        flush(&app).await;
        assert_eq!(app.db.article_view_total(id).await.expect("total"), 2);
    }
);

app_test!(
    a_failed_flush_keeps_the_counts_for_the_next,
    demo = false,
    |app: TestApp| async move {
        let id = app
            .db
            .create_article(&article(
                "خبر في انتظار قاعدة البيانات",
                ArticleStatus::Published,
            ))
            .await
            .expect("article");
        let url = format!("{}{}", app.base, path_of(&app, id).await);
        for last in 2..5 {
            let status = client_from(last)
                .get(&url)
                .header("user-agent", BROWSER)
                .send()
                .await
                .expect("request")
                .status();
            assert_eq!(status.as_u16(), 200);
        }
        app.test_db.fail_inserts_into("article_view_hours").await;
        assert!(
            sahifa_web::most_read::flush_now(&app.state).await.is_err(),
            "the injected fault fails the flush"
        );
        // One tally (two if the three views straddled an hour's end).
        assert!(app.state.views().pending() >= 1, "the batch went back");
        assert_eq!(app.db.article_view_total(id).await.expect("total"), 0);
        app.test_db.heal("article_view_hours").await;
        flush(&app).await;
        assert_eq!(app.db.article_view_total(id).await.expect("total"), 3);
    }
);

app_test!(
    the_block_ranks_both_windows_and_the_admin_lists_the_counts,
    demo = false,
    |app: TestApp| async move {
        let mut ids = Vec::new();
        for title in ["مقال الأسبوع", "مقال الأمس", "مقال الساعة", "مقال قديم"]
        {
            ids.push(
                app.db
                    .create_article(&article(title, ArticleStatus::Published))
                    .await
                    .expect("article"),
            );
        }
        let draft = app
            .db
            .create_article(&article("مسودة مقروءة", ArticleStatus::Draft))
            .await
            .expect("draft");
        // Before any view: no block.
        let home = app.page("/", 200).await;
        assert!(
            !home.contains("most-read"),
            "an empty ranking shows no block"
        );

        let slug = |id: i64| {
            let db = app.db.clone();
            async move {
                db.article_by_id(id)
                    .await
                    .expect("read")
                    .expect("article")
                    .summary
                    .slug
            }
        };
        let now = chrono::Utc::now().timestamp();
        let hour = hour_start(now);
        let tally = |slug: String, hours_ago: i64, views: i64| ViewTally {
            slug,
            hour_start: hour - hours_ago * 3600,
            views,
        };
        let tallies = vec![
            // Week only (three days ago), the week's most read.
            tally(slug(ids[0]).await, 72, 100),
            // In both windows: 50 in the last day, plus 10 five days ago.
            tally(slug(ids[1]).await, 1, 50),
            tally(slug(ids[1]).await, 120, 10),
            tally(slug(ids[2]).await, 0, 30),
            // Just outside the week (and not yet pruned): counts for the total only.
            tally(slug(ids[3]).await, 7 * 24 + 2, 500),
            // A draft is never listed, however read.
            tally(slug(draft).await, 0, 1000),
        ];
        app.state
            .newsroom()
            .record_views(&tallies, now)
            .await
            .expect("record");
        let epoch = app.db.epoch();
        assert!(
            sahifa_web::most_read::refresh_now(&app.state)
                .await
                .expect("refresh"),
            "the ranking changed"
        );
        assert_eq!(app.db.epoch(), epoch, "the refresh retired the page cache");

        // The cached home page follows the new ranking (its key carries the generation).
        let home = app.page("/", 200).await;
        assert_eq!(listed(&home, "day"), vec!["مقال الأمس", "مقال الساعة"]);
        assert_eq!(
            listed(&home, "week"),
            vec!["مقال الأسبوع", "مقال الأمس", "مقال الساعة"]
        );
        assert!(home.contains("الأكثر قراءة"));
        // An article's page leaves itself out.
        let page = app.page(&path_of(&app, ids[1]).await, 200).await;
        assert_eq!(listed(&page, "day"), vec!["مقال الساعة"]);
        assert_eq!(listed(&page, "week"), vec!["مقال الأسبوع", "مقال الساعة"]);

        // An edited headline reaches the block with the edit (the titles follow the
        // content epoch, not the ranking).
        app.db
            .update_article(
                ids[2],
                &article("مقال الساعة بعنوان جديد", ArticleStatus::Published),
            )
            .await
            .expect("edit");
        let home = app.page("/", 200).await;
        assert_eq!(
            listed(&home, "day"),
            vec!["مقال الأمس", "مقال الساعة بعنوان جديد"]
        );

        // A refresh that finds the same order re-renders nothing.
        let generation = app.state.views().generation();
        assert!(
            !sahifa_web::most_read::refresh_now(&app.state)
                .await
                .expect("refresh")
        );
        assert_eq!(app.state.views().generation(), generation);

        // The admin list: totals, and the last 24 hours, in the site's digits.
        sahifa::accounts::add_user(
            &app.db,
            "chief@example.com",
            "رئيس",
            Role::Administrator,
            "correct-horse-battery-staple",
        )
        .await
        .expect("admin");
        let admin =
            common::session::login(&app, "chief@example.com", "correct-horse-battery-staple").await;
        let list = admin.get("/admin/articles").await;
        assert_eq!(list.status().as_u16(), 200);
        let list = list.text().await.expect("list");
        let digits = app.state.site().await.expect("site").digits;
        let num = |n: i64| sahifa_text::digits::localize_digits(&n.to_string(), digits);
        let views_of = |title: &str| -> String {
            let row = &list[list.find(title).unwrap_or_else(|| panic!("row {title}"))..];
            let row = &row[..row.find("</tr>").expect("row end")];
            let cell = &row[row.find("cell-views").expect("views cell")..];
            cell[cell.find('>').expect("cell") + 1..cell.find("</td>").expect("cell end")]
                .to_string()
        };
        for (title, total, day) in [
            ("مقال الأسبوع", 100, 0),
            ("مقال الأمس", 60, 50),
            ("مقال الساعة بعنوان جديد", 30, 30),
            ("مقال قديم", 500, 0),
        ] {
            let cell = views_of(title);
            assert!(
                cell.starts_with(&num(total)),
                "{title}: total {total} in {cell:?}"
            );
            assert!(cell.contains(&num(day)), "{title}: day {day} in {cell:?}");
        }
    }
);

/// A `sahifa serve` process over an existing database, killed if the test ends first.
struct Server {
    child: std::process::Child,
    base: String,
}

impl Server {
    async fn start(test_db: &TestDb) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let addr = format!("127.0.0.1:{port}");
        let child = Command::new(env!("CARGO_BIN_EXE_sahifa"))
            .args([
                "--data-dir",
                test_db.dir.path().to_str().expect("path"),
                "--database-url",
                &test_db.url,
                "serve",
                "--addr",
                &addr,
            ])
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn");
        let server = Server {
            child,
            base: format!("http://{addr}"),
        };
        let started = Instant::now();
        let client = reqwest::Client::new();
        loop {
            if let Ok(r) = client.get(format!("{}/healthz", server.base)).send().await
                && r.status().is_success()
            {
                return server;
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "server never became healthy"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// SIGTERM, then waits for a clean exit.
    async fn stop(mut self) {
        let pid = self.child.id().to_string();
        let killed = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill");
        assert!(killed.success());
        let started = Instant::now();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                break status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "server did not stop after SIGTERM"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert!(
            status.success(),
            "graceful shutdown exits 0, got {status:?}"
        );
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

sahifa_testkit::both_backends!(
    views_are_written_on_shutdown_and_survive_a_restart,
    |test_db: TestDb| async move {
        let id = test_db
            .db
            .create_article(&article("خبر قبل إعادة التشغيل", ArticleStatus::Published))
            .await
            .expect("article");
        let slug = test_db
            .db
            .article_by_id(id)
            .await
            .expect("read")
            .expect("article")
            .summary
            .slug;
        let path = sahifa_web::urls::article(&slug);
        let server = Server::start(&test_db).await;
        for last in 2..5 {
            let status = client_from(last)
                .get(format!("{}{path}", server.base))
                .header("user-agent", BROWSER)
                .send()
                .await
                .expect("request")
                .status();
            assert_eq!(status.as_u16(), 200);
        }
        // The flush interval (30 s) is far off: the shutdown writes these.
        server.stop().await;
        assert_eq!(test_db.db.article_view_total(id).await.expect("total"), 3);

        // The next start ranks what the last one counted, from its first page.
        let server = Server::start(&test_db).await;
        let home = reqwest::get(format!("{}/", server.base))
            .await
            .expect("home")
            .text()
            .await
            .expect("body");
        assert_eq!(listed(&home, "day"), vec!["خبر قبل إعادة التشغيل"]);
        assert_eq!(listed(&home, "week"), vec!["خبر قبل إعادة التشغيل"]);
        server.stop().await;
    }
);
