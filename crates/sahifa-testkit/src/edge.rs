//! The edge of a real deployment for tests: HAProxy and Varnish (Debian's `haproxy`,
//! `varnish` and `varnish-modules` packages) started on free loopback ports from the
//! configuration files the project ships (`deploy/haproxy/haproxy.cfg`,
//! `deploy/varnish/sahifa.vcl`), so the tests exercise exactly what an operator installs.
//!
//! The shipped files mark the lines that hold a site's addresses with a trailing
//! `# edge-test: NAME` comment; [`rewrite`] replaces the shipped address on those lines
//! (plain text substitution, and only there) and fails loudly when a marked line or its
//! address is missing, so the files and the tests cannot drift apart silently.
//!
//! Each daemon runs in the foreground under a small `sh` wrapper that stops it when the
//! wrapper's standard input closes: dropping the handle closes it, and so does the test
//! process dying without unwinding, so no daemon outlives its test.

use std::fs::File;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a daemon may take to answer after it starts (Varnish compiles its VCL with
/// the C compiler first: seconds on a busy two-core machine).
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// Runs the command given as arguments and stops it (TERM, then KILL two seconds later)
/// when standard input closes; exits when the command exits, with its status, so a
/// daemon that dies shows as a dead child. (A background job's stdin is /dev/null unless
/// redirected, hence the copy on descriptor 3 for the watcher.)
const WRAPPER: &str = r#"
exec 3<&0
"$@" </dev/null &
child=$!
(
    read -r _ <&3 || true
    kill -TERM "$child" 2>/dev/null
    for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
        kill -0 "$child" 2>/dev/null || exit 0
        sleep 0.1
    done
    kill -KILL "$child" 2>/dev/null
) &
watcher=$!
exec 3<&-
wait "$child"
status=$?
kill "$watcher" 2>/dev/null
exit "$status"
"#;

/// Where the edge daemons are installed.
#[derive(Debug, Clone)]
pub struct Tools {
    /// `varnishd`.
    pub varnishd: PathBuf,
    /// `haproxy`.
    pub haproxy: PathBuf,
}

/// Finds `name` on `PATH` or in the sbin folders Debian installs daemons to.
fn find(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/local/sbin", "/sbin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Varnish and HAProxy, or `None` (with the reason printed) when either is missing and
/// this is not CI; under CI (`CI` set) a missing one fails the test, since CI installs them.
pub fn tools_or_skip(test: &str) -> Option<Tools> {
    let varnishd = find("varnishd");
    let haproxy = find("haproxy");
    let xkey = Path::new("/usr/lib/x86_64-linux-gnu/varnish/vmods/libvmod_xkey.so").is_file()
        || Command::new("sh")
            .args(["-c", "ls /usr/lib/*/varnish/vmods/libvmod_xkey.so"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
    match (varnishd, haproxy, xkey) {
        (Some(varnishd), Some(haproxy), true) => Some(Tools { varnishd, haproxy }),
        (varnishd, haproxy, xkey) => {
            let missing: Vec<&str> = [
                (varnishd.is_none(), "varnishd (apt-get install varnish)"),
                (!xkey, "vmod_xkey (apt-get install varnish-modules)"),
                (haproxy.is_none(), "haproxy (apt-get install haproxy)"),
            ]
            .into_iter()
            .filter_map(|(gone, what)| gone.then_some(what))
            .collect();
            if std::env::var_os("CI").is_some() {
                panic!(
                    "CI is set but {} missing: {test} must run in CI (.ci/run installs them)",
                    missing.join(", ")
                );
            }
            eprintln!("SKIPPED {test}: {} not installed", missing.join(", "));
            None
        }
    }
}

/// A free port on 127.0.0.1 (free when asked; the caller binds it soon after).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

/// One substitution on the lines marked `# edge-test: {marker}`: the shipped text `from`
/// becomes `to`.
#[derive(Debug, Clone)]
pub struct Edit {
    /// The marker's name.
    pub marker: &'static str,
    /// The text the shipped file has on the marked lines.
    pub from: &'static str,
    /// What the test needs there instead.
    pub to: String,
}

/// Applies `edits` to `text`: each changes only the lines carrying its marker, and each
/// marked line must contain the shipped text (otherwise the file changed and the test
/// must be told, so this panics).
pub fn rewrite(text: &str, edits: &[Edit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut used = vec![0usize; edits.len()];
    for line in text.split_inclusive('\n') {
        let mut line = line.to_string();
        for (i, edit) in edits.iter().enumerate() {
            let Some(at) = line.find(&format!("# edge-test: {}", edit.marker)) else {
                continue;
            };
            // The marker's name must end there (node1 is not node10).
            let rest = &line[at + "# edge-test: ".len() + edit.marker.len()..];
            if !rest.trim().is_empty() {
                continue;
            }
            let (head, tail) = line.split_at(at);
            assert!(
                head.contains(edit.from),
                "the line marked {:?} no longer holds {:?}: {line:?}",
                edit.marker,
                edit.from
            );
            line = format!("{}{tail}", head.replacen(edit.from, &edit.to, 1));
            used[i] += 1;
        }
        out.push_str(&line);
    }
    for (edit, n) in edits.iter().zip(used) {
        assert!(n > 0, "no line is marked `# edge-test: {}`", edit.marker);
    }
    out
}

/// A daemon in the foreground under the stop-on-stdin-close wrapper, its output in a log.
struct Daemon {
    name: &'static str,
    child: Child,
    stdin: Option<ChildStdin>,
    log: PathBuf,
}

impl Daemon {
    fn spawn(name: &'static str, program: &Path, args: &[String], log: PathBuf) -> Daemon {
        let out = File::create(&log).expect("daemon log file");
        let err = out.try_clone().expect("daemon log file");
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(WRAPPER)
            .arg(name)
            .arg(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err))
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        let stdin = child.stdin.take();
        Daemon {
            name,
            child,
            stdin,
            log,
        }
    }

    /// The end of the daemon's log, for failure messages.
    fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(40)..].join("\n")
    }

    /// Waits (bounded) until `ready` holds, failing with the log if the daemon exits or
    /// the time runs out.
    fn wait_until(&mut self, what: &str, mut ready: impl FnMut() -> bool) {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if ready() {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "{} exited ({status}) before {what}:\n{}",
                    self.name,
                    self.log_tail()
                );
            }
            assert!(
                Instant::now() < deadline,
                "{} not {what} within {START_TIMEOUT:?}:\n{}",
                self.name,
                self.log_tail()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        // Closing stdin tells the wrapper to stop the daemon; it exits within ~2 s.
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Whether this process runs as root (`id -u` says 0).
fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

/// The status code of `GET path` at `addr` (one HTTP/1.1 request, `Connection: close`).
pub fn http_status(addr: &str, path: &str) -> Result<u16, String> {
    let mut stream = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .map_err(|e| e.to_string())?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .map_err(|e| e.to_string())?;
    let mut head = [0u8; 16];
    let n = stream.read(&mut head).map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&head[..n]);
    text.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("not an HTTP answer: {text:?}"))
}

/// HAProxy running `deploy/haproxy/haproxy.cfg` with the test's addresses.
pub struct Haproxy {
    /// `fe_edge`: what Varnish talks to (`127.0.0.1:PORT`).
    pub edge: String,
    /// `fe_newsroom`: the admin and API entrance (`127.0.0.1:PORT`).
    pub newsroom: String,
    /// The stats page and Prometheus metrics (`127.0.0.1:PORT`).
    pub stats: String,
    /// The runtime API's socket.
    pub socket: PathBuf,
    daemon: Daemon,
    _dir: tempfile::TempDir,
}

impl Haproxy {
    /// Starts HAProxy from `config` (the shipped file) in front of `nodes` (three
    /// `127.0.0.1:PORT` addresses, node1 to node3), and waits until its edge frontend
    /// answers (any status: the nodes may not be up yet).
    pub fn start(tools: &Tools, config: &Path, nodes: &[String; 3]) -> Haproxy {
        let dir = tempfile::tempdir().expect("haproxy folder");
        let edge = format!("127.0.0.1:{}", free_port());
        let newsroom = format!("127.0.0.1:{}", free_port());
        let stats = format!("127.0.0.1:{}", free_port());
        let socket = dir.path().join("admin.sock");
        let shipped = std::fs::read_to_string(config).expect("read haproxy.cfg");
        let edits = vec![
            // Logs go to the daemon's output (and so to the test's log file) instead of a
            // syslog socket the test machine may not have.
            Edit {
                marker: "log",
                from: "/dev/log",
                to: "stderr format raw".into(),
            },
            Edit {
                marker: "stats-socket",
                from: "/run/haproxy/admin.sock",
                to: socket.display().to_string(),
            },
            Edit {
                marker: "edge-bind",
                from: "127.0.0.1:8090",
                to: edge.clone(),
            },
            Edit {
                marker: "newsroom-bind",
                from: "127.0.0.1:8091",
                to: newsroom.clone(),
            },
            Edit {
                marker: "stats-bind",
                from: "127.0.0.1:8404",
                to: stats.clone(),
            },
            Edit {
                marker: "node1",
                from: "127.0.0.1:8081",
                to: nodes[0].clone(),
            },
            Edit {
                marker: "node2",
                from: "127.0.0.1:8082",
                to: nodes[1].clone(),
            },
            Edit {
                marker: "node3",
                from: "127.0.0.1:8083",
                to: nodes[2].clone(),
            },
        ];
        let mut edits = edits;
        if !is_root() {
            // Only root can chroot and change users; a developer's unprivileged run keeps
            // its own user (the lines stay in the file, as comments).
            for word in ["chroot", "user", "group"] {
                edits.push(Edit {
                    marker: word,
                    from: word,
                    to: format!("# {word}"),
                });
            }
        }
        let path = dir.path().join("haproxy.cfg");
        std::fs::write(&path, rewrite(&shipped, &edits)).expect("write haproxy.cfg");
        let log = dir.path().join("haproxy.log");
        // -db: stay in the foreground, as under systemd.
        let args = vec!["-db".to_string(), "-f".into(), path.display().to_string()];
        let mut daemon = Daemon::spawn("haproxy", &tools.haproxy, &args, log);
        let probe = edge.clone();
        daemon.wait_until("listening", || {
            http_status(&probe, "/haproxy-health").is_ok()
        });
        Haproxy {
            edge,
            newsroom,
            stats,
            socket,
            daemon,
            _dir: dir,
        }
    }

    /// The end of HAProxy's log (its request log included).
    pub fn log_tail(&self) -> String {
        self.daemon.log_tail()
    }
}

/// Varnish running `deploy/varnish/sahifa.vcl` with the test's addresses.
pub struct Varnish {
    /// Where readers (and purges) reach it: `127.0.0.1:PORT`.
    pub addr: String,
    daemon: Daemon,
    _dir: tempfile::TempDir,
}

impl Varnish {
    /// The port Varnish will listen on, chosen before the nodes start (they need the
    /// purge URL) and handed to [`Varnish::start`].
    pub fn reserve_port() -> u16 {
        free_port()
    }

    /// Starts Varnish from `vcl` (the shipped file) on `port`, its backend at `backend`
    /// (HAProxy's edge frontend, `127.0.0.1:PORT`) and purges accepted from `purger` only,
    /// and waits until it answers.
    pub fn start(tools: &Tools, vcl: &Path, port: u16, backend: &str, purger: &str) -> Varnish {
        let dir = tempfile::tempdir().expect("varnish folder");
        let (host, backend_port) = backend.rsplit_once(':').expect("backend HOST:PORT");
        let shipped = std::fs::read_to_string(vcl).expect("read sahifa.vcl");
        let edits = vec![
            Edit {
                marker: "backend-host",
                from: "\"127.0.0.1\"",
                to: format!("\"{host}\""),
            },
            Edit {
                marker: "backend-port",
                from: "\"8090\"",
                to: format!("\"{backend_port}\""),
            },
            Edit {
                marker: "purger",
                from: "\"127.0.0.1\"",
                to: format!("\"{purger}\""),
            },
        ];
        let path = dir.path().join("sahifa.vcl");
        std::fs::write(&path, rewrite(&shipped, &edits)).expect("write sahifa.vcl");
        let addr = format!("127.0.0.1:{port}");
        let workdir = dir.path().join("work");
        let args: Vec<String> = [
            "-F", // foreground, as under systemd
            "-n",
            &workdir.display().to_string(),
            "-a",
            &addr,
            "-f",
            &path.display().to_string(),
            // No management port: nothing in the test needs varnishadm.
            "-T",
            "none",
            // No privilege separation into the varnish users: they could not read the
            // test's temporary folder.
            "-j",
            "none",
            "-s",
            "malloc,128m",
            // Fewer idle threads than the default 2 x 100: a test machine has two cores.
            "-p",
            "thread_pools=1",
            "-p",
            "thread_pool_min=20",
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        let log = dir.path().join("varnish.log");
        let mut daemon = Daemon::spawn("varnishd", &tools.varnishd, &args, log);
        let probe = addr.clone();
        daemon.wait_until("listening", || http_status(&probe, "/healthz").is_ok());
        Varnish {
            addr,
            daemon,
            _dir: dir,
        }
    }

    /// The end of varnishd's own output (start-up and VCL errors).
    pub fn log_tail(&self) -> String {
        self.daemon.log_tail()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_only_marked_lines_and_insists_on_them() {
        let text =
            "a 127.0.0.1:1 # edge-test: one\nb 127.0.0.1:1\nc 127.0.0.1:1 # edge-test: one0\n";
        let out = rewrite(
            text,
            &[Edit {
                marker: "one",
                from: "127.0.0.1:1",
                to: "127.0.0.1:9".into(),
            }],
        );
        assert_eq!(
            out,
            "a 127.0.0.1:9 # edge-test: one\nb 127.0.0.1:1\nc 127.0.0.1:1 # edge-test: one0\n"
        );
        let missing = std::panic::catch_unwind(|| {
            rewrite(
                text,
                &[Edit {
                    marker: "two",
                    from: "x",
                    to: "y".into(),
                }],
            )
        });
        assert!(missing.is_err(), "an absent marker fails");
    }
}
