//! HTTP behaviour: caching validators, compression, HEAD, security headers, static assets,
//! error statuses, health, and the JSON content API; on both backends.

use crate::common;
use sahifa_testkit::Seed;

use std::io::Read;

use common::{TestApp, unescape};

app_test!(
    pages_carry_etags_and_answer_304,
    demo = true,
    |app: TestApp| async move {
        let first = app.get("/").await;
        assert_eq!(first.status().as_u16(), 200);
        let etag = first.headers()["etag"].to_str().expect("etag").to_string();
        assert!(etag.starts_with('"'));
        let again = app
            .client
            .get(format!("{}/", app.base))
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("request");
        assert_eq!(again.status().as_u16(), 304);
        assert!(again.bytes().await.expect("body").is_empty());
        // A content change produces a new validator.
        let mut settings = app.db.site_settings().await.expect("settings");
        settings.tagline = "شعار جديد".into();
        app.db.save_site_settings(&settings).await.expect("save");
        let changed = app
            .client
            .get(format!("{}/", app.base))
            .header("if-none-match", &etag)
            .send()
            .await
            .expect("request");
        assert_eq!(changed.status().as_u16(), 200);
        assert_ne!(changed.headers()["etag"].to_str().expect("etag"), etag);
    }
);

app_test!(
    pages_are_served_compressed_when_asked,
    demo = true,
    |app: TestApp| async move {
        let plain = app.get("/").await.bytes().await.expect("body");
        for (coding, decode) in [
            ("br", decode_br as fn(&[u8]) -> Vec<u8>),
            ("gzip", decode_gzip),
        ] {
            let response = app
                .client
                .get(format!("{}/", app.base))
                .header("accept-encoding", coding)
                .send()
                .await
                .expect("request");
            assert_eq!(response.headers()["content-encoding"], coding);
            assert_eq!(response.headers()["vary"], "accept-encoding");
            let body = response.bytes().await.expect("body");
            assert!(
                body.len() < plain.len() / 2,
                "{coding} should shrink the page"
            );
            assert_eq!(decode(&body), plain.to_vec(), "{coding} round trip");
        }
    }
);

fn decode_br(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(bytes, 4096)
        .read_to_end(&mut out)
        .expect("brotli");
    out
}

fn decode_gzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("gzip");
    out
}

app_test!(
    head_requests_get_headers_only,
    demo = true,
    |app: TestApp| async move {
        let url = app.article_url("لافروف").await;
        let response = app
            .client
            .head(format!("{}{url}", app.base))
            .send()
            .await
            .expect("head");
        assert_eq!(response.status().as_u16(), 200);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .expect("type")
                .starts_with("text/html")
        );
        assert!(response.bytes().await.expect("body").is_empty());
    }
);

app_test!(
    security_headers_are_on_every_response,
    demo = true,
    |app: TestApp| async move {
        for path in ["/", "/nothing-here", "/api/v1/articles", "/healthz"] {
            let response = app.get(path).await;
            let headers = response.headers();
            let csp = headers["content-security-policy"].to_str().expect("csp");
            assert!(csp.contains("script-src 'self'"), "{path}");
            assert!(!csp.contains("unsafe-inline"), "{path}: no unsafe-inline");
            assert!(csp.contains("frame-ancestors 'none'"), "{path}");
            assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
            assert!(headers.contains_key("referrer-policy"), "{path}");
        }
    }
);

app_test!(
    pages_have_no_inline_script_or_style,
    demo = true,
    |app: TestApp| async move {
        let url = app.article_url("لافروف").await;
        for path in ["/".to_string(), url] {
            let html = app.page(&path, 200).await;
            for tag in html.split("<script").skip(1) {
                let open = tag.split('>').next().unwrap_or("");
                // JSON-LD is data the browser never runs (the CSP does not cover it).
                let data = open.contains("type=\"application/ld+json\"");
                assert!(open.contains("src=") || data, "inline script on {path}");
            }
            assert!(
                !html.contains(" style=\""),
                "inline style attribute on {path}"
            );
            assert!(!html.contains("<style"), "inline style element on {path}");
            // No request leaves the site: no external stylesheets, scripts or fonts.
            assert!(!html.contains("fonts.googleapis"), "web font on {path}");
            for tag in html
                .split("<link")
                .skip(1)
                .chain(html.split("<script").skip(1))
            {
                let open = tag.split('>').next().unwrap_or("");
                // Canonical and alternate links name URLs; the browser fetches nothing.
                let reference =
                    open.contains("rel=\"canonical\"") || open.contains("rel=\"alternate\"");
                assert!(
                    reference || (!open.contains("href=\"http") && !open.contains("src=\"http")),
                    "external asset on {path}: {open}"
                );
            }
        }
    }
);

app_test!(
    static_assets_are_hashed_and_cached_for_a_year,
    demo = true,
    |app: TestApp| async move {
        let html = unescape(&app.page("/", 200).await);
        let css = html
            .split("href=\"")
            .filter_map(|s| s.split('"').next())
            .find(|s| s.starts_with("/static/css/site.") && s.ends_with(".css"))
            .expect("hashed stylesheet link")
            .to_string();
        let response = app.get(&css).await;
        assert_eq!(response.status().as_u16(), 200);
        assert!(
            response.headers()["cache-control"]
                .to_str()
                .expect("cc")
                .contains("immutable")
        );
        assert!(
            response.headers()["content-type"]
                .to_str()
                .expect("ct")
                .starts_with("text/css")
        );
        let body = response.text().await.expect("css");
        assert!(body.contains("prefers-color-scheme: dark"), "dark mode");
        assert!(body.contains("@media print"), "print styles");
        assert!(
            !body.contains("margin-left") && !body.contains("padding-right"),
            "logical properties only"
        );
        app.page("/static/css/site.css", 404).await;
        app.page("/static/css/site.0000000000.css", 404).await;
    }
);

app_test!(
    media_files_are_served_and_paths_cannot_escape,
    demo = true,
    |app: TestApp| async move {
        let response = app.get("/media/demo/dialogue.svg").await;
        assert_eq!(response.status().as_u16(), 200);
        assert_eq!(response.headers()["content-type"], "image/svg+xml");
        app.page("/media/demo/missing.svg", 404).await;
        app.page("/media/..%2F..%2Fetc%2Fpasswd", 404).await;
    }
);

app_test!(
    errors_answer_with_arabic_pages_and_right_statuses,
    demo = true,
    |app: TestApp| async move {
        let missing = app.page("/no/such/page", 404).await;
        assert!(missing.contains(r#"dir="rtl""#));
        assert!(missing.contains("الصفحة غير موجودة"));
        app.page("/article/%D9%84%D8%A7-%D8%B4%D9%8A%D8%A1", 404)
            .await;
        let post = app
            .client
            .post(format!("{}/", app.base))
            .send()
            .await
            .expect("post");
        assert_eq!(post.status().as_u16(), 405);
        assert!(post.text().await.expect("body").contains(r#"dir="rtl""#));
    }
);

app_test!(
    healthz_reports_the_database,
    demo = false,
    |app: TestApp| async move {
        let response = app.get("/healthz").await;
        assert_eq!(response.status().as_u16(), 200);
        let body: serde_json::Value = response.json().await.expect("json");
        assert_eq!(body["status"], "ok");
        app.db.close().await;
        assert_eq!(app.get("/healthz").await.status().as_u16(), 503);
    }
);

app_test!(
    content_api_lists_and_shows_with_pagination,
    demo = true,
    |app: TestApp| async move {
        let list: serde_json::Value = app
            .get("/api/v1/articles?per_page=5")
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(list["per_page"], 5);
        assert_eq!(list["page"], 1);
        let total = list["total"].as_i64().expect("total");
        assert!(total >= 16);
        assert_eq!(list["total_pages"].as_i64(), Some((total + 4) / 5));
        let items = list["items"].as_array().expect("items");
        assert_eq!(items.len(), 5);
        let dates: Vec<&str> = items
            .iter()
            .filter_map(|a| a["published_at"].as_str())
            .collect();
        let mut sorted = dates.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(dates, sorted, "newest first");
        let page2: serde_json::Value = app
            .get("/api/v1/articles?per_page=5&page=2")
            .await
            .json()
            .await
            .expect("json");
        assert_ne!(page2["items"][0]["slug"], items[0]["slug"]);

        let slug = items[0]["slug"].as_str().expect("slug");
        let one = app
            .get(&format!(
                "/api/v1/articles/{}",
                sahifa_text::slug::encode_slug(slug)
            ))
            .await;
        assert_eq!(one.status().as_u16(), 200);
        let one: serde_json::Value = one.json().await.expect("json");
        assert!(
            one["body_html"]
                .as_str()
                .is_some_and(|b| b.contains("<p dir=\"auto\">"))
        );
        assert!(one["tags"].is_array());

        let missing = app.get("/api/v1/articles/nothing").await;
        assert_eq!(missing.status().as_u16(), 404);
        let err: serde_json::Value = missing.json().await.expect("json");
        assert_eq!(err["error"]["code"], "not_found");
        assert!(
            err["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("لا يوجد"))
        );

        for bad in ["per_page=0", "per_page=101", "page=-1", "page=x"] {
            let r = app.get(&format!("/api/v1/articles?{bad}")).await;
            assert_eq!(r.status().as_u16(), 400, "{bad}");
            let err: serde_json::Value = r.json().await.expect("json");
            assert_eq!(err["error"]["code"], "bad_paging");
        }

        let categories: serde_json::Value = app
            .get("/api/v1/categories")
            .await
            .json()
            .await
            .expect("json");
        let cats = categories["items"].as_array().expect("items");
        assert!(cats.len() >= 4);
        assert!(
            cats.iter().any(|c| c["parent"].is_string()),
            "hierarchy exposed"
        );
        let tags: serde_json::Value = app
            .get("/api/v1/tags?per_page=3")
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(tags["items"].as_array().map(Vec::len), Some(3));
        assert!(tags["total"].as_i64().is_some_and(|t| t > 3));
        // Drafts never leak through the API.
        let all: serde_json::Value = app
            .get("/api/v1/articles?per_page=100")
            .await
            .json()
            .await
            .expect("json");
        assert!(
            all["items"]
                .as_array()
                .expect("items")
                .iter()
                .all(|a| !a["published_at"].as_str().unwrap_or("").starts_with("2031"))
        );
        let api_missing = app.get("/api/v1/nope").await;
        assert_eq!(api_missing.status().as_u16(), 404);
        assert!(
            api_missing.headers()["content-type"]
                .to_str()
                .expect("ct")
                .starts_with("application/json")
        );
    }
);
