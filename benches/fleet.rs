//! Fleet store on PostgreSQL: acknowledged insertions/s of 8 writer
//! processes with their shippers running, shipper lag, a single shipper
//! against plain `COPY` of the same rows, and the fleet report over many
//! raw rows. Starts a throwaway PostgreSQL cluster (keymsg-pgtest).
//!
//! ```sh
//! cargo bench -p keymsg-benches --bench fleet
//! ```
//!
//! Knobs: `KEYMSG_BENCH_PROCS` (8), `KEYMSG_BENCH_THREADS` per process (4),
//! `KEYMSG_BENCH_PER_THREAD` insertions (10,000), `KEYMSG_BENCH_BATCH`
//! insertions per `count_batch` call (1: one `count` per insertion),
//! `KEYMSG_BENCH_RATE` insertions/s of all writers together (0: as fast as
//! they go; a rate holds the writers to a steady bill run so that shipper
//! lag is measured at that rate, not after a burst),
//! `KEYMSG_BENCH_SHIP_ROWS`
//! for the shipper-vs-COPY table (200,000), `KEYMSG_BENCH_RAW_ROWS` raw rows
//! for the report (10,000,000), `KEYMSG_BENCH_WRITERS` writers and
//! `KEYMSG_BENCH_AGENCIES` agencies they are spread over (200, 50). 0 skips
//! a part.
//!
//! Shipper lag is each raw row's commit time in PostgreSQL
//! (`pg_xact_commit_timestamp`, the cluster runs with
//! `track_commit_timestamp`) minus the time its host acknowledged it.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use keymsg_core::store::{Insertion, Store, StoreOptions};
use keymsg_core::{Surface, YearMonth};
use keymsg_pgtest::PgServer;
use time::macros::datetime;

const CHILD: &str = "KEYMSG_BENCH_FLEET_CHILD";
const MESSAGES: [&str; 4] = ["aoc-1441", "police-191", "no-links", "otp"];

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn insertion(prefix: &str, n: u64) -> Insertion {
    Insertion::new(
        datetime!(2026-03-10 09:00 +07:00),
        "PEA Chiang Mai",
        Surface::Receipt,
        MESSAGES[(n % 4) as usize],
    )
    .with_kind("electricity-bill")
    .with_key(format!("{prefix}-{n:010}"))
}

/// A writer process: wait for `go`, count from `threads` threads, print
/// "acked start_ns end_ns" (Unix ns), then drop the store (bounded wait).
fn child(spec: &str) {
    let mut p = spec.split('|');
    let (url, journal, go, id) = (
        p.next().unwrap(),
        p.next().unwrap(),
        PathBuf::from(p.next().unwrap()),
        p.next().unwrap().to_owned(),
    );
    let threads = env("KEYMSG_BENCH_THREADS", 4);
    let per = env("KEYMSG_BENCH_PER_THREAD", 10_000);
    let batch = env("KEYMSG_BENCH_BATCH", 1).max(1);
    // Each thread's share of the total rate, as the time between batches.
    let rate = env("KEYMSG_BENCH_RATE", 0);
    let every = (rate > 0).then(|| {
        let per_thread = rate as f64 / (env("KEYMSG_BENCH_PROCS", 8) * threads) as f64;
        Duration::from_secs_f64(batch as f64 / per_thread)
    });
    let store = Arc::new(Store::open_postgres(url, journal, StoreOptions::default()).unwrap());
    while !go.exists() {
        std::thread::sleep(Duration::from_millis(1));
    }
    let start = now_ns();
    let hs: Vec<_> = (0..threads)
        .map(|t| {
            let store = Arc::clone(&store);
            let prefix = format!("{id}-{t}");
            std::thread::spawn(move || {
                let t0 = Instant::now();
                let pace = |i: u64| {
                    if let Some(every) = every {
                        let due = t0 + every * i as u32;
                        if let Some(wait) = due.checked_duration_since(Instant::now()) {
                            std::thread::sleep(wait);
                        }
                    }
                };
                if batch == 1 {
                    for n in 0..per {
                        pace(n);
                        store.count(&insertion(&prefix, n)).unwrap();
                    }
                    return;
                }
                // A bill run acknowledging `batch` receipts per transaction.
                let all: Vec<Insertion> = (0..per).map(|n| insertion(&prefix, n)).collect();
                for (i, chunk) in all.chunks(batch as usize).enumerate() {
                    pace(i as u64);
                    store.count_batch(chunk).unwrap();
                }
            })
        })
        .collect();
    for h in hs {
        h.join().unwrap();
    }
    let end = now_ns();
    println!("{} {start} {end}", threads * per);
    drop(store);
}

/// Seconds of CPU of this process's ended children.
fn children_cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let f: Vec<&str> = stat
        .rsplit(')')
        .next()
        .unwrap()
        .split_whitespace()
        .collect();
    // Fields 16 and 17 (cutime, cstime), counted from the state (field 3).
    (f[13].parse::<f64>().unwrap() + f[14].parse::<f64>().unwrap()) / 100.0
}

static CHILDREN_BEFORE: std::sync::Mutex<f64> = std::sync::Mutex::new(0.0);

fn children_cpu_before() -> f64 {
    *CHILDREN_BEFORE.lock().unwrap()
}

fn set_children_cpu_before(v: f64) {
    *CHILDREN_BEFORE.lock().unwrap() = v;
}

/// Seconds of CPU of the cluster: the postmaster, its ended children and
/// its live ones (clock ticks of 10 ms).
fn pg_cpu_s(pg: &PgServer) -> f64 {
    let pid_file = std::fs::read_to_string(pg.root().join("data/postmaster.pid")).unwrap();
    let master = pid_file.lines().next().unwrap().trim().to_owned();
    let mut ticks = 0.0;
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            continue;
        };
        let Some(rest) = stat.rsplit(')').next() else {
            continue;
        };
        let f: Vec<&str> = rest.split_whitespace().collect();
        let pid = e.file_name().to_string_lossy().into_owned();
        let n = |i: usize| f[i].parse::<f64>().unwrap_or(0.0);
        if pid == master {
            ticks += n(11) + n(12) + n(13) + n(14);
        } else if f.get(1) == Some(&master.as_str()) {
            ticks += n(11) + n(12);
        }
    }
    ticks / 100.0
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

fn now_ns() -> i128 {
    time::OffsetDateTime::now_utc().unix_timestamp_nanos()
}

fn psql(pg: &PgServer, db: &str, sql: &str) -> String {
    pg.psql(db, sql)
}

fn main() {
    if let Ok(spec) = std::env::var(CHILD) {
        return child(&spec);
    }
    // `cargo bench` passes `--bench`; `cargo test --benches` runs nothing here.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let Some(pg) = PgServer::start() else { return };
    let url = pg.create_db("bench");
    let dir = tempfile::tempdir().unwrap();
    println!("load average at start: {}", load());
    if env("KEYMSG_BENCH_PROCS", 8) > 0 {
        // First journaling alone (the shippers point where nothing listens),
        // then with the shippers running against PostgreSQL.
        writers(
            &pg,
            "postgres://nobody@127.0.0.1:1/none",
            &dir.path().join("alone"),
        );
        writers(&pg, &url, dir.path());
    }
    if env("KEYMSG_BENCH_SHIP_ROWS", 200_000) > 0 {
        ship_vs_copy(&pg, dir.path());
    }
    report(&pg);
    println!("load average at end: {}", load());
}

/// 8 writer processes with their shippers; throughput and shipper lag.
fn writers(pg: &PgServer, url: &str, dir: &Path) {
    let procs = env("KEYMSG_BENCH_PROCS", 8);
    let shipping = !url.contains("nobody@");
    std::fs::create_dir_all(dir).unwrap();
    let go = dir.join("go");
    let children: Vec<_> = (0..procs)
        .map(|i| {
            Command::new(std::env::current_exe().unwrap())
                .env(
                    CHILD,
                    format!(
                        "{url}|{}|{}|p{i}",
                        dir.join(format!("journal-{i}")).display(),
                        go.display()
                    ),
                )
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    let pg_cpu0 = pg_cpu_s(pg);
    std::fs::write(&go, "").unwrap();
    let mut acked = 0u64;
    let (mut first, mut last) = (i128::MAX, i128::MIN);
    for c in children {
        let out = c.wait_with_output().unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        let v: Vec<i128> = text
            .split_whitespace()
            .map(|x| x.parse().unwrap())
            .collect();
        acked += v[0] as u64;
        first = first.min(v[1]);
        last = last.max(v[2]);
    }
    let secs = (last - first) as f64 / 1e9;
    // CPU used: the writer processes (counting and their shippers' client
    // side; they have ended) and every PostgreSQL process. Other sessions
    // on the machine do not count here, unlike in wall time.
    let writers_cpu = children_cpu_s();
    let pg_cpu = pg_cpu_s(pg) - pg_cpu0;
    let cpu_line = format!(
        "CPU: writer processes {writers_cpu:.2} s ({:.1} us per insertion), PostgreSQL {pg_cpu:.2} s \
         ({:.1} us per insertion); all of it on 2 cores of their own: {:.0} insertions/s",
        (writers_cpu - children_cpu_before()) * 1e6 / acked as f64,
        pg_cpu * 1e6 / acked as f64,
        2.0 * acked as f64 / (writers_cpu - children_cpu_before() + pg_cpu)
    );
    set_children_cpu_before(writers_cpu);
    if !shipping {
        println!("## fleet/writers, journal only (no shipping)");
        println!(
            "{procs} processes x {} threads, batches of {}: {acked} acknowledged in {secs:.2} s = {:.0} insertions/s",
            env("KEYMSG_BENCH_THREADS", 4),
            env("KEYMSG_BENCH_BATCH", 1),
            acked as f64 / secs
        );
        println!("{cpu_line}");
        return;
    }
    // What the background shippers left (the drop wait is 200 ms).
    let mut left = 0;
    for i in 0..procs {
        let s = Store::open_postgres(
            url,
            dir.join(format!("journal-{i}")),
            StoreOptions::default(),
        )
        .unwrap();
        left += s.ship().unwrap();
    }
    // Commit time in PostgreSQL minus acknowledgement on the host, every
    // row (also those the final `ship` took).
    let lag = psql(
        pg,
        "bench",
        "SELECT string_agg(round(p::numeric, 1)::text, ' / ') FROM unnest(( \
         SELECT percentile_disc(ARRAY[0.5, 0.99, 1.0]) WITHIN GROUP (ORDER BY lag) FROM ( \
         SELECT extract(epoch FROM pg_xact_commit_timestamp(xmin)) * 1e3 - acked_at / 1e6 AS lag \
         FROM keymsg_raw) AS l)) AS p",
    );
    let batches = psql(
        pg,
        "bench",
        "SELECT count(DISTINCT xmin::text) || ' transactions, ' || round(count(*)::numeric / \
         count(DISTINCT xmin::text), 0) || ' rows each on average' FROM keymsg_raw",
    );
    let total = psql(pg, "bench", "SELECT sum(counted) FROM keymsg_counters");
    println!("## fleet/writers");
    println!(
        "{procs} processes x {} threads, batches of {}: {acked} acknowledged in {secs:.2} s = {:.0} insertions/s",
        env("KEYMSG_BENCH_THREADS", 4),
        env("KEYMSG_BENCH_BATCH", 1),
        acked as f64 / secs
    );
    println!("shipper lag (acknowledged -> committed in PostgreSQL) p50 / p99 / max: {lag} ms");
    println!("shipped in {batches}");
    println!("{cpu_line}");
    println!("rows left for the final `ship`: {left}; fleet counters total: {total}");
}

/// One shipper on a full journal, against `COPY` of the same rows.
fn ship_vs_copy(pg: &PgServer, dir: &Path) {
    let rows = env("KEYMSG_BENCH_SHIP_ROWS", 200_000);
    let url = pg.create_db("ship");
    let journal = dir.join("journal-ship");
    {
        // Journal only: its own shipper points where nothing listens.
        let s = Store::open_postgres(
            "postgres://nobody@127.0.0.1:1/none",
            &journal,
            StoreOptions::default(),
        )
        .unwrap();
        let batch: Vec<Insertion> = (0..rows).map(|n| insertion("ship", n)).collect();
        for chunk in batch.chunks(10_000) {
            s.count_batch(chunk).unwrap();
        }
    }
    let s = Store::open_postgres(&url, &journal, StoreOptions::default()).unwrap();
    let t = Instant::now();
    let shipped = s.ship().unwrap();
    let ship_s = t.elapsed().as_secs_f64();
    // The same rows, as plain COPY into a plain table of the same columns.
    let csv = dir.join("rows.csv");
    std::fs::write(&csv, "").unwrap();
    let ok = Command::new("chmod")
        .arg("666")
        .arg(&csv)
        .status()
        .unwrap()
        .success();
    assert!(ok);
    psql(pg, "ship", "CREATE TABLE plain (LIKE keymsg_raw)");
    psql(
        pg,
        "ship",
        &format!(
            "COPY (SELECT * FROM keymsg_raw) TO '{}' WITH (FORMAT csv)",
            csv.display()
        ),
    );
    let t = Instant::now();
    psql(
        pg,
        "ship",
        &format!("COPY plain FROM '{}' WITH (FORMAT csv)", csv.display()),
    );
    let copy_s = t.elapsed().as_secs_f64();
    println!("## fleet/ship-vs-copy ({shipped} rows)");
    println!(
        "keymsg ship (5,000-row transactions: keys, raw rows, counters, mark): {ship_s:.2} s = {:.0} rows/s",
        shipped as f64 / ship_s
    );
    println!(
        "plain COPY of the same rows into an unindexed table: {copy_s:.2} s = {:.0} rows/s; ratio ship/COPY = {:.2}",
        shipped as f64 / copy_s,
        copy_s / ship_s
    );
}

/// The fleet report over many raw rows: reads the counter table.
fn report(pg: &PgServer) {
    let raw = env("KEYMSG_BENCH_RAW_ROWS", 10_000_000);
    if raw == 0 {
        return;
    }
    let writers = env("KEYMSG_BENCH_WRITERS", 200);
    let agencies = env("KEYMSG_BENCH_AGENCIES", 50);
    let url = pg.create_db("report");
    let j = tempfile::tempdir().unwrap();
    let s = Store::open_postgres(&url, j.path(), StoreOptions::default()).unwrap();
    s.count(&insertion("init", 0)).unwrap();
    s.ship().unwrap(); // creates the schema and the 2026-03 partition
    // 12 months, `agencies` agencies, `writers` writers (each writer prints
    // for one agency, as a host does), generated server-side in chunks of 10
    // M rows; then the counters derived from them as ingest would, and the
    // writers' rows.
    let t = Instant::now();
    for m in 1..=12 {
        psql(
            pg,
            "report",
            &format!(
                "CREATE TABLE IF NOT EXISTS keymsg_raw_2026_{m:02} PARTITION OF keymsg_raw FOR VALUES IN ('2026-{m:02}')"
            ),
        );
    }
    let chunk = 10_000_000;
    let mut from = 1;
    while from <= raw {
        let to = (from + chunk - 1).min(raw);
        psql(
            pg,
            "report",
            &format!(
                "INSERT INTO keymsg_raw (month, writer_id, seq, op, at, acked_at, shipped_at, agency, \
                 message_id, surface, kind, catalog_version, reprint, counted) \
                 SELECT '2026-' || lpad((1 + i % 12)::text, 2, '0'), 1000 + (i / 12) % {writers}, i, 0, \
                 0, 0, 0, 'agency-' || ((i / 12) % {writers}) % {agencies}, \
                 (ARRAY['aoc-1441','police-191','no-links','otp'])[1 + i % 4], \
                 'receipt', 'electricity-bill', 1, false, true FROM generate_series({from}, {to}) AS i"
            ),
        );
        from = to + 1;
    }
    psql(
        pg,
        "report",
        "INSERT INTO keymsg_counters (month, agency, message_id, channel, surface, kind, host, writer, counted) \
         SELECT month, agency, message_id, 'documents', surface, kind, 'h' || writer_id, \
         'w' || writer_id, count(*) FROM keymsg_raw WHERE writer_id >= 1000 \
         GROUP BY 1, 2, 3, 4, 5, 6, 7, 8; \
         INSERT INTO keymsg_writers (host, writer, shipped_seq) \
         SELECT DISTINCT host, writer, 1 FROM keymsg_counters WHERE host <> '' ON CONFLICT DO NOTHING; \
         ANALYZE",
    );
    let build = t.elapsed().as_secs_f64();
    let month: YearMonth = "2026-03".parse().unwrap();
    let catalog = keymsg_core::Catalog::embedded().unwrap();
    let mut times = Vec::new();
    let mut n = 0;
    for _ in 0..21 {
        // What `keymsg report --store postgres://… --agency agency-7` does:
        // the agency check, counters, manual entries and the writers'
        // counters (for roll-ups).
        let t = Instant::now();
        let r =
            keymsg_core::report::Report::from_store(&s, &catalog, month, Some("agency-7")).unwrap();
        times.push(t.elapsed());
        n = r.totals.documents;
    }
    times.sort();
    let t = Instant::now();
    let direct = psql(
        pg,
        "report",
        "SELECT count(*) FROM keymsg_raw WHERE month = '2026-03' AND agency = 'agency-7' AND counted",
    );
    let scan = t.elapsed();
    let size = psql(
        pg,
        "report",
        "SELECT pg_size_pretty(sum(pg_total_relation_size(c.oid))) FROM pg_class c \
         JOIN pg_inherits i ON i.inhrelid = c.oid WHERE i.inhparent = 'keymsg_raw'::regclass",
    );
    let counters = psql(pg, "report", "SELECT count(*) FROM keymsg_counters");
    println!(
        "## fleet/report ({raw} raw rows, {size}, {writers} writers, {agencies} agencies, \
         {counters} counter rows; built in {build:.0} s)"
    );
    println!(
        "Report::from_store(2026-03, agency-7): {n} documents, median {:.2} ms, p90 {:.2} ms, max {:.2} ms (21 runs)",
        times[10].as_secs_f64() * 1e3,
        times[18].as_secs_f64() * 1e3,
        times[20].as_secs_f64() * 1e3
    );
    println!(
        "for comparison, COUNT(*) over the raw rows (psql, includes its start): {direct} in {:.0} ms",
        scan.as_secs_f64() * 1e3
    );
}
