//! The fleet against a real PostgreSQL: 4 host processes × 5,000 footers,
//! hosts killed with SIGKILL at random, PostgreSQL restarted in the middle;
//! the fleet report's Documents total equals the acknowledged insertions.
//! Skipped only when KEYMSG_SKIP_POSTGRES=1.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use keymsg_pgtest::PgServer;
use serde_json::Value;

use crate::{keymsg, ok};

const HOSTS: usize = 4;
const FOOTERS: usize = 5000;

/// Run one host's bill run until it completes, killing it at random
/// moments (at most `kills` times). Returns (footers printed as counted,
/// kills): a key printed as counted once is a duplicate in every re-run.
fn host(dir: &Path, n: usize, url: &str, kills: u32, seed: u64) -> (usize, u32) {
    let keys = dir.join(format!("keys-{n}.txt"));
    let text: String = (0..FOOTERS).map(|i| format!("h{n}-{i:05}\n")).collect();
    std::fs::write(&keys, text).unwrap();
    let journal: PathBuf = dir.join(format!("journal-{n}"));
    let mut acked = 0;
    let mut killed = 0;
    let mut seed = seed;
    loop {
        // Reaped below, by `wait` after a kill or by `try_wait`.
        #[allow(clippy::zombie_processes)]
        let mut child = keymsg(dir)
            .args(["footer", "--keys-from"])
            .arg(&keys)
            .args(["--once-per-key", "--json", "--agency", "PEA Chiang Mai"])
            .args([
                "--at",
                "2026-03-10T10:00:00+07:00",
                "--store",
                url,
                "--journal",
            ])
            .arg(&journal)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let reader = {
            let lines = Arc::clone(&lines);
            std::thread::spawn(move || {
                for l in BufReader::new(stdout).lines().map_while(Result::ok) {
                    lines.lock().unwrap().push(l);
                }
            })
        };
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let kill_at = Duration::from_millis(100 + seed % 900);
        let start = Instant::now();
        let status = loop {
            if killed < kills && start.elapsed() >= kill_at {
                let _ = child.kill(); // SIGKILL
                killed += 1;
                break child.wait().unwrap();
            }
            if let Some(s) = child.try_wait().unwrap() {
                break s;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        reader.join().unwrap();
        for l in lines.lock().unwrap().iter() {
            let v: Value = serde_json::from_str(l).unwrap();
            if v["counted"] == Value::Bool(true) {
                acked += 1;
            }
        }
        if status.success() {
            return (acked, killed);
        }
    }
}

#[test]
fn four_hosts_with_kills_and_a_postgres_restart_count_exactly() {
    let Some(pg) = PgServer::start() else { return };
    let pg = Arc::new(Mutex::new(pg));
    let url = pg.lock().unwrap().create_db("fleet");
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().to_path_buf();
    let hosts: Vec<_> = (0..HOSTS)
        .map(|n| {
            let (dir, url) = (dir.clone(), url.clone());
            std::thread::spawn(move || host(&dir, n, &url, 3, 0x9E37_79B9_7F4A_7C15 + n as u64))
        })
        .collect();
    // PostgreSQL restarts while the hosts print.
    std::thread::sleep(Duration::from_millis(1500));
    pg.lock().unwrap().stop("fast");
    std::thread::sleep(Duration::from_millis(700));
    pg.lock().unwrap().start_again();
    let mut printed = 0;
    let mut kills = 0;
    for h in hosts {
        let (acked, k) = h.join().unwrap();
        printed += acked;
        kills += k;
    }
    // Ship what the hosts left (they ship in the background and on exit).
    let mut journaled = 0;
    for n in 0..HOSTS {
        let j = format!("journal-{n}");
        ok(&dir, &["ship", "--journal", &j, "--store", &url], "");
        let local = ok(
            &dir,
            &[
                "report", "--store", &j, "--month", "2026-03", "--format", "json",
            ],
            "",
        );
        let v: Value = serde_json::from_str(&local).unwrap();
        journaled += v["totals"]["documents"].as_u64().unwrap();
    }
    let fleet = ok(
        &dir,
        &[
            "report",
            "--store",
            &url,
            "--journal",
            "central",
            "--month",
            "2026-03",
            "--agency",
            "PEA Chiang Mai",
            "--format",
            "json",
        ],
        "",
    );
    let v: Value = serde_json::from_str(&fleet).unwrap();
    let total = v["totals"]["documents"].as_u64().unwrap();
    eprintln!(
        "fleet: {HOSTS} hosts x {FOOTERS} footers, {kills} kill -9, 1 PostgreSQL restart: \
         {journaled} acknowledged in the journals, {printed} printed as counted, fleet total {total}"
    );
    // Every key was counted once (bill runs re-run after a kill count nothing twice).
    assert_eq!(journaled, (HOSTS * FOOTERS) as u64);
    assert_eq!(total, journaled, "fleet total == acknowledged insertions");
    // A footer killed between its count and its line is counted, not printed.
    assert!(printed as u64 <= total && total - printed as u64 <= u64::from(kills));
    // The per-writer counters behind it: one writer per host.
    assert_eq!(v["writers"].as_array().unwrap().len(), HOSTS);
    // Monitoring: nothing left to ship, the fleet store up, the fleet's counts.
    let m = ok(
        &dir,
        &["metrics", "--store", &url, "--journal", "journal-0"],
        "",
    );
    assert!(m.contains("keymsg_journal_pending_rows 0\n"), "{m}");
    assert!(m.contains("keymsg_fleet_store_up 1\n"), "{m}");
    let fleet_counted: u64 = m
        .lines()
        .filter(|l| l.starts_with("keymsg_insertions_total{"))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(fleet_counted, total);
    let again = ok(
        &dir,
        &["ship", "--journal", "journal-0", "--store", &url],
        "",
    );
    assert_eq!(again, "shipped 0 journal rows\n");
    // `ship` without a postgres:// store is a usage error.
    let out = crate::run(
        &dir,
        &["ship", "--journal", "journal-0", "--store", "journal-1"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
}
