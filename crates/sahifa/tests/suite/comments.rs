//! Comments over real HTTP on both backends: every decision of the spam pipeline, the
//! CAPTCHA (answer forms, wrong / expired / tampered / replayed tokens, the no-JavaScript
//! second step), escaping of hostile comments, privacy of emails and IPs, and moderation
//! in the admin reaching the public page.

use crate::common;
use sahifa_testkit::Seed;

use common::session::login;
use sahifa_store::Role;

/// The first published demo article: (site path, slug, id).
async fn demo_article(app: &common::TestApp) -> (String, String, i64) {
    let listing: serde_json::Value = app
        .get("/api/v1/articles?per_page=1")
        .await
        .json()
        .await
        .expect("json");
    let a = &listing["items"][0];
    let url = a["url"]
        .as_str()
        .expect("url")
        .trim_start_matches(&app.base);
    (
        url.to_string(),
        a["slug"].as_str().expect("slug").to_string(),
        a["id"].as_i64().expect("id"),
    )
}

/// Settings that let every case through the CAPTCHA and timing steps, so that each case
/// turns on just the defence it exercises.
async fn baseline(app: &common::TestApp) {
    for (k, v) in [
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
    ] {
        app.db.set_setting(k, v).await.expect("setting");
    }
}

async fn post(app: &common::TestApp, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    app.client
        .post(format!("{}{path}/comments", app.base))
        .header("origin", &app.base)
        .form(fields)
        .send()
        .await
        .expect("post")
}

/// The stored status of the newest comment with this body, if any.
async fn stored(app: &common::TestApp, body: &str) -> Option<String> {
    for status in sahifa_store::CommentStatus::ALL {
        let (rows, _) = app.db.admin_comments(status, 500, 0).await.expect("rows");
        if let Some(c) = rows.iter().find(|c| c.body == body) {
            return Some(c.status.as_str().to_string());
        }
    }
    None
}

fn id_of(rows: &[sahifa_store::AdminComment], body: &str) -> i64 {
    rows.iter().find(|c| c.body == body).expect("comment").id
}

/// Writes a number the way a reader might answer.
type AnswerForm = fn(u32) -> String;

/// Works out the blank of «ثلاثة + … = سبعة».
fn solve(question: &str) -> u32 {
    let (left, result) = question.split_once(" = ").expect("= in question");
    let (op, (a, b)) = ['+', '−', '×']
        .iter()
        .find_map(|op| {
            left.split_once(&format!(" {op} "))
                .map(|(a, b)| (*op, (a.trim(), b.trim())))
        })
        .expect("operator");
    let num = |s: &str| sahifa_text::numbers::parse_number(s);
    let (a, b, r) = (num(a), num(b), num(result.trim()));
    match (op, a, b, r) {
        ('+', None, Some(b), Some(r)) => r - b,
        ('+', Some(a), None, Some(r)) => r - a,
        ('+', Some(a), Some(b), None) => a + b,
        ('−', None, Some(b), Some(r)) => r + b,
        ('−', Some(a), None, Some(r)) => a - r,
        ('−', Some(a), Some(b), None) => a - b,
        ('×', None, Some(b), Some(r)) => r / b,
        ('×', Some(a), None, Some(r)) => r / a,
        ('×', Some(a), Some(b), None) => a * b,
        _ => panic!("unsolvable {question}"),
    }
}

/// A challenge for the demo article's form (tokens are bound to their article).
async fn challenge(app: &common::TestApp) -> (String, Option<String>) {
    let (_, slug, _) = demo_article(app).await;
    let v: serde_json::Value = app
        .get(&format!(
            "/api/v1/comments/challenge?article={}",
            percent_encoding::utf8_percent_encode(&slug, percent_encoding::NON_ALPHANUMERIC)
        ))
        .await
        .json()
        .await
        .expect("challenge json");
    (
        v["token"].as_str().expect("token").to_string(),
        v["question"].as_str().map(str::to_string),
    )
}

// Each path of the pipeline: the HTTP answer and where the comment ended up.
app_test!(
    every_decision_path,
    demo = true,
    |app: common::TestApp| async move {
        let (path, _slug, id) = demo_article(&app).await;
        struct Case {
            name: &'static str,
            settings: &'static [(&'static str, &'static str)],
            body: &'static str,
            honeypot: bool,
            status: u16,
            stored: Option<&'static str>,
        }
        let cases = [
            Case {
                name: "auto-approve",
                settings: &[],
                body: "تعليق عادي عن الخبر",
                honeypot: false,
                status: 303,
                stored: Some("approved"),
            },
            Case {
                name: "hold for links",
                settings: &[],
                body: "انظر https://a.example و https://b.example",
                honeypot: false,
                status: 303,
                stored: Some("pending"),
            },
            Case {
                name: "one link is fine",
                settings: &[],
                body: "المصدر https://a.example",
                honeypot: false,
                status: 303,
                stored: Some("approved"),
            },
            Case {
                name: "hold for first time",
                settings: &[("comments.first_time_hold", "1")],
                body: "أول تعليق لي",
                honeypot: false,
                status: 303,
                stored: Some("pending"),
            },
            Case {
                name: "hold every comment",
                settings: &[("comments.hold_all", "1")],
                body: "كل شيء ينتظر",
                honeypot: false,
                status: 303,
                stored: Some("pending"),
            },
            Case {
                name: "moderation word",
                settings: &[("comments.moderation_words", "اعلان\nبيع")],
                body: "إعلان عن منتج جديد",
                honeypot: false,
                status: 303,
                stored: Some("pending"),
            },
            Case {
                name: "disallowed word",
                settings: &[("comments.disallowed_words", "كازينو")],
                body: "العب في الكازينو الآن",
                honeypot: false,
                status: 303,
                stored: Some("spam"),
            },
            Case {
                name: "honeypot",
                settings: &[],
                body: "أنا روبوت",
                honeypot: true,
                status: 303,
                stored: None,
            },
            Case {
                name: "too long",
                settings: &[("comments.max_length", "20")],
                body: "هذا تعليق طويل جداً يتجاوز الحد المسموح به",
                honeypot: false,
                status: 400,
                stored: None,
            },
        ];
        for (i, case) in cases.iter().enumerate() {
            baseline(&app).await;
            for (k, v) in case.settings {
                app.db.set_setting(k, v).await.expect("setting");
            }
            let email = format!("reader{i}@example.com");
            let mut fields = vec![
                ("author", "قارئ"),
                ("email", email.as_str()),
                ("comment", case.body),
            ];
            if case.honeypot {
                fields.push(("hp_contact", "http://spam.example"));
            }
            let response = post(&app, &path, &fields).await;
            assert_eq!(response.status().as_u16(), case.status, "{}", case.name);
            assert_eq!(
                stored(&app, case.body).await.as_deref(),
                case.stored,
                "{}",
                case.name
            );
        }

        // The first-time author, once approved, is approved automatically.
        baseline(&app).await;
        app.db
            .set_setting("comments.first_time_hold", "1")
            .await
            .expect("setting");
        let (pending, _) = app
            .db
            .admin_comments(sahifa_store::CommentStatus::Pending, 100, 0)
            .await
            .expect("rows");
        let first = id_of(&pending, "أول تعليق لي");
        sahifa_newsroom::Newsroom::new(app.db.clone())
            .moderate_comments(
                &sahifa_newsroom::Actor::System,
                &[first],
                sahifa_newsroom::comments::Moderation::Approve,
            )
            .await
            .expect("approve");
        let email = "reader3@example.com";
        let r = post(
            &app,
            &path,
            &[
                ("author", "قارئ"),
                ("email", email),
                ("comment", "تعليقي الثاني"),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(
            stored(&app, "تعليقي الثاني").await.as_deref(),
            Some("approved")
        );

        // Flood: the same email or IP within 15 s answers 429 with an Arabic message.
        baseline(&app).await;
        let r = post(
            &app,
            &path,
            &[
                ("author", "مستعجل"),
                ("email", "fast@example.com"),
                ("comment", "الأول"),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        app.db
            .set_setting("comments.flood_seconds", "15")
            .await
            .expect("setting");
        let r = post(
            &app,
            &path,
            &[
                ("author", "مستعجل"),
                ("email", "fast@example.com"),
                ("comment", "الثاني بسرعة"),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 429, "flood");
        let html = r.text().await.expect("body");
        assert!(html.contains("بسرعة كبيرة"), "flood message");
        assert!(html.contains("الثاني بسرعة"), "typed text kept");
        assert_eq!(stored(&app, "الثاني بسرعة").await, None);

        // Behind a proxy the flood and rate limits count the client the trusted proxy names:
        // see `proxies.rs` (the server here trusts no proxy).

        // Duplicate: 409.
        baseline(&app).await;
        let r = post(
            &app,
            &path,
            &[
                ("author", "قارئ"),
                ("email", "reader0@example.com"),
                ("comment", "تعليق عادي عن الخبر"),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 409, "duplicate");

        // Per-IP rate limit: 429.
        app.db
            .set_setting("comments.rate_per_hour", "3")
            .await
            .expect("setting");
        let r = post(
            &app,
            &path,
            &[
                ("author", "كثير"),
                ("email", "many@example.com"),
                ("comment", "واحد من كثير"),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 429, "rate limit");

        // Too fast: a token issued just now, with a 60 s minimum.
        baseline(&app).await;
        app.db
            .set_setting("comments.min_seconds", "60")
            .await
            .expect("setting");
        let (token, question) = challenge(&app).await;
        assert!(question.is_none(), "CAPTCHA off: no question");
        let r = post(
            &app,
            &path,
            &[
                ("author", "سريع"),
                ("email", "quick@example.com"),
                ("comment", "بسرعة البرق"),
                ("captcha_token", &token),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 400, "too fast");
        assert!(r.text().await.expect("body").contains("بسرعة كبيرة"));
        assert_eq!(stored(&app, "بسرعة البرق").await, None);

        // Closed article: 403, nothing stored; reopened: accepted again.
        baseline(&app).await;
        let newsroom = sahifa_newsroom::Newsroom::new(app.db.clone());
        let system = sahifa_newsroom::Actor::System;
        newsroom
            .set_comments_open(&system, id, false)
            .await
            .expect("close");
        let r = post(
            &app,
            &path,
            &[
                ("author", "متأخر"),
                ("email", "late@example.com"),
                ("comment", "هل ما زال مفتوحاً؟"),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 403, "closed");
        assert_eq!(stored(&app, "هل ما زال مفتوحاً؟").await, None);
        assert!(app.page(&path, 200).await.contains("التعليقات مغلقة"));
        newsroom
            .set_comments_open(&system, id, true)
            .await
            .expect("open");

        // Closed after N days (the demo article is older than a day? use a 0-day window the
        // other way: a huge window keeps it open).
        app.db
            .set_setting("comments.close_after_days", "36500")
            .await
            .expect("setting");
        let r = post(
            &app,
            &path,
            &[
                ("author", "قارئ"),
                ("email", "window@example.com"),
                ("comment", "ضمن المهلة"),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        app.db
            .set_setting("comments.close_after_days", "0")
            .await
            .expect("setting");

        // Validation errors are inline, in Arabic, with the typed text kept.
        let r = post(
            &app,
            &path,
            &[
                ("author", ""),
                ("email", "not-an-email"),
                ("comment", "نص محفوظ"),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 400);
        let html = r.text().await.expect("body");
        assert!(html.contains("اكتب اسمك"));
        assert!(html.contains("اكتب عنوان بريد إلكتروني صحيحاً"));
        assert!(html.contains("نص محفوظ"));
        assert!(html.contains("not-an-email"));

        // The approved comments are on the article page; held and spam ones are not.
        let page = app.page(&path, 200).await;
        assert!(page.contains("تعليق عادي عن الخبر"));
        assert!(page.contains("اترك تعليقاً"));
        assert!(page.contains("لن يتم نشر عنوان بريدك الإلكتروني. الحقول الإلزامية مشار إليها بـ *"));
        assert!(!page.contains("الكازينو"));
        assert!(!page.contains("أنا روبوت"));
        assert!(!page.contains("reader0@example.com"), "email never public");
        // The site's own address is in canonical and share links; the comment section
        // must not carry the commenters' address.
        let section = page
            .split("<!-- sahifa:comments -->")
            .nth(1)
            .and_then(|s| s.split("<!-- /sahifa:comments -->").next())
            .expect("comments slot");
        assert!(section.contains("تعليق عادي عن الخبر"));
        assert!(!section.contains("127.0.0.1"), "IP never public");
    }
);

// The CAPTCHA over HTTP: each answer form, wrong / expired / tampered / replayed tokens,
// and the no-JavaScript second step.
app_test!(
    captcha_flow,
    demo = true,
    |app: common::TestApp| async move {
        let (path, _, article_id) = demo_article(&app).await;
        baseline(&app).await;
        app.db
            .set_setting("comments.captcha", "all")
            .await
            .expect("setting");

        // Answers in Western digits, Arabic-Indic digits, and words.
        let forms: [(&str, AnswerForm); 3] = [
            ("western", |n| n.to_string()),
            ("indic", |n| {
                sahifa_text::digits::localize_digits(
                    &n.to_string(),
                    sahifa_text::digits::DigitStyle::ArabicIndic,
                )
            }),
            ("words", |n| {
                sahifa_text::numbers::number_words(n)
                    .expect("words")
                    .replace('أ', "ا")
            }),
        ];
        for (i, (name, form)) in forms.iter().enumerate() {
            let (token, question) = challenge(&app).await;
            let question = question.expect("a question");
            let answer = form(solve(&question));
            let body = format!("إجابة بصيغة {name}");
            let email = format!("solver{i}@example.com");
            let r = post(
                &app,
                &path,
                &[
                    ("author", "حلّال"),
                    ("email", &email),
                    ("comment", &body),
                    ("captcha_token", &token),
                    ("captcha_answer", &answer),
                ],
            )
            .await;
            assert_eq!(r.status().as_u16(), 303, "{name}: {question} → {answer}");
            assert!(stored(&app, &body).await.is_some(), "{name}");

            // Replayed: the same token again is refused.
            let again = format!("{body} مرة ثانية");
            let r = post(
                &app,
                &path,
                &[
                    ("author", "حلّال"),
                    ("email", &email),
                    ("comment", &again),
                    ("captcha_token", &token),
                    ("captcha_answer", &answer),
                ],
            )
            .await;
            assert_eq!(r.status().as_u16(), 400, "{name}: replay");
            assert!(r.text().await.expect("body").contains("استُخدم هذا السؤال"));
            assert_eq!(stored(&app, &again).await, None);
        }

        // Wrong answer.
        let (token, question) = challenge(&app).await;
        let wrong = (solve(&question.expect("q")) + 1).to_string();
        let r = post(
            &app,
            &path,
            &[
                ("author", "مخطئ"),
                ("email", "wrong@example.com"),
                ("comment", "إجابة خاطئة"),
                ("captcha_token", &token),
                ("captcha_answer", &wrong),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 400, "wrong");
        let html = r.text().await.expect("body");
        assert!(html.contains("الإجابة غير صحيحة"));
        assert!(html.contains("إجابة خاطئة"), "typed text kept");

        // Tampered: a stretched expiry breaks the MAC.
        let (token, question) = challenge(&app).await;
        let answer = solve(&question.expect("q")).to_string();
        let parts: Vec<&str> = token.split('.').collect();
        let forged = format!(
            "{}.{}.{}.{}",
            parts[0], parts[1], 99_999_999_999i64, parts[3]
        );
        let r = post(
            &app,
            &path,
            &[
                ("author", "مزوّر"),
                ("email", "forge@example.com"),
                ("comment", "رمز مزوّر"),
                ("captcha_token", &forged),
                ("captcha_answer", &answer),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 400, "tampered");
        assert!(r.text().await.expect("body").contains("تعذّر التحقق"));

        // Expired: signed with the site's key, issued long ago.
        let key = sahifa_web::comments::captcha_key(&app.db)
            .await
            .expect("key");
        let old = chrono::Utc::now() - chrono::Duration::seconds(3600);
        let c = sahifa_web::comments::captcha::issue(
            &key,
            sahifa_web::comments::captcha::Scope::Comment {
                article_id,
                user_id: None,
            },
            sahifa_web::comments::captcha::Ops::parse("+"),
            300,
            old,
            true,
        );
        let answer = c.answer.expect("answer").to_string();
        let r = post(
            &app,
            &path,
            &[
                ("author", "متأخر"),
                ("email", "old@example.com"),
                ("comment", "سؤال قديم"),
                ("captcha_token", &c.token),
                ("captcha_answer", &answer),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 400, "expired");
        assert!(r.text().await.expect("body").contains("انتهت مهلة السؤال"));

        // Without JavaScript: the first POST answers with the question, the text kept.
        let r = post(
            &app,
            &path,
            &[
                ("author", "بلا جافاسكربت"),
                ("email", "nojs@example.com"),
                ("comment", "تعليق من متصفح بسيط"),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 200, "second step");
        assert_eq!(r.headers()["cache-control"], "no-store");
        let html = r.text().await.expect("body");
        assert!(html.contains("تعليق من متصفح بسيط"));
        let token = html
            .split("name=\"captcha_token\" value=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .expect("token in page")
            .to_string();
        let question = html
            .split("class=\"comment-captcha-question\" dir=\"rtl\">")
            .nth(1)
            .and_then(|r| r.split('<').next())
            .expect("question in page");
        let question = common::unescape(question);
        assert!(
            html.contains("for=\"captcha_answer\""),
            "labelled for screen readers"
        );
        let answer = solve(&question).to_string();
        let r = post(
            &app,
            &path,
            &[
                ("author", "بلا جافاسكربت"),
                ("email", "nojs@example.com"),
                ("comment", "تعليق من متصفح بسيط"),
                ("captcha_token", &token),
                ("captcha_answer", &answer),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        assert!(stored(&app, "تعليق من متصفح بسيط").await.is_some());

        // The cached article page never holds a challenge.
        let page = app.page(&path, 200).await;
        assert!(!page.contains("captcha_token\" value"));
    }
);

// Hostile comments are escaped; emails and IPs stay private; moderation in the admin
// reaches the public page on the next request.
app_test!(
    hostile_text_and_moderation,
    demo = true,
    |app: common::TestApp| async move {
        let (path, slug, article_id) = demo_article(&app).await;
        baseline(&app).await;
        app.db
            .set_setting("comments.first_time_hold", "1")
            .await
            .expect("setting");
        let hostile = "<script>alert(1)</script> <img src=x onerror=alert(2)> javascript:alert(3) \u{202E}txet desrever\u{202C} https://example.com/\"onmouseover=\"x";
        let r = post(
            &app,
            &path,
            &[
                ("author", "<b>مهاجم</b>\u{202E}"),
                ("email", "evil@example.com"),
                ("comment", hostile),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(
            r.headers()["location"]
                .to_str()
                .expect("loc")
                .rsplit('#')
                .next(),
            Some("comment-held")
        );
        // A javascript: website is refused outright.
        let r = post(
            &app,
            &path,
            &[
                ("author", "x"),
                ("email", "x@example.com"),
                ("url", "javascript:alert(1)"),
                ("comment", "رابط خبيث"),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 400);

        // Held: not on the page.
        assert!(!app.page(&path, 200).await.contains("txet desrever"));

        sahifa::accounts::add_user(
            &app.db,
            "mod@example.com",
            "محرر التعليقات",
            Role::Editor,
            "correct horse battery staple",
        )
        .await
        .expect("user");
        let admin = login(&app, "mod@example.com", "correct horse battery staple").await;
        let dash = admin.get("/admin").await.text().await.expect("dashboard");
        assert!(dash.contains("/admin/comments"), "nav entry");
        assert!(
            dash.contains("تعليقات بانتظار المراجعة"),
            "pending count on the dashboard"
        );
        // Signed-in staff commenting on the site are approved and marked; the same post from
        // another origin is only an anonymous reader's (held as a first comment).
        for (origin, body, want) in [
            (app.base.clone(), "رد من غرفة الأخبار", "approved"),
            (
                "https://evil.example".to_string(),
                "منشور من موقع آخر",
                "pending",
            ),
        ] {
            let r = app
                .client
                .post(format!("{}{path}/comments", app.base))
                .header("cookie", &admin.cookie)
                .header("origin", origin)
                .form(&[
                    ("author", "x"),
                    ("email", "forged@example.com"),
                    ("comment", body),
                ])
                .send()
                .await
                .expect("post");
            assert_eq!(r.status().as_u16(), 303, "{body}");
            assert_eq!(stored(&app, body).await.as_deref(), Some(want), "{body}");
        }
        let (approved, _) = app
            .db
            .admin_comments(sahifa_store::CommentStatus::Approved, 100, 0)
            .await
            .expect("rows");
        let staff = approved
            .iter()
            .find(|c| c.body == "رد من غرفة الأخبار")
            .expect("staff comment");
        assert_eq!(
            (staff.is_staff, staff.author_name.as_str()),
            (1, "محرر التعليقات")
        );

        let queue = admin.get("/admin/comments").await;
        assert_eq!(queue.status().as_u16(), 200);
        let queue = queue.text().await.expect("queue");
        assert!(
            queue.contains("evil@example.com"),
            "moderators see the email"
        );
        assert!(!queue.contains("<script>alert"), "escaped in the admin too");

        let (pending, _) = app
            .db
            .admin_comments(sahifa_store::CommentStatus::Pending, 100, 0)
            .await
            .expect("rows");
        let id = pending
            .iter()
            .find(|c| c.email == "evil@example.com")
            .expect("held")
            .id;
        let field = format!("c{id}");
        let r = admin
            .post(
                "/admin/comments/bulk",
                &[
                    (field.as_str(), "on"),
                    ("action", "approve"),
                    ("status", "pending"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);

        let page = app.page(&path, 200).await;
        assert!(
            page.contains(&format!("id=\"comment-{id}\"")),
            "approved comment shown"
        );
        assert!(!page.contains("<script>alert"));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!page.contains("<img src=x"));
        assert!(!page.contains("href=\"javascript"));
        assert!(!page.contains('\u{202E}'), "bidi override removed");
        assert!(!page.contains("evil@example.com"));
        assert!(page.contains("rel=\"nofollow ugc noopener\""));
        assert!(
            !page.contains("onmouseover=\"x"),
            "quote ends the link and is escaped"
        );

        // A staff reply from the queue, marked as such.
        let r = admin
            .post(
                &format!("/admin/comments/{id}/reply"),
                &[("comment", "شكراً على ملاحظتك"), ("status", "approved")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let page = app.page(&path, 200).await;
        assert!(page.contains("شكراً على ملاحظتك"));
        assert!(page.contains("comment-staff"));
        assert!(
            page.contains("comment-depth-2"),
            "threaded under the comment"
        );

        // The edit page, the settings page and the no-JS reply form render.
        for page in [
            format!("/admin/comments/{id}"),
            "/admin/comments/settings".to_string(),
            "/admin/comments?status=approved".to_string(),
        ] {
            let r = admin.get(&page).await;
            assert_eq!(r.status().as_u16(), 200, "{page}");
        }
        let r = admin
            .post(
                &format!("/admin/comments/{id}"),
                &[
                    ("author", "مهاجم سابق"),
                    ("email", "evil@example.com"),
                    ("url", ""),
                    ("comment", "نص عدّله المحرر"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303, "edit saved");
        assert!(app.page(&path, 200).await.contains("نص عدّله المحرر"));
        let reply_form = app
            .page(&format!("{path}/comments?replytocom={id}"), 200)
            .await;
        assert!(
            reply_form.contains(&format!("name=\"parent_id\" value=\"{id}\"")),
            "reply target kept"
        );
        assert!(reply_form.contains("الرد على مهاجم سابق"));

        // Trash: gone from the page on the next request.
        let r = admin
            .post(
                "/admin/comments/bulk",
                &[
                    ("id", &id.to_string()),
                    ("action", "trash"),
                    ("status", "approved"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert!(
            !app.page(&path, 200)
                .await
                .contains(&format!("id=\"comment-{id}\""))
        );

        // Block the email: the next comment from it is spam.
        let r = admin
            .post(
                &format!("/admin/comments/{id}/block"),
                &[("what", "email"), ("status", "trash")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let r = post(
            &app,
            &path,
            &[
                ("author", "مهاجم"),
                ("email", "evil@example.com"),
                ("comment", "عدت مجدداً"),
            ],
        )
        .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(stored(&app, "عدت مجدداً").await.as_deref(), Some("spam"));

        // Per-article switch from the admin.
        let r = admin
            .post(
                &format!("/admin/articles/{article_id}/comments-open"),
                &[("open", "0")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert!(app.db.comments_closed(article_id).await.expect("closed"));
        let r = admin
            .post(
                &format!("/admin/articles/{article_id}/comments-open"),
                &[("open", "1")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);

        // Settings page saves.
        let r = admin
            .post(
                "/admin/comments/settings",
                &[
                    ("enabled", "1"),
                    ("captcha", "anonymous"),
                    ("captcha_ops", "+×"),
                    ("thread_depth", "3"),
                    ("max_links", "4"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let s = sahifa_web::comments::CommentSettings::load(&app.db)
            .await
            .expect("settings");
        assert_eq!(
            (s.thread_depth, s.max_links, s.first_time_hold),
            (3, 4, false)
        );

        // Privacy (administrators only): export and erase by email.
        let r = admin
            .post(
                "/admin/comments/privacy",
                &[("email", "evil@example.com"), ("action", "export")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 403, "editors cannot");
        sahifa::accounts::add_user(
            &app.db,
            "boss@example.com",
            "المدير",
            Role::Administrator,
            "correct horse battery staple",
        )
        .await
        .expect("admin");
        let boss = login(&app, "boss@example.com", "correct horse battery staple").await;
        let r = boss
            .post(
                "/admin/comments/privacy",
                &[("email", "evil@example.com"), ("action", "export")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 200);
        let export: serde_json::Value = r.json().await.expect("export json");
        assert!(export["comments"].as_array().expect("list").len() >= 2);
        let r = boss
            .post(
                "/admin/comments/privacy",
                &[("email", "evil@example.com"), ("action", "erase")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert!(
            app.db
                .comments_by_email("evil@example.com")
                .await
                .expect("rows")
                .is_empty()
        );

        // IP retention: the sweep erases IPs older than the window.
        app.db
            .set_setting("comments.ip_days", "0")
            .await
            .expect("setting");
        sahifa_web::comments::sweep(&app.db, chrono::Utc::now() + chrono::Duration::seconds(5))
            .await;
        let (approved, _) = app
            .db
            .admin_comments(sahifa_store::CommentStatus::Approved, 100, 0)
            .await
            .expect("rows");
        assert!(approved.iter().all(|c| c.ip.is_none()), "IPs erased");

        // Paged thread page and the no-JS reply form.
        let _ = slug;
        let r = app.get(&format!("{path}/comments?cpage=1")).await;
        assert_eq!(r.status().as_u16(), 200);
    }
);

// Long threads are paged by top-level comment (`?cpage=N`), replies stay with their thread
// and stop indenting at the configured depth.
app_test!(
    thread_paging_and_depth,
    demo = true,
    |app: common::TestApp| async move {
        let (path, _, article_id) = demo_article(&app).await;
        app.db
            .set_setting("comments.per_page", "5")
            .await
            .expect("setting");
        app.db
            .set_setting("comments.thread_depth", "3")
            .await
            .expect("setting");
        let add = |body: String, parent: Option<i64>| {
            let db = app.db.clone();
            async move {
                db.insert_comment(&sahifa_store::NewComment {
                    article_id,
                    parent_id: parent,
                    author_name: "قارئ".into(),
                    email: "thread@example.com".into(),
                    body,
                    status: "approved".into(),
                    ip: Some("192.0.2.1".into()),
                    ..Default::default()
                })
                .await
                .expect("insert")
            }
        };
        let mut first = 0;
        for n in 1..=7 {
            let id = add(format!("تعليق رئيسي رقم {n}"), None).await;
            if n == 1 {
                first = id;
            }
        }
        // A chain of replies deeper than the limit under the first comment.
        let mut parent = first;
        for n in 1..=4 {
            parent = add(format!("رد بعمق {n}"), Some(parent)).await;
        }
        let page = app.page(&path, 200).await;
        assert!(page.contains("تعليق رئيسي رقم 5"));
        assert!(
            !page.contains("تعليق رئيسي رقم 6"),
            "second page not on the first"
        );
        assert!(page.contains("رد بعمق 4"), "replies stay with their thread");
        assert!(page.contains("comment-depth-3"));
        assert!(
            !page.contains("comment-depth-4"),
            "indentation stops at the limit"
        );
        assert!(page.contains("comments?cpage=2"));
        let oldest = page.find("تعليق رئيسي رقم 1").expect("first");
        let later = page.find("تعليق رئيسي رقم 2").expect("second");
        assert!(oldest < later, "oldest first");
        let second = app.page(&format!("{path}/comments?cpage=2"), 200).await;
        assert!(second.contains("تعليق رئيسي رقم 6"));
        assert!(second.contains("تعليق رئيسي رقم 7"));
        assert!(!second.contains("تعليق رئيسي رقم 5"));
        assert!(!second.contains("192.0.2.1"));
        assert!(!second.contains("thread@example.com"));
    }
);
