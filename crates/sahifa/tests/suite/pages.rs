//! Every public page over real HTTP, on SQLite and PostgreSQL, with the demo site loaded.

use crate::common;

use common::{TestApp, unescape};
use sahifa_store::{ArticleInput, ArticleStatus, SiteSettings};
use sahifa_testkit::{ArticleWrites, Seed};

/// Positions of `needles` in `html`, asserting each is present and they come in order.
fn assert_in_order(html: &str, needles: &[&str]) {
    let mut last = 0;
    for needle in needles {
        let at = html[last..]
            .find(needle)
            .map(|i| i + last)
            .unwrap_or_else(|| panic!("{needle:?} missing or out of order"));
        last = at + needle.len();
    }
}

async fn model_article_url(app: &TestApp) -> String {
    app.article_url("لافروف").await
}

app_test!(
    home_page_shows_lead_latest_and_sections,
    demo = true,
    |app: TestApp| async move {
        let html = app.page("/", 200).await;
        assert!(html.contains(r#"<html lang="ar" dir="rtl">"#));
        assert!(html.contains("ميدل ايست نيوز"));
        // Newest published demo article leads; drafts and scheduled never appear.
        assert!(html.contains("lead"), "lead story block");
        for category in ["سياسة", "اقتصاد", "طاقة", "ثقافة"] {
            assert!(html.contains(category), "category block {category}");
        }
        assert!(!html.contains("2031"), "scheduled article leaked");
        // 20 published demo articles: the lead plus 10 latest on page 1, the rest on page 2.
        assert!(unescape(&html).contains("/?page=2"), "pagination to page 2");
        let page2 = app.page("/?page=2", 200).await;
        assert!(page2.contains("pagination"));
        let beyond = app.page("/?page=9", 404).await;
        assert!(beyond.contains("الصفحة غير موجودة"));
        let bad = app.page("/?page=abc", 400).await;
        assert!(bad.contains(r#"dir="rtl""#));
        // Arabic-Indic page numbers are understood.
        app.page("/?page=%D9%A2", 200).await;
    }
);

app_test!(
    article_page_has_every_part_of_the_model_page_in_order,
    demo = true,
    |app: TestApp| async move {
        let url = model_article_url(&app).await;
        let html = app.page(&url, 200).await;
        assert!(html.contains(r#"<html lang="ar" dir="rtl">"#));
        assert_in_order(
            &html,
            &[
                r#"class="article-headline""#,
                "في لقاءه مع لافروف",
                r#"class="article-lead""#,
                "اكد رئيس الجمهورية الإيرانية حسن روحاني",
                r#"article-meta"#,
                "محررو الموقع",
                "سياسة",
                "13 أبريل 2021",
                "1 رمضان 1442",
                "article-reading-time",
                r#"article-image"#,
                r#"article-body"#,
                r#"<span class="article-dateline">ميدل ايست نيوز:</span>"#,
                "وحسب ما أفادت وكالة إرنا",
                r#"article-source"#,
                "المصدر: وكالة إرنا",
                r#"article-tags"#,
                "الاتفاق النووي",
                r#"article-share"#,
                r#"telegram-cta"#,
                "تابع ميدل ايست نيوز على التلغرام",
                r#"related-articles"#,
                "مقالات ذات صلة",
                "<!-- sahifa:comments -->",
                r#"class="comments-slot""#,
                "<!-- /sahifa:comments -->",
                r#"class="back-to-top""#,
                "زر الذهاب إلى الأعلى",
            ],
        );
        let plain = unescape(&html);
        assert!(plain.contains("https://t.me/middleeastnews_demo"));
        assert!(plain.contains(r##"href="#top""##));
        // Share links carry the percent-encoded absolute URL and Arabic title.
        let encoded_title_start = "%D9%81%D9%8A%20"; // «في »
        for network in [
            "https://t.me/share/url?url=",
            "https://wa.me/?text=",
            "https://x.com/intent/post?url=",
            "https://www.facebook.com/sharer/sharer.php?u=",
        ] {
            assert!(plain.contains(network), "{network}");
        }
        assert!(plain.contains(encoded_title_start));
        // Related: 3 to 6 items, never the article itself.
        let related = html
            .split("related-articles")
            .nth(1)
            .expect("related block");
        let related = related
            .split("<!-- sahifa:comments -->")
            .next()
            .unwrap_or("");
        let links = related.matches("/article/").count();
        assert!((3..=12).contains(&links), "related links: {links}");
        let own = url.trim_start_matches("/article/");
        assert!(!related.contains(own), "article relates to itself");
        // The page furniture of the fixture is not duplicated into the body.
        assert_eq!(html.matches("تابع ميدل ايست نيوز على التلغرام").count(), 1);
    }
);

app_test!(
    telegram_call_to_action_is_absent_without_a_channel,
    demo = true,
    |app: TestApp| async move {
        let url = model_article_url(&app).await;
        let mut settings = app.db.site_settings().await.expect("settings");
        settings.telegram_channel = String::new();
        app.db.save_site_settings(&settings).await.expect("save");
        let html = app.page(&url, 200).await;
        assert!(!html.contains("telegram-cta"));
        assert!(!html.contains("على التلغرام"));
    }
);

app_test!(
    archives_list_their_articles_with_pagination,
    demo = true,
    |app: TestApp| async move {
        let politics = app
            .page("/category/%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9", 200)
            .await; // سياسة
        assert!(politics.contains("لافروف"));
        // The Gulf subcategory's articles also appear under its parent.
        let gulf_slug = app
            .db
            .categories()
            .await
            .expect("categories")
            .into_iter()
            .find(|c| c.parent_id.is_some())
            .expect("a subcategory");
        let gulf = app
            .page(&sahifa_web::urls::category(&gulf_slug.slug), 200)
            .await;
        let first_gulf_title = gulf
            .split("<h")
            .find(|s| s.contains("/article/"))
            .map(|s| s.to_string());
        assert!(first_gulf_title.is_some());
        let tag = app.page(&sahifa_web::urls::tag("إيران"), 200).await;
        assert!(tag.contains("لافروف"));
        let author = app
            .page(&sahifa_web::urls::author("محررو-الموقع"), 200)
            .await;
        assert!(author.contains("محررو الموقع"));
        app.page("/category/%D9%84%D8%A7-%D9%8A%D9%88%D8%AC%D8%AF", 404)
            .await;
        app.page("/tag/nothing-here", 404).await;
        app.page("/author/nobody", 404).await;
        app.page(&format!("{}?page=50", sahifa_web::urls::tag("إيران")), 404)
            .await;
    }
);

app_test!(
    unpublished_articles_are_not_public,
    demo = true,
    |app: TestApp| async move {
        let draft = app
            .db
            .create_article(&ArticleInput {
                slug: None,
                title: "مسودة سرية لم تنشر".into(),
                lead: String::new(),
                body_html: String::new(),
                body_md: "نص".into(),
                dateline: None,
                source: None,
                author_id: None,
                category_id: None,
                tags: vec![],
                status: ArticleStatus::Draft,
                published_at: None,
                image: None,
            })
            .await
            .expect("draft");
        let article = app
            .db
            .article_by_id(draft)
            .await
            .expect("read")
            .expect("exists");
        app.page(&sahifa_web::urls::article(&article.summary.slug), 404)
            .await;
        let home = app.page("/", 200).await;
        assert!(!home.contains("مسودة سرية"));
    }
);

app_test!(
    renamed_slugs_and_unnormalised_spellings_redirect,
    demo = true,
    |app: TestApp| async move {
        let url = model_article_url(&app).await;
        let slug = percent_decode(url.trim_start_matches("/article/"));
        let article = app
            .db
            .published_article(&slug)
            .await
            .expect("read")
            .expect("exists");
        let mut input = article_input(&article);
        input.slug = Some("روحاني-ولافروف".into());
        app.db
            .update_article(article.summary.id, &input)
            .await
            .expect("rename");
        let old = app.get(&url).await;
        assert_eq!(old.status().as_u16(), 301);
        let location = old.headers()["location"]
            .to_str()
            .expect("location")
            .to_string();
        assert_eq!(location, sahifa_web::urls::article("روحاني-ولافروف"));
        app.page(&location, 200).await;
        // A link typed with tashkeel and tatweel lands on the normalised slug.
        let vocalised = sahifa_web::urls::article("رُوحـاني-ولافروف");
        let r = app.get(&vocalised).await;
        assert_eq!(r.status().as_u16(), 301);
        assert_eq!(
            r.headers()["location"].to_str().expect("location"),
            location
        );
    }
);

app_test!(
    an_edit_is_visible_on_the_next_request,
    demo = true,
    |app: TestApp| async move {
        let url = model_article_url(&app).await;
        let before = app.page(&url, 200).await;
        assert!(before.contains("في لقاءه مع لافروف"));
        // Second request is served from the page cache.
        app.page(&url, 200).await;
        let slug = percent_decode(url.trim_start_matches("/article/"));
        let article = app
            .db
            .published_article(&slug)
            .await
            .expect("read")
            .expect("exists");
        let mut input = article_input(&article);
        input.title = "عنوان معدل بعد التحرير".into();
        input.slug = Some(slug.clone());
        app.db
            .update_article(article.summary.id, &input)
            .await
            .expect("edit");
        let after = app.page(&url, 200).await;
        assert!(after.contains("عنوان معدل بعد التحرير"));
        let home = app.page("/", 200).await;
        assert!(
            home.contains("عنوان معدل بعد التحرير"),
            "listings see the edit too"
        );
    }
);

app_test!(
    edits_from_another_process_reach_the_cache,
    demo = true,
    |app: TestApp| async move {
        let _sync =
            sahifa_web::spawn_epoch_sync(app.db.clone(), std::time::Duration::from_millis(100));
        let url = model_article_url(&app).await;
        app.page(&url, 200).await;
        // A second, independent pool: what another server process would hold.
        let other = sahifa_store::Db::connect(&app.test_db.url)
            .await
            .expect("second pool");
        let mut settings = other.site_settings().await.expect("settings");
        settings.name = "اسم جديد للموقع".into();
        other.save_site_settings(&settings).await.expect("save");
        let mut seen = false;
        for _ in 0..50 {
            if app.page(&url, 200).await.contains("اسم جديد للموقع") {
                seen = true;
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(seen, "the other process's edit never showed");
        other.close().await;
    }
);

app_test!(
    hostile_content_is_escaped_or_stripped,
    demo = false,
    |app: TestApp| async move {
        let id = app
        .db
        .create_article(&ArticleInput {
            slug: Some("hostile".into()),
            title: "<script>alert(1)</script> عنوان".into(),
            lead: "<img src=x onerror=alert(2)>".into(),
            body_html: String::new(),
            body_md: "فقرة\n\n<script>alert(3)</script>\n\n<iframe src=\"https://evil\"></iframe>\n\n[اضغط](javascript:alert(4)) <a href=\"javascript:alert(5)\" onclick=\"alert(6)\">هنا</a>\n\n<img src=x onerror=\"alert(7)\">".into(),
            dateline: Some("<b>دمشق</b>".into()),
            source: Some("\"><script>alert(8)</script>".into()),
            author_id: None,
            category_id: None,
            tags: vec!["<script>وسم</script>".into()],
            status: ArticleStatus::Published,
            published_at: None,
            image: None,
        })
        .await
        .expect("create");
        assert!(id > 0);
        let html = app.page("/article/hostile", 200).await;
        assert_no_active_content(&html);
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert_no_active_content(&app.page("/", 200).await);
        let api: serde_json::Value = app
            .get("/api/v1/articles/hostile")
            .await
            .json()
            .await
            .expect("api");
        assert_no_active_content(api["body_html"].as_str().expect("body_html"));
    }
);

app_test!(
    locale_and_digit_style_settings_switch_the_site,
    demo = true,
    |app: TestApp| async move {
        let url = model_article_url(&app).await;
        let settings = app.db.site_settings().await.expect("settings");
        app.db
            .save_site_settings(&SiteSettings {
                digit_style: "arabic-indic".into(),
                ..settings.clone()
            })
            .await
            .expect("save");
        let html = app.page(&url, 200).await;
        assert!(html.contains("١٣ أبريل ٢٠٢١"), "Arabic-Indic date");
        assert!(html.contains("١ رمضان ١٤٤٢"), "Arabic-Indic Hijri");
        app.db
            .save_site_settings(&SiteSettings {
                locale: "en".into(),
                digit_style: "western".into(),
                ..settings
            })
            .await
            .expect("save");
        let html = app.page(&url, 200).await;
        assert!(html.contains(r#"<html lang="en" dir="ltr">"#));
        assert!(html.contains("13 April 2021"));
        assert!(html.contains("Related articles") || html.contains("Related"));
        assert!(!html.contains("مقالات ذات صلة"));
    }
);

app_test!(
    demo_loading_is_idempotent,
    demo = true,
    |app: TestApp| async move {
        let before = app.db.article_count().await.expect("count");
        assert!(before >= 16);
        let loaded = sahifa::demo::load_if_empty(&app.db, app.test_db.dir.path())
            .await
            .expect("load");
        assert!(!loaded);
        assert_eq!(app.db.article_count().await.expect("count"), before);
    }
);

/// Fails if any real tag (not escaped text) is a script/iframe or carries an event handler
/// or a `javascript:` URL. Escaped text such as `&lt;script&gt;` is harmless and allowed.
fn assert_no_active_content(html: &str) {
    for raw in html.split('<').skip(1) {
        let tag = raw.split('>').next().unwrap_or("").to_lowercase();
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '/')
            .collect();
        // JSON-LD is data, never executed; its escaping is checked by the SEO tests.
        if name == "script" && tag.contains("type=\"application/ld+json\"") {
            continue;
        }
        if name == "script" {
            assert!(
                tag.contains("src=\"/static/"),
                "inline or foreign script: <{tag}>"
            );
        }
        assert!(
            !["iframe", "object", "embed"].contains(&name.as_str()),
            "<{tag}>"
        );
        assert!(!tag.contains("javascript:"), "javascript URL in <{tag}>");
        // Attribute names only: quoted values are text, whatever they say.
        let mut names_only = String::new();
        let mut quote = None;
        for c in tag.chars() {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, c) => names_only.push(c),
                _ => {}
            }
        }
        let has_handler = names_only
            .split_whitespace()
            .skip(1)
            .any(|attr| attr.starts_with("on") && attr.contains('='));
        assert!(!has_handler, "event handler in <{tag}>");
    }
}

fn article_input(article: &sahifa_store::Article) -> ArticleInput {
    let s = &article.summary;
    ArticleInput {
        slug: Some(s.slug.clone()),
        title: s.title.clone(),
        lead: s.lead.clone(),
        body_html: article.body_html.clone(),
        body_md: String::new(),
        dateline: article.dateline.clone(),
        source: article.source.clone(),
        author_id: s.author.as_ref().map(|a| a.id),
        category_id: s.category.as_ref().map(|c| c.id),
        tags: article.tags.iter().map(|t| t.name.clone()).collect(),
        status: s.status,
        published_at: s.published_at,
        image: s.image.clone(),
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .expect("utf-8")
        .into_owned()
}

app_test!(
    article_lists_show_approved_comment_counts,
    demo = true,
    |app: TestApp| async move {
        let url = model_article_url(&app).await;
        let slug = percent_decode(url.trim_start_matches("/article/"));
        let article = app
            .db
            .published_article(&slug)
            .await
            .expect("read")
            .expect("exists");
        let comment = |status: &str| sahifa_store::NewComment {
            article_id: article.summary.id,
            author_name: "قارئ".into(),
            email: "reader@example.com".into(),
            body: "تعليق".into(),
            status: status.into(),
            ..Default::default()
        };
        let politics = "/category/%D8%B3%D9%8A%D8%A7%D8%B3%D8%A9";
        assert!(!app.page(politics, 200).await.contains("card-comments"));
        app.db
            .insert_comment(&comment("pending"))
            .await
            .expect("pending");
        assert!(
            !app.page(politics, 200).await.contains("card-comments"),
            "held comments are not counted"
        );
        app.db
            .insert_comment(&comment("approved"))
            .await
            .expect("approved");
        app.db
            .insert_comment(&comment("approved"))
            .await
            .expect("approved");
        let html = app.page(politics, 200).await;
        let listed = app
            .db
            .published_articles(Default::default(), 50, 0)
            .await
            .expect("list");
        let counted: Vec<i64> = listed
            .items
            .iter()
            .filter(|a| a.id == article.summary.id)
            .map(|a| a.comment_count)
            .collect();
        assert_eq!(
            counted,
            vec![2],
            "the listing query counts approved comments"
        );
        let at = html.find("card-comments").unwrap_or(0);
        assert!(
            html.contains("card-comments") && html.contains("تعليقان"),
            "two approved comments counted: {}",
            html.chars().skip(at).take(200).collect::<String>()
        );
    }
);
