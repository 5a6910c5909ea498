//! Insertion store: durable (kill-safe) counting throughput and latency.
//!
//! `cargo bench -p keymsg-benches --bench store` runs the criterion groups and
//! then prints a thread-scaling table (insertions/s and per-call p50/p99 with
//! 1, 2, 4 and 8 threads). `KEYMSG_BENCH_10M=1` also builds a store with 10
//! million insertions and times a month read.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput};
use keymsg_core::Surface;
use keymsg_core::store::{Insertion, Store, StoreOptions};
use time::macros::datetime;

static SEQ: AtomicU64 = AtomicU64::new(0);

/// A realistic insertion with a fresh idempotency key (the receipt number).
fn insertion() -> Insertion {
    let n = SEQ.fetch_add(1, Ordering::Relaxed);
    Insertion::new(
        datetime!(2026-03-10 09:00 +07:00),
        "PEA Chiang Mai",
        Surface::Receipt,
        ["aoc-1441", "police-191", "no-links", "otp"][(n % 4) as usize],
    )
    .with_kind("electricity-bill")
    .with_key(format!("R-{n:012}"))
}

/// Baseline: the obvious implementation, one transaction per insertion into a raw table.
struct Naive(rusqlite::Connection);

impl Naive {
    fn new(dir: &std::path::Path) -> Self {
        let c = rusqlite::Connection::open(dir.join("naive.sqlite")).unwrap();
        c.pragma_update(None, "journal_mode", "WAL").unwrap();
        c.pragma_update(None, "synchronous", "NORMAL").unwrap();
        c.execute_batch(
            "CREATE TABLE IF NOT EXISTS ins (key TEXT PRIMARY KEY, at INTEGER, agency TEXT, \
             surface TEXT, kind TEXT, message_id TEXT)",
        )
        .unwrap();
        Naive(c)
    }
    fn count(&mut self, i: &Insertion) {
        let tx = self
            .0
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .unwrap();
        tx.prepare_cached("INSERT OR IGNORE INTO ins VALUES (?1, ?2, ?3, ?4, ?5, ?6)")
            .unwrap()
            .execute(rusqlite::params![
                i.idempotency_key,
                i.at.unix_timestamp(),
                i.agency,
                i.surface.as_str(),
                i.kind,
                i.message_id
            ])
            .unwrap();
        tx.commit().unwrap();
    }
}

fn bench_criterion(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path().join("s"), StoreOptions::default()).unwrap());
    let mut g = c.benchmark_group("store");
    g.sample_size(20).measurement_time(Duration::from_secs(4));

    g.throughput(Throughput::Elements(1));
    g.bench_function("count/1-thread", |b| {
        b.iter_batched(
            insertion,
            |i| store.count(&i).unwrap(),
            criterion::BatchSize::SmallInput,
        )
    });
    let mut naive = Naive::new(dir.path());
    g.bench_function("naive-tx-per-insert/1-thread", |b| {
        b.iter_batched(
            insertion,
            |i| naive.count(&i),
            criterion::BatchSize::SmallInput,
        )
    });

    for threads in [4usize, 8] {
        g.throughput(Throughput::Elements(1));
        g.bench_with_input(
            BenchmarkId::new("count/threads", threads),
            &threads,
            |b, &threads| {
                b.iter_custom(|iters| {
                    let per = iters.div_ceil(threads as u64);
                    run_threads(&store, threads, per).0
                })
            },
        );
    }

    g.throughput(Throughput::Elements(1000));
    g.bench_function("count_batch/1000", |b| {
        b.iter_batched(
            || (0..1000).map(|_| insertion()).collect::<Vec<_>>(),
            |v| store.count_batch(&v).unwrap(),
            criterion::BatchSize::LargeInput,
        )
    });
    g.finish();
}

/// `threads` threads each counting `per` insertions; (wall time, latencies).
fn run_threads(store: &Arc<Store>, threads: usize, per: u64) -> (Duration, Vec<Duration>) {
    let barrier = Arc::new(Barrier::new(threads + 1));
    let hs: Vec<_> = (0..threads)
        .map(|_| {
            let s = Arc::clone(store);
            let b = Arc::clone(&barrier);
            std::thread::spawn(move || {
                let items: Vec<_> = (0..per).map(|_| insertion()).collect();
                let mut lat = Vec::with_capacity(items.len());
                b.wait();
                for i in &items {
                    let t = Instant::now();
                    s.count(i).unwrap();
                    lat.push(t.elapsed());
                }
                lat
            })
        })
        .collect();
    barrier.wait();
    let start = Instant::now();
    let mut lat = Vec::new();
    for h in hs {
        lat.extend(h.join().unwrap());
    }
    (start.elapsed(), lat)
}

fn scaling_table() {
    println!("\nthread scaling (durable, kill-safe: every call returns after its commit)");
    println!("| threads | durability | insertions/s | p50 | p99 |");
    println!("|---:|---|---:|---:|---:|");
    for durability in if std::env::var_os("KEYMSG_PROCESS_ONLY").is_some() {
        vec![keymsg_core::store::Durability::Process]
    } else {
        vec![
            keymsg_core::store::Durability::Process,
            keymsg_core::store::Durability::Power,
        ]
    } {
        for threads in std::env::var("KEYMSG_THREADS")
            .map(|s| {
                s.split(',')
                    .map(|x| x.parse().unwrap())
                    .collect::<Vec<usize>>()
            })
            .unwrap_or(vec![1, 2, 4, 8])
        {
            let dir = tempfile::tempdir().unwrap();
            let opts = StoreOptions {
                durability,
                ..StoreOptions::default()
            };
            let store = Arc::new(Store::open(dir.path(), opts).unwrap());
            run_threads(&store, threads, 2_000); // warm up
            let per = match durability {
                keymsg_core::store::Durability::Process => 100_000 / threads as u64,
                keymsg_core::store::Durability::Power => 10_000 / threads as u64,
            };
            let (wall, mut lat) = run_threads(&store, threads, per);
            lat.sort();
            let q = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
            let slow: Duration = lat.iter().filter(|d| d.as_millis() >= 1).sum();
            eprintln!(
                "  max {:?}, p99.9 {:?}, time in calls >= 1 ms: {slow:?} of {wall:?}",
                lat.last().unwrap(),
                q(0.999)
            );
            println!(
                "| {threads} | {durability:?} | {:.0} | {:.1} µs | {:.1} µs |",
                lat.len() as f64 / wall.as_secs_f64(),
                q(0.50).as_secs_f64() * 1e6,
                q(0.99).as_secs_f64() * 1e6
            );
        }
    }
}

fn ten_million() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), StoreOptions::default()).unwrap();
    let start = Instant::now();
    let agencies: Vec<String> = (0..50).map(|a| format!("agency-{a}")).collect();
    let mut n = 0u64;
    while n < 10_000_000 {
        let batch: Vec<_> = (0..10_000)
            .map(|j| {
                let k = n + j;
                let mut i = insertion();
                i.agency = agencies[(k % 50) as usize].clone();
                i.surface = Surface::ALL[(k % 6) as usize];
                // Spread over 12 months of 2026.
                i.at = datetime!(2026-01-15 12:00 +07:00)
                    + time::Duration::days(30 * ((k / 10_000) % 12) as i64);
                i
            })
            .collect();
        store.count_batch(&batch).unwrap();
        n += 10_000;
    }
    let built = start.elapsed();
    let size: u64 = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    let t = Instant::now();
    let rows = store
        .month_counts("2026-03".parse().unwrap(), None)
        .unwrap();
    let read_all = t.elapsed();
    let t = Instant::now();
    let one = store
        .month_counts("2026-03".parse().unwrap(), Some("agency-7"))
        .unwrap();
    let read_one = t.elapsed();
    let total: u64 = rows.iter().map(|r| r.count).sum();
    println!(
        "\n10M insertions: built in {built:?} ({:.0}/s), {} MB on disk; month_counts(2026-03, all) \
         = {} rows / {total} insertions in {read_all:?}; one agency: {} rows in {read_one:?}",
        1e7 / built.as_secs_f64(),
        size / 1_000_000,
        rows.len(),
        one.len()
    );
}

fn main() {
    if std::env::var_os("KEYMSG_BENCH_SCALING_ONLY").is_none() {
        let mut c = Criterion::default().configure_from_args();
        bench_criterion(&mut c);
        c.final_summary();
    }
    scaling_table();
    if std::env::var_os("KEYMSG_BENCH_10M").is_some() {
        ten_million();
    }
}
