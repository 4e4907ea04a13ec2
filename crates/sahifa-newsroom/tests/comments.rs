//! The comment use cases, called directly (no HTTP) on SQLite and PostgreSQL: every
//! decision of the submission pipeline, the CAPTCHA refusals, every permission refusal of
//! moderation, and a fault injected between the statements of a moderation action leaving
//! the comment as it was.

use chrono::{Duration, Utc};
use sahifa_newsroom::comments::{
    BlockTarget, CommentEdit, CommentSettings, CommentStatus, CommentSubmission, Moderation,
    StoredComment, SubmittedComment, captcha, captcha_key,
};
use sahifa_newsroom::{Actor, Newsroom, NewsroomError};
use sahifa_store::{ArticleInput, ArticleStatus, Db, NewComment, Role, User};
use sahifa_testkit::Seed;
use sahifa_testkit::{ArticleWrites, TestDb, both_backends};

/// An account of `role`, inserted as a row so foreign keys hold.
async fn account(t: &TestDb, email: &str, role: Role) -> User {
    t.account(email, role).await
}

/// A published article, `age` old.
async fn article(db: &Db, title: &str, age: Duration) -> i64 {
    db.create_article(&ArticleInput {
        slug: None,
        title: title.to_string(),
        lead: "مقدمة".into(),
        body_html: String::new(),
        body_md: "نص".into(),
        dateline: None,
        source: None,
        author_id: None,
        category_id: None,
        tags: Vec::new(),
        status: ArticleStatus::Published,
        published_at: Some(Utc::now() - age),
        image: None,
    })
    .await
    .expect("article")
}

/// Settings that let every case through the CAPTCHA, timing and rate steps, so that each
/// case turns on just the defence it exercises.
async fn baseline(db: &Db) {
    for (k, v) in [
        ("comments.enabled", "1"),
        ("comments.captcha", "off"),
        ("comments.min_seconds", "0"),
        ("comments.flood_seconds", "0"),
        ("comments.rate_per_hour", "0"),
        ("comments.first_time_hold", "0"),
        ("comments.hold_all", "0"),
        ("comments.max_links", "2"),
        ("comments.moderation_words", ""),
        ("comments.disallowed_words", ""),
        ("comments.max_length", "5000"),
        ("comments.close_after_days", "0"),
    ] {
        db.set_setting(k, v).await.expect("setting");
    }
}

async fn set(db: &Db, key: &str, value: &str) {
    db.set_setting(key, value).await.expect("setting");
}

fn submission(article_id: i64, email: &str, body: &str) -> CommentSubmission {
    CommentSubmission {
        article_id,
        author_name: "قارئ".into(),
        email: email.to_string(),
        body: body.to_string(),
        ip: "192.0.2.7".into(),
        user_agent: "test".into(),
        ..Default::default()
    }
}

fn stored(outcome: Result<SubmittedComment, NewsroomError>) -> StoredComment {
    match outcome {
        Ok(SubmittedComment::Stored(c)) => c,
        other => panic!("expected a stored comment, got {other:?}"),
    }
}

fn fields(err: &NewsroomError) -> Vec<(&'static str, &'static str)> {
    match err {
        NewsroomError::Invalid(fields) => fields.iter().map(|f| (f.field, f.key)).collect(),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

async fn status_of(db: &Db, id: i64) -> Option<CommentStatus> {
    db.admin_comment(id).await.expect("read").map(|c| c.status)
}

async fn audit_count(t: &TestDb) -> i64 {
    t.count("SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log")
        .await
}

/// A held comment stored as is, for moderation cases.
async fn held(db: &Db, article_id: i64, email: &str, body: &str) -> i64 {
    db.insert_comment(&NewComment {
        article_id,
        author_name: "قارئ".into(),
        email: email.into(),
        body: body.into(),
        status: CommentStatus::Pending,
        ip: Some("198.51.100.4".into()),
        ..Default::default()
    })
    .await
    .expect("insert")
}

both_backends!(decision_paths, |t: TestDb| async move {
    let db = t.db.clone();
    let newsroom = Newsroom::new(db.clone());
    let id = article(&db, "خبر للتعليق", Duration::hours(1)).await;
    struct Case {
        name: &'static str,
        settings: &'static [(&'static str, &'static str)],
        body: &'static str,
        want: CommentStatus,
        reason: &'static str,
    }
    let cases = [
        Case {
            name: "approved",
            settings: &[],
            body: "تعليق عادي",
            want: CommentStatus::Approved,
            reason: "",
        },
        Case {
            name: "held for links",
            settings: &[],
            body: "انظر https://a.example و https://b.example",
            want: CommentStatus::Pending,
            reason: "2 links",
        },
        Case {
            name: "held for first time",
            settings: &[("comments.first_time_hold", "1")],
            body: "أول تعليق لي",
            want: CommentStatus::Pending,
            reason: "first comment",
        },
        Case {
            name: "held: hold all",
            settings: &[("comments.hold_all", "1")],
            body: "كل شيء ينتظر",
            want: CommentStatus::Pending,
            reason: "hold all",
        },
        Case {
            name: "held: moderation word (hamza folded)",
            settings: &[("comments.moderation_words", "اعلان")],
            body: "إعلان عن منتج",
            want: CommentStatus::Pending,
            reason: "moderation word: اعلان",
        },
        Case {
            name: "spam: disallowed word",
            settings: &[("comments.disallowed_words", "كازينو")],
            body: "العب في الكازينو",
            want: CommentStatus::Spam,
            reason: "disallowed: كازينو",
        },
    ];
    for (i, case) in cases.iter().enumerate() {
        baseline(&db).await;
        for (k, v) in case.settings {
            set(&db, k, v).await;
        }
        let email = format!("reader{i}@example.com");
        let c = stored(
            newsroom
                .submit_comment(None, &submission(id, &email, case.body))
                .await,
        );
        assert_eq!(
            (c.status, c.reason.as_str()),
            (case.want, case.reason),
            "{}",
            case.name
        );
        assert_eq!(status_of(&db, c.id).await, Some(case.want), "{}", case.name);
    }

    // A known author (one approved comment) skips the first-time hold.
    baseline(&db).await;
    set(&db, "comments.first_time_hold", "1").await;
    let c = stored(
        newsroom
            .submit_comment(
                None,
                &submission(id, "reader0@example.com", "تعليقي الثاني"),
            )
            .await,
    );
    assert_eq!(c.status, CommentStatus::Approved);

    // Honeypot: nothing stored.
    baseline(&db).await;
    let before = t
        .count("SELECT CAST(COUNT(*) AS BIGINT) FROM comments")
        .await;
    let mut bot = submission(id, "bot@example.com", "أنا روبوت");
    bot.honeypot = "http://spam.example".into();
    assert_eq!(
        newsroom.submit_comment(None, &bot).await.expect("answer"),
        SubmittedComment::Discarded
    );
    assert_eq!(
        t.count("SELECT CAST(COUNT(*) AS BIGINT) FROM comments")
            .await,
        before
    );

    // Field problems, all at once.
    let mut bad = submission(id, "not-an-email", "");
    bad.author_name = String::new();
    bad.url = "javascript:alert(1)".into();
    let err = newsroom
        .submit_comment(None, &bad)
        .await
        .expect_err("invalid");
    assert_eq!(
        fields(&err),
        vec![
            ("author", "comment-error-name"),
            ("email", "comment-error-email"),
            ("url", "comment-error-url"),
            ("comment", "comment-error-body"),
        ]
    );
    set(&db, "comments.max_length", "20").await;
    let err = newsroom
        .submit_comment(
            None,
            &submission(
                id,
                "long@example.com",
                "هذا تعليق طويل جداً يتجاوز الحد المسموح به",
            ),
        )
        .await
        .expect_err("too long");
    assert_eq!(fields(&err), vec![("comment", "comment-error-too-long")]);

    // Flood: the same email or IP within the window.
    baseline(&db).await;
    stored(
        newsroom
            .submit_comment(None, &submission(id, "fast@example.com", "الأول"))
            .await,
    );
    set(&db, "comments.flood_seconds", "15").await;
    let err = newsroom
        .submit_comment(None, &submission(id, "fast@example.com", "الثاني بسرعة"))
        .await
        .expect_err("flood");
    assert!(
        matches!(
            err,
            NewsroomError::RateLimited {
                key: "comment-error-flood",
                retry_after: Some(1..=15)
            }
        ),
        "{err:?}"
    );

    // Per-IP rate limit.
    baseline(&db).await;
    set(&db, "comments.rate_per_hour", "3").await;
    let err = newsroom
        .submit_comment(None, &submission(id, "many@example.com", "واحد من كثير"))
        .await
        .expect_err("rate");
    assert!(
        matches!(
            err,
            NewsroomError::RateLimited {
                key: "comment-error-rate",
                ..
            }
        ),
        "{err:?}"
    );

    // Duplicate: the same text from the same author.
    baseline(&db).await;
    let err = newsroom
        .submit_comment(None, &submission(id, "reader0@example.com", "تعليق عادي"))
        .await
        .expect_err("duplicate");
    assert!(
        matches!(
            err,
            NewsroomError::Conflict {
                key: "comment-error-duplicate",
                ..
            }
        ),
        "{err:?}"
    );

    // Closed: site-wide, by hand for this article, after N days.
    let closed = |newsroom: Newsroom, id: i64| async move {
        newsroom
            .submit_comment(
                None,
                &submission(id, "late@example.com", "هل ما زال مفتوحاً؟"),
            )
            .await
    };
    set(&db, "comments.enabled", "0").await;
    assert!(matches!(
        closed(newsroom.clone(), id).await,
        Err(NewsroomError::Forbidden)
    ));
    baseline(&db).await;
    newsroom
        .set_comments_open(&Actor::System, id, false)
        .await
        .expect("close");
    assert!(matches!(
        closed(newsroom.clone(), id).await,
        Err(NewsroomError::Forbidden)
    ));
    newsroom
        .set_comments_open(&Actor::System, id, true)
        .await
        .expect("open");
    let old = article(&db, "خبر قديم", Duration::days(40)).await;
    set(&db, "comments.close_after_days", "30").await;
    assert!(matches!(
        closed(newsroom.clone(), old).await,
        Err(NewsroomError::Forbidden)
    ));
    stored(closed(newsroom.clone(), id).await);
    assert!(matches!(
        closed(newsroom.clone(), 999_999).await,
        Err(NewsroomError::NotFound)
    ));

    // Signed-in staff are approved under their account's name, even on a first comment.
    baseline(&db).await;
    set(&db, "comments.first_time_hold", "1").await;
    let editor = Actor::User(account(&t, "ed@example.com", Role::Editor).await);
    let mut typed = submission(id, "forged@example.com", "رد من غرفة الأخبار");
    typed.author_name = "x".into();
    let c = stored(newsroom.submit_comment(Some(&editor), &typed).await);
    assert_eq!(
        (c.status, c.author_name.as_str(), c.email.as_str()),
        (CommentStatus::Approved, "اسم editor", "ed@example.com")
    );
    let row = db.admin_comment(c.id).await.expect("read").expect("row");
    assert_eq!(row.is_staff, 1);
});

both_backends!(captcha_refusals, |t: TestDb| async move {
    let db = t.db.clone();
    let newsroom = Newsroom::new(db.clone());
    let id = article(&db, "خبر بسؤال", Duration::hours(1)).await;
    baseline(&db).await;
    set(&db, "comments.captcha", "all").await;
    let answered = |body: &str, token: &str, answer: String| {
        let mut s = submission(id, &format!("{}@example.com", body.len()), body);
        s.captcha_token = token.to_string();
        s.captcha_answer = Some(answer);
        s
    };

    // No token yet: the challenge step, nothing stored.
    assert_eq!(
        newsroom
            .submit_comment(None, &submission(id, "nojs@example.com", "بلا جافاسكربت"))
            .await
            .expect("step"),
        SubmittedComment::NeedsChallenge
    );

    // Right, then replayed.
    let c = newsroom
        .comment_challenge(None, id)
        .await
        .expect("challenge");
    let answer = c.answer.expect("a question").to_string();
    stored(
        newsroom
            .submit_comment(None, &answered("إجابة صحيحة", &c.token, answer.clone()))
            .await,
    );
    let err = newsroom
        .submit_comment(None, &answered("مرة ثانية", &c.token, answer))
        .await
        .expect_err("replay");
    assert_eq!(
        fields(&err),
        vec![("captcha_answer", "comment-error-captcha-used")]
    );

    // Wrong.
    let c = newsroom
        .comment_challenge(None, id)
        .await
        .expect("challenge");
    let wrong = ((c.answer.expect("q") + 1) % 100).to_string();
    let err = newsroom
        .submit_comment(None, &answered("إجابة خاطئة", &c.token, wrong))
        .await
        .expect_err("wrong");
    assert_eq!(
        fields(&err),
        vec![("captcha_answer", "comment-error-captcha-wrong")]
    );

    // Expired: signed with the site's key, issued long ago.
    let key = captcha_key(&db).await.expect("key");
    let old = captcha::issue(
        &key,
        captcha::Scope::Comment {
            article_id: id,
            user_id: None,
        },
        captcha::Ops::parse("+"),
        300,
        Utc::now() - Duration::hours(1),
        true,
    );
    let err = newsroom
        .submit_comment(
            None,
            &answered("سؤال قديم", &old.token, old.answer.expect("q").to_string()),
        )
        .await
        .expect_err("expired");
    assert_eq!(
        fields(&err),
        vec![("captcha_answer", "comment-error-captcha-expired")]
    );

    // Forged: a stretched expiry breaks the MAC.
    let c = newsroom
        .comment_challenge(None, id)
        .await
        .expect("challenge");
    let parts: Vec<&str> = c.token.split('.').collect();
    let forged = format!(
        "{}.{}.{}.{}",
        parts[0], parts[1], 99_999_999_999i64, parts[3]
    );
    let err = newsroom
        .submit_comment(
            None,
            &answered("رمز مزوّر", &forged, c.answer.expect("q").to_string()),
        )
        .await
        .expect_err("forged");
    assert_eq!(
        fields(&err),
        vec![("captcha_answer", "comment-error-captcha-invalid")]
    );

    // Too fast: refused, and the token is spent all the same (one token, one attempt).
    set(&db, "comments.min_seconds", "60").await;
    let c = newsroom
        .comment_challenge(None, id)
        .await
        .expect("challenge");
    let answer = c.answer.expect("q").to_string();
    let err = newsroom
        .submit_comment(None, &answered("بسرعة البرق", &c.token, answer.clone()))
        .await
        .expect_err("too fast");
    assert_eq!(
        fields(&err),
        vec![("captcha_token", "comment-error-too-fast")]
    );
    set(&db, "comments.min_seconds", "0").await;
    let err = newsroom
        .submit_comment(None, &answered("بسرعة البرق", &c.token, answer))
        .await
        .expect_err("spent");
    assert_eq!(
        fields(&err),
        vec![("captcha_answer", "comment-error-captcha-used")]
    );
});

// Issue 15, finding 6: a wrong answer spends the token; tokens are bound to their article
// and to the reader they were shown to; the flood rule holds for parallel comments.
both_backends!(captcha_tokens_are_spent_and_bound, |t: TestDb| async move {
    let db = t.db.clone();
    let newsroom = Newsroom::new(db.clone());
    baseline(&db).await;
    let a = article(&db, "خبر أول", Duration::hours(1)).await;
    let b = article(&db, "خبر ثان", Duration::hours(1)).await;
    set(&db, "comments.captcha", "all").await;
    let answered = |article_id: i64, body: &str, token: &str, answer: String| {
        let mut s = submission(article_id, &format!("{}@example.com", body.len()), body);
        s.captcha_token = token.to_string();
        s.captcha_answer = Some(answer);
        s
    };

    // Wrong, then right with the same token: used.
    let c = newsroom
        .comment_challenge(None, a)
        .await
        .expect("challenge");
    let right = c.answer.expect("q");
    let err = newsroom
        .submit_comment(None, &answered(a, "خطأ", &c.token, (right + 1).to_string()))
        .await
        .expect_err("wrong");
    assert_eq!(
        fields(&err),
        vec![("captcha_answer", "comment-error-captcha-wrong")]
    );
    let err = newsroom
        .submit_comment(
            None,
            &answered(a, "صواب متأخر", &c.token, right.to_string()),
        )
        .await
        .expect_err("spent by the wrong answer");
    assert_eq!(
        fields(&err),
        vec![("captcha_answer", "comment-error-captcha-used")]
    );

    // Article A's token on article B.
    let c = newsroom
        .comment_challenge(None, a)
        .await
        .expect("challenge");
    let right = c.answer.expect("q").to_string();
    let err = newsroom
        .submit_comment(None, &answered(b, "مقال آخر", &c.token, right.clone()))
        .await
        .expect_err("bound to A");
    assert_eq!(
        fields(&err),
        vec![("captcha_answer", "comment-error-captcha-invalid")]
    );
    stored(
        newsroom
            .submit_comment(None, &answered(a, "مقاله", &c.token, right))
            .await,
    );

    // A contributor's question-less token, used anonymously with an empty answer.
    set(&db, "comments.captcha", "anonymous").await;
    let contributor = Actor::User(account(&t, "c@example.com", Role::Contributor).await);
    let c = newsroom
        .comment_challenge(Some(&contributor), a)
        .await
        .expect("challenge");
    assert!(c.question.is_none());
    let err = newsroom
        .submit_comment(None, &answered(a, "متسلل", &c.token, String::new()))
        .await
        .expect_err("staff token, anonymous reader");
    assert_eq!(
        fields(&err),
        vec![("captcha_answer", "comment-error-captcha-invalid")]
    );

    // The flood rule under concurrency: 20 parallel comments from one address, one stored.
    set(&db, "comments.captcha", "off").await;
    set(&db, "comments.flood_seconds", "60").await;
    let before = t
        .count("SELECT CAST(COUNT(*) AS BIGINT) FROM comments")
        .await;
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let newsroom = newsroom.clone();
            let mut s = submission(a, &format!("flood{i}@example.com"), &format!("سيل {i}"));
            // An address that has not commented yet.
            s.ip = "192.0.2.99".into();
            tokio::spawn(async move { newsroom.submit_comment(None, &s).await })
        })
        .collect();
    let mut limited = 0;
    for task in tasks {
        if let Err(NewsroomError::RateLimited { .. }) = task.await.expect("task") {
            limited += 1;
        }
    }
    let after = t
        .count("SELECT CAST(COUNT(*) AS BIGINT) FROM comments")
        .await;
    assert_eq!(after - before, 1, "one comment per address per interval");
    assert_eq!(limited, 19);
});

both_backends!(moderation_permissions, |t: TestDb| async move {
    let db = t.db.clone();
    let newsroom = Newsroom::new(db.clone());
    let id = article(&db, "خبر", Duration::hours(1)).await;
    let c = held(&db, id, "r@example.com", "تعليق").await;
    let editor = Actor::User(account(&t, "e@example.com", Role::Editor).await);
    let audits = audit_count(&t).await;
    for role in [Role::Author, Role::Contributor] {
        let email = format!("{role:?}@example.com").to_lowercase();
        let actor = Actor::User(account(&t, &email, role).await);
        let refusals = [
            newsroom
                .moderate_comments(&actor, &[c], Moderation::Approve)
                .await
                .map(|_| ()),
            newsroom
                .moderate_comments(&actor, &[c], Moderation::Delete)
                .await
                .map(|_| ()),
            newsroom
                .edit_comment(
                    &actor,
                    c,
                    &CommentEdit {
                        author_name: "x".into(),
                        email: "x@example.com".into(),
                        body: "y".into(),
                        ..Default::default()
                    },
                )
                .await,
            newsroom.reply_to_comment(&actor, c, "رد").await.map(|_| ()),
            newsroom
                .block_commenter(&actor, c, BlockTarget::Email)
                .await
                .map(|_| ()),
            newsroom
                .save_comment_settings(&actor, &CommentSettings::default())
                .await,
            newsroom.set_comments_open(&actor, id, false).await,
            newsroom
                .export_comments(&actor, "r@example.com")
                .await
                .map(|_| ()),
            newsroom
                .erase_comments(&actor, "r@example.com")
                .await
                .map(|_| ()),
        ];
        for (i, result) in refusals.into_iter().enumerate() {
            assert!(
                matches!(result, Err(NewsroomError::Forbidden)),
                "{role:?} #{i}: {result:?}"
            );
        }
    }
    // Editors moderate, but the privacy requests are the administrators'.
    assert!(matches!(
        newsroom.export_comments(&editor, "r@example.com").await,
        Err(NewsroomError::Forbidden)
    ));
    assert!(matches!(
        newsroom.erase_comments(&editor, "r@example.com").await,
        Err(NewsroomError::Forbidden)
    ));
    assert_eq!(status_of(&db, c).await, Some(CommentStatus::Pending));
    assert_eq!(audit_count(&t).await, audits, "a refusal writes nothing");
});

both_backends!(moderation_writes, |t: TestDb| async move {
    let db = t.db.clone();
    let newsroom = Newsroom::new(db.clone());
    baseline(&db).await;
    let id = article(&db, "خبر", Duration::hours(1)).await;
    let editor = Actor::User(account(&t, "e@example.com", Role::Editor).await);
    let admin = Actor::User(account(&t, "a@example.com", Role::Administrator).await);
    let a = held(&db, id, "one@example.com", "الأول").await;
    let b = held(&db, id, "two@example.com", "الثاني").await;

    // Bulk approve: rows, audit entry and the epoch together.
    let (audits, epoch) = (audit_count(&t).await, db.epoch());
    let n = newsroom
        .moderate_comments(&editor, &[a, b], Moderation::Approve)
        .await
        .expect("approve");
    assert_eq!(n, 2);
    assert_eq!(status_of(&db, a).await, Some(CommentStatus::Approved));
    assert_eq!(audit_count(&t).await, audits + 1);
    assert!(db.epoch() > epoch, "the public page changes");
    for (action, want) in [
        (Moderation::Unapprove, CommentStatus::Pending),
        (Moderation::Spam, CommentStatus::Spam),
        (Moderation::Trash, CommentStatus::Trash),
    ] {
        newsroom
            .moderate_comments(&editor, &[b], action)
            .await
            .expect("moderate");
        assert_eq!(status_of(&db, b).await, Some(want), "{action:?}");
    }
    newsroom
        .moderate_comments(&editor, &[b], Moderation::Delete)
        .await
        .expect("delete");
    assert_eq!(status_of(&db, b).await, None);

    // Edit: checked, then stored.
    let err = newsroom
        .edit_comment(&editor, a, &CommentEdit::default())
        .await
        .expect_err("empty");
    assert_eq!(
        fields(&err),
        vec![
            ("author", "comment-error-name"),
            ("email", "comment-error-email"),
            ("comment", "comment-error-body"),
        ]
    );
    newsroom
        .edit_comment(
            &editor,
            a,
            &CommentEdit {
                author_name: "قارئ معدّل".into(),
                email: "One@Example.com".into(),
                url: "javascript:alert(1)".into(),
                body: "نص عدّله المحرر".into(),
            },
        )
        .await
        .expect("edit");
    let row = db.admin_comment(a).await.expect("read").expect("row");
    assert_eq!(
        (row.body.as_str(), row.email.as_str(), row.url.as_str()),
        ("نص عدّله المحرر", "one@example.com", "")
    );
    assert!(matches!(
        newsroom
            .edit_comment(
                &editor,
                999_999,
                &CommentEdit {
                    author_name: "x".into(),
                    email: "x@example.com".into(),
                    body: "y".into(),
                    ..Default::default()
                },
            )
            .await,
        Err(NewsroomError::NotFound)
    ));

    // A staff reply to a held comment approves it.
    let c = held(&db, id, "three@example.com", "سؤال للمحرر").await;
    let reply = newsroom
        .reply_to_comment(&editor, c, "شكراً على سؤالك")
        .await
        .expect("reply");
    assert_eq!(status_of(&db, c).await, Some(CommentStatus::Approved));
    let row = db.admin_comment(reply).await.expect("read").expect("row");
    assert_eq!(
        (row.parent_id, row.is_staff, row.status),
        (Some(c), 1, CommentStatus::Approved)
    );

    // Block the email: this one is spam, and so is the author's next comment.
    let entry = newsroom
        .block_commenter(&editor, c, BlockTarget::Email)
        .await
        .expect("block");
    assert_eq!(entry, "three@example.com");
    assert_eq!(status_of(&db, c).await, Some(CommentStatus::Spam));
    let next = stored(
        newsroom
            .submit_comment(None, &submission(id, "three@example.com", "عدت مجدداً"))
            .await,
    );
    assert_eq!(next.status, CommentStatus::Spam);
    // Blocking twice keeps one entry.
    newsroom
        .block_commenter(&editor, next.id, BlockTarget::Email)
        .await
        .expect("block again");
    let s = CommentSettings::load(&db).await.expect("settings");
    assert_eq!(s.disallowed_words.matches("three@example.com").count(), 1);

    // Settings save in one go.
    let mut s = CommentSettings::load(&db).await.expect("settings");
    s.apply("comments.thread_depth", "3");
    s.apply("comments.max_links", "99999");
    newsroom
        .save_comment_settings(&editor, &s)
        .await
        .expect("save");
    let s = CommentSettings::load(&db).await.expect("settings");
    assert_eq!((s.thread_depth, s.max_links), (3, 1000));

    // Per-article switch; an unknown article is not found.
    newsroom
        .set_comments_open(&editor, id, false)
        .await
        .expect("close");
    assert!(db.comments_closed(id).await.expect("closed"));
    assert!(matches!(
        newsroom.set_comments_open(&editor, 999_999, false).await,
        Err(NewsroomError::NotFound)
    ));

    // Privacy export and erasure.
    let rows = newsroom
        .export_comments(&admin, "THREE@example.com")
        .await
        .expect("export");
    assert_eq!(rows.len(), 2);
    assert!(matches!(
        newsroom.export_comments(&admin, "not an email").await,
        Err(NewsroomError::Invalid(_))
    ));
    let n = newsroom
        .erase_comments(&admin, "three@example.com")
        .await
        .expect("erase");
    assert_eq!(n, 2);
    assert!(
        db.comments_by_email("three@example.com")
            .await
            .expect("rows")
            .is_empty()
    );

    // IP retention: the sweep erases IPs older than the window.
    set(&db, "comments.ip_days", "0").await;
    let erased = newsroom
        .sweep_comments(Utc::now() + Duration::seconds(5))
        .await
        .expect("sweep");
    assert!(erased >= 1);
    let row = db.admin_comment(a).await.expect("read").expect("row");
    assert_eq!(row.ip, None);
    // With the IP gone, blocking by IP is refused with its own message.
    let err = newsroom
        .block_commenter(&editor, a, BlockTarget::Ip)
        .await
        .expect_err("no ip");
    assert_eq!(fields(&err), vec![("what", "admin-comments-error-no-ip")]);
});

both_backends!(fault_between_statements, |t: TestDb| async move {
    let db = t.db.clone();
    let newsroom = Newsroom::new(db.clone());
    baseline(&db).await;
    let id = article(&db, "خبر", Duration::hours(1)).await;
    let editor = Actor::User(account(&t, "e@example.com", Role::Editor).await);
    let c = held(&db, id, "r@example.com", "ينتظر").await;
    let comments = || t.count("SELECT CAST(COUNT(*) AS BIGINT) FROM comments");
    let before = comments().await;
    let epoch = db.stored_version().await.expect("version");

    // The audit entry is the last statement of each action: it fails, nothing changes.
    t.fail_inserts_into("audit_log").await;
    for action in [Moderation::Approve, Moderation::Spam, Moderation::Delete] {
        let result = newsroom.moderate_comments(&editor, &[c], action).await;
        assert!(
            matches!(result, Err(NewsroomError::Internal(_))),
            "{result:?}"
        );
        assert_eq!(
            status_of(&db, c).await,
            Some(CommentStatus::Pending),
            "{action:?}"
        );
    }
    assert!(newsroom.reply_to_comment(&editor, c, "رد").await.is_err());
    assert!(
        newsroom
            .block_commenter(&editor, c, BlockTarget::Email)
            .await
            .is_err()
    );
    assert!(
        newsroom
            .erase_comments(&Actor::System, "r@example.com")
            .await
            .is_err()
    );
    assert_eq!(status_of(&db, c).await, Some(CommentStatus::Pending));
    assert_eq!(comments().await, before, "no reply, no erasure");
    let s = CommentSettings::load(&db).await.expect("settings");
    assert!(s.disallowed_words.is_empty(), "the block rolled back");
    assert_eq!(
        db.stored_version().await.expect("version"),
        epoch,
        "no epoch bump"
    );

    // Healed, the same action goes through.
    t.heal("audit_log").await;
    newsroom
        .moderate_comments(&editor, &[c], Moderation::Approve)
        .await
        .expect("approve");
    assert_eq!(status_of(&db, c).await, Some(CommentStatus::Approved));

    // A comment whose insert fails leaves its CAPTCHA token unspent.
    set(&db, "comments.captcha", "all").await;
    t.fail_inserts_into("comments").await;
    let ch = newsroom
        .comment_challenge(None, id)
        .await
        .expect("challenge");
    let mut s = submission(id, "x@example.com", "لن يُحفظ");
    s.captcha_token = ch.token.clone();
    s.captcha_answer = ch.answer.map(|a| a.to_string());
    assert!(newsroom.submit_comment(None, &s).await.is_err());
    t.heal("comments").await;
    stored(newsroom.submit_comment(None, &s).await);
});
