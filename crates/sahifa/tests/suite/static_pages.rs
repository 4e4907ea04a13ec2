//! Issue 11, item 5: static pages over real HTTP on SQLite and PostgreSQL. An editor
//! creates and edits pages in the admin; bad input (empty title, a slug another page has,
//! a parent below the page) is refused in Arabic with what was typed kept; a published
//! page answers at `/page/{slug}` with its breadcrumb, title, canonical and description,
//! a draft is a 404, an old slug a 301; pages are in the sitemap and nowhere in the feed
//! or search; deleting a parent moves its children up.

use std::time::Duration;

use crate::common;

use common::TestApp;
use common::session::{AdminSession, login};
use sahifa_store::Role;
use sahifa_text::slug::encode_slug as q;

const EMAIL: &str = "desk@example.com";
const PASSWORD: &str = "كلمة سر طويلة لمحرر الصفحات";
/// A word no demo text has, to find the page's body in search results and feeds.
const MARKER: &str = "زنبقةالصفحات";

/// Like `app_test!`, with the search index running, so "not in search" is a real check.
macro_rules! pages_test {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(t) = sahifa_testkit::TestDb::new(sahifa_testkit::Backend::Sqlite).await
                {
                    ($body)(common::TestApp::start_with_search(t, true).await).await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(t) =
                    sahifa_testkit::TestDb::new(sahifa_testkit::Backend::Postgres).await
                {
                    ($body)(common::TestApp::start_with_search(t, true).await).await;
                }
            }
        }
    };
}

async fn editor(app: &TestApp) -> AdminSession<'_> {
    sahifa::accounts::add_user(&app.db, EMAIL, "محررة الصفحات", Role::Editor, PASSWORD)
        .await
        .expect("editor");
    login(app, EMAIL, PASSWORD).await
}

/// The `Location` of a redirect.
fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("{} without a Location", response.status()))
        .to_string()
}

/// Posts the page form to `path`; expects the 303 to the saved page and returns its id.
async fn save(admin: &AdminSession<'_>, path: &str, fields: &[(&str, &str)]) -> i64 {
    let response = admin.post(path, fields).await;
    let status = response.status().as_u16();
    if status != 303 {
        let body = response.text().await.unwrap_or_default();
        panic!("POST {path}: {status}\n{body}");
    }
    let to = location(&response);
    to.strip_prefix("/admin/pages/")
        .and_then(|rest| rest.strip_suffix("?msg=saved"))
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("saved page redirects to {to}"))
}

/// Posts the page form expecting a 422; returns the form shown again.
async fn refused(admin: &AdminSession<'_>, path: &str, fields: &[(&str, &str)]) -> String {
    let response = admin.post(path, fields).await;
    assert_eq!(response.status().as_u16(), 422, "POST {path} is refused");
    response.text().await.expect("form")
}

fn page_fields<'a>(
    title: &'a str,
    slug: &'a str,
    body: &'a str,
    status: &'a str,
    parent: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("slug", slug),
        ("description", ""),
        ("body", body),
        ("status", status),
        ("parent_id", parent),
        ("action", "save"),
    ]
}

pages_test!(pages_through_the_admin, |app: TestApp| async move {
    let admin = editor(&app).await;
    let list = admin.get("/admin/pages").await.text().await.expect("list");
    for title in ["من نحن", "اتصل بنا", "سياسة الخصوصية"] {
        assert!(list.contains(title), "the demo page {title} is listed");
    }

    // Create a published page; its body is rendered and sanitised like an article's.
    let body = format!("نص الصفحة مع {MARKER}.\n\n<script>alert(1)</script>\n\n## فريقنا");
    let parent = save(
        &admin,
        "/admin/pages/new",
        &page_fields("عن الموقع", "", &body, "published", ""),
    )
    .await;
    let html = app.page(&format!("/page/{}", q("عن-الموقع")), 200).await;
    assert!(html.contains(r#"<html lang="ar" dir="rtl">"#));
    assert!(html.contains("<title>عن الموقع - "), "the page's own title");
    assert!(html.contains("rel=\"canonical\" href=\"http"));
    assert!(
        html.contains(&format!("/page/{}\"", q("عن-الموقع"))),
        "canonical"
    );
    assert!(
        html.contains(&format!(
            "<meta name=\"description\" content=\"نص الصفحة مع {MARKER}"
        )),
        "the body's start stands in for a description"
    );
    assert!(html.contains("<h2>فريقنا</h2>"), "Markdown rendered");
    assert!(!html.contains("<script>alert"), "the body is sanitised");

    // A child page's breadcrumb runs home → parent → child.
    let child = save(
        &admin,
        "/admin/pages/new",
        &page_fields(
            "فريق العمل",
            "",
            "أسماء الفريق.",
            "published",
            &parent.to_string(),
        ),
    )
    .await;
    let html = app.page(&format!("/page/{}", q("فريق-العمل")), 200).await;
    let crumbs = html
        .split("class=\"breadcrumb\"")
        .nth(1)
        .and_then(|rest| rest.split("</nav>").next())
        .expect("a breadcrumb");
    let home = crumbs.find("href=\"/\"").expect("home in the breadcrumb");
    let up = crumbs
        .find(&format!("href=\"/page/{}\"", q("عن-الموقع")))
        .expect("the parent in the breadcrumb");
    let here = crumbs
        .find("aria-current=\"page\"")
        .expect("the page itself");
    assert!(home < up && up < here, "home, parent, page: {crumbs}");

    // A parent below the page is refused, in Arabic, keeping what was typed.
    let form = refused(
        &admin,
        &format!("/admin/pages/{parent}"),
        &page_fields(
            "عن الموقع المعدّل",
            "",
            &body,
            "published",
            &child.to_string(),
        ),
    )
    .await;
    assert!(form.contains("لا يمكن أن تكون الصفحة أماً لنفسها"), "{form}");
    assert!(
        form.contains("value=\"عن الموقع المعدّل\""),
        "the typed title is kept"
    );
    let stored = app
        .db
        .page_by_id(parent)
        .await
        .expect("read")
        .expect("page");
    assert_eq!(stored.title, "عن الموقع", "nothing was saved");
    assert_eq!(stored.parent_id, None);

    // Another page's slug is refused, with the typed body kept.
    let form = refused(
        &admin,
        "/admin/pages/new",
        &page_fields("صفحة مكررة", "من نحن", "نص مكتوب لا يضيع", "draft", ""),
    )
    .await;
    assert!(
        form.contains("هذا الرابط المختصر مستخدم لصفحة أخرى."),
        "{form}"
    );
    assert!(form.contains("نص مكتوب لا يضيع"), "the typed body is kept");
    // An empty title too.
    let form = refused(
        &admin,
        "/admin/pages/new",
        &page_fields("  ", "", "نص بلا عنوان", "draft", ""),
    )
    .await;
    assert!(form.contains("العنوان مطلوب."), "{form}");
    assert!(form.contains("نص بلا عنوان"));
    let titles: Vec<String> = app
        .db
        .pages()
        .await
        .expect("pages")
        .into_iter()
        .map(|p| p.title)
        .collect();
    assert_eq!(
        titles.len(),
        5,
        "three demo pages and two new ones: {titles:?}"
    );

    // A body over the renderer's bound is refused on save and on preview alike.
    // ASCII, so the form stays under the request body limit once URL-encoded.
    let long = "words ".repeat(sahifa_text::markdown::MAX_BODY_BYTES / 6 + 2);
    let form = refused(
        &admin,
        "/admin/pages/new",
        &page_fields("صفحة طويلة", "", &long, "draft", ""),
    )
    .await;
    assert!(
        form.contains("نص الصفحة أطول من ١ ميغابايت"),
        "the page's own words"
    );
    let mut preview = page_fields("صفحة طويلة", "", &long, "draft", "");
    preview.retain(|(k, _)| *k != "action");
    preview.push(("action", "preview"));
    let form = refused(&admin, "/admin/pages/new", &preview).await;
    assert!(form.contains("نص الصفحة أطول من ١ ميغابايت"));
    // The preview of a fine body shows it rendered, and saves nothing.
    let mut preview = page_fields("معاينة", "", "## عنوان المعاينة", "draft", "");
    preview.retain(|(k, _)| *k != "action");
    preview.push(("action", "preview"));
    let response = admin.post("/admin/pages/new", &preview).await;
    assert_eq!(response.status().as_u16(), 200);
    assert!(
        response
            .text()
            .await
            .expect("preview")
            .contains("<h2>عنوان المعاينة</h2>")
    );

    // A draft is not public.
    save(
        &admin,
        "/admin/pages/new",
        &page_fields("مسودة صفحة", "مسودة", "لم تنشر بعد.", "draft", ""),
    )
    .await;
    app.page(&format!("/page/{}", q("مسودة")), 404).await;
    app.page("/page/no-such-page", 404).await;

    // In the sitemap (published only), not in the feed.
    let sections = app.page("/sitemaps/sections.xml", 200).await;
    for slug in [
        "عن-الموقع",
        "فريق-العمل",
        "من-نحن",
        "اتصل-بنا",
        "سياسة-الخصوصية",
    ] {
        assert!(
            sections.contains(&format!("/page/{}</loc>", q(slug))),
            "{slug} in the sitemap"
        );
    }
    assert!(!sections.contains(&q("مسودة")), "no draft in the sitemap");
    let feed = app.page("/feed.xml", 200).await;
    assert!(
        !feed.contains("/page/") && !feed.contains(MARKER),
        "no page in the feed"
    );

    // Not in search: an article with the same word is found, the page is not.
    let newsroom = sahifa_newsroom::Newsroom::new(app.db.clone());
    let article = sahifa_store::ArticleInput {
        slug: None,
        title: format!("خبر عن {MARKER}"),
        lead: String::new(),
        body_html: String::new(),
        body_md: format!("نص الخبر مع {MARKER}."),
        dateline: None,
        source: None,
        author_id: None,
        category_id: None,
        tags: Vec::new(),
        status: sahifa_store::ArticleStatus::Published,
        published_at: None,
        image: None,
    };
    newsroom
        .save_article(&sahifa_newsroom::Actor::System, None, &(&article).into())
        .await
        .expect("article");
    let search = format!("/search?q={}", q(MARKER));
    let mut results = String::new();
    for _ in 0..100 {
        results = app.page(&search, 200).await;
        if results.contains("/article/") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(results.contains("/article/"), "the article is indexed");
    // (The footer menu links the demo's pages; the new page is in no menu.)
    assert!(
        !results.contains(&format!("/page/{}", q("عن-الموقع"))),
        "pages are not in search"
    );

    // A changed slug keeps the old address as a 301.
    save(
        &admin,
        &format!("/admin/pages/{parent}"),
        &page_fields("عن الموقع", "حول-الموقع", &body, "published", ""),
    )
    .await;
    let old = app.get(&format!("/page/{}", q("عن-الموقع"))).await;
    assert_eq!(old.status().as_u16(), 301);
    assert_eq!(location(&old), format!("/page/{}", q("حول-الموقع")));
    app.page(&format!("/page/{}", q("حول-الموقع")), 200).await;

    // Deleting the parent moves the child up: its breadcrumb is home → page.
    let deleted = admin
        .post(&format!("/admin/pages/{parent}/delete"), &[])
        .await;
    assert_eq!(deleted.status().as_u16(), 303);
    app.page(&format!("/page/{}", q("حول-الموقع")), 404).await;
    let moved = app
        .db
        .page_by_id(child)
        .await
        .expect("read")
        .expect("child");
    assert_eq!(moved.parent_id, None, "the child moved up");
    let html = app.page(&format!("/page/{}", q("فريق-العمل")), 200).await;
    assert!(
        !html.contains(&q("حول-الموقع")),
        "no deleted parent in the breadcrumb"
    );

    // The audit trail names the page and who did it.
    let (audit, _) = app.db.audit_entries(50, 0).await.expect("audit");
    assert!(
        audit.iter().any(|e| e.object_kind == "page"
            && e.action == "deleted"
            && e.user_name == "محررة الصفحات"),
        "the deletion is audited"
    );
});

app_test!(
    authors_cannot_manage_pages,
    demo = true,
    |app: TestApp| async move {
        sahifa::accounts::add_user(
            &app.db,
            "writer@example.com",
            "كاتب",
            Role::Author,
            PASSWORD,
        )
        .await
        .expect("author");
        let author = login(&app, "writer@example.com", PASSWORD).await;
        assert_eq!(author.get("/admin/pages").await.status().as_u16(), 403);
        assert_eq!(author.get("/admin/menus").await.status().as_u16(), 403);
        let response = author
            .post(
                "/admin/pages/new",
                &page_fields("صفحة كاتب", "", "نص", "published", ""),
            )
            .await;
        assert_eq!(response.status().as_u16(), 403);
        assert_eq!(
            app.db.pages().await.expect("pages").len(),
            3,
            "nothing added"
        );
        let dashboard = author.get("/admin").await.text().await.expect("dashboard");
        assert!(!dashboard.contains("href=\"/admin/pages\""), "no nav entry");
    }
);
