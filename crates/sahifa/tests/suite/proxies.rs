//! Behind proxies (issue 13): a server that trusts the proxy at 127.0.0.2 only. Clients
//! bind their connections to a chosen loopback source (Linux routes all of 127/8 to the
//! loopback), so 127.0.0.1 is an untrusted reader sending forged forwarding headers and
//! 127.0.0.2 the proxy forwarding real ones. Login throttling, sessions, comments and
//! secure cookies are checked on both backends; `--trusted-proxies` and
//! `SAHIFA_TRUSTED_PROXIES` through the binary.

use std::net::{IpAddr, Ipv4Addr};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sahifa_store::Role;
use sahifa_testkit::Seed;

use crate::common::TestApp;
use crate::common::session::{csrf_field, set_cookie_value};

const BIN: &str = env!("CARGO_BIN_EXE_sahifa");
const PASSWORD: &str = "كلمة-سر-خلف-الوسيط-الطويلة";
/// admin-login-failed (ar).
const WRONG: &str = "البريد الإلكتروني أو كلمة المرور غير صحيحة";
/// admin-login-throttled (ar).
const THROTTLED: &str = "محاولات دخول خاطئة كثيرة";
/// Login attempts one address may make in the window (`throttle::PER_IP`).
const PER_IP: usize = 20;

/// The one trusted proxy of these servers.
fn behind_proxy(config: &mut sahifa_web::WebConfig) {
    config.trusted_proxies =
        sahifa_web::client::TrustedProxies::parse("127.0.0.2/32").expect("proxy list");
}

/// A client whose connections come from `127.0.0.last`.
fn client_from(last: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(Ipv4Addr::new(127, 0, 0, last)))
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

/// Untrusted reader.
fn reader() -> reqwest::Client {
    client_from(1)
}

/// The trusted proxy.
fn proxy() -> reqwest::Client {
    client_from(2)
}

/// The login CSRF pair: cookie value and form token.
async fn login_form(app: &TestApp) -> (String, String) {
    let page = app.get("/admin/login").await;
    let cookie = set_cookie_value(&page, "sahifa_login_csrf").expect("csrf cookie");
    let token = csrf_field(&page.text().await.expect("body")).expect("csrf field");
    (cookie, token)
}

/// One login POST from `client` with extra request headers; the response.
async fn login_via(
    app: &TestApp,
    client: &reqwest::Client,
    headers: &[(&str, &str)],
    email: &str,
    password: &str,
) -> reqwest::Response {
    let (cookie, token) = login_form(app).await;
    let mut request = client
        .post(format!("{}/admin/login", app.base))
        .header("cookie", format!("sahifa_login_csrf={cookie}"))
        .header("origin", &app.base);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request
        .form(&[
            ("email", email),
            ("password", password),
            ("_csrf", token.as_str()),
            ("next", "/admin"),
        ])
        .send()
        .await
        .expect("login post")
}

/// A failed login's answer: status and whether the page says wrong or throttled.
async fn failed_login(
    app: &TestApp,
    client: &reqwest::Client,
    headers: &[(&str, &str)],
    email: &str,
) -> (u16, &'static str) {
    let r = login_via(app, client, headers, email, "wrong-password-123").await;
    let status = r.status().as_u16();
    let body = r.text().await.expect("body");
    let said = if body.contains(THROTTLED) {
        "throttled"
    } else if body.contains(WRONG) {
        "wrong"
    } else {
        "other"
    };
    (status, said)
}

/// The `Set-Cookie` header for cookie `name`, whole.
fn set_cookie_line(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(str::to_string)
}

fn is_secure(cookie: &str) -> bool {
    cookie
        .split(';')
        .skip(1)
        .any(|attribute| attribute.trim().eq_ignore_ascii_case("secure"))
}

/// Declares a test against a demo-site server trusting 127.0.0.2, on both backends.
macro_rules! proxied_test {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                if let Some(t) = sahifa_testkit::TestDb::new(sahifa_testkit::Backend::Sqlite).await
                {
                    ($body)(TestApp::start_configured(t, true, behind_proxy).await).await;
                }
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(t) =
                    sahifa_testkit::TestDb::new(sahifa_testkit::Backend::Postgres).await
                {
                    ($body)(TestApp::start_configured(t, true, behind_proxy).await).await;
                }
            }
        }
    };
}

proxied_test!(
    login_throttling_counts_the_real_client,
    |app: TestApp| async move {
        // An untrusted reader forging a fresh address on every guess (both header kinds,
        // IPv4 and IPv6) is still counted as itself: the 21st guess is refused unchecked.
        let reader = reader();
        for i in 0..PER_IP {
            let forged = format!("198.51.100.{}", i + 1);
            let forwarded = format!("for=\"[2001:db8::{:x}]\"", i + 1);
            let headers = [
                ("x-forwarded-for", forged.as_str()),
                ("forwarded", forwarded.as_str()),
            ];
            let email = format!("guess{i}@example.com");
            assert_eq!(
                failed_login(&app, &reader, &headers, &email).await,
                (401, "wrong"),
                "guess {i} from the reader"
            );
        }
        let forged = [("x-forwarded-for", "198.51.100.250")];
        assert_eq!(
            failed_login(&app, &reader, &forged, "one-more@example.com").await,
            (429, "throttled"),
            "forged addresses do not escape the throttle"
        );

        // Through the proxy, each forwarded client has its own count; prepending entries
        // does not make a new client (the proxy appended the real one on the right).
        let proxy = proxy();
        for i in 0..PER_IP {
            let xff = format!("10.9.9.{i}, 203.0.113.1");
            let email = format!("proxied{i}@example.com");
            assert_eq!(
                failed_login(&app, &proxy, &[("x-forwarded-for", &xff)], &email).await,
                (401, "wrong"),
                "guess {i} through the proxy"
            );
        }
        assert_eq!(
            failed_login(
                &app,
                &proxy,
                &[("x-forwarded-for", "203.0.113.1")],
                "last@example.com"
            )
            .await,
            (429, "throttled"),
            "the forwarded client reached its limit"
        );
        // Another client behind the same proxy, and the proxy itself, are unaffected.
        let other = [("x-forwarded-for", "203.0.113.2")];
        assert_eq!(
            failed_login(&app, &proxy, &other, "other@example.com").await,
            (401, "wrong")
        );
        let rfc = [("forwarded", "for=\"[2001:db8:cafe::17]:4711\";proto=https")];
        assert_eq!(
            failed_login(&app, &proxy, &rfc, "rfc@example.com").await,
            (401, "wrong")
        );
        assert_eq!(
            failed_login(&app, &proxy, &[], "direct@example.com").await,
            (401, "wrong"),
            "the proxy's own address was never blamed"
        );
        // The reader is still refused, whatever it now claims to be.
        assert_eq!(
            failed_login(&app, &reader, &other, "again@example.com").await,
            (429, "throttled")
        );
    }
);

proxied_test!(
    sessions_record_the_client_and_https_makes_cookies_secure,
    |app: TestApp| async move {
        let user = sahifa::accounts::add_user(
            &app.db,
            "editor@example.com",
            "المحررة",
            Role::Editor,
            PASSWORD,
        )
        .await
        .expect("user");
        let ips = || async {
            let mut ips: Vec<String> = app
                .db
                .user_sessions(user)
                .await
                .expect("sessions")
                .into_iter()
                .map(|s| s.ip)
                .collect();
            ips.sort();
            ips
        };

        // The reader claims another address and https: neither is believed.
        let spoof = [
            ("x-forwarded-for", "198.51.100.7"),
            ("x-forwarded-proto", "https"),
            ("forwarded", "for=198.51.100.8;proto=https"),
        ];
        let r = login_via(&app, &reader(), &spoof, "editor@example.com", PASSWORD).await;
        assert_eq!(r.status().as_u16(), 303, "logged in");
        let session = set_cookie_line(&r, "sahifa_session").expect("session cookie");
        assert!(!is_secure(&session), "{session}");
        assert_eq!(ips().await, ["127.0.0.1"]);

        // Through the proxy, over https at the edge: the forwarded client, Secure cookies.
        let forwarded = [
            ("x-forwarded-for", "198.51.100.7, 203.0.113.20"),
            ("x-forwarded-proto", "https"),
        ];
        let r = login_via(&app, &proxy(), &forwarded, "editor@example.com", PASSWORD).await;
        assert_eq!(r.status().as_u16(), 303, "logged in");
        let cookies: Vec<String> = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_string)
            .collect();
        assert!(
            cookies.len() >= 2,
            "session and cleared CSRF cookie: {cookies:?}"
        );
        for cookie in &cookies {
            assert!(is_secure(cookie), "{cookie}");
            assert_eq!(cookie.matches("Secure").count(), 1, "{cookie}");
        }
        assert_eq!(ips().await, ["127.0.0.1", "203.0.113.20"]);
        // The login form's own cookie too, and the RFC 7239 spelling of the scheme.
        let page = proxy()
            .get(format!("{}/admin/login", app.base))
            .header("forwarded", "for=203.0.113.20;proto=https")
            .send()
            .await
            .expect("login page");
        let csrf = set_cookie_line(&page, "sahifa_login_csrf").expect("csrf cookie");
        assert!(is_secure(&csrf), "{csrf}");
        // Plain http at the edge: no Secure (the browser would not send it back).
        let page = proxy()
            .get(format!("{}/admin/login", app.base))
            .header("x-forwarded-for", "203.0.113.20")
            .header("x-forwarded-proto", "http")
            .send()
            .await
            .expect("login page");
        let csrf = set_cookie_line(&page, "sahifa_login_csrf").expect("csrf cookie");
        assert!(!is_secure(&csrf), "{csrf}");
        // Pages still come from the one cache, for either scheme and any client.
        assert_eq!(
            proxy()
                .get(format!("{}/", app.base))
                .header("x-forwarded-proto", "https")
                .send()
                .await
                .expect("home")
                .status()
                .as_u16(),
            200
        );
    }
);

/// Comment settings that let a plain form post through (no CAPTCHA, no timing, no holds).
async fn open_comments(app: &TestApp) {
    for (k, v) in [
        ("comments.captcha", "off"),
        ("comments.min_seconds", "0"),
        ("comments.flood_seconds", "15"),
        ("comments.rate_per_hour", "0"),
        ("comments.first_time_hold", "0"),
        ("comments.hold_all", "0"),
        // Retired: stored by an older install, it must no longer let a reader choose.
        ("comments.ip_header", "x-forwarded-for"),
    ] {
        app.db.set_setting(k, v).await.expect("setting");
    }
}

/// The stored IP of the approved comment with this body.
async fn comment_ip(app: &TestApp, body: &str) -> Option<String> {
    let (rows, _) = app
        .db
        .admin_comments(sahifa_store::CommentStatus::Approved, 500, 0)
        .await
        .expect("rows");
    rows.into_iter().find(|c| c.body == body).and_then(|c| c.ip)
}

proxied_test!(
    comments_record_the_client_the_trusted_proxy_names,
    |app: TestApp| async move {
        open_comments(&app).await;
        let path = app.article_url("").await;
        let post = |client: reqwest::Client,
                    headers: Vec<(&'static str, &'static str)>,
                    who: &'static str,
                    body: &'static str| {
            let url = format!("{}{path}/comments", app.base);
            let origin = app.base.clone();
            async move {
                let mut request = client.post(url).header("origin", origin);
                for (name, value) in headers {
                    request = request.header(name, value);
                }
                let email = format!("{who}@example.com");
                request
                    .form(&[
                        ("author", who),
                        ("email", email.as_str()),
                        ("comment", body),
                    ])
                    .send()
                    .await
                    .expect("post")
                    .status()
                    .as_u16()
            }
        };

        // The reader's forged header is ignored, even with the retired setting stored.
        let forged = vec![("x-forwarded-for", "198.51.100.9")];
        assert_eq!(
            post(reader(), forged, "reader1", "تعليق من القارئ").await,
            303
        );
        assert_eq!(
            comment_ip(&app, "تعليق من القارئ").await.as_deref(),
            Some("127.0.0.1")
        );
        // So is a second forged address: the flood limit sees the same reader.
        let forged = vec![("x-forwarded-for", "198.51.100.10")];
        assert_eq!(
            post(reader(), forged, "reader2", "تعليق ثان من القارئ").await,
            429,
            "a forged address is no way around the flood limit"
        );

        // Through the proxy: the client it names is recorded and limited, not the proxy.
        let first = vec![("x-forwarded-for", "6.6.6.6, 203.0.113.9")];
        assert_eq!(post(proxy(), first, "p1", "من خلف الوسيط").await, 303);
        assert_eq!(
            comment_ip(&app, "من خلف الوسيط").await.as_deref(),
            Some("203.0.113.9")
        );
        let ipv6 = vec![("forwarded", "for=\"[2001:db8::9]:4711\";proto=https")];
        assert_eq!(post(proxy(), ipv6, "p2", "من عنوان IPv6").await, 303);
        assert_eq!(
            comment_ip(&app, "من عنوان IPv6").await.as_deref(),
            Some("2001:db8::9")
        );
        let again = vec![("x-forwarded-for", "203.0.113.9")];
        assert_eq!(
            post(proxy(), again, "p3", "من العنوان الأول ثانية").await,
            429,
            "the same forwarded client within 15 s"
        );
    }
);

/// Kills the server it holds when the test ends, passing or not.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `sahifa serve` over a fresh data dir with extra arguments and environment.
fn serve(data: &std::path::Path, addr: &str, args: &[&str], env: &[(&str, &str)]) -> Child {
    let mut command = Command::new(BIN);
    command
        .args([
            "--data-dir",
            data.to_str().expect("path"),
            "serve",
            "--addr",
            addr,
        ])
        .args(args)
        .env_remove("SAHIFA_TRUSTED_PROXIES")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        // The log goes to stdout, errors to stderr.
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    Child(command.spawn().expect("spawn"))
}

/// A bad list stops start-up with one line naming the bad entry, from the flag or the
/// environment, before the database is touched.
#[test]
fn a_bad_trusted_proxy_entry_stops_start_up() {
    // (arguments, environment, the bad entry)
    type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 3] = [
        (
            &["--trusted-proxies", "10.0.0.0/8,proxy.internal"],
            &[],
            "proxy.internal",
        ),
        (
            &[],
            &[("SAHIFA_TRUSTED_PROXIES", "10.0.0.1, 10.0.0.0/33")],
            "10.0.0.0/33",
        ),
        (
            &[],
            &[("SAHIFA_TRUSTED_PROXIES", "::1,fe80::1%eth0")],
            "fe80::1%eth0",
        ),
    ];
    for (args, env, bad) in cases {
        let dir = tempfile::tempdir().expect("tmp");
        let data = dir.path().join("data");
        let child = serve(&data, "127.0.0.1:0", args, env);
        let output = {
            let mut child = child;
            let mut stderr = String::new();
            if let Some(mut pipe) = child.0.stderr.take() {
                use std::io::Read;
                let _ = pipe.read_to_string(&mut stderr);
            }
            let status = child.0.wait().expect("wait");
            (status, stderr)
        };
        let (status, stderr) = output;
        assert!(!status.success(), "{bad}: must not start");
        assert_eq!(status.code(), Some(1), "{bad}: {status:?}");
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{bad}: one line, got {lines:?}");
        assert!(
            lines[0].starts_with("error: invalid --trusted-proxies entry")
                && lines[0].contains(&format!("{bad:?}")),
            "{bad}: {lines:?}"
        );
        assert!(!data.join("sahifa.db").exists(), "{bad}: no database made");
    }
}

/// The environment variable reaches a running server; a stored `comments.ip_header` from
/// an older install is reported at start-up.
#[cfg(unix)]
#[test]
fn the_environment_variable_sets_the_trusted_proxies() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().to_path_buf();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let url = format!("sqlite://{}", data.join("sahifa.db").display());
        let db = sahifa_store::Db::connect(&url).await.expect("db");
        db.migrate().await.expect("migrate");
        db.set_setting("comments.ip_header", "x-forwarded-for")
            .await
            .expect("setting");
        db.close().await;
    });
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let addr = format!("127.0.0.1:{port}");
    // Info: with proxies configured the note on the retired setting is not a warning.
    let env = [
        ("SAHIFA_TRUSTED_PROXIES", "127.0.0.2"),
        ("RUST_LOG", "info"),
    ];
    let mut child = serve(&data, &addr, &[], &env);
    let base = format!("http://{addr}");
    let started = Instant::now();
    let csrf_cookie = |client: reqwest::Client| {
        let base = base.clone();
        async move {
            let page = client
                .get(format!("{base}/admin/login"))
                .header("x-forwarded-proto", "https")
                .send()
                .await
                .expect("login page");
            set_cookie_line(&page, "sahifa_login_csrf").expect("csrf cookie")
        }
    };
    rt.block_on(async {
        let mut healthy = false;
        while !healthy && started.elapsed() < Duration::from_secs(30) {
            healthy = reqwest::get(format!("{base}/healthz"))
                .await
                .is_ok_and(|r| r.status().is_success());
            if !healthy {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        assert!(healthy, "server never became healthy");
        let through_proxy = csrf_cookie(proxy()).await;
        assert!(is_secure(&through_proxy), "{through_proxy}");
        let from_reader = csrf_cookie(reader()).await;
        assert!(!is_secure(&from_reader), "{from_reader}");
    });
    let _ = child.0.kill();
    let _ = child.0.wait();
    let mut log = String::new();
    if let Some(mut pipe) = child.0.stdout.take() {
        use std::io::Read;
        let _ = pipe.read_to_string(&mut log);
    }
    assert!(
        log.contains("comments.ip_header is no longer used"),
        "start-up tells the operator: {log}"
    );
    assert!(
        log.contains("read from the proxies at 127.0.0.2/32"),
        "start-up says whom it trusts: {log}"
    );
}
