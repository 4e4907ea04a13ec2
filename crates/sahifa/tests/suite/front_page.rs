//! Breaking news and the front page (issue 10, item 6) over real HTTP on both backends:
//! the «عاجل» ticker on every public page until it is cleared, ends or its article is
//! taken back; who may flag what; the pinned lead and featured stories of the home page;
//! and the admin page at `/admin/front-page` with its CSRF-checked forms.

use crate::common;

use chrono::{Duration, Utc};
use common::TestApp;
use common::session::{AdminSession, login};
use sahifa_newsroom::articles::PublishTime;
use sahifa_newsroom::{Actor, NewsroomError};
use sahifa_store::{ArticleStatus, Role};

const PASSWORD: &str = "كلمة-سر-طويلة-للصفحة-الأولى";

/// A published demo article as the API lists it (newest first).
#[derive(Clone, Debug)]
struct Listed {
    id: i64,
    title: String,
    /// Site-relative, as the pages link it.
    url: String,
}

async fn listed(app: &TestApp) -> Vec<Listed> {
    let listing: serde_json::Value = app
        .get("/api/v1/articles?per_page=100")
        .await
        .json()
        .await
        .expect("json");
    listing["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|a| Listed {
            id: a["id"].as_i64().expect("id"),
            title: a["title"].as_str().expect("title").to_string(),
            url: a["url"]
                .as_str()
                .expect("url")
                .trim_start_matches(&app.base)
                .to_string(),
        })
        .collect()
}

async fn user(app: &TestApp, email: &str, role: Role) -> i64 {
    sahifa::accounts::add_user(&app.db, email, "الديسك", role, PASSWORD)
        .await
        .expect("user")
}

async fn editor(app: &TestApp) -> AdminSession<'_> {
    user(app, "editor@example.com", Role::Editor).await;
    login(app, "editor@example.com", PASSWORD).await
}

async fn actor(app: &TestApp, email: &str) -> Actor {
    let user = app
        .db
        .user_for_login(email)
        .await
        .expect("lookup")
        .expect("user")
        .0;
    Actor::User(user)
}

/// The breaking ticker of a page's HTML, when it has one.
fn ticker(html: &str) -> Option<&str> {
    section(html, "<section class=\"breaking\"")
}

/// The element that opens with `start` up to its `</section>`.
fn section<'a>(html: &'a str, start: &str) -> Option<&'a str> {
    let at = html.find(start)?;
    let len = html[at..].find("</section>")?;
    Some(&html[at..at + len])
}

/// The three kinds of public page every check visits: home, an article, a section.
fn public_pages(article: &Listed) -> Vec<String> {
    vec![
        "/".to_string(),
        article.url.clone(),
        format!("/category/{}", common::pages::q("سياسة")),
    ]
}

async fn assert_ticker(app: &TestApp, pages: &[String], shows: &[&Listed], hides: &[&Listed]) {
    for path in pages {
        let html = app.page(path, 200).await;
        if shows.is_empty() {
            assert!(ticker(&html).is_none(), "no ticker on {path}");
            continue;
        }
        let ticker = ticker(&html).unwrap_or_else(|| panic!("a ticker on {path}"));
        assert!(
            ticker.contains("aria-labelledby=\"breaking-label\"")
                && ticker.contains("id=\"breaking-label\">عاجل</p>"),
            "named «عاجل» on {path}: {ticker}"
        );
        for a in shows {
            assert!(
                ticker.contains(&format!("<a href=\"{}\">{}</a>", a.url, a.title)),
                "{} in the ticker on {path}: {ticker}",
                a.title
            );
        }
        for a in hides {
            assert!(!ticker.contains(&a.url), "{} not on {path}", a.title);
        }
    }
}

app_test!(
    the_ticker_shows_on_every_page_until_cleared_ended_or_taken_back,
    demo = true,
    |app: TestApp| async move {
        let session = editor(&app).await;
        let all = listed(&app).await;
        let (first, second) = (&all[3], &all[5]);
        let pages = public_pages(first);
        // Nothing breaking: no ticker anywhere (and the pages are now cached).
        assert_ticker(&app, &pages, &[], &[]).await;

        // Flagged from the admin page: every page shows it at once.
        let r = session
            .post(
                "/admin/front-page/breaking",
                &[("article", &first.id.to_string()), ("hours", "3")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(
            r.headers()["location"],
            "/admin/front-page?msg=breaking-set#breaking"
        );
        assert_ticker(&app, &pages, &[first], &[second]).await;
        let admin = session.get("/admin/front-page?msg=breaking-set").await;
        assert_eq!(admin.status().as_u16(), 200);
        let admin = admin.text().await.expect("page");
        assert!(admin.contains("وُسم الخبر بـ«عاجل»."), "notice");
        assert!(
            admin.contains(&format!(
                "action=\"/admin/front-page/breaking/{}/clear\"",
                first.id
            )),
            "a «إلغاء» form for it"
        );

        // A second flag joins it; the newest article comes first.
        let newsroom = app.state.newsroom();
        let desk = actor(&app, "editor@example.com").await;
        newsroom
            .set_breaking(&desk, second.id, Some(Utc::now() + Duration::hours(1)))
            .await
            .expect("flag");
        assert_ticker(&app, &pages, &[first, second], &[]).await;
        let home = app.page("/", 200).await;
        let ticker_html = ticker(&home).expect("ticker");
        assert!(
            ticker_html.find(&first.url) < ticker_html.find(&second.url),
            "newest first"
        );

        // Editing a flagged headline reaches the ticker of every cached page.
        let token = sahifa::accounts::create_token(
            &app.db,
            app.db
                .user_for_login("editor@example.com")
                .await
                .expect("lookup")
                .expect("user")
                .0
                .id,
            "desk",
        )
        .await
        .expect("token");
        let renamed = Listed {
            title: format!("{} (محدّث)", first.title),
            ..first.clone()
        };
        let r = app
            .client
            .put(format!("{}/api/v1/admin/articles/{}", app.base, first.id))
            .bearer_auth(&token)
            .json(&serde_json::json!({"title": renamed.title}))
            .send()
            .await
            .expect("put");
        assert_eq!(r.status().as_u16(), 200);
        assert_ticker(&app, &pages, &[&renamed, second], &[]).await;

        // «إلغاء»: gone from every page.
        let r = session
            .post(
                &format!("/admin/front-page/breaking/{}/clear", first.id),
                &[],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_ticker(&app, &pages, &[second], &[first]).await;

        // Its time ends: the sweep takes it out of every page.
        let expired = newsroom
            .expire_breaking(Utc::now() + Duration::hours(2))
            .await
            .expect("sweep");
        assert_eq!(expired, vec![(second.id, second.title.clone())]);
        assert_ticker(&app, &pages, &[], &[]).await;
        assert!(
            newsroom
                .expire_breaking(Utc::now() + Duration::hours(2))
                .await
                .expect("sweep")
                .is_empty(),
            "cleared once"
        );

        // Taken back while breaking: out of the ticker at once, and once the scheduler
        // has cleared its flag, publishing it again does not bring it back.
        newsroom
            .set_breaking(&desk, second.id, Some(Utc::now() + Duration::hours(1)))
            .await
            .expect("flag");
        assert_ticker(&app, &pages, &[second], &[]).await;
        newsroom
            .set_article_status(
                &Actor::System,
                second.id,
                ArticleStatus::Draft,
                PublishTime::NotGiven,
            )
            .await
            .expect("unpublish");
        let others = public_pages(first);
        assert_ticker(&app, &others, &[], &[]).await;
        let mut waited = 0;
        while app.db.breaking_to_clear(Utc::now()).await.expect("check") {
            assert!(waited < 100, "the scheduler clears the flag");
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            waited += 1;
        }
        newsroom
            .set_article_status(
                &Actor::System,
                second.id,
                ArticleStatus::Published,
                PublishTime::NotGiven,
            )
            .await
            .expect("publish again");
        assert_ticker(&app, &others, &[], &[]).await;
        let audit: Vec<String> = app
            .db
            .audit_entries(100, 0)
            .await
            .expect("audit")
            .0
            .into_iter()
            .filter(|e| e.object_id == Some(second.id) || e.object_id == Some(first.id))
            .map(|e| e.action)
            .collect();
        for action in ["breaking-set", "breaking-cleared", "breaking-expired"] {
            assert!(audit.iter().any(|a| a == action), "{action} in {audit:?}");
        }
    }
);

app_test!(
    only_the_desk_flags_and_only_published_articles,
    demo = true,
    |app: TestApp| async move {
        let session = editor(&app).await;
        let published = listed(&app).await[0].clone();
        let newsroom = app.state.newsroom();
        let desk = actor(&app, "editor@example.com").await;
        // A draft cannot be breaking: said on the form, nothing stored.
        let draft = app
            .db
            .admin_articles(
                &sahifa_store::AdminArticleFilter {
                    status: Some(sahifa_store::ListedStatus::Draft),
                    ..Default::default()
                },
                10,
                0,
            )
            .await
            .expect("drafts")
            .0[0]
            .id;
        let r = session
            .post(
                "/admin/front-page/breaking",
                &[("article", &draft.to_string()), ("hours", "1")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        let html = r.text().await.expect("page");
        assert!(html.contains("لا يوسم بـ«عاجل» إلا خبر منشور."), "{html}");
        assert!(html.contains("aria-invalid=\"true\" aria-describedby=\"breaking-article-error\""));
        assert!(matches!(
            newsroom
                .set_breaking(&desk, draft, Some(Utc::now() + Duration::hours(1)))
                .await,
            Err(NewsroomError::Invalid(_))
        ));
        // Durations: from the list only, in the future, 48 hours at most.
        let r = session
            .post(
                "/admin/front-page/breaking",
                &[("article", &published.id.to_string()), ("hours", "100")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(
            r.text()
                .await
                .expect("page")
                .contains("اختر مدة من القائمة.")
        );
        for until in [
            Utc::now() - Duration::minutes(1),
            Utc::now() + Duration::hours(49),
        ] {
            let refused = newsroom
                .set_breaking(&desk, published.id, Some(until))
                .await;
            assert!(
                matches!(&refused, Err(NewsroomError::Invalid(f)) if f[0].field == "until"),
                "{refused:?}"
            );
        }
        assert!(matches!(
            newsroom
                .set_breaking(&desk, 999_999, Some(Utc::now() + Duration::hours(1)))
                .await,
            Err(NewsroomError::NotFound)
        ));
        assert!(
            app.db
                .breaking_news(Utc::now())
                .await
                .expect("read")
                .is_empty()
        );

        // Authors and contributors: refused on every route and in the use cases.
        for (email, role) in [
            ("author@example.com", Role::Author),
            ("contrib@example.com", Role::Contributor),
        ] {
            user(&app, email, role).await;
            let writer = login(&app, email, PASSWORD).await;
            assert_eq!(writer.get("/admin/front-page").await.status().as_u16(), 403);
            let id = published.id.to_string();
            for (path, fields) in [
                (
                    "/admin/front-page/breaking".to_string(),
                    vec![("article", id.as_str()), ("hours", "1")],
                ),
                (format!("/admin/front-page/breaking/{id}/clear"), Vec::new()),
                ("/admin/front-page".to_string(), vec![("lead", id.as_str())]),
            ] {
                let r = writer.post(&path, &fields).await;
                assert_eq!(r.status().as_u16(), 403, "{email} POST {path}");
            }
            let dashboard = writer.get("/admin").await.text().await.expect("page");
            assert!(!dashboard.contains("href=\"/admin/front-page\""), "no link");
            let them = actor(&app, email).await;
            assert!(matches!(
                newsroom
                    .set_breaking(&them, published.id, Some(Utc::now() + Duration::hours(1)))
                    .await,
                Err(NewsroomError::Forbidden)
            ));
            assert!(matches!(
                newsroom
                    .set_home_pins(&them, Some(published.id), vec![])
                    .await,
                Err(NewsroomError::Forbidden)
            ));
        }
        assert!(
            app.db
                .breaking_news(Utc::now())
                .await
                .expect("read")
                .is_empty()
        );
        assert_eq!(app.db.home_pins().await.expect("pins"), Default::default());

        // The editor sees the page and its link; a form without the CSRF token (or from
        // another origin) is refused.
        let dashboard = session.get("/admin").await.text().await.expect("page");
        assert!(dashboard.contains("href=\"/admin/front-page\""), "nav link");
        let page = session.get("/admin/front-page").await;
        assert_eq!(page.status().as_u16(), 200);
        let page = page.text().await.expect("page");
        assert!(page.contains("<h1>الصفحة الأولى</h1>"));
        assert!(page.contains("لا أخبار عاجلة الآن."));
        for hours in ["ساعة واحدة", "3 ساعات", "6 ساعات", "12 ساعة", "24 ساعة"]
        {
            assert!(page.contains(hours), "{hours}");
        }
        let forged = app
            .client
            .post(format!("{}/admin/front-page/breaking", app.base))
            .header("cookie", &session.cookie)
            .header("origin", &app.base)
            .form(&[("article", published.id.to_string()), ("hours", "1".into())])
            .send()
            .await
            .expect("post");
        assert_eq!(forged.status().as_u16(), 403);
        let cross_site = app
            .client
            .post(format!("{}/admin/front-page", app.base))
            .header("cookie", &session.cookie)
            .header("origin", "https://evil.example")
            .form(&[
                ("lead", published.id.to_string()),
                ("_csrf", session.csrf.clone()),
            ])
            .send()
            .await
            .expect("post");
        assert_eq!(cross_site.status().as_u16(), 403);
        assert!(
            app.db
                .breaking_news(Utc::now())
                .await
                .expect("read")
                .is_empty()
        );
        assert_eq!(app.db.home_pins().await.expect("pins"), Default::default());
    }
);

/// The URLs of the article links in the home page's `section` (by its class).
fn links_in(html: &str, class: &str) -> Vec<String> {
    let Some(block) = section(html, &format!("<section class=\"{class}\"")) else {
        return Vec::new();
    };
    let mut urls = Vec::new();
    for part in block.split("class=\"card-title\"><a href=\"").skip(1) {
        if let Some(url) = part.split('"').next() {
            urls.push(url.to_string());
        }
    }
    urls
}

app_test!(
    pinned_stories_lead_the_home_page_while_published,
    demo = true,
    |app: TestApp| async move {
        let session = editor(&app).await;
        let all = listed(&app).await;
        let (newest, lead, one, two) = (&all[0], &all[6], &all[8], &all[1]);
        // By default the newest article leads and there is no featured block.
        let home = app.page("/", 200).await;
        assert_eq!(links_in(&home, "home-lead"), vec![newest.url.clone()]);
        assert!(!home.contains("home-featured"));

        // Pinned over HTTP: the lead and two featured stories, in the order given.
        let r = session
            .post(
                "/admin/front-page",
                &[
                    ("lead", &lead.id.to_string()),
                    ("featured_1", &one.id.to_string()),
                    ("featured_2", ""),
                    ("featured_3", &two.id.to_string()),
                    ("featured_4", ""),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        assert_eq!(r.headers()["location"], "/admin/front-page?msg=saved");
        let home = app.page("/", 200).await;
        assert_eq!(links_in(&home, "home-lead"), vec![lead.url.clone()]);
        assert_eq!(
            links_in(&home, "home-featured"),
            vec![one.url.clone(), two.url.clone()]
        );
        assert!(home.contains("id=\"home-featured-title\" class=\"section-title\">مختارات</h2>"));
        // Each shows once on page 1: the newest article is back in the latest list, the
        // pinned ones are not repeated there.
        let latest = section(&home, "<section class=\"home-latest\"").expect("latest");
        assert!(latest.contains(&newest.url));
        for pinned in [lead, one, two] {
            assert!(!latest.contains(&pinned.url), "{} once", pinned.title);
        }
        // The admin page shows them selected.
        let admin = session
            .get("/admin/front-page")
            .await
            .text()
            .await
            .expect("page");
        for (select, id) in [
            ("lead", lead.id),
            ("featured_1", one.id),
            ("featured_2", two.id),
        ] {
            let at = admin.find(&format!("name=\"{select}\"")).expect(select);
            let end = at + admin[at..].find("</select>").expect("end");
            assert!(
                admin[at..end].contains(&format!("value=\"{id}\" selected")),
                "{select}"
            );
        }

        // Refused: the same article twice, a draft, five featured stories.
        let r = session
            .post(
                "/admin/front-page",
                &[
                    ("lead", &lead.id.to_string()),
                    ("featured_1", &lead.id.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(
            r.text()
                .await
                .expect("page")
                .contains("لا يثبَّت الخبر نفسه مرتين.")
        );
        let newsroom = app.state.newsroom();
        let desk = actor(&app, "editor@example.com").await;
        let five: Vec<i64> = all[10..15].iter().map(|a| a.id).collect();
        assert!(matches!(
            newsroom.set_home_pins(&desk, None, five).await,
            Err(NewsroomError::Invalid(_))
        ));
        let draft = app
            .db
            .admin_articles(
                &sahifa_store::AdminArticleFilter {
                    status: Some(sahifa_store::ListedStatus::Draft),
                    ..Default::default()
                },
                10,
                0,
            )
            .await
            .expect("drafts")
            .0[0]
            .id;
        let r = session
            .post("/admin/front-page", &[("lead", &draft.to_string())])
            .await;
        assert_eq!(r.status().as_u16(), 422);
        assert!(
            r.text()
                .await
                .expect("page")
                .contains("لا يُثبَّت إلا خبر منشور.")
        );
        let pins = app.db.home_pins().await.expect("pins");
        assert_eq!(pins.lead, Some(lead.id), "unchanged");
        assert_eq!(pins.featured, vec![one.id, two.id]);

        // Taken back, a pinned lead leaves the home page (cached until then) and the
        // newest article leads again; a featured story taken back leaves its block.
        newsroom
            .set_article_status(
                &Actor::System,
                lead.id,
                ArticleStatus::Draft,
                PublishTime::NotGiven,
            )
            .await
            .expect("unpublish");
        let home = app.page("/", 200).await;
        assert_eq!(links_in(&home, "home-lead"), vec![newest.url.clone()]);
        assert!(!home.contains(&lead.url), "nowhere on the home page");
        newsroom
            .set_article_status(
                &Actor::System,
                one.id,
                ArticleStatus::Draft,
                PublishTime::NotGiven,
            )
            .await
            .expect("unpublish");
        let home = app.page("/", 200).await;
        assert_eq!(links_in(&home, "home-featured"), vec![two.url.clone()]);

        // Unpinned: the home page is as it was.
        let r = session
            .post(
                "/admin/front-page",
                &[("lead", ""), ("featured_1", ""), ("featured_3", "")],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
        let home = app.page("/", 200).await;
        assert_eq!(links_in(&home, "home-lead"), vec![newest.url.clone()]);
        assert!(!home.contains("home-featured"));
        let (audit, _) = app.db.audit_entries(100, 0).await.expect("audit");
        assert_eq!(
            audit
                .iter()
                .filter(|e| e.action == "front-page-changed")
                .count(),
            2
        );
    }
);
