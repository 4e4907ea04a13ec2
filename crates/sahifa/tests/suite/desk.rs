//! The desk editor's server side over real HTTP on both backends (issue 10): one-click
//! publishing and scheduling with the time in words, the preview as the public page, the
//! private preview link that expires, autosave and its recovery, the edit lock and its
//! take-over, the media picker with credits, paste cleaning, and revisions numbered alike
//! in the list and the diff.

use crate::common;

use common::TestApp;
use common::session::{AdminSession, login};
use sahifa_store::Role;

const PASSWORD: &str = "كلمة-سر-طويلة-للديسك";

async fn desk(app: &TestApp) -> (AdminSession<'_>, AdminSession<'_>) {
    for (email, name) in [("a@example.com", "سلمى"), ("b@example.com", "كريم")] {
        sahifa::accounts::add_user(&app.db, email, name, Role::Editor, PASSWORD)
            .await
            .expect("user");
    }
    (
        login(app, "a@example.com", PASSWORD).await,
        login(app, "b@example.com", PASSWORD).await,
    )
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The id in `/admin/articles/{id}?msg=...`.
fn article_id(location: &str) -> i64 {
    location
        .trim_start_matches("/admin/articles/")
        .split('?')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no article in {location}"))
}

app_test!(
    one_click_actions_preview_and_the_private_link,
    demo = false,
    |app: TestApp| async move {
        let (a, _) = desk(&app).await;
        // The preview is the public page of the typed words, saved nowhere.
        let r = a
            .post(
                "/admin/articles/new",
                &[
                    ("title", "خبر للمعاينة"),
                    ("dateline", "بيروت"),
                    (
                        "body_html",
                        "<p>نص <b>المعاينة</b></p><p>https://youtu.be/dQw4w9WgXcQ</p>",
                    ),
                    ("action", "preview"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 200);
        let page = r.text().await.expect("page");
        assert!(page.contains("class=\"preview-banner\""), "{page}");
        assert!(page.contains("<h1 class=\"article-headline\">خبر للمعاينة</h1>"));
        assert!(page.contains("<strong>المعاينة</strong>"));
        assert!(page.contains("class=\"article-dateline\">بيروت"));
        assert!(page.contains("embed-card embed-youtube"));
        assert!(page.contains("<meta name=\"robots\" content=\"noindex, nofollow\">"));
        assert_eq!(
            app.db.article_count().await.expect("count"),
            0,
            "nothing saved"
        );

        // «حفظ كمسودة», then «جدولة» with the time in words, then «انشر الآن».
        let r = a
            .post(
                "/admin/articles/new",
                &[
                    ("title", "خبر بنقرة"),
                    ("body_html", "<p>نص</p>"),
                    ("action", "draft"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let id = article_id(&location(&r));
        let path = format!("/admin/articles/{id}");
        let tomorrow = (chrono::Utc::now() + chrono::Duration::days(2))
            .format("%Y-%m-%d")
            .to_string();
        let r = a
            .post(
                &path,
                &[
                    ("title", "خبر بنقرة"),
                    ("body_html", "<p>نص</p>"),
                    ("publish_date", tomorrow.as_str()),
                    ("publish_time", "09:30"),
                    ("action", "schedule"),
                ],
            )
            .await;
        assert_eq!(location(&r), format!("{path}?msg=scheduled"));
        let editor = a
            .get(&format!("{path}?msg=scheduled"))
            .await
            .text()
            .await
            .expect("page");
        assert!(
            editor.contains("جُدول المقال للنشر"),
            "the notice names the time"
        );
        let stored = app
            .db
            .article_by_id(id)
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(
            stored.summary.status,
            sahifa_store::ArticleStatus::Scheduled
        );
        let r = a
            .post(
                &path,
                &[
                    ("title", "خبر بنقرة"),
                    ("body_html", "<p>نص</p>"),
                    ("action", "publish"),
                ],
            )
            .await;
        assert_eq!(location(&r), format!("{path}?msg=published"));
        let stored = app
            .db
            .article_by_id(id)
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(
            stored.summary.status,
            sahifa_store::ArticleStatus::Published
        );
        assert!(
            stored
                .summary
                .published_at
                .is_some_and(|p| p <= chrono::Utc::now()),
            "published now, not at the scheduled time"
        );
        let r = a
            .post(
                &path,
                &[
                    ("title", "خبر بنقرة"),
                    ("body_html", "<p>نص</p>"),
                    ("action", "draft"),
                ],
            )
            .await;
        assert_eq!(location(&r), format!("{path}?msg=unpublished"));

        // The private preview link opens the unpublished article without an account.
        let editor = a.get(&path).await.text().await.expect("page");
        let marker = "/preview/";
        let at = editor.find(marker).expect("a preview link");
        let token: String = editor[at + marker.len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '.')
            .collect();
        let page = app.page(&format!("/preview/{token}"), 200).await;
        assert!(page.contains("خبر بنقرة") && page.contains("preview-banner"));
        let r = app.get(&format!("/preview/{token}")).await;
        assert_eq!(
            r.headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok()),
            Some("private, no-store")
        );
        // Altered, or for another article, or expired: nothing.
        let mut altered = token.clone();
        altered.pop();
        altered.push(if token.ends_with('0') { '1' } else { '0' });
        app.page(&format!("/preview/{altered}"), 404).await;
        let other = token.replacen(&format!("{id}."), &format!("{}.", id + 1), 1);
        app.page(&format!("/preview/{other}"), 404).await;
        let newsroom = sahifa_newsroom::Newsroom::new(app.db.clone());
        let expired = newsroom
            .preview_token(id, chrono::Utc::now() - chrono::Duration::minutes(1))
            .await
            .expect("token");
        app.page(&format!("/preview/{expired}"), 404).await;
    }
);

app_test!(
    autosave_recovers_and_the_lock_tells_who_holds_the_article,
    demo = false,
    |app: TestApp| async move {
        let (a, b) = desk(&app).await;
        let r = a
            .post(
                "/admin/articles/new",
                &[
                    ("title", "خبر المحررين"),
                    ("body_html", "<p>أول</p>"),
                    ("action", "draft"),
                ],
            )
            .await;
        let id = article_id(&location(&r));
        let path = format!("/admin/articles/{id}");

        // Autosave keeps the typed copy, not a revision.
        let revisions = app.db.revisions(id).await.expect("revisions").len();
        let r = a
            .post(
                &format!("{path}/autosave"),
                &[
                    ("title", "خبر المحررين"),
                    ("body_html", "<p>أول وثانٍ لم يُحفظ</p>"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 200);
        let answer: serde_json::Value = r.json().await.expect("json");
        assert!(
            answer["message"]
                .as_str()
                .is_some_and(|m| m.contains("تلقائياً")),
            "{answer}"
        );
        assert_eq!(
            app.db.revisions(id).await.expect("revisions").len(),
            revisions
        );
        // Reopened (a closed tab, a crash): the copy is offered, and restored on request.
        let editor = a.get(&path).await.text().await.expect("page");
        assert!(
            editor.contains("class=\"autosave-box\""),
            "the copy is offered"
        );
        let restored = a
            .get(&format!("{path}?restore=autosave"))
            .await
            .text()
            .await
            .expect("page");
        assert!(
            restored.contains("أول وثانٍ لم يُحفظ"),
            "the copy is back in the form"
        );
        // Another editor never sees it.
        let theirs = b.get(&path).await.text().await.expect("page");
        assert!(!theirs.contains("autosave-box"));
        // Saving makes it moot.
        a.post(
            &path,
            &[
                ("title", "خبر المحررين"),
                ("body_html", "<p>أول وثانٍ</p>"),
                ("action", "draft"),
            ],
        )
        .await;
        let editor = a.get(&path).await.text().await.expect("page");
        assert!(!editor.contains("autosave-box"));

        // A holds the article (opened last just above); B sees who, and takes it over.
        let theirs = b.get(&path).await.text().await.expect("page");
        assert!(
            theirs.contains("class=\"lock-box\"") && theirs.contains("سلمى"),
            "B sees A's lock"
        );
        let beat: serde_json::Value = a
            .post(&format!("{path}/lock"), &[])
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(beat["mine"], true);
        let r = b.post(&format!("{path}/take-over"), &[]).await;
        assert_eq!(location(&r), format!("{path}?msg=lock-taken-over"));
        // A is told on the next heartbeat.
        let beat: serde_json::Value = a
            .post(&format!("{path}/lock"), &[])
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(beat["mine"], false);
        assert_eq!(beat["holder"], "كريم");
        assert!(
            beat["message"].as_str().is_some_and(|m| m.contains("كريم")),
            "{beat}"
        );
        let mine = a.get(&path).await.text().await.expect("page");
        assert!(mine.contains("lock-box") && mine.contains("كريم"));
        // A new article's autosave lives under its own key.
        let r = a
            .post(
                "/admin/articles/autosave",
                &[("title", "مسودة جديدة"), ("body_html", "<p>جديد</p>")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 200);
        let fresh = a
            .get("/admin/articles/new")
            .await
            .text()
            .await
            .expect("page");
        assert!(fresh.contains("autosave-box"));
        let r = a.post("/admin/articles/autosave/discard", &[]).await;
        assert_eq!(location(&r), "/admin/articles/new?msg=autosave-discarded");
        let fresh = a
            .get("/admin/articles/new")
            .await
            .text()
            .await
            .expect("page");
        assert!(!fresh.contains("autosave-box"));
    }
);

app_test!(
    pastes_are_cleaned_and_the_library_feeds_the_editor,
    demo = true,
    |app: TestApp| async move {
        let (a, _) = desk(&app).await;
        let r = a
            .post(
                "/admin/body/clean",
                &[("html", "<p class=MsoNormal><b><span style='font-size:12pt'>عاجل</span></b><script>x()</script></p>")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 200);
        assert_eq!(
            r.text().await.expect("html"),
            "<p dir=\"auto\"><strong>عاجل</strong></p>"
        );
        // The demo's illustrations are library items, with their texts and credit.
        let listing: serde_json::Value =
            a.get("/admin/media.json").await.json().await.expect("json");
        let items = listing["items"].as_array().expect("items");
        assert_eq!(items.len(), 8, "{listing}");
        assert!(items.iter().all(|i| i["credit"] == "رسوم صحيفة"));
        assert!(items.iter().all(|i| {
            i["url"]
                .as_str()
                .is_some_and(|u| u.starts_with("/media/uploads/"))
        }));
        assert!(
            items
                .iter()
                .any(|i| i["alt"].as_str().is_some_and(|t| !t.is_empty()))
        );
        // The model article features one of them.
        let model = app.page(&app.article_url("روحاني").await, 200).await;
        assert!(
            model.contains("/media/uploads/"),
            "the featured image is a library item"
        );
        // The credit is edited in the library.
        let first = items[0]["id"].as_i64().expect("id");
        let r = a
            .post(
                &format!("/admin/media/{first}"),
                &[("alt", "بديل"), ("caption", "تعليق"), ("credit", "أ ف ب")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let row = app
            .db
            .media_by_id(first)
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(
            (row.alt.as_str(), row.caption.as_str(), row.credit.as_str()),
            ("بديل", "تعليق", "أ ف ب")
        );
        let library = a.get("/admin/media").await.text().await.expect("page");
        assert!(library.contains("value=\"أ ف ب\""), "the credit field");
        assert!(library.contains("class=\"copy-url\""), "the URL to copy");
    }
);

app_test!(
    revisions_are_numbered_alike_in_the_list_and_the_diff,
    demo = false,
    |app: TestApp| async move {
        let (a, _) = desk(&app).await;
        let r = a
            .post(
                "/admin/articles/new",
                &[
                    ("title", "خبر"),
                    ("body_html", "<p>لا إصابات في الحادث</p>"),
                    ("action", "draft"),
                ],
            )
            .await;
        let id = article_id(&location(&r));
        let path = format!("/admin/articles/{id}");
        a.post(
            &path,
            &[
                ("title", "خبر"),
                ("body_html", "<p>إصابة طفيفة في الحادث</p>"),
                ("action", "draft"),
            ],
        )
        .await;
        let revisions = app.db.revisions(id).await.expect("revisions");
        assert_eq!(revisions.len(), 2);
        let list = a
            .get(&format!("{path}/revisions"))
            .await
            .text()
            .await
            .expect("page");
        // In the site's digits, whichever they are.
        let n = |d: u32| -> [String; 2] {
            [
                format!("المراجعة {d}"),
                format!("المراجعة {}", char::from_u32(0x0660 + d).unwrap_or('?')),
            ]
        };
        let shows = |page: &str, d: u32| n(d).iter().any(|s| page.contains(s.as_str()));
        assert!(shows(&list, 1) && shows(&list, 2), "{list}");
        let (newer, older) = (revisions[0].id, revisions[1].id);
        let diff = a
            .get(&format!("{path}/revisions/diff?a={older}&b={newer}"))
            .await
            .text()
            .await
            .expect("page");
        let [one, one_ar] = n(1);
        let [two, two_ar] = n(2);
        assert!(
            diff.contains(&format!("{one} ← {two}"))
                || diff.contains(&format!("{one_ar} ← {two_ar}")),
            "{diff}"
        );
        // Deleted and inserted words apart, each marked.
        assert!(
            diff.contains("محذوف: </span>لا إصابات</del><span> </span><ins>"),
            "{diff}"
        );
        assert!(
            diff.contains("مضاف: </span>إصابة طفيفة</ins><span> في الحادث"),
            "{diff}"
        );
    }
);
