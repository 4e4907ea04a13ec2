//! Headless Chromium through chromedriver for browser tests: started per test, ended on
//! drop (with every browser it started), never left running.

#![allow(dead_code)]

use std::future::Future;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

/// Debian's chromedriver.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// Debian's Chromium.
pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Whether the browser can run. Under CI (`CI` set) a missing browser is a failure, not a
/// skip: CI installs the packages.
pub fn available(test: &str) -> bool {
    if Path::new(CHROMEDRIVER).exists() && Path::new(CHROMIUM).exists() {
        return true;
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "CI is set but {CHROMEDRIVER} or {CHROMIUM} is missing: {test} must run in CI (install chromium and chromium-driver)"
        );
    }
    eprintln!(
        "SKIPPED {test}: {CHROMEDRIVER} or {CHROMIUM} not found (install chromium and chromium-driver)"
    );
    false
}

/// A chromedriver process (in its own process group, with the browsers it starts), ended on drop.
pub struct Chromedriver {
    child: Child,
    /// Where it listens.
    pub url: String,
}

impl Chromedriver {
    /// Starts chromedriver on a free port and waits until it is ready.
    pub async fn start() -> Chromedriver {
        use std::os::unix::process::CommandExt;

        let port = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
            listener.local_addr().expect("local addr").port()
        };
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {CHROMEDRIVER}: {e}"));
        let driver = Chromedriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(2))
            .build()
            .expect("client");
        let status = format!("{}/status", driver.url);
        let ready = poll(Duration::from_secs(15), || async {
            match http.get(&status).send().await {
                Ok(r) if r.status().is_success() => r
                    .json::<Value>()
                    .await
                    .is_ok_and(|v| v["value"]["ready"] == json!(true)),
                _ => false,
            }
        })
        .await;
        assert!(ready, "chromedriver did not answer {status} within 15 s");
        driver
    }

    /// A browser session with a fresh profile in `profile`, at `width`×`height`.
    pub async fn session(&self, profile: &Path, width: u32, height: u32) -> Client {
        self.session_with(profile, width, height, &[]).await
    }

    /// Like [`Chromedriver::session`], with more Chromium switches (e.g.
    /// `--force-dark-mode` for a reader whose system is in dark mode).
    pub async fn session_with(
        &self,
        profile: &Path,
        width: u32,
        height: u32,
        extra_args: &[&str],
    ) -> Client {
        // Without the background-networking flags Chromium keeps calling home, which this
        // machine's closed network refuses.
        let mut args: Vec<String> = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ]
        .into_iter()
        .chain(extra_args.iter().copied())
        .map(String::from)
        .collect();
        args.push(format!("--window-size={width},{height}"));
        args.push(format!("--user-data-dir={}", profile.display()));
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".to_string(),
            json!({ "binary": CHROMIUM, "args": args }),
        );
        ClientBuilder::rustls()
            .expect("rustls connector")
            .capabilities(caps)
            .connect(&self.url)
            .await
            .expect("a chromedriver session")
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // The whole group: chromedriver and any browser it left behind. Only our own group id.
        let pgid = self.child.id();
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{pgid}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Calls `check` until it returns true or `timeout` passes; whether it ever returned true.
pub async fn poll<F, Fut>(timeout: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if check().await {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs a script in the page and returns its value.
pub async fn js(browser: &Client, script: &str) -> Value {
    browser
        .execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("script failed: {script}: {e}"))
}

/// Runs `checks` in its own task so the session is closed (and the browser quits) even
/// when a check fails; the failure is then re-raised.
pub async fn run_guarded<Fut>(browser: Client, checks: Fut)
where
    Fut: Future<Output = ()> + Send + 'static,
{
    let outcome = tokio::spawn(checks).await;
    let _ = browser.close().await;
    match outcome {
        Ok(()) => {}
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => panic!("browser checks task: {e}"),
    }
}

/// `target/screenshots`, created if needed: CI keeps `target/`, so the browser tests'
/// screenshots are artifacts.
pub fn screenshots_dir() -> std::path::PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target")
        });
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).expect("create target/screenshots");
    dir
}

/// A full-page screenshot of what `browser` shows at `width`: the window is stretched to
/// the page's height (between `height` and `max_height`) for the shot, then restored.
pub async fn screenshot(browser: &Client, width: u32, height: u32, max_height: u32, file: &Path) {
    let page = js(browser, "return document.scrollingElement.scrollHeight;")
        .await
        .as_u64()
        .map_or(height, |h| (h as u32).clamp(height, max_height));
    browser
        .set_window_size(width, page)
        .await
        .expect("stretch the window");
    let png = browser.screenshot().await.expect("screenshot");
    std::fs::write(file, png).expect("write the screenshot");
    browser
        .set_window_size(width, height)
        .await
        .expect("restore the window");
}
