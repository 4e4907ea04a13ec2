//! The forgot-password flow over real HTTP with mail delivered to a real SMTP server: a
//! local sink built on Python's aiosmtpd, started once for the suite, that writes each
//! message it receives (recipients, subject, decoded body) to a file.
//!
//! Without aiosmtpd the mail tests are skipped with a notice, except under CI (`CI` set),
//! where `.ci/run` installs it and its absence is a failure.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use super::common::session::{csrf_field, set_cookie_value, try_login};
use super::common::{self, TestApp};
use sahifa_store::Role;

const OLD_PASSWORD: &str = "كلمة-سر-قديمة-2026";
const NEW_PASSWORD: &str = "كلمة-سر-جديدة-2026";

/// The sink: reads mail on `port`, one file per message in `dir`. Its stdin is held open
/// by `child`; the script exits when it closes, i.e. with this test process.
struct Sink {
    port: u16,
    dir: PathBuf,
    _child: Mutex<Child>,
    _dir: tempfile::TempDir,
}

const SINK_SCRIPT: &str = r#"
import sys, os, email, email.policy, threading
from aiosmtpd.controller import Controller

out, port = sys.argv[1], int(sys.argv[2])
lock = threading.Lock()
count = [0]

class Handler:
    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = msg.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        with lock:
            count[0] += 1
            n = count[0]
        path = os.path.join(out, "%06d.txt" % n)
        with open(path + ".part", "w", encoding="utf-8") as f:
            f.write("To: " + ",".join(envelope.rcpt_tos) + "\n")
            f.write("Subject: " + str(msg["subject"]) + "\n\n")
            f.write(text)
        os.rename(path + ".part", path)
        return "250 OK"

controller = Controller(Handler(), hostname="127.0.0.1", port=port)
controller.start()
print("READY", flush=True)
sys.stdin.read()
controller.stop()
"#;

/// The sink, started on first use; `None` (with a printed reason) without aiosmtpd.
fn sink(test: &str) -> Option<&'static Sink> {
    static SINK: OnceLock<Option<Sink>> = OnceLock::new();
    let sink = SINK.get_or_init(start_sink).as_ref();
    if sink.is_none() {
        if std::env::var_os("CI").is_some() {
            panic!("CI is set but Python's aiosmtpd is missing: {test} must run in CI");
        }
        eprintln!(
            "SKIPPED {test}: Python's aiosmtpd is not installed (python3 -m pip install aiosmtpd)"
        );
    }
    sink
}

fn start_sink() -> Option<Sink> {
    let have = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !have {
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let dir = tempfile::tempdir().expect("mail dir");
    let mut child = Command::new("python3")
        .args(["-c", SINK_SCRIPT])
        .arg(dir.path())
        .arg(port.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the SMTP sink");
    let stdout = child.stdout.take().expect("sink stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("sink says it is ready");
    assert_eq!(line.trim(), "READY", "the SMTP sink started");
    // Kept open, never written to: its end tells the sink to stop.
    let _ = child.stdin.as_mut().map(|s| s.flush());
    Some(Sink {
        port,
        dir: dir.path().to_path_buf(),
        _child: Mutex::new(child),
        _dir: dir,
    })
}

impl Sink {
    /// Every message delivered to `to` so far.
    fn mails_to(&self, to: &str) -> Vec<String> {
        let mut found = Vec::new();
        let mut entries: Vec<_> = std::fs::read_dir(&self.dir)
            .expect("mail dir")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        entries.sort();
        for path in entries {
            let text = std::fs::read_to_string(&path).expect("mail file");
            if text.lines().next() == Some(&format!("To: {to}")) {
                found.push(text);
            }
        }
        found
    }

    /// Waits (at most 15 s, a liveness bound) until `n` messages reached `to`.
    async fn wait_for(&self, to: &str, n: usize) -> Vec<String> {
        for _ in 0..150 {
            let mails = self.mails_to(to);
            if mails.len() >= n {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no mail reached {to} within 15 s");
    }
}

fn with_smtp(config: &mut sahifa_web::WebConfig) {
    let sink = SINK_PORT.get().copied().expect("sink port");
    config.smtp_url = Some(format!("smtp://127.0.0.1:{sink}"));
    config.smtp_from = Some("newsroom@sahifa.example".into());
}

/// The sink's port, for [`with_smtp`] (a plain function, so it cannot capture it).
static SINK_PORT: OnceLock<u16> = OnceLock::new();

/// The forgot page's form token and the cookie carrying its twin.
async fn forgot_form(app: &TestApp, path: &str) -> (String, String, String) {
    let page = app.get(path).await;
    assert_eq!(page.status().as_u16(), 200, "GET {path}");
    let cookie = set_cookie_value(&page, "sahifa_reset_csrf").expect("reset csrf cookie");
    let html = page.text().await.expect("page");
    let token = csrf_field(&html).expect("csrf field");
    (cookie, token, html)
}

/// Posts `fields` to `path` as the form at `path` would.
async fn post_form(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let (cookie, token, _) = forgot_form(app, path).await;
    let mut fields = fields.to_vec();
    fields.push(("_csrf", token.as_str()));
    let response = app
        .client
        .post(format!("{}{path}", app.base))
        .header("cookie", format!("sahifa_reset_csrf={cookie}"))
        .header("origin", &app.base)
        .form(&fields)
        .send()
        .await
        .expect("post");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

/// The reset link's path in a delivered mail.
fn link_path(mail: &str, base: &str) -> String {
    let start = mail
        .find(&format!("{base}/admin/reset/"))
        .unwrap_or_else(|| panic!("no reset link in the mail:\n{mail}"));
    let link: String = mail[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    link.trim_start_matches(base).to_string()
}

/// The page without its per-response form token.
fn without_token(html: &str) -> String {
    match csrf_field(html) {
        Some(token) => html.replace(&token, ""),
        None => html.to_string(),
    }
}

async fn flow(app: TestApp, tag: &str) {
    let sink = sink("forgot_password").expect("sink checked before start");
    let email = format!("reset-{tag}@example.com");
    let unknown = format!("nobody-{tag}@example.com");
    sahifa::accounts::add_user(&app.db, &email, "المحررة", Role::Editor, OLD_PASSWORD)
        .await
        .expect("user");

    let login = app.page("/admin/login", 200).await;
    assert!(
        login.contains("href=\"/admin/forgot\""),
        "login links to forgot"
    );
    assert!(login.contains("نسيت كلمة المرور؟"));
    let (_, _, form) = forgot_form(&app, "/admin/forgot").await;
    assert!(
        form.contains("name=\"email\""),
        "the form asks for the email"
    );

    // The same answer for an account and for nobody; only the account gets mail.
    let (status_known, known) = post_form(&app, "/admin/forgot", &[("email", &email)]).await;
    let (status_unknown, nobody) = post_form(&app, "/admin/forgot", &[("email", &unknown)]).await;
    assert_eq!((status_known, status_unknown), (200, 200));
    assert!(known.contains("إن كان هذا البريد لحساب"), "{known}");
    assert_eq!(
        without_token(&known),
        without_token(&nobody),
        "no enumeration"
    );
    let mails = sink.wait_for(&email, 1).await;
    assert_eq!(mails.len(), 1, "one mail");
    assert!(mails[0].contains("Subject: "), "{}", mails[0]);
    assert!(
        mails[0].contains("تعيين كلمة مرور جديدة"),
        "Arabic mail: {}",
        mails[0]
    );
    let link = link_path(&mails[0], &app.base);
    assert_eq!(
        app.test_db
            .count("SELECT COUNT(*) FROM password_resets")
            .await,
        1,
        "a link only for the account"
    );

    // A session open before the reset ends with it.
    let (_, before, _) = try_login(&app, &email, OLD_PASSWORD).await;
    let before = before.expect("old password works before the reset");

    let form = app.page(&link, 200).await;
    assert!(
        form.contains("name=\"password_confirm\""),
        "new-password form"
    );
    let (status, short) = post_form(
        &app,
        &link,
        &[("password", "short"), ("password_confirm", "short")],
    )
    .await;
    assert_eq!(status, 422, "the password rules apply: {short}");
    let (status, done) = post_form(
        &app,
        &link,
        &[
            ("password", NEW_PASSWORD),
            ("password_confirm", NEW_PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, 200, "{done}");
    assert!(done.contains("حُفظت كلمة المرور الجديدة"), "{done}");

    assert_eq!(
        before.get("/admin").await.status().as_u16(),
        303,
        "sessions end with the reset"
    );
    let (_, fresh, _) = try_login(&app, &email, NEW_PASSWORD).await;
    assert!(fresh.is_some(), "the new password logs in");
    let (status, old, _) = try_login(&app, &email, OLD_PASSWORD).await;
    assert!(old.is_none(), "the old password fails");
    assert_eq!(status, 401);

    // Single use.
    assert_eq!(app.get(&link).await.status().as_u16(), 410, "spent link");
    let (status, again) = post_form_no_page(
        &app,
        &link,
        &[
            ("password", OLD_PASSWORD),
            ("password_confirm", OLD_PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, 410, "spent link refused: {again}");
    let (_, back, _) = try_login(&app, &email, OLD_PASSWORD).await;
    assert!(back.is_none(), "the spent link changed nothing");

    // Expiry.
    let (status, _) = post_form(&app, "/admin/forgot", &[("email", &email)]).await;
    assert_eq!(status, 200);
    let mails = sink.wait_for(&email, 2).await;
    let second = link_path(&mails[1], &app.base);
    assert_ne!(second, link, "a fresh token");
    assert_eq!(app.get(&second).await.status().as_u16(), 200, "fresh link");
    app.test_db
        .exec("UPDATE password_resets SET expires_at = '2000-01-01T00:00:00+00:00' WHERE used_at IS NULL")
        .await;
    assert_eq!(
        app.get(&second).await.status().as_u16(),
        410,
        "expired link"
    );
    let (status, _) = post_form_no_page(
        &app,
        &second,
        &[
            ("password", OLD_PASSWORD),
            ("password_confirm", OLD_PASSWORD),
        ],
    )
    .await;
    assert_eq!(status, 410, "expired link refused");
    let (_, back, _) = try_login(&app, &email, OLD_PASSWORD).await;
    assert!(back.is_none(), "the expired link changed nothing");

    assert!(
        sink.mails_to(&unknown).is_empty(),
        "no mail for an unknown address"
    );
}

/// Posts to a link whose page no longer shows a form: the token comes from the forgot page.
async fn post_form_no_page(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let (cookie, token, _) = forgot_form(app, "/admin/forgot").await;
    let mut fields = fields.to_vec();
    fields.push(("_csrf", token.as_str()));
    let response = app
        .client
        .post(format!("{}{path}", app.base))
        .header("cookie", format!("sahifa_reset_csrf={cookie}"))
        .header("origin", &app.base)
        .form(&fields)
        .send()
        .await
        .expect("post");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

mod by_email {
    use super::*;

    async fn run(backend: sahifa_testkit::Backend, tag: &str) {
        let Some(sink) = sink("forgot_password::by_email") else {
            return;
        };
        let _ = SINK_PORT.set(sink.port);
        if let Some(t) = sahifa_testkit::TestDb::new(backend).await {
            flow(TestApp::start_configured(t, false, with_smtp).await, tag).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        run(sahifa_testkit::Backend::Sqlite, "sqlite").await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        run(sahifa_testkit::Backend::Postgres, "postgres").await;
    }
}

app_test!(
    without_smtp_ask_an_administrator,
    demo = false,
    |app: TestApp| async move {
        let page = app.page("/admin/forgot", 200).await;
        assert!(page.contains("اطلب من أحد المديرين"), "{page}");
        assert!(page.contains("sahifa user passwd"), "{page}");
        assert!(!page.contains("name=\"email\""), "no form without SMTP");
        assert_eq!(
            app.test_db
                .count("SELECT COUNT(*) FROM password_resets")
                .await,
            0,
            "nothing opened without SMTP"
        );
    }
);
