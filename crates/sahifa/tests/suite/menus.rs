//! Issue 11, item 5: header and footer menus over real HTTP on SQLite and PostgreSQL. The
//! demo's footer holds its three pages and its header the sections; an editor adds each
//! kind of item through the admin's plain forms, nests one level and no deeper, reorders,
//! relabels and deletes; a link that is neither http(s) nor a site path is refused in
//! Arabic; an item whose target is deleted leaves the public menu and shows as broken in
//! the admin; every change is on the public page at the next request.

use crate::common;

use common::TestApp;
use common::session::{AdminSession, login};
use sahifa_store::Role;
use sahifa_store::menus::{MenuItem, MenuLocation};
use sahifa_text::slug::encode_slug as q;

const EMAIL: &str = "menus@example.com";
const PASSWORD: &str = "كلمة سر طويلة لمحرر القوائم";

async fn editor(app: &TestApp) -> AdminSession<'_> {
    sahifa::accounts::add_user(&app.db, EMAIL, "محرر القوائم", Role::Editor, PASSWORD)
        .await
        .expect("editor");
    login(app, EMAIL, PASSWORD).await
}

/// The part of the home page between `start` and the next `end`.
fn part<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} on the page"));
    let rest = &html[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// The header navigation of the home page, as HTML.
async fn header(app: &TestApp) -> String {
    let html = app.page("/", 200).await;
    part(&html, "<nav class=\"site-nav\"", "</nav>").to_string()
}

/// The footer menu of the home page, as HTML (empty when there is none).
async fn footer(app: &TestApp) -> String {
    let html = app.page("/", 200).await;
    if !html.contains("class=\"site-footer-menu\"") {
        return String::new();
    }
    part(&html, "class=\"site-footer-menu\"", "</nav>").to_string()
}

/// Where each needle is in `html`, asserting all are there in this order.
fn assert_in_order(html: &str, needles: &[&str]) {
    let mut last = 0;
    for needle in needles {
        let at = html[last..]
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} missing or out of order in:\n{html}"));
        last += at + needle.len();
    }
}

async fn items(app: &TestApp, location: MenuLocation) -> Vec<MenuItem> {
    let mut items: Vec<MenuItem> = app
        .db
        .menu_items()
        .await
        .expect("items")
        .into_iter()
        .filter(|i| i.location == location)
        .collect();
    items.sort_by_key(|i| (i.position, i.id));
    items
}

async fn expect_status(
    admin: &AdminSession<'_>,
    path: &str,
    fields: &[(&str, &str)],
    status: u16,
) -> String {
    let response = admin.post(path, fields).await;
    let got = response.status().as_u16();
    let body = response.text().await.unwrap_or_default();
    assert_eq!(got, status, "POST {path} {fields:?}:\n{body}");
    body
}

app_test!(
    menus_through_the_admin,
    demo = true,
    |app: TestApp| async move {
        let admin = editor(&app).await;

        // The demo: three pages in the footer, the sections in the header.
        assert_in_order(
            &footer(&app).await,
            &[
                &format!("href=\"/page/{}\">من نحن<", q("من-نحن")),
                &format!("href=\"/page/{}\">اتصل بنا<", q("اتصل-بنا")),
                &format!("href=\"/page/{}\">سياسة الخصوصية<", q("سياسة-الخصوصية")),
            ],
        );
        let sections: Vec<String> = app
            .db
            .categories()
            .await
            .expect("categories")
            .into_iter()
            .filter(|c| c.parent_id.is_none())
            .map(|c| format!(">{}<", c.name))
            .collect();
        let refs: Vec<&str> = sections.iter().map(String::as_str).collect();
        assert_in_order(&header(&app).await, &refs);
        let page = admin
            .get("/admin/menus")
            .await
            .text()
            .await
            .expect("menus page");
        assert!(page.contains("قائمة الرأس") && page.contains("قائمة التذييل"));

        // Each kind of item, added to the footer, shows in order at the next request.
        let category = app.db.categories().await.expect("categories")[0].clone();
        let tag = app.db.tags_with_all_counts().await.expect("tags")[0].clone();
        let privacy = app
            .db
            .page_by_slug("سياسة-الخصوصية")
            .await
            .expect("read")
            .expect("page");
        let footer_add = "/admin/menus/footer";
        let category_target = format!("category:{}", category.id);
        let tag_target = format!("tag:{}", tag.id);
        let page_target = format!("page:{}", privacy.id);
        for fields in [
            vec![("target", category_target.as_str()), ("label", "")],
            vec![("target", tag_target.as_str()), ("label", "وسم مختار")],
            vec![
                ("target", page_target.as_str()),
                ("label", "الخصوصية مرة أخرى"),
            ],
            vec![
                ("target", "link"),
                ("url", "https://example.com/about"),
                ("label", "رابط خارجي"),
            ],
            vec![("target", "link"), ("url", "/search?q=x"), ("label", "بحث")],
        ] {
            expect_status(&admin, footer_add, &fields, 303).await;
        }
        let html = footer(&app).await;
        assert_in_order(
            &html,
            &[
                ">سياسة الخصوصية<",
                &format!(">{}<", category.name),
                &format!("href=\"/tag/{}\">وسم مختار<", q(&tag.slug)),
                ">الخصوصية مرة أخرى<",
                "href=\"https://example.com/about\">رابط خارجي<",
                "href=\"/search?q=x\">بحث<",
            ],
        );

        // A link that is neither http(s) nor a site path is refused, the form keeps it.
        let before = items(&app, MenuLocation::Footer).await.len();
        for bad in [
            "javascript:alert(1)",
            "//evil.example/x",
            "ftp://example.com",
            "example.com",
        ] {
            let form = expect_status(
                &admin,
                footer_add,
                &[("target", "link"), ("url", bad), ("label", "رابط سيئ")],
                422,
            )
            .await;
            assert!(form.contains("رابط غير مقبول"), "{bad}: the Arabic error");
            assert!(
                form.contains(&format!("value=\"{}\"", bad.replace('&', "&amp;"))),
                "{bad} is kept in the form"
            );
        }
        let form = expect_status(
            &admin,
            footer_add,
            &[("target", "link"), ("url", "/x"), ("label", "")],
            422,
        )
        .await;
        assert!(form.contains("اكتب النص الظاهر للرابط المخصص."));
        assert_eq!(
            items(&app, MenuLocation::Footer).await.len(),
            before,
            "nothing added"
        );

        // One level of nesting: under a top-level item yes, under a nested one no.
        let footer_items = items(&app, MenuLocation::Footer).await;
        let parent = footer_items[0].id;
        let parent_field = parent.to_string();
        expect_status(
            &admin,
            footer_add,
            &[
                ("target", "link"),
                ("url", "/"),
                ("label", "فرعي"),
                ("parent_id", &parent_field),
            ],
            303,
        )
        .await;
        let nested = items(&app, MenuLocation::Footer)
            .await
            .into_iter()
            .find(|i| i.label == "فرعي")
            .expect("the nested item");
        assert_eq!(nested.parent_id, Some(parent));
        let html = footer(&app).await;
        assert_in_order(&html, &[">من نحن<", "site-footer-menu-sub", ">فرعي<"]);
        let nested_field = nested.id.to_string();
        let form = expect_status(
            &admin,
            footer_add,
            &[
                ("target", "link"),
                ("url", "/"),
                ("label", "أعمق"),
                ("parent_id", &nested_field),
            ],
            422,
        )
        .await;
        assert!(form.contains("يمكن الوضع تحت عنصر من المستوى الأول فقط."));
        // An item with nested items cannot go under another one.
        let other = footer_items[1].id.to_string();
        let form = expect_status(
            &admin,
            &format!("/admin/menus/items/{parent}"),
            &[("label", ""), ("parent_id", &other)],
            422,
        )
        .await;
        assert!(form.contains("تحت هذا العنصر عناصر أخرى"));
        // The header menu's items are not parents in the footer.
        let header_item = items(&app, MenuLocation::Header).await[0].id.to_string();
        expect_status(
            &admin,
            footer_add,
            &[
                ("target", "link"),
                ("url", "/"),
                ("label", "ضائع"),
                ("parent_id", &header_item),
            ],
            422,
        )
        .await;

        // Order: the last top-level item moves up one place; relabel; all at the next request.
        let top: Vec<MenuItem> = items(&app, MenuLocation::Footer)
            .await
            .into_iter()
            .filter(|i| i.parent_id.is_none())
            .collect();
        let last = top.last().expect("items").id;
        expect_status(&admin, &format!("/admin/menus/items/{last}/up"), &[], 303).await;
        assert_in_order(&footer(&app).await, &[">بحث<", ">رابط خارجي<"]);
        expect_status(
            &admin,
            &format!("/admin/menus/items/{last}"),
            &[
                ("label", "ابحث في الموقع"),
                ("url", "/search"),
                ("parent_id", ""),
            ],
            303,
        )
        .await;
        assert_in_order(
            &footer(&app).await,
            &["href=\"/search\">ابحث في الموقع<", ">رابط خارجي<"],
        );
        // The first item cannot move further up; nothing changes.
        let first = top[0].id;
        expect_status(&admin, &format!("/admin/menus/items/{first}/up"), &[], 303).await;
        assert_eq!(items(&app, MenuLocation::Footer).await[0].id, first);

        // A deleted tag leaves the public menu; the admin shows the item as broken.
        let deleted = admin
            .post(
                &format!("/admin/tags/{}/delete", tag.id),
                &[("confirm", "yes")],
            )
            .await;
        assert_eq!(deleted.status().as_u16(), 303, "the tag is deleted");
        assert!(app.db.tag_by_id(tag.id).await.expect("read").is_none());
        let html = footer(&app).await;
        assert!(
            !html.contains("وسم مختار"),
            "the broken item is hidden:\n{html}"
        );
        let page = admin
            .get("/admin/menus")
            .await
            .text()
            .await
            .expect("menus page");
        assert!(page.contains("معطّل"), "the admin flags the broken item");
        // A draft page is hidden too, and back when published.
        sahifa_newsroom::Newsroom::new(app.db.clone())
            .update_page(
                &sahifa_newsroom::Actor::System,
                privacy.id,
                &sahifa_newsroom::pages::PageDraft {
                    title: privacy.title.clone(),
                    slug: privacy.slug.clone(),
                    description: String::new(),
                    body: privacy.body_md.clone(),
                    status: sahifa_store::pages::PageStatus::Draft,
                    parent_id: None,
                },
            )
            .await
            .expect("unpublish");
        let html = footer(&app).await;
        assert!(!html.contains("سياسة الخصوصية") && !html.contains("الخصوصية مرة أخرى"));

        // Deleting a parent item moves its nested items to the top level.
        expect_status(
            &admin,
            &format!("/admin/menus/items/{parent}/delete"),
            &[],
            303,
        )
        .await;
        let after = items(&app, MenuLocation::Footer).await;
        assert!(after.iter().all(|i| i.id != parent));
        let promoted = after.iter().find(|i| i.id == nested.id).expect("kept");
        assert_eq!(promoted.parent_id, None);
        assert!(footer(&app).await.contains(">فرعي<"));

        // With no header items the header falls back to the sections.
        for item in items(&app, MenuLocation::Header).await {
            expect_status(
                &admin,
                &format!("/admin/menus/items/{}/delete", item.id),
                &[],
                303,
            )
            .await;
        }
        assert!(items(&app, MenuLocation::Header).await.is_empty());
        assert_in_order(&header(&app).await, &refs);
        // A header item replaces them; nesting shows as a sub-list that opens without script.
        expect_status(
            &admin,
            "/admin/menus/header",
            &[("target", "link"), ("url", "/page/x"), ("label", "عنّا")],
            303,
        )
        .await;
        let top = items(&app, MenuLocation::Header).await[0].id.to_string();
        expect_status(
            &admin,
            "/admin/menus/header",
            &[
                ("target", &category_target),
                ("label", ""),
                ("parent_id", &top),
            ],
            303,
        )
        .await;
        let html = header(&app).await;
        assert_in_order(
            &html,
            &[
                "<details>",
                "<summary>عنّا</summary>",
                "site-nav-sub",
                &format!(">{}<", category.name),
            ],
        );
        if let Some(second) = refs.get(1) {
            assert!(
                !html.contains(second),
                "the sections are replaced by the menu"
            );
        }

        // Writes are refused without the CSRF token.
        let response = app
            .client
            .post(format!("{}/admin/menus/footer", app.base))
            .header("cookie", &admin.cookie)
            .header("origin", &app.base)
            .form(&[("target", "link"), ("url", "/"), ("label", "بلا رمز")])
            .send()
            .await
            .expect("post");
        assert_eq!(response.status().as_u16(), 403);
    }
);
