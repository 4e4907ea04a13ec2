//! The real WordPress exports of `../shared/fixtures/wxr/` (WordPress's theme unit test
//! data) and the hand-made Arabic site, imported on SQLite and PostgreSQL: what each kind
//! counts, hierarchies, threads, text byte for byte, and a second import changing nothing.

use std::collections::{HashMap, HashSet};
use std::io::BufReader;

use sahifa_testkit::{TestDb, both_backends};
use sahifa_wxr::{Entry, Item, Reader, TermKind};

use super::arabic_site::{self, Permalinks};
use super::{census, import, shared_fixture, write_file};

/// What the file itself says, read with the WXR reader and counted independently of the
/// importer: the numbers the import must arrive at.
#[derive(Debug, Default)]
struct Expected {
    posts: i64,
    pages: i64,
    category_slugs: HashSet<String>,
    categories_with_parent: i64,
    tag_slugs: HashSet<String>,
    logins: HashSet<String>,
    comments: i64,
    approved: i64,
    thread_depth: i64,
    items: Vec<Item>,
}

fn expected(name: &str) -> Expected {
    let file = std::fs::File::open(shared_fixture(name)).expect("fixture");
    let mut reader = Reader::new(BufReader::new(file));
    let mut e = Expected::default();
    let mut parents: HashMap<String, String> = HashMap::new();
    while let Some(entry) = reader.next_entry().expect("the fixture reads") {
        match entry {
            Entry::Author(a) => {
                e.logins
                    .insert(a.login.trim_matches(['<', '>']).to_string());
            }
            Entry::Term(t) => match t.kind {
                TermKind::Category => {
                    e.category_slugs.insert(t.slug.clone());
                    parents.insert(t.slug.clone(), t.parent_slug.clone());
                }
                TermKind::Tag => {
                    e.tag_slugs.insert(t.slug.clone());
                }
                TermKind::Other(_) => {}
            },
            Entry::Item(item) => {
                let keep = matches!(item.post_type.as_str(), "post" | "page")
                    && !matches!(item.status.as_str(), "auto-draft" | "trash" | "inherit");
                if !keep {
                    continue;
                }
                let creator = item.creator.trim_matches(['<', '>', ' ']).to_string();
                if !creator.is_empty() {
                    e.logins.insert(creator);
                }
                if item.post_type == "post" {
                    e.posts += 1;
                    for t in &item.terms {
                        match t.domain.as_str() {
                            "category" => {
                                e.category_slugs.insert(t.slug.clone());
                            }
                            "post_tag" => {
                                e.tag_slugs.insert(t.slug.clone());
                            }
                            _ => {}
                        }
                    }
                    let real: Vec<_> = item
                        .comments
                        .iter()
                        .filter(|c| matches!(c.comment_type.as_str(), "" | "comment"))
                        .collect();
                    e.comments += real.len() as i64;
                    e.approved += real.iter().filter(|c| c.approved == "1").count() as i64;
                    let parent: HashMap<i64, i64> = real.iter().map(|c| (c.id, c.parent)).collect();
                    for c in &real {
                        let (mut depth, mut at) = (1, c.parent);
                        while at != 0 {
                            depth += 1;
                            at = parent.get(&at).copied().unwrap_or(0);
                        }
                        e.thread_depth = e.thread_depth.max(depth);
                    }
                } else {
                    e.pages += 1;
                }
                e.items.push(*item);
            }
        }
    }
    e.categories_with_parent = e
        .category_slugs
        .iter()
        .filter(|s| parents.get(*s).is_some_and(|p| !p.is_empty()))
        .count() as i64;
    e
}

async fn deepest_thread(t: &TestDb) -> i64 {
    t.count(
        "WITH RECURSIVE d(id, depth) AS (SELECT id, 1 FROM comments WHERE parent_id IS NULL \
         UNION ALL SELECT c.id, d.depth + 1 FROM comments c JOIN d ON c.parent_id = d.id) \
         SELECT CAST(MAX(depth) AS BIGINT) FROM d",
    )
    .await
}

async fn imports_a_real_export(t: TestDb, name: &str) {
    let e = expected(name);
    let first = import(&t, &shared_fixture(name), &[])
        .await
        .expect("imports");
    let after = census(&t).await;
    assert_eq!(after.articles, e.posts, "{name}: articles");
    assert_eq!(after.pages, e.pages, "{name}: pages");
    assert_eq!(
        after.categories,
        e.category_slugs.len() as i64,
        "{name}: categories"
    );
    assert_eq!(
        t.count("SELECT COUNT(*) FROM categories WHERE parent_id IS NOT NULL")
            .await,
        e.categories_with_parent,
        "{name}: category hierarchy"
    );
    assert_eq!(after.tags, e.tag_slugs.len() as i64, "{name}: tags");
    assert_eq!(after.authors, e.logins.len() as i64, "{name}: authors");
    assert_eq!(after.comments, e.comments, "{name}: comments");
    assert_eq!(after.approved, e.approved, "{name}: approved comments");
    if e.comments > 0 {
        assert_eq!(
            deepest_thread(&t).await,
            e.thread_depth,
            "{name}: threading"
        );
    }
    assert_eq!(
        after.telegram_pending, 0,
        "{name}: nothing queued for Telegram"
    );
    assert_eq!(first.of("articles")[0], e.posts as u64);
    // Every title and every comment's author name byte for byte.
    for item in e
        .items
        .iter()
        .filter(|i| i.post_type == "post" && !i.title.trim().is_empty())
    {
        let found = t
            .count(&format!(
                "SELECT COUNT(*) FROM articles WHERE title = '{}'",
                item.title.replace('\'', "''")
            ))
            .await;
        assert!(
            found >= 1,
            "{name}: title {:?} kept byte for byte",
            item.title
        );
    }
    // Imported accounts cannot log in.
    assert_eq!(
        t.count("SELECT COUNT(*) FROM users WHERE active = TRUE OR password_hash <> ''")
            .await,
        0
    );
    let second = import(&t, &shared_fixture(name), &[])
        .await
        .expect("imports again");
    assert_eq!(
        census(&t).await,
        after,
        "{name}: a second import adds nothing"
    );
    for kind in [
        "articles",
        "pages",
        "categories",
        "tags",
        "authors",
        "comments",
        "redirects",
    ] {
        let [created, updated, _] = second.of(kind);
        assert_eq!(
            (created, updated),
            (0, 0),
            "{name}: {kind} unchanged the second time"
        );
    }
}

both_backends!(theme_unit_test_data, |t: TestDb| async move {
    imports_a_real_export(t, "themeunittestdata.wordpress.xml").await;
});

both_backends!(block_test_data, |t: TestDb| async move {
    imports_a_real_export(t, "64-block-test-data.xml").await;
});

both_backends!(theme_preview, |t: TestDb| async move {
    imports_a_real_export(t, "theme-preview.xml").await;
});

both_backends!(special_characters_and_hierarchy, |t: TestDb| async move {
    import(&t, &shared_fixture("themeunittestdata.wordpress.xml"), &[])
        .await
        .expect("imports");
    let e = expected("themeunittestdata.wordpress.xml");
    let special = e
        .items
        .iter()
        .find(|i| i.title.starts_with("Markup: Title With Special Characters"))
        .expect("the fixture has it");
    let stored: Vec<(String,)> = sqlx_titles(&t, "Markup: Title With Special Characters%").await;
    assert_eq!(stored, vec![(special.title.clone(),)]);
    // The page tree: Level 3 under Level 2 under Level 1, though children may come first.
    let level3_parent = t
        .count(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM pages c JOIN pages p ON p.id = c.parent_id \
             JOIN pages g ON g.id = p.parent_id \
             WHERE c.title = 'Level 3' AND p.title = 'Level 2' AND g.title = 'Level 1'",
        )
        .await;
    assert_eq!(level3_parent, 1);
    // The sticky post leads the home page; the password-protected one is nobody's to read.
    assert_eq!(t.count("SELECT COUNT(*) FROM home_pins").await, 1);
    assert_eq!(
        t.count(
            "SELECT COUNT(*) FROM articles WHERE title LIKE '%Password Protected%' AND status = 'draft'"
        )
        .await,
        1
    );
    // An article filed under many categories is listed under each of them.
    let many = t
        .count(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM article_categories ac JOIN articles a ON a.id = ac.article_id \
             WHERE a.title = 'Edge Case: Many Categories'",
        )
        .await;
    assert!(many >= 10, "{many} further categories");
});

async fn sqlx_titles(t: &TestDb, like: &str) -> Vec<(String,)> {
    match t.db.pool() {
        sahifa_store::Pool::Sqlite(pool) => {
            sqlx::query_as("SELECT title FROM articles WHERE title LIKE $1")
                .bind(like)
                .fetch_all(pool)
                .await
        }
        sahifa_store::Pool::Postgres(pool) => {
            sqlx::query_as("SELECT title FROM articles WHERE title LIKE $1")
                .bind(like)
                .fetch_all(pool)
                .await
        }
    }
    .expect("titles")
}

async fn one_string(t: &TestDb, sql: &str) -> String {
    let row: (String,) = match t.db.pool() {
        sahifa_store::Pool::Sqlite(pool) => sqlx::query_as(sql).fetch_one(pool).await,
        sahifa_store::Pool::Postgres(pool) => sqlx::query_as(sql).fetch_one(pool).await,
    }
    .expect("one value");
    row.0
}

both_backends!(an_arabic_news_site, |t: TestDb| async move {
    let dir = tempfile::tempdir().expect("tmp");
    let file = write_file(
        dir.path(),
        "site.xml",
        &arabic_site::export(Permalinks::PostName),
    );
    let report = import(&t, &file, &[]).await.expect("imports");
    let c = census(&t).await;
    // 101 and 105 published, 102 scheduled for 2030, 103 draft, 104 private (a draft).
    assert_eq!((c.articles, c.published), (5, 2));
    assert_eq!(
        t.count("SELECT COUNT(*) FROM articles WHERE status = 'scheduled'")
            .await,
        1
    );
    assert_eq!(c.pages, 2);
    assert_eq!((c.categories, c.tags), (4, 2));
    // Only Mona has an email: one account, disabled, without a password.
    assert_eq!((c.authors, c.accounts), (2, 1));
    // Four comments and the spam one; the pingback is skipped and counted.
    assert_eq!((c.comments, c.approved), (5, 3));
    assert_eq!(report.skipped.get("pingbacks"), Some(&1));
    assert_eq!(
        report
            .skipped
            .get("navigation menu items (rebuild menus under Appearance)"),
        Some(&1)
    );
    assert_eq!(report.skipped.get("revisions"), Some(&1));
    assert_eq!(c.telegram_pending, 0);
    // The title byte for byte: quotes, a backslash, a ZWNJ.
    assert_eq!(
        one_string(
            &t,
            "SELECT title FROM articles WHERE slug = 'عاجل-ارتفاع-أسعار-النفط'"
        )
        .await,
        arabic_site::OIL_TITLE
    );
    // `]]>` inside the body, rejoined from its two CDATA sections.
    let body = one_string(
        &t,
        "SELECT body_html FROM articles WHERE slug = 'عاجل-ارتفاع-أسعار-النفط'",
    )
    .await;
    assert!(body.contains("a[b]]&gt;c"), "{body}");
    assert!(body.contains("ميدل ايست نيوز:"), "{body}");
    assert!(
        body.contains(r#"data-provider="youtube""#),
        "the bare URL became an embed: {body}"
    );
    assert!(
        body.contains("<figcaption"),
        "the caption became a figure: {body}"
    );
    // The excerpt is the lead, as text.
    assert_eq!(
        one_string(
            &t,
            "SELECT lead FROM articles WHERE slug = 'عاجل-ارتفاع-أسعار-النفط'"
        )
        .await,
        "الأسعار تقفز مع التوتر في الخليج"
    );
    // Dates: a UTC date near midnight kept to the second; a post with only its local
    // date read in the site's +03:00 (learnt from the posts that give both).
    let published = |slug: &'static str| {
        let t = &t;
        async move {
            let at: (chrono::DateTime<chrono::Utc>,) = match t.db.pool() {
                sahifa_store::Pool::Sqlite(pool) => {
                    sqlx::query_as("SELECT published_at FROM articles WHERE slug = $1")
                        .bind(slug)
                        .fetch_one(pool)
                        .await
                }
                sahifa_store::Pool::Postgres(pool) => {
                    sqlx::query_as("SELECT published_at FROM articles WHERE slug = $1")
                        .bind(slug)
                        .fetch_one(pool)
                        .await
                }
            }
            .expect("published_at");
            at.0.to_rfc3339()
        }
    };
    assert_eq!(
        published("عاجل-ارتفاع-أسعار-النفط").await,
        "2026-03-19T21:30:00+00:00"
    );
    assert_eq!(published("الدوري-ينطلق").await, "2026-03-21T20:59:59+00:00");
    // Arabic names with Latin slugs and the reverse.
    assert_eq!(
        one_string(&t, "SELECT name FROM categories WHERE slug = 'economy'").await,
        "اقتصاد"
    );
    assert_eq!(
        one_string(&t, "SELECT name FROM categories WHERE slug = 'رياضة'").await,
        "Sports"
    );
    assert_eq!(
        one_string(
            &t,
            "SELECT p.slug FROM categories c JOIN categories p ON p.id = c.parent_id WHERE c.slug = 'نفط'"
        )
        .await,
        "economy",
        "a parent named after its child in the file"
    );
    // Threads resolved though the reply came first in the file; Arabic text without
    // double escaping.
    assert_eq!(deepest_thread(&t).await, 3);
    for (reply, answered) in [("سارة", "منى الحربي"), ("منى الحربي", "أحمد")]
    {
        assert_eq!(
            one_string(
                &t,
                &format!(
                    "SELECT p.author_name FROM comments c JOIN comments p ON p.id = c.parent_id \
                     WHERE c.author_name = '{reply}'"
                )
            )
            .await,
            answered,
            "{reply} answers {answered}"
        );
    }
    assert_eq!(
        one_string(&t, "SELECT body FROM comments WHERE author_name = 'أحمد'").await,
        "خبر مهم & مقلق جداً"
    );
    // The child page before its parent in the file still hangs under it.
    assert_eq!(
        one_string(
            &t,
            "SELECT p.slug FROM pages c JOIN pages p ON p.id = c.parent_id WHERE c.slug = 'فريق-التحرير'"
        )
        .await,
        "من-نحن"
    );
    // Comments stay closed where they were closed.
    assert_eq!(
        t.count(
            "SELECT COUNT(*) FROM comment_closed_articles x JOIN articles a ON a.id = x.article_id \
             WHERE a.slug = 'الدوري-ينطلق'"
        )
        .await,
        1
    );
    // Without --uploads the image stays on the old host, and the report says so.
    assert!(report.old_host_references >= 1);
    assert!(body.contains("https://news.example.com/wp-content/uploads/2026/03/oil"));
    let again = import(&t, &file, &[]).await.expect("imports again");
    assert_eq!(census(&t).await, c);
    assert_eq!(again.of("articles"), [0, 0, 5]);
});

both_backends!(
    a_newer_export_updates_what_changed,
    |t: TestDb| async move {
        let dir = tempfile::tempdir().expect("tmp");
        let old = arabic_site::export(Permalinks::PostName);
        let file = write_file(dir.path(), "site.xml", &old);
        import(&t, &file, &[]).await.expect("imports");
        let before = census(&t).await;
        // The last day again: one story corrected, one new comment.
        let newer = old
        .replace("ارتفعت أسعار النفط صباح اليوم.", "ارتفعت أسعار النفط بقوة صباح اليوم.")
        .replace(
            "</wp:comment>\n\t</item>",
            "</wp:comment>\n\t\t<wp:comment><wp:comment_id>207</wp:comment_id><wp:comment_author><![CDATA[ليلى]]></wp:comment_author><wp:comment_author_email><![CDATA[layla@example.org]]></wp:comment_author_email><wp:comment_date_gmt><![CDATA[2026-03-20 06:00:00]]></wp:comment_date_gmt><wp:comment_content><![CDATA[تعليق جديد]]></wp:comment_content><wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_type><![CDATA[comment]]></wp:comment_type><wp:comment_parent>201</wp:comment_parent></wp:comment>\n\t</item>",
        );
        assert_ne!(newer, old);
        let file = write_file(dir.path(), "site-newer.xml", &newer);
        let report = import(&t, &file, &[])
            .await
            .expect("imports the newer export");
        assert_eq!(report.of("articles"), [0, 1, 4]);
        assert_eq!(report.of("comments"), [1, 0, 5]);
        let after = census(&t).await;
        assert_eq!(after.articles, before.articles);
        assert_eq!(after.comments, before.comments + 1);
        assert_eq!(
            after.revisions,
            before.revisions + 1,
            "the correction is a revision"
        );
        let body = one_string(
            &t,
            "SELECT body_html FROM articles WHERE slug = 'عاجل-ارتفاع-أسعار-النفط'",
        )
        .await;
        assert!(body.contains("بقوة"));
    }
);

both_backends!(
    an_old_base_url_that_differs_from_the_file,
    |t: TestDb| async move {
        // The export names its staging host; the site really lived (and its bodies point) at
        // www.: --old-base-url says so, and the uploads are found and rewritten.
        let dir = tempfile::tempdir().expect("tmp");
        let staged = arabic_site::export(Permalinks::PostName)
            .replace(
                "<wp:base_site_url>https://news.example.com",
                "<wp:base_site_url>https://staging.example.net",
            )
            .replace(
                "<wp:base_blog_url>https://news.example.com",
                "<wp:base_blog_url>https://staging.example.net",
            );
        let file = write_file(dir.path(), "site.xml", &staged);
        let uploads = dir.path().join("uploads/2026/03");
        std::fs::create_dir_all(&uploads).expect("uploads");
        let photo = image::RgbImage::from_fn(640, 480, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        photo
            .save_with_format(uploads.join("oil.jpg"), image::ImageFormat::Jpeg)
            .expect("photo");
        let uploads_arg = dir
            .path()
            .join("uploads")
            .to_str()
            .expect("path")
            .to_string();
        let without = import(&t, &file, &["--dry-run", "--uploads", &uploads_arg])
            .await
            .expect("a dry run");
        assert_eq!(
            without.of("media")[0],
            0,
            "the staging host's uploads are not the bodies'"
        );
        let report = import(
            &t,
            &file,
            &[
                "--uploads",
                &uploads_arg,
                "--old-base-url",
                "https://news.example.com",
            ],
        )
        .await
        .expect("imports");
        assert_eq!(report.of("media")[0], 1);
        assert_eq!(report.old_host_references, 0);
        let body = one_string(
            &t,
            "SELECT body_html FROM articles WHERE slug = 'عاجل-ارتفاع-أسعار-النفط'",
        )
        .await;
        assert!(body.contains("/media/uploads/"), "{body}");
        assert!(!body.contains("news.example.com/wp-content"), "{body}");
        // The featured image is the imported file, its alt text the attachment's.
        let image = one_string(
            &t,
            "SELECT image_alt FROM articles WHERE slug = 'عاجل-ارتفاع-أسعار-النفط'",
        )
        .await;
        assert_eq!(image, "ناقلة نفط");
        assert_eq!(
            t.count("SELECT COUNT(*) FROM articles WHERE image_media_id IS NOT NULL")
                .await,
            1
        );
    }
);
