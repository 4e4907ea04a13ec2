//! A throwaway PostgreSQL cluster for test processes that find no server at
//! `SAHIFA_TEST_PG_URL`: `initdb` into a temporary folder, trust authentication, a free
//! loopback port, started from the installed server binaries.
//!
//! Nothing may outlive the test process, and Rust runs no destructor for a process-wide
//! value at exit. So the postmaster is started by a small shell watchdog that polls for
//! the test process (and for a `keep` file) and, once either is gone, stops the
//! postmaster and removes the whole folder. `initdb` refuses to run as root; as root the
//! folder is given to the `postgres` account and everything runs as that user.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running throwaway cluster. Dropping it stops the postmaster and removes its folder.
pub struct Cluster {
    /// `postgres://postgres@127.0.0.1:PORT` (no database name).
    pub url: String,
    root: PathBuf,
    watchdog: Option<Child>,
}

impl Cluster {
    /// Starts a cluster, or says why it cannot (no server binaries, initdb failed, ...).
    pub fn start() -> Result<Cluster, String> {
        let bin = server_bin_dir().ok_or_else(|| {
            "no PostgreSQL server binaries (initdb, postgres) in /usr/lib/postgresql/*/bin \
             or on PATH; install the `postgresql` package"
                .to_string()
        })?;
        let root = tempfile::Builder::new()
            .prefix("sahifa-test-pg-")
            .tempdir()
            .map_err(|e| format!("no temporary folder: {e}"))?
            .keep();
        let cluster = Cluster::start_in(&bin, &root);
        if cluster.is_err() {
            let _ = std::fs::remove_dir_all(&root);
        }
        cluster
    }

    fn start_in(bin: &Path, root: &Path) -> Result<Cluster, String> {
        let run_as = if running_as_root() {
            let (uid, gid) = account_ids("postgres").ok_or_else(|| {
                "running as root and there is no `postgres` account to run initdb as".to_string()
            })?;
            std::os::unix::fs::chown(root, Some(uid), Some(gid))
                .map_err(|e| format!("cannot hand {} to postgres: {e}", root.display()))?;
            Some("postgres")
        } else {
            None
        };
        let data = root.join("data");
        let initdb = as_user(run_as, &bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args([
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ])
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run initdb: {e}"))?;
        if !initdb.status.success() {
            return Err(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&initdb.stderr).trim()
            ));
        }
        let port = free_port()?;
        let keep = root.join("keep");
        std::fs::write(&keep, b"").map_err(|e| format!("cannot write {}: {e}", keep.display()))?;
        // The script's $1..$5: test pid, postgres binary, data dir, port, folder.
        let script = r#"
            "$2" -D "$3" -p "$4" -k "$5" -c listen_addresses=127.0.0.1 \
                -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
                -c max_connections=200 >"$5/postgres.log" 2>&1 &
            pg=$!
            while [ -d "/proc/$1" ] && [ -e "$5/keep" ] && kill -0 "$pg" 2>/dev/null; do
                sleep 0.2
            done
            kill -INT "$pg" 2>/dev/null
            wait "$pg"
            rm -rf "$5"
        "#;
        let watchdog = as_user(run_as, Path::new("sh"))
            .args(["-c", script, "sahifa-test-pg"])
            .arg(std::process::id().to_string())
            .arg(bin.join("postgres"))
            .arg(&data)
            .arg(port.to_string())
            .arg(root)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start postgres: {e}"))?;
        let mut cluster = Cluster {
            url: format!("postgres://postgres@127.0.0.1:{port}"),
            root: root.to_path_buf(),
            watchdog: Some(watchdog),
        };
        cluster.wait_ready(bin, port)?;
        Ok(cluster)
    }

    fn wait_ready(&mut self, bin: &Path, port: u16) -> Result<(), String> {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            let ready = Command::new(bin.join("pg_isready"))
                .args(["-q", "-h", "127.0.0.1", "-p", &port.to_string()])
                .stdin(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
            if ready {
                return Ok(());
            }
            if let Some(Ok(Some(_))) = self.watchdog.as_mut().map(Child::try_wait) {
                let log =
                    std::fs::read_to_string(self.root.join("postgres.log")).unwrap_or_default();
                return Err(format!("postgres exited at start-up: {}", log.trim()));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        Err("postgres did not accept connections within 60 s".to_string())
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.root.join("keep"));
        if let Some(mut watchdog) = self.watchdog.take() {
            // The watchdog notices within 0.2 s; a fast shutdown takes well under a second.
            let started = Instant::now();
            while started.elapsed() < Duration::from_secs(20) {
                if let Ok(Some(_)) = watchdog.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = watchdog.kill();
        }
    }
}

/// The newest `/usr/lib/postgresql/N/bin` holding `initdb` and `postgres`, else the folder
/// of an `initdb` on PATH.
fn server_bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            (bin.join("initdb").exists() && bin.join("postgres").exists()).then_some((version, bin))
        })
        .collect();
    versions.sort();
    if let Some((_, bin)) = versions.pop() {
        return Some(bin);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths).find_map(|dir| {
            let initdb = std::fs::canonicalize(dir.join("initdb")).ok()?;
            let bin = initdb.parent()?.to_path_buf();
            bin.join("postgres").exists().then_some(bin)
        })
    })
}

fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    // /proc/self belongs to the process's effective user.
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

fn account_ids(name: &str) -> Option<(u32, u32)> {
    let id = |flag: &str| -> Option<u32> {
        let out = Command::new("id").args([flag, name]).output().ok()?;
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    };
    Some((id("-u")?, id("-g")?))
}

fn as_user(user: Option<&str>, program: &Path) -> Command {
    match user {
        Some(user) => {
            let mut command = Command::new("runuser");
            command.args(["-u", user, "--"]).arg(program);
            command
        }
        None => Command::new(program),
    }
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .map_err(|e| format!("no free loopback port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("no free loopback port: {e}"))
}

/// True when something accepts TCP connections at the host and port of `url`.
pub fn answers(url: &str) -> bool {
    let Some(rest) = url.split("://").nth(1) else {
        return false;
    };
    let host_port = rest.rsplit('@').next().unwrap_or(rest);
    let host_port = host_port.split(['/', '?']).next().unwrap_or(host_port);
    let with_port = if host_port.contains(':') {
        host_port.to_string()
    } else {
        format!("{host_port}:5432")
    };
    use std::net::ToSocketAddrs;
    let Ok(addrs) = with_port.to_socket_addrs() else {
        return false;
    };
    addrs
        .into_iter()
        .any(|a| std::net::TcpStream::connect_timeout(&a, Duration::from_secs(2)).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Connection;

    #[test]
    fn answers_reads_host_and_port() {
        assert!(!answers("postgres://postgres@127.0.0.1:1"));
        assert!(!answers("not a url"));
    }

    #[test]
    fn a_throwaway_cluster_starts_answers_and_is_removed() {
        let cluster = match Cluster::start() {
            Ok(cluster) => cluster,
            Err(why) if std::env::var_os("CI").is_none() => {
                eprintln!("SKIPPED a_throwaway_cluster_starts_answers_and_is_removed: {why}");
                return;
            }
            Err(why) => panic!("CI must be able to start a throwaway cluster: {why}"),
        };
        assert!(answers(&cluster.url));
        let url = format!("{}/postgres", cluster.url);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let one: i32 = rt.block_on(async {
            let mut conn = sqlx::PgConnection::connect(&url).await.expect("connect");
            let (one,): (i32,) = sqlx::query_as("SELECT 1")
                .fetch_one(&mut conn)
                .await
                .expect("select");
            let _ = conn.close().await;
            one
        });
        assert_eq!(one, 1);
        let root = cluster.root.clone();
        let url = cluster.url.clone();
        drop(cluster);
        assert!(!answers(&url), "the cluster stopped");
        assert!(!root.exists(), "its folder is gone");
    }
}
