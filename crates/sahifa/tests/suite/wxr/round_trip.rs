//! `sahifa export-wxr` writes the whole site as WXR 1.2, and an import of that file gives
//! the same site: import → export → import, compared object by object.

use std::collections::BTreeSet;

use sahifa_testkit::{Backend, TestDb, both_backends};

use super::arabic_site::{self, Permalinks};
use super::{census, export, import, shared_fixture, write_file};

/// What a reader and an editor see of a site, as comparable sets.
async fn contents(t: &TestDb) -> Vec<BTreeSet<String>> {
    let queries = [
        "SELECT a.slug || '|' || a.title || '|' || a.lead || '|' || a.status || '|' || \
         COALESCE(c.slug, '') || '|' || COALESCE(au.name, '') FROM articles a \
         LEFT JOIN categories c ON c.id = a.category_id LEFT JOIN authors au ON au.id = a.author_id",
        "SELECT a.slug || '|' || a.body_html FROM articles a",
        "SELECT a.slug || '|' || t.slug FROM article_tags x JOIN articles a ON a.id = x.article_id \
         JOIN tags t ON t.id = x.tag_id",
        "SELECT a.slug || '|' || c.slug FROM article_categories x JOIN articles a ON a.id = x.article_id \
         JOIN categories c ON c.id = x.category_id",
        "SELECT c.slug || '|' || c.name || '|' || COALESCE(p.slug, '') FROM categories c \
         LEFT JOIN categories p ON p.id = c.parent_id",
        "SELECT slug || '|' || name FROM tags",
        "SELECT p.slug || '|' || p.title || '|' || p.status || '|' || p.body_html || '|' || \
         COALESCE(pp.slug, '') FROM pages p LEFT JOIN pages pp ON pp.id = p.parent_id",
        "SELECT a.slug || '|' || c.author_name || '|' || c.body || '|' || c.status || '|' || \
         COALESCE(p.body, '') FROM comments c JOIN articles a ON a.id = c.article_id \
         LEFT JOIN comments p ON p.id = c.parent_id",
        "SELECT name FROM authors",
    ];
    let mut out = Vec::new();
    for sql in queries {
        let rows: Vec<(String,)> = match t.db.pool() {
            sahifa_store::Pool::Sqlite(pool) => sqlx::query_as(sql).fetch_all(pool).await,
            sahifa_store::Pool::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await,
        }
        .expect(sql);
        out.push(rows.into_iter().map(|(r,)| r).collect());
    }
    out
}

async fn round_trip(first: TestDb, second: TestDb, file: &std::path::Path) {
    import(&first, file, &[]).await.expect("imports");
    let dir = tempfile::tempdir().expect("tmp");
    let exported = dir.path().join("export.xml");
    export(&first, &exported).await;
    let text = std::fs::read_to_string(&exported).expect("the export");
    assert!(text.contains("<wp:wxr_version>1.2</wp:wxr_version>"));
    // Bodies go out as Custom HTML blocks: WordPress shows them as they are.
    assert!(
        text.contains("<!-- wp:html -->"),
        "bodies as Custom HTML blocks"
    );
    import(&second, &exported, &[])
        .await
        .expect("the export imports");
    let (a, b) = (census(&first).await, census(&second).await);
    assert_eq!(
        (
            a.articles,
            a.published,
            a.pages,
            a.categories,
            a.tags,
            a.comments,
            a.approved
        ),
        (
            b.articles,
            b.published,
            b.pages,
            b.categories,
            b.tags,
            b.comments,
            b.approved
        )
    );
    let (a, b) = (contents(&first).await, contents(&second).await);
    for (n, (x, y)) in a.iter().zip(&b).enumerate() {
        let only_first: Vec<_> = x.difference(y).take(3).collect();
        let only_second: Vec<_> = y.difference(x).take(3).collect();
        assert!(
            only_first.is_empty() && only_second.is_empty(),
            "query {n}: only before {only_first:#?}, only after {only_second:#?}"
        );
    }
    // Exporting the copy gives the same file but for the ids and dates it was given.
    import(&second, &exported, &[]).await.expect("and again");
    assert_eq!(contents(&second).await, b);
}

both_backends!(
    the_arabic_site_survives_a_round_trip,
    |t: TestDb| async move {
        let Some(second) = TestDb::new(t.backend()).await else {
            return;
        };
        let dir = tempfile::tempdir().expect("tmp");
        let file = write_file(
            dir.path(),
            "site.xml",
            &arabic_site::export(Permalinks::DayAndName),
        );
        round_trip(t, second, &file).await;
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_theme_unit_test_survives_a_round_trip() {
    let first = TestDb::new(Backend::Sqlite).await.expect("sqlite");
    let second = TestDb::new(Backend::Sqlite).await.expect("sqlite");
    round_trip(
        first,
        second,
        &shared_fixture("themeunittestdata.wordpress.xml"),
    )
    .await;
}
