//! The storage layer's behaviour, run against SQLite and PostgreSQL alike.

use sahifa_testkit::Seed;
use std::collections::HashSet;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, SubsecRound, TimeZone, Utc};
use sahifa_newsroom::NewsroomError;
use sahifa_store::{
    Article, ArticleFilter, ArticleInput, ArticleStatus, ArticleSummary, AuthorInput, Backend,
    CategoryInput, Db, Image, SiteSettings, SlugKind,
};
use sahifa_testkit::{ArticleWrites, TestDb, both_backends};
use sqlx::Connection;

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/// A fixed moment all test timelines start from.
fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap()
}

/// `t0` plus `n` minutes.
fn minutes(n: i64) -> DateTime<Utc> {
    t0() + chrono::TimeDelta::minutes(n)
}

/// A published article input with nothing but a title and a publication time.
fn published(title: &str, at: DateTime<Utc>) -> ArticleInput {
    ArticleInput {
        slug: None,
        title: title.to_string(),
        lead: String::new(),
        body_html: String::new(),
        body_md: String::new(),
        dateline: None,
        source: None,
        author_id: None,
        category_id: None,
        tags: Vec::new(),
        status: ArticleStatus::Published,
        published_at: Some(at),
        image: None,
    }
}

fn with_status(mut input: ArticleInput, status: ArticleStatus) -> ArticleInput {
    input.status = status;
    input
}

fn in_category(mut input: ArticleInput, category_id: i64) -> ArticleInput {
    input.category_id = Some(category_id);
    input
}

fn tagged(mut input: ArticleInput, tags: &[&str]) -> ArticleInput {
    input.tags = tags.iter().map(|t| t.to_string()).collect();
    input
}

fn category(name: &str, parent_id: Option<i64>, position: i64) -> CategoryInput {
    CategoryInput {
        slug: None,
        name: name.to_string(),
        description: String::new(),
        parent_id,
        position,
    }
}

fn author(name: &str) -> AuthorInput {
    AuthorInput {
        slug: None,
        name: name.to_string(),
        bio: String::new(),
    }
}

async fn article(db: &Db, id: i64) -> Article {
    db.article_by_id(id)
        .await
        .expect("article_by_id")
        .unwrap_or_else(|| panic!("article {id} missing"))
}

async fn slug_of(db: &Db, id: i64) -> String {
    article(db, id).await.summary.slug
}

fn ids(items: &[ArticleSummary]) -> Vec<i64> {
    items.iter().map(|a| a.id).collect()
}

async fn listing(db: &Db, filter: ArticleFilter) -> Vec<i64> {
    let page = db
        .published_articles(filter, 1000, 0)
        .await
        .expect("published_articles");
    assert_eq!(
        page.total as usize,
        page.items.len(),
        "total disagrees with an unpaginated listing"
    );
    ids(&page.items)
}

/// Runs one statement on an independent connection, optionally with foreign keys off (to
/// build states the API refuses to create, such as an orphan category).
async fn raw_exec(t: &TestDb, sql: &str, foreign_keys_off: bool) {
    match t.db.backend() {
        Backend::Sqlite => {
            let options = sqlx::sqlite::SqliteConnectOptions::from_str(&t.url)
                .expect("sqlite url")
                .foreign_keys(!foreign_keys_off);
            let mut conn = sqlx::SqliteConnection::connect_with(&options)
                .await
                .expect("connect sqlite");
            sqlx::query(sql).execute(&mut conn).await.expect(sql);
            conn.close().await.expect("close");
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&t.url)
                .await
                .expect("connect postgres");
            if foreign_keys_off {
                sqlx::query("SET session_replication_role = replica")
                    .execute(&mut conn)
                    .await
                    .expect("disable foreign keys");
            }
            sqlx::query(sql).execute(&mut conn).await.expect(sql);
            conn.close().await.expect("close");
        }
    }
}

/// Runs a `SELECT COUNT(*)`-style query returning one BIGINT on an independent connection.
async fn raw_count(t: &TestDb, sql: &str) -> i64 {
    let (n,): (i64,) = match t.db.backend() {
        Backend::Sqlite => {
            let options = sqlx::sqlite::SqliteConnectOptions::from_str(&t.url).expect("sqlite url");
            let mut conn = sqlx::SqliteConnection::connect_with(&options)
                .await
                .expect("connect sqlite");
            let row = sqlx::query_as(sql).fetch_one(&mut conn).await.expect(sql);
            conn.close().await.expect("close");
            row
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&t.url)
                .await
                .expect("connect postgres");
            let row = sqlx::query_as(sql).fetch_one(&mut conn).await.expect(sql);
            conn.close().await.expect("close");
            row
        }
    };
    n
}

/// A slug already in use is refused on the slug field (or as a conflict when two writes
/// race for it), never stored twice and never a database error.
fn assert_conflict<T: std::fmt::Debug>(result: Result<T, NewsroomError>) {
    match result {
        Err(NewsroomError::Invalid(fields)) if fields.iter().any(|f| f.field == "slug") => {}
        Err(NewsroomError::Conflict { .. }) => {}
        other => panic!("expected the slug to be refused as taken, got {other:?}"),
    }
}

fn assert_invalid<T: std::fmt::Debug>(result: Result<T, NewsroomError>, field: &str) {
    match result {
        Err(NewsroomError::Invalid(fields)) => assert!(
            fields.iter().any(|f| f.field == field),
            "expected a problem with {field:?}, got {fields:?}"
        ),
        other => panic!("expected NewsroomError::Invalid({field:?}), got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Site settings
// ---------------------------------------------------------------------------------------

both_backends!(settings_default_when_unset, |t: TestDb| async move {
    let settings = t.db.site_settings().await.expect("site_settings");
    assert_eq!(settings, SiteSettings::default());
    assert_eq!(settings.name, "صحيفة");
    assert_eq!(settings.locale, "ar");
    assert_eq!(settings.time_zone, "UTC");
    assert_eq!(settings.digit_style, "western");
    assert_eq!(t.db.setting("site.name").await.unwrap(), None);
    assert_eq!(t.db.setting("no.such.key").await.unwrap(), None);
});

both_backends!(settings_round_trip_arabic_values, |t: TestDb| async move {
    let wanted = SiteSettings {
        name: "صحيفة الشرق".into(),
        tagline: "أخبارٌ من بيروت إلى بغداد — «كل يوم»".into(),
        locale: "ar".into(),
        time_zone: "Asia/Beirut".into(),
        digit_style: "arabic-indic".into(),
        telegram_channel: "sharq_news".into(),
    };
    t.db.save_site_settings(&wanted).await.expect("save");
    assert_eq!(t.db.site_settings().await.unwrap(), wanted);
    assert_eq!(
        t.db.setting("site.tagline").await.unwrap().as_deref(),
        Some("أخبارٌ من بيروت إلى بغداد — «كل يوم»")
    );

    // Saving again replaces every value (including back to empty).
    let second = SiteSettings {
        name: "صحيفة".into(),
        tagline: String::new(),
        locale: "en".into(),
        time_zone: "Asia/Riyadh".into(),
        digit_style: "western".into(),
        telegram_channel: String::new(),
    };
    t.db.save_site_settings(&second).await.expect("save again");
    assert_eq!(t.db.site_settings().await.unwrap(), second);

    // Another process sees the same values.
    let other = Db::connect(&t.url).await.expect("second handle");
    assert_eq!(other.site_settings().await.unwrap(), second);
    other.close().await;
});

both_backends!(set_setting_upserts, |t: TestDb| async move {
    t.db.set_setting("site.name", "الأولى")
        .await
        .expect("insert");
    assert_eq!(
        t.db.setting("site.name").await.unwrap().as_deref(),
        Some("الأولى")
    );
    t.db.set_setting("site.name", "الثانية")
        .await
        .expect("update");
    assert_eq!(
        t.db.setting("site.name").await.unwrap().as_deref(),
        Some("الثانية")
    );
    assert_eq!(t.db.site_settings().await.unwrap().name, "الثانية");
    // Unknown keys are stored too, without disturbing the known ones.
    t.db.set_setting("feature.x", "نعم")
        .await
        .expect("other key");
    assert_eq!(
        t.db.setting("feature.x").await.unwrap().as_deref(),
        Some("نعم")
    );
    let settings = t.db.site_settings().await.unwrap();
    assert_eq!(settings.name, "الثانية");
    assert_eq!(settings.tagline, SiteSettings::default().tagline);
});

// ---------------------------------------------------------------------------------------
// Authors
// ---------------------------------------------------------------------------------------

both_backends!(authors_create_read_and_rename, |t: TestDb| async move {
    let sara =
        t.db.create_author(&AuthorInput {
            slug: None,
            name: "  سارة الخطيب ".into(),
            bio: " مراسلة في بيروت ".into(),
        })
        .await
        .expect("create author");
    let desk =
        t.db.create_author(&AuthorInput {
            slug: Some("News Desk".into()),
            name: "المحرر".into(),
            bio: String::new(),
        })
        .await
        .expect("create second author");

    let found =
        t.db.author_by_slug("سارة-الخطيب")
            .await
            .unwrap()
            .expect("by slug");
    assert_eq!(found.id, sara);
    assert_eq!(found.name, "سارة الخطيب");
    assert_eq!(found.bio, "مراسلة في بيروت");
    assert_eq!(
        t.db.author_by_name("سارة الخطيب")
            .await
            .unwrap()
            .map(|a| a.id),
        Some(sara)
    );
    assert_eq!(
        t.db.author_by_slug("news-desk")
            .await
            .unwrap()
            .map(|a| a.id),
        Some(desk)
    );
    assert_eq!(t.db.author_by_slug("nobody").await.unwrap(), None);

    // Ordered by name: «المحرر» sorts before «سارة الخطيب».
    let all: Vec<i64> = t.db.authors().await.unwrap().iter().map(|a| a.id).collect();
    assert_eq!(all, vec![desk, sara]);

    let new_slug = t.db.rename_author_slug(sara, "سارة").await.expect("rename");
    assert_eq!(new_slug, "سارة");
    assert_eq!(t.db.author_by_slug("سارة-الخطيب").await.unwrap(), None);
    assert_eq!(
        t.db.redirect_target(SlugKind::Author, "سارة-الخطيب")
            .await
            .unwrap()
            .as_deref(),
        Some("سارة")
    );
    assert_eq!(
        t.db.redirect_target(SlugKind::Category, "سارة-الخطيب")
            .await
            .unwrap(),
        None
    );
    assert!(matches!(
        t.db.rename_author_slug(9999, "x").await,
        Err(NewsroomError::NotFound)
    ));
});

// ---------------------------------------------------------------------------------------
// Categories
// ---------------------------------------------------------------------------------------

both_backends!(
    categories_parents_before_children_in_position_order,
    |t: TestDb| async move {
        let db = &t.db;
        // Created in an order unlike the expected one, with children whose position is lower
        // than their parent's so a flat ORDER BY position would put them first.
        let news = db
            .create_category(&category("أخبار", None, 2))
            .await
            .unwrap();
        let politics = db
            .create_category(&category("سياسة", Some(news), 1))
            .await
            .unwrap();
        let economy = db
            .create_category(&category("اقتصاد", Some(news), 0))
            .await
            .unwrap();
        let sport = db
            .create_category(&category("رياضة", None, 1))
            .await
            .unwrap();
        let lebanon = db
            .create_category(&category("لبنان", Some(politics), 0))
            .await
            .unwrap();
        let football = db
            .create_category(&category("كرة القدم", Some(sport), 5))
            .await
            .unwrap();
        let culture = db
            .create_category(&category("ثقافة", None, 3))
            .await
            .unwrap();

        let order: Vec<i64> = db
            .categories()
            .await
            .unwrap()
            .iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(
            order,
            vec![sport, football, news, economy, politics, lebanon, culture],
            "expected depth-first tree order by position"
        );

        let all = db.categories().await.unwrap();
        let pol = all.iter().find(|c| c.id == politics).unwrap();
        assert_eq!(pol.parent_id, Some(news));
        assert_eq!(pol.slug, "سياسة");
        assert_eq!(pol.position, 1);
        assert_eq!(
            db.category_by_slug("كرة-القدم")
                .await
                .unwrap()
                .map(|c| c.id),
            Some(football)
        );
        assert_eq!(
            db.category_by_name("ثقافة").await.unwrap().map(|c| c.id),
            Some(culture)
        );
        assert_eq!(db.category_by_slug("غير-موجود").await.unwrap(), None);
    }
);

both_backends!(
    categories_orphans_and_cycles_are_not_lost,
    |t: TestDb| async move {
        let db = &t.db;
        let root = db
            .create_category(&category("أخبار", None, 0))
            .await
            .unwrap();
        let a = db.create_category(&category("ألف", None, 1)).await.unwrap();
        let b = db
            .create_category(&category("باء", Some(a), 0))
            .await
            .unwrap();
        let child_of_b = db
            .create_category(&category("جيم", Some(b), 0))
            .await
            .unwrap();
        let orphan = db.create_category(&category("دال", None, 2)).await.unwrap();

        // a → b → a, and `orphan` pointing at a category that does not exist.
        raw_exec(
            &t,
            &format!("UPDATE categories SET parent_id = {b} WHERE id = {a}"),
            false,
        )
        .await;
        raw_exec(
            &t,
            &format!("UPDATE categories SET parent_id = 987654 WHERE id = {orphan}"),
            true,
        )
        .await;

        let all = db.categories().await.expect("categories");
        let got: Vec<i64> = all.iter().map(|c| c.id).collect();
        assert_eq!(got.len(), 5, "rows lost or duplicated: {got:?}");
        let unique: HashSet<i64> = got.iter().copied().collect();
        assert_eq!(unique, HashSet::from([root, a, b, child_of_b, orphan]));
        // The orphan counts as a root and comes after `root` by position, before the cycle.
        let pos = |id: i64| got.iter().position(|x| *x == id).unwrap();
        assert!(pos(root) < pos(orphan));
        assert!(pos(orphan) < pos(a) && pos(orphan) < pos(b));
        assert_eq!(all[pos(orphan)].parent_id, Some(987654));

        // A category filter on a cycle terminates and covers the cycle.
        let x = db
            .create_article(&in_category(
                published("خبر في الحلقة", minutes(1)),
                child_of_b,
            ))
            .await
            .unwrap();
        assert_eq!(
            listing(
                db,
                ArticleFilter {
                    category_id: Some(a),
                    ..Default::default()
                }
            )
            .await,
            vec![x]
        );
    }
);

both_backends!(category_rename_keeps_redirect, |t: TestDb| async move {
    let db = &t.db;
    let id = db
        .create_category(&category("الأخبار المحلية", None, 0))
        .await
        .unwrap();
    let other = db
        .create_category(&category("دولي", None, 1))
        .await
        .unwrap();
    let newsroom = sahifa_newsroom::Newsroom::new(db.clone());
    let reslug = |position: i64, name: &str, slug: &str| sahifa_newsroom::taxonomy::CategoryDraft {
        name: name.to_string(),
        slug: slug.to_string(),
        position: position.to_string(),
        ..Default::default()
    };
    newsroom
        .update_category(
            &sahifa_newsroom::Actor::System,
            id,
            &reslug(0, "الأخبار المحلية", "محلي"),
        )
        .await
        .unwrap();
    assert_eq!(
        db.category_by_slug("محلي").await.unwrap().map(|c| c.id),
        Some(id)
    );
    assert_eq!(db.category_by_slug("الأخبار-المحلية").await.unwrap(), None);
    assert_eq!(
        db.redirect_target(SlugKind::Category, "الأخبار-المحلية")
            .await
            .unwrap()
            .as_deref(),
        Some("محلي")
    );
    // Renaming onto a taken slug is a conflict and changes nothing.
    assert_invalid(
        newsroom
            .update_category(
                &sahifa_newsroom::Actor::System,
                other,
                &reslug(1, "دولي", "محلي"),
            )
            .await,
        "slug",
    );
    assert_eq!(
        db.category_by_slug("دولي").await.unwrap().map(|c| c.id),
        Some(other)
    );
});

// ---------------------------------------------------------------------------------------
// Tags
// ---------------------------------------------------------------------------------------

both_backends!(
    ensure_tag_is_idempotent_and_ignores_tashkeel_and_tatweel,
    |t: TestDb| async move {
        let db = &t.db;
        let plain = db.ensure_tag("سياسة").await.expect("ensure");
        assert_eq!(plain.slug, "سياسة");
        assert_eq!(plain.name, "سياسة");
        let again = db.ensure_tag("سياسة").await.expect("ensure again");
        assert_eq!(again, plain);
        // Kasra on the sin, tatweel in the middle, surrounding spaces.
        let vowelled = db.ensure_tag("س\u{0650}ياسة").await.unwrap();
        let stretched = db
            .ensure_tag("  سي\u{0640}\u{0640}\u{0640}اسة ")
            .await
            .unwrap();
        assert_eq!(vowelled.id, plain.id);
        assert_eq!(stretched.id, plain.id);
        // The first spelling stays the display name.
        assert_eq!(stretched.name, "سياسة");

        let other = db.ensure_tag("اقتصاد").await.unwrap();
        assert_ne!(other.id, plain.id);
        assert_eq!(db.tags_with_counts().await.unwrap().len(), 2);
        assert_eq!(
            db.tag_by_slug("سياسة").await.unwrap().map(|t| t.id),
            Some(plain.id)
        );

        // Articles given both spellings get one tag link.
        let id = db
            .create_article(&tagged(
                published("خبر", minutes(0)),
                &["سياسة", "سِياسة", "سيـاسة", " "],
            ))
            .await
            .unwrap();
        let tags = article(db, id).await.tags;
        assert_eq!(
            tags.iter().map(|t| t.id).collect::<Vec<_>>(),
            vec![plain.id]
        );
    }
);

both_backends!(
    tags_with_counts_counts_only_published,
    |t: TestDb| async move {
        let db = &t.db;
        for (i, status) in [
            ArticleStatus::Published,
            ArticleStatus::Published,
            ArticleStatus::Draft,
            ArticleStatus::Scheduled,
        ]
        .into_iter()
        .enumerate()
        {
            let input = with_status(
                tagged(
                    published(&format!("مقال {i}"), minutes(i as i64)),
                    &["سياسة", "لبنان"],
                ),
                status,
            );
            db.create_article(&tagged(
                input,
                &["سياسة", if i == 0 { "لبنان" } else { "سوريا" }],
            ))
            .await
            .unwrap();
        }
        db.create_article(&with_status(
            tagged(published("مسودة", minutes(9)), &["رياضة"]),
            ArticleStatus::Draft,
        ))
        .await
        .unwrap();
        db.ensure_tag("بلا مقالات").await.unwrap();

        let counts: Vec<(String, i64)> = db
            .tags_with_counts()
            .await
            .unwrap()
            .into_iter()
            .map(|t| (t.name, t.articles))
            .collect();
        // سياسة: 2 published (+1 draft, +1 scheduled); لبنان: 1; سوريا: 1 published + draft +
        // scheduled; رياضة only on a draft; «بلا مقالات» on nothing. Most used first, then name.
        assert_eq!(counts[0], ("سياسة".to_string(), 2));
        let map: std::collections::HashMap<String, i64> = counts.iter().cloned().collect();
        assert_eq!(map.len(), 5);
        assert_eq!(map["لبنان"], 1);
        assert_eq!(map["سوريا"], 1);
        assert_eq!(map["رياضة"], 0);
        assert_eq!(map["بلا مقالات"], 0);
        let numbers: Vec<i64> = counts.iter().map(|(_, n)| *n).collect();
        let mut sorted = numbers.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(numbers, sorted, "tags are not most-used first");
    }
);

// ---------------------------------------------------------------------------------------
// Articles
// ---------------------------------------------------------------------------------------

both_backends!(
    article_slug_is_derived_normalised_and_unique,
    |t: TestDb| async move {
        let db = &t.db;
        let title = "الر\u{0651}\u{064E}ئيس ي\u{0640}\u{0640}\u{0640}زور بيروت، اليوم!";
        let first = db
            .create_article(&published(title, minutes(0)))
            .await
            .expect("create");
        let slug = slug_of(db, first).await;
        assert_eq!(slug, "الرئيس-يزور-بيروت-اليوم");
        assert!(
            !slug
                .chars()
                .any(|c| ('\u{064B}'..='\u{065F}').contains(&c) || c == '\u{0640}')
        );
        assert!(!slug.contains(' '));

        let second = db
            .create_article(&published(title, minutes(1)))
            .await
            .unwrap();
        let third = db
            .create_article(&published("الرئيس يزور بيروت اليوم", minutes(2)))
            .await
            .unwrap();
        assert_eq!(slug_of(db, second).await, "الرئيس-يزور-بيروت-اليوم-2");
        assert_eq!(slug_of(db, third).await, "الرئيس-يزور-بيروت-اليوم-3");

        // A wanted slug is normalised the same way (digits too) and also made unique.
        let mut input = published("عنوان آخر", minutes(3));
        input.slug = Some(" قمة ٢٠٢٤ ".into());
        let fourth = db.create_article(&input).await.unwrap();
        assert_eq!(slug_of(db, fourth).await, "قمة-2024");
        let fifth = db.create_article(&input).await.unwrap();
        assert_eq!(slug_of(db, fifth).await, "قمة-2024-2");

        // Title stored trimmed and as written (tashkeel kept in the title itself).
        assert_eq!(article(db, first).await.summary.title, title);
        assert_eq!(db.article_count().await.unwrap(), 5);
    }
);

both_backends!(article_validation, |t: TestDb| async move {
    let db = &t.db;
    assert_invalid(
        db.create_article(&published("   ", minutes(0))).await,
        "title",
    );
    let mut scheduled = with_status(published("موعد لاحق", minutes(0)), ArticleStatus::Scheduled);
    scheduled.published_at = None;
    assert_invalid(db.create_article(&scheduled).await, "publish_date");
    // A title with nothing sluggable in it.
    assert_invalid(
        db.create_article(&published("!!!", minutes(0))).await,
        "slug",
    );
    assert_eq!(
        db.article_count().await.unwrap(),
        0,
        "a refused article was stored"
    );

    // Update refuses the same inputs and leaves the row alone.
    let id = db
        .create_article(&published("خبر صحيح", minutes(0)))
        .await
        .unwrap();
    assert_invalid(
        db.update_article(id, &published("", minutes(0))).await,
        "title",
    );
    assert_invalid(db.update_article(id, &scheduled).await, "publish_date");
    assert_eq!(article(db, id).await.summary.title, "خبر صحيح");
    match db
        .update_article(424242, &published("لا يوجد", minutes(0)))
        .await
    {
        Err(NewsroomError::NotFound) => {}
        other => panic!("expected NotFound, got {other:?}"),
    }
});

both_backends!(published_without_time_gets_now, |t: TestDb| async move {
    let db = &t.db;
    let before = Utc::now().trunc_subsecs(0);
    let mut input = published("عاجل", minutes(0));
    input.published_at = None;
    let id = db.create_article(&input).await.unwrap();
    let after = Utc::now();
    let a = article(db, id).await;
    let at = a.summary.published_at.expect("published_at set on publish");
    assert!(before <= at && at <= after, "{before} <= {at} <= {after}");
    assert!(before <= a.created_at && a.created_at <= after);
    assert_eq!(a.summary.status, ArticleStatus::Published);

    // A draft without a time stays without one.
    let mut draft = with_status(published("مسودة", minutes(0)), ArticleStatus::Draft);
    draft.published_at = None;
    let d = db.create_article(&draft).await.unwrap();
    assert_eq!(article(db, d).await.summary.published_at, None);
});

both_backends!(article_fields_markdown_and_tags, |t: TestDb| async move {
    let db = &t.db;
    let author_id = db.create_author(&author("سارة")).await.unwrap();
    let category_id = db
        .create_category(&category("لبنان", None, 0))
        .await
        .unwrap();
    let input = ArticleInput {
        slug: None,
        title: "  انتخابات بلدية  ".into(),
        lead: "  مقدمة قصيرة ".into(),
        body_html: String::new(),
        body_md: "فقرة **مهمة** و[رابط](https://example.com).\n\n<script>alert('x')</script>\n\n<p onclick=\"evil()\">نص</p>\n\n[خطر](javascript:alert(1))".into(),
        dateline: Some("  بيروت ".into()),
        source: Some("   ".into()),
        author_id: Some(author_id),
        category_id: Some(category_id),
        tags: vec!["لبنان".into(), "انتخابات".into(), "لبنان".into()],
        status: ArticleStatus::Published,
        published_at: Some(minutes(5)),
        image: Some(Image {
            url: "/media/a.jpg".into(),
            alt: "صندوق اقتراع".into(),
            caption: "من الأرشيف".into(),
            width: Some(1200),
            height: Some(800),
        }),
    };
    let id = db.create_article(&input).await.unwrap();
    let a = article(db, id).await;
    assert_eq!(a.summary.title, "انتخابات بلدية");
    assert_eq!(a.summary.lead, "مقدمة قصيرة");
    // The Markdown came in and the body schema's HTML is stored.
    assert!(
        a.body_html.starts_with("<p dir=\"auto\">فقرة "),
        "{}",
        a.body_html
    );
    assert!(
        a.body_html.contains("<strong>مهمة</strong>"),
        "{}",
        a.body_html
    );
    assert!(
        a.body_html.contains("href=\"https://example.com\""),
        "{}",
        a.body_html
    );
    assert!(!a.body_html.contains("<script"), "{}", a.body_html);
    assert!(!a.body_html.contains("alert"), "{}", a.body_html);
    assert!(!a.body_html.contains("onclick"), "{}", a.body_html);
    assert!(!a.body_html.contains("javascript:"), "{}", a.body_html);
    assert_eq!(a.dateline.as_deref(), Some("بيروت"));
    assert_eq!(a.source, None, "a blank source should be stored as none");
    assert_eq!(
        a.summary.author.as_ref().map(|n| (n.id, n.name.as_str())),
        Some((author_id, "سارة"))
    );
    assert_eq!(
        a.summary.category.as_ref().map(|n| (n.id, n.slug.as_str())),
        Some((category_id, "لبنان"))
    );
    assert_eq!(a.summary.image, input.image);
    let mut tag_names: Vec<String> = a.tags.iter().map(|t| t.name.clone()).collect();
    tag_names.sort();
    assert_eq!(tag_names, vec!["انتخابات".to_string(), "لبنان".to_string()]);
    assert_eq!(
        db.published_article(&a.summary.slug)
            .await
            .unwrap()
            .as_ref(),
        Some(&a)
    );

    // Update replaces the tag set and the rendered body.
    let mut changed = input.clone();
    changed.tags = vec!["بلديات".into()];
    changed.body_md = "# عنوان\n\nنص *جديد*".into();
    changed.image = None;
    db.update_article(id, &changed).await.unwrap();
    let b = article(db, id).await;
    assert_eq!(
        b.tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        vec!["بلديات"]
    );
    assert!(b.body_html.contains("<em>جديد</em>"), "{}", b.body_html);
    assert!(!b.body_html.contains("مهمة"));
    assert_eq!(b.summary.image, None);
    assert_eq!(
        b.summary.slug, a.summary.slug,
        "slug changed although none was asked for"
    );
    assert_eq!(
        db.redirect_target(SlugKind::Article, &a.summary.slug)
            .await
            .unwrap(),
        None
    );
});

both_backends!(
    published_article_hides_drafts_and_scheduled,
    |t: TestDb| async move {
        let db = &t.db;
        let live = db
            .create_article(&published("منشور", minutes(0)))
            .await
            .unwrap();
        let draft = db
            .create_article(&with_status(
                published("مسودة", minutes(0)),
                ArticleStatus::Draft,
            ))
            .await
            .unwrap();
        let future = db
            .create_article(&with_status(
                published("مجدول", Utc::now() + chrono::TimeDelta::days(2)),
                ArticleStatus::Scheduled,
            ))
            .await
            .unwrap();
        // Scheduled with a time already past is still not public until its status changes.
        let overdue = db
            .create_article(&with_status(
                published("مجدول فات", minutes(0)),
                ArticleStatus::Scheduled,
            ))
            .await
            .unwrap();

        assert!(
            db.published_article(&slug_of(db, live).await)
                .await
                .unwrap()
                .is_some()
        );
        for id in [draft, future, overdue] {
            let a = article(db, id).await;
            assert_ne!(a.summary.status, ArticleStatus::Published);
            assert_eq!(
                db.published_article(&a.summary.slug).await.unwrap(),
                None,
                "{id} is public"
            );
        }
        assert_eq!(db.published_article("لا-يوجد").await.unwrap(), None);

        // Unpublishing hides it again.
        let slug = slug_of(db, live).await;
        db.update_article(
            live,
            &with_status(published("منشور", minutes(0)), ArticleStatus::Draft),
        )
        .await
        .unwrap();
        assert_eq!(db.published_article(&slug).await.unwrap(), None);
    }
);

both_backends!(
    article_slug_change_redirects_through_chains,
    |t: TestDb| async move {
        let db = &t.db;
        let id = db
            .create_article(&published("الخبر الأول", minutes(0)))
            .await
            .unwrap();
        let bystander = db
            .create_article(&published("خبر آخر", minutes(1)))
            .await
            .unwrap();
        let first = slug_of(db, id).await;
        assert_eq!(first, "الخبر-الأول");

        let mut input = published("الخبر الأول", minutes(0));
        input.slug = Some("الخبر المحدث".into());
        db.update_article(id, &input).await.unwrap();
        assert_eq!(slug_of(db, id).await, "الخبر-المحدث");
        assert_eq!(
            db.redirect_target(SlugKind::Article, &first)
                .await
                .unwrap()
                .as_deref(),
            Some("الخبر-المحدث")
        );
        assert_eq!(db.published_article(&first).await.unwrap(), None);

        input.slug = Some("الخبر النهائي".into());
        db.update_article(id, &input).await.unwrap();
        for old in [first.as_str(), "الخبر-المحدث"] {
            assert_eq!(
                db.redirect_target(SlugKind::Article, old)
                    .await
                    .unwrap()
                    .as_deref(),
                Some("الخبر-النهائي"),
                "{old} does not reach the newest slug"
            );
        }
        assert!(
            db.published_article("الخبر-النهائي")
                .await
                .unwrap()
                .is_some()
        );
        // Other kinds and unknown slugs do not resolve.
        assert_eq!(
            db.redirect_target(SlugKind::Tag, &first).await.unwrap(),
            None
        );
        assert_eq!(
            db.redirect_target(SlugKind::Article, "مجهول")
                .await
                .unwrap(),
            None
        );

        // Renaming onto another article's slug gets a suffix instead of stealing it.
        input.slug = Some(slug_of(db, bystander).await);
        db.update_article(id, &input).await.unwrap();
        assert_eq!(slug_of(db, id).await, "خبر-آخر-2");
        assert_eq!(slug_of(db, bystander).await, "خبر-آخر");
        assert_eq!(
            db.redirect_target(SlugKind::Article, first.as_str())
                .await
                .unwrap()
                .as_deref(),
            Some("خبر-آخر-2")
        );

        // Going back to an earlier slug works and that slug no longer redirects to itself.
        input.slug = Some(first.clone());
        db.update_article(id, &input).await.unwrap();
        assert_eq!(slug_of(db, id).await, first);
        assert_eq!(
            db.redirect_target(SlugKind::Article, &first).await.unwrap(),
            None
        );
        assert_eq!(
            db.redirect_target(SlugKind::Article, "الخبر-النهائي")
                .await
                .unwrap()
                .as_deref(),
            Some(first.as_str())
        );
    }
);

both_backends!(
    delete_article_removes_row_links_and_redirects,
    |t: TestDb| async move {
        let db = &t.db;
        let id = db
            .create_article(&tagged(published("سيحذف", minutes(0)), &["وسم"]))
            .await
            .unwrap();
        let keep = db
            .create_article(&tagged(published("يبقى", minutes(1)), &["وسم"]))
            .await
            .unwrap();
        let mut input = tagged(published("سيحذف", minutes(0)), &["وسم"]);
        input.slug = Some("اسم جديد".into());
        db.update_article(id, &input).await.unwrap();
        assert!(
            db.redirect_target(SlugKind::Article, "سيحذف")
                .await
                .unwrap()
                .is_some()
        );
        assert_eq!(db.tags_with_counts().await.unwrap()[0].articles, 2);

        let redirects_of = format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM slug_redirects WHERE kind = 'article' AND target_id = {id}"
        );
        assert_eq!(raw_count(&t, &redirects_of).await, 1);
        db.delete_article(id).await.unwrap();
        assert_eq!(
            raw_count(&t, &redirects_of).await,
            0,
            "redirect rows outlived the article"
        );
        let links =
            format!("SELECT CAST(COUNT(*) AS BIGINT) FROM article_tags WHERE article_id = {id}");
        assert_eq!(
            raw_count(&t, &links).await,
            0,
            "tag links outlived the article"
        );
        assert_eq!(db.article_by_id(id).await.unwrap(), None);
        assert_eq!(db.published_article("اسم-جديد").await.unwrap(), None);
        assert_eq!(
            db.redirect_target(SlugKind::Article, "سيحذف")
                .await
                .unwrap(),
            None
        );
        assert_eq!(db.article_count().await.unwrap(), 1);
        assert_eq!(db.tags_with_counts().await.unwrap()[0].articles, 1);
        assert_eq!(listing(db, ArticleFilter::default()).await, vec![keep]);
        // The freed slug can be used again, without a suffix.
        let again = db
            .create_article(&published("سيحذف", minutes(2)))
            .await
            .unwrap();
        assert_eq!(slug_of(db, again).await, "سيحذف");
    }
);

// ---------------------------------------------------------------------------------------
// Listings
// ---------------------------------------------------------------------------------------

both_backends!(
    listing_newest_first_with_ties_by_id_and_pagination,
    |t: TestDb| async move {
        let db = &t.db;
        let old = db
            .create_article(&published("قديم", minutes(0)))
            .await
            .unwrap();
        let newest = db
            .create_article(&published("الأحدث", minutes(30)))
            .await
            .unwrap();
        // Three with the same time: the later id first.
        let tie1 = db
            .create_article(&published("متزامن أ", minutes(10)))
            .await
            .unwrap();
        let tie2 = db
            .create_article(&published("متزامن ب", minutes(10)))
            .await
            .unwrap();
        let tie3 = db
            .create_article(&published("متزامن ج", minutes(10)))
            .await
            .unwrap();
        // Sub-second differences are dropped on write, so these tie too.
        let sub1 = db
            .create_article(&published(
                "كسر أ",
                minutes(20) + chrono::TimeDelta::milliseconds(900),
            ))
            .await
            .unwrap();
        let sub2 = db
            .create_article(&published(
                "كسر ب",
                minutes(20) + chrono::TimeDelta::milliseconds(100),
            ))
            .await
            .unwrap();
        db.create_article(&with_status(
            published("مسودة", minutes(40)),
            ArticleStatus::Draft,
        ))
        .await
        .unwrap();
        db.create_article(&with_status(
            published("مجدول", minutes(50)),
            ArticleStatus::Scheduled,
        ))
        .await
        .unwrap();

        let expected = vec![newest, sub2, sub1, tie3, tie2, tie1, old];
        assert_eq!(listing(db, ArticleFilter::default()).await, expected);

        let mut paged = Vec::new();
        for (offset, len) in [(0, 3), (3, 3), (6, 1), (9, 0)] {
            let page = db
                .published_articles(ArticleFilter::default(), 3, offset)
                .await
                .unwrap();
            assert_eq!(page.total, 7, "total at offset {offset}");
            assert_eq!(page.items.len(), len, "page length at offset {offset}");
            paged.extend(ids(&page.items));
        }
        assert_eq!(paged, expected);
        let empty = db
            .published_articles(ArticleFilter::default(), 0, 0)
            .await
            .unwrap();
        assert!(empty.items.is_empty());
        assert_eq!(empty.total, 7);
        assert!(
            db.published_articles(ArticleFilter::default(), 10, 0)
                .await
                .unwrap()
                .items
                .iter()
                .all(|a| a.status == ArticleStatus::Published)
        );
    }
);

both_backends!(
    listing_filters_by_category_with_descendants_tag_and_author,
    |t: TestDb| async move {
        let db = &t.db;
        let news = db
            .create_category(&category("أخبار", None, 0))
            .await
            .unwrap();
        let politics = db
            .create_category(&category("سياسة", Some(news), 0))
            .await
            .unwrap();
        let lebanon = db
            .create_category(&category("لبنان", Some(politics), 0))
            .await
            .unwrap();
        let sport = db
            .create_category(&category("رياضة", None, 1))
            .await
            .unwrap();
        let sara = db.create_author(&author("سارة")).await.unwrap();
        let omar = db.create_author(&author("عمر")).await.unwrap();

        let by = |title: &str, n: i64, cat: i64, who: i64, tags: &[&str]| {
            let mut input = tagged(in_category(published(title, minutes(n)), cat), tags);
            input.author_id = Some(who);
            input
        };
        let in_news = db
            .create_article(&by("في الأخبار", 1, news, sara, &["عاجل"]))
            .await
            .unwrap();
        let in_politics = db
            .create_article(&by("في السياسة", 2, politics, omar, &[]))
            .await
            .unwrap();
        let in_lebanon = db
            .create_article(&by("في لبنان", 3, lebanon, sara, &["عاجل", "بيروت"]))
            .await
            .unwrap();
        let in_sport = db
            .create_article(&by("في الرياضة", 4, sport, omar, &["عاجل"]))
            .await
            .unwrap();
        let draft_lebanon = db
            .create_article(&with_status(
                by("مسودة لبنان", 5, lebanon, sara, &["عاجل"]),
                ArticleStatus::Draft,
            ))
            .await
            .unwrap();
        let scheduled_news = db
            .create_article(&with_status(
                by("مجدول", 6, news, omar, &["عاجل"]),
                ArticleStatus::Scheduled,
            ))
            .await
            .unwrap();
        let uncategorised = db
            .create_article(&published("بلا قسم", minutes(7)))
            .await
            .unwrap();

        let cat = |id| ArticleFilter {
            category_id: Some(id),
            ..Default::default()
        };
        assert_eq!(
            listing(db, cat(news)).await,
            vec![in_lebanon, in_politics, in_news]
        );
        assert_eq!(
            listing(db, cat(politics)).await,
            vec![in_lebanon, in_politics]
        );
        assert_eq!(listing(db, cat(lebanon)).await, vec![in_lebanon]);
        assert_eq!(listing(db, cat(sport)).await, vec![in_sport]);
        assert_eq!(listing(db, cat(999)).await, Vec::<i64>::new());

        let urgent = db.tag_by_slug("عاجل").await.unwrap().unwrap().id;
        let beirut = db.tag_by_slug("بيروت").await.unwrap().unwrap().id;
        let tag = |id| ArticleFilter {
            tag_id: Some(id),
            ..Default::default()
        };
        assert_eq!(
            listing(db, tag(urgent)).await,
            vec![in_sport, in_lebanon, in_news]
        );
        assert_eq!(listing(db, tag(beirut)).await, vec![in_lebanon]);

        let by_author = |id| ArticleFilter {
            author_id: Some(id),
            ..Default::default()
        };
        assert_eq!(
            listing(db, by_author(sara)).await,
            vec![in_lebanon, in_news]
        );
        assert_eq!(
            listing(db, by_author(omar)).await,
            vec![in_sport, in_politics]
        );

        let combined = ArticleFilter {
            category_id: Some(news),
            tag_id: Some(urgent),
            author_id: Some(sara),
        };
        assert_eq!(listing(db, combined).await, vec![in_lebanon, in_news]);
        let page = db.published_articles(cat(news), 1, 1).await.unwrap();
        assert_eq!(ids(&page.items), vec![in_politics]);
        assert_eq!(page.total, 3);

        let all = listing(db, ArticleFilter::default()).await;
        assert_eq!(
            all,
            vec![uncategorised, in_sport, in_lebanon, in_politics, in_news]
        );
        assert!(!all.contains(&draft_lebanon) && !all.contains(&scheduled_news));
    }
);

// ---------------------------------------------------------------------------------------
// Related articles
// ---------------------------------------------------------------------------------------

both_backends!(
    related_same_category_or_shared_tag_newest_first_at_most_six,
    |t: TestDb| async move {
        let db = &t.db;
        let world = db
            .create_category(&category("العالم", None, 0))
            .await
            .unwrap();
        let sport = db
            .create_category(&category("رياضة", None, 1))
            .await
            .unwrap();
        let subject = db
            .create_article(&tagged(
                in_category(published("الموضوع", minutes(100)), world),
                &["غزة"],
            ))
            .await
            .unwrap();
        let mut same_category = Vec::new();
        for i in 0..6 {
            same_category.push(
                db.create_article(&in_category(
                    published(&format!("العالم {i}"), minutes(i)),
                    world,
                ))
                .await
                .unwrap(),
            );
        }
        // Shares a tag but not the category, and is the newest of the related ones.
        let shared_tag = db
            .create_article(&tagged(
                in_category(published("وسم مشترك", minutes(50)), sport),
                &["غزة"],
            ))
            .await
            .unwrap();
        // Newer than everything but not public, and a newer unrelated one.
        let draft = db
            .create_article(&with_status(
                in_category(published("مسودة", minutes(200)), world),
                ArticleStatus::Draft,
            ))
            .await
            .unwrap();
        let scheduled = db
            .create_article(&with_status(
                tagged(published("مجدول", minutes(200)), &["غزة"]),
                ArticleStatus::Scheduled,
            ))
            .await
            .unwrap();
        let unrelated = db
            .create_article(&in_category(published("رياضة", minutes(300)), sport))
            .await
            .unwrap();

        let related = ids(&db
            .related_articles(&article(db, subject).await)
            .await
            .unwrap());
        // 7 qualify; the newest six are the tagged one and the five newest of the category.
        let mut expected = vec![shared_tag];
        expected.extend(same_category.iter().rev().take(5));
        assert_eq!(related, expected);
        for never in [subject, draft, scheduled, unrelated] {
            assert!(!related.contains(&never), "{never} should not be related");
        }
    }
);

both_backends!(
    related_tops_up_with_latest_to_three,
    |t: TestDb| async move {
        let db = &t.db;
        let world = db
            .create_category(&category("العالم", None, 0))
            .await
            .unwrap();
        let sport = db
            .create_category(&category("رياضة", None, 1))
            .await
            .unwrap();
        let subject = db
            .create_article(&in_category(published("الموضوع", minutes(10)), world))
            .await
            .unwrap();
        let sibling = db
            .create_article(&in_category(published("من القسم", minutes(1)), world))
            .await
            .unwrap();
        let mut latest = Vec::new();
        for (m, title) in [(20, "رياضة أ"), (30, "رياضة ب"), (40, "رياضة ج")] {
            latest.push(
                db.create_article(&in_category(published(title, minutes(m)), sport))
                    .await
                    .unwrap(),
            );
        }
        // A newer draft must not be used to top up.
        db.create_article(&with_status(
            published("مسودة", minutes(90)),
            ArticleStatus::Draft,
        ))
        .await
        .unwrap();

        let related = ids(&db
            .related_articles(&article(db, subject).await)
            .await
            .unwrap());
        // The one that qualifies first, then the two latest others.
        assert_eq!(related, vec![sibling, latest[2], latest[1]]);
    }
);

both_backends!(
    related_returns_fewer_only_when_the_site_has_fewer,
    |t: TestDb| async move {
        let db = &t.db;
        let alone = db
            .create_article(&published("وحيد", minutes(0)))
            .await
            .unwrap();
        assert!(
            db.related_articles(&article(db, alone).await)
                .await
                .unwrap()
                .is_empty()
        );

        let draft = db
            .create_article(&with_status(
                published("مسودة", minutes(5)),
                ArticleStatus::Draft,
            ))
            .await
            .unwrap();
        assert!(
            db.related_articles(&article(db, alone).await)
                .await
                .unwrap()
                .is_empty()
        );

        let second = db
            .create_article(&published("ثان", minutes(1)))
            .await
            .unwrap();
        assert_eq!(
            ids(&db
                .related_articles(&article(db, alone).await)
                .await
                .unwrap()),
            vec![second]
        );
        let third = db
            .create_article(&published("ثالث", minutes(2)))
            .await
            .unwrap();
        assert_eq!(
            ids(&db
                .related_articles(&article(db, alone).await)
                .await
                .unwrap()),
            vec![third, second]
        );
        // Related to a draft (an editor's preview): still only published ones, never itself.
        let for_draft = ids(&db
            .related_articles(&article(db, draft).await)
            .await
            .unwrap());
        assert_eq!(for_draft, vec![third, second, alone]);

        // Many unrelated articles: always exactly three, all distinct, never itself.
        for i in 0..10 {
            db.create_article(&published(&format!("آخر {i}"), minutes(10 + i)))
                .await
                .unwrap();
        }
        let related = ids(&db
            .related_articles(&article(db, alone).await)
            .await
            .unwrap());
        assert_eq!(related.len(), 3);
        assert!(!related.contains(&alone));
        assert_eq!(related.iter().copied().collect::<HashSet<_>>().len(), 3);
        // The newest of the site itself asks: it is skipped and three others fill in.
        let newest = listing(db, ArticleFilter::default()).await[0];
        let for_newest = ids(&db
            .related_articles(&article(db, newest).await)
            .await
            .unwrap());
        assert_eq!(for_newest.len(), 3);
        assert!(!for_newest.contains(&newest));
    }
);

// ---------------------------------------------------------------------------------------
// The content epoch
// ---------------------------------------------------------------------------------------

/// Asserts that `$write` bumps both the in-process epoch and the stored version.
macro_rules! bumps {
    ($db:expr, $what:literal, $write:expr) => {{
        let epoch = $db.epoch();
        let stored = $db.stored_version().await.unwrap();
        let out = $write.await.expect($what);
        assert!($db.epoch() > epoch, "{} did not bump the epoch", $what);
        assert!(
            $db.stored_version().await.unwrap() > stored,
            "{} did not bump the stored version",
            $what
        );
        out
    }};
}

both_backends!(every_write_bumps_the_epoch, |t: TestDb| async move {
    let db = &t.db;
    let author_id = bumps!(db, "create_author", db.create_author(&author("سارة")));
    bumps!(
        db,
        "rename_author_slug",
        db.rename_author_slug(author_id, "sara")
    );
    let cat = bumps!(
        db,
        "create_category",
        db.create_category(&category("أخبار", None, 0))
    );
    bumps!(
        db,
        "update_category (new slug)",
        sahifa_newsroom::Newsroom::new(db.clone()).update_category(
            &sahifa_newsroom::Actor::System,
            cat,
            &sahifa_newsroom::taxonomy::CategoryDraft {
                name: "أخبار".into(),
                slug: "news".into(),
                ..Default::default()
            }
        )
    );
    bumps!(db, "ensure_tag (new)", db.ensure_tag("جديد"));
    bumps!(db, "set_setting", db.set_setting("site.name", "صحيفة"));
    bumps!(
        db,
        "save_site_settings",
        db.save_site_settings(&SiteSettings {
            tagline: "شعار".into(),
            ..Default::default()
        })
    );
    let id = bumps!(
        db,
        "create_article",
        db.create_article(&published("خبر", minutes(0)))
    );
    bumps!(
        db,
        "create draft",
        db.create_article(&with_status(
            published("مسودة", minutes(0)),
            ArticleStatus::Draft
        ))
    );
    bumps!(
        db,
        "update_article",
        db.update_article(id, &published("خبر معدل", minutes(1)))
    );
    let mut renamed = published("خبر معدل", minutes(1));
    renamed.slug = Some("slug-new".into());
    bumps!(db, "update_article (slug)", db.update_article(id, &renamed));
    bumps!(db, "delete_article", db.delete_article(id));
});

both_backends!(reads_do_not_bump_the_epoch, |t: TestDb| async move {
    let db = &t.db;
    let cat = db
        .create_category(&category("أخبار", None, 0))
        .await
        .unwrap();
    let id = db
        .create_article(&tagged(
            in_category(published("خبر", minutes(0)), cat),
            &["وسم"],
        ))
        .await
        .unwrap();
    let epoch = db.epoch();
    let stored = db.stored_version().await.unwrap();

    let a = article(db, id).await;
    db.published_article(&a.summary.slug).await.unwrap();
    db.published_articles(
        ArticleFilter {
            category_id: Some(cat),
            ..Default::default()
        },
        10,
        0,
    )
    .await
    .unwrap();
    db.related_articles(&a).await.unwrap();
    db.categories().await.unwrap();
    db.category_by_slug("أخبار").await.unwrap();
    db.tags_with_counts().await.unwrap();
    db.tag_by_slug("وسم").await.unwrap();
    db.article_tags(id).await.unwrap();
    db.authors().await.unwrap();
    db.site_settings().await.unwrap();
    db.setting("site.name").await.unwrap();
    db.redirect_target(SlugKind::Article, "x").await.unwrap();
    db.article_count().await.unwrap();
    db.ping().await.unwrap();
    // Nothing changed since `stored` was read, so syncing is a no-op too.
    assert_eq!(db.sync_epoch(stored).await.unwrap(), stored);

    assert_eq!(db.epoch(), epoch, "a read bumped the epoch");
    assert_eq!(
        db.stored_version().await.unwrap(),
        stored,
        "a read bumped the stored version"
    );
});

both_backends!(
    another_handle_sees_changes_through_sync_epoch,
    |t: TestDb| async move {
        let other = Db::connect(&t.url).await.expect("second handle");
        // Separate processes: separate in-process epochs.
        let mut last = other.stored_version().await.unwrap();
        let other_epoch = other.epoch();
        assert_eq!(other.sync_epoch(last).await.unwrap(), last);
        assert_eq!(
            other.epoch(),
            other_epoch,
            "sync without a change bumped the epoch"
        );

        let writes: Vec<&str> = vec!["article", "setting", "category", "tag", "author", "delete"];
        let mut article_id = 0;
        for what in writes {
            let here = t.db.epoch();
            match what {
                "article" => {
                    article_id =
                        t.db.create_article(&published("خبر", minutes(0)))
                            .await
                            .unwrap()
                }
                "setting" => t.db.set_setting("site.name", "اسم").await.unwrap(),
                "category" => drop(
                    t.db.create_category(&category("قسم", None, 0))
                        .await
                        .unwrap(),
                ),
                "tag" => drop(t.db.ensure_tag("وسم").await.unwrap()),
                "author" => drop(t.db.create_author(&author("كاتب")).await.unwrap()),
                "delete" => t.db.delete_article(article_id).await.unwrap(),
                _ => unreachable!(),
            }
            assert!(t.db.epoch() > here);
            let before = other.epoch();
            assert_eq!(
                other.epoch(),
                before,
                "the other handle's epoch moved by itself"
            );
            let now = other.stored_version().await.unwrap();
            assert!(
                now > last,
                "stored version did not move after a {what} write"
            );
            let synced = other.sync_epoch(last).await.unwrap();
            assert_eq!(synced, now);
            assert!(other.epoch() > before, "sync_epoch missed a {what} write");
            // Syncing again with the returned version changes nothing.
            let after = other.epoch();
            assert_eq!(other.sync_epoch(synced).await.unwrap(), synced);
            assert_eq!(other.epoch(), after);
            last = synced;
        }
        // And the other handle reads the writes themselves.
        assert_eq!(
            other.setting("site.name").await.unwrap().as_deref(),
            Some("اسم")
        );
        assert!(other.category_by_slug("قسم").await.unwrap().is_some());
        other.close().await;
    }
);

both_backends!(
    another_handle_retires_only_what_a_write_named,
    |t: TestDb| async move {
        use sahifa_store::{Dep, Retired};
        let other = Db::connect(&t.url).await.expect("second handle");
        let last = other.stored_version().await.unwrap();
        let at = other.registry().now();
        let here_at = t.db.registry().now();

        let mut tx = t.db.begin().await.unwrap();
        tx.retire([Dep::Article(7), Dep::Latest]);
        tx.retire([Dep::InCategory(3)]);
        tx.commit().await.unwrap();
        // Here at once, there after a sync; the rest stays current in both.
        let written = |db: &Db, at| {
            !db.registry().is_current(at, &[Dep::Article(7)])
                && !db.registry().is_current(at, &[Dep::Site, Dep::Latest])
                && !db.registry().is_current(at, &[Dep::InCategory(3)])
                && db.registry().is_current(at, &[Dep::Article(8), Dep::Site])
        };
        assert!(written(&t.db, here_at), "the writer's own cache");
        assert!(
            other.registry().is_current(at, &[Dep::Article(7)]),
            "the other handle moved before it synced"
        );
        let synced = other.sync_epoch(last).await.unwrap();
        assert_eq!(synced, last + 1);
        assert!(written(&other, at), "the other handle after its sync");

        // The writer's own poll does not retire its own write a second time.
        let after_own = t.db.registry().now();
        t.db.sync_epoch(last).await.unwrap();
        assert!(t.db.registry().is_current(after_own, &[Dep::Article(7)]));

        // A rolled-back transaction retires nothing anywhere.
        let mut tx = t.db.begin().await.unwrap();
        tx.retire([Dep::Article(9)]);
        tx.rollback().await.unwrap();
        assert_eq!(other.stored_version().await.unwrap(), synced);

        // A version with no log row (an older writer, a restore) retires everything.
        let at = other.registry().now();
        t.exec(
            "UPDATE site_settings SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) \
             WHERE key = 'content_version'",
        )
        .await;
        let synced = other.sync_epoch(synced).await.unwrap();
        assert!(!other.registry().is_current(at, &[Dep::Article(8)]));

        // Everything, logged as such, travels too.
        let at = other.registry().now();
        let mut tx = t.db.begin().await.unwrap();
        tx.retire_everything();
        tx.commit().await.unwrap();
        other.sync_epoch(synced).await.unwrap();
        assert!(!other.registry().is_current(at, &[]));
        assert_eq!(
            Retired::from_log("a7 all lc3"),
            Retired::Some(vec![Dep::Article(7), Dep::Latest, Dep::InCategory(3)].into())
        );
        other.close().await;
    }
);

// ---------------------------------------------------------------------------------------
// Conflicts
// ---------------------------------------------------------------------------------------

both_backends!(unique_violations_are_conflicts, |t: TestDb| async move {
    let db = &t.db;
    let news = db
        .create_category(&category("أخبار", None, 0))
        .await
        .unwrap();
    // Same derived slug, and the same slug asked for explicitly.
    assert_conflict(db.create_category(&category("أخبار", None, 1)).await);
    assert_conflict(db.create_category(&category("أَخْبار", Some(news), 1)).await);
    assert_conflict(
        db.create_category(&CategoryInput {
            slug: Some("أخبار".into()),
            ..category("غير ذلك", None, 0)
        })
        .await,
    );
    assert_eq!(
        db.categories().await.unwrap().len(),
        1,
        "a conflicting category was stored"
    );

    let first = db.create_author(&author("سارة")).await.unwrap();
    assert_conflict(db.create_author(&author("سارة")).await);
    let second = db.create_author(&author("عمر")).await.unwrap();
    assert_conflict(db.rename_author_slug(second, "سارة").await);
    assert_eq!(
        db.author_by_slug("سارة").await.unwrap().map(|a| a.id),
        Some(first)
    );
    assert_eq!(
        db.author_by_slug("عمر").await.unwrap().map(|a| a.id),
        Some(second)
    );

    let epoch = db.epoch();
    assert_conflict(db.create_category(&category("أخبار", None, 2)).await);
    assert_eq!(db.epoch(), epoch, "a refused write bumped the epoch");
});

// ---------------------------------------------------------------------------------------
// Times
// ---------------------------------------------------------------------------------------

both_backends!(
    times_round_trip_in_utc_to_the_second,
    |t: TestDb| async move {
        let db = &t.db;
        // Given in +03:00 with a fraction of a second; stored as the same instant, in UTC.
        let riyadh = FixedOffset::east_opt(3 * 3600).unwrap();
        let local = riyadh.with_ymd_and_hms(2024, 3, 11, 2, 59, 59).unwrap()
            + chrono::TimeDelta::milliseconds(987);
        let at: DateTime<Utc> = local.with_timezone(&Utc);
        let before = Utc::now().trunc_subsecs(0);
        let id = db.create_article(&published("توقيت", at)).await.unwrap();
        let after = Utc::now();

        let a = article(db, id).await;
        let expected = Utc.with_ymd_and_hms(2024, 3, 10, 23, 59, 59).unwrap();
        assert_eq!(a.summary.published_at, Some(expected));
        assert_eq!(a.summary.published_at.unwrap().timestamp_subsec_nanos(), 0);
        // Backdated: it has not changed since it went out.
        assert_eq!(a.summary.updated_at, expected);
        assert!(before <= a.created_at && a.created_at <= after);
        assert_eq!(a.created_at.timestamp_subsec_nanos(), 0);

        // The listing and the published lookup return the same instants.
        let page = db
            .published_articles(ArticleFilter::default(), 10, 0)
            .await
            .unwrap();
        assert_eq!(page.items[0].published_at, Some(expected));
        assert_eq!(
            db.published_article(&a.summary.slug)
                .await
                .unwrap()
                .unwrap()
                .created_at,
            a.created_at
        );

        // A far future scheduled time and an old one keep their exact seconds.
        for when in [
            Utc.with_ymd_and_hms(2031, 12, 31, 23, 59, 58).unwrap(),
            Utc.with_ymd_and_hms(1999, 1, 1, 0, 0, 1).unwrap(),
        ] {
            let id = db
                .create_article(&with_status(
                    published("موعد", when),
                    ArticleStatus::Scheduled,
                ))
                .await
                .unwrap();
            assert_eq!(article(db, id).await.summary.published_at, Some(when));
        }

        // An update stamps updated_at with now, to the second, and keeps created_at.
        let before = Utc::now().trunc_subsecs(0);
        db.update_article(id, &published("توقيت معدل", at))
            .await
            .unwrap();
        let after = Utc::now();
        let b = article(db, id).await;
        assert!(before <= b.summary.updated_at && b.summary.updated_at <= after);
        assert_eq!(b.summary.updated_at.timestamp_subsec_nanos(), 0);
        assert_eq!(b.created_at, a.created_at);
        assert_eq!(b.summary.published_at, Some(expected));
    }
);

// ---------------------------------------------------------------------------------------
// The article write log
// ---------------------------------------------------------------------------------------

both_backends!(article_writes_are_logged_in_order, |t: TestDb| async move {
    let db = &t.db;
    let draft = with_status(
        published("خبر قيد الكتابة", minutes(0)),
        ArticleStatus::Draft,
    );
    let id = db.create_article(&draft).await.expect("create");
    db.update_article(id, &published("خبر قيد الكتابة", minutes(1)))
        .await
        .expect("publish");
    db.delete_article(id).await.expect("delete");
    let events = db.article_events_after(0, 10).await.expect("events");
    let seen: Vec<(&str, Option<&str>, Option<&str>)> = events
        .iter()
        .map(|e| {
            (
                e.kind.as_str(),
                e.status_before.as_deref(),
                e.status_after.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("created", None, Some("draft")),
            ("updated", Some("draft"), Some("published")),
            ("deleted", Some("published"), None),
        ]
    );
    assert!(events.iter().all(|e| e.article_id == id));
    let tail = db
        .article_events_after(events[0].id, 10)
        .await
        .expect("tail");
    assert_eq!(tail.len(), 2);
    // A refused write leaves no event behind.
    let _ = db.update_article(id, &published("", minutes(2))).await;
    assert_eq!(
        db.article_events_after(0, 10).await.expect("events").len(),
        3
    );
});

both_backends!(
    resaving_a_published_article_keeps_its_time,
    |t: TestDb| async move {
        let db = &t.db;
        let id = db
            .create_article(&published("خبر قديم", t0()))
            .await
            .expect("create");
        let mut again = published("خبر قديم بعد تصحيح", t0());
        again.published_at = None;
        db.update_article(id, &again).await.expect("resave");
        assert_eq!(article(db, id).await.summary.published_at, Some(t0()));
    }
);

both_backends!(
    summaries_by_ids_keep_the_callers_order_and_only_published,
    |t: TestDb| async move {
        let db = &t.db;
        let a = db
            .create_article(&published("أ", minutes(1)))
            .await
            .unwrap();
        let b = db
            .create_article(&published("ب", minutes(2)))
            .await
            .unwrap();
        let c = db
            .create_article(&published("ج", minutes(3)))
            .await
            .unwrap();
        let draft = db
            .create_article(&with_status(
                published("مسودة", minutes(4)),
                ArticleStatus::Draft,
            ))
            .await
            .unwrap();
        // A ranking's order, a draft, an id that names nothing and a repeat.
        let asked = [c, draft, a, 999_999, b, a];
        let found = db.published_summaries_by_ids(&asked).await.unwrap();
        assert_eq!(
            ids(&found),
            vec![c, a, b],
            "order kept, draft and unknown left out"
        );
        assert!(db.published_summaries_by_ids(&[]).await.unwrap().is_empty());
        // More ids than one query binds: every chunk is read.
        let many: Vec<i64> = (0..1200).map(|i| if i == 1100 { b } else { -i }).collect();
        let found = db.published_summaries_by_ids(&many).await.unwrap();
        assert_eq!(ids(&found), vec![b]);
    }
);

both_backends!(
    newest_published_lists_a_category_with_its_subcategories,
    |t: TestDb| async move {
        let db = &t.db;
        let parent = db
            .create_category(&category("أخبار", None, 0))
            .await
            .unwrap();
        let child = db
            .create_category(&category("محلية", Some(parent), 0))
            .await
            .unwrap();
        let other = db
            .create_category(&category("رياضة", None, 1))
            .await
            .unwrap();
        let old = db
            .create_article(&in_category(published("قديم", minutes(1)), parent))
            .await
            .unwrap();
        let newer = db
            .create_article(&in_category(published("أحدث", minutes(3)), child))
            .await
            .unwrap();
        db.create_article(&in_category(published("آخر", minutes(2)), other))
            .await
            .unwrap();
        db.create_article(&with_status(
            in_category(published("مسودة", minutes(9)), parent),
            ArticleStatus::Draft,
        ))
        .await
        .unwrap();
        let filter = ArticleFilter {
            category_id: Some(parent),
            ..ArticleFilter::default()
        };
        let listed = db.newest_published(filter, 5).await.unwrap();
        assert_eq!(ids(&listed), vec![newer, old]);
        assert_eq!(
            ids(&db.newest_published(filter, 1).await.unwrap()),
            vec![newer]
        );
        // The same rows, in the same order, as the paged listing.
        assert_eq!(listing(db, filter).await, vec![newer, old]);
    }
);

both_backends!(
    breaking_flags_list_published_articles_until_they_end,
    |t: TestDb| async move {
        use sahifa_store::front_page;
        let db = &t.db;
        let now = Utc::now();
        let mut ids = Vec::new();
        for n in 1..=7 {
            ids.push(
                db.create_article(&published(&format!("عاجل {n}"), minutes(n)))
                    .await
                    .unwrap(),
            );
        }
        let draft = db
            .create_article(&with_status(
                published("مسودة", minutes(9)),
                ArticleStatus::Draft,
            ))
            .await
            .unwrap();
        let mut tx = db.begin().await.unwrap();
        for id in ids.iter().chain([&draft]) {
            assert!(
                front_page::set_breaking(&mut tx, *id, Some(now + chrono::TimeDelta::hours(1)))
                    .await
                    .unwrap()
            );
        }
        assert!(
            !front_page::set_breaking(&mut tx, 424242, Some(now))
                .await
                .unwrap(),
            "no such article"
        );
        tx.commit().await.unwrap();
        // The ticker: published only, the newest first, five at most.
        let shown: Vec<i64> = db
            .breaking_news(now)
            .await
            .unwrap()
            .iter()
            .map(|b| b.id)
            .collect();
        let newest: Vec<i64> = ids.iter().rev().take(5).copied().collect();
        assert_eq!(shown, newest);
        let flagged = db.breaking_flagged(now, 50).await.unwrap();
        assert_eq!(flagged.len(), 7, "the admin sees them all");
        assert_eq!(flagged[0].title, "عاجل 7");
        assert_eq!(
            flagged[0].until,
            (now + chrono::TimeDelta::hours(1)).trunc_subsecs(0)
        );
        assert!(
            db.breaking_news(now + chrono::TimeDelta::hours(2))
                .await
                .unwrap()
                .is_empty()
        );

        // One ended a minute ago: out of the ticker at once, and the sweep clears it with
        // the draft's flag; a second sweep finds nothing.
        let ended = ids[6];
        let mut tx = db.begin().await.unwrap();
        front_page::set_breaking(&mut tx, ended, Some(now - chrono::TimeDelta::minutes(1)))
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert!(
            db.breaking_news(now)
                .await
                .unwrap()
                .iter()
                .all(|b| b.id != ended)
        );
        assert!(db.breaking_to_clear(now).await.unwrap());
        let mut tx = db.begin().await.unwrap();
        let mut cleared = front_page::clear_ended_breaking(&mut tx, now)
            .await
            .unwrap();
        cleared.sort_by_key(|c| c.id);
        assert_eq!(
            cleared,
            vec![
                front_page::ClearedFlag {
                    id: ended,
                    title: "عاجل 7".into(),
                    public: true,
                },
                front_page::ClearedFlag {
                    id: draft,
                    title: "مسودة".into(),
                    public: false,
                },
            ]
        );
        assert_eq!(
            front_page::breaking_until(&mut tx, ended).await.unwrap(),
            None
        );
        assert!(
            front_page::clear_ended_breaking(&mut tx, now)
                .await
                .unwrap()
                .is_empty()
        );
        tx.commit().await.unwrap();
        assert!(!db.breaking_to_clear(now).await.unwrap());
        assert_eq!(db.breaking_flagged(now, 50).await.unwrap().len(), 6);
    }
);

both_backends!(
    home_pins_keep_their_order_and_skip_what_is_not_published,
    |t: TestDb| async move {
        use sahifa_store::front_page::{self, HomePins};
        let db = &t.db;
        let a = db
            .create_article(&published("أ", minutes(1)))
            .await
            .unwrap();
        let b = db
            .create_article(&published("ب", minutes(2)))
            .await
            .unwrap();
        let c = db
            .create_article(&published("ج", minutes(3)))
            .await
            .unwrap();
        assert_eq!(db.home_pins().await.unwrap(), HomePins::default());
        assert_eq!(db.pinned_stories().await.unwrap(), Default::default());
        let pins = HomePins {
            lead: Some(a),
            featured: vec![c, b],
        };
        let mut tx = db.begin().await.unwrap();
        front_page::save_home_pins(&mut tx, &pins).await.unwrap();
        assert_eq!(front_page::home_pins(&mut tx).await.unwrap(), pins);
        tx.commit().await.unwrap();
        assert_eq!(db.home_pins().await.unwrap(), pins);
        let stories = db.pinned_stories().await.unwrap();
        assert_eq!(stories.lead.map(|s| s.id), Some(a));
        assert_eq!(ids(&stories.featured), vec![c, b], "in the order pinned");

        // Featured only, no lead.
        let mut tx = db.begin().await.unwrap();
        let featured_only = HomePins {
            lead: None,
            featured: vec![b],
        };
        front_page::save_home_pins(&mut tx, &featured_only)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(db.home_pins().await.unwrap(), featured_only);
        let mut tx = db.begin().await.unwrap();
        front_page::save_home_pins(&mut tx, &pins).await.unwrap();
        tx.commit().await.unwrap();

        // A draft keeps its pin but is not shown; a deleted article loses its pin.
        db.update_article(
            c,
            &with_status(published("ج", minutes(3)), ArticleStatus::Draft),
        )
        .await
        .unwrap();
        let stories = db.pinned_stories().await.unwrap();
        assert_eq!(ids(&stories.featured), vec![b]);
        assert_eq!(db.home_pins().await.unwrap(), pins);
        db.delete_article(a).await.unwrap();
        assert_eq!(
            db.home_pins().await.unwrap(),
            HomePins {
                lead: None,
                featured: vec![c, b],
            }
        );
        assert_eq!(db.pinned_stories().await.unwrap().lead, None);

        // The table refuses an article pinned twice, an unknown one, and a fifth feature.
        for refused in [
            HomePins {
                lead: Some(b),
                featured: vec![b],
            },
            HomePins {
                lead: Some(424242),
                featured: vec![],
            },
            HomePins {
                lead: None,
                featured: vec![b, c, b + 1000, b + 1001, b + 1002],
            },
        ] {
            let mut tx = db.begin().await.unwrap();
            assert!(
                front_page::save_home_pins(&mut tx, &refused).await.is_err(),
                "{refused:?}"
            );
        }
        assert_eq!(
            db.home_pins().await.unwrap(),
            HomePins {
                lead: None,
                featured: vec![c, b],
            },
            "unchanged"
        );
    }
);

both_backends!(
    batched_comments_get_their_ids_in_the_order_given,
    |t: TestDb| async move {
        use sahifa_store::comments::insert_many_at;
        use sahifa_store::{CommentStatus, NewComment};
        let db = &t.db;
        let article = db
            .create_article(&published("تعليقات كثيرة", t0()))
            .await
            .unwrap();
        let comment = |n: usize, parent_id: Option<i64>| NewComment {
            article_id: article,
            parent_id,
            author_name: format!("قارئ {n}"),
            email: format!("r{n}@example.org"),
            url: String::new(),
            body: format!("التعليق رقم {n}"),
            status: CommentStatus::Approved,
            user_id: None,
            is_staff: false,
            ip: None,
            user_agent: String::new(),
            reason: "imported".to_string(),
        };
        // More than one statement carries, after an id gap (a deleted comment), so that
        // the numbering neither starts at 1 nor runs in one piece.
        let mut tx = db.begin().await.unwrap();
        let first = insert_many_at(&mut tx, &[(&comment(0, None), t0())])
            .await
            .unwrap();
        tx.commit().await.unwrap();
        t.exec(&format!("DELETE FROM comments WHERE id = {}", first[0]))
            .await;
        let rows: Vec<_> = (1..=250)
            .map(|n| (comment(n, None), minutes(n as i64)))
            .collect();
        let mut tx = db.begin().await.unwrap();
        let rows: Vec<_> = rows.iter().map(|(c, at)| (c, *at)).collect();
        let ids = insert_many_at(&mut tx, &rows).await.unwrap();
        let replies: Vec<_> = [(251, ids[0]), (252, ids[249])]
            .into_iter()
            .map(|(n, parent)| (comment(n, Some(parent)), minutes(n as i64)))
            .collect();
        let replies: Vec<_> = replies.iter().map(|(c, at)| (c, *at)).collect();
        let reply_ids = insert_many_at(&mut tx, &replies).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(ids.len(), 250);
        for (n, id) in ids.iter().enumerate() {
            assert_eq!(
                t.count(&format!(
                    "SELECT COUNT(*) FROM comments WHERE id = {id} AND body = 'التعليق رقم {}'",
                    n + 1
                ))
                .await,
                1,
                "comment {} got id {id}",
                n + 1
            );
        }
        for (reply, parent) in reply_ids.iter().zip([ids[0], ids[249]]) {
            assert_eq!(
                t.count(&format!(
                    "SELECT COUNT(*) FROM comments WHERE id = {reply} AND parent_id = {parent}"
                ))
                .await,
                1
            );
        }
        // A comment on no article stores nothing of its statement.
        let mut tx = db.begin().await.unwrap();
        let mut orphan = comment(300, None);
        orphan.article_id = article + 1000;
        let refused =
            insert_many_at(&mut tx, &[(&comment(299, None), t0()), (&orphan, t0())]).await;
        assert!(refused.is_err());
        tx.rollback().await.unwrap();
        assert_eq!(t.count("SELECT COUNT(*) FROM comments").await, 252);
    }
);
