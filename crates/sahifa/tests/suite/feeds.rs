//! RSS, Atom and JSON Feed for the site and its archives, read by real parsers (Python's
//! feedparser, installed by .ci/run; the JSON Feed by Python's json) over real HTTP.

use crate::common;

use common::TestApp;
use sahifa_store::{ArticleInput, ArticleStatus, Image};
use sahifa_testkit::{ArticleWrites, Seed};
use serde_json::Value;

/// Runs `tests/distribution.py COMMAND URL` and parses its JSON answer.
pub async fn py(command: &str, url: &str) -> Value {
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
        "distribution.py {command} {url} failed (is feedparser installed? .ci/run installs it): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON from distribution.py")
}

fn has_arabic(s: &str) -> bool {
    s.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

fn fresh(title: &str, image: bool) -> ArticleInput {
    ArticleInput {
        slug: None,
        title: title.to_string(),
        lead: "مقدمة الخبر العاجل".to_string(),
        body_html: String::new(),
        body_md: "فقرة أولى من **النص**.\n\n![صورة](/media/inline.jpg)".to_string(),
        dateline: None,
        source: None,
        author_id: None,
        category_id: None,
        tags: vec!["اقتصاد".to_string()],
        status: ArticleStatus::Published,
        published_at: None,
        image: image.then(|| Image {
            url: "/media/lead.jpg".to_string(),
            alt: "صورة الخبر".to_string(),
            caption: String::new(),
            width: Some(1200),
            height: Some(630),
        }),
    }
}

async fn api_items(app: &TestApp) -> Vec<Value> {
    let listing: Value = app
        .get("/api/v1/articles?per_page=20")
        .await
        .json()
        .await
        .expect("json");
    listing["items"].as_array().expect("items").clone()
}

app_test!(
    site_feeds_parse_with_arabic_items,
    demo = true,
    |app: TestApp| async move {
        let items = api_items(&app).await;
        assert!(items.len() >= 10);

        let rss = py("feed", &format!("{}/feed.xml", app.base)).await;
        assert_eq!(rss["bozo"], false, "{}", rss["bozo_exception"]);
        assert_eq!(rss["version"], "rss20");
        assert_eq!(rss["language"], "ar");
        assert!(has_arabic(rss["title"].as_str().expect("title")));
        let entries = rss["entries"].as_array().expect("entries");
        assert_eq!(entries.len(), items.len());
        for (entry, item) in entries.iter().zip(&items) {
            assert_eq!(entry["title"], item["title"]);
            assert!(has_arabic(entry["title"].as_str().expect("title")));
            let link = entry["link"].as_str().expect("link");
            assert!(
                link.starts_with(&format!("{}/article/", app.base)),
                "{link}"
            );
            let url = item["url"].as_str().expect("url");
            assert!(
                url.ends_with(link.trim_start_matches(&app.base)),
                "{url} vs {link}"
            );
            assert_eq!(
                entry["id"],
                format!("{}/s/{}", app.base, item["id"]).as_str()
            );
            let published =
                chrono::DateTime::parse_from_rfc3339(item["published_at"].as_str().expect("date"))
                    .expect("api date")
                    .timestamp();
            assert_eq!(entry["published"].as_i64(), Some(published), "{entry}");
            let content = entry["content"][0]
                .as_str()
                .expect("full content by default");
            assert!(
                content.contains("<p dir=\"auto\">") && has_arabic(content),
                "{content}"
            );
        }

        let atom = py("feed", &format!("{}/feed.atom", app.base)).await;
        assert_eq!(atom["bozo"], false, "{}", atom["bozo_exception"]);
        assert_eq!(atom["version"], "atom10");
        let atom_entries = atom["entries"].as_array().expect("entries");
        assert_eq!(atom_entries.len(), items.len());
        for (a, r) in atom_entries.iter().zip(entries) {
            assert_eq!(a["id"], r["id"], "the same GUID in every format");
            assert_eq!(a["title"], r["title"]);
            assert_eq!(a["link"], r["link"]);
            assert_eq!(a["published"], r["published"]);
            assert!(a["updated"].as_i64() >= a["published"].as_i64());
            assert!(
                a["content"][0]
                    .as_str()
                    .is_some_and(|c| c.contains("<p dir=\"auto\">"))
            );
        }

        let json = py("jsonfeed", &format!("{}/feed.json", app.base)).await;
        assert_eq!(json["problems"], serde_json::json!([]));
        assert!(
            json["content_type"]
                .as_str()
                .expect("ct")
                .starts_with("application/feed+json")
        );
        let feed_items = json["feed"]["items"].as_array().expect("items");
        assert_eq!(feed_items.len(), items.len());
        assert_eq!(feed_items[0]["id"], entries[0]["id"]);
        assert_eq!(feed_items[0]["title"], items[0]["title"]);
        assert_eq!(
            json["feed"]["feed_url"],
            format!("{}/feed.json", app.base).as_str()
        );

        // Archive feeds: a category's entries all belong to it.
        let categories: Value = app
            .get("/api/v1/categories")
            .await
            .json()
            .await
            .expect("json");
        let category = categories
            .as_array()
            .or(categories["items"].as_array())
            .and_then(|c| c.first().cloned())
            .expect("a category");
        let name = category["name"].as_str().expect("name");
        let slug = category["slug"].as_str().expect("slug");
        // A category's feed includes its subcategories' articles.
        let family: Vec<Value> = categories
            .as_array()
            .or(categories["items"].as_array())
            .expect("categories")
            .iter()
            .filter(|c| c["slug"] == slug || c["parent"] == slug)
            .map(|c| c["name"].clone())
            .collect();
        let encoded =
            percent_encoding::utf8_percent_encode(slug, percent_encoding::NON_ALPHANUMERIC);
        for file in ["feed.xml", "feed.atom"] {
            let f = py("feed", &format!("{}/category/{encoded}/{file}", app.base)).await;
            assert_eq!(f["bozo"], false, "{}", f["bozo_exception"]);
            assert!(f["title"].as_str().expect("title").contains(name));
            for e in f["entries"].as_array().expect("entries") {
                let tags = e["tags"].as_array().expect("tags");
                assert!(tags.iter().any(|t| family.contains(t)), "{e} in {family:?}");
            }
        }
        let j = py(
            "jsonfeed",
            &format!("{}/category/{encoded}/feed.json", app.base),
        )
        .await;
        assert_eq!(j["problems"], serde_json::json!([]));
        assert_eq!(
            app.get("/category/no-such-section/feed.xml")
                .await
                .status()
                .as_u16(),
            404
        );
        assert_eq!(
            app.get("/tag/no-such-tag/feed.json")
                .await
                .status()
                .as_u16(),
            404
        );
    }
);

app_test!(
    feeds_follow_edits_images_and_settings,
    demo = true,
    |app: TestApp| async move {
        let id = app
            .db
            .create_article(&fresh("خبر بصورة بارزة", true))
            .await
            .expect("article");
        let rss = py("feed", &format!("{}/feed.xml", app.base)).await;
        let first = &rss["entries"][0];
        assert_eq!(first["title"], "خبر بصورة بارزة");
        assert_eq!(
            first["enclosures"][0]["href"],
            format!("{}/media/lead.jpg", app.base).as_str()
        );
        assert_eq!(first["enclosures"][0]["type"], "image/jpeg");
        assert!(
            first["content"][0]
                .as_str()
                .expect("content")
                .contains(&format!("{}/media/inline.jpg", app.base))
        );
        let guid = first["id"].as_str().expect("id").to_string();
        assert_eq!(guid, format!("{}/s/{id}", app.base));
        let json = py("jsonfeed", &format!("{}/feed.json", app.base)).await;
        assert_eq!(
            json["feed"]["items"][0]["image"],
            format!("{}/media/lead.jpg", app.base).as_str()
        );

        // Tag and author feeds of the new article parse too.
        let tag = py(
            "feed",
            &format!(
                "{}/tag/{}/feed.atom",
                app.base,
                percent_encoding::utf8_percent_encode("اقتصاد", percent_encoding::NON_ALPHANUMERIC)
            ),
        )
        .await;
        assert_eq!(tag["bozo"], false, "{}", tag["bozo_exception"]);
        assert!(
            tag["entries"]
                .as_array()
                .expect("entries")
                .iter()
                .any(|e| e["id"] == guid.as_str())
        );

        // Conditional GET, by ETag and by date.
        let response = app.get("/feed.xml").await;
        assert_eq!(response.status().as_u16(), 200);
        let etag = response.headers()["etag"]
            .to_str()
            .expect("etag")
            .to_string();
        let modified = response.headers()["last-modified"]
            .to_str()
            .expect("last-modified")
            .to_string();
        let by_etag = app
            .client
            .get(format!("{}/feed.xml", app.base))
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("get");
        assert_eq!(by_etag.status().as_u16(), 304);
        let by_date = app
            .client
            .get(format!("{}/feed.xml", app.base))
            .header("if-modified-since", &modified)
            .send()
            .await
            .expect("get");
        assert_eq!(by_date.status().as_u16(), 304);

        // An edit changes title and slug but never the GUID.
        let mut edited = fresh("خبر بصورة بارزة بعد التحديث", true);
        edited.slug = Some("خبر-محدث".to_string());
        app.db.update_article(id, &edited).await.expect("edit");
        let again = app
            .client
            .get(format!("{}/feed.xml", app.base))
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("get");
        assert_eq!(again.status().as_u16(), 200, "an edit invalidates the feed");
        let rss = py("feed", &format!("{}/feed.xml", app.base)).await;
        let entry = rss["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .find(|e| e["id"] == guid.as_str())
            .expect("same guid")
            .clone();
        assert_eq!(entry["title"], "خبر بصورة بارزة بعد التحديث");
        assert!(
            entry["link"]
                .as_str()
                .expect("link")
                .ends_with("/article/%D8%AE%D8%A8%D8%B1-%D9%85%D8%AD%D8%AF%D8%AB"),
            "{entry}"
        );
        assert!(entry["updated"].as_i64().is_some());

        // Excerpt mode: the lead only.
        app.db
            .set_setting("feeds.full_content", "false")
            .await
            .expect("setting");
        let rss = py("feed", &format!("{}/feed.xml", app.base)).await;
        assert_eq!(rss["entries"][0]["content"], serde_json::json!([]));
        assert_eq!(rss["entries"][0]["summary"], "مقدمة الخبر العاجل");
        let json = py("jsonfeed", &format!("{}/feed.json", app.base)).await;
        assert!(json["feed"]["items"][0].get("content_html").is_none());
        assert_eq!(
            json["feed"]["items"][0]["content_text"],
            "مقدمة الخبر العاجل"
        );
    }
);

app_test!(
    pages_announce_their_feeds,
    demo = true,
    |app: TestApp| async move {
        let home = py("head", &format!("{}/", app.base)).await;
        let alternates: Vec<(String, String)> = home["links"]
            .as_array()
            .expect("links")
            .iter()
            .filter(|l| l["rel"] == "alternate")
            .map(|l| {
                (
                    l["type"].as_str().unwrap_or("").to_string(),
                    l["href"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        for (kind, href) in [
            ("application/rss+xml", "/feed.xml"),
            ("application/atom+xml", "/feed.atom"),
            ("application/feed+json", "/feed.json"),
        ] {
            assert!(
                alternates.contains(&(kind.to_string(), href.to_string())),
                "{alternates:?}"
            );
        }
        let categories: Value = app
            .get("/api/v1/categories")
            .await
            .json()
            .await
            .expect("json");
        let category = categories
            .as_array()
            .or(categories["items"].as_array())
            .and_then(|c| c.first().cloned())
            .expect("category");
        let slug = category["slug"].as_str().expect("slug");
        let encoded =
            percent_encoding::utf8_percent_encode(slug, percent_encoding::NON_ALPHANUMERIC)
                .to_string();
        let page = py("head", &format!("{}/category/{encoded}", app.base)).await;
        let hrefs: Vec<String> = page["links"]
            .as_array()
            .expect("links")
            .iter()
            .filter_map(|l| l["href"].as_str().map(str::to_string))
            .collect();
        assert!(
            hrefs
                .iter()
                .any(|h| h.ends_with("/feed.xml") && h.starts_with("/category/")),
            "{hrefs:?}"
        );
        let response = app
            .get(
                hrefs
                    .iter()
                    .find(|h| h.starts_with("/category/") && h.ends_with("/feed.json"))
                    .expect("category json feed"),
            )
            .await;
        assert_eq!(response.status().as_u16(), 200);
    }
);

// Control characters in what editors send never reach a stored value, so no feed or
// sitemap can be made invalid XML by them; and the RSS description, which readers take
// for HTML, carries the plain-text lead escaped.
app_test!(
    hostile_characters_never_break_the_feeds,
    demo = false,
    |app: TestApp| async move {
        let mut article = fresh("خبر\u{000B}عاجل\u{FFFE}", false);
        article.lead = "<img src=x onerror=alert(1)> مقدمة\u{0001}".to_string();
        article.body_md = "نص\u{0001}فيه\u{001F} محارف تحكم\u{FFFF}".to_string();
        article.tags = vec!["وسم\u{0008}غريب".to_string()];
        let id = app.db.create_article(&article).await.expect("article");
        let stored = app.db.article_by_id(id).await.unwrap().expect("stored");
        assert_eq!(stored.summary.title, "خبرعاجل");
        assert!(
            !stored
                .body_html
                .chars()
                .any(|c| c.is_control() && c != '\n')
        );
        assert_eq!(stored.tags[0].name, "وسمغريب");

        for path in [
            "/feed.xml",
            "/feed.atom",
            "/sitemaps/news.xml",
            "/sitemap.xml",
        ] {
            // ElementTree refuses any character XML forbids.
            py("xml", &format!("{}{path}", app.base)).await;
        }
        let rss = py("feed", &format!("{}/feed.xml", app.base)).await;
        assert_eq!(rss["bozo"], false, "{rss}");
        let raw = app.get("/feed.xml").await.text().await.expect("rss");
        assert!(!raw.contains("<img src=x onerror"), "{raw}");
        assert!(raw.contains("&lt;img src=x onerror"), "{raw}");
    }
);
