//! How layout cost grows with the text: `wrap` and `truncate` at 32 columns
//! on 1 KB to 4 MB of Thai, as one paragraph (the corpus sentences joined
//! without line feeds) and as paragraphs (one sentence per line).
//!
//! Run: `cargo bench -p keymsg-benches --bench scaling`
//! (table only, more rounds: `KEYMSG_TABLE_ONLY=1 KEYMSG_ROUNDS=15 cargo bench ...`)
//!
//! First a table of the fastest of several interleaved rounds per case (this
//! is a shared 2-core VM: interleaving spreads a neighbour's burst over every
//! size instead of one), with the cost per byte; then criterion's own
//! estimates with throughput in bytes (skip them with KEYMSG_TABLE_ONLY=1).

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use keymsg_core::layout::{self, TruncateOptions, WrapOptions};

const CORPUS: &str = include_str!("data/thai-sentences.txt");
const SIZES: [(usize, &str); 5] = [
    (1_000, "1 KB"),
    (10_000, "10 KB"),
    (100_000, "100 KB"),
    (1_000_000, "1 MB"),
    (4_000_000, "4 MB"),
];
const WIDTH: usize = 32;
/// Interleaved rounds per case in the table (KEYMSG_ROUNDS overrides).
const ROUNDS: usize = 7;
/// Target time of one timing (the fastest calls are repeated to reach it).
const TIMING: Duration = Duration::from_millis(20);

/// `unit` repeated to `len` bytes (cut back to a char boundary).
fn repeat_to(unit: &str, len: usize) -> String {
    let mut s = unit.repeat(len / unit.len() + 1);
    let mut end = len;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.truncate(end);
    s
}

fn texts() -> Vec<(&'static str, &'static str, String)> {
    let one: String = CORPUS.lines().collect();
    let mut out = Vec::new();
    for (len, label) in SIZES {
        out.push(("one paragraph", label, repeat_to(&one, len)));
        out.push(("paragraphs", label, repeat_to(CORPUS, len)));
    }
    out
}

fn wrap_opts() -> WrapOptions {
    // The default input limit (1 MiB) would refuse the largest texts.
    WrapOptions::new(WIDTH).max_input_bytes(usize::MAX)
}

fn truncate_opts() -> TruncateOptions {
    TruncateOptions::new(WIDTH).max_input_bytes(usize::MAX)
}

fn run_wrap(t: &str, opts: &WrapOptions) {
    black_box(layout::wrap(black_box(t), opts).unwrap());
}

fn run_truncate(t: &str, opts: &TruncateOptions) {
    black_box(layout::truncate_with(black_box(t), opts).unwrap());
}

/// Mean time of one call in a timing of about [`TIMING`].
fn time(f: &dyn Fn(), calls: u32) -> Duration {
    let start = Instant::now();
    for _ in 0..calls {
        f();
    }
    start.elapsed() / calls
}

fn table() {
    let texts = texts();
    let wrap = wrap_opts();
    let truncate = truncate_opts();
    type Case<'a> = (&'a str, &'a str, &'a str, usize, Box<dyn Fn() + 'a>);
    let mut cases: Vec<Case<'_>> = Vec::new();
    for (shape, label, t) in &texts {
        let (wrap, truncate) = (&wrap, &truncate);
        cases.push((
            shape,
            "wrap",
            label,
            t.len(),
            Box::new(move || run_wrap(t, wrap)),
        ));
        cases.push((
            shape,
            "truncate",
            label,
            t.len(),
            Box::new(move || run_truncate(t, truncate)),
        ));
    }
    // Calls per timing, from one warm-up call each.
    let calls: Vec<u32> = cases
        .iter()
        .map(|c| {
            let once = time(&c.4, 1).max(Duration::from_nanos(50));
            (TIMING.as_nanos() / once.as_nanos()).clamp(1, 1_000_000) as u32
        })
        .collect();
    let rounds = std::env::var("KEYMSG_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(ROUNDS);
    let mut best = vec![Duration::MAX; cases.len()];
    for _ in 0..rounds {
        for ((c, n), b) in cases.iter().zip(&calls).zip(best.iter_mut()) {
            *b = (*b).min(time(&c.4, *n));
        }
    }
    println!("\nfastest of {rounds} interleaved rounds, width {WIDTH}:");
    println!("| text | call | size | time | ns per byte |");
    println!("|---|---|---:|---:|---:|");
    for (c, t) in cases.iter().zip(&best) {
        let ns = t.as_secs_f64() * 1e9;
        let shown = if ns >= 1e6 {
            format!("{:.1} ms", ns / 1e6)
        } else {
            format!("{:.1} µs", ns / 1e3)
        };
        println!(
            "| {} | {} | {} | {shown} | {:.3} |",
            c.0,
            c.1,
            c.2,
            ns / c.3 as f64
        );
    }
    let find = |shape: &str, call: &str, size: &str| {
        cases
            .iter()
            .zip(&best)
            .find(|(c, _)| c.0 == shape && c.1 == call && c.2 == size)
            .map(|(c, t)| (t.as_secs_f64(), c.3 as f64))
            .unwrap()
    };
    for shape in ["one paragraph", "paragraphs"] {
        let (big, big_len) = find(shape, "wrap", "4 MB");
        let (small, small_len) = find(shape, "wrap", "10 KB");
        let (t_big, _) = find(shape, "truncate", "4 MB");
        let (t_small, _) = find(shape, "truncate", "1 KB");
        println!(
            "{shape}: wrap per byte 4 MB / 10 KB = {:.2}×; truncate 4 MB / 1 KB = {:.2}×",
            (big / big_len) / (small / small_len),
            t_big / t_small
        );
    }
}

fn bench_scaling(c: &mut Criterion) {
    table();
    if std::env::var_os("KEYMSG_TABLE_ONLY").is_some() {
        return;
    }
    let wrap = wrap_opts();
    let truncate = truncate_opts();
    for (shape, label, t) in &texts() {
        let mut group = c.benchmark_group(format!("{shape}/{label}"));
        group.throughput(Throughput::Bytes(t.len() as u64));
        if t.len() >= 1_000_000 {
            group.sample_size(10);
        }
        group.bench_with_input(BenchmarkId::new("wrap", WIDTH), t, |b, t| {
            b.iter(|| run_wrap(t, &wrap))
        });
        group.bench_with_input(BenchmarkId::new("truncate", WIDTH), t, |b, t| {
            b.iter(|| run_truncate(t, &truncate))
        });
        group.finish();
    }
}

criterion_group!(benches, bench_scaling);
criterion_main!(benches);
