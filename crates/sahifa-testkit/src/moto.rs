//! A local S3-compatible server for tests: moto's server mode (Python, `pip install
//! 'moto[server]'`), started on a free loopback port and stopped when dropped.
//!
//! The server runs under a small Python wrapper that also stops it when its standard
//! input closes, so a test process that dies without unwinding leaves no server behind.
//! Moto keeps buckets in memory and accepts any credentials; [`Moto::create_bucket`] and
//! [`Moto::keys`] talk plain HTTP to it, so tests can see what a bucket holds without an
//! S3 client of their own.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long the server may take to answer after starting (Python imports are slow on a
/// busy two-core machine).
const START_TIMEOUT: Duration = Duration::from_secs(60);

const WRAPPER: &str = r#"
import sys, threading
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=int(sys.argv[1]), verbose=False)
server.start()
print("READY", flush=True)
sys.stdin.read()
server.stop()
"#;

/// A running moto server.
pub struct Moto {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    port: u16,
    child: Child,
}

/// Whether Python's moto (with its server extra) is installed.
pub fn available() -> bool {
    Command::new("python3")
        .args(["-c", "import moto.server, flask"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A moto server for `test`, or `None` (with a printed reason) when moto is missing and
/// this is not CI; under CI (`CI` set) a missing moto fails the test.
pub fn start_or_skip(test: &str) -> Option<Moto> {
    if !available() {
        if std::env::var_os("CI").is_some() {
            panic!("CI is set but Python's moto server is missing: {test} must run in CI");
        }
        eprintln!(
            "SKIPPED {test}: Python's moto server is not installed (python3 -m pip install 'moto[server]')"
        );
        return None;
    }
    Some(Moto::start().unwrap_or_else(|why| panic!("{test}: {why}")))
}

impl Moto {
    /// Starts a server on a free loopback port and waits (bounded) until it answers.
    pub fn start() -> Result<Moto, String> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let mut child = Command::new("python3")
            .args(["-c", WRAPPER, &port.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start moto: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout from moto")?;
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = ready_tx.send(line);
        });
        let mut moto = Moto {
            endpoint: format!("http://127.0.0.1:{port}"),
            port,
            child,
        };
        match ready_rx.recv_timeout(START_TIMEOUT) {
            Ok(line) if line.trim() == "READY" => {}
            Ok(line) => return Err(format!("moto did not start: {line:?}")),
            Err(_) => return Err(format!("moto did not start within {START_TIMEOUT:?}")),
        }
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if moto
                .request("GET", "/", "")
                .is_ok_and(|(status, _)| status == 200)
            {
                return Ok(moto);
            }
            if Instant::now() > deadline {
                let _ = moto.child.kill();
                return Err(format!("moto did not answer within {START_TIMEOUT:?}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Creates `bucket`.
    pub fn create_bucket(&self, bucket: &str) {
        let (status, body) = self
            .request("PUT", &format!("/{bucket}"), "")
            .unwrap_or_else(|e| panic!("create bucket {bucket}: {e}"));
        assert_eq!(status, 200, "create bucket {bucket}: {body}");
    }

    /// Every key in `bucket` under `prefix`, sorted (percent-decoding left to the caller:
    /// moto answers keys as stored, UTF-8 in XML).
    pub fn keys(&self, bucket: &str, prefix: &str) -> Vec<String> {
        let path = format!("/{bucket}?list-type=2&prefix={}", percent(prefix));
        let (status, body) = self
            .request("GET", &path, "")
            .unwrap_or_else(|e| panic!("list {bucket}: {e}"));
        assert_eq!(status, 200, "list {bucket}: {body}");
        let mut keys: Vec<String> = body
            .split("<Key>")
            .skip(1)
            .filter_map(|rest| rest.split("</Key>").next())
            .map(|k| k.replace("&amp;", "&"))
            .collect();
        keys.sort();
        keys
    }

    /// Stops the server now (a test of what happens when the store goes away).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// One HTTP/1.1 request with `Connection: close`; (status, body).
    fn request(&self, method: &str, path: &str, body: &str) -> Result<(u16, String), String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.to_string())?;
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .map_err(|e| e.to_string())?;
        write!(
            stream,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.port,
            body.len()
        )
        .map_err(|e| e.to_string())?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).map_err(|e| e.to_string())?;
        let answer = String::from_utf8_lossy(&answer).into_owned();
        let status = answer
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("not an HTTP answer: {answer:?}"))?;
        let body = answer
            .split_once("\r\n\r\n")
            .map(|(_, b)| b.to_string())
            .unwrap_or_default();
        Ok((status, body))
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Percent-encodes a query value (everything but unreserved characters).
fn percent(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
