//! Hostile-input tests: ownership. An author may not change or delete a colleague's media,
//! and a writer without the editor's rights may sign an article only with their own byline
//! (or keep the one an editor gave it), over the real admin forms on both backends.

use crate::common;

use common::TestApp;
use common::session::login;
use sahifa_newsroom::{Actor, Newsroom};
use sahifa_store::{NewMedia, Role, User};

const PASSWORD: &str = "كلمة-سر-طويلة-2026";

async fn account(app: &TestApp, email: &str, name: &str, role: Role) -> User {
    let id = sahifa::accounts::add_user(&app.db, email, name, role, PASSWORD)
        .await
        .expect("user");
    app.db.user_by_id(id).await.expect("read").expect("user")
}

async fn upload_by(app: &TestApp, user: &User, stem: &str) -> i64 {
    let media = NewMedia {
        stem: stem.to_string(),
        kind: "png".into(),
        width: 640,
        height: 360,
        bytes: 1000,
        variants: "[]".into(),
        alt: "صورة".into(),
        caption: String::new(),
        original_name: format!("{stem}.png"),
        uploaded_by: None,
    };
    Newsroom::new(app.db.clone())
        .record_upload(&Actor::User(user.clone()), &media)
        .await
        .expect("upload")
}

app_test!(
    writers_manage_only_their_own_media,
    demo = false,
    |app: TestApp| async move {
        let editor = account(&app, "editor@example.com", "المحررة", Role::Editor).await;
        let author = account(&app, "author@example.com", "الكاتب", Role::Author).await;
        let editors = upload_by(&app, &editor, "editors-photo").await;
        let authors = upload_by(&app, &author, "authors-photo").await;

        let session = login(&app, "author@example.com", PASSWORD).await;
        let library = session
            .get("/admin/media")
            .await
            .text()
            .await
            .expect("page");
        assert!(library.contains(&format!("/admin/media/{authors}/delete")));
        assert!(
            !library.contains(&format!("/admin/media/{editors}/delete")),
            "no delete button on a colleague's image"
        );
        let edit = session
            .post(
                &format!("/admin/media/{editors}"),
                &[("alt", "نص بديل مزوّر"), ("caption", "")],
            )
            .await;
        assert_eq!(edit.status(), 403, "author edits the editor's image");
        let delete = session
            .post(&format!("/admin/media/{editors}/delete"), &[])
            .await;
        assert_eq!(delete.status(), 403, "author deletes the editor's image");
        let row = app.db.media_by_id(editors).await.expect("read");
        assert_eq!(row.map(|m| m.alt), Some("صورة".to_string()), "untouched");
        let own = session
            .post(
                &format!("/admin/media/{authors}"),
                &[("alt", "صورتي"), ("caption", "")],
            )
            .await;
        assert_eq!(own.status(), 303, "author edits their own image");

        let session = login(&app, "editor@example.com", PASSWORD).await;
        let desk = session
            .post(
                &format!("/admin/media/{authors}"),
                &[("alt", "نص المحررة"), ("caption", "")],
            )
            .await;
        assert_eq!(desk.status(), 303, "an editor manages everyone's media");
        let delete = session
            .post(&format!("/admin/media/{authors}/delete"), &[])
            .await;
        assert_eq!(delete.status(), 303);
        assert!(app.db.media_by_id(authors).await.expect("read").is_none());
    }
);

app_test!(
    writers_sign_only_with_their_own_byline,
    demo = false,
    |app: TestApp| async move {
        let editor = account(&app, "editor@example.com", "المحررة", Role::Editor).await;
        let author = account(&app, "author@example.com", "الكاتب", Role::Author).await;
        let contributor = account(&app, "contrib@example.com", "المساهم", Role::Contributor).await;
        let editor_byline = editor.author_id.expect("byline").to_string();
        let author_byline = author.author_id.expect("byline").to_string();

        for (email, status, own) in [
            ("author@example.com", "published", &author),
            ("contrib@example.com", "draft", &contributor),
        ] {
            let session = login(&app, email, PASSWORD).await;
            let editor_form = session
                .get("/admin/articles/new")
                .await
                .text()
                .await
                .expect("form");
            assert!(
                !editor_form.contains(&format!("<option value=\"{editor_byline}\"")),
                "{email} is offered a colleague's byline"
            );
            let before = app.test_db.count("SELECT COUNT(*) FROM articles").await;
            let forged = session
                .post(
                    "/admin/articles/new",
                    &[
                        ("title", "مقال بتوقيع مزوّر"),
                        ("author_id", &editor_byline),
                        ("status", status),
                        ("action", "save"),
                    ],
                )
                .await;
            assert_eq!(forged.status(), 422, "{email} signs as the editor");
            let page = forged.text().await.expect("page");
            assert!(
                page.contains("لا يمكنك نسبة المقال إلا إلى اسمك"),
                "the refusal says why, in Arabic"
            );
            assert!(page.contains("مقال بتوقيع مزوّر"), "the text typed is kept");
            let after = app.test_db.count("SELECT COUNT(*) FROM articles").await;
            assert_eq!(before, after, "nothing stored");
            let own_byline = own.author_id.expect("byline").to_string();
            let signed = session
                .post(
                    "/admin/articles/new",
                    &[
                        ("title", &format!("مقال بتوقيع {email}")),
                        ("author_id", &own_byline),
                        ("status", status),
                        ("action", "save"),
                    ],
                )
                .await;
            assert_eq!(signed.status(), 303, "{email} signs with their own name");
        }

        // An editor gives the author's article another byline; the author may still edit
        // it (keeping that byline) but not move it to a third name.
        let session = login(&app, "author@example.com", PASSWORD).await;
        let created = session
            .post(
                "/admin/articles/new",
                &[
                    ("title", "تقرير مشترك"),
                    ("author_id", &author_byline),
                    ("status", "draft"),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(created.status(), 303);
        let location = created.headers()["location"]
            .to_str()
            .expect("location")
            .to_string();
        let edit_path = location.split('?').next().expect("path").to_string();
        let desk = login(&app, "editor@example.com", PASSWORD).await;
        let reassigned = desk
            .post(
                &edit_path,
                &[
                    ("title", "تقرير مشترك"),
                    ("author_id", &editor_byline),
                    ("status", "draft"),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(reassigned.status(), 303, "an editor assigns any byline");
        let kept = session
            .post(
                &edit_path,
                &[
                    ("title", "تقرير مشترك محدّث"),
                    ("author_id", &editor_byline),
                    ("status", "draft"),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(kept.status(), 303, "the author keeps the editor's byline");
        let contributor_byline = contributor.author_id.expect("byline").to_string();
        let moved = session
            .post(
                &edit_path,
                &[
                    ("title", "تقرير مشترك"),
                    ("author_id", &contributor_byline),
                    ("status", "draft"),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(moved.status(), 422, "the author moves it to a third name");
    }
);
