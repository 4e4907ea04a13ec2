//! What used to be a 500 answers what it is: an edit made meanwhile is a 409 that loses
//! neither edit, a refused write a 422 with its fields (editor and admin API), and a NUL
//! byte in a URL or a form never reaches the database.

use crate::common;

use sahifa_store::{ArticleInput, ArticleStatus, Role};
use sahifa_testkit::ArticleWrites;

use common::TestApp;
use common::session::login;

const PASSWORD: &str = "كلمة-سر-طويلة-2026";

fn text(key: &str) -> String {
    let catalog = sahifa_web::i18n::Catalog::load().expect("catalogue");
    catalog.text(sahifa_text::dates::Lang::Ar, key)
}

fn article(title: &str) -> ArticleInput {
    ArticleInput {
        slug: None,
        title: title.into(),
        lead: "مقدمة".into(),
        body_html: String::new(),
        body_md: "نص الخبر".into(),
        dateline: None,
        source: None,
        author_id: None,
        category_id: None,
        tags: vec![],
        status: ArticleStatus::Draft,
        published_at: None,
        image: None,
    }
}

/// The value of the hidden `base_revision` field of an editor page.
fn base_revision(html: &str) -> String {
    let marker = "name=\"base_revision\" value=\"";
    let start = html
        .find(marker)
        .expect("the editor carries its base revision")
        + marker.len();
    let len = html[start..].find('"').expect("closing quote");
    html[start..start + len].to_string()
}

app_test!(
    an_edit_made_meanwhile_answers_409_and_keeps_both_texts,
    demo = false,
    |app: TestApp| async move {
        sahifa::accounts::add_user(&app.db, "e@example.com", "المحررة", Role::Editor, PASSWORD)
            .await
            .expect("editor");
        let editor = login(&app, "e@example.com", PASSWORD).await;
        let id = app
            .db
            .create_article(&article("العنوان الأول"))
            .await
            .expect("article");
        let path = format!("/admin/articles/{id}");
        let page = editor.get(&path).await.text().await.expect("editor page");
        let opened_at = base_revision(&page);

        // Someone else saves while the editor page is open.
        app.db
            .update_article(id, &article("تعديل الزميل"))
            .await
            .expect("the colleague's save");

        let response = editor
            .post(
                &path,
                &[
                    ("title", "تعديلي"),
                    ("body", "نصي"),
                    ("status", "draft"),
                    ("base_revision", &opened_at),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(response.status().as_u16(), 409);
        let body = response.text().await.expect("body");
        assert!(
            body.contains(&text("admin-error-edited-meanwhile")),
            "{body}"
        );
        assert!(
            body.contains("value=\"تعديلي\""),
            "the refused text is still in the form, so nothing typed is lost"
        );
        let stored = app.db.article_by_id(id).await.unwrap().expect("article");
        assert_eq!(
            stored.summary.title, "تعديل الزميل",
            "the colleague's edit survives"
        );

        // Reopened, the editor starts from the newest revision and saves.
        let page = editor.get(&path).await.text().await.expect("editor page");
        let response = editor
            .post(
                &path,
                &[
                    ("title", "تعديلي"),
                    ("body", "نصي"),
                    ("status", "draft"),
                    ("base_revision", &base_revision(&page)),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(response.status().as_u16(), 303);
        let stored = app.db.article_by_id(id).await.unwrap().expect("article");
        assert_eq!(stored.summary.title, "تعديلي");
    }
);

app_test!(
    the_admin_api_answers_422_with_the_field_for_a_refused_write,
    demo = false,
    |app: TestApp| async move {
        let user_id =
            sahifa::accounts::add_user(&app.db, "e@example.com", "المحررة", Role::Editor, PASSWORD)
                .await
                .expect("editor");
        let token = sahifa_newsroom::Newsroom::new(app.db.clone())
            .create_token(&sahifa_newsroom::Actor::System, user_id, "وكالة")
            .await
            .expect("token")
            .secret;
        let response = app
            .client
            .post(format!("{}/api/v1/admin/articles", app.base))
            .bearer_auth(&token)
            .json(&serde_json::json!({"title": "؟!", "body": "نص", "category_id": 987654}))
            .send()
            .await
            .expect("post");
        assert_eq!(response.status().as_u16(), 422);
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["error"]["code"], "invalid");
        assert_eq!(
            body["error"]["fields"]["slug"],
            text("admin-error-slug-needed").as_str()
        );
        assert_eq!(
            body["error"]["fields"]["category_id"],
            text("admin-error-unknown-category").as_str()
        );
        assert_eq!(app.db.article_count().await.unwrap(), 0, "nothing stored");
    }
);

// A NUL byte anywhere a reader or an editor can put one answers what it is (400 for the
// URL, a refused login for the form), never a database error: PostgreSQL refuses NUL in
// text where SQLite would have answered a miss.
app_test!(
    nul_bytes_never_reach_the_database,
    demo = true,
    |app: TestApp| async move {
        for path in [
            "/article/a%00b",
            "/category/%00",
            "/tag/x%00",
            "/author/%00y",
            "/api/v1/articles/a%00b",
            "/s/1%00",
        ] {
            let response = app.get(path).await;
            assert_eq!(response.status().as_u16(), 400, "{path}");
        }
        // What a reader types into search is never an error (the search suite runs the
        // same with an index; this server runs none, and the page says so).
        for path in ["/search?q=%00", "/search?q=a&category=%00"] {
            let response = app.get(path).await;
            assert_eq!(response.status().as_u16(), 200, "{path}");
        }
        sahifa::accounts::add_user(&app.db, "e@example.com", "المحررة", Role::Editor, PASSWORD)
            .await
            .expect("editor");
        let (status, session, _) =
            common::session::try_login(&app, "e@example.com\u{0}", PASSWORD).await;
        assert!(
            session.is_some(),
            "the NUL is dropped from the email ({status})"
        );
        let (status, session, _) =
            common::session::try_login(&app, "nobody\u{0}@example.com", PASSWORD).await;
        assert!(session.is_none());
        assert!(
            status < 500,
            "a refused login, not a server error: {status}"
        );
        // The admin's own search of titles.
        let admin = common::session::login(&app, "e@example.com", PASSWORD).await;
        let response = admin.get("/admin/articles?q=%00").await;
        assert_eq!(response.status().as_u16(), 200);
    }
);
