//! News SEO, short links, sharing, sitemaps and robots.txt, read by real parsers (Python's
//! html.parser and ElementTree; JSON-LD by serde_json) over real HTTP.

use crate::common;

use common::TestApp;
use sahifa_store::{ArticleInput, ArticleStatus, Image};
use sahifa_testkit::{ArticleWrites, Seed};
use serde_json::Value;

async fn py(command: &str, url: &str) -> Value {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/distribution.py");
    let out = tokio::process::Command::new("python3")
        .arg(script)
        .arg(command)
        .arg(url)
        .output()
        .await
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "distribution.py {command} {url}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON from distribution.py")
}

const HOSTILE: &str = "«عاجل» \"اقتباس\" 'مفرد' </script><script>alert(1)</script> & <b>نهاية</b>";

fn input(title: &str, published_at: Option<chrono::DateTime<chrono::Utc>>) -> ArticleInput {
    ArticleInput {
        slug: None,
        title: title.to_string(),
        lead: "مقدمة \"مقتبسة\" </script> & تفاصيل".to_string(),
        body_html: String::new(),
        body_md: "نص الخبر.".to_string(),
        dateline: None,
        source: None,
        author_id: None,
        category_id: None,
        tags: vec!["نفط وغاز".to_string()],
        status: ArticleStatus::Published,
        published_at,
        image: None,
    }
}

fn meta<'a>(head: &'a Value, key: &str, name: &str) -> Vec<&'a str> {
    head["meta"]
        .as_array()
        .expect("meta")
        .iter()
        .filter(|m| m[key] == name)
        .filter_map(|m| m["content"].as_str())
        .collect()
}

fn link_href<'a>(head: &'a Value, rel: &str) -> Option<&'a str> {
    head["links"]
        .as_array()
        .expect("links")
        .iter()
        .find(|l| l["rel"] == rel)
        .and_then(|l| l["href"].as_str())
}

async fn hostile_article(app: &TestApp) -> (i64, sahifa_store::Article) {
    let category = app.db.categories().await.expect("categories").remove(0);
    let author = app.db.authors().await.expect("authors").remove(0);
    let mut a = input(HOSTILE, None);
    a.category_id = Some(category.id);
    a.author_id = Some(author.id);
    a.image = Some(Image {
        url: "/media/hostile.jpg".to_string(),
        alt: "صورة \"الحدث\"".to_string(),
        caption: String::new(),
        width: Some(1200),
        height: Some(630),
    });
    let id = app.db.create_article(&a).await.expect("create");
    let article = app
        .db
        .article_by_id(id)
        .await
        .expect("read")
        .expect("article");
    (id, article)
}

app_test!(
    article_head_has_valid_news_metadata,
    demo = true,
    |app: TestApp| async move {
        let (_, article) = hostile_article(&app).await;
        let s = &article.summary;
        let path = sahifa_web::urls::article(&s.slug);
        let url = format!("{}{path}", app.base);
        let html = app.page(&path, 200).await;
        assert!(!html.contains("<script>alert"), "user text opened a script");
        // site.js plus three JSON-LD blocks, nothing else.
        assert_eq!(html.matches("<script").count(), 4);

        let head = py("head", &url).await;
        assert_eq!(link_href(&head, "canonical"), Some(url.as_str()));
        assert_eq!(meta(&head, "name", "description"), vec![s.lead.as_str()]);
        assert_eq!(meta(&head, "property", "og:title"), vec![HOSTILE]);
        assert_eq!(meta(&head, "property", "og:type"), vec!["article"]);
        assert_eq!(meta(&head, "property", "og:url"), vec![url.as_str()]);
        let image = format!("{}/media/hostile.jpg", app.base);
        assert_eq!(meta(&head, "property", "og:image"), vec![image.as_str()]);
        assert_eq!(meta(&head, "property", "og:image:width"), vec!["1200"]);
        assert_eq!(
            meta(&head, "name", "twitter:card"),
            vec!["summary_large_image"]
        );
        assert_eq!(meta(&head, "name", "twitter:image"), vec![image.as_str()]);
        let category = s.category.as_ref().expect("category");
        assert_eq!(
            meta(&head, "property", "article:section"),
            vec![category.name.as_str()]
        );
        assert_eq!(meta(&head, "property", "article:tag"), vec!["نفط وغاز"]);
        let published = meta(&head, "property", "article:published_time")[0];
        assert_eq!(
            chrono::DateTime::parse_from_rfc3339(published).expect("date"),
            s.published_at.expect("published")
        );

        let blocks: Vec<Value> = head["jsonld"]
            .as_array()
            .expect("jsonld")
            .iter()
            .map(|b| serde_json::from_str(b.as_str().expect("text")).expect("valid JSON-LD"))
            .collect();
        assert_eq!(blocks.len(), 3);
        let of_type = |t: &str| {
            blocks
                .iter()
                .find(|b| b["@type"] == t)
                .unwrap_or_else(|| panic!("no {t}"))
                .clone()
        };
        let news = of_type("NewsArticle");
        assert_eq!(news["@context"], "https://schema.org");
        assert_eq!(
            news["headline"], HOSTILE,
            "the hostile title survives exactly"
        );
        assert_eq!(news["description"], s.lead.as_str());
        assert_eq!(news["image"][0], image.as_str());
        assert_eq!(news["mainEntityOfPage"]["@id"], url.as_str());
        let date_published =
            chrono::DateTime::parse_from_rfc3339(news["datePublished"].as_str().expect("date"))
                .expect("rfc3339");
        let date_modified =
            chrono::DateTime::parse_from_rfc3339(news["dateModified"].as_str().expect("date"))
                .expect("rfc3339");
        assert_eq!(date_published, s.published_at.expect("published"));
        assert!(date_modified >= date_published);
        let author = s.author.as_ref().expect("author");
        assert_eq!(news["author"][0]["name"], author.name.as_str());
        assert_eq!(news["author"][0]["@type"], "Person");
        let site = app.db.site_settings().await.expect("settings");
        assert_eq!(news["publisher"]["@type"], "Organization");
        assert_eq!(news["publisher"]["name"], site.name.as_str());
        let logo = news["publisher"]["logo"]["url"].as_str().expect("logo");
        assert!(
            logo.starts_with(&app.base) && logo.ends_with(".svg"),
            "{logo}"
        );
        assert_eq!(
            app.get(logo.trim_start_matches(&app.base))
                .await
                .status()
                .as_u16(),
            200
        );
        assert_eq!(news["articleSection"], category.name.as_str());
        assert!(
            news["keywords"]
                .as_str()
                .expect("keywords")
                .contains("نفط وغاز")
        );
        assert_eq!(news["inLanguage"], "ar");

        let crumbs = of_type("BreadcrumbList");
        let items = crumbs["itemListElement"].as_array().expect("items");
        assert_eq!(items.len(), 3);
        assert_eq!(items[0]["item"], format!("{}/", app.base).as_str());
        assert_eq!(items[1]["name"], category.name.as_str());
        assert_eq!(items[2]["name"], HOSTILE);
        assert_eq!(items[2]["position"], 3);

        let website = of_type("WebSite");
        assert_eq!(
            website["potentialAction"]["target"]["urlTemplate"],
            format!("{}/search?q={{search_term_string}}", app.base).as_str()
        );
        assert_eq!(
            website["potentialAction"]["query-input"],
            "required name=search_term_string"
        );

        // No hreflang for a single-edition site; alternates when editions are configured.
        assert!(
            head["links"]
                .as_array()
                .expect("links")
                .iter()
                .all(|l| l.get("hreflang").is_none())
        );
        app.db
            .set_setting("site.hreflang", "en=https://en.example.com")
            .await
            .expect("setting");
        let head = py("head", &url).await;
        let langs: Vec<(String, String)> = head["links"]
            .as_array()
            .expect("links")
            .iter()
            .filter_map(|l| {
                Some((
                    l["hreflang"].as_str()?.to_string(),
                    l["href"].as_str()?.to_string(),
                ))
            })
            .collect();
        assert!(langs.contains(&("ar".into(), url.clone())), "{langs:?}");
        assert!(
            langs.contains(&("en".into(), format!("https://en.example.com{path}"))),
            "{langs:?}"
        );
        assert!(langs.iter().any(|(l, _)| l == "x-default"));
        let home = py("head", &format!("{}/", app.base)).await;
        assert!(
            home["links"]
                .as_array()
                .expect("links")
                .iter()
                .any(|l| l["hreflang"] == "en" && l["href"] == "https://en.example.com/"),
            "{home}"
        );
    }
);

app_test!(
    every_page_head_has_seo_basics,
    demo = true,
    |app: TestApp| async move {
        for path in ["/", "/search?q=%D9%86%D9%81%D8%B7"] {
            let head = py("head", &format!("{}{path}", app.base)).await;
            let canonical = link_href(&head, "canonical").expect("canonical");
            assert!(canonical.starts_with(&app.base), "{path}: {canonical}");
            assert!(!meta(&head, "property", "og:title").is_empty(), "{path}");
            assert!(!meta(&head, "name", "twitter:card").is_empty(), "{path}");
            let website: Vec<Value> = head["jsonld"]
                .as_array()
                .expect("jsonld")
                .iter()
                .map(|b| serde_json::from_str(b.as_str().expect("text")).expect("valid JSON-LD"))
                .filter(|b: &Value| b["@type"] == "WebSite")
                .collect();
            assert_eq!(website.len(), 1, "{path}");
        }
    }
);

app_test!(
    short_links_redirect_and_share_links_use_them,
    demo = true,
    |app: TestApp| async move {
        let (id, article) = hostile_article(&app).await;
        let path = sahifa_web::urls::article(&article.summary.slug);
        let response = app.get(&format!("/s/{id}")).await;
        assert_eq!(response.status().as_u16(), 301);
        assert_eq!(
            response.headers()["location"],
            format!("{}{path}", app.base).as_str()
        );
        for missing in ["/s/99999999", "/s/abc", "/s/"] {
            assert_eq!(app.get(missing).await.status().as_u16(), 404, "{missing}");
        }
        let mut draft = input("مسودة لا تُنشر", None);
        draft.status = ArticleStatus::Draft;
        let draft_id = app.db.create_article(&draft).await.expect("draft");
        assert_eq!(
            app.get(&format!("/s/{draft_id}")).await.status().as_u16(),
            404
        );

        let head = py("head", &format!("{}{path}", app.base)).await;
        let short = format!("{}/s/{id}", app.base);
        let share = |network: &str| -> reqwest::Url {
            let href = head["anchors"]
                .as_array()
                .expect("anchors")
                .iter()
                .find(|a| {
                    a["class"]
                        .as_str()
                        .is_some_and(|c| c.contains(&format!("share-link--{network}")))
                })
                .and_then(|a| a["href"].as_str())
                .unwrap_or_else(|| panic!("no {network} share link"));
            reqwest::Url::parse(href).expect("share URL")
        };
        let query = |u: &reqwest::Url, key: &str| {
            u.query_pairs()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        let telegram = share("telegram");
        assert_eq!(telegram.host_str(), Some("t.me"));
        assert_eq!(query(&telegram, "url"), short);
        assert_eq!(query(&telegram, "text"), HOSTILE);
        // The raw query is percent-encoded: Arabic letters never appear unencoded in it.
        assert!(
            telegram
                .query()
                .is_some_and(|q| q.is_ascii() && q.contains("%D8"))
        );
        let whatsapp = share("whatsapp");
        assert_eq!(query(&whatsapp, "text"), format!("{HOSTILE} {short}"));
        let x = share("x");
        assert_eq!(query(&x, "url"), short);
        assert_eq!(query(&x, "text"), HOSTILE);
    }
);

fn children<'a>(e: &'a Value, tag: &str) -> Vec<&'a Value> {
    e["children"]
        .as_array()
        .expect("children")
        .iter()
        .filter(|c| c["tag"].as_str().is_some_and(|t| t.ends_with(tag)))
        .collect()
}

fn child_text<'a>(e: &'a Value, tag: &str) -> &'a str {
    children(e, tag)
        .first()
        .and_then(|c| c["text"].as_str())
        .unwrap_or_else(|| panic!("no <{tag}> in {e}"))
}

app_test!(
    sitemaps_list_everything_with_lastmod,
    demo = true,
    |app: TestApp| async move {
        let fresh_id = app
            .db
            .create_article(&input("خبر الساعة", None))
            .await
            .expect("fresh");
        let fresh = app
            .db
            .article_by_id(fresh_id)
            .await
            .expect("read")
            .expect("fresh");
        let old = chrono::Utc::now() - chrono::Duration::hours(72);
        app.db
            .create_article(&input("خبر قبل ثلاثة أيام", Some(old)))
            .await
            .expect("old");
        let listing: Value = app
            .get("/api/v1/articles?per_page=1")
            .await
            .json()
            .await
            .expect("json");
        let published = listing["total"].as_u64().expect("total") as usize;

        let robots = app.get("/robots.txt").await;
        assert_eq!(robots.status().as_u16(), 200);
        assert!(
            robots.headers()["content-type"]
                .to_str()
                .expect("ct")
                .starts_with("text/plain")
        );
        let robots = robots.text().await.expect("text");
        assert!(robots.contains(&format!("Sitemap: {}/sitemap.xml", app.base)));
        assert!(robots.contains(&format!("Sitemap: {}/sitemaps/news.xml", app.base)));
        assert!(robots.contains("Disallow: /admin"));

        let index = py("xml", &format!("{}/sitemap.xml", app.base)).await;
        let root = &index["root"];
        assert_eq!(
            root["tag"],
            "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
        );
        let files = children(root, "sitemap");
        let mut article_urls = 0;
        let mut names = Vec::new();
        for file in &files {
            let loc = child_text(file, "loc");
            let lastmod = child_text(file, "lastmod");
            chrono::DateTime::parse_from_rfc3339(lastmod).expect("lastmod is W3C datetime");
            let name = loc.rsplit('/').next().expect("name").to_string();
            let doc = py("xml", loc).await;
            assert_eq!(
                doc["root"]["tag"], "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset",
                "{loc}"
            );
            let urls = children(&doc["root"], "url");
            assert!(urls.len() <= 50_000);
            for u in &urls {
                assert!(child_text(u, "loc").starts_with(&app.base));
            }
            if name.starts_with("articles-") {
                article_urls += urls.len();
                // The file's lastmod is its newest URL's lastmod.
                let newest = urls
                    .iter()
                    .map(|u| child_text(u, "lastmod").to_string())
                    .max()
                    .expect("urls");
                assert_eq!(newest, lastmod, "{name}");
            }
            names.push(name);
        }
        assert_eq!(
            article_urls, published,
            "every published article once: {names:?}"
        );
        for expected in ["sections.xml", "tags.xml", "authors.xml", "news.xml"] {
            assert!(
                names.iter().any(|n| n == expected),
                "{expected} in {names:?}"
            );
        }
        let month = fresh
            .summary
            .published_at
            .expect("published")
            .format("articles-%Y-%m.xml")
            .to_string();
        assert!(names.contains(&month), "{month} in {names:?}");

        let sections = py("xml", &format!("{}/sitemaps/sections.xml", app.base)).await;
        let locs: Vec<&str> = children(&sections["root"], "url")
            .iter()
            .map(|u| child_text(u, "loc"))
            .collect();
        assert!(locs.contains(&format!("{}/", app.base).as_str()));
        assert!(locs.iter().any(|l| l.contains("/category/")));

        // Google News: only the last 48 hours.
        let news = py("xml", &format!("{}/sitemaps/news.xml", app.base)).await;
        let urls = children(&news["root"], "url");
        assert_eq!(urls.len(), 1, "{news}");
        let entry = children(urls[0], "news")[0];
        let publication = children(entry, "publication")[0];
        let site = app.db.site_settings().await.expect("settings");
        assert_eq!(child_text(publication, "name"), site.name);
        assert_eq!(child_text(publication, "language"), "ar");
        assert_eq!(child_text(entry, "title"), "خبر الساعة");
        let date = chrono::DateTime::parse_from_rfc3339(child_text(entry, "publication_date"))
            .expect("date");
        assert!(chrono::Utc::now().signed_duration_since(date) < chrono::Duration::hours(48));
        assert!(
            child_text(urls[0], "loc").ends_with(&sahifa_web::urls::article(&fresh.summary.slug))
        );

        assert_eq!(
            app.get("/sitemaps/articles-1999-01.xml")
                .await
                .status()
                .as_u16(),
            404
        );
        assert_eq!(
            app.get("/sitemaps/nothing.xml").await.status().as_u16(),
            404
        );
    }
);
