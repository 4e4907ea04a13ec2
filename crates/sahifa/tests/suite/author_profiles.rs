//! Author profiles over real HTTP on SQLite and PostgreSQL: the demo's articles have an
//! owner, the profile form on `/admin/profile` and `/admin/users/{id}` round-trips, a bad
//! link comes back as a field error, and the author page shows the photo, bio and links
//! with a `Person` JSON-LD read by a real HTML parser and serde_json.

use crate::common;

use common::TestApp;
use common::session::{AdminSession, login};
use sahifa_store::{NewMedia, Role};
use serde_json::Value;

const PASSWORD: &str = "كلمة سر طويلة للاختبار";

fn ar(key: &str) -> String {
    sahifa_web::i18n::Catalog::load()
        .expect("catalogue")
        .text(sahifa_text::dates::Lang::Ar, key)
}

/// The `<script type="application/ld+json">` blocks of `url`, as distribution.py's
/// html.parser reads them.
async fn json_ld(url: &str) -> Vec<Value> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/distribution.py");
    let out = tokio::process::Command::new("python3")
        .arg(script)
        .arg("head")
        .arg(url)
        .output()
        .await
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let head: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    head["jsonld"]
        .as_array()
        .expect("jsonld")
        .iter()
        .map(|b| serde_json::from_str(b.as_str().expect("text")).expect("valid JSON-LD"))
        .collect()
}

async fn page(session: &AdminSession<'_>, path: &str) -> String {
    let response = session.get(path).await;
    assert_eq!(response.status().as_u16(), 200, "GET {path}");
    response.text().await.expect("body")
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

app_test!(
    demo_owners_and_profiles,
    demo = true,
    |app: TestApp| async move {
        let (email, password) = sahifa::demo::create_demo_admin(&app.db)
            .await
            .expect("demo admin");
        let admin = login(&app, &email, &password).await;

        // «صاحب المقال» is the demo administrator on every demo article.
        let list = page(&admin, "/admin/articles").await;
        let owner_cells = list
            .matches(&format!("data-label=\"{}\">", ar("admin-field-owner")))
            .count();
        assert!(owner_cells > 5, "owner cells: {owner_cells}");
        let named = list
            .matches(&format!(
                "data-label=\"{}\">مدير الموقع<",
                ar("admin-field-owner")
            ))
            .count();
        assert_eq!(named, owner_cells, "every demo article has its owner");

        // The administrator's own byline, through /admin/profile.
        let me = app
            .db
            .users()
            .await
            .expect("users")
            .into_iter()
            .find(|u| u.email == email)
            .expect("admin");
        let byline = me.author_id.expect("the demo admin has a byline");
        let photo = sahifa_newsroom::Newsroom::new(app.db.clone())
            .record_upload(
                &sahifa_newsroom::Actor::System,
                &NewMedia {
                    stem: "face".into(),
                    kind: "jpeg".into(),
                    width: 800,
                    height: 800,
                    bytes: 1000,
                    variants: "[]".into(),
                    alt: "وجه المدير".into(),
                    caption: String::new(),
                    original_name: "face.jpg".into(),
                    uploaded_by: None,
                },
            )
            .await
            .expect("media");
        let form = page(&admin, "/admin/profile").await;
        assert!(form.contains("action=\"/admin/profile/author\""));
        assert!(
            form.contains("وجه المدير"),
            "the media library offers the photo"
        );
        let photo_id = photo.to_string();
        let fields = [
            ("name", "مدير التحرير"),
            ("bio", "يكتب عن الصحافة الرقمية </script> & الإعلام."),
            ("photo", photo_id.as_str()),
            ("link_x", "@sahifa_news"),
            ("link_telegram", "sahifa_news"),
            ("link_facebook", "https://www.facebook.com/sahifa.news"),
            ("link_website", "https://example.com/about"),
        ];
        let saved = admin.post("/admin/profile/author", &fields).await;
        assert_eq!(saved.status().as_u16(), 303);
        assert_eq!(location(&saved), "/admin/profile?msg=saved");
        let form = page(&admin, "/admin/profile").await;
        assert!(
            form.contains("value=\"https://x.com/sahifa_news\""),
            "stored, normalised"
        );
        assert!(form.contains(&format!("<option value=\"{photo}\" selected>")));

        // A bad link: 422 with the field error, nothing stored.
        let mut bad = fields.to_vec();
        bad[0] = ("name", "اسم لن يحفظ");
        bad[6] = ("link_website", "javascript:alert(1)");
        let refused = admin.post("/admin/profile/author", &bad).await;
        assert_eq!(refused.status().as_u16(), 422);
        let body = refused.text().await.expect("body");
        assert!(body.contains(&ar("admin-error-link-website")));
        assert!(body.contains("aria-invalid=\"true\" aria-describedby=\"link_website-error\""));
        let author = app.db.author_by_id(byline).await.unwrap().expect("author");
        assert_eq!(author.name, "مدير التحرير");

        // The author page: photo, bio, links, Person JSON-LD.
        let path = format!("/author/{}", sahifa_text::slug::encode_slug(&author.slug));
        let url = format!("{}{path}", app.base);
        let html = app.get(&path).await;
        assert_eq!(html.status().as_u16(), 200);
        let html = html.text().await.expect("author page");
        assert!(html.contains("src=\"/media/uploads/face.jpg\""), "photo");
        assert!(html.contains("يكتب عن الصحافة الرقمية &lt;/script&gt; &amp; الإعلام."));
        for link in [
            "https://x.com/sahifa_news",
            "https://t.me/sahifa_news",
            "https://www.facebook.com/sahifa.news",
            "https://example.com/about",
        ] {
            assert!(
                html.contains(&format!(
                    "<a href=\"{link}\" rel=\"me noopener\" aria-label=\""
                )),
                "link {link}"
            );
        }
        let blocks = json_ld(&url).await;
        let person = blocks
            .iter()
            .find(|b| b["@type"] == "Person")
            .expect("a Person block");
        assert_eq!(person["@context"], "https://schema.org");
        assert_eq!(person["name"], "مدير التحرير");
        assert_eq!(person["url"], url.as_str());
        assert_eq!(
            person["description"],
            "يكتب عن الصحافة الرقمية </script> & الإعلام."
        );
        assert_eq!(
            person["image"],
            format!("{}/media/uploads/face.jpg", app.base).as_str()
        );
        assert_eq!(
            person["sameAs"],
            serde_json::json!([
                "https://x.com/sahifa_news",
                "https://t.me/sahifa_news",
                "https://www.facebook.com/sahifa.news",
                "https://example.com/about"
            ])
        );

        // Another account's byline: the administrator edits it from the users list; the
        // account itself cannot edit the administrator's.
        let author_id = sahifa::accounts::add_user(
            &app.db,
            "writer@example.com",
            "كاتبة",
            Role::Author,
            PASSWORD,
        )
        .await
        .expect("author account");
        let edit = page(&admin, &format!("/admin/users/{author_id}")).await;
        assert!(edit.contains(&format!("action=\"/admin/users/{author_id}/profile\"")));
        let saved = admin
            .post(
                &format!("/admin/users/{author_id}/profile"),
                &[("name", "كاتبة الاقتصاد"), ("bio", "نبذة قصيرة")],
            )
            .await;
        assert_eq!(saved.status().as_u16(), 303);
        assert_eq!(
            location(&saved),
            format!("/admin/users/{author_id}?msg=saved")
        );
        let writer = login(&app, "writer@example.com", PASSWORD).await;
        let own = page(&writer, "/admin/profile").await;
        assert!(own.contains("value=\"كاتبة الاقتصاد\""));
        let me_id = me.id.to_string();
        let refused = writer
            .post(
                &format!("/admin/users/{me_id}/profile"),
                &[("name", "مخترق")],
            )
            .await;
        assert_eq!(refused.status().as_u16(), 403);
        assert_eq!(
            app.db
                .author_by_id(byline)
                .await
                .unwrap()
                .expect("author")
                .name,
            "مدير التحرير"
        );
    }
);

app_test!(
    imported_articles_have_owners,
    demo = false,
    |app: TestApp| async move {
        let writer =
            sahifa::accounts::add_user(&app.db, "w@example.com", "سلمى", Role::Author, PASSWORD)
                .await
                .expect("writer");
        let desk =
            sahifa::accounts::add_user(&app.db, "d@example.com", "المكتب", Role::Editor, PASSWORD)
                .await
                .expect("desk");
        let lines = concat!(
            r#"{"title": "خبر سلمى", "author": "سلمى", "published_at": "2026-11-30"}"#,
            "\n",
            r#"{"title": "خبر الوكالة", "author": "وكالة الأنباء", "published_at": "2026-11-30"}"#,
            "\n",
        );
        let report =
            sahifa::import_jsonl::import_owned(&app.db, lines.as_bytes(), Some(desk), |_, _| {})
                .await
                .expect("import");
        assert_eq!(report.imported, 2, "{:?}", report.failed);
        let owner_of = |title: &str| {
            format!("SELECT COALESCE(owner_id, 0) FROM articles WHERE title = '{title}'")
        };
        assert_eq!(
            app.test_db.count(&owner_of("خبر سلمى")).await,
            writer,
            "the byline's account"
        );
        assert_eq!(
            app.test_db.count(&owner_of("خبر الوكالة")).await,
            desk,
            "the --owner account"
        );
    }
);
