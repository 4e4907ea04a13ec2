//! Telegram channel posting against a fake Bot API: exactly one post per published article
//! through failures, 429s, permanent errors, restarts and two processes on PostgreSQL.

use crate::fake_telegram;

use sahifa_testkit::{ArticleWrites, Seed};
use std::time::Duration;

use fake_telegram::{Behaviour, FakeTelegram, TOKEN, eventually};
use sahifa_store::{ArticleInput, ArticleStatus, CategoryInput, Db, Image, TelegramDelivery};
use sahifa_telegram::{Labels, Overrides, WorkerConfig, WorkerHandle, spawn_worker};
use sahifa_testkit::{Backend, TestDb, both_backends};

const BASE: &str = "https://news.example";
const WAIT: Duration = Duration::from_secs(30);

fn fast_config(fake: &FakeTelegram, worker: &str) -> WorkerConfig {
    let mut c = WorkerConfig::new(
        BASE,
        Overrides {
            api_base: Some(fake.base.clone()),
            ..Default::default()
        },
        Labels {
            ar: "اقرأ المزيد".into(),
            en: "Read more".into(),
        },
    );
    c.poll_interval = Duration::from_millis(50);
    c.retry_base = Duration::from_millis(100);
    c.retry_max = Duration::from_secs(2);
    c.lease = Duration::from_secs(3);
    c.request_timeout = Duration::from_secs(1);
    c.worker_id = worker.to_string();
    c
}

/// Stores the token and channel the way the admin page does and switches posting on.
async fn configure(db: &Db) {
    db.set_setting("telegram.bot_token", TOKEN)
        .await
        .expect("token");
    db.set_setting("telegram.channel", "@sahifa_test")
        .await
        .expect("channel");
    db.set_setting("telegram.enabled", "true")
        .await
        .expect("enabled");
}

fn input(title: &str, status: ArticleStatus) -> ArticleInput {
    ArticleInput {
        slug: None,
        title: title.to_string(),
        lead: "تفاصيل الخبر في سطرين: مؤتمر صحفي <مهم> & عاجل".to_string(),
        body_html: String::new(),
        body_md: "نص الخبر.".to_string(),
        dateline: None,
        source: None,
        author_id: None,
        category_id: None,
        tags: vec![],
        status,
        published_at: None,
        image: None,
    }
}

async fn post_row(db: &Db, article: i64) -> Option<TelegramDelivery> {
    db.telegram_deliveries_of(article)
        .await
        .expect("deliveries")
        .into_iter()
        .find(|d| d.kind == "post")
}

async fn wait_status(db: &Db, article: i64, status: &str) -> TelegramDelivery {
    let ok = eventually(WAIT, || async {
        post_row(db, article)
            .await
            .is_some_and(|d| d.status == status)
    })
    .await;
    let row = post_row(db, article).await;
    assert!(
        ok,
        "delivery of article {article} never became {status}: {row:?}"
    );
    row.expect("row")
}

async fn stop(worker: WorkerHandle) {
    worker.shutdown(Duration::from_secs(5)).await;
}

both_backends!(publish_posts_exactly_once, |t: TestDb| async move {
    let fake = FakeTelegram::start(vec![]).await;
    configure(&t.db).await;
    let worker = spawn_worker(t.db.clone(), fast_config(&fake, "w1"));

    // A draft enqueues nothing.
    let id =
        t.db.create_article(&input("مسودة عن «الطاقة» </script>", ArticleStatus::Draft))
            .await
            .expect("draft");
    assert!(post_row(&t.db, id).await.is_none());

    // Publishing it enqueues exactly one job, in the same write.
    let mut published = input("مسودة عن «الطاقة» </script>", ArticleStatus::Published);
    t.db.update_article(id, &published).await.expect("publish");
    let job = post_row(&t.db, id)
        .await
        .expect("the publish itself enqueued the post");
    assert_eq!(job.created_at, job.next_attempt_at);
    let sent = wait_status(&t.db, id, "sent").await;
    assert_eq!(sent.attempts, 1);
    assert_eq!(sent.chat_id.as_deref(), Some("@sahifa_test"));

    let posts = fake.posts();
    assert_eq!(posts.len(), 1, "{posts:?}");
    let (method, body, message_id) = &posts[0];
    assert_eq!(method, "sendMessage");
    assert_eq!(Some(*message_id), sent.message_id);
    assert_eq!(body["chat_id"], "@sahifa_test");
    assert_eq!(body["parse_mode"], "HTML");
    let text = body["text"].as_str().expect("text");
    let link = format!("{BASE}/s/{id}");
    assert!(
        text.contains("<b>مسودة عن «الطاقة» &lt;/script&gt;</b>"),
        "{text}"
    );
    assert!(text.contains("&lt;مهم&gt; &amp; عاجل"), "{text}");
    assert!(text.contains(&link), "{text}");
    let button = &body["reply_markup"]["inline_keyboard"][0][0];
    assert_eq!(button["url"], link.as_str());
    assert_eq!(button["text"], "اقرأ المزيد");

    // Re-saving, unpublishing and publishing again never post a second time.
    published.lead = "تحديث".into();
    t.db.update_article(id, &published).await.expect("re-save");
    t.db.update_article(id, &input("مسودة", ArticleStatus::Draft))
        .await
        .expect("unpublish");
    t.db.update_article(id, &published)
        .await
        .expect("republish");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(fake.posts().len(), 1);
    assert_eq!(
        t.db.telegram_deliveries_of(id).await.expect("rows").len(),
        1
    );

    // A featured image goes out with sendPhoto, its URL made absolute.
    let mut with_image = input("صورة من الميدان", ArticleStatus::Published);
    with_image.image = Some(Image {
        url: "/media/field.jpg".into(),
        alt: "الميدان".into(),
        caption: String::new(),
        width: Some(1200),
        height: Some(675),
    });
    let photo_id =
        t.db.create_article(&with_image)
            .await
            .expect("photo article");
    let photo = wait_status(&t.db, photo_id, "sent").await;
    assert!(photo.with_photo);
    let posts = fake.posts();
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[1].0, "sendPhoto");
    assert_eq!(
        posts[1].1["photo"],
        format!("{BASE}/media/field.jpg").as_str()
    );
    assert!(
        posts[1].1["caption"]
            .as_str()
            .expect("caption")
            .contains("صورة من الميدان")
    );
    stop(worker).await;
});

both_backends!(failures_are_retried_into_one_post, |t: TestDb| async move {
    let fake = FakeTelegram::start(vec![Behaviour::ServerError, Behaviour::BadGateway]).await;
    configure(&t.db).await;
    let worker = spawn_worker(t.db.clone(), fast_config(&fake, "w1"));
    let id =
        t.db.create_article(&input(
            "خبر يصل بعد محاولتين فاشلتين",
            ArticleStatus::Published,
        ))
        .await
        .expect("article");
    let sent = wait_status(&t.db, id, "sent").await;
    assert_eq!(sent.attempts, 3);
    assert_eq!(fake.requests().len(), 3);
    assert_eq!(fake.posts().len(), 1);
    stop(worker).await;
});

both_backends!(
    too_many_requests_waits_retry_after,
    |t: TestDb| async move {
        let fake = FakeTelegram::start(vec![Behaviour::TooMany(2)]).await;
        configure(&t.db).await;
        let worker = spawn_worker(t.db.clone(), fast_config(&fake, "w1"));
        let id =
            t.db.create_article(&input("خبر بعد مهلة", ArticleStatus::Published))
                .await
                .expect("article");
        // After the 429 the job waits at least retry_after, although the backoff base is 100 ms.
        let waiting = eventually(WAIT, || async {
            post_row(&t.db, id)
                .await
                .is_some_and(|d| d.status == "pending" && d.attempts == 1)
        })
        .await;
        assert!(waiting);
        let row = post_row(&t.db, id).await.expect("row");
        assert!(
            row.last_error
                .as_deref()
                .is_some_and(|e| e.starts_with("429")),
            "{row:?}"
        );
        assert!(
            row.next_attempt_at - row.updated_at >= chrono::Duration::milliseconds(1990),
            "{row:?}"
        );
        wait_status(&t.db, id, "sent").await;
        let requests = fake.requests();
        assert_eq!(requests.len(), 2);
        assert!(requests[1].at - requests[0].at >= Duration::from_millis(1900));
        assert_eq!(fake.posts().len(), 1);
        stop(worker).await;
    }
);

both_backends!(permanent_error_fails_with_reason, |t: TestDb| async move {
    let fake = FakeTelegram::start(vec![Behaviour::BadRequest("chat not found")]).await;
    configure(&t.db).await;
    let worker = spawn_worker(t.db.clone(), fast_config(&fake, "w1"));
    let id =
        t.db.create_article(&input("خبر لقناة خاطئة", ArticleStatus::Published))
            .await
            .expect("article");
    let failed = wait_status(&t.db, id, "failed").await;
    assert_eq!(failed.attempts, 1, "a permanent error is not retried");
    assert_eq!(
        failed.last_error.as_deref(),
        Some("400: Bad Request: chat not found")
    );
    assert!(fake.posts().is_empty());
    // The admin list shows it; an editor's retry sends it once.
    let listed = t.db.telegram_deliveries(10, 0).await.expect("list");
    assert_eq!(listed[0].title.as_deref(), Some("خبر لقناة خاطئة"));
    let newsroom = sahifa_newsroom::Newsroom::new(t.db.clone());
    let retry = |id| {
        let newsroom = newsroom.clone();
        async move {
            newsroom
                .retry_delivery(&sahifa_newsroom::Actor::System, id)
                .await
        }
    };
    use sahifa_newsroom::telegram::Retry;
    assert_eq!(retry(failed.id).await.expect("retry"), Retry::Requeued);
    wait_status(&t.db, id, "sent").await;
    assert_eq!(fake.posts().len(), 1);
    // A sent job can never be re-queued.
    assert_eq!(
        retry(failed.id).await.expect("retry sent"),
        Retry::NotNeeded
    );
    stop(worker).await;
});

both_backends!(opt_outs_and_edits, |t: TestDb| async move {
    let fake = FakeTelegram::start(vec![]).await;
    configure(&t.db).await;
    t.db.set_setting("telegram.edit_updates", "true")
        .await
        .expect("edits");
    let sport =
        t.db.create_category(&CategoryInput {
            slug: Some("sport".into()),
            name: "رياضة".into(),
            description: String::new(),
            parent_id: None,
            position: 0,
        })
        .await
        .expect("category");
    t.db.set_setting("telegram.excluded_categories", &sport.to_string())
        .await
        .expect("opt out");
    let worker = spawn_worker(t.db.clone(), fast_config(&fake, "w1"));

    let mut match_report = input("نتيجة المباراة", ArticleStatus::Published);
    match_report.category_id = Some(sport);
    let skipped_id = t.db.create_article(&match_report).await.expect("sport");
    let skipped = wait_status(&t.db, skipped_id, "skipped").await;
    let football =
        t.db.create_category(&CategoryInput {
            slug: Some("football".into()),
            name: "كرة القدم".into(),
            description: String::new(),
            parent_id: Some(sport),
            position: 0,
        })
        .await
        .expect("subcategory");
    let mut goal = input("هدف في الدقيقة الأخيرة", ArticleStatus::Published);
    goal.category_id = Some(football);
    let goal_id = t.db.create_article(&goal).await.expect("football");
    let sub = wait_status(&t.db, goal_id, "skipped").await;
    assert!(
        sub.last_error
            .as_deref()
            .is_some_and(|e| e.contains("رياضة")),
        "{sub:?}"
    );
    assert!(
        skipped
            .last_error
            .as_deref()
            .is_some_and(|e| e.contains("رياضة"))
    );

    // An old article saved now (an import) is not news for the channel.
    let mut imported = input("أرشيف قديم", ArticleStatus::Published);
    imported.published_at = Some(chrono::Utc::now() - chrono::Duration::days(30));
    let imported_id = t.db.create_article(&imported).await.expect("import");
    wait_status(&t.db, imported_id, "skipped").await;

    let mut story = input("العنوان الأول", ArticleStatus::Published);
    let id = t.db.create_article(&story).await.expect("story");
    let post = wait_status(&t.db, id, "sent").await;
    story.title = "العنوان بعد التصحيح".into();
    t.db.update_article(id, &story).await.expect("edit");
    let edited = eventually(WAIT, || async { !fake.edits().is_empty() }).await;
    assert!(edited);
    let edits = fake.edits();
    assert_eq!(edits[0].0, "editMessageText");
    assert_eq!(Some(edits[0].2), post.message_id);
    assert!(
        edits[0].1["text"]
            .as_str()
            .expect("text")
            .contains("العنوان بعد التصحيح")
    );
    assert_eq!(
        fake.posts().len(),
        1,
        "sport and archive articles are not posted"
    );
    stop(worker).await;
});

/// Starts the real binary against `url`, posting to `fake`.
fn spawn_sahifa(
    url: &str,
    fake: &FakeTelegram,
    data_dir: &std::path::Path,
    lease_secs: u64,
) -> tokio::process::Child {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_sahifa"))
        .arg("--database-url")
        .arg(url)
        .arg("--data-dir")
        .arg(data_dir)
        .args(["serve", "--addr", "127.0.0.1:0", "--base-url", BASE])
        .env("SAHIFA_TELEGRAM_API_BASE", &fake.base)
        .env("SAHIFA_TELEGRAM_BOT_TOKEN", TOKEN)
        .env("SAHIFA_TELEGRAM_CHANNEL", "@sahifa_test")
        .env("SAHIFA_TELEGRAM_POLL_MS", "100")
        .env("SAHIFA_TELEGRAM_RETRY_BASE_MS", "100")
        .env("SAHIFA_TELEGRAM_LEASE_SECS", lease_secs.to_string())
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start sahifa")
}

both_backends!(restart_mid_delivery_posts_once, |t: TestDb| async move {
    // The first request never gets an answer: the process is killed while it waits.
    let fake = FakeTelegram::start(vec![Behaviour::Hang]).await;
    let dir = tempfile::tempdir().expect("dir");
    // A long lease (request timeout = half of it) keeps the hung request in flight until
    // the kill; the job stays `sending` until that lease runs out.
    let mut first = spawn_sahifa(&t.url, &fake, dir.path(), 6);
    let id =
        t.db.create_article(&input("خبر عبر إعادة التشغيل", ArticleStatus::Published))
            .await
            .expect("article");
    assert!(eventually(WAIT, || async { !fake.requests().is_empty() }).await);
    first.start_kill().expect("kill");
    let _ = first.wait().await;
    assert_eq!(post_row(&t.db, id).await.expect("row").status, "sending");

    // The next process re-claims the job once the dead one's lease expires.
    let mut second = spawn_sahifa(&t.url, &fake, dir.path(), 3);
    let sent = wait_status(&t.db, id, "sent").await;
    assert_eq!(sent.attempts, 2);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(fake.posts().len(), 1);
    assert_eq!(fake.posts_mentioning(&format!("{BASE}/s/{id}")), 1);
    second.start_kill().expect("kill");
    let _ = second.wait().await;
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_on_postgres_post_once() {
    let Some(t) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let fake = FakeTelegram::start(vec![Behaviour::ServerError, Behaviour::TooMany(1)]).await;
    let dir_a = tempfile::tempdir().expect("dir");
    let dir_b = tempfile::tempdir().expect("dir");
    let mut a = spawn_sahifa(&t.url, &fake, dir_a.path(), 3);
    let mut b = spawn_sahifa(&t.url, &fake, dir_b.path(), 3);
    let mut ids = Vec::new();
    for n in 0..8 {
        let id =
            t.db.create_article(&input(
                &format!("خبر رقم {n} لعمليتين"),
                ArticleStatus::Published,
            ))
            .await
            .expect("article");
        ids.push(id);
    }
    for id in &ids {
        wait_status(&t.db, *id, "sent").await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(fake.posts().len(), ids.len(), "{:?}", fake.posts());
    for id in &ids {
        assert_eq!(
            fake.posts_mentioning(&format!("{BASE}/s/{id}")),
            1,
            "article {id}"
        );
    }
    let workers: std::collections::BTreeSet<String> = {
        let mut set = std::collections::BTreeSet::new();
        for id in &ids {
            if let Some(w) = post_row(&t.db, *id).await.and_then(|d| d.claimed_by) {
                set.insert(w);
            }
        }
        set
    };
    assert!(!workers.is_empty());
    a.start_kill().expect("kill a");
    b.start_kill().expect("kill b");
    let _ = a.wait().await;
    let _ = b.wait().await;
}

/// The admin page over real HTTP, mounted the way the admin mounts it, with the
/// `AdminContext` its session middleware provides.
mod admin_page {
    use super::*;
    use sahifa_web::admin_telegram::{AdminContext, admin_routes};

    const CSRF: &str = "csrf-token-for-the-test-session";

    async fn serve(t: &TestDb, ctx: Option<AdminContext>) -> (String, reqwest::Client) {
        let config = sahifa_web::WebConfig::new(t.dir.path().to_path_buf(), BASE.to_string());
        let state = sahifa_web::build_state(t.db.clone(), config).expect("state");
        let mut routes = axum::Router::new().nest("/admin", admin_routes());
        if let Some(ctx) = ctx {
            routes = routes.layer(axum::Extension(ctx));
        }
        let app = routes.with_state(state);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        (base, client)
    }

    fn editor(can_manage_settings: bool) -> AdminContext {
        AdminContext {
            user_name: "محررة".into(),
            can_manage_settings,
            can_retry: true,
            csrf_token: CSRF.into(),
            layout: serde_json::json!({}),
        }
    }

    fn form(pairs: &[(&str, &str)]) -> String {
        pairs
            .iter()
            .map(|(k, v)| {
                let enc = |s: &str| {
                    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC)
                        .to_string()
                };
                format!("{}={}", enc(k), enc(v))
            })
            .collect::<Vec<_>>()
            .join("&")
    }

    async fn post(client: &reqwest::Client, url: String, body: String) -> reqwest::Response {
        client
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("post")
    }

    both_backends!(settings_and_retry, |t: TestDb| async move {
        configure(&t.db).await;
        let fake = FakeTelegram::start(vec![Behaviour::BadRequest("chat not found")]).await;
        let worker = spawn_worker(t.db.clone(), fast_config(&fake, "w1"));
        let id =
            t.db.create_article(&input("خبر لم يصل", ArticleStatus::Published))
                .await
                .expect("article");
        let failed = wait_status(&t.db, id, "failed").await;

        // Outside the admin middleware the page does not exist for anyone.
        let (open, client) = serve(&t, None).await;
        let response = client
            .get(format!("{open}/admin/telegram"))
            .send()
            .await
            .expect("get");
        assert_eq!(response.status().as_u16(), 403);

        let (base, client) = serve(&t, Some(editor(true))).await;
        let html = client
            .get(format!("{base}/admin/telegram"))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("html");
        assert!(
            !html.contains(TOKEN),
            "the stored token is never shown in full"
        );
        assert!(html.contains("123456789:••••"), "a recognisable mask");
        assert!(html.contains("@sahifa_test"));
        assert!(html.contains("خبر لم يصل"));
        assert!(html.contains("400: Bad Request: chat not found"));
        assert!(html.contains(&format!("telegram/deliveries/{}/retry", failed.id)));

        // A forged form is refused and changes nothing.
        let forged = post(
            &client,
            format!("{base}/admin/telegram/settings"),
            form(&[("_csrf", "wrong"), ("channel", "@evil_channel")]),
        )
        .await;
        assert_eq!(forged.status().as_u16(), 403);
        assert_eq!(
            t.db.setting("telegram.channel")
                .await
                .expect("read")
                .as_deref(),
            Some("@sahifa_test")
        );

        // A bad token is rejected; the stored one stays.
        let bad = post(
            &client,
            format!("{base}/admin/telegram/settings"),
            form(&[
                ("_csrf", CSRF),
                ("bot_token", "not a token"),
                ("channel", "@sahifa_test"),
            ]),
        )
        .await;
        assert_eq!(bad.status().as_u16(), 303);
        assert!(
            bad.headers()["location"]
                .to_str()
                .expect("loc")
                .contains("error=token")
        );
        assert_eq!(
            t.db.setting("telegram.bot_token")
                .await
                .expect("read")
                .as_deref(),
            Some(TOKEN)
        );

        // A real save; the empty token field keeps the token.
        let saved = post(
            &client,
            format!("{base}/admin/telegram/settings"),
            form(&[
                ("_csrf", CSRF),
                ("enabled", "on"),
                ("bot_token", ""),
                ("channel", "https://t.me/sahifa_news"),
                ("template", "{title}\n{link}"),
                ("edit_updates", "on"),
                ("exclude", "7"),
                ("exclude", "3"),
            ]),
        )
        .await;
        assert_eq!(saved.status().as_u16(), 303);
        assert_eq!(saved.headers()["location"], "../telegram?notice=saved");
        let settings = sahifa_telegram::TelegramSettings::load(&t.db, &Overrides::default())
            .await
            .expect("settings");
        assert_eq!(settings.bot_token, TOKEN);
        assert_eq!(settings.channel, "@sahifa_news");
        assert_eq!(settings.template, "{title}\n{link}");
        assert_eq!(settings.excluded_categories, vec![3, 7]);
        assert!(settings.enabled && settings.edit_updates);

        // Someone who may not manage settings cannot save them, but can retry.
        let (limited, client) = serve(&t, Some(editor(false))).await;
        let refused = post(
            &client,
            format!("{limited}/admin/telegram/settings"),
            form(&[("_csrf", CSRF), ("channel", "@other_channel")]),
        )
        .await;
        assert_eq!(refused.status().as_u16(), 403);
        t.db.set_setting("telegram.channel", "@sahifa_test")
            .await
            .expect("channel");
        let retried = post(
            &client,
            format!("{limited}/admin/telegram/deliveries/{}/retry", failed.id),
            form(&[("_csrf", CSRF)]),
        )
        .await;
        assert_eq!(retried.status().as_u16(), 303);
        wait_status(&t.db, id, "sent").await;
        assert_eq!(fake.posts().len(), 1);
        stop(worker).await;
    });
}
