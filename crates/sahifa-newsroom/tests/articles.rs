//! The article use cases, called directly (no HTTP) on SQLite and PostgreSQL: every
//! validation message, every permission refusal, and faults injected between the
//! statements of a save leaving nothing half-written.

use chrono::{Duration, Utc};
use sahifa_newsroom::articles::{ArticleDraft, FeaturedImage, PublishTime, SaveKind};
use sahifa_newsroom::rendering::BodyInput;
use sahifa_newsroom::{Actor, Newsroom, NewsroomError};
use sahifa_store::{ArticleStatus, Db, Role, User};
use sahifa_testkit::{Backend, TestDb, both_backends};

/// An account of `role`, inserted as a row so foreign keys hold.
async fn account(t: &TestDb, email: &str, role: Role) -> User {
    t.account(email, role).await
}

fn draft(title: &str, status: ArticleStatus) -> ArticleDraft {
    ArticleDraft {
        title: title.to_string(),
        lead: "مقدمة الخبر".into(),
        body: BodyInput::Markdown("نص الخبر **المهم**.".into()),
        tags: vec!["سياسة".into()],
        status,
        ..Default::default()
    }
}

fn fields(err: &NewsroomError) -> Vec<(&'static str, &'static str)> {
    match err {
        NewsroomError::Invalid(fields) => fields.iter().map(|f| (f.field, f.key)).collect(),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

/// Counts of every table a save writes to, to compare before and after a failed write.
async fn footprint(t: &TestDb) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "articles",
        "article_revisions",
        "article_events",
        "audit_log",
        "telegram_deliveries",
        "article_tags",
        "tags",
        "slug_redirects",
    ] {
        counts.push(
            t.count(&format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table}"))
                .await,
        );
    }
    counts
}

async fn stored_version(db: &Db) -> i64 {
    db.stored_version().await.expect("stored version")
}

both_backends!(every_validation_message, |t: TestDb| async move {
    let newsroom = Newsroom::new(t.db.clone());
    let editor = Actor::User(account(&t, "e@example.com", Role::Editor).await);

    let mut bad = draft("   ", ArticleStatus::Scheduled);
    bad.slug = "!!!".into();
    bad.publish_at = PublishTime::NotGiven;
    bad.category_id = Some(4242);
    bad.author_id = Some(4343);
    bad.image = FeaturedImage::Media(4444);
    bad.tags = vec!["؟؟".into()];
    let err = newsroom
        .save_article(&editor, None, &bad)
        .await
        .unwrap_err();
    assert_eq!(
        fields(&err),
        vec![
            ("title", "admin-error-title-required"),
            ("slug", "admin-error-slug-invalid"),
            ("publish_date", "admin-error-schedule-needs-date"),
            ("tags", "admin-error-tag-invalid"),
            ("category_id", "admin-error-unknown-category"),
            ("author_id", "admin-error-unknown-author"),
            ("media_id", "admin-error-unknown-media"),
        ],
        "every problem reported at once"
    );

    let long = draft(&"خ".repeat(301), ArticleStatus::Draft);
    let err = newsroom
        .save_article(&editor, None, &long)
        .await
        .unwrap_err();
    assert_eq!(fields(&err), vec![("title", "admin-error-title-too-long")]);

    let unsluggable = draft("؟!", ArticleStatus::Draft);
    let err = newsroom
        .save_article(&editor, None, &unsluggable)
        .await
        .unwrap_err();
    assert_eq!(fields(&err), vec![("slug", "admin-error-slug-needed")]);

    let mut unreadable = draft("موعد", ArticleStatus::Scheduled);
    unreadable.publish_at = PublishTime::Unreadable;
    let err = newsroom
        .save_article(&editor, None, &unreadable)
        .await
        .unwrap_err();
    assert_eq!(
        fields(&err),
        vec![("publish_date", "admin-error-date-invalid")]
    );

    let mut past = draft("موعد فات", ArticleStatus::Scheduled);
    past.publish_at = PublishTime::At(Utc::now() - Duration::hours(1));
    let err = newsroom
        .save_article(&editor, None, &past)
        .await
        .unwrap_err();
    assert_eq!(
        fields(&err),
        vec![("publish_date", "admin-error-schedule-in-past")]
    );
    // The system (an import, the demo) may hand over an overdue scheduled article.
    newsroom
        .save_article(&Actor::System, None, &past)
        .await
        .expect("system may store an overdue schedule");

    assert_eq!(
        t.db.article_count().await.unwrap(),
        1,
        "only the system's save stored"
    );
});

both_backends!(every_permission_refusal, |t: TestDb| async move {
    let newsroom = Newsroom::new(t.db.clone());
    let contributor = account(&t, "c@example.com", Role::Contributor).await;
    let author = account(&t, "a@example.com", Role::Author).await;
    let other_author = account(&t, "a2@example.com", Role::Author).await;
    let editor = account(&t, "e@example.com", Role::Editor).await;
    let as_user = |u: &User| Actor::User(u.clone());

    // A contributor writes drafts, never publishes or schedules.
    let err = newsroom
        .save_article(
            &as_user(&contributor),
            None,
            &draft("خبر", ArticleStatus::Published),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, NewsroomError::Forbidden), "{err:?}");
    let own = newsroom
        .save_article(
            &as_user(&contributor),
            None,
            &draft("مسودتي", ArticleStatus::Draft),
        )
        .await
        .expect("own draft");
    let submitted = newsroom
        .save_article(
            &as_user(&contributor),
            Some(own.id),
            &ArticleDraft {
                submit_for_review: true,
                ..draft("مسودتي", ArticleStatus::Draft)
            },
        )
        .await
        .expect("submit for review");
    assert_eq!(submitted.kind, SaveKind::Submitted);

    // An author cannot touch another author's article, a contributor loses it once it is
    // public, and deleting follows the same rules.
    let theirs = newsroom
        .save_article(
            &as_user(&other_author),
            None,
            &draft("خبرهم", ArticleStatus::Published),
        )
        .await
        .expect("author publishes own");
    for actor in [as_user(&author), as_user(&contributor)] {
        let err = newsroom
            .save_article(
                &actor,
                Some(theirs.id),
                &draft("تعديل", ArticleStatus::Published),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, NewsroomError::Forbidden), "{err:?}");
        let err = newsroom
            .delete_article(&actor, theirs.id)
            .await
            .unwrap_err();
        assert!(matches!(err, NewsroomError::Forbidden), "{err:?}");
    }
    newsroom
        .set_article_status(
            &as_user(&editor),
            own.id,
            ArticleStatus::Published,
            PublishTime::NotGiven,
        )
        .await
        .expect("the editor publishes the contributor's draft");
    let err = newsroom
        .save_article(
            &as_user(&contributor),
            Some(own.id),
            &draft("بعد النشر", ArticleStatus::Draft),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, NewsroomError::Forbidden), "{err:?}");

    // A disabled account can do nothing.
    let mut disabled = editor.clone();
    disabled.active = false;
    let err = newsroom
        .save_article(
            &Actor::User(disabled),
            None,
            &draft("خبر", ArticleStatus::Draft),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, NewsroomError::Forbidden), "{err:?}");

    // Unknown article: not found, before any permission question.
    let err = newsroom
        .delete_article(&as_user(&editor), 999_999)
        .await
        .unwrap_err();
    assert!(matches!(err, NewsroomError::NotFound), "{err:?}");
});

both_backends!(a_save_writes_everything_in_one_go, |t: TestDb| async move {
    let newsroom = Newsroom::new(t.db.clone());
    let editor = Actor::User(account(&t, "e@example.com", Role::Editor).await);
    let before = stored_version(&t.db).await;
    let saved = newsroom
        .save_article(&editor, None, &draft("قمة بغداد", ArticleStatus::Published))
        .await
        .expect("publish");
    assert_eq!(saved.kind, SaveKind::Published);
    assert!(stored_version(&t.db).await > before, "content epoch bumped");
    let id = saved.id;
    let one = |sql: String| {
        let t = &t;
        async move { t.count(&sql).await }
    };
    assert_eq!(
        one(format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM article_revisions WHERE article_id = {id}"
        ))
        .await,
        1
    );
    assert_eq!(one(format!("SELECT CAST(COUNT(*) AS BIGINT) FROM telegram_deliveries WHERE article_id = {id} AND kind = 'post'")).await, 1);
    assert_eq!(one(format!("SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE object_id = {id} AND action IN ('created', 'published')")).await, 2);
    let article = t.db.article_by_id(id).await.unwrap().expect("stored");
    assert!(
        article.body_html.contains("<strong>المهم</strong>"),
        "{}",
        article.body_html
    );
    assert_eq!(article.tags.len(), 1);

    // A rename keeps the old slug as a redirect, in the same save.
    let mut renamed = draft("قمة بغداد", ArticleStatus::Published);
    renamed.slug = "قمة-بغداد-2024".into();
    newsroom
        .save_article(&editor, Some(id), &renamed)
        .await
        .expect("rename");
    assert_eq!(
        t.db.redirect_target(sahifa_store::SlugKind::Article, "قمة-بغداد")
            .await
            .unwrap()
            .as_deref(),
        Some("قمة-بغداد-2024")
    );
    // Published again: no second post job.
    assert_eq!(
        one(format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM telegram_deliveries WHERE article_id = {id}"
        ))
        .await,
        1
    );
});

both_backends!(
    a_failing_audit_insert_leaves_nothing_half_written,
    |t: TestDb| async move {
        let newsroom = Newsroom::new(t.db.clone());
        let editor = Actor::User(account(&t, "e@example.com", Role::Editor).await);
        let kept = newsroom
            .save_article(&editor, None, &draft("خبر محفوظ", ArticleStatus::Published))
            .await
            .expect("first save");
        let footprint_before = footprint(&t).await;
        let version_before = stored_version(&t.db).await;
        let epoch_before = t.db.epoch();

        // The audit entry is the last statement of a publish: everything before it must go.
        t.fail_inserts_into("audit_log").await;
        let err = newsroom
            .save_article(
                &editor,
                None,
                &draft("خبر جديد بوسم جديد", ArticleStatus::Published),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, NewsroomError::Internal(_)), "{err:?}");
        let mut renamed = draft("عنوان جديد", ArticleStatus::Draft);
        renamed.slug = "عنوان-جديد".into();
        renamed.tags = vec!["وسم لم يكن".into()];
        let err = newsroom
            .save_article(&editor, Some(kept.id), &renamed)
            .await
            .unwrap_err();
        assert!(matches!(err, NewsroomError::Internal(_)), "{err:?}");
        let err = newsroom.delete_article(&editor, kept.id).await.unwrap_err();
        assert!(matches!(err, NewsroomError::Internal(_)), "{err:?}");

        assert_eq!(
            footprint(&t).await,
            footprint_before,
            "a row of a failed save survived"
        );
        assert_eq!(
            stored_version(&t.db).await,
            version_before,
            "stored version moved"
        );
        assert_eq!(
            t.db.epoch(),
            epoch_before,
            "the page cache was retired for nothing"
        );
        let article =
            t.db.article_by_id(kept.id)
                .await
                .unwrap()
                .expect("still there");
        assert_eq!(article.summary.title, "خبر محفوظ");
        assert_eq!(article.summary.status, ArticleStatus::Published);

        // Once the fault is gone the same save goes through.
        t.heal("audit_log").await;
        newsroom
            .save_article(&editor, Some(kept.id), &renamed)
            .await
            .expect("save after the fault");
    }
);

both_backends!(
    a_failing_revision_insert_keeps_the_article_as_it_was,
    |t: TestDb| async move {
        let newsroom = Newsroom::new(t.db.clone());
        let editor = Actor::User(account(&t, "e@example.com", Role::Editor).await);
        let kept = newsroom
            .save_article(&editor, None, &draft("خبر", ArticleStatus::Draft))
            .await
            .expect("first save");
        let before = footprint(&t).await;
        t.fail_inserts_into("article_revisions").await;
        newsroom
            .set_article_status(
                &editor,
                kept.id,
                ArticleStatus::Published,
                PublishTime::NotGiven,
            )
            .await
            .unwrap_err();
        assert_eq!(footprint(&t).await, before);
        let article = t.db.article_by_id(kept.id).await.unwrap().expect("there");
        assert_eq!(
            article.summary.status,
            ArticleStatus::Draft,
            "published without a revision"
        );
        assert_eq!(
            t.count("SELECT CAST(COUNT(*) AS BIGINT) FROM telegram_deliveries")
                .await,
            0,
            "a post was queued for a publish that did not happen"
        );
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_dropped_mid_save_leaves_nothing_half_written() {
    let Some(t) = TestDb::new(Backend::Postgres).await else {
        return;
    };
    let newsroom = Newsroom::new(t.db.clone());
    let editor = Actor::User(account(&t, "e@example.com", Role::Editor).await);
    let before = footprint(&t).await;
    t.drop_connection_on_insert_into("audit_log").await;
    let err = newsroom
        .save_article(&editor, None, &draft("خبر", ArticleStatus::Published))
        .await
        .unwrap_err();
    assert!(matches!(err, NewsroomError::Internal(_)), "{err:?}");
    assert_eq!(
        footprint(&t).await,
        before,
        "a row survived the dropped connection"
    );
    t.heal("audit_log").await;
    // The pool replaces the dead connection: the next save works.
    newsroom
        .save_article(&editor, None, &draft("خبر", ArticleStatus::Published))
        .await
        .expect("save after the drop");
}

both_backends!(
    an_edit_made_meanwhile_is_a_conflict,
    |t: TestDb| async move {
        let newsroom = Newsroom::new(t.db.clone());
        let editor = Actor::User(account(&t, "e@example.com", Role::Editor).await);
        let first = newsroom
            .save_article(&editor, None, &draft("خبر", ArticleStatus::Draft))
            .await
            .expect("save");
        // Two people open revision `first`; the second to save would undo the first's edit.
        let mut mine = draft("تعديلي", ArticleStatus::Draft);
        mine.base_revision = Some(first.revision_id);
        let mine_saved = newsroom
            .save_article(&editor, Some(first.id), &mine)
            .await
            .expect("first edit");
        let mut theirs = draft("تعديلهم", ArticleStatus::Draft);
        theirs.base_revision = Some(first.revision_id);
        let err = newsroom
            .save_article(&editor, Some(first.id), &theirs)
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                NewsroomError::Conflict {
                    key: "admin-error-edited-meanwhile",
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(
            t.db.article_by_id(first.id)
                .await
                .unwrap()
                .unwrap()
                .summary
                .title,
            "تعديلي"
        );
        theirs.base_revision = Some(mine_saved.revision_id);
        newsroom
            .save_article(&editor, Some(first.id), &theirs)
            .await
            .expect("based on the newest revision");
    }
);

both_backends!(
    the_sweep_publishes_each_due_article_once,
    |t: TestDb| async move {
        let newsroom = Newsroom::new(t.db.clone());
        let mut due = draft("موعد", ArticleStatus::Scheduled);
        due.publish_at = PublishTime::At(Utc::now() - Duration::minutes(1));
        let id = newsroom
            .save_article(&Actor::System, None, &due)
            .await
            .expect("scheduled")
            .id;
        let other = Newsroom::new(t.db.clone());
        let (a, b) = tokio::join!(
            newsroom.publish_due(Utc::now()),
            other.publish_due(Utc::now())
        );
        let published: Vec<_> = a.unwrap().into_iter().chain(b.unwrap()).collect();
        assert_eq!(published, vec![(id, "موعد".to_string())]);
        assert_eq!(
            t.count("SELECT CAST(COUNT(*) AS BIGINT) FROM telegram_deliveries WHERE kind = 'post'")
                .await,
            1
        );
        assert_eq!(
            t.count("SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'published'")
                .await,
            1
        );
        assert!(newsroom.publish_due(Utc::now()).await.unwrap().is_empty());
    }
);

both_backends!(
    restoring_keeps_a_status_the_actor_cannot_set,
    |t: TestDb| async move {
        let newsroom = Newsroom::new(t.db.clone());
        let author = account(&t, "a@example.com", Role::Author).await;
        let editor = Actor::User(account(&t, "e@example.com", Role::Editor).await);
        let actor = Actor::User(author.clone());
        let first = newsroom
            .save_article(&actor, None, &draft("الأول", ArticleStatus::Published))
            .await
            .expect("publish");
        newsroom
            .save_article(
                &editor,
                Some(first.id),
                &draft("الثاني", ArticleStatus::Published),
            )
            .await
            .expect("editor edits");
        let restored = newsroom
            .restore_revision(&actor, first.id, first.revision_id)
            .await
            .expect("restore");
        let article = t.db.article_by_id(first.id).await.unwrap().unwrap();
        assert_eq!(article.summary.title, "الأول");
        assert!(
            restored.revision_id > first.revision_id,
            "restoring is itself a revision"
        );
        assert_eq!(
            t.count("SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'restored'")
                .await,
            1
        );
        let err = newsroom
            .restore_revision(&actor, first.id, 987_654)
            .await
            .unwrap_err();
        assert!(matches!(err, NewsroomError::NotFound), "{err:?}");
    }
);
