//! Account and API-token use cases, called directly (no HTTP) on SQLite and PostgreSQL:
//! validation, the permission matrix, the last-administrator protection, sessions ended
//! with the change that ends them, and a fault between statements leaving nothing behind.

use chrono::Utc;
use sahifa_newsroom::tokens::token_hash;
use sahifa_newsroom::users::{AccountChange, Byline, NewAccount, password};
use sahifa_newsroom::{Actor, FieldError, Newsroom, NewsroomError};
use sahifa_store::{AuthorInput, Role, SessionRow, User};
use sahifa_testkit::Seed;
use sahifa_testkit::{TestDb, both_backends};

const PASSWORD: &str = "a long passphrase here";

fn account(email: &str, name: &str, role: Role) -> NewAccount {
    NewAccount {
        email: email.into(),
        name: name.into(),
        role: role.as_str().into(),
        password: PASSWORD.into(),
        byline: Byline::None,
    }
}

async fn make(n: &Newsroom, email: &str, role: Role) -> User {
    n.create_user(
        &Actor::System,
        &account(email, &format!("حساب {}", role.as_str()), role),
    )
    .await
    .expect("create account")
}

/// A live session row for `user`; returns its token hash.
async fn session(t: &TestDb, user: &User, token: &str) -> String {
    let now = Utc::now();
    let row = SessionRow {
        token_hash: token_hash(token),
        user_id: user.id,
        csrf_token: "csrf".into(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + chrono::Duration::hours(1),
        user_agent: "test".into(),
        ip: "127.0.0.1".into(),
    };
    t.db.create_session(&row).await.expect("session");
    row.token_hash
}

async fn sessions_of(t: &TestDb, user: &User) -> i64 {
    t.count(&format!(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM sessions WHERE user_id = {}",
        user.id
    ))
    .await
}

async fn audited(t: &TestDb, action: &str, kind: &str) -> i64 {
    t.count(&format!(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = '{action}' AND object_kind = '{kind}'"
    ))
    .await
}

fn fields(err: NewsroomError) -> Vec<FieldError> {
    match err {
        NewsroomError::Invalid(fields) => fields,
        other => panic!("expected a refused input, got {other:?}"),
    }
}

fn forbidden<T>(result: Result<T, NewsroomError>) -> bool {
    matches!(result, Err(NewsroomError::Forbidden))
}

fn has(fields: &[FieldError], field: &str, key: &str) -> bool {
    fields.iter().any(|f| f.field == field && f.key == key)
}

async fn password_works(t: &TestDb, email: &str, password: &str) -> bool {
    let (_, hash) =
        t.db.user_for_login(email)
            .await
            .expect("read")
            .expect("account");
    password::verify_password(password.into(), Some(hash)).await
}

both_backends!(create_validates_every_field, |t: TestDb| async move {
    let n = Newsroom::new(t.db.clone());
    let refused = n
        .create_user(
            &Actor::System,
            &NewAccount {
                email: "not-an-email".into(),
                name: " ".into(),
                role: "overlord".into(),
                password: "short".into(),
                byline: Byline::Unreadable,
            },
        )
        .await
        .expect_err("refused");
    let f = fields(refused);
    assert!(has(&f, "email", "admin-error-email-invalid"), "{f:?}");
    assert!(has(&f, "name", "admin-error-name-required"), "{f:?}");
    assert!(has(&f, "role", "admin-error-role-invalid"), "{f:?}");
    assert!(has(&f, "password", "password-too-short"), "{f:?}");
    assert!(has(&f, "author", "admin-error-unknown-author"), "{f:?}");
    let long = NewAccount {
        name: "ن".repeat(101),
        password: "x".repeat(password::MAX_PASSWORD_BYTES + 1),
        ..account("long@example.com", "", Role::Author)
    };
    let f = fields(
        n.create_user(&Actor::System, &long)
            .await
            .expect_err("long"),
    );
    assert!(has(&f, "name", "admin-error-name-too-long"), "{f:?}");
    assert!(has(&f, "password", "password-too-long"), "{f:?}");
    assert_eq!(
        t.count("SELECT CAST(COUNT(*) AS BIGINT) FROM users").await,
        0
    );

    // The email is normalised, and taken whatever its case: a field error, not a failure.
    let sara = n
        .create_user(
            &Actor::System,
            &account(" Sara@Example.COM ", " سارة ", Role::Editor),
        )
        .await
        .expect("created");
    assert_eq!(
        (sara.email.as_str(), sara.name.as_str(), sara.role),
        ("sara@example.com", "سارة", Role::Editor)
    );
    assert!(password_works(&t, "sara@example.com", PASSWORD).await);
    let f = fields(
        n.create_user(
            &Actor::System,
            &account("SARA@example.com", "أخرى", Role::Author),
        )
        .await
        .expect_err("duplicate"),
    );
    assert_eq!(
        f,
        [FieldError {
            field: "email",
            key: "admin-error-email-taken"
        }]
    );
    assert_eq!(
        t.count("SELECT CAST(COUNT(*) AS BIGINT) FROM users").await,
        1
    );
    assert_eq!(audited(&t, "created", "user").await, 1);
});

both_backends!(bylines_are_made_or_linked, |t: TestDb| async move {
    let n = Newsroom::new(t.db.clone());
    let with_byline = |email: &str, name: &str, byline| NewAccount {
        byline,
        ..account(email, name, Role::Author)
    };
    let a = n
        .create_user(
            &Actor::System,
            &with_byline("a@example.com", "ليلى حسن", Byline::New),
        )
        .await
        .expect("a");
    let byline =
        t.db.author_by_name("ليلى حسن")
            .await
            .unwrap()
            .expect("made");
    assert_eq!(a.author_id, Some(byline.id));
    // The same name again reuses the byline.
    let b = n
        .create_user(
            &Actor::System,
            &with_byline("b@example.com", "ليلى حسن", Byline::New),
        )
        .await
        .expect("b");
    assert_eq!(b.author_id, Some(byline.id));
    // A name whose slug another byline holds gets a slug of its own, in the same
    // transaction (a failed INSERT would abort it on PostgreSQL).
    t.db.create_author(&AuthorInput {
        slug: None,
        name: "Omar".into(),
        bio: String::new(),
    })
    .await
    .expect("author");
    let c = n
        .create_user(
            &Actor::System,
            &with_byline("c@example.com", "omar", Byline::New),
        )
        .await
        .expect("c");
    let omar = t.db.author_by_name("omar").await.unwrap().expect("made");
    assert_eq!(c.author_id, Some(omar.id));
    assert!(omar.slug.starts_with("omar-"), "{}", omar.slug);
    let d = n
        .create_user(
            &Actor::System,
            &with_byline("d@example.com", "دال", Byline::Existing(omar.id)),
        )
        .await
        .expect("d");
    assert_eq!(d.author_id, Some(omar.id));
    let f = fields(
        n.create_user(
            &Actor::System,
            &with_byline("e@example.com", "هاء", Byline::Existing(9999)),
        )
        .await
        .expect_err("unknown byline"),
    );
    assert!(has(&f, "author", "admin-error-unknown-author"), "{f:?}");
});

both_backends!(
    only_administrators_manage_accounts,
    |t: TestDb| async move {
        let n = Newsroom::new(t.db.clone());
        let admin = make(&n, "admin@example.com", Role::Administrator).await;
        let target = make(&n, "target@example.com", Role::Author).await;
        for role in [Role::Editor, Role::Author, Role::Contributor] {
            let who = make(&n, &format!("{}@example.com", role.as_str()), role).await;
            let actor = Actor::User(who.clone());
            assert!(
                forbidden(
                    n.create_user(&actor, &account("x@example.com", "x", Role::Administrator))
                        .await
                ),
                "{role:?} create"
            );
            let change = AccountChange {
                name: "x".into(),
                role: "administrator".into(),
                active: true,
                byline: Byline::None,
            };
            assert!(
                forbidden(n.update_user(&actor, target.id, &change).await),
                "{role:?} update"
            );
            assert!(
                forbidden(n.update_user(&actor, who.id, &change).await),
                "{role:?} promotes self"
            );
            assert!(
                forbidden(n.set_user_active(&actor, target.id, false).await),
                "{role:?} disable"
            );
            assert!(
                forbidden(n.delete_user(&actor, target.id).await),
                "{role:?} delete"
            );
            assert!(
                forbidden(n.set_password(&actor, target.id, PASSWORD).await),
                "{role:?} sets another's password"
            );
            // One's own password is one's own business.
            n.set_password(&actor, who.id, "my own new passphrase")
                .await
                .expect("own password");
        }
        // A disabled administrator is nobody.
        let other_admin = make(&n, "other@example.com", Role::Administrator).await;
        n.set_user_active(&Actor::User(admin.clone()), other_admin.id, false)
            .await
            .expect("disable");
        let mut stale = other_admin.clone();
        stale.active = false;
        assert!(matches!(
            n.delete_user(&Actor::User(stale), target.id).await,
            Err(NewsroomError::Forbidden)
        ));
        assert_eq!(
            t.count("SELECT CAST(COUNT(*) AS BIGINT) FROM users WHERE email = 'x@example.com'")
                .await,
            0
        );
        n.delete_user(&Actor::User(admin), target.id)
            .await
            .expect("an administrator deletes");
        assert!(t.db.user_by_id(target.id).await.unwrap().is_none());
        assert_eq!(audited(&t, "deleted", "user").await, 1);
    }
);

both_backends!(the_last_administrator_stays, |t: TestDb| async move {
    let n = Newsroom::new(t.db.clone());
    let admin = make(&n, "admin@example.com", Role::Administrator).await;
    let me = Actor::User(admin.clone());
    let demote = AccountChange {
        name: admin.name.clone(),
        role: "editor".into(),
        active: true,
        byline: Byline::None,
    };
    for actor in [&me, &Actor::System] {
        let f = fields(
            n.update_user(actor, admin.id, &demote)
                .await
                .expect_err("demote"),
        );
        assert!(has(&f, "role", "admin-error-last-admin"), "{f:?}");
        let f = fields(
            n.set_user_active(actor, admin.id, false)
                .await
                .expect_err("disable"),
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(matches!(
            n.delete_user(&Actor::System, admin.id).await,
            Err(NewsroomError::Conflict {
                key: "admin-error-last-admin",
                ..
            })
        ));
    }
    // Nobody disables or deletes their own account.
    let disable_self = AccountChange {
        role: "administrator".into(),
        active: false,
        ..demote.clone()
    };
    let f = fields(
        n.update_user(&me, admin.id, &disable_self)
            .await
            .expect_err("self"),
    );
    assert!(has(&f, "active", "admin-error-disable-self"), "{f:?}");
    assert!(matches!(
        n.delete_user(&me, admin.id).await,
        Err(NewsroomError::Conflict {
            key: "admin-error-delete-self",
            ..
        })
    ));
    let stored = t.db.user_by_id(admin.id).await.unwrap().unwrap();
    assert_eq!((stored.role, stored.active), (Role::Administrator, true));

    // With a second administrator the first may step down, audited.
    make(&n, "second@example.com", Role::Administrator).await;
    n.update_user(&me, admin.id, &demote)
        .await
        .expect("step down");
    assert_eq!(
        t.db.user_by_id(admin.id).await.unwrap().unwrap().role,
        Role::Editor
    );
    assert_eq!(audited(&t, "role-changed", "user").await, 1);
    // Now an editor, the account manages nobody.
    let now_editor = t.db.user_by_id(admin.id).await.unwrap().unwrap();
    assert!(forbidden(
        n.update_user(&Actor::User(now_editor), admin.id, &demote)
            .await
    ));
});

both_backends!(sessions_end_with_the_change, |t: TestDb| async move {
    let n = Newsroom::new(t.db.clone());
    let admin = make(&n, "admin@example.com", Role::Administrator).await;
    let sara = make(&n, "sara@example.com", Role::Editor).await;
    session(&t, &sara, "one").await;
    session(&t, &sara, "two").await;
    let admin_session = session(&t, &admin, "admin").await;

    // Disabling ends every session; enabling does not bring them back.
    n.set_user_active(&Actor::User(admin.clone()), sara.id, false)
        .await
        .expect("disable");
    assert_eq!(sessions_of(&t, &sara).await, 0);
    assert_eq!(sessions_of(&t, &admin).await, 1);
    n.set_user_active(&Actor::User(admin.clone()), sara.id, true)
        .await
        .expect("enable");
    assert_eq!(audited(&t, "disabled", "user").await, 1);
    assert_eq!(audited(&t, "enabled", "user").await, 1);
    // So does disabling through the edit form's use case.
    session(&t, &sara, "three").await;
    let change = AccountChange {
        name: sara.name.clone(),
        role: "editor".into(),
        active: false,
        byline: Byline::None,
    };
    n.update_user(&Actor::User(admin.clone()), sara.id, &change)
        .await
        .expect("disable by edit");
    assert_eq!(sessions_of(&t, &sara).await, 0);
    n.set_user_active(&Actor::System, sara.id, true)
        .await
        .expect("enable");

    // A password reset ends every session and is audited as a reset.
    session(&t, &sara, "four").await;
    let f = fields(
        n.set_password(&Actor::User(admin.clone()), sara.id, "short")
            .await
            .expect_err("policy"),
    );
    assert!(has(&f, "password", "password-too-short"), "{f:?}");
    assert_eq!(sessions_of(&t, &sara).await, 1, "nothing changed");
    n.set_password(
        &Actor::User(admin.clone()),
        sara.id,
        "a brand new passphrase",
    )
    .await
    .expect("reset");
    assert_eq!(sessions_of(&t, &sara).await, 0);
    assert!(password_works(&t, "sara@example.com", "a brand new passphrase").await);
    assert!(!password_works(&t, "sara@example.com", PASSWORD).await);
    assert_eq!(audited(&t, "password-reset", "user").await, 1);

    // Changing one's own password checks the current one and keeps the session in use.
    session(&t, &admin, "admin-2").await;
    let me = Actor::User(admin.clone());
    let f = fields(
        n.change_own_password(&me, "wrong", "short", Some(&admin_session))
            .await
            .expect_err("wrong"),
    );
    assert!(
        has(&f, "current_password", "admin-error-current-password-wrong")
            && has(&f, "password", "password-too-short"),
        "{f:?}"
    );
    n.change_own_password(&me, PASSWORD, "my next passphrase", Some(&admin_session))
        .await
        .expect("change");
    assert_eq!(sessions_of(&t, &admin).await, 1);
    assert!(password_works(&t, "admin@example.com", "my next passphrase").await);
    assert_eq!(audited(&t, "password-changed", "user").await, 1);

    // "Log out other sessions" keeps only the one in use.
    session(&t, &admin, "admin-3").await;
    session(&t, &admin, "admin-4").await;
    let ended = n
        .end_other_sessions(&me, &admin_session)
        .await
        .expect("others");
    assert_eq!(ended, 2);
    let left = t.db.user_sessions(admin.id).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].token_hash, admin_session);
    assert!(matches!(
        n.end_other_sessions(&Actor::System, "x").await,
        Err(NewsroomError::Forbidden)
    ));
});

both_backends!(
    tokens_are_created_once_and_revoked,
    |t: TestDb| async move {
        let n = Newsroom::new(t.db.clone());
        let admin = make(&n, "admin@example.com", Role::Administrator).await;
        let author = make(&n, "author@example.com", Role::Author).await;
        let other = make(&n, "other@example.com", Role::Author).await;
        let as_author = Actor::User(author.clone());

        let f = fields(
            n.create_token(&as_author, author.id, "  ")
                .await
                .expect_err("empty"),
        );
        assert!(has(&f, "name", "admin-error-name-required"), "{f:?}");
        let f = fields(
            n.create_token(&as_author, author.id, &"ن".repeat(101))
                .await
                .expect_err("long"),
        );
        assert!(has(&f, "name", "admin-error-name-too-long"), "{f:?}");
        assert!(matches!(
            n.create_token(&as_author, other.id, "not mine").await,
            Err(NewsroomError::Forbidden)
        ));

        let token = n
            .create_token(&as_author, author.id, " تطبيق الجوال ")
            .await
            .expect("create");
        assert!(token.secret.starts_with("shf_") && token.secret.len() > 40);
        let stored = t.db.api_tokens(Some(author.id)).await.unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(
            (stored[0].id, stored[0].name.as_str()),
            (token.id, "تطبيق الجوال")
        );
        assert!(token.secret.starts_with(&stored[0].prefix));
        assert_eq!(
            t.count(&format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM api_tokens WHERE token_hash = '{}'",
                token.secret
            ))
            .await,
            0,
            "never stored in clear"
        );
        let owner =
            t.db.user_for_api_token(&token_hash(&token.secret))
                .await
                .unwrap()
                .expect("works");
        assert_eq!(owner.id, author.id);
        assert_eq!(audited(&t, "created", "token").await, 1);

        // Somebody else's token is not found for an author; an administrator revokes any.
        let others = n
            .create_token(&Actor::System, other.id, "wire")
            .await
            .expect("system creates for anyone");
        assert!(matches!(
            n.revoke_token(&as_author, others.id).await,
            Err(NewsroomError::NotFound)
        ));
        n.revoke_token(&as_author, token.id).await.expect("own");
        assert!(matches!(
            n.revoke_token(&as_author, token.id).await,
            Err(NewsroomError::NotFound)
        ));
        n.revoke_token(&Actor::User(admin), others.id)
            .await
            .expect("administrator");
        for secret in [&token.secret, &others.secret] {
            assert!(
                t.db.user_for_api_token(&token_hash(secret))
                    .await
                    .unwrap()
                    .is_none()
            );
        }
        assert_eq!(audited(&t, "revoked", "token").await, 2);
    }
);

both_backends!(
    a_fault_leaves_nothing_half_written,
    |t: TestDb| async move {
        let n = Newsroom::new(t.db.clone());
        let admin = make(&n, "admin@example.com", Role::Administrator).await;
        let sara = make(&n, "sara@example.com", Role::Editor).await;
        session(&t, &sara, "one").await;
        let users = "SELECT CAST(COUNT(*) AS BIGINT) FROM users";
        let authors = "SELECT CAST(COUNT(*) AS BIGINT) FROM authors";
        let tokens = "SELECT CAST(COUNT(*) AS BIGINT) FROM api_tokens";
        let audit = "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log";
        let before = (
            t.count(users).await,
            t.count(authors).await,
            t.count(tokens).await,
            t.count(audit).await,
        );
        let me = Actor::User(admin.clone());

        // The audit entry is the last statement of each use case: when it fails, the account,
        // its new byline, its password, its sessions and its token are all as they were.
        t.fail_inserts_into("audit_log").await;
        let new = NewAccount {
            byline: Byline::New,
            ..account("new@example.com", "اسم جديد", Role::Author)
        };
        assert!(matches!(
            n.create_user(&me, &new).await,
            Err(NewsroomError::Internal(_))
        ));
        assert!(
            n.set_password(&me, sara.id, "a brand new passphrase")
                .await
                .is_err()
        );
        assert!(n.set_user_active(&me, sara.id, false).await.is_err());
        assert!(n.delete_user(&me, sara.id).await.is_err());
        assert!(n.create_token(&me, admin.id, "wire").await.is_err());
        t.heal("audit_log").await;

        let after = (
            t.count(users).await,
            t.count(authors).await,
            t.count(tokens).await,
            t.count(audit).await,
        );
        assert_eq!(after, before, "no row without its audit entry");
        assert!(t.db.author_by_name("اسم جديد").await.unwrap().is_none());
        let stored =
            t.db.user_by_id(sara.id)
                .await
                .unwrap()
                .expect("still there");
        assert!(stored.active);
        assert!(password_works(&t, "sara@example.com", PASSWORD).await);
        assert_eq!(sessions_of(&t, &sara).await, 1);

        // Healed, the same calls go through.
        n.create_user(&me, &new).await.expect("create");
        n.set_user_active(&me, sara.id, false)
            .await
            .expect("disable");
        assert_eq!(sessions_of(&t, &sara).await, 0);
    }
);
