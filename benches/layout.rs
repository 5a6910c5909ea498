//! Layout benchmarks: keymsg `wrap` against raw ICU4X dictionary segmentation
//! on the same ~600-byte Thai paragraph, plus `width` and `truncate`.
//!
//! Run: `cargo bench -p keymsg-benches --bench layout -- --warm-up-time 1 --measurement-time 3`

#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use icu_segmenter::LineSegmenter;
use icu_segmenter::options::LineBreakOptions;
use keymsg_core::layout::{self, WrapOptions};

/// 527 bytes of Thai (plus a number and a host) as on a receipt footer; the
/// same file is the paragraph of the ICU4C comparison from C
/// (`scripts/bench-icu4c.sh`).
const PARAGRAPH: &str = include_str!("data/thai-paragraph.txt");

fn bench_layout(c: &mut Criterion) {
    let icu = LineSegmenter::new_dictionary(LineBreakOptions::default());
    let opts = WrapOptions::new(32);
    // Warm the shared segmenter so construction is not measured.
    layout::wrap(PARAGRAPH, &opts).unwrap();

    // KEYMSG_RATIO_ONLY=1 skips the criterion groups (quick side-by-side check).
    if std::env::var_os("KEYMSG_RATIO_ONLY").is_none() {
        let mut group = c.benchmark_group("thai-paragraph-600B");
        group.bench_function("icu4x-dictionary-segment-only", |b| {
            b.iter(|| icu.segment_str(black_box(PARAGRAPH)).count())
        });
        group.bench_function("keymsg-break-opportunities", |b| {
            b.iter(|| layout::break_opportunities(black_box(PARAGRAPH)))
        });
        group.bench_function("keymsg-wrap-32", |b| {
            b.iter(|| layout::wrap(black_box(PARAGRAPH), &opts).unwrap())
        });
        group.bench_function("keymsg-width", |b| {
            b.iter(|| layout::width(black_box(PARAGRAPH)))
        });
        group.bench_function("keymsg-truncate-32", |b| {
            b.iter(|| layout::truncate(black_box(PARAGRAPH), 32, "…").unwrap())
        });
        group.finish();
    }

    // Side-by-side ratio from one run (criterion reports each separately):
    // 50 interleaved rounds of 200 calls each, keeping each side's fastest
    // round, so that another process taking the CPU for a moment (this is a
    // 2-core VM) does not land on one side only.
    let round = |f: &dyn Fn()| {
        let n = 200;
        let start = Instant::now();
        for _ in 0..n {
            f();
        }
        start.elapsed() / n
    };
    let (mut raw, mut ours) = (Duration::MAX, Duration::MAX);
    for _ in 0..50 {
        raw = raw.min(round(&|| {
            black_box(icu.segment_str(black_box(PARAGRAPH)).count());
        }));
        ours = ours.min(round(&|| {
            black_box(layout::wrap(black_box(PARAGRAPH), &opts).unwrap());
        }));
    }
    println!(
        "ratio (fastest of 50 interleaved rounds): keymsg wrap@32 {:.1} µs / raw ICU4X dictionary segmentation {:.1} µs = {:.2}× ({} bytes)",
        ours.as_secs_f64() * 1e6,
        raw.as_secs_f64() * 1e6,
        ours.as_secs_f64() / raw.as_secs_f64(),
        PARAGRAPH.len()
    );
}

criterion_group!(benches, bench_layout);
criterion_main!(benches);
