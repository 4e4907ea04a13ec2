//! The author-profile use case on SQLite and PostgreSQL: an account edits its own byline,
//! another's is refused unless an administrator asks, a wrong link or photo is a field
//! error, and a refused edit stores nothing.

use sahifa_newsroom::authors::ProfileDraft;
use sahifa_newsroom::taxonomy::AuthorDraft;
use sahifa_newsroom::{Actor, Newsroom, NewsroomError};
use sahifa_store::{NewMedia, Role, User};
use sahifa_testkit::{TestDb, both_backends};

/// An account of `role` whose byline is a fresh one named `byline`.
async fn with_byline(
    t: &TestDb,
    newsroom: &Newsroom,
    email: &str,
    role: Role,
    byline: &str,
) -> User {
    let mut user = t.account(email, role).await;
    let author = newsroom
        .create_author(
            &Actor::System,
            &AuthorDraft {
                name: byline.into(),
                ..Default::default()
            },
        )
        .await
        .expect("byline");
    t.exec(&format!(
        "UPDATE users SET author_id = {author} WHERE id = {}",
        user.id
    ))
    .await;
    user.author_id = Some(author);
    user
}

fn draft(name: &str) -> ProfileDraft {
    ProfileDraft {
        name: name.into(),
        bio: "  صحفية تغطي الاقتصاد منذ عشر سنوات.  ".into(),
        link_x: "@sahifa_news".into(),
        link_telegram: "https://t.me/sahifa_news".into(),
        link_facebook: "sahifa.news".into(),
        link_website: "https://example.com/me".into(),
        ..Default::default()
    }
}

async fn profile_rows(t: &TestDb) -> Vec<i64> {
    vec![
        t.count("SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log")
            .await,
        t.count(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM authors WHERE bio <> '' OR link_x <> '' \
             OR link_website <> '' OR photo_media_id IS NOT NULL",
        )
        .await,
    ]
}

both_backends!(own_profile_and_others, |t: TestDb| async move {
    let newsroom = Newsroom::new(t.db.clone());
    let author = with_byline(&t, &newsroom, "author@example.com", Role::Author, "منى").await;
    let editor = with_byline(&t, &newsroom, "editor@example.com", Role::Editor, "سامر").await;
    let admin = t.account("admin@example.com", Role::Administrator).await;
    let mine = author.author_id.expect("byline");
    let editors = editor.author_id.expect("byline");
    let photo = newsroom
        .record_upload(
            &Actor::User(admin.clone()),
            &NewMedia {
                stem: "face".into(),
                kind: "jpeg".into(),
                width: 800,
                height: 800,
                bytes: 1000,
                variants: "[]".into(),
                alt: "وجه".into(),
                caption: String::new(),
                original_name: "face.jpg".into(),
                uploaded_by: None,
            },
        )
        .await
        .expect("media");

    // Their own byline: stored, links normalised.
    let epoch_before = t.db.stored_version().await.expect("epoch");
    newsroom
        .update_author_profile(
            &Actor::User(author.clone()),
            mine,
            &ProfileDraft {
                photo: photo.to_string(),
                ..draft("منى الكاتبة")
            },
        )
        .await
        .expect("own profile");
    let stored = t.db.author_by_id(mine).await.unwrap().expect("author");
    assert_eq!(stored.name, "منى الكاتبة");
    assert_eq!(stored.bio, "صحفية تغطي الاقتصاد منذ عشر سنوات.");
    assert_eq!(stored.photo_media_id, Some(photo));
    assert_eq!(stored.link_x, "https://x.com/sahifa_news");
    assert_eq!(stored.link_telegram, "https://t.me/sahifa_news");
    assert_eq!(stored.link_facebook, "https://www.facebook.com/sahifa.news");
    assert_eq!(stored.link_website, "https://example.com/me");
    assert!(t.db.stored_version().await.expect("epoch") > epoch_before);
    assert_eq!(
        t.count(&format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE object_kind = 'author' \
             AND action = 'updated' AND object_id = {mine}"
        ))
        .await,
        1
    );

    // Someone else's: refused to an author and an editor, nothing stored.
    let before = profile_rows(&t).await;
    for actor in [&author, &editor] {
        let other = if actor.id == author.id { editors } else { mine };
        match newsroom
            .update_author_profile(&Actor::User(actor.clone()), other, &draft("غيري"))
            .await
        {
            Err(NewsroomError::Forbidden) => {}
            other => panic!("expected Forbidden, got {other:?}"),
        }
    }
    assert_eq!(profile_rows(&t).await, before);
    assert_eq!(
        t.db.author_by_id(editors).await.unwrap().unwrap().name,
        "سامر"
    );

    // An administrator edits anyone's.
    newsroom
        .update_author_profile(&Actor::User(admin.clone()), editors, &draft("سامر المحرر"))
        .await
        .expect("admin edits another's profile");
    assert_eq!(
        t.db.author_by_id(editors).await.unwrap().unwrap().name,
        "سامر المحرر"
    );

    // An unknown byline.
    match newsroom
        .update_author_profile(&Actor::User(admin), 999_999, &draft("أحد"))
        .await
    {
        Err(NewsroomError::NotFound) => {}
        other => panic!("expected NotFound, got {other:?}"),
    }
});

both_backends!(bad_fields_store_nothing, |t: TestDb| async move {
    let newsroom = Newsroom::new(t.db.clone());
    let author = with_byline(&t, &newsroom, "author@example.com", Role::Author, "منى").await;
    let mine = author.author_id.expect("byline");
    let actor = Actor::User(author);
    let before = profile_rows(&t).await;
    let bad = ProfileDraft {
        name: " ".into(),
        bio: "ب".repeat(2001),
        photo: "424242".into(),
        link_x: "https://evil.example/sahifa".into(),
        link_telegram: "abc".into(),
        link_facebook: "http://facebook.com/me".into(),
        link_website: "javascript:alert(1)".into(),
    };
    let err = newsroom
        .update_author_profile(&actor, mine, &bad)
        .await
        .expect_err("refused");
    let mut got: Vec<(&str, &str)> = err.fields().iter().map(|f| (f.field, f.key)).collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("bio", "admin-error-bio-too-long"),
            ("link_facebook", "admin-error-link-facebook"),
            ("link_telegram", "admin-error-link-telegram"),
            ("link_website", "admin-error-link-website"),
            ("link_x", "admin-error-link-x"),
            ("name", "admin-error-name-required"),
            ("photo", "admin-error-photo-unknown"),
        ]
    );
    // One bad link among good fields still stores nothing.
    let err = newsroom
        .update_author_profile(
            &actor,
            mine,
            &ProfileDraft {
                link_website: "ftp://example.com".into(),
                ..draft("منى الجديدة")
            },
        )
        .await
        .expect_err("refused");
    assert_eq!(err.fields().len(), 1);
    assert_eq!(profile_rows(&t).await, before);
    let stored = t.db.author_by_id(mine).await.unwrap().unwrap();
    assert_eq!((stored.name.as_str(), stored.bio.as_str()), ("منى", ""));
});

both_backends!(unowned_articles_adopted, |t: TestDb| async move {
    let newsroom = Newsroom::new(t.db.clone());
    let admin = t.account("admin@example.com", Role::Administrator).await;
    match newsroom
        .adopt_unowned_articles(&Actor::User(admin.clone()), admin.id)
        .await
    {
        Err(NewsroomError::Forbidden) => {}
        other => panic!("expected Forbidden, got {other:?}"),
    }
    assert_eq!(
        newsroom
            .adopt_unowned_articles(&Actor::System, admin.id)
            .await
            .expect("adopt"),
        0
    );
});
