//! Migrations: both backends ship the same versions, apply them all, and can run them again.

use sahifa_testkit::Seed;
use std::collections::BTreeSet;
use std::path::Path;
use std::str::FromStr;

use sahifa_store::{Backend, CategoryInput};
use sahifa_testkit::{TestDb, both_backends};
use sqlx::Connection;

/// The `.sql` file names in one migration folder.
fn migration_files(backend: &str) -> BTreeSet<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").file_name())
        .map(|name| name.into_string().expect("UTF-8 file name"))
        .filter(|name| name.ends_with(".sql"))
        .collect()
}

/// The version sqlx reads from a migration file name (`0001_content.sql` → 1).
fn version_of(file: &str) -> i64 {
    let digits: String = file.chars().take_while(char::is_ascii_digit).collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("{file} has no numeric version prefix"))
}

/// `(version, success)` rows of sqlx's bookkeeping table, read on an independent connection.
async fn applied_migrations(t: &TestDb) -> Vec<(i64, bool)> {
    let sql = "SELECT version, success FROM _sqlx_migrations ORDER BY version";
    match t.db.backend() {
        Backend::Sqlite => {
            let options = sqlx::sqlite::SqliteConnectOptions::from_str(&t.url).expect("sqlite url");
            let mut conn = sqlx::SqliteConnection::connect_with(&options)
                .await
                .expect("connect sqlite");
            let rows = sqlx::query_as(sql)
                .fetch_all(&mut conn)
                .await
                .expect("read migrations");
            conn.close().await.expect("close");
            rows
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&t.url)
                .await
                .expect("connect postgres");
            let rows = sqlx::query_as(sql)
                .fetch_all(&mut conn)
                .await
                .expect("read migrations");
            conn.close().await.expect("close");
            rows
        }
    }
}

both_backends!(
    migration_folders_list_the_same_versions_and_all_are_applied,
    |t: TestDb| async move {
        let sqlite = migration_files("sqlite");
        let postgres = migration_files("postgres");
        assert!(!sqlite.is_empty(), "no SQLite migrations found");
        assert_eq!(
            sqlite, postgres,
            "migrations/sqlite and migrations/postgres must list the same files"
        );
        let versions: Vec<i64> = sqlite.iter().map(|f| version_of(f)).collect();
        let unique: BTreeSet<i64> = versions.iter().copied().collect();
        assert_eq!(
            unique.len(),
            versions.len(),
            "two migration files share a version"
        );

        // The database the testkit migrated has exactly these versions, all successful.
        let applied = applied_migrations(&t).await;
        let applied_versions: Vec<i64> = applied.iter().map(|(v, _)| *v).collect();
        assert_eq!(applied_versions, versions);
        assert!(
            applied.iter().all(|(_, ok)| *ok),
            "a migration is marked failed: {applied:?}"
        );
    }
);

both_backends!(
    migrate_twice_is_a_no_op_and_keeps_data,
    |t: TestDb| async move {
        let id =
            t.db.create_category(&CategoryInput {
                slug: None,
                name: "أخبار".into(),
                description: String::new(),
                parent_id: None,
                position: 0,
            })
            .await
            .expect("create category");
        t.db.set_setting("site.name", "الصحيفة")
            .await
            .expect("set setting");
        let before = applied_migrations(&t).await;

        t.db.migrate().await.expect("second migrate");
        t.db.migrate().await.expect("third migrate");

        assert_eq!(
            applied_migrations(&t).await,
            before,
            "re-running migrations changed the history"
        );
        let categories = t.db.categories().await.expect("categories");
        assert_eq!(categories.len(), 1);
        assert_eq!(categories[0].id, id);
        assert_eq!(
            t.db.setting("site.name").await.unwrap().as_deref(),
            Some("الصحيفة")
        );

        // A fresh handle on the same database migrates as a no-op too.
        let other = sahifa_store::Db::connect(&t.url)
            .await
            .expect("second handle");
        other.migrate().await.expect("migrate from second handle");
        assert_eq!(other.categories().await.unwrap().len(), 1);
        other.close().await;
    }
);
