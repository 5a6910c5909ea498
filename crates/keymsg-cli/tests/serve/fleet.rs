//! `keymsg serve` on a PostgreSQL fleet store (a throwaway cluster started
//! by `keymsg-pgtest`; skipped only when KEYMSG_SKIP_POSTGRES=1): counts
//! acknowledged in the host's journal reach PostgreSQL by the time SIGTERM
//! has been handled, or wait in the journal when it is down; pop-up caps
//! hold across two server processes with different journals.

use std::sync::OnceLock;
use std::sync::atomic::AtomicU32;

use keymsg_pgtest::PgServer;

use super::*;

/// One server for these tests; each test has its own database.
fn pg() -> Option<&'static PgServer> {
    static S: OnceLock<Option<PgServer>> = OnceLock::new();
    S.get_or_init(PgServer::start).as_ref()
}

fn fresh_db(s: &PgServer) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    s.create_db(&format!(
        "serve{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ))
}

fn keymsg(dir: &Path, args: &[&str]) -> String {
    run_ok(
        Command::new(env!("CARGO_BIN_EXE_keymsg"))
            .current_dir(dir)
            .env_remove("KEYMSG_CONFIG")
            .args(args),
        &args.join(" "),
    )
}

/// The fleet's Documents total for March 2026, read from PostgreSQL (through
/// a journal that has shipped nothing).
fn fleet_documents(dir: &Path, url: &str) -> u64 {
    let out = keymsg(
        dir,
        &[
            "report",
            "--store",
            url,
            "--journal",
            "central",
            "--month",
            "2026-03",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["totals"]["documents"].as_u64().unwrap()
}

/// `n` footers with distinct keys from 4 client threads; the number the
/// server acknowledged as counted.
fn footers(addr: SocketAddr, tag: &str, n: usize) -> u64 {
    let acked = Arc::new(AtomicU64::new(0));
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let acked = Arc::clone(&acked);
            let tag = tag.to_owned();
            std::thread::spawn(move || {
                for i in (t..n).step_by(4) {
                    let path = format!(
                        "/v1/footer?key={tag}-{i}&profile=receipt-58mm&at=2026-03-10T10:00:00%2B07:00"
                    );
                    let (status, v) = get_json(addr, &path, &[]);
                    assert_eq!(status, 200, "{v}");
                    if v["counted"] == true {
                        acked.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    acked.load(Ordering::Relaxed)
}

fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in /metrics:\n{text}"))
}

fn metrics(addr: SocketAddr) -> String {
    let (status, _, body) = http(addr, "GET", "/metrics", &[], b"").unwrap();
    assert_eq!(status, 200);
    String::from_utf8(body).unwrap()
}

#[test]
fn serve_on_postgres_ships_every_acknowledged_count_by_sigterm() {
    let Some(pg) = pg() else { return };
    let url = fresh_db(pg);
    let dir = tempfile::tempdir().unwrap();
    let args = ["--store", url.as_str(), "--journal", "journal-a"];
    let server = Server::start(dir.path(), &args);
    let (status, ready) = get_json(server.addr, "/readyz", &[]);
    assert_eq!(status, 200, "{ready}");
    assert_eq!(
        ready["checks"]["store"]["fleet"]["reachable"], true,
        "{ready}"
    );
    let acked = footers(server.addr, "INV", 60);
    assert_eq!(acked, 60);
    let text = metrics(server.addr);
    assert_eq!(metric(&text, "keymsg_fleet_store_up"), 1.0);
    assert!(metric(&text, "keymsg_journal_pending_rows") <= 60.0);
    let log = server.stop();
    assert!(
        log.iter()
            .any(|l| l.contains("everything acknowledged is shipped")),
        "{log:?}"
    );
    assert_eq!(fleet_documents(dir.path(), &url), acked);
}

#[test]
fn serve_with_postgres_down_keeps_counts_in_the_journal_until_shipped() {
    let Some(pg) = pg() else { return };
    let url = fresh_db(pg);
    // Nothing listens on a port just freed: PostgreSQL is "down".
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let down = format!("postgres://keymsg:secret-pw@127.0.0.1:{closed}/keymsg");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keymsg.toml"), "[caps]\nper_day = 1\n").unwrap();
    let server = Server::start(
        dir.path(),
        &[
            "--config",
            "keymsg.toml",
            "--store",
            &down,
            "--journal",
            "journal-b",
        ],
    );
    // Still ready: counts are acknowledged in the journal; the fleet is said down.
    let (status, ready) = get_json(server.addr, "/readyz", &[]);
    assert_eq!(status, 200, "{ready}");
    assert_eq!(
        ready["checks"]["store"]["fleet"]["reachable"], false,
        "{ready}"
    );
    // A cap cannot be decided without the fleet's ledger: nothing is shown.
    let (status, err) = get_json(server.addr, "/v1/popup?subject=user-1", &[]);
    assert_eq!(status, 503, "{err}");
    assert_eq!(err["error"]["code"], "store_unavailable", "{err}");
    assert!(!err.to_string().contains("secret-pw"), "{err}");
    let acked = footers(server.addr, "DOWN", 20);
    assert_eq!(acked, 20);
    let text = metrics(server.addr);
    assert_eq!(metric(&text, "keymsg_fleet_store_up"), 0.0);
    assert_eq!(metric(&text, "keymsg_journal_pending_rows"), 20.0);
    // The shutdown's wait is bounded, and says what it left.
    let started = Instant::now();
    let log = server.stop();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(
        log.iter().any(|l| l.contains("not shipped at shutdown")),
        "{log:?}"
    );
    assert!(!log.iter().any(|l| l.contains("secret-pw")), "{log:?}");
    // Shipped later to the real store, nothing was lost.
    keymsg(
        dir.path(),
        &["ship", "--journal", "journal-b", "--store", &url],
    );
    assert_eq!(fleet_documents(dir.path(), &url), acked);
}

#[test]
fn caps_hold_across_two_server_processes_on_one_postgres() {
    let Some(pg) = pg() else { return };
    let url = fresh_db(pg);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keymsg.toml"), "[caps]\nper_day = 3\n").unwrap();
    // Two "hosts": one database, a journal each.
    let a = Server::start(
        dir.path(),
        &[
            "--config",
            "keymsg.toml",
            "--store",
            &url,
            "--journal",
            "ja",
        ],
    );
    let b = Server::start(
        dir.path(),
        &[
            "--config",
            "keymsg.toml",
            "--store",
            &url,
            "--journal",
            "jb",
        ],
    );
    let shown = Arc::new(AtomicU64::new(0));
    let capped = Arc::new(AtomicU64::new(0));
    let mut threads = Vec::new();
    for (i, addr) in [a.addr, b.addr].into_iter().cycle().take(8).enumerate() {
        let (shown, capped) = (Arc::clone(&shown), Arc::clone(&capped));
        threads.push(std::thread::spawn(move || {
            for _ in 0..10 {
                let subject = if i % 4 < 2 { "same-user" } else { "other-user" };
                let path = format!("/v1/popup?subject={subject}&at=2026-03-15T10:00:00%2B07:00");
                let (status, _, body) = http(addr, "GET", &path, &[], b"").unwrap();
                match status {
                    200 => shown.fetch_add(1, Ordering::Relaxed),
                    204 => capped.fetch_add(1, Ordering::Relaxed),
                    other => panic!("status {other}: {}", String::from_utf8_lossy(&body)),
                };
            }
        }));
    }
    for t in threads {
        t.join().unwrap();
    }
    // Two subjects, three each per day, whichever replica answered.
    assert_eq!(shown.load(Ordering::Relaxed), 6);
    assert_eq!(capped.load(Ordering::Relaxed), 74);
    // The CLI on a third journal shares the ledger: the cap is reached.
    let out = keymsg(
        dir.path(),
        &[
            "popup",
            "--store",
            &url,
            "--journal",
            "jc",
            "--key",
            "same-user",
            "--json",
            "--at",
            "2026-03-15T12:00:00+07:00",
            "--cap-per-day",
            "3",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"capped": true, "retry_at": "2026-03-16T00:00:00+07:00"})
    );
    // The next Bangkok day the subject may see one again.
    let (status, _) = get_json(
        b.addr,
        "/v1/popup?subject=same-user&at=2026-03-16T00:00:00%2B07:00",
        &[],
    );
    assert_eq!(status, 200);
    a.stop();
    b.stop();
    // The ledger is the fleet store's table, one row per subject.
    let rows = pg.psql(
        url.rsplit('/').next().unwrap(),
        "SELECT subject, cardinality(seen) FROM keymsg_caps ORDER BY subject",
    );
    assert_eq!(
        rows.split_whitespace().collect::<Vec<_>>(),
        ["other-user|3", "same-user|4"],
        "{rows}"
    );
}

/// Review 3, T13: on a postgres:// store `keymsg serve` had no default
/// trust state (no rollback protection unless `state` was configured). It
/// is the host's journal's `catalog-trust`, as for the CLI commands.
#[test]
fn serve_on_postgres_keeps_the_trust_state_in_the_journal() {
    let Some(pg) = pg() else { return };
    let url = fresh_db(pg);
    let dir = tempfile::tempdir().unwrap();
    let catalog = |version: u64| {
        format!(
            "version = {version}\n[allow]\nphones = [\"1441\"]\n[[messages]]\nid = \"aoc\"\n\
             topic = \"general\"\n[messages.text.th]\nlong = \"โทร 1441 (v{version})\"\n"
        )
    };
    std::fs::write(dir.path().join("c.toml"), catalog(5)).unwrap();
    let args = [
        "--catalog",
        "c.toml",
        "--store",
        url.as_str(),
        "--journal",
        "journal",
    ];
    // The first start makes the journal, the second records version 5.
    for _ in 0..2 {
        let mut a = vec!["footer", "--key", "INV-1"];
        a.extend(args);
        keymsg(dir.path(), &a);
    }
    std::fs::write(dir.path().join("c.toml"), catalog(4)).unwrap();
    let server = Server::start(dir.path(), &args);
    let (status, ready) = get_json(server.addr, "/readyz", &[]);
    assert_eq!(status, 200, "{ready}");
    let layer = &ready["checks"]["catalog"]["layers"][0];
    assert_eq!(layer["rollback_protected"], true, "{ready}");
    assert_eq!(layer["version"], 5, "{ready}");
    assert!(
        layer["refused"]
            .to_string()
            .contains("older than version 5"),
        "{ready}"
    );
    server.stop();
}
