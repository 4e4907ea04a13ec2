//! The category, tag, byline, site-settings, media and Telegram use cases, called directly
//! (no HTTP) on SQLite and PostgreSQL: every validation message, every permission refusal,
//! duplicate slugs as field errors, and faults injected between the statements of a write
//! leaving nothing half-written.

use sahifa_newsroom::articles::{ArticleDraft, FeaturedImage};
use sahifa_newsroom::media::MediaInUse;
use sahifa_newsroom::rendering::BodyInput;
use sahifa_newsroom::taxonomy::{AuthorDraft, CategoryDraft};
use sahifa_newsroom::telegram::{Retry, TelegramSettingsDraft};
use sahifa_newsroom::{Actor, Newsroom, NewsroomError};
use sahifa_store::{ArticleStatus, NewMedia, Role, SiteSettings, SlugKind};
use sahifa_testkit::{TestDb, both_backends};

/// An account of `role`, as the actor of a use case.
async fn account(t: &TestDb, email: &str, role: Role) -> Actor {
    Actor::User(t.account(email, role).await)
}

/// The four roles: administrator, editor, author, contributor.
async fn staff(t: &TestDb) -> [Actor; 4] {
    [
        account(t, "admin@example.com", Role::Administrator).await,
        account(t, "editor@example.com", Role::Editor).await,
        account(t, "author@example.com", Role::Author).await,
        account(t, "contributor@example.com", Role::Contributor).await,
    ]
}

fn category(name: &str) -> CategoryDraft {
    CategoryDraft {
        name: name.to_string(),
        ..Default::default()
    }
}

fn fields(err: NewsroomError) -> Vec<(&'static str, &'static str)> {
    match err {
        NewsroomError::Invalid(fields) => fields.iter().map(|f| (f.field, f.key)).collect(),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn forbidden<T: std::fmt::Debug>(result: Result<T, NewsroomError>) {
    match result {
        Err(NewsroomError::Forbidden) => {}
        other => panic!("expected Forbidden, got {other:?}"),
    }
}

fn internal<T: std::fmt::Debug>(result: Result<T, NewsroomError>) {
    match result {
        Err(NewsroomError::Internal(_)) => {}
        other => panic!("expected Internal, got {other:?}"),
    }
}

/// Counts of every table these use cases write to, to compare around a refused write.
async fn footprint(t: &TestDb) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in [
        "categories",
        "tags",
        "authors",
        "article_events",
        "audit_log",
        "slug_redirects",
        "media",
        "site_settings",
    ] {
        counts.push(
            t.count(&format!("SELECT CAST(COUNT(*) AS BIGINT) FROM {table}"))
                .await,
        );
    }
    counts
}

async fn audit_count(t: &TestDb, kind: &str) -> i64 {
    t.count(&format!(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE object_kind = '{kind}'"
    ))
    .await
}

fn media(stem: &str) -> NewMedia {
    NewMedia {
        stem: stem.to_string(),
        kind: "jpeg".into(),
        width: 1200,
        height: 800,
        bytes: 1000,
        variants: "[]".into(),
        alt: "  صورة  ".into(),
        caption: String::new(),
        original_name: "photo.jpg".into(),
        uploaded_by: None,
    }
}

fn article(title: &str, status: ArticleStatus) -> ArticleDraft {
    ArticleDraft {
        title: title.to_string(),
        lead: "مقدمة".into(),
        body: BodyInput::Markdown("نص.".into()),
        status,
        ..Default::default()
    }
}

both_backends!(category_validation_messages, |t: TestDb| async move {
    let newsroom = Newsroom::new(t.db.clone());
    let [_, editor, ..] = staff(&t).await;
    let news = newsroom
        .create_category(&editor, &category("أخبار"))
        .await
        .expect("create");
    let before = footprint(&t).await;
    let cases: Vec<(CategoryDraft, Vec<(&str, &str)>)> = vec![
        (category("  "), vec![("name", "admin-error-name-required")]),
        (
            category(&"ا".repeat(101)),
            vec![("name", "admin-error-name-too-long")],
        ),
        (
            CategoryDraft {
                description: "و".repeat(501),
                ..category("رياضة")
            },
            vec![("description", "admin-error-description-too-long")],
        ),
        (
            CategoryDraft {
                position: "ثلاثة".into(),
                ..category("رياضة")
            },
            vec![("position", "admin-error-position-invalid")],
        ),
        (
            CategoryDraft {
                position: "1000000".into(),
                ..category("رياضة")
            },
            vec![("position", "admin-error-position-invalid")],
        ),
        (
            CategoryDraft {
                slug: "!!!".into(),
                ..category("رياضة")
            },
            vec![("slug", "admin-error-slug-invalid")],
        ),
        (category("!!!"), vec![("slug", "admin-error-slug-invalid")]),
        (
            // A duplicate slug is the slug field's problem, never a server error.
            category("أخبار"),
            vec![("slug", "admin-error-slug-taken")],
        ),
        (
            CategoryDraft {
                parent_id: Some(news + 1000),
                ..category("رياضة")
            },
            vec![("parent_id", "admin-error-unknown-category")],
        ),
        (
            // Every problem at once.
            CategoryDraft {
                position: "x".into(),
                parent_id: Some(news + 1000),
                ..category("")
            },
            vec![
                ("name", "admin-error-name-required"),
                ("position", "admin-error-position-invalid"),
                ("parent_id", "admin-error-unknown-category"),
            ],
        ),
    ];
    for (draft, expected) in cases {
        let err = newsroom.create_category(&editor, &draft).await.unwrap_err();
        assert_eq!(fields(err), expected, "{draft:?}");
    }
    assert_eq!(
        footprint(&t).await,
        before,
        "a refused category wrote something"
    );

    // Eastern Arabic digits are a position like any other.
    let sport = newsroom
        .create_category(
            &editor,
            &CategoryDraft {
                position: "٣".into(),
                parent_id: Some(news),
                ..category("رياضة")
            },
        )
        .await
        .expect("create with parent");
    let stored = t.db.category_by_id(sport).await.unwrap().expect("stored");
    assert_eq!((stored.position, stored.parent_id), (3, Some(news)));
    assert_eq!(stored.slug, "رياضة");
});

both_backends!(
    category_edit_reslug_reparent_delete,
    |t: TestDb| async move {
        let newsroom = Newsroom::new(t.db.clone());
        let [admin, editor, ..] = staff(&t).await;
        let news = newsroom
            .create_category(&editor, &category("الأخبار المحلية"))
            .await
            .unwrap();
        let sport = newsroom
            .create_category(
                &editor,
                &CategoryDraft {
                    parent_id: Some(news),
                    ..category("رياضة")
                },
            )
            .await
            .unwrap();
        let football = newsroom
            .create_category(
                &editor,
                &CategoryDraft {
                    parent_id: Some(sport),
                    ..category("كرة القدم")
                },
            )
            .await
            .unwrap();

        // A parent below the category, or the category itself, is refused.
        for parent in [football, news] {
            let err = newsroom
                .update_category(
                    &editor,
                    news,
                    &CategoryDraft {
                        parent_id: Some(parent),
                        ..category("الأخبار المحلية")
                    },
                )
                .await
                .unwrap_err();
            assert_eq!(fields(err), vec![("parent_id", "admin-error-parent-cycle")]);
        }
        // Taking another category's slug is the slug field's problem.
        let err = newsroom
            .update_category(
                &editor,
                sport,
                &CategoryDraft {
                    slug: "كرة القدم".into(),
                    parent_id: Some(news),
                    ..category("رياضة")
                },
            )
            .await
            .unwrap_err();
        assert_eq!(fields(err), vec![("slug", "admin-error-slug-taken")]);

        // Rename, re-slug, re-parent and reorder in one save; the old URL redirects.
        let epoch = t.db.epoch();
        newsroom
            .update_category(
                &admin,
                sport,
                &CategoryDraft {
                    name: "الرياضة".into(),
                    slug: "sport".into(),
                    description: "ملاعب".into(),
                    parent_id: None,
                    position: "7".into(),
                },
            )
            .await
            .expect("save");
        assert!(t.db.epoch() > epoch, "pages were not retired");
        let saved = t.db.category_by_id(sport).await.unwrap().unwrap();
        assert_eq!(
            (
                saved.name.as_str(),
                saved.slug.as_str(),
                saved.parent_id,
                saved.position
            ),
            ("الرياضة", "sport", None, 7)
        );
        assert_eq!(
            t.db.redirect_target(SlugKind::Category, "رياضة")
                .await
                .unwrap()
                .as_deref(),
            Some("sport")
        );
        // The same slug again is no change and no conflict with itself.
        newsroom
            .update_category(
                &admin,
                sport,
                &CategoryDraft {
                    name: "الرياضة".into(),
                    slug: "sport".into(),
                    ..Default::default()
                },
            )
            .await
            .expect("same slug");

        // Deleting moves the children up and leaves the articles uncategorised.
        let story = newsroom
            .save_article(
                &Actor::System,
                None,
                &ArticleDraft {
                    category_id: Some(sport),
                    ..article("خبر رياضي", ArticleStatus::Published)
                },
            )
            .await
            .expect("article");
        let affected = newsroom
            .delete_category(&editor, sport)
            .await
            .expect("delete");
        assert_eq!(affected, 1);
        assert!(t.db.category_by_id(sport).await.unwrap().is_none());
        let child = t.db.category_by_id(football).await.unwrap().unwrap();
        assert_eq!(
            child.parent_id, None,
            "moved up to the deleted one's parent"
        );
        let article = t.db.article_by_id(story.id).await.unwrap().unwrap();
        assert!(article.summary.category.is_none());
        assert_eq!(
            t.db.redirect_target(SlugKind::Category, "رياضة")
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            audit_count(&t, "category").await,
            6,
            "3 created, 1+1 updated, 1 deleted"
        );
        assert!(matches!(
            newsroom.delete_category(&editor, sport).await,
            Err(NewsroomError::NotFound)
        ));
    }
);

both_backends!(tags_and_bylines, |t: TestDb| async move {
    let newsroom = Newsroom::new(t.db.clone());
    let [_, editor, ..] = staff(&t).await;
    for title in ["خبر أول", "خبر ثان"] {
        newsroom
            .save_article(
                &Actor::System,
                None,
                &ArticleDraft {
                    tags: vec!["سياسة".into(), "اقتصاد".into()],
                    ..article(title, ArticleStatus::Published)
                },
            )
            .await
            .unwrap();
    }
    let politics = t.db.tag_by_slug("سياسة").await.unwrap().unwrap();
    let economy = t.db.tag_by_slug("اقتصاد").await.unwrap().unwrap();
    let before = footprint(&t).await;
    for (name, slug, expected) in [
        ("", "", ("name", "admin-error-name-required")),
        (&*"ا".repeat(101), "", ("name", "admin-error-name-too-long")),
        ("سياسة", "!!!", ("slug", "admin-error-slug-invalid")),
        ("اقتصاد", "", ("slug", "admin-error-tag-taken")),
    ] {
        let err = newsroom
            .rename_tag(&editor, politics.id, name, slug)
            .await
            .unwrap_err();
        assert_eq!(fields(err), vec![expected], "{name:?} {slug:?}");
    }
    assert_eq!(footprint(&t).await, before);

    let renamed = newsroom
        .rename_tag(&editor, politics.id, "السياسة", "politics")
        .await
        .expect("rename");
    assert_eq!(renamed.slug, "politics");
    assert_eq!(
        t.db.redirect_target(SlugKind::Tag, "سياسة")
            .await
            .unwrap()
            .as_deref(),
        Some("politics")
    );
    newsroom
        .delete_tag(&editor, economy.id)
        .await
        .expect("delete");
    assert!(t.db.tag_by_id(economy.id).await.unwrap().is_none());
    assert_eq!(audit_count(&t, "tag").await, 2);
    assert!(matches!(
        newsroom.delete_tag(&editor, economy.id).await,
        Err(NewsroomError::NotFound)
    ));

    let byline = AuthorDraft {
        name: "سارة".into(),
        slug: "sara".into(),
        bio: String::new(),
    };
    let sara = newsroom
        .create_author(&editor, &byline)
        .await
        .expect("author");
    assert!(t.db.authors().await.unwrap().iter().any(|a| a.id == sara));
    let err = newsroom.create_author(&editor, &byline).await.unwrap_err();
    assert_eq!(fields(err), vec![("slug", "admin-error-slug-taken")]);
    let err = newsroom
        .create_author(&editor, &AuthorDraft::default())
        .await
        .unwrap_err();
    assert_eq!(fields(err), vec![("name", "admin-error-name-required")]);
});

both_backends!(who_may_do_what, |t: TestDb| async move {
    let newsroom = Newsroom::new(t.db.clone());
    let [admin, editor, author, contributor] = staff(&t).await;
    let news = newsroom
        .create_category(&editor, &category("أخبار"))
        .await
        .unwrap();
    let story = newsroom
        .save_article(
            &Actor::System,
            None,
            &ArticleDraft {
                tags: vec!["وسم".into()],
                ..article("خبر", ArticleStatus::Published)
            },
        )
        .await
        .unwrap();
    let tag = t.db.tag_by_slug("وسم").await.unwrap().unwrap();
    let photo = newsroom
        .record_upload(&author, &media("stem1"))
        .await
        .expect("an author uploads");
    t.exec(&format!(
        "UPDATE telegram_deliveries SET status = 'failed' WHERE article_id = {}",
        story.id
    ))
    .await;
    let job = t.db.telegram_deliveries_of(story.id).await.unwrap()[0].id;
    let before = footprint(&t).await;

    for actor in [&author, &contributor] {
        forbidden(newsroom.create_category(actor, &category("رياضة")).await);
        forbidden(
            newsroom
                .update_category(actor, news, &category("تغيير"))
                .await,
        );
        forbidden(newsroom.delete_category(actor, news).await);
        forbidden(newsroom.rename_tag(actor, tag.id, "تغيير", "").await);
        forbidden(newsroom.delete_tag(actor, tag.id).await);
        forbidden(newsroom.create_author(actor, &AuthorDraft::default()).await);
        forbidden(
            newsroom
                .save_site_settings(actor, &SiteSettings::default())
                .await,
        );
        forbidden(newsroom.retry_delivery(actor, job).await);
        forbidden(
            newsroom
                .save_telegram_settings(actor, &TelegramSettingsDraft::default())
                .await,
        );
    }
    // Settings are the administrator's, the editor's desk stops short of them.
    forbidden(
        newsroom
            .save_site_settings(&editor, &SiteSettings::default())
            .await,
    );
    forbidden(
        newsroom
            .save_telegram_settings(&editor, &TelegramSettingsDraft::default())
            .await,
    );
    // A contributor has no media library.
    forbidden(newsroom.record_upload(&contributor, &media("stem2")).await);
    forbidden(
        newsroom
            .update_media_text(&contributor, photo, "", "")
            .await,
    );
    forbidden(newsroom.delete_media(&contributor, photo).await);
    assert_eq!(
        footprint(&t).await,
        before,
        "a refused write wrote something"
    );

    // The editor retries; the administrator saves the settings.
    assert_eq!(
        newsroom.retry_delivery(&editor, job).await.unwrap(),
        Retry::Requeued
    );
    newsroom
        .save_site_settings(&admin, &SiteSettings::default())
        .await
        .expect("admin saves settings");
});

both_backends!(site_settings_validation, |t: TestDb| async move {
    let newsroom = Newsroom::new(t.db.clone());
    let [admin, ..] = staff(&t).await;
    let good = SiteSettings {
        name: "الشرق".into(),
        tagline: "أخبار المنطقة".into(),
        locale: "ar".into(),
        time_zone: "Asia/Beirut".into(),
        digit_style: "arabic-indic".into(),
        telegram_channel: "@sharq_news".into(),
    };
    let before = footprint(&t).await;
    let cases: Vec<(SiteSettings, (&str, &str))> = vec![
        (
            SiteSettings {
                name: " ".into(),
                ..good.clone()
            },
            ("name", "admin-error-name-required"),
        ),
        (
            SiteSettings {
                name: "ا".repeat(101),
                ..good.clone()
            },
            ("name", "admin-error-name-too-long"),
        ),
        (
            SiteSettings {
                tagline: "ا".repeat(201),
                ..good.clone()
            },
            ("tagline", "admin-error-tagline-too-long"),
        ),
        (
            SiteSettings {
                locale: "fr".into(),
                ..good.clone()
            },
            ("locale", "admin-error-locale-invalid"),
        ),
        (
            SiteSettings {
                time_zone: "Asia/Nowhere".into(),
                ..good.clone()
            },
            ("time_zone", "admin-error-time-zone-invalid"),
        ),
        (
            SiteSettings {
                digit_style: "roman".into(),
                ..good.clone()
            },
            ("digit_style", "admin-error-digit-style-invalid"),
        ),
        (
            SiteSettings {
                telegram_channel: "sharq_news".into(),
                ..good.clone()
            },
            ("telegram_channel", "admin-error-telegram-channel-invalid"),
        ),
    ];
    for (typed, expected) in cases {
        let err = newsroom
            .save_site_settings(&admin, &typed)
            .await
            .unwrap_err();
        assert_eq!(fields(err), vec![expected]);
    }
    assert_eq!(footprint(&t).await, before);

    let epoch = t.db.epoch();
    let stored = newsroom
        .save_site_settings(&admin, &good)
        .await
        .expect("save");
    assert_eq!(
        stored.telegram_channel, "sharq_news",
        "stored without the @"
    );
    assert_eq!(t.db.site_settings().await.unwrap(), stored);
    assert!(t.db.epoch() > epoch);
    assert_eq!(audit_count(&t, "settings").await, 1);
});

both_backends!(media_records, |t: TestDb| async move {
    let newsroom = Newsroom::new(t.db.clone());
    let [_, editor, author, _] = staff(&t).await;
    let before = footprint(&t).await;
    let mut long = media("stem-long");
    long.alt = "ا".repeat(301);
    long.caption = "ا".repeat(1001);
    let err = newsroom.record_upload(&author, &long).await.unwrap_err();
    assert_eq!(
        fields(err),
        vec![
            ("alt", "admin-error-alt-too-long"),
            ("caption", "admin-error-caption-too-long")
        ]
    );
    assert_eq!(footprint(&t).await, before);

    let id = newsroom
        .record_upload(&author, &media("stem-a"))
        .await
        .expect("record");
    let row = t.db.media_by_id(id).await.unwrap().expect("row");
    assert_eq!(row.alt, "صورة", "trimmed");
    assert_eq!(
        row.uploaded_by,
        author.user_id(),
        "the uploader is the actor"
    );
    // The same stem twice is a conflict, never a server error.
    assert!(matches!(
        newsroom.record_upload(&author, &media("stem-a")).await,
        Err(NewsroomError::Conflict { .. })
    ));

    let err = newsroom
        .update_media_text(&author, id, &"ا".repeat(301), "")
        .await
        .unwrap_err();
    assert_eq!(fields(err), vec![("alt", "admin-error-alt-too-long")]);
    newsroom
        .update_media_text(&author, id, "نص بديل", "تعليق")
        .await
        .expect("edit");
    let row = t.db.media_by_id(id).await.unwrap().unwrap();
    assert_eq!(
        (row.alt.as_str(), row.caption.as_str()),
        ("نص بديل", "تعليق")
    );
    assert!(matches!(
        newsroom.update_media_text(&author, id + 100, "", "").await,
        Err(NewsroomError::NotFound)
    ));

    // Refused, naming the articles, while one shows it.
    let story = newsroom
        .save_article(
            &editor,
            None,
            &ArticleDraft {
                image: FeaturedImage::Media(id),
                ..article("خبر مصور", ArticleStatus::Draft)
            },
        )
        .await
        .unwrap();
    let refused = newsroom.delete_media(&editor, id).await.expect("answer");
    assert_eq!(
        refused,
        Err(MediaInUse {
            articles: vec![(story.id, "خبر مصور".to_string())]
        })
    );
    assert!(t.db.media_by_id(id).await.unwrap().is_some());
    newsroom.delete_article(&editor, story.id).await.unwrap();
    let deleted = newsroom
        .delete_media(&editor, id)
        .await
        .expect("answer")
        .expect("deleted");
    assert_eq!(deleted.stem, "stem-a", "the caller removes these files");
    assert!(t.db.media_by_id(id).await.unwrap().is_none());
    assert_eq!(
        audit_count(&t, "media").await,
        3,
        "created, updated, deleted"
    );
});

both_backends!(telegram_retry_and_settings, |t: TestDb| async move {
    let newsroom = Newsroom::new(t.db.clone());
    let [admin, editor, ..] = staff(&t).await;
    let story = newsroom
        .save_article(&editor, None, &article("خبر", ArticleStatus::Published))
        .await
        .unwrap();
    let job = t.db.telegram_deliveries_of(story.id).await.unwrap()[0].clone();
    // Pending: already on its way, a retry changes nothing.
    assert_eq!(
        newsroom.retry_delivery(&editor, job.id).await.unwrap(),
        Retry::NotNeeded
    );
    for status in ["failed", "skipped"] {
        t.exec(&format!(
            "UPDATE telegram_deliveries SET status = '{status}', attempts = 5 WHERE id = {}",
            job.id
        ))
        .await;
        assert_eq!(
            newsroom.retry_delivery(&editor, job.id).await.unwrap(),
            Retry::Requeued,
            "{status}"
        );
        let again = t.db.telegram_delivery(job.id).await.unwrap().unwrap();
        assert_eq!(again.status, sahifa_store::DeliveryStatus::Pending);
        assert_eq!(again.attempts, 0);
    }
    // Sent: a retry would post twice.
    t.exec(&format!(
        "UPDATE telegram_deliveries SET status = 'sent' WHERE id = {}",
        job.id
    ))
    .await;
    assert_eq!(
        newsroom.retry_delivery(&editor, job.id).await.unwrap(),
        Retry::NotNeeded
    );
    assert!(matches!(
        newsroom.retry_delivery(&editor, job.id + 100).await,
        Err(NewsroomError::NotFound)
    ));
    assert_eq!(audit_count(&t, "telegram-delivery").await, 2);

    let before = footprint(&t).await;
    let err = newsroom
        .save_telegram_settings(
            &admin,
            &TelegramSettingsDraft {
                bot_token: "not a token".into(),
                channel: "@a b".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        fields(err),
        vec![
            ("bot_token", "admin-telegram-invalid-token"),
            ("channel", "admin-telegram-invalid-channel")
        ]
    );
    assert_eq!(footprint(&t).await, before);
    let saved = newsroom
        .save_telegram_settings(
            &admin,
            &TelegramSettingsDraft {
                enabled: true,
                bot_token: "123456789:AAEabcdefghijklmnopqrstuvwxyz".into(),
                channel: "https://t.me/sahifa_news".into(),
                template: sahifa_telegram::settings::DEFAULT_TEMPLATE.into(),
                excluded_categories: vec![7, 3, 7],
                ..Default::default()
            },
        )
        .await
        .expect("save");
    assert_eq!(saved.channel, "@sahifa_news");
    assert_eq!(saved.template, "", "the default is not stored");
    let settings =
        sahifa_telegram::TelegramSettings::load(&t.db, &sahifa_telegram::Overrides::default())
            .await
            .unwrap();
    assert_eq!(settings.excluded_categories, vec![3, 7]);
    assert_eq!(
        settings.bot_token,
        "123456789:AAEabcdefghijklmnopqrstuvwxyz"
    );
    let detail = t
        .count(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log \
             WHERE object_kind = 'settings' AND detail LIKE 'telegram:%AAE%'",
        )
        .await;
    assert_eq!(detail, 0, "the token never reaches the audit trail");
    let entry = t
        .count(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log \
             WHERE object_kind = 'settings' AND detail LIKE 'telegram: on, channel @sahifa_news, token changed'",
        )
        .await;
    assert_eq!(entry, 1, "the save is audited");
});

both_backends!(
    a_fault_between_statements_leaves_nothing,
    |t: TestDb| async move {
        let newsroom = Newsroom::new(t.db.clone());
        let [admin, editor, ..] = staff(&t).await;
        let news = newsroom
            .create_category(&editor, &category("أخبار"))
            .await
            .unwrap();
        let story = newsroom
            .save_article(
                &Actor::System,
                None,
                &ArticleDraft {
                    category_id: Some(news),
                    tags: vec!["وسم".into()],
                    ..article("خبر", ArticleStatus::Published)
                },
            )
            .await
            .unwrap();
        let tag = t.db.tag_by_slug("وسم").await.unwrap().unwrap();
        let photo = newsroom
            .record_upload(&editor, &media("stem-f"))
            .await
            .unwrap();
        t.exec(&format!(
            "UPDATE telegram_deliveries SET status = 'failed' WHERE article_id = {}",
            story.id
        ))
        .await;
        let job = t.db.telegram_deliveries_of(story.id).await.unwrap()[0].id;
        let before = footprint(&t).await;
        let version = t.db.stored_version().await.unwrap();
        let epoch = t.db.epoch();

        // The audit entry is the last statement of each of these writes.
        t.fail_inserts_into("audit_log").await;
        internal(newsroom.create_category(&editor, &category("رياضة")).await);
        internal(
            newsroom
                .update_category(
                    &editor,
                    news,
                    &CategoryDraft {
                        slug: "news".into(),
                        ..category("الأخبار")
                    },
                )
                .await,
        );
        internal(newsroom.delete_category(&editor, news).await);
        internal(
            newsroom
                .rename_tag(&editor, tag.id, "وسم آخر", "other")
                .await,
        );
        internal(newsroom.delete_tag(&editor, tag.id).await);
        internal(
            newsroom
                .create_author(
                    &editor,
                    &AuthorDraft {
                        name: "سارة".into(),
                        ..Default::default()
                    },
                )
                .await,
        );
        internal(
            newsroom
                .save_site_settings(
                    &admin,
                    &SiteSettings {
                        name: "اسم جديد".into(),
                        ..Default::default()
                    },
                )
                .await,
        );
        internal(newsroom.record_upload(&editor, &media("stem-g")).await);
        internal(newsroom.update_media_text(&editor, photo, "بديل", "").await);
        internal(newsroom.delete_media(&editor, photo).await);
        internal(newsroom.retry_delivery(&editor, job).await);
        internal(
            newsroom
                .save_telegram_settings(
                    &admin,
                    &TelegramSettingsDraft {
                        channel: "@other_channel".into(),
                        ..Default::default()
                    },
                )
                .await,
        );

        assert_eq!(
            footprint(&t).await,
            before,
            "a row of a failed write survived"
        );
        assert_eq!(
            t.db.stored_version().await.unwrap(),
            version,
            "stored version moved"
        );
        assert_eq!(
            t.db.epoch(),
            epoch,
            "the page cache was retired for nothing"
        );
        let kept =
            t.db.category_by_id(news)
                .await
                .unwrap()
                .expect("not deleted");
        assert_eq!((kept.name.as_str(), kept.slug.as_str()), ("أخبار", "أخبار"));
        assert_eq!(
            t.db.redirect_target(SlugKind::Category, "أخبار")
                .await
                .unwrap(),
            None,
            "a redirect without its rename"
        );
        let article = t.db.article_by_id(story.id).await.unwrap().unwrap();
        assert_eq!(article.summary.category.map(|c| c.id), Some(news));
        assert_eq!(
            t.db.tag_by_id(tag.id).await.unwrap().expect("tag").name,
            "وسم"
        );
        assert_eq!(
            t.db.site_settings().await.unwrap().name,
            SiteSettings::default().name
        );
        assert_eq!(
            t.db.media_by_id(photo).await.unwrap().expect("media").alt,
            "صورة"
        );
        assert_eq!(
            t.db.telegram_delivery(job).await.unwrap().unwrap().status,
            sahifa_store::DeliveryStatus::Failed
        );
        assert_eq!(t.db.setting("telegram.channel").await.unwrap(), None);

        // Once the fault is gone the same write goes through, with its redirect.
        t.heal("audit_log").await;
        newsroom
            .update_category(
                &editor,
                news,
                &CategoryDraft {
                    slug: "news".into(),
                    ..category("الأخبار")
                },
            )
            .await
            .expect("healed");
        assert_eq!(
            t.db.redirect_target(SlugKind::Category, "أخبار")
                .await
                .unwrap()
                .as_deref(),
            Some("news")
        );
    }
);
