//! A throwaway PostgreSQL cluster for tests: `initdb` in a temporary
//! directory, `pg_ctl start` on a free local port, stopped and removed when
//! dropped — and also when the test process dies (a watchdog process stops
//! the cluster once its parent is gone), so no server outlives its test.
//!
//! Tests that need the server call [`PgServer::start`]. It returns `None`
//! only when `KEYMSG_SKIP_POSTGRES=1` is set on purpose; a missing
//! PostgreSQL is otherwise an error with the command that installs it, so a
//! test never passes silently without the server.
//!
//! Binaries are taken from `$KEYMSG_PG_BIN`, else the newest
//! `/usr/lib/postgresql/*/bin` (Debian's layout), else `$PATH`. As root, the
//! cluster runs as the `postgres` user (PostgreSQL refuses to run as root).

// A test helper: a server that cannot be started fails the test that asked.
#![allow(clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

/// The superuser of every test cluster.
pub const USER: &str = "keymsg";
/// Its password (host connections use scram-sha-256).
pub const PASSWORD: &str = "keymsg-test-pw";

/// Environment variable that skips the PostgreSQL tests when set to `1`.
pub const SKIP_ENV: &str = "KEYMSG_SKIP_POSTGRES";

/// A running (or stopped) throwaway cluster.
#[derive(Debug)]
pub struct PgServer {
    root: PathBuf,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
    running: bool,
}

/// Why the server could not be started; tests panic with this text.
fn fail(what: &str) -> ! {
    panic!(
        "PostgreSQL for the fleet tests: {what}. Install it (`apt-get install postgresql`, \
         or run scripts/install-test-deps.sh), or set {SKIP_ENV}=1 to skip these tests on purpose."
    )
}

/// Whether the PostgreSQL tests are skipped on purpose.
pub fn skipped() -> bool {
    std::env::var(SKIP_ENV).is_ok_and(|v| v == "1")
}

/// The directory with `initdb`, `pg_ctl` and `postgres`.
fn bin_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("KEYMSG_PG_BIN") {
        return PathBuf::from(p);
    }
    let mut best: Option<(u32, PathBuf)> = None;
    if let Ok(rd) = std::fs::read_dir("/usr/lib/postgresql") {
        for e in rd.flatten() {
            let v: u32 = e.file_name().to_string_lossy().parse().unwrap_or(0);
            let bin = e.path().join("bin");
            if bin.join("initdb").is_file() && best.as_ref().is_none_or(|(b, _)| v > *b) {
                best = Some((v, bin));
            }
        }
    }
    if let Some((_, b)) = best {
        return b;
    }
    for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
        if dir.join("initdb").is_file() && dir.join("pg_ctl").is_file() {
            return dir;
        }
    }
    fail("initdb and pg_ctl were not found")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap_or_else(|e| fail(&format!("no free port: {e}")));
    l.local_addr()
        .map(|a| a.port())
        .unwrap_or_else(|e| fail(&e.to_string()))
}

impl PgServer {
    /// Create and start a new cluster; `None` when [`SKIP_ENV`] is `1`.
    pub fn start() -> Option<PgServer> {
        if skipped() {
            eprintln!("{SKIP_ENV}=1: skipping a test that needs PostgreSQL");
            return None;
        }
        static N: AtomicU32 = AtomicU32::new(0);
        let bin = bin_dir();
        let as_postgres = is_root();
        let root = std::env::temp_dir().join(format!(
            "keymsg-pg-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root)
            .unwrap_or_else(|e| fail(&format!("{}: {e}", root.display())));
        let pwfile = root.join("pw");
        std::fs::write(&pwfile, format!("{PASSWORD}\n")).unwrap_or_else(|e| fail(&e.to_string()));
        if as_postgres {
            let ok = Command::new("chown")
                .args(["-R", "postgres:"])
                .arg(&root)
                .status()
                .is_ok_and(|s| s.success());
            if !ok {
                fail("cannot give the temporary directory to the `postgres` user (is there one?)");
            }
        }
        let mut s = PgServer {
            root,
            bin,
            port: free_port(),
            as_postgres,
            running: false,
        };
        let data = s.data();
        let out = s
            .cmd("initdb")
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                USER,
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--no-sync",
            ])
            .arg(format!("--pwfile={}", pwfile.display()))
            .stdout(Stdio::null())
            .output()
            .unwrap_or_else(|e| fail(&format!("initdb: {e}")));
        if !out.status.success() {
            fail(&format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        s.watchdog();
        s.start_again();
        Some(s)
    }

    fn data(&self) -> PathBuf {
        self.root.join("data")
    }

    /// A command from the PostgreSQL bin directory, as `postgres` when root.
    fn cmd(&self, name: &str) -> Command {
        let exe = self.bin.join(name);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    /// Stop the cluster when this process is gone, even after a panic or a kill.
    fn watchdog(&self) {
        let stop = format!(
            "{} '{}' -D '{}' -m immediate stop >/dev/null 2>&1",
            if self.as_postgres {
                "runuser -u postgres --"
            } else {
                ""
            },
            self.bin.join("pg_ctl").display(),
            self.data().display()
        );
        let script = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {stop}; rm -rf '{root}'",
            pid = std::process::id(),
            root = self.root.display()
        );
        let _ = Command::new("sh")
            .args(["-c", &script])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
    }

    /// The TCP port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// URL of database `db` with the superuser and its password.
    pub fn url(&self, db: &str) -> String {
        format!("postgres://{USER}:{PASSWORD}@127.0.0.1:{}/{db}", self.port)
    }

    /// Create database `db` and return its URL.
    pub fn create_db(&self, db: &str) -> String {
        self.psql("postgres", &format!("CREATE DATABASE \"{db}\""));
        self.url(db)
    }

    /// Run SQL with psql; returns its unaligned output. Panics on failure.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let psql = if self.bin.join("psql").is_file() {
            self.bin.join("psql")
        } else {
            PathBuf::from("psql")
        };
        let out = Command::new(psql)
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                USER,
                "-d",
                db,
            ])
            .args(["-v", "ON_ERROR_STOP=1", "-Atqc", sql])
            .env("PGPASSWORD", PASSWORD)
            .output()
            .unwrap_or_else(|e| fail(&format!("psql: {e}")));
        assert!(
            out.status.success(),
            "psql {sql:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// Start the (stopped) cluster and wait until it accepts connections.
    pub fn start_again(&mut self) {
        let log = self.root.join("log");
        let opts = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off -c full_page_writes=off -c track_commit_timestamp=on \
             -c max_connections=200",
            self.port,
            self.root.display()
        );
        let out = self
            .cmd("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(&log)
            .args(["-w", "-t", "60", "-o", &opts, "start"])
            .stdout(Stdio::null())
            .output()
            .unwrap_or_else(|e| fail(&format!("pg_ctl: {e}")));
        if !out.status.success() {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            fail(&format!(
                "pg_ctl start failed: {}{log}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        self.running = true;
    }

    /// Stop: `fast` (clients disconnected, clean shutdown) or `immediate`
    /// (like a crash: the next start recovers from the WAL).
    pub fn stop(&mut self, mode: &str) {
        let _ = self
            .cmd("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", mode, "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        self.running = false;
    }

    /// Whether the cluster is running.
    pub fn is_running(&self) -> bool {
        self.running
    }

    /// The cluster's directory.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        if self.running {
            self.stop("immediate");
        }
        let _ = std::fs::remove_dir_all(&self.root);
    }
}
