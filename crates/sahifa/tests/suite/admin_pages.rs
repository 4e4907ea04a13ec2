//! The newsroom admin pages over real HTTP with a logged-in session, on SQLite and
//! PostgreSQL: categories, tags, users, settings, API tokens, the audit trail and media.

use crate::common;

use sahifa_store::{ArticleInput, ArticleStatus, Role};
use sahifa_testkit::{ArticleWrites, Seed};

use common::TestApp;

const PASSWORD: &str = "كلمة سر طويلة للاختبار";

/// A logged-in browser: the session cookie, sent by hand with every request.
struct Browser<'a> {
    app: &'a TestApp,
    cookie: String,
}

fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The hidden `_csrf` field of a page.
fn csrf(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let at = html.find(marker).expect("a _csrf field on the page");
    html[at + marker.len()..]
        .split('"')
        .next()
        .expect("value")
        .to_string()
}

async fn try_login<'a>(app: &'a TestApp, email: &str, password: &str) -> Option<Browser<'a>> {
    let page = app.get("/admin/login").await;
    let login_cookie = set_cookie(&page, "sahifa_login_csrf").expect("login csrf cookie");
    let token = csrf(&page.text().await.expect("login page"));
    let response = app
        .client
        .post(format!("{}/admin/login", app.base))
        .header("cookie", format!("sahifa_login_csrf={login_cookie}"))
        .header("origin", &app.base)
        .form(&[
            ("email", email),
            ("password", password),
            ("_csrf", &token),
            ("next", "/admin"),
        ])
        .send()
        .await
        .expect("login");
    let session = set_cookie(&response, "sahifa_session").filter(|s| !s.is_empty())?;
    Some(Browser {
        app,
        cookie: format!("sahifa_session={session}"),
    })
}

async fn login<'a>(app: &'a TestApp, email: &str) -> Browser<'a> {
    try_login(app, email, PASSWORD)
        .await
        .unwrap_or_else(|| panic!("login as {email}"))
}

async fn user<'a>(app: &'a TestApp, email: &str, role: Role) -> (i64, Browser<'a>) {
    let id = sahifa::accounts::add_user(
        &app.db,
        email,
        &format!("حساب {}", role.as_str()),
        role,
        PASSWORD,
    )
    .await
    .expect("user");
    (id, login(app, email).await)
}

impl Browser<'_> {
    async fn get(&self, path: &str) -> reqwest::Response {
        self.app
            .client
            .get(format!("{}{path}", self.app.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .expect("get")
    }

    /// `GET` a page asserting its status; the body.
    async fn page(&self, path: &str, status: u16) -> String {
        let response = self.get(path).await;
        assert_eq!(response.status().as_u16(), status, "GET {path}");
        response.text().await.expect("body")
    }

    /// Reads the CSRF token from `form_page`, then posts `fields` to `path`.
    async fn post_from(
        &self,
        form_page: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token = csrf(&self.page(form_page, 200).await);
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("_csrf", &token));
        self.app
            .client
            .post(format!("{}{path}", self.app.base))
            .header("cookie", &self.cookie)
            .header("origin", &self.app.base)
            .form(&form)
            .send()
            .await
            .expect("post")
    }

    /// Posts and asserts a 303 to `location`.
    async fn post_ok(&self, form_page: &str, path: &str, fields: &[(&str, &str)], location: &str) {
        let response = self.post_from(form_page, path, fields).await;
        let status = response.status().as_u16();
        let got = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let body = response.text().await.unwrap_or_default();
        assert_eq!(
            (status, got.as_str()),
            (303, location),
            "POST {path}: {body}"
        );
    }

    /// Posts and asserts the status; the body.
    async fn post_status(
        &self,
        form_page: &str,
        path: &str,
        fields: &[(&str, &str)],
        status: u16,
    ) -> String {
        let response = self.post_from(form_page, path, fields).await;
        assert_eq!(response.status().as_u16(), status, "POST {path}");
        response.text().await.expect("body")
    }

    /// Uploads a file through the media form (multipart, CSRF token in the body).
    async fn upload(
        &self,
        file_name: &str,
        bytes: &[u8],
        alt: &str,
        with_csrf: bool,
    ) -> reqwest::Response {
        let token = csrf(&self.page("/admin/media", 200).await);
        let boundary = "----sahifa-test-boundary-7d1f";
        let mut body = Vec::new();
        let mut text = |name: &str, value: &str| {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
            );
        };
        if with_csrf {
            text("_csrf", &token);
        }
        text("alt", alt);
        text("caption", "تعليق الصورة");
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.app
            .client
            .post(format!("{}/admin/media", self.app.base))
            .header("cookie", &self.cookie)
            .header("origin", &self.app.base)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .expect("upload")
    }
}

fn article(title: &str, category_id: Option<i64>, tags: &[&str]) -> ArticleInput {
    ArticleInput {
        slug: None,
        title: title.to_string(),
        lead: "مقدمة".into(),
        body_html: String::new(),
        body_md: "نص المقال.".into(),
        dateline: None,
        source: None,
        author_id: None,
        category_id,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        status: ArticleStatus::Published,
        published_at: None,
        image: None,
    }
}

fn ar(app: &TestApp, key: &str) -> String {
    // The catalogue the server uses, so the assertions follow the words in locales/ar.ftl.
    let catalog = sahifa_web::i18n::Catalog::load().expect("catalogue");
    let _ = app;
    catalog.text(sahifa_text::dates::Lang::Ar, key)
}

/// The values of the selected options of the settings page's time-zone `<select>`;
/// panics when the zone is not a select named `time_zone`.
fn selected_zones(html: &str) -> Vec<String> {
    let start = html
        .find("<select id=\"time_zone\" name=\"time_zone\"")
        .expect("a time-zone select");
    assert!(
        !html.contains("<input id=\"time_zone\""),
        "no free-text time zone"
    );
    let select = &html[start..start + html[start..].find("</select>").expect("</select>")];
    assert!(
        select.matches("<option ").count() > 100,
        "every IANA zone is offered"
    );
    select
        .split("<option ")
        .skip(1)
        .filter(|option| {
            option
                .split('>')
                .next()
                .is_some_and(|attrs| attrs.contains(" selected"))
        })
        .map(|option| {
            let value = option.strip_prefix("value=\"").expect("an option value");
            value[..value.find('"').expect("closing quote")].to_string()
        })
        .collect()
}

fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

async fn audit_actions(app: &TestApp) -> Vec<(String, String)> {
    let (entries, _) = app.db.audit_entries(500, 0).await.expect("audit");
    entries
        .into_iter()
        .map(|e| (e.action, e.object_kind))
        .collect()
}

app_test!(
    categories_crud_tree_and_refusals,
    demo = false,
    |app: TestApp| async move {
        let (_, admin) = user(&app, "admin@example.com", Role::Administrator).await;
        let list = admin.page("/admin/categories", 200).await;
        assert!(list.contains(&ar(&app, "admin-new-category")));

        admin
            .post_ok(
                "/admin/categories",
                "/admin/categories",
                &[
                    ("name", "اقتصاد"),
                    ("slug", ""),
                    ("description", "أخبار المال"),
                    ("parent_id", ""),
                    ("position", "١"),
                ],
                "/admin/categories?msg=created",
            )
            .await;
        let economy = app
            .db
            .category_by_slug("اقتصاد")
            .await
            .unwrap()
            .expect("created with a derived slug");
        assert_eq!(economy.position, 1, "Arabic-Indic digits are read");
        let parent = economy.id.to_string();
        admin
            .post_ok(
                "/admin/categories",
                "/admin/categories",
                &[
                    ("name", "نفط"),
                    ("slug", "oil"),
                    ("description", ""),
                    ("parent_id", &parent),
                    ("position", "0"),
                ],
                "/admin/categories?msg=created",
            )
            .await;
        let oil = app
            .db
            .category_by_slug("oil")
            .await
            .unwrap()
            .expect("child");
        assert_eq!(oil.parent_id, Some(economy.id));
        let tree = admin.page("/admin/categories", 200).await;
        assert!(
            tree.contains("class=\"depth-1\""),
            "the child is indented under its parent"
        );

        // Invalid: no name, a taken slug; typed values come back.
        let body = admin
            .post_status(
                "/admin/categories",
                "/admin/categories",
                &[
                    ("name", ""),
                    ("slug", "oil"),
                    ("description", "وصف مكتوب"),
                    ("parent_id", ""),
                    ("position", "x"),
                ],
                422,
            )
            .await;
        assert!(body.contains("وصف مكتوب"), "typed description kept");
        assert!(body.contains(&ar(&app, "admin-error-name-required")));
        assert!(body.contains(&ar(&app, "admin-error-position-invalid")));
        assert_eq!(
            app.db.categories().await.unwrap().len(),
            2,
            "nothing stored"
        );

        // Slug change keeps a redirect.
        let edit = format!("/admin/categories/{}", economy.id);
        admin
            .post_ok(
                &edit,
                &edit,
                &[
                    ("name", "الاقتصاد"),
                    ("slug", "economy"),
                    ("description", "أخبار المال"),
                    ("parent_id", ""),
                    ("position", "1"),
                ],
                &format!("{edit}?msg=saved"),
            )
            .await;
        let old = app
            .get(&format!(
                "/category/{}",
                sahifa_text::slug::encode_slug("اقتصاد")
            ))
            .await;
        assert_eq!(old.status().as_u16(), 301);
        assert_eq!(
            old.headers()["location"].to_str().unwrap(),
            "/category/economy"
        );

        // A category cannot become its own ancestor; stored data is untouched.
        let oil_id = oil.id.to_string();
        let body = admin
            .post_status(
                &edit,
                &edit,
                &[
                    ("name", "اسم جديد"),
                    ("slug", "economy"),
                    ("description", ""),
                    ("parent_id", &oil_id),
                    ("position", "1"),
                ],
                422,
            )
            .await;
        assert!(body.contains(&ar(&app, "admin-error-parent-cycle")));
        assert!(body.contains("اسم جديد"), "typed name kept");
        let stored = app.db.category_by_id(economy.id).await.unwrap().unwrap();
        assert_eq!((stored.name.as_str(), stored.parent_id), ("الاقتصاد", None));
        let self_parent = economy.id.to_string();
        admin
            .post_status(
                &edit,
                &edit,
                &[
                    ("name", "الاقتصاد"),
                    ("slug", "economy"),
                    ("description", ""),
                    ("parent_id", &self_parent),
                    ("position", "1"),
                ],
                422,
            )
            .await;

        // Delete: warned, needs the box, then articles become uncategorised.
        let article_id = app
            .db
            .create_article(&article("خبر عن الاقتصاد", Some(economy.id), &[]))
            .await
            .unwrap();
        let page = admin.page(&edit, 200).await;
        assert!(page.contains(&ar(&app, "admin-category-delete-confirm")));
        assert!(
            page.contains("بلا قسم"),
            "the warning says the articles lose their category: {page}"
        );
        let delete = format!("{edit}/delete");
        let body = admin.post_status(&edit, &delete, &[], 422).await;
        assert!(body.contains(&ar(&app, "admin-error-confirm-delete")));
        assert!(app.db.category_by_id(economy.id).await.unwrap().is_some());
        admin
            .post_ok(
                &edit,
                &delete,
                &[("confirm", "yes")],
                "/admin/categories?msg=deleted",
            )
            .await;
        assert!(app.db.category_by_id(economy.id).await.unwrap().is_none());
        let kept = app
            .db
            .article_by_id(article_id)
            .await
            .unwrap()
            .expect("article kept");
        assert!(kept.summary.category.is_none());
        let oil = app.db.category_by_id(oil.id).await.unwrap().unwrap();
        assert_eq!(oil.parent_id, None, "the subcategory moved up");
        assert!(
            audit_actions(&app)
                .await
                .contains(&("deleted".into(), "category".into()))
        );

        // Roles without ManageTaxonomy.
        for (email, role) in [
            ("author@example.com", Role::Author),
            ("contributor@example.com", Role::Contributor),
        ] {
            let (_, other) = user(&app, email, role).await;
            other.page("/admin/categories", 403).await;
            other.page("/admin/tags", 403).await;
            let token = csrf(&other.page("/admin/profile", 200).await);
            let response = app
                .client
                .post(format!("{}/admin/categories", app.base))
                .header("cookie", &other.cookie)
                .header("origin", &app.base)
                .form(&[("name", "ممنوع"), ("_csrf", &token)])
                .send()
                .await
                .unwrap();
            assert_eq!(response.status().as_u16(), 403);
        }
        assert!(app.db.category_by_slug("ممنوع").await.unwrap().is_none());
    }
);

app_test!(
    tags_rename_and_delete,
    demo = false,
    |app: TestApp| async move {
        let (_, editor) = user(&app, "editor@example.com", Role::Editor).await;
        let a = app
            .db
            .create_article(&article("خبر أول", None, &["نفط", "طاقة"]))
            .await
            .unwrap();
        app.db
            .create_article(&article("خبر ثان", None, &["نفط"]))
            .await
            .unwrap();
        let oil = app.db.tag_by_slug("نفط").await.unwrap().expect("tag");
        let energy = app.db.tag_by_slug("طاقة").await.unwrap().expect("tag");
        let list = editor.page("/admin/tags", 200).await;
        assert!(
            list.contains("مقالان"),
            "counts in Arabic plural forms: {list}"
        );

        let path = format!("/admin/tags/{}", oil.id);
        editor
            .post_ok(
                "/admin/tags",
                &path,
                &[("name", "النفط"), ("slug", "oil")],
                "/admin/tags?msg=saved",
            )
            .await;
        let renamed = app.db.tag_by_id(oil.id).await.unwrap().unwrap();
        assert_eq!(
            (renamed.name.as_str(), renamed.slug.as_str()),
            ("النفط", "oil")
        );
        let old = app
            .get(&format!("/tag/{}", sahifa_text::slug::encode_slug("نفط")))
            .await;
        assert_eq!(old.status().as_u16(), 301, "the old tag URL redirects");

        // Renaming onto another tag's slug is refused with the typed values kept.
        let body = editor
            .post_status(
                "/admin/tags",
                &path,
                &[("name", "زيت"), ("slug", "طاقة")],
                422,
            )
            .await;
        assert!(body.contains(&ar(&app, "admin-error-tag-taken")));
        assert!(body.contains("value=\"زيت\""), "typed name kept");
        assert_eq!(
            app.db.tag_by_id(oil.id).await.unwrap().unwrap().slug,
            "oil",
            "stored tag unchanged"
        );
        editor
            .post_status("/admin/tags", &path, &[("name", " "), ("slug", "")], 422)
            .await;

        let delete = format!("/admin/tags/{}/delete", energy.id);
        editor
            .post_ok("/admin/tags", &delete, &[], "/admin/tags?msg=deleted")
            .await;
        assert!(app.db.tag_by_id(energy.id).await.unwrap().is_none());
        let article = app
            .db
            .article_by_id(a)
            .await
            .unwrap()
            .expect("article stays");
        assert_eq!(
            article
                .tags
                .iter()
                .map(|t| t.slug.as_str())
                .collect::<Vec<_>>(),
            ["oil"]
        );
    }
);

app_test!(
    users_crud_audit_and_last_admin,
    demo = false,
    |app: TestApp| async move {
        let (admin_id, admin) = user(&app, "admin@example.com", Role::Administrator).await;
        admin.page("/admin/users", 200).await;

        // Invalid: typed values kept, nothing stored.
        let body = admin
            .post_status(
                "/admin/users/new",
                "/admin/users/new",
                &[
                    ("email", "not-an-email"),
                    ("name", "سارة"),
                    ("role", "editor"),
                    ("author", "new"),
                    ("password", "short"),
                ],
                422,
            )
            .await;
        assert!(body.contains(&ar(&app, "admin-error-email-invalid")));
        assert!(body.contains(&ar(&app, "password-too-short")));
        assert!(body.contains("value=\"سارة\"") && body.contains("value=\"not-an-email\""));
        assert_eq!(app.db.users().await.unwrap().len(), 1);
        let body = admin
            .post_status(
                "/admin/users/new",
                "/admin/users/new",
                &[
                    ("email", "ADMIN@example.com"),
                    ("name", "نسخة"),
                    ("role", "editor"),
                    ("author", ""),
                    ("password", PASSWORD),
                ],
                422,
            )
            .await;
        assert!(body.contains(&ar(&app, "admin-error-email-taken")));

        let response = admin
            .post_from(
                "/admin/users/new",
                "/admin/users/new",
                &[
                    ("email", "Sara@Example.com"),
                    ("name", "سارة"),
                    ("role", "editor"),
                    ("author", "new"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(response.status().as_u16(), 303);
        let (sara, _) = app
            .db
            .user_for_login("sara@example.com")
            .await
            .unwrap()
            .expect("created");
        assert_eq!(sara.role, Role::Editor);
        let byline = app
            .db
            .author_by_name("سارة")
            .await
            .unwrap()
            .expect("a byline was made");
        assert_eq!(sara.author_id, Some(byline.id));
        let sara_browser = login(&app, "sara@example.com").await;
        sara_browser.page("/admin/users", 403).await;
        sara_browser.page("/admin/settings", 403).await;
        sara_browser.page("/admin/audit", 403).await;
        let token = csrf(&sara_browser.page("/admin", 200).await);
        let refused = app
            .client
            .post(format!("{}/admin/users/new", app.base))
            .header("cookie", &sara_browser.cookie)
            .header("origin", &app.base)
            .form(&[
                ("email", "x@example.com"),
                ("name", "x"),
                ("role", "administrator"),
                ("password", PASSWORD),
                ("_csrf", &token),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(
            refused.status().as_u16(),
            403,
            "editors cannot create accounts"
        );

        // Edit: role change and disabling are audited; a disabled account cannot log in.
        let edit = format!("/admin/users/{}", sara.id);
        admin
            .post_ok(
                &edit,
                &edit,
                &[
                    ("name", "سارة علي"),
                    ("role", "author"),
                    ("author", &byline.id.to_string()),
                    ("active", "yes"),
                ],
                &format!("{edit}?msg=saved"),
            )
            .await;
        admin
            .post_ok(
                &edit,
                &edit,
                &[("name", "سارة علي"), ("role", "author"), ("author", "")],
                &format!("{edit}?msg=saved"),
            )
            .await;
        let stored = app.db.user_by_id(sara.id).await.unwrap().unwrap();
        assert_eq!(
            (
                stored.name.as_str(),
                stored.role,
                stored.active,
                stored.author_id
            ),
            ("سارة علي", Role::Author, false, None)
        );
        sara_browser.page("/admin", 303).await;
        assert!(
            try_login(&app, "sara@example.com", PASSWORD)
                .await
                .is_none(),
            "disabled"
        );
        let actions = audit_actions(&app).await;
        for action in ["created", "role-changed", "disabled"] {
            assert!(
                actions.contains(&(action.into(), "user".into())),
                "{action} audited: {actions:?}"
            );
        }

        // Password reset: validated, then the new one works.
        admin
            .post_ok(
                &edit,
                &edit,
                &[
                    ("name", "سارة علي"),
                    ("role", "author"),
                    ("author", ""),
                    ("active", "yes"),
                ],
                &format!("{edit}?msg=saved"),
            )
            .await;
        let reset = format!("{edit}/password");
        let body = admin
            .post_status(&edit, &reset, &[("password", "short")], 422)
            .await;
        assert!(body.contains(&ar(&app, "password-too-short")));
        admin
            .post_ok(
                &edit,
                &reset,
                &[("password", "كلمة مرور جديدة تماماً")],
                &format!("{edit}?msg=password-changed"),
            )
            .await;
        assert!(
            try_login(&app, "sara@example.com", "كلمة مرور جديدة تماماً")
                .await
                .is_some()
        );

        // The last active administrator cannot be demoted, disabled or deleted.
        let me = format!("/admin/users/{admin_id}");
        let body = admin
            .post_status(
                &me,
                &me,
                &[
                    ("name", "المدير"),
                    ("role", "editor"),
                    ("author", ""),
                    ("active", "yes"),
                ],
                422,
            )
            .await;
        assert!(body.contains(&ar(&app, "admin-error-last-admin")));
        assert!(body.contains("value=\"المدير\""), "typed name kept");
        admin
            .post_status(
                &me,
                &me,
                &[
                    ("name", "المدير"),
                    ("role", "administrator"),
                    ("author", ""),
                ],
                422,
            )
            .await;
        admin
            .post_status(&me, &format!("{me}/delete"), &[], 422)
            .await;
        let still = app.db.user_by_id(admin_id).await.unwrap().unwrap();
        assert_eq!((still.role, still.active), (Role::Administrator, true));
        assert_eq!(app.db.active_admin_count().await.unwrap(), 1);

        // With a second administrator, the first can step down; the new one deletes Sara.
        let (_, second) = user(&app, "second@example.com", Role::Administrator).await;
        admin
            .post_ok(
                &me,
                &me,
                &[
                    ("name", "المدير"),
                    ("role", "editor"),
                    ("author", ""),
                    ("active", "yes"),
                ],
                &format!("{me}?msg=saved"),
            )
            .await;
        second
            .post_ok(
                &edit,
                &format!("{edit}/delete"),
                &[],
                "/admin/users?msg=deleted",
            )
            .await;
        assert!(app.db.user_by_id(sara.id).await.unwrap().is_none());
        assert!(
            audit_actions(&app)
                .await
                .contains(&("deleted".into(), "user".into()))
        );
    }
);

app_test!(
    settings_save_validate_and_refuse,
    demo = false,
    |app: TestApp| async move {
        let (_, admin) = user(&app, "admin@example.com", Role::Administrator).await;
        let page = admin.page("/admin/settings", 200).await;
        assert!(page.contains(&ar(&app, "admin-settings-comments-placeholder")));
        let stored_zone = app.db.site_settings().await.unwrap().time_zone;
        assert_eq!(
            selected_zones(&page),
            [stored_zone],
            "the time zone is a select showing the stored zone"
        );
        admin
            .post_ok(
                "/admin/settings",
                "/admin/settings",
                &[
                    ("name", "صحيفة الشرق"),
                    ("tagline", "أخبار كل يوم"),
                    ("locale", "ar"),
                    ("time_zone", "Asia/Beirut"),
                    ("digit_style", "arabic-indic"),
                    ("telegram_channel", "@sharq_news"),
                ],
                "/admin/settings?msg=saved",
            )
            .await;
        let s = app.db.site_settings().await.unwrap();
        assert_eq!(
            (
                s.name.as_str(),
                s.time_zone.as_str(),
                s.digit_style.as_str(),
                s.telegram_channel.as_str()
            ),
            ("صحيفة الشرق", "Asia/Beirut", "arabic-indic", "sharq_news")
        );
        assert!(
            audit_actions(&app)
                .await
                .contains(&("settings-changed".into(), "settings".into()))
        );
        let home = app.page("/", 200).await;
        assert!(home.contains("صحيفة الشرق"), "public pages refresh at once");
        assert_eq!(
            selected_zones(&admin.page("/admin/settings", 200).await),
            ["Asia/Beirut"],
            "the saved zone is the one selected"
        );

        // An unknown zone alone, every other field valid: the zone is what is refused.
        let body = admin
            .post_status(
                "/admin/settings",
                "/admin/settings",
                &[
                    ("name", "صحيفة الشرق"),
                    ("tagline", "أخبار كل يوم"),
                    ("locale", "ar"),
                    ("time_zone", "Europe/Atlantis"),
                    ("digit_style", "arabic-indic"),
                    ("telegram_channel", "@sharq_news"),
                ],
                422,
            )
            .await;
        let refused = ar(&app, "admin-error-time-zone-invalid");
        assert!(
            refused
                .chars()
                .any(|c| ('\u{0600}'..='\u{06FF}').contains(&c)),
            "the refusal is in Arabic: {refused}"
        );
        assert!(
            body.contains(&escaped(&refused)),
            "the page says why: {refused}"
        );
        assert!(
            body.contains("aria-describedby=\"time_zone-error\""),
            "the message is tied to the select"
        );
        assert_eq!(app.db.site_settings().await.unwrap(), s, "nothing stored");

        let body = admin
            .post_status(
                "/admin/settings",
                "/admin/settings",
                &[
                    ("name", "اسم آخر"),
                    ("tagline", "شعار مكتوب"),
                    ("locale", "fr"),
                    ("time_zone", "Mars/Olympus"),
                    ("digit_style", "roman"),
                    ("telegram_channel", "sharq news"),
                ],
                422,
            )
            .await;
        for key in [
            "admin-error-time-zone-invalid",
            "admin-error-telegram-channel-invalid",
            "admin-error-locale-invalid",
            "admin-error-digit-style-invalid",
        ] {
            assert!(body.contains(&ar(&app, key)), "{key}");
        }
        assert!(
            body.contains("شعار مكتوب")
                && body.contains("Mars/Olympus")
                && body.contains("sharq news"),
            "typed values kept"
        );
        assert_eq!(app.db.site_settings().await.unwrap(), s, "nothing stored");
        admin
            .post_ok(
                "/admin/settings",
                "/admin/settings",
                &[
                    ("name", "صحيفة الشرق"),
                    ("tagline", ""),
                    ("locale", "en"),
                    ("time_zone", "UTC"),
                    ("digit_style", "western"),
                    ("telegram_channel", "-1001234567890"),
                ],
                "/admin/settings?msg=saved",
            )
            .await;
        assert_eq!(
            app.db.site_settings().await.unwrap().telegram_channel,
            "-1001234567890"
        );

        let (_, editor) = user(&app, "editor@example.com", Role::Editor).await;
        editor.page("/admin/settings", 403).await;
    }
);

app_test!(
    tokens_are_shown_once_and_revoked,
    demo = false,
    |app: TestApp| async move {
        let (_, admin) = user(&app, "admin@example.com", Role::Administrator).await;
        let (author_id, author) = user(&app, "author@example.com", Role::Author).await;
        let body = author
            .post_status("/admin/tokens", "/admin/tokens", &[("name", "")], 422)
            .await;
        assert!(body.contains(&ar(&app, "admin-error-name-required")));

        let body = author
            .post_status(
                "/admin/tokens",
                "/admin/tokens",
                &[("name", "تطبيق الجوال")],
                200,
            )
            .await;
        let at = body.find("class=\"secret\">").expect("the secret box");
        let secret = body[at + "class=\"secret\">".len()..]
            .split('<')
            .next()
            .unwrap()
            .trim()
            .to_string();
        assert!(secret.starts_with("shf_"), "{secret}");
        let owner = app
            .db
            .user_for_api_token(&sahifa_web::auth::tokens::token_hash(&secret))
            .await
            .unwrap();
        assert_eq!(
            owner.map(|u| u.id),
            Some(author_id),
            "stored hashed and working"
        );
        let listed = author.page("/admin/tokens", 200).await;
        assert!(
            listed.contains("تطبيق الجوال") && !listed.contains(&secret),
            "never shown again"
        );

        admin
            .post_status(
                "/admin/tokens",
                "/admin/tokens",
                &[("name", "خدمة الأخبار العاجلة")],
                200,
            )
            .await;
        assert!(
            !author
                .page("/admin/tokens", 200)
                .await
                .contains("خدمة الأخبار العاجلة"),
            "authors see their own"
        );
        assert!(
            admin
                .page("/admin/tokens", 200)
                .await
                .contains("تطبيق الجوال"),
            "administrators see all"
        );

        let tokens = app.db.api_tokens(None).await.unwrap();
        let admin_token = tokens
            .iter()
            .find(|t| t.name == "خدمة الأخبار العاجلة")
            .unwrap()
            .id;
        let author_token = tokens.iter().find(|t| t.name == "تطبيق الجوال").unwrap().id;
        author
            .post_status(
                "/admin/tokens",
                &format!("/admin/tokens/{admin_token}/revoke"),
                &[],
                404,
            )
            .await;
        admin
            .post_ok(
                "/admin/tokens",
                &format!("/admin/tokens/{author_token}/revoke"),
                &[],
                "/admin/tokens?msg=revoked",
            )
            .await;
        assert!(
            app.db
                .user_for_api_token(&sahifa_web::auth::tokens::token_hash(&secret))
                .await
                .unwrap()
                .is_none()
        );
        let revoked: Vec<_> = app
            .db
            .api_tokens(None)
            .await
            .unwrap()
            .into_iter()
            .filter(|t| t.revoked_at.is_some())
            .map(|t| t.id)
            .collect();
        assert_eq!(revoked, [author_token]);
    }
);

app_test!(
    audit_trail_is_paged_and_admin_only,
    demo = false,
    |app: TestApp| async move {
        let (admin_id, admin) = user(&app, "admin@example.com", Role::Administrator).await;
        for i in 0..55 {
            app.db
                .audit(
                    Some((admin_id, "المدير")),
                    "created",
                    "category",
                    Some(i),
                    &format!("قسم {i}"),
                )
                .await
                .unwrap();
        }
        let first = admin.page("/admin/audit", 200).await;
        assert!(
            first.contains("قسم 54") && !first.contains("قسم 3<"),
            "newest first, one page"
        );
        assert!(first.contains("?page=2"));
        let second = admin.page("/admin/audit?page=2", 200).await;
        assert!(second.contains("قسم 3<"));
        admin.page("/admin/audit?page=abc", 400).await;
        let (_, editor) = user(&app, "editor@example.com", Role::Editor).await;
        editor.page("/admin/audit", 403).await;
        app.page("/admin/audit", 303).await;
    }
);

/// A JPEG photo of `width × height` with some detail.
fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg)
        .expect("encode");
    out.into_inner()
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    chunk.extend_from_slice(&crc32(&crc_input).to_be_bytes());
    chunk
}

/// A PNG whose header claims `width × height` RGBA with a token IDAT (a decompression bomb's
/// header: a few dozen bytes that would decode to gigabytes).
fn png_header_only(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend_from_slice(&png_chunk(b"IHDR", &ihdr));
    png.extend_from_slice(&png_chunk(b"IDAT", &[0x78, 0x9C, 0x62, 0x00, 0x00]));
    png.extend_from_slice(&png_chunk(b"IEND", &[]));
    png
}

fn uploads(app: &TestApp) -> Vec<String> {
    let dir = sahifa_web::media::uploads_dir(app.test_db.dir.path());
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

app_test!(
    media_upload_refusals_and_in_use,
    demo = false,
    |app: TestApp| async move {
        let (_, admin) = user(&app, "admin@example.com", Role::Administrator).await;

        // A valid photo: stored clean with srcset-ready variants.
        let response = admin
            .upload("صورة.jpg", &jpeg(1600, 900), "مرفأ بيروت", true)
            .await;
        assert_eq!(response.status().as_u16(), 303);
        let (rows, total) = app.db.media_list(10, 0).await.unwrap();
        assert_eq!(total, 1);
        let media = rows[0].clone();
        assert_eq!(
            (
                media.kind.as_str(),
                media.width,
                media.height,
                media.alt.as_str()
            ),
            ("jpeg", 1600, 900, "مرفأ بيروت")
        );
        let variants = sahifa_web::media::variants(&media);
        let mut widths: Vec<(u32, &str)> = variants
            .iter()
            .map(|v| (v.width, v.kind.as_str()))
            .collect();
        widths.sort();
        assert_eq!(
            widths,
            [
                (320, "jpeg"),
                (320, "webp"),
                (640, "jpeg"),
                (640, "webp"),
                (1280, "jpeg"),
                (1280, "webp")
            ]
        );
        let files = uploads(&app);
        assert_eq!(files.len(), 7, "original + 6 variants: {files:?}");
        assert!(
            files.contains(&format!("{}.jpg", media.stem))
                && files.contains(&format!("{}-640w.webp", media.stem))
        );
        let srcset = sahifa_web::media::srcset(&media, "webp");
        assert!(
            srcset.contains("320w") && srcset.contains("640w") && srcset.contains("1280w"),
            "{srcset}"
        );
        let served = app
            .get(&format!("/media/uploads/{}-320w.webp", media.stem))
            .await;
        assert_eq!(served.status().as_u16(), 200);
        assert_eq!(served.headers()["content-type"], "image/webp");
        let library = admin.page("/admin/media", 200).await;
        assert!(
            library.contains("مرفأ بيروت")
                && library.contains("1600×900")
                && library.contains("srcset=")
        );

        // Bad uploads: a clear Arabic message each, and nothing stored.
        let before = uploads(&app);
        let mut truncated = Vec::new();
        image::RgbImage::from_pixel(400, 300, image::Rgb([200, 30, 30]))
            .write_to(
                &mut std::io::Cursor::new(&mut truncated),
                image::ImageFormat::Png,
            )
            .unwrap();
        truncated.truncate(truncated.len() / 2);
        let mut oversized = jpeg(64, 64);
        oversized.resize(15 * 1024 * 1024 + 4096, 0);
        let cases: [(&str, Vec<u8>, u16, &str, &str); 5] = [
            (
                "not-really.jpg",
                "هذا ملف نصي وليس صورة".as_bytes().to_vec(),
                422,
                "media-error-unsupported-type",
                "",
            ),
            ("cut.png", truncated, 422, "media-error-corrupt", ""),
            (
                "bomb.png",
                png_header_only(20_000, 20_000),
                422,
                "",
                "20000×20000",
            ),
            ("huge.jpg", oversized, 413, "", "15"),
            ("empty.jpg", Vec::new(), 400, "media-error-empty", ""),
        ];
        for (name, bytes, status, key, needle) in cases {
            let response = admin.upload(name, &bytes, "نص بديل مكتوب", true).await;
            assert_eq!(response.status().as_u16(), status, "{name}");
            let body = response.text().await.unwrap();
            assert!(
                body.contains("class=\"error-box\""),
                "{name}: a clear message"
            );
            if !key.is_empty() {
                assert!(body.contains(&escaped(&ar(&app, key))), "{name}: {key}");
            }
            assert!(body.contains(needle), "{name}: {needle}");
            assert!(
                body.contains("value=\"نص بديل مكتوب\""),
                "{name}: typed alt kept"
            );
            assert_eq!(
                app.db.media_list(10, 0).await.unwrap().1,
                1,
                "{name}: no new row"
            );
            assert_eq!(uploads(&app), before, "{name}: no new files");
        }
        // Without the CSRF token the upload is refused before anything is processed.
        assert_eq!(
            admin
                .upload("ok.jpg", &jpeg(400, 300), "", false)
                .await
                .status()
                .as_u16(),
            403
        );
        assert_eq!(app.db.media_list(10, 0).await.unwrap().1, 1);
        assert_eq!(uploads(&app), before);

        // Alt and caption.
        let edit = format!("/admin/media/{}", media.id);
        admin
            .post_ok(
                "/admin/media",
                &edit,
                &[("alt", "ميناء بيروت"), ("caption", "صورة أرشيفية")],
                "/admin/media?msg=saved",
            )
            .await;
        let long = "ب".repeat(301);
        let body = admin
            .post_status(
                "/admin/media",
                &edit,
                &[("alt", &long), ("caption", "")],
                422,
            )
            .await;
        assert!(body.contains(&ar(&app, "admin-error-alt-too-long")));
        let stored = app.db.media_by_id(media.id).await.unwrap().unwrap();
        assert_eq!(
            (stored.alt.as_str(), stored.caption.as_str()),
            ("ميناء بيروت", "صورة أرشيفية")
        );

        // In use: deletion refused, naming the article.
        let media_id = media.id.to_string();
        let response = admin
            .post_from(
                "/admin/articles/new",
                "/admin/articles/new",
                &[
                    ("title", "خبر بصورة"),
                    ("body", "نص"),
                    ("status", "published"),
                    ("media_id", &media_id),
                    ("action", "save"),
                ],
            )
            .await;
        assert_eq!(response.status().as_u16(), 303);
        let delete = format!("{edit}/delete");
        let body = admin.post_status("/admin/media", &delete, &[], 409).await;
        assert!(body.contains(&ar(&app, "admin-media-in-use")) && body.contains("خبر بصورة"));
        assert!(app.db.media_by_id(media.id).await.unwrap().is_some());
        assert_eq!(uploads(&app), before, "files kept");

        // Not in use any more: deleted with its files.
        let (used_by, _) = app.db.media_usage(media.id).await.unwrap()[0].clone();
        app.db.delete_article(used_by).await.unwrap();
        admin
            .post_ok("/admin/media", &delete, &[], "/admin/media?msg=deleted")
            .await;
        assert!(app.db.media_by_id(media.id).await.unwrap().is_none());
        assert!(uploads(&app).is_empty(), "files removed");

        let (_, contributor) = user(&app, "contributor@example.com", Role::Contributor).await;
        contributor.page("/admin/media", 403).await;
        let (_, author) = user(&app, "author@example.com", Role::Author).await;
        author.page("/admin/media", 200).await;
    }
);
