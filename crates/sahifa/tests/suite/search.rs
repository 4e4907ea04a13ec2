//! Search over real HTTP on SQLite and PostgreSQL: Arabic spelling variants, highlighting,
//! filters, paging, the JSON API, hostile queries, freshness after edits, related
//! articles, and rebuilding a missing or damaged index at start-up.

use crate::common;

use sahifa_testkit::{ArticleWrites, Seed};
use std::time::{Duration, Instant};

use common::TestApp;
use sahifa_store::{ArticleInput, ArticleStatus, CategoryInput};
use serde_json::Value;

/// Like `app_test!`, with the search index and its follower running.
macro_rules! search_test {
    ($name:ident, $body:expr) => {
        search_test!($name, prepare = |_dir: &std::path::Path| {}, $body);
    };
    ($name:ident, prepare = $prepare:expr, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(t) = sahifa_testkit::TestDb::new(sahifa_testkit::Backend::Sqlite).await
                {
                    ($prepare)(t.dir.path());
                    ($body)(common::TestApp::start_with_search(t, true).await).await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(t) =
                    sahifa_testkit::TestDb::new(sahifa_testkit::Backend::Postgres).await
                {
                    ($prepare)(t.dir.path());
                    ($body)(common::TestApp::start_with_search(t, true).await).await;
                }
            }
        }
    };
}

fn q(text: &str) -> String {
    common_encode(text)
}

fn common_encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}

async fn api(app: &TestApp, query: &str) -> Value {
    let response = app.get(&format!("/api/v1/search?{query}")).await;
    assert_eq!(
        response.status().as_u16(),
        200,
        "GET /api/v1/search?{query}"
    );
    response.json().await.expect("json")
}

fn titles(v: &Value) -> Vec<String> {
    v["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["title"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn input(title: &str, body: &str, tags: &[&str], status: ArticleStatus) -> ArticleInput {
    ArticleInput {
        slug: None,
        title: title.into(),
        lead: String::new(),
        body_html: String::new(),
        body_md: body.into(),
        dateline: None,
        source: None,
        author_id: None,
        category_id: None,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        status,
        published_at: None,
        image: None,
    }
}

/// Polls `check` until it holds or `within` passes.
async fn eventually<F, Fut>(within: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let start = Instant::now();
    loop {
        if check().await {
            return;
        }
        assert!(
            start.elapsed() < within,
            "{what} did not happen within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

search_test!(
    spelling_variants_find_the_model_article,
    |app: TestApp| async move {
        // The model article writes «امريكا», «لامريكا» and «الامريكية»; readers type «أمريكا».
        for query in ["أمريكا", "امريكا", "الأمريكية", "أمريكية", "لأمريكا"]
        {
            let v = api(&app, &format!("q={}", q(query))).await;
            assert!(
                titles(&v).iter().any(|t| t.contains("لافروف")),
                "{query} should find the model article: {:?}",
                titles(&v)
            );
        }
        // «أكد» (with hamza) finds «اكد», «الإقليمي» finds «الاقليمي».
        let v = api(&app, &format!("q={}", q("أكد روحاني التعاون الإقليمي"))).await;
        assert!(titles(&v)[0].contains("لافروف"), "{:?}", titles(&v));
        // Tashkeel and tatweel in the query change nothing.
        let plain = api(&app, &format!("q={}", q("روحاني"))).await;
        let marked = api(&app, &format!("q={}", q("رُوحـــانِي"))).await;
        assert_eq!(plain["total"], marked["total"]);
        assert!(plain["total"].as_u64().unwrap_or(0) >= 1);
    }
);

search_test!(
    snippets_highlight_safely_and_the_page_renders,
    |app: TestApp| async move {
        let v = api(&app, &format!("q={}", q("أمريكا"))).await;
        let model = v["results"]
            .as_array()
            .expect("results")
            .iter()
            .find(|r| r["title"].as_str().is_some_and(|t| t.contains("لافروف")))
            .expect("model article")
            .clone();
        let snippet = model["snippet"].as_str().expect("snippet");
        assert!(snippet.contains("<mark>"), "{snippet}");
        // The only markup is <mark>.
        let stripped = snippet.replace("<mark>", "").replace("</mark>", "");
        assert!(
            !stripped.contains('<') && !stripped.contains('>'),
            "{snippet}"
        );
        for key in [
            "title",
            "slug",
            "url",
            "snippet",
            "category",
            "published_at",
        ] {
            assert!(model.get(key).is_some(), "result has {key}");
        }
        assert!(
            model["url"]
                .as_str()
                .is_some_and(|u| u.starts_with(&app.base))
        );
        assert_eq!(
            v.as_object().map(|o| o.len()),
            Some(2),
            "only total and results"
        );

        let html = app.page(&format!("/search?q={}", q("أمريكا")), 200).await;
        assert!(html.contains("<mark>"), "highlighted on the page");
        assert!(html.contains("search-result"), "results listed");
        assert!(
            html.contains(r#"action="/search""#),
            "header search box is shown"
        );
        let empty = app.page("/search", 200).await;
        assert!(empty.contains("empty-state"));
        let none = app
            .page(&format!("/search?q={}", q("زرافةمجهولة")), 200)
            .await;
        assert!(none.contains("لم نعثر على نتائج"), "helpful empty state");
        // A hostile article title is escaped in results, never executed.
        app.db
            .create_article(&input(
                "<script>alert(1)</script> خبر عن الزرافات",
                "الزرافات <img src=x onerror=alert(2)> في الحديقة",
                &[],
                ArticleStatus::Published,
            ))
            .await
            .expect("create");
        eventually(Duration::from_secs(3), "indexing", || async {
            api(&app, &format!("q={}", q("زرافة"))).await["total"] == 1
        })
        .await;
        let html = app.page(&format!("/search?q={}", q("زرافة")), 200).await;
        assert!(!html.contains("<script>alert"), "title escaped");
        assert!(!html.contains("<img src=x"), "snippet escaped");
        assert!(html.contains("&lt;script&gt;"));
    }
);

search_test!(filters_sorting_and_paging, |app: TestApp| async move {
    // Category filter includes subcategories, as archives do.
    let all = api(&app, &format!("q={}", q("إيران"))).await;
    let total = all["total"].as_u64().expect("total");
    assert!(total >= 3, "several demo articles mention Iran: {total}");
    let politics = api(&app, &format!("q={}&category={}", q("إيران"), q("سياسة"))).await;
    let politics_total = politics["total"].as_u64().expect("total");
    assert!(politics_total >= 1 && politics_total < total);
    for r in politics["results"].as_array().expect("results") {
        let slug = r["category"]["slug"].as_str().unwrap_or_default();
        assert!(slug == "سياسة" || slug == "الخليج", "{slug}");
    }
    // Date range: the demo articles are from April 2021.
    let none = api(&app, &format!("q={}&from=2030-01-01", q("إيران"))).await;
    assert_eq!(none["total"], 0);
    let april = api(
        &app,
        &format!("q={}&from=2021-04-01&to=2021-04-30", q("إيران")),
    )
    .await;
    assert_eq!(april["total"].as_u64(), Some(total));
    let one_day = api(
        &app,
        &format!("q={}&from=2021-04-13&to=2021-04-13", q("روحاني")),
    )
    .await;
    assert!(titles(&one_day).iter().any(|t| t.contains("لافروف")));
    // Arabic-Indic digits in dates are understood.
    let indic = api(&app, &format!("q={}&from={}", q("إيران"), q("٢٠٣٠-٠١-٠١"))).await;
    assert_eq!(indic["total"], 0);
    // Newest first.
    let newest = api(&app, &format!("q={}&sort=newest&per_page=50", q("إيران"))).await;
    let dates: Vec<String> = newest["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["published_at"].as_str().unwrap_or_default().to_string())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
    // Paging: pages do not overlap and together make the total.
    let p1 = api(&app, &format!("q={}&per_page=2&page=1", q("إيران"))).await;
    let p2 = api(&app, &format!("q={}&per_page=2&page=2", q("إيران"))).await;
    assert_eq!(titles(&p1).len(), 2);
    assert!(titles(&p2).iter().all(|t| !titles(&p1).contains(t)));
    assert_eq!(p2["total"].as_u64(), Some(total));
    let html = app.page(&format!("/search?q={}", q("إيران")), 200).await;
    if total > 10 {
        assert!(html.contains("page=2"));
    }
    // Result count in the site's digit style.
    let mut settings = app.db.site_settings().await.expect("settings");
    settings.digit_style = "arabic-indic".into();
    app.db.save_site_settings(&settings).await.expect("save");
    let html = app.page(&format!("/search?q={}", q("روحاني")), 200).await;
    let count = html
        .split(r#"class="search-count""#)
        .nth(1)
        .and_then(|s| s.split("</p>").next())
        .unwrap_or_default()
        .to_string();
    assert!(
        count.chars().any(|c| ('٠'..='٩').contains(&c)) || count.contains("نتيجة"),
        "{count}"
    );
    assert!(!count.chars().any(|c| c.is_ascii_digit()), "{count}");
});

search_test!(phrases_and_hostile_queries, |app: TestApp| async move {
    let phrase = api(&app, &format!("q={}", q("\"الاتفاق النووي\""))).await;
    assert!(phrase["total"].as_u64().unwrap_or(0) >= 1);
    let reversed = api(&app, &format!("q={}", q("\"النووي الاتفاق\""))).await;
    assert!(reversed["total"].as_u64() < phrase["total"].as_u64());
    let long = "أمريكا ".repeat(1500);
    let long_random: String = (0..10_000)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let hostile = [
        "\"",
        "\"\"\"",
        "\"الاتفاق النووي",
        "+ - && || ! ( ) { } [ ] ^ \" ~ * ? : \\ /",
        "title:أمريكا",
        "AND OR NOT",
        "*",
        "أمريكا^100",
        "%00%FF",
        "<script>alert(1)</script>",
        "'; DROP TABLE articles; --",
        long.as_str(),
        long_random.as_str(),
        "",
        "   ",
        "في من على",
    ];
    for text in hostile {
        let path = format!("/search?q={}", q(text));
        let response = app.get(&path).await;
        assert_eq!(
            response.status().as_u16(),
            200,
            "page for {:?}",
            &text[..text.len().min(40)]
        );
        let response = app.get(&format!("/api/v1/search?q={}", q(text))).await;
        assert_eq!(
            response.status().as_u16(),
            200,
            "api for {:?}",
            &text[..text.len().min(40)]
        );
        let v: Value = response.json().await.expect("json");
        assert!(v["total"].is_u64());
    }
    for extra in [
        "page=abc",
        "page=0",
        "page=999999",
        "sort=evil",
        "from=notadate",
        "category=%00",
        "per_page=100000",
    ] {
        let response = app
            .get(&format!("/api/v1/search?q={}&{extra}", q("إيران")))
            .await;
        assert_eq!(response.status().as_u16(), 200, "{extra}");
        let response = app.get(&format!("/search?q={}&{extra}", q("إيران"))).await;
        assert_eq!(response.status().as_u16(), 200, "{extra}");
    }
    // What was typed is shown back escaped.
    let page = app
        .page(
            &format!("/search?q={}", q("<script>alert(1)</script>")),
            200,
        )
        .await;
    assert!(
        !page.contains("<script>alert(1)"),
        "query reflected unescaped"
    );
    // Queries that must find nothing.
    let nothing = api(&app, &format!("q={}", q("دلفين قطبي"))).await;
    assert_eq!(nothing["total"], 0);
});

search_test!(
    edits_are_searchable_within_a_second,
    |app: TestApp| async move {
        let find = |word: &'static str| {
            let app = &app;
            async move {
                api(app, &format!("q={}", q(word))).await["total"]
                    .as_u64()
                    .unwrap_or(0)
            }
        };
        assert_eq!(find("الكنغر").await, 0);
        let id = app
            .db
            .create_article(&input(
                "الكنغر يزور المدينة",
                "شوهد الكنغر قرب السوق.",
                &[],
                ArticleStatus::Published,
            ))
            .await
            .expect("create");
        let started = Instant::now();
        eventually(Duration::from_secs(1), "publish visible", || async {
            find("كنغر").await == 1
        })
        .await;
        eprintln!("publish visible after {:?}", started.elapsed());
        // Edit: the old word goes, the new one comes.
        let mut edited = input(
            "الدلفين يزور المدينة",
            "شوهد الدلفين قرب السوق.",
            &[],
            ArticleStatus::Published,
        );
        edited.slug = None;
        app.db.update_article(id, &edited).await.expect("update");
        eventually(Duration::from_secs(1), "edit visible", || async {
            find("دلفين").await == 1 && find("كنغر").await == 0
        })
        .await;
        // Unpublish hides it.
        let mut draft = edited.clone();
        draft.status = ArticleStatus::Draft;
        app.db.update_article(id, &draft).await.expect("unpublish");
        eventually(Duration::from_secs(1), "unpublish visible", || async {
            find("دلفين").await == 0
        })
        .await;
        // Republish, then delete.
        app.db.update_article(id, &edited).await.expect("republish");
        eventually(Duration::from_secs(1), "republish visible", || async {
            find("دلفين").await == 1
        })
        .await;
        app.db.delete_article(id).await.expect("delete");
        eventually(Duration::from_secs(1), "delete visible", || async {
            find("دلفين").await == 0
        })
        .await;
        // Drafts are never indexed.
        app.db
            .create_article(&input("الفهد السري", "مسودة", &[], ArticleStatus::Draft))
            .await
            .expect("draft");
        tokio::time::sleep(Duration::from_millis(600)).await;
        assert_eq!(find("فهد").await, 0);
    }
);

search_test!(
    related_articles_are_about_the_same_thing,
    |app: TestApp| async move {
        let category = app
            .db
            .create_category(&CategoryInput {
                slug: Some("zoo".into()),
                name: "حدائق".into(),
                description: String::new(),
                parent_id: None,
                position: 9,
            })
            .await
            .expect("category");
        let mut ids = Vec::new();
        let stories = [
            (
                "حديقة الحيوان تستقبل زرافة جديدة",
                "استقبلت حديقة الحيوان زرافة افريقية جديدة، وقال مدير الحديقة إن الزرافة بصحة جيدة وإن الزوار سيشاهدون الزرافات في جناح السافانا.",
            ),
            (
                "ولادة زرافة صغيرة في حديقة الحيوان",
                "شهدت حديقة الحيوان ولادة زرافة صغيرة، وأكد الأطباء البيطريون أن الزرافة الأم والمولود في حالة جيدة داخل جناح السافانا.",
            ),
            (
                "الزرافات تجذب آلاف الزوار إلى الحديقة",
                "تجذب الزرافات في حديقة الحيوان آلاف الزوار كل أسبوع، ويقف الأطفال طويلاً أمام جناح السافانا لمشاهدة الزرافة وهي تأكل.",
            ),
            (
                "حديقة الحيوان تمدد ساعات الزيارة",
                "قررت إدارة حديقة الحيوان تمديد ساعات الزيارة في الصيف، مع جولات ليلية إلى جناح السافانا حيث تعيش الزرافات.",
            ),
        ];
        for (title, body) in stories {
            let mut a = input(title, body, &["زرافات"], ArticleStatus::Published);
            a.category_id = Some(category);
            ids.push(app.db.create_article(&a).await.expect("create"));
        }
        // A private story on the same subject must never be suggested.
        app.db
            .create_article(&input(
                "زرافة سرية في الحديقة",
                "زرافة حديقة الحيوان جناح السافانا مسودة",
                &["زرافات"],
                ArticleStatus::Draft,
            ))
            .await
            .expect("draft");
        eventually(Duration::from_secs(3), "indexing", || async {
            api(&app, &format!("q={}", q("السافانا"))).await["total"] == 4
        })
        .await;
        let article = app
            .db
            .article_by_id(ids[0])
            .await
            .expect("read")
            .expect("exists");
        let html = app
            .page(&sahifa_web::urls::article(&article.summary.slug), 200)
            .await;
        let related = html
            .split("related-articles")
            .nth(1)
            .expect("related block")
            .to_string();
        let giraffe_cards = [
            "ولادة زرافة صغيرة",
            "الزرافات تجذب آلاف",
            "تمدد ساعات الزيارة",
        ];
        for t in giraffe_cards {
            assert!(related.contains(t), "{t} should be related");
        }
        assert!(!related.contains("زرافة سرية"), "draft suggested");
        assert!(
            !related.contains("تستقبل زرافة جديدة</a>"),
            "itself suggested"
        );
        // The list was kept for the index as it is now: a re-render after a change the
        // index does not hold (a comment, a menu) reuses it instead of querying again.
        let index = app.state.search().cloned().expect("index open");
        let now = chrono::Utc::now().timestamp();
        let memoised = index
            .related_memoised(ids[0], 6, now)
            .expect("related list kept after the render");
        assert!(memoised.contains(&ids[1]) && !memoised.contains(&ids[0]));
        // Unpublishing a related article removes it from the block (the index bumps the epoch).
        let second = app
            .db
            .article_by_id(ids[1])
            .await
            .expect("read")
            .expect("exists");
        let mut unpublished = input(
            &second.summary.title,
            &sahifa_text::body::plain_text(&second.body_html),
            &["زرافات"],
            ArticleStatus::Draft,
        );
        unpublished.category_id = Some(category);
        app.db
            .update_article(ids[1], &unpublished)
            .await
            .expect("unpublish");
        let url = sahifa_web::urls::article(&article.summary.slug);
        eventually(Duration::from_secs(2), "related updated", || async {
            !app.page(&url, 200).await.contains("ولادة زرافة صغيرة")
        })
        .await;
        // Once the index has dropped it, its commit started a new reader generation: the
        // list kept from before is not offered, and the next render keeps a fresh one.
        eventually(Duration::from_secs(3), "unpublish indexed", || async {
            api(&app, &format!("q={}", q("السافانا"))).await["total"] == 3
        })
        .await;
        let now = chrono::Utc::now().timestamp();
        if let Some(kept) = index.related_memoised(ids[0], 6, now) {
            assert!(!kept.contains(&ids[1]), "a stale list outlived the commit");
        }
        app.db.retire_local(&sahifa_store::Retired::Everything);
        app.page(&url, 200).await;
        let fresh = index
            .related_memoised(ids[0], 6, now)
            .expect("list kept after the render");
        assert!(!fresh.contains(&ids[1]) && fresh.contains(&ids[2]));
    }
);

fn corrupt_index(dir: &std::path::Path) {
    let index = dir.join("search-index");
    std::fs::create_dir_all(&index).expect("mkdir");
    std::fs::write(index.join("meta.json"), b"{ this is not an index").expect("write");
    std::fs::write(
        index.join("00000000000000000000000000000000.idx"),
        b"garbage",
    )
    .expect("write");
}

search_test!(
    a_damaged_index_is_rebuilt_at_start_up,
    prepare = corrupt_index,
    |app: TestApp| async move {
        let v = api(&app, &format!("q={}", q("أمريكا"))).await;
        assert!(titles(&v).iter().any(|t| t.contains("لافروف")));
    }
);

search_test!(
    a_missing_or_stale_index_is_rebuilt,
    |app: TestApp| async move {
        // A second index folder opened against the same database: missing, then stale.
        let dir = app.test_db.dir.path().join("other-index");
        let (index, outcome, _) =
            sahifa_search::open_fresh(&app.db, &dir, sahifa_search::IndexOptions::server(), None)
                .await
                .expect("open");
        assert!(matches!(outcome, sahifa_search::OpenOutcome::Rebuilt(_)));
        let published = app.db.published_article_count().await.expect("count") as u64;
        assert_eq!(index.num_docs(), published);
        drop(index);
        // Writes while that index is closed are caught up from the write log on reopening.
        app.db
            .create_article(&input(
                "خبر عن النعامة",
                "النعامة تركض",
                &[],
                ArticleStatus::Published,
            ))
            .await
            .expect("create");
        let (index, outcome, _) =
            sahifa_search::open_fresh(&app.db, &dir, sahifa_search::IndexOptions::server(), None)
                .await
                .expect("reopen");
        assert_eq!(outcome, sahifa_search::OpenOutcome::Current);
        assert_eq!(index.num_docs(), published + 1);
        let found = index
            .search(&sahifa_search::SearchRequest {
                q: "نعامة".into(),
                limit: 10,
                ..Default::default()
            })
            .expect("search");
        assert_eq!(found.total, 1);
    }
);

search_test!(
    import_jsonl_stores_good_lines_and_names_bad_ones,
    |app: TestApp| async move {
        let lines = [
            r#"{"title": "مسبار عربي يصل إلى المريخ", "lead": "وصل المسبار بعد رحلة استمرت سبعة أشهر.", "body": "دخل **المسبار** مدار المريخ.", "category": "فضاء وعلوم", "tags": ["المريخ", "الفضاء"], "author": "كاتبة العلوم", "published_at": "2026-02-09T15:00:00Z", "dateline": "دبي", "source": "وام"}"#,
            r#"{"title": "سطر مكسور""#,
            r#"{"title": "تاريخ غير صالح", "category": "قسم مرفوض", "published_at": "أمس"}"#,
            r#"{"title": "مسودة عن المريخ لم تنشر", "body": "نص"}"#,
            r#"{"title": "   ", "category": "قسم مرفوض آخر"}"#,
            "",
            r#"{"title": "أسعار المريخ في الأسواق", "category": "اقتصاد", "published_at": "2026-02-10"}"#,
        ];
        let text = lines.join("\n");
        let mut seen = Vec::new();
        let report = sahifa::import_jsonl::import(&app.db, text.as_bytes(), |n, err| {
            if let Some(e) = err {
                seen.push((n, e.to_string()));
            }
        })
        .await
        .expect("import runs");
        assert_eq!(report.imported, 3);
        let failed: Vec<u64> = report.failed.iter().map(|(n, _)| *n).collect();
        assert_eq!(failed, vec![2, 3, 5]);
        assert_eq!(seen.len(), 3);
        assert!(report.failed[0].1.contains("JSON"), "{:?}", report.failed);
        assert!(
            report.failed[1].1.contains("published_at"),
            "{:?}",
            report.failed
        );
        assert!(report.failed[2].1.contains("title"), "{:?}", report.failed);
        // Nothing from a rejected line was stored.
        for name in ["قسم مرفوض", "قسم مرفوض آخر"] {
            assert!(
                app.db
                    .category_by_name(name)
                    .await
                    .expect("query")
                    .is_none(),
                "{name}"
            );
        }
        // Names became rows; the published one keeps its time; the draft stays private.
        assert!(
            app.db
                .category_by_name("فضاء وعلوم")
                .await
                .expect("q")
                .is_some()
        );
        assert!(
            app.db
                .author_by_name("كاتبة العلوم")
                .await
                .expect("q")
                .is_some()
        );
        let listing: Value = app
            .get("/api/v1/articles?per_page=100")
            .await
            .json()
            .await
            .expect("json");
        let items = listing["items"].as_array().expect("items");
        let probe = items
            .iter()
            .find(|a| a["title"].as_str().is_some_and(|t| t.contains("مسبار")))
            .expect("imported article is public");
        assert_eq!(probe["published_at"].as_str(), Some("2026-02-09T15:00:00Z"));
        assert_eq!(probe["category"]["name"].as_str(), Some("فضاء وعلوم"));
        assert!(items.iter().all(|a| {
            !a["title"]
                .as_str()
                .unwrap_or_default()
                .contains("مسودة عن المريخ")
        }));
        // And the follower indexed the two published ones.
        eventually(
            Duration::from_secs(2),
            "imported articles searchable",
            || async { api(&app, &format!("q={}", q("المريخ"))).await["total"] == 2 },
        )
        .await;
    }
);

search_test!(
    another_process_on_the_same_database_keeps_its_own_index,
    |app: TestApp| async move {
        // A second "process": its own connection pool, epoch, data dir, index and follower.
        let other_db = sahifa_store::Db::connect(&app.test_db.url)
            .await
            .expect("connect");
        let dir = app
            .test_db
            .dir
            .path()
            .join("second-process")
            .join("search-index");
        let (index, _, cursor) =
            sahifa_search::open_fresh(&other_db, &dir, sahifa_search::IndexOptions::server(), None)
                .await
                .expect("open");
        let follower = sahifa_search::follower::spawn(index.clone(), other_db.clone(), cursor);
        let epoch_before = other_db.epoch();
        // A write made through the first process's handle...
        app.db
            .create_article(&input(
                "الوشق يظهر في الجبال",
                "رصد الوشق في الجبال",
                &[],
                ArticleStatus::Published,
            ))
            .await
            .expect("create");
        let count = || {
            let index = index.clone();
            async move {
                index
                    .search(&sahifa_search::SearchRequest {
                        q: "الوشق".into(),
                        limit: 10,
                        ..Default::default()
                    })
                    .map(|r| r.total)
                    .unwrap_or(0)
            }
        };
        // ...reaches the second process's index within a second, and retires its cached pages
        // (the follower bumps the epoch right after the index commit that makes the article
        // searchable, so both are awaited: a search may see it a moment before the bump).
        eventually(Duration::from_secs(1), "second index updated", || async {
            count().await == 1
        })
        .await;
        eventually(
            Duration::from_secs(1),
            "the second process's page cache retired",
            || async { other_db.epoch() > epoch_before },
        )
        .await;
        follower.abort();
        other_db.close().await;
    }
);

search_test!(
    suggestions_complete_headlines_and_tags,
    |app: TestApp| async move {
        app.db
            .create_article(&input(
                "مهرجان الأفلام القصيرة في مراكش يفتتح دورته",
                "يعرض المهرجان أفلاماً من عشرين بلداً.",
                &["سينما مغربية"],
                ArticleStatus::Published,
            ))
            .await
            .expect("article");
        let suggest = |typed: &'static str| {
            let app = &app;
            async move {
                let response = app
                    .get(&format!("/api/v1/search/suggest?q={}", q(typed)))
                    .await;
                assert_eq!(response.status().as_u16(), 200, "suggest {typed}");
                let v: Value = response.json().await.expect("json");
                v["suggestions"].as_array().expect("suggestions").clone()
            }
        };
        eventually(
            Duration::from_secs(10),
            "the article is indexed",
            || async {
                suggest("مهرجان الأف").await.iter().any(|s| {
                    s["kind"] == "headline"
                        && s["text"] == "مهرجان الأفلام القصيرة في مراكش يفتتح دورته"
                        && s["url"]
                            .as_str()
                            .is_some_and(|u| u.starts_with("/article/"))
                })
            },
        )
        .await;
        let tags = suggest("سينما مغ").await;
        assert!(
            tags.iter().any(|s| s["kind"] == "tag"
                && s["text"] == "سينما مغربية"
                && s["url"].as_str().is_some_and(|u| u.starts_with("/tag/"))),
            "{tags:?}"
        );
        // Tashkeel and hamza forms typed by the reader still complete.
        assert!(!suggest("مِهْرجان").await.is_empty());
        assert!(suggest("م").await.is_empty(), "one letter suggests nothing");
        assert!(suggest("<script>alert(1)</script>").await.is_empty());
        assert!(suggest("").await.is_empty());
        // The search box asks for them with JavaScript.
        let js = app.get("/").await.text().await.expect("home");
        assert!(js.contains("type=\"search\""));
    }
);

search_test!(a_near_miss_is_no_dead_end, |app: TestApp| async move {
    app.db
        .create_article(&input(
            "مهرجان التمور في واحة سيوة يستقبل الزوار",
            "تعرض الواحة عشرات الأصناف من التمور.",
            &[],
            ArticleStatus::Published,
        ))
        .await
        .expect("article");
    app.db
        .create_article(&input(
            "أسواق القاهرة الشعبية تستعد للموسم",
            "باعة القاهرة يعرضون بضائعهم.",
            &[],
            ArticleStatus::Published,
        ))
        .await
        .expect("article");
    let is_it = |t: &String| t.contains("واحة سيوة");
    eventually(
        Duration::from_secs(10),
        "the articles are indexed",
        || async {
            titles(&api(&app, &format!("q={}", q("سيوة"))).await)
                .iter()
                .any(is_it)
                && api(&app, &format!("q={}", q("الشعبية"))).await["total"] != 0
        },
    )
    .await;

    // One word more than the article has (the site uses it elsewhere): not every word
    // matches, and the closest article comes with the note, on the page and in the API.
    let query = q("مهرجان التمور في واحة سيوة القاهرة");
    let v = api(&app, &format!("q={query}")).await;
    assert_eq!(v["partial"], true, "{v}");
    assert!(titles(&v).iter().any(is_it), "{v}");
    let page = app
        .get(&format!("/search?q={query}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("لا نتائج تطابق كل الكلمات؛ هذه أقرب النتائج"));
    assert!(page.contains("واحة"));

    // A query about something never covered still finds nothing, with no note.
    let v = api(&app, &format!("q={}", q("زعفران كشمير"))).await;
    assert_eq!(v["total"], 0, "{v}");
    assert!(v.get("partial").is_none(), "{v}");

    // A misspelt word of the site's own vocabulary: found anyway, or offered as
    // «هل تقصد» with a link that finds it.
    let v = api(&app, &format!("q={}", q("مهرجانت التمور"))).await;
    let found = titles(&v).iter().any(is_it);
    let offered = v["did_you_mean"]
        .as_str()
        .is_some_and(|d| d.contains("مهرجان"));
    assert!(found || offered, "{v}");
    if offered {
        let page = app
            .get(&format!("/search?q={}", q("مهرجانت التمور")))
            .await
            .text()
            .await
            .expect("page");
        assert!(page.contains("هل تقصد"), "{page}");
        assert!(page.contains("class=\"search-did-you-mean\""), "{page}");
    }
});
