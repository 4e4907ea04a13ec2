//! Issue 11: the admin speaks only the site's language. Every admin page, rendered over
//! real HTTP with the demo site plus held comments and an audit entry of every kind, shows
//! no Latin-script word in Arabic and no Arabic-script word in English, outside URLs,
//! emails, code, the proper names below and the newsroom's own content.

use std::collections::HashSet;

use crate::common;

use common::TestApp;
use common::session::{AdminSession, login};
use sahifa_store::{ArticleInput, ArticleStatus, CommentStatus, NewComment, Role};
use sahifa_testkit::{ArticleWrites, Seed};

const PASSWORD: &str = "كلمة سر طويلة للاختبار";
const ADMIN_NAME: &str = "مديرة التحرير";
const EDITOR_NAME: &str = "محرر الأخبار";
const ARTICLE_TITLE: &str = "مقال لفحص لغة الإدارة";
const TOKEN_NAME: &str = "تطبيق الهاتف";

/// Latin words allowed in the Arabic admin: names of formats and protocols that have no
/// Arabic spelling in use, and the HTTP header a token goes in. "Telegram" is not one of
/// them: the Arabic admin writes «تلغرام».
const LATIN_ALLOWED: [&str; 11] = [
    "UTC",
    "Markdown",
    "JSON",
    "HTML",
    "JPEG",
    "PNG",
    "WebP",
    "EXIF",
    "IP",
    "Authorization",
    "Bearer",
];

/// The demo's own text, and what this test adds: content, not interface.
fn content_words() -> HashSet<String> {
    let demo: serde_json::Value =
        serde_json::from_str(include_str!("../../demo/demo.json")).expect("demo json");
    // The model article's title and the lines around it; bodies, leads and bios are only
    // ever shown in form fields, which are not visible text here, so their words (which
    // would cover most of the language) stay out of the set.
    let seed = include_str!("../../demo/seed-article.txt");
    let mut texts: Vec<String> = seed.lines().take(3).map(String::from).collect();
    fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::String(s) => out.push(s.clone()),
            serde_json::Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
            serde_json::Value::Object(o) => o
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "body" | "lead" | "bio"))
                .for_each(|(_, v)| strings(v, out)),
            _ => {}
        }
    }
    strings(&demo, &mut texts);
    texts.extend(
        [
            ADMIN_NAME,
            EDITOR_NAME,
            ARTICLE_TITLE,
            TOKEN_NAME,
            "مقدمة المقال ونصه المعدّل",
            "قارئ جديد",
            "تعليق ينتظر المراجعة",
            "اعلان",
            "كازينو",
            "وسم قديم",
            "وسم جديد",
            "قسم محذوف",
            "qari-jadid",
            // The demo's static pages (content shown in the page list and menus).
            "من نحن",
            "اتصل بنا",
            "سياسة الخصوصية",
        ]
        .map(String::from),
    );
    texts.iter().flat_map(|t| words(t)).collect()
}

/// Runs of letters (and the marks that go with them).
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if c.is_alphabetic() || (is_arabic(c) && !c.is_whitespace() && !c.is_ascii_punctuation()) {
            word.push(c);
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

fn is_arabic(c: char) -> bool {
    matches!(c as u32, 0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF)
        && !matches!(
            c as u32,
            0x060C | 0x061B | 0x061F | 0x066A..=0x066D | 0x06D4 | 0x0660..=0x0669 | 0x06F0..=0x06F9
        )
}

fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c as u32, 0x00C0..=0x024F)
}

/// Removes `<tag ...>...</tag>` blocks whole.
fn drop_elements(html: &str, tag: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    let open = format!("<{tag}");
    let close = format!("</{tag}>");
    while let Some(at) = rest.find(&open) {
        let after = &rest[at + open.len()..];
        // `<codex` is not `<code`.
        if !after.starts_with(['>', ' ', '\n', '\t']) {
            out.push_str(&rest[..at + open.len()]);
            rest = after;
            continue;
        }
        out.push_str(&rest[..at]);
        rest = match after.find(&close) {
            Some(end) => &after[end + close.len()..],
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// The text a reader sees: no tags, attributes, scripts, styles, comments, code or form
/// contents typed by the newsroom (textareas hold article bodies and word lists).
fn visible_text(html: &str) -> String {
    let mut html = html.to_string();
    while let Some(at) = html.find("<!--") {
        let end = html[at..].find("-->").map_or(html.len(), |e| at + e + 3);
        html.replace_range(at..end, " ");
    }
    for tag in ["script", "style", "code", "kbd", "samp", "pre", "textarea"] {
        html = drop_elements(&html, tag);
    }
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    common::unescape(&text).replace("&nbsp;", " ")
}

/// The attribute values a reader meets without them being page text: hints in empty
/// fields, names screen readers speak, tooltips, image descriptions and the labels of
/// submit inputs, drawn from `value`. A text field's `value` is what the newsroom typed, not
/// interface, so it stays out.
fn user_facing_attributes(html: &str) -> String {
    let mut html = html.to_string();
    while let Some(at) = html.find("<!--") {
        let end = html[at..].find("-->").map_or(html.len(), |e| at + e + 3);
        html.replace_range(at..end, " ");
    }
    for tag in ["script", "style"] {
        html = drop_elements(&html, tag);
    }
    let mut out = String::new();
    let mut rest = html.as_str();
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let name_len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        if name_len == 0 {
            continue;
        }
        let tag = rest[..name_len].to_ascii_lowercase();
        rest = &rest[name_len..];
        let mut attrs: Vec<(String, String)> = Vec::new();
        loop {
            rest = rest.trim_start();
            if rest.is_empty() || rest.starts_with('>') || rest.starts_with("/>") {
                break;
            }
            let name_end = rest
                .find(|c: char| c.is_whitespace() || c == '=' || c == '>' || c == '/')
                .unwrap_or(rest.len())
                .max(1);
            let name = rest[..name_end].to_ascii_lowercase();
            rest = rest[name_end..].trim_start();
            let mut value = String::new();
            if let Some(after) = rest.strip_prefix('=') {
                let after = after.trim_start();
                let (v, next) = match after.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let body = &after[1..];
                        let end = body.find(q).unwrap_or(body.len());
                        (&body[..end], &body[(end + 1).min(body.len())..])
                    }
                    _ => {
                        let end = after
                            .find(|c: char| c.is_whitespace() || c == '>')
                            .unwrap_or(after.len());
                        (&after[..end], &after[end..])
                    }
                };
                value = v.to_string();
                rest = next;
            }
            attrs.push((name, value));
        }
        let attr = |name: &str| {
            attrs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.as_str())
        };
        // A `<button>` shows its content, and its `value` is only what the form sends
        // (`approve`, `spam`); a submit input shows its `value`.
        let is_button = tag == "input"
            && matches!(
                attr("type").map(str::to_ascii_lowercase).as_deref(),
                Some("submit" | "button" | "reset")
            );
        for (name, value) in &attrs {
            let shown = matches!(
                name.as_str(),
                "placeholder" | "aria-label" | "title" | "alt"
            ) || (name == "value" && is_button);
            if shown {
                out.push(' ');
                out.push_str(value);
            }
        }
    }
    common::unescape(&out).replace("&nbsp;", " ")
}

/// Whitespace-separated tokens that are addresses or identifiers, not words.
fn is_code_token(token: &str) -> bool {
    token.contains('@')
        || token.contains("://")
        || token.starts_with('/')
        || token.contains('/')
        || token.contains('_')
        || token.starts_with('#')
        // Template placeholders such as `{title}`.
        || token.contains('{')
        // Header and other kebab-case identifiers such as `x-forwarded-for`.
        || {
            let bare = token.trim_matches(|c: char| !c.is_alphanumeric());
            bare.contains('-') && bare.chars().all(|c| c.is_ascii_lowercase() || c == '-')
        }
        || token.split('.').filter(|part| !part.is_empty()).count() > 1
}

/// The words of `html` in the script `foreign`, less content and allowed names.
fn foreign_words(
    html: &str,
    foreign: fn(char) -> bool,
    content: &HashSet<String>,
    allowed: &[&str],
) -> Vec<String> {
    let text = format!("{} {}", visible_text(html), user_facing_attributes(html));
    let mut found = Vec::new();
    for token in text.split_whitespace() {
        if is_code_token(token) {
            continue;
        }
        for word in words(token) {
            if word.chars().any(foreign)
                && !content.contains(&word)
                && !allowed.contains(&word.as_str())
                && !found.contains(&word)
            {
                found.push(word);
            }
        }
    }
    found
}

fn article(title: &str, lead: &str) -> ArticleInput {
    ArticleInput {
        slug: None,
        title: title.to_string(),
        lead: lead.into(),
        body_html: String::new(),
        body_md: "نص المقال.".into(),
        dateline: None,
        source: None,
        author_id: None,
        category_id: None,
        tags: Vec::new(),
        status: ArticleStatus::Published,
        published_at: None,
        image: None,
    }
}

/// Held comments with every reason the filters give, and an audit entry of every shape
/// the newsroom writes. Returns the article's id and its two revisions.
async fn seed(app: &TestApp, editor_id: i64) -> (i64, i64, i64, i64) {
    let db = &app.db;
    let id = db
        .create_article(&article(ARTICLE_TITLE, "مقدمة"))
        .await
        .expect("article");
    db.update_article(id, &article(ARTICLE_TITLE, "مقدمة المقال ونصه المعدّل"))
        .await
        .expect("second revision");
    let revisions = db.revisions(id).await.expect("revisions");
    assert!(revisions.len() >= 2, "two revisions");
    let (a, b) = (revisions[0].id, revisions[1].id);
    let mut comment_id = 0;
    for (status, reason) in [
        (CommentStatus::Pending, "first comment"),
        (CommentStatus::Pending, "2 links"),
        (CommentStatus::Pending, "hold all"),
        (CommentStatus::Pending, "moderation word: اعلان"),
        (CommentStatus::Spam, "disallowed: كازينو"),
        (CommentStatus::Approved, "staff"),
    ] {
        comment_id = db
            .insert_comment(&NewComment {
                article_id: id,
                parent_id: None,
                author_name: "قارئ جديد".into(),
                email: "reader@example.com".into(),
                url: String::new(),
                body: "تعليق ينتظر المراجعة".into(),
                status,
                user_id: None,
                is_staff: false,
                ip: Some("127.0.0.1".into()),
                user_agent: String::new(),
                reason: reason.into(),
            })
            .await
            .expect("comment");
    }
    let email = "editor@example.com";
    let entries: Vec<(&str, &str, Option<i64>, String)> = vec![
        ("created", "article", Some(id), ARTICLE_TITLE.into()),
        ("updated", "article", Some(id), ARTICLE_TITLE.into()),
        ("published", "article", Some(id), ARTICLE_TITLE.into()),
        ("unpublished", "article", Some(id), ARTICLE_TITLE.into()),
        ("scheduled", "article", Some(id), ARTICLE_TITLE.into()),
        ("restored", "article", Some(id), ARTICLE_TITLE.into()),
        ("deleted", "article", Some(id), ARTICLE_TITLE.into()),
        ("comments-opened", "article", Some(id), ARTICLE_TITLE.into()),
        ("comments-closed", "article", Some(id), ARTICLE_TITLE.into()),
        ("created", "category", Some(1), "قسم محذوف".into()),
        ("updated", "category", Some(1), "قسم محذوف".into()),
        ("deleted", "category", Some(1), "قسم محذوف (3)".into()),
        ("renamed", "tag", Some(1), "وسم قديم → وسم جديد".into()),
        ("deleted", "tag", Some(1), "وسم قديم".into()),
        ("created", "author", Some(1), "قارئ جديد".into()),
        ("created", "page", Some(1), "من نحن".into()),
        ("updated", "page", Some(1), "من نحن".into()),
        ("published", "page", Some(1), "من نحن".into()),
        ("unpublished", "page", Some(1), "من نحن".into()),
        ("deleted", "page", Some(1), "من نحن".into()),
        ("created", "menu-item", Some(1), "من نحن".into()),
        ("updated", "menu-item", Some(1), "من نحن".into()),
        ("deleted", "menu-item", Some(1), "من نحن".into()),
        ("renamed", "author", Some(1), "qari-jadid".into()),
        (
            "created",
            "user",
            Some(editor_id),
            format!("{email} (editor)"),
        ),
        (
            "role-changed",
            "user",
            Some(editor_id),
            format!("{email}: editor → author"),
        ),
        ("enabled", "user", Some(editor_id), email.into()),
        ("disabled", "user", Some(editor_id), email.into()),
        ("updated", "user", Some(editor_id), email.into()),
        ("password-changed", "user", Some(editor_id), email.into()),
        ("password-reset", "user", Some(editor_id), email.into()),
        ("sessions-ended", "user", Some(editor_id), email.into()),
        ("deleted", "user", Some(editor_id), email.into()),
        ("created", "token", Some(1), TOKEN_NAME.into()),
        ("revoked", "token", Some(1), TOKEN_NAME.into()),
        ("created", "media", Some(1), "photo.jpg".into()),
        ("uploaded", "media", Some(1), "photo.jpg".into()),
        ("updated", "media", Some(1), "photo.jpg".into()),
        ("deleted", "media", Some(1), "photo.jpg".into()),
        (
            "settings-changed",
            "settings",
            None,
            "name, tagline, locale, time_zone, digit_style, telegram_channel".into(),
        ),
        (
            "settings-changed",
            "settings",
            None,
            "telegram: on, channel middleeastnews_demo, token changed".into(),
        ),
        (
            "settings-changed",
            "settings",
            None,
            "telegram: off, channel -, token removed".into(),
        ),
        (
            "settings-changed",
            "settings",
            None,
            "telegram: on, channel -, token kept".into(),
        ),
        ("settings-changed", "comments", None, String::new()),
        (
            "moderated",
            "comment",
            Some(comment_id),
            "approve [1]".into(),
        ),
        (
            "moderated",
            "comment",
            Some(comment_id),
            "unapprove [1, 2]".into(),
        ),
        ("moderated", "comment", Some(comment_id), "spam [3]".into()),
        ("moderated", "comment", Some(comment_id), "trash [4]".into()),
        (
            "moderated",
            "comment",
            Some(comment_id),
            "delete [5]".into(),
        ),
        ("replied", "comment", Some(comment_id), "reply to 1".into()),
        ("blocked", "comment", Some(comment_id), "كازينو".into()),
        ("exported", "comment", None, "reader@example.com".into()),
        ("erased", "comment", None, "reader@example.com (2)".into()),
        (
            "retried",
            "telegram-delivery",
            Some(1),
            format!("post {id}"),
        ),
        (
            "retried",
            "telegram-delivery",
            Some(2),
            format!("edit {id}"),
        ),
    ];
    for (action, kind, object, detail) in &entries {
        db.audit(None, action, kind, *object, detail)
            .await
            .expect("audit entry");
    }
    (id, a, b, comment_id)
}

/// Every admin page, as its path.
fn pages(article: i64, a: i64, b: i64, comment: i64, editor: i64) -> Vec<String> {
    let mut pages: Vec<String> = [
        "/admin",
        "/admin/articles",
        "/admin/articles/new",
        "/admin/comments",
        "/admin/comments?status=pending",
        "/admin/comments?status=approved",
        "/admin/comments?status=spam",
        "/admin/comments?status=trash",
        "/admin/comments/settings",
        "/admin/media",
        "/admin/categories",
        "/admin/tags",
        "/admin/users",
        "/admin/users/new",
        "/admin/settings",
        "/admin/telegram",
        "/admin/tokens",
        "/admin/audit",
        "/admin/profile",
        "/admin/pages",
        "/admin/pages/new",
        "/admin/pages/1",
        "/admin/menus",
    ]
    .map(String::from)
    .to_vec();
    pages.extend([
        format!("/admin/articles/{article}"),
        format!("/admin/articles/{article}/revisions"),
        format!("/admin/articles/{article}/revisions/diff?a={a}&b={b}"),
        format!("/admin/comments/{comment}"),
        format!("/admin/users/{editor}"),
        "/admin/categories/1".to_string(),
    ]);
    pages
}

/// Every page's words in the wrong script, as `path: words`.
async fn problems(
    admin: &AdminSession<'_>,
    paths: &[String],
    signed_out: &[String],
    foreign: fn(char) -> bool,
    content: &HashSet<String>,
    allowed: &[&str],
) -> Vec<String> {
    let mut out = Vec::new();
    for path in paths {
        let response = admin.get(path).await;
        assert_eq!(response.status().as_u16(), 200, "GET {path}");
        let html = response.text().await.expect("body");
        let found = foreign_words(&html, foreign, content, allowed);
        if !found.is_empty() {
            out.push(format!("{path}: {}", found.join(" ")));
        }
    }
    // The pages of the signed-out: the reset link is one the test opened itself.
    for path in signed_out {
        let html = admin.app.page(path, 200).await;
        let found = foreign_words(&html, foreign, content, allowed);
        if !found.is_empty() {
            out.push(format!("{path}: {}", found.join(" ")));
        }
    }
    out
}

/// Whether the dashboard is rendered in `lang`.
async fn page_lang(admin: &AdminSession<'_>, lang: &str) -> bool {
    let html = admin.get("/admin").await.text().await.expect("dashboard");
    html.contains(&format!("<html lang=\"{lang}\""))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_admin_page_speaks_the_site_language() {
    let Some(t) = sahifa_testkit::TestDb::new(sahifa_testkit::Backend::Sqlite).await else {
        return;
    };
    let app = TestApp::start(t, true).await;
    sahifa::accounts::add_user(
        &app.db,
        "chief@example.com",
        ADMIN_NAME,
        Role::Administrator,
        PASSWORD,
    )
    .await
    .expect("administrator");
    let editor = sahifa::accounts::add_user(
        &app.db,
        "editor@example.com",
        EDITOR_NAME,
        Role::Editor,
        PASSWORD,
    )
    .await
    .expect("editor");
    let (article, a, b, comment) = seed(&app, editor).await;
    let paths = pages(article, a, b, comment, editor);
    let content = content_words();
    let admin = login(&app, "chief@example.com", PASSWORD).await;
    let reset = sahifa_newsroom::Newsroom::new(app.db.clone())
        .open_password_reset("editor@example.com", chrono::Utc::now())
        .await
        .expect("open a reset link")
        .expect("the editor's account");
    let signed_out = [
        "/admin/login".to_string(),
        "/admin/forgot".to_string(),
        format!("/admin/reset/{}", reset.token),
    ];

    assert!(page_lang(&admin, "ar").await, "the admin starts in Arabic");
    let arabic = problems(
        &admin,
        &paths,
        &signed_out,
        is_latin,
        &content,
        &LATIN_ALLOWED,
    )
    .await;

    let mut settings = app.db.site_settings().await.expect("settings");
    settings.locale = "en".into();
    settings.telegram_channel = format!("@{}", settings.telegram_channel);
    sahifa_newsroom::Newsroom::new(app.db.clone())
        .save_site_settings(&sahifa_newsroom::Actor::System, &settings)
        .await
        .expect("switch to English");
    assert!(
        page_lang(&admin, "en").await,
        "the admin follows the site locale"
    );
    let english = problems(&admin, &paths, &signed_out, is_arabic, &content, &[]).await;
    assert!(
        arabic.is_empty() && english.is_empty(),
        "Latin words in the Arabic admin:\n{}\nArabic words in the English admin:\n{}",
        arabic.join("\n"),
        english.join("\n")
    );
}

#[test]
fn the_checker_sees_what_a_reader_sees() {
    let content = HashSet::from(["سياسة".to_string()]);
    // Today's held reason and audit detail, as the queue and trail printed them.
    let held = "<p class=\"muted\">أمس · السبب: first comment</p><td dir=\"auto\">approve [1]</td>";
    assert_eq!(
        foreign_words(held, is_latin, &content, &LATIN_ALLOWED),
        ["first", "comment", "approve"]
    );
    let english = "<h1 title=\"عنوان\">Reason: السبب</h1><a href=\"/category/سياسة\">سياسة</a>\
        <script>var a = 'نص';</script><textarea>متن</textarea><code>كود</code>";
    assert_eq!(
        foreign_words(english, is_arabic, &content, &[]),
        ["السبب", "عنوان"]
    );
    // What is spoken, hinted or drawn on a button counts; what the newsroom typed into a
    // field, and attributes no one reads, do not.
    let attributes = "<input type=\"search\" placeholder=\"Search here\" value=\"typed\">\
        <nav aria-label='Main'></nav><img alt=Photo src=\"/a.png\"><abbr title=\"Tooltip\">م</abbr>\
        <input type=\"submit\" value=\"Send\"><button name=\"action\" value=\"Approve\">موافقة</button>\
        <input type=\"hidden\" name=\"next\" value=\"Hidden\"><a class=\"Classy\" data-x=\"Data\">رابط</a>";
    assert_eq!(
        foreign_words(attributes, is_latin, &content, &LATIN_ALLOWED),
        ["Search", "here", "Main", "Photo", "Tooltip", "Send"]
    );
    let addresses = "<p>reader@example.com https://example.com/a Asia/Beirut {title} UTC</p>";
    assert!(foreign_words(addresses, is_latin, &content, &LATIN_ALLOWED).is_empty());
}
