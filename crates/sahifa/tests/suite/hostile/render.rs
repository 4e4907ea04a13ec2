//! Hostile-input tests: render. Bodies built to make the Markdown renderer quadratic (tens
//! of thousands of nested quotes or list markers, deep raw HTML) once took seconds to
//! minutes each on the request workers, so `/healthz` stopped answering while one saved.
//! Now they save with a bounded rendering (or a clear 422) while the server keeps
//! answering, and a body past the size limit is refused with its message, losing nothing.

use std::time::Duration;

use sahifa_store::Role;

use crate::common;
use common::TestApp;
use common::session::login;

const PASSWORD: &str = "كلمة-سر-طويلة-2026";

fn text(key: &str) -> String {
    let catalog = sahifa_web::i18n::Catalog::load().expect("catalogue");
    catalog.text(sahifa_text::dates::Lang::Ar, key)
}

/// An editor's admin API token.
async fn editor_token(app: &TestApp) -> String {
    let user_id =
        sahifa::accounts::add_user(&app.db, "e@example.com", "المحررة", Role::Editor, PASSWORD)
            .await
            .expect("editor");
    sahifa_newsroom::Newsroom::new(app.db.clone())
        .create_token(&sahifa_newsroom::Actor::System, user_id, "وكالة")
        .await
        .expect("token")
        .secret
}

/// The bodies that were slow: each nests tens of thousands of levels.
fn pathological_bodies() -> Vec<String> {
    vec![
        ">".repeat(40_000),
        "- ".repeat(100_000) + "x",
        "1. ".repeat(20_000) + "x",
        "x <blockquote>".repeat(10_000),
    ]
}

app_test!(
    pathological_bodies_save_while_healthz_keeps_answering,
    demo = false,
    |app: TestApp| async move {
        let token = editor_token(&app).await;
        // All at once, so that renders on the request workers would occupy every one.
        let mut saves = tokio::task::JoinSet::new();
        for (i, body) in pathological_bodies().into_iter().enumerate() {
            let (client, base, token) = (app.client.clone(), app.base.clone(), token.clone());
            saves.spawn(async move {
                let response = client
                    .post(format!("{base}/api/v1/admin/articles"))
                    .bearer_auth(&token)
                    .json(&serde_json::json!({
                        "title": format!("خبر عدائي {i}"),
                        "body": body,
                        "status": "published",
                    }))
                    .send()
                    .await
                    .expect("save answers");
                let status = response.status().as_u16();
                let json: serde_json::Value = response.json().await.expect("json");
                (status, json)
            });
        }
        let mut probes = 0;
        while !saves.is_empty() {
            let healthz = tokio::time::timeout(Duration::from_secs(5), app.get("/healthz"))
                .await
                .expect("healthz answers within 5 s while bodies render");
            assert_eq!(healthz.status().as_u16(), 200);
            probes += 1;
            while let Some(done) = saves.try_join_next() {
                let (status, json) = done.expect("save task");
                match status {
                    201 => {
                        let html = json["body_html"].as_str().expect("body_html");
                        assert!(
                            html.matches("<blockquote>").count()
                                + html.matches("<ul>").count()
                                + html.matches("<ol>").count()
                                <= sahifa_text::markdown::MAX_NESTING
                                    + sahifa_text::markdown::MAX_RAW_NESTING,
                            "the stored rendering is flattened"
                        );
                        let url = json["url"].as_str().expect("url");
                        let page = app.get(url.trim_start_matches(&app.base)).await;
                        assert_eq!(page.status().as_u16(), 200, "{url}");
                    }
                    422 => assert_eq!(json["error"]["code"], "invalid", "{json}"),
                    other => panic!("save answered {other}: {json}"),
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(probes > 0);
    }
);

app_test!(
    an_oversized_body_is_refused_in_arabic_and_nothing_is_lost,
    demo = false,
    |app: TestApp| async move {
        let token = editor_token(&app).await;
        let oversized = "ا".repeat(sahifa_text::markdown::MAX_BODY_BYTES / 2 + 1);
        let created = app
            .client
            .post(format!("{}/api/v1/admin/articles", app.base))
            .bearer_auth(&token)
            .json(&serde_json::json!({"title": "خبر سليم", "body": "نص **سليم**"}))
            .send()
            .await
            .expect("create");
        assert_eq!(created.status().as_u16(), 201);
        let id = created.json::<serde_json::Value>().await.expect("json")["id"]
            .as_i64()
            .expect("id");

        // Over the API: a new article and an edit of the stored one.
        let refused_new = app
            .client
            .post(format!("{}/api/v1/admin/articles", app.base))
            .bearer_auth(&token)
            .json(&serde_json::json!({"title": "خبر طويل", "body": oversized}))
            .send()
            .await
            .expect("post");
        let refused_edit = app
            .client
            .put(format!("{}/api/v1/admin/articles/{id}", app.base))
            .bearer_auth(&token)
            .json(&serde_json::json!({"body": oversized}))
            .send()
            .await
            .expect("put");
        for response in [refused_new, refused_edit] {
            assert_eq!(response.status().as_u16(), 422);
            let body: serde_json::Value = response.json().await.expect("json");
            assert_eq!(body["error"]["code"], "invalid");
            assert_eq!(
                body["error"]["fields"]["body"],
                text("admin-error-body-too-long").as_str()
            );
        }

        // Through the editor form: saving and previewing, in Arabic, whose letters take six
        // bytes each once URL-encoded: the editor's form limit leaves room for that.
        let editor = login(&app, "e@example.com", PASSWORD).await;
        for action in ["save", "preview"] {
            let response = editor
                .post(
                    &format!("/admin/articles/{id}"),
                    &[
                        ("title", "خبر سليم"),
                        ("body", oversized.as_str()),
                        ("status", "draft"),
                        ("action", action),
                    ],
                )
                .await;
            assert_eq!(response.status().as_u16(), 422, "{action}");
            let page = response.text().await.expect("page");
            assert!(
                page.contains(&text("admin-error-body-too-long")),
                "{action}: the form says what is wrong with the body"
            );
        }

        // Far past any body the editor accepts: the whole form is refused in words, not as
        // a forgery.
        let huge = "ا".repeat(sahifa_text::markdown::MAX_BODY_BYTES * 2);
        let response = editor
            .post(
                &format!("/admin/articles/{id}"),
                &[
                    ("title", "خبر سليم"),
                    ("body", huge.as_str()),
                    ("status", "draft"),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(response.status().as_u16(), 413);
        let page = response.text().await.expect("page");
        assert!(
            page.contains(&text("admin-error-form-too-large")),
            "the page says the form is too large"
        );

        assert_eq!(
            app.db.article_count().await.unwrap(),
            1,
            "nothing new stored"
        );
        let stored = app.db.article_by_id(id).await.unwrap().expect("article");
        assert!(
            stored.body_html.contains("<strong>سليم</strong>"),
            "the stored body is kept"
        );
    }
);
