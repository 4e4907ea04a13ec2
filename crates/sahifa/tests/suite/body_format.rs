//! The HTML body format (issue 10) end to end: the admin API's `body_html` and `body`, the
//! one-time conversion of Markdown bodies, and embeds on the public page (click-to-load
//! cards, and a CSP that frames exactly their providers).

use crate::common;

use common::TestApp;
use sahifa_store::{Pool, Role};

const PASSWORD: &str = "كلمة-سر-طويلة-للاختبار";

/// An admin API caller with an editor's token.
async fn editor_api(app: &TestApp) -> impl Fn(reqwest::Method, &str) -> reqwest::RequestBuilder {
    let user = sahifa::accounts::add_user(
        &app.db,
        "desk@example.com",
        "المحررة",
        Role::Editor,
        PASSWORD,
    )
    .await
    .expect("user");
    let token = sahifa::accounts::create_token(&app.db, user, "desk")
        .await
        .expect("token");
    let base = app.base.clone();
    let client = app.client.clone();
    move |method, path: &str| {
        client
            .request(method, format!("{base}{path}"))
            .bearer_auth(&token)
    }
}

app_test!(
    the_admin_api_takes_html_or_markdown_and_answers_html,
    demo = false,
    |app: TestApp| async move {
        let api = editor_api(&app).await;
        // HTML is reduced to the schema.
        let r = api(reqwest::Method::POST, "/api/v1/admin/articles")
            .json(&serde_json::json!({
                "title": "خبر بصيغة HTML",
                "body_html": "<h1>عنوان</h1><p onclick=\"x()\">فقرة <b>بارزة</b></p><script>alert(1)</script>",
                "status": "published",
            }))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status().as_u16(), 201);
        let created: serde_json::Value = r.json().await.expect("json");
        let id = created["id"].as_i64().expect("id");
        assert_eq!(
            created["body_html"],
            "<h2 dir=\"auto\">عنوان</h2><p dir=\"auto\">فقرة <strong>بارزة</strong></p>"
        );
        assert!(created.get("body").is_none(), "no Markdown is answered");
        // GET answers the same.
        let got: serde_json::Value = api(
            reqwest::Method::GET,
            &format!("/api/v1/admin/articles/{id}"),
        )
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
        assert_eq!(got["body_html"], created["body_html"]);
        // PUT with other fields keeps the body; with Markdown replaces it.
        let kept: serde_json::Value = api(
            reqwest::Method::PUT,
            &format!("/api/v1/admin/articles/{id}"),
        )
        .json(&serde_json::json!({"lead": "مقدمة"}))
        .send()
        .await
        .expect("put")
        .json()
        .await
        .expect("json");
        assert_eq!(kept["body_html"], created["body_html"]);
        let r = api(
            reqwest::Method::PUT,
            &format!("/api/v1/admin/articles/{id}"),
        )
        .json(&serde_json::json!({"body": "نص *مائل*\n\nhttps://youtu.be/dQw4w9WgXcQ"}))
        .send()
        .await
        .expect("put");
        assert_eq!(r.status().as_u16(), 200);
        let replaced: serde_json::Value = r.json().await.expect("json");
        let html = replaced["body_html"].as_str().expect("html");
        assert!(
            html.starts_with("<p dir=\"auto\">نص <em>مائل</em></p>"),
            "{html}"
        );
        assert!(
            html.contains("<figure class=\"embed\" data-provider=\"youtube\""),
            "{html}"
        );
        // Both at once is refused, in Arabic, and nothing changes.
        let r = api(
            reqwest::Method::PUT,
            &format!("/api/v1/admin/articles/{id}"),
        )
        .json(&serde_json::json!({"body": "أ", "body_html": "<p>ب</p>"}))
        .send()
        .await
        .expect("put");
        assert_eq!(r.status().as_u16(), 422);
        let err: serde_json::Value = r.json().await.expect("json");
        assert!(
            err["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("body_html") && m.contains("مرة واحدة")),
            "{err}"
        );
        let stored = app
            .db
            .article_by_id(id)
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(stored.body_html, html);
    }
);

/// Puts each demo article back as a site stored it before bodies became HTML: its
/// Markdown, the old rendering of it, and the `markdown` mark.
async fn as_before_the_upgrade(app: &TestApp) -> Vec<(String, String)> {
    let bodies = sahifa::demo::markdown_bodies().expect("demo bodies");
    for (slug, md) in &bodies {
        let old_html = sahifa_text::markdown::render_markdown(md);
        let sql = "UPDATE articles SET body_md = $1, body_html = $2, body_format = 'markdown' \
                   WHERE slug = $3";
        let affected = match app.db.pool() {
            Pool::Sqlite(pool) => sqlx::query(sql)
                .bind(md)
                .bind(&old_html)
                .bind(slug)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()),
            Pool::Postgres(pool) => sqlx::query(sql)
                .bind(md)
                .bind(&old_html)
                .bind(slug)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()),
        }
        .expect("update");
        assert_eq!(affected, 1, "{slug}");
    }
    bodies
}

app_test!(
    markdown_bodies_convert_once_to_the_same_text_with_a_revision,
    demo = true,
    |app: TestApp| async move {
        let bodies = as_before_the_upgrade(&app).await;
        let mut before = Vec::new();
        for (slug, md) in &bodies {
            let article = app.db.published_article(slug).await.expect("read");
            let article = match article {
                Some(a) => a,
                // A demo draft is not public; it is converted all the same.
                None => continue,
            };
            let page = app.page(&format!("/article/{slug}"), 200).await;
            before.push((slug.clone(), md.clone(), article.summary.id, page));
        }
        assert!(before.len() >= 5, "the demo's published articles");
        let revisions_before: Vec<usize> = {
            let mut counts = Vec::new();
            for (_, _, id, _) in &before {
                counts.push(app.db.revisions(*id).await.expect("revisions").len());
            }
            counts
        };

        let newsroom = sahifa_newsroom::Newsroom::new(app.db.clone());
        let converted = newsroom.convert_markdown_bodies().await.expect("convert");
        assert_eq!(converted, bodies.len(), "every demo article once");
        assert_eq!(
            newsroom.convert_markdown_bodies().await.expect("again"),
            0,
            "a second run finds nothing left"
        );

        for ((slug, md, id, old_page), revisions) in before.iter().zip(revisions_before) {
            let article = app
                .db
                .article_by_id(*id)
                .await
                .expect("read")
                .expect("exists");
            // A link alone on its line is now an embed, which is not prose.
            let prose: Vec<String> = sahifa_text::markdown::to_plain_text(md)
                .split("\n\n")
                .filter(|block| sahifa_text::embeds::recognise(block).is_none())
                .map(str::to_string)
                .collect();
            let embeds = sahifa_text::markdown::to_plain_text(md)
                .split("\n\n")
                .count()
                - prose.len();
            assert_eq!(
                sahifa_text::body::plain_text(&article.body_html),
                prose.join("\n\n"),
                "{slug}: the same text"
            );
            assert_eq!(
                article.body_html.matches("<figure class=\"embed\"").count(),
                embeds,
                "{slug}: each link alone on its line is an embed"
            );
            assert!(
                article.body_html.contains("dir=\"auto\""),
                "{slug}: the schema"
            );
            let history = app.db.revisions(*id).await.expect("revisions");
            assert_eq!(history.len(), revisions + 1, "{slug}: one revision more");
            let newest = history.first().expect("newest");
            assert_eq!(newest.user_id, None, "{slug}: recorded by the system");
            assert_eq!(newest.snapshot.body_html, article.body_html);
            // The page shows the same words as before (its markup may differ); an embed
            // shows as its card instead of its URL.
            let new_page = app.page(&format!("/article/{slug}"), 200).await;
            if embeds == 0 {
                assert_eq!(
                    page_text(&new_page),
                    page_text(old_page),
                    "{slug}: the public page reads the same"
                );
            } else {
                assert!(new_page.contains("class=\"embed-card"), "{slug}: the card");
            }
        }
    }
);

/// The words of an article page's body.
fn page_text(page: &str) -> String {
    let start = page.find("<div class=\"article-body\">").expect("body");
    let rest = &page[start..];
    let end = rest.find("</div>").expect("end of body");
    let html = &rest[..end];
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

app_test!(
    embeds_are_cards_until_clicked_and_only_their_providers_may_frame,
    demo = false,
    |app: TestApp| async move {
        let api = editor_api(&app).await;
        let r = api(reqwest::Method::POST, "/api/v1/admin/articles")
            .json(&serde_json::json!({
                "title": "خبر مع فيديو وتغريدة",
                "slug": "embeds",
                "body_html": "<p>قبل</p><p>https://www.youtube.com/watch?v=dQw4w9WgXcQ</p>\
                              <figure class=\"embed\" data-url=\"https://twitter.com/AJArabic/status/1790000000000000000\" data-title=\"تغريدة الوزير\"></figure>\
                              <p>بعد https://example.com/x</p>",
                "status": "published",
            }))
            .send()
            .await
            .expect("post");
        assert_eq!(r.status().as_u16(), 201);
        let page = app.get("/article/embeds").await;
        assert_eq!(page.status().as_u16(), 200);
        let csp = page
            .headers()
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .expect("csp")
            .to_string();
        assert!(
            csp.ends_with(
                "; frame-src https://www.youtube-nocookie.com https://platform.twitter.com"
            ),
            "{csp}"
        );
        let html = page.text().await.expect("html");
        assert!(!html.contains("<iframe"), "no frame before a click");
        assert!(
            html.contains("data-frame=\"https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ\""),
            "{html}"
        );
        assert!(html.contains("href=\"https://www.youtube.com/watch?v=dQw4w9WgXcQ\""));
        assert!(html.contains("تغريدة الوزير"));
        assert!(html.contains("اضغط لعرض المحتوى من يوتيوب"));
        // The bare URL in a sentence is a link.
        assert!(html.contains("<a href=\"https://example.com/x\""), "{html}");
        // Nothing on the page is loaded from a provider: no script, image or style of theirs.
        for (at, _) in html.match_indices("src=\"https://") {
            let tail: String = html[at..].chars().take(60).collect();
            for provider in ["youtube", "ytimg", "twitter", "twimg", "x.com"] {
                assert!(!tail.contains(provider), "{tail}");
            }
        }
        // A page without embeds frames nothing.
        let home = app.get("/").await;
        let csp = home
            .headers()
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert!(!csp.contains("frame-src"), "{csp}");
    }
);
