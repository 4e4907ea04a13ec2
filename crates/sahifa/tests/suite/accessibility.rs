//! The accessibility gate: axe-core, run in headless Chromium over every public page type
//! and every admin page of the demo site at a phone's 360 px and a desktop's 1366 px, in the
//! light and the dark colour scheme, finds no WCAG 2.0/2.1 level A or AA violation. The page lists are those of the phone layout
//! tours (`common/pages.rs`), so a page added there is checked here too.
//!
//! axe-core comes from npm, pinned: `.ci/run` installs it into `target/a11y`; elsewhere
//! `SAHIFA_AXE_JS` may name another `axe.min.js`. Without it the test fails under `CI` and
//! is skipped, loudly, on a developer's machine.

use crate::common;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::chrome::{Chromedriver, js, poll};
use common::pages::{admin_pages, first_editor, first_link, log_in, public_pages};
use fantoccini::Client;
use serde::Deserialize;
use serde_json::json;

/// The axe-core release the gate runs (`.ci/run` and `bench/lighthouse.sh` install it).
const AXE_VERSION: &str = "4.10.2";
/// Names another `axe.min.js` than the one `.ci/run` installs.
const AXE_ENV: &str = "SAHIFA_AXE_JS";
/// The rule sets checked: WCAG 2.0 and 2.1, levels A and AA.
const TAGS: [&str; 4] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const WIDTHS: [u32; 2] = [360, 1366];
/// The colour schemes checked, with the Chromium switches that make the browser prefer it.
const SCHEMES: [(&str, &[&str]); 2] = [("light", &[]), ("dark", &["--force-dark-mode"])];
const HEIGHT: u32 = 800;
const EMAIL: &str = "a11y-chief@example.com";
const PASSWORD: &str = "كلمة-سر-المدير-لفحص-الإتاحة";
/// The most offending elements listed per rule and page (the count is always given).
const MAX_NODES: usize = 8;

/// Runs axe on the document with the WCAG tags in `arguments[0]` and hands back the
/// violations, trimmed to what a failure message needs.
const RUN_AXE: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] })
  .then((r) => done({
    passes: r.passes.length,
    incomplete: r.incomplete.map((v) => v.id + ' ×' + v.nodes.length + ' (' + v.nodes[0].target.join(' ') + ')'),
    violations: r.violations.map((v) => ({
      id: v.id, impact: v.impact || 'unknown', help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String), summary: n.failureSummary || '' })),
    })),
  }))
  .catch((e) => done({ error: String(e && e.stack || e) }));
"#;

/// What `RUN_AXE` hands back.
#[derive(Deserialize)]
struct AxeOutcome {
    /// How many rules the page passed.
    #[serde(default)]
    passes: usize,
    /// Rules axe could not decide (e.g. contrast over a picture), as `rule ×elements`.
    #[serde(default)]
    incomplete: Vec<String>,
    #[serde(default)]
    violations: Vec<Violation>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct Violation {
    id: String,
    impact: String,
    help: String,
    #[serde(rename = "helpUrl")]
    help_url: String,
    nodes: Vec<Node>,
}

#[derive(Deserialize)]
struct Node {
    target: Vec<String>,
    summary: String,
}

/// Where the pinned `axe.min.js` is: `SAHIFA_AXE_JS`, else `target/a11y`.
fn axe_path() -> PathBuf {
    if let Some(path) = std::env::var_os(AXE_ENV) {
        return PathBuf::from(path);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("a11y/node_modules/axe-core/axe.min.js")
}

/// The axe-core script, or `None` (after saying so loudly) when it is not installed
/// outside CI. Under CI a missing axe-core is a failure.
fn axe_source() -> Option<String> {
    let path = axe_path();
    match std::fs::read_to_string(&path) {
        Ok(source) => Some(source),
        Err(e) => {
            let how = format!(
                "install it with `npm i -E --prefix target/a11y axe-core@{AXE_VERSION}` (or run .ci/run), or set {AXE_ENV} to an axe.min.js"
            );
            if std::env::var_os("CI").is_some() {
                panic!(
                    "CI is set but axe-core is missing at {} ({e}): {how}",
                    path.display()
                );
            }
            eprintln!(
                "\n*** SKIPPED the accessibility gate: no axe-core at {} ({e}).\n*** No page was checked for WCAG violations: {how}.\n",
                path.display()
            );
            None
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_and_admin_pages_have_no_wcag_a_or_aa_violations() {
    if !common::chrome::available("the accessibility gate") {
        return;
    }
    let Some(axe) = axe_source() else {
        return;
    };
    let test_db = sahifa_testkit::TestDb::new(sahifa_testkit::Backend::Sqlite)
        .await
        .expect("sqlite");
    let app = common::TestApp::start_with_search(test_db, true).await;
    let admin_id = sahifa::accounts::add_user(
        &app.db,
        EMAIL,
        "مدقّقة الإتاحة",
        sahifa_store::Role::Administrator,
        PASSWORD,
    )
    .await
    .expect("administrator");
    // Every delivery state and a held comment, so the admin's lists show all they can.
    crate::admin_phone::seed_deliveries(&app.db).await;
    crate::admin_phone::seed_pending_comment(&app.db).await;
    let public = public_pages(&app).await;

    let driver = Chromedriver::start().await;
    let failures = Arc::new(Mutex::new(Vec::new()));
    // Readers whose system is dark get the theme's dark colours: both schemes are checked.
    for (scheme, switches) in SCHEMES {
        let profile = tempfile::tempdir().expect("profile");
        let browser = driver
            .session_with(profile.path(), WIDTHS[0], HEIGHT, switches)
            .await;
        let tour = Tour {
            base: app.base.clone(),
            axe: axe.clone(),
            public: public.clone(),
            admin_id,
            scheme,
            failures: failures.clone(),
        };
        common::chrome::run_guarded(browser.clone(), tour.walk(browser)).await;
    }
    drop(driver);
    let failures = failures.lock().expect("failures").clone();
    assert!(
        failures.is_empty(),
        "axe-core {AXE_VERSION} finds WCAG 2 A/AA violations ({}):\n\n{}",
        TAGS.join(", "),
        failures.join("\n\n")
    );
}

/// One browser's walk over every page at every width, in one colour scheme.
struct Tour {
    base: String,
    axe: String,
    public: Vec<(&'static str, String)>,
    admin_id: i64,
    scheme: &'static str,
    /// What every walk found, as failure messages.
    failures: Arc<Mutex<Vec<String>>>,
}

impl Tour {
    async fn walk(self, browser: Client) {
        let base = &self.base;
        browser.goto(&format!("{base}/")).await.expect("home");
        wait_for_heading(&browser, "/").await;
        let dark = js(
            &browser,
            "return matchMedia('(prefers-color-scheme: dark)').matches;",
        )
        .await;
        assert_eq!(
            dark,
            json!(self.scheme == "dark"),
            "the browser prefers the {} colour scheme",
            self.scheme
        );

        // The gate must be able to fail: a picture without a text alternative is found.
        js(
            &browser,
            "document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=\"/static/img/logo.svg\">');",
        )
        .await;
        let canary = run_axe(&browser, &self.axe).await;
        assert!(
            canary.violations.iter().any(|v| v.id == "image-alt"),
            "axe-core did not report an <img> without alt: the gate is not checking anything"
        );
        // And a failure names the page, the rule, its impact, help and the element.
        let message = canary
            .violations
            .iter()
            .find(|v| v.id == "image-alt")
            .map(|v| describe("canary (/)", v))
            .unwrap_or_default();
        for part in [
            "canary (/): image-alt [critical] Images must have alternative text",
            "dequeuniversity.com/rules/axe/",
            "- img[src$=\"logo.svg\"]: Element does not have an alt attribute",
        ] {
            assert!(message.contains(part), "{part:?} missing from: {message}");
        }

        // Signed out: the public site and the admin's sign-in pages.
        let mut signed_out = self.public.clone();
        signed_out.push(("admin-login", "/admin/login".into()));
        signed_out.push(("admin-forgot", "/admin/forgot".into()));
        for width in WIDTHS {
            resize(&browser, width).await;
            for (name, path) in &signed_out {
                self.audit(&browser, name, path, width).await;
            }
        }

        // Signed in: every admin page, plus the forms one reaches from the lists.
        log_in(&browser, base, EMAIL, PASSWORD).await;
        let editor = first_editor(&browser, base).await;
        let mut admin = admin_pages(&editor, self.admin_id);
        browser
            .goto(&format!("{base}/admin/comments"))
            .await
            .expect("comments");
        let comment = first_link(
            &browser,
            "main a[href^='/admin/comments/']:not([href$='settings'])",
        )
        .await;
        browser
            .goto(&format!("{base}/admin/categories"))
            .await
            .expect("categories");
        let category = first_link(&browser, "main td a[href^='/admin/categories/']").await;
        admin.push(("comment-edit", comment));
        admin.push(("category-edit", category));
        admin.push(("user-new", "/admin/users/new".into()));
        for width in WIDTHS {
            resize(&browser, width).await;
            for (name, path) in &admin {
                self.audit(&browser, name, path, width).await;
            }
        }
    }

    /// Opens `path` at `width` and runs axe on it; one failure per violated rule.
    async fn audit(&self, browser: &Client, name: &str, path: &str, width: u32) {
        browser
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("open {path}: {e}"));
        wait_for_heading(browser, path).await;
        let at = js(browser, "return location.pathname + location.search;").await;
        if path.starts_with("/admin") && path != "/admin/login" {
            assert_ne!(
                at,
                json!("/admin/login"),
                "{path} sent the signed-in administrator to the login page"
            );
        }
        let viewport = js(browser, "return window.innerWidth;").await;
        assert_eq!(viewport, json!(width), "the viewport is {width} px wide");
        let outcome = run_axe(browser, &self.axe).await;
        let page = format!("{name} ({path}) at {width} px, {} scheme", self.scheme);
        // What axe could not decide is for a person to look at, not a failure.
        eprintln!(
            "axe {page}: {} rules passed, {} violated, needs review: {}",
            outcome.passes,
            outcome.violations.len(),
            if outcome.incomplete.is_empty() {
                "nothing".to_string()
            } else {
                outcome.incomplete.join(", ")
            }
        );
        let mut failures = self.failures.lock().expect("failures");
        failures.extend(outcome.violations.iter().map(|v| describe(&page, v)));
    }
}

async fn resize(browser: &Client, width: u32) {
    browser
        .set_window_size(width, HEIGHT)
        .await
        .expect("resize the window");
}

async fn wait_for_heading(browser: &Client, path: &str) {
    let loaded = poll(Duration::from_secs(5), || async {
        js(
            browser,
            "return document.readyState === 'complete' && !!document.querySelector('h1');",
        )
        .await
            == json!(true)
    })
    .await;
    assert!(loaded, "{path} shows a page with a heading");
}

/// Injects axe-core into the page shown (a navigation drops it) and runs the WCAG rules.
async fn run_axe(browser: &Client, axe: &str) -> AxeOutcome {
    if js(browser, "return typeof window.axe;").await != json!("object") {
        browser
            .execute(axe, vec![])
            .await
            .unwrap_or_else(|e| panic!("injecting axe-core failed: {e}"));
    }
    let outcome = browser
        .execute_async(RUN_AXE, vec![json!(TAGS)])
        .await
        .unwrap_or_else(|e| panic!("running axe-core failed: {e}"));
    let outcome: AxeOutcome = serde_json::from_value(outcome.clone())
        .unwrap_or_else(|e| panic!("axe-core answered {outcome}: {e}"));
    if let Some(error) = outcome.error {
        panic!("axe-core failed in the page: {error}");
    }
    outcome
}

/// The page, the rule, its impact and help, and the offending elements with axe's reasons.
fn describe(page: &str, v: &Violation) -> String {
    let mut out = format!(
        "{page}: {} [{}] {}\n    {}",
        v.id, v.impact, v.help, v.help_url
    );
    for node in v.nodes.iter().take(MAX_NODES) {
        let reason = node
            .summary
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("Fix any") && !l.starts_with("Fix all"))
            .collect::<Vec<_>>()
            .join(" / ");
        out.push_str(&format!("\n    - {}: {reason}", node.target.join(" ")));
    }
    if v.nodes.len() > MAX_NODES {
        out.push_str(&format!(
            "\n    … and {} more elements",
            v.nodes.len() - MAX_NODES
        ));
    }
    out
}

/// The content of the page's `<meta name="description">`, if it has one.
fn meta_description(html: &str) -> Option<String> {
    let start = html.find("<meta name=\"description\" content=\"")? + 34;
    let end = start + html[start..].find('"')?;
    Some(common::unescape(&html[start..end]))
}

// Lighthouse's SEO category (bench/lighthouse.sh) wants a description on every page: a tag
// has none of its own, nor has the search page, so the site writes one.
app_test!(
    pages_without_a_description_of_their_own_get_one,
    demo = true,
    |app: common::TestApp| async move {
        let article = app.article_url("لافروف").await;
        let tag = common::pages::first_href(&app, &article, "/tag/").await;
        let html = app.page(&tag, 200).await;
        let site = app.db.site_settings().await.expect("settings").name;
        let described =
            meta_description(&html).unwrap_or_else(|| panic!("{tag} has no meta description"));
        assert!(
            described.starts_with(&format!("آخر ما نشرته {site} عن ")),
            "{tag}: {described}"
        );
        // Only the head changes: the page shows no description paragraph.
        assert!(
            !html.contains("class=\"archive-description\""),
            "{tag} shows no description paragraph"
        );
        for path in ["/search", "/search?q=%D8%A5%D9%8A%D8%B1%D8%A7%D9%86"] {
            let html = app.page(path, 200).await;
            assert_eq!(
                meta_description(&html).as_deref(),
                Some(format!("ابحث في أخبار {site} ومقالاتها").as_str()),
                "{path}"
            );
        }
        // A section's own description still wins.
        let politics = app
            .page(&format!("/category/{}", common::pages::q("سياسة")), 200)
            .await;
        let own = meta_description(&politics).expect("the section's description");
        assert!(!own.starts_with("آخر ما نشرته"), "{own}");
    }
);
