//! Layout benchmarks: keymsg `wrap` against raw ICU4X dictionary segmentation
//! on the same ~600-byte Thai paragraph, plus `width` and `truncate`; and
//! against ICU4X's `new_auto` line segmenter, which loads "the best
//! available" data for Thai (an LSTM model).
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

/// The sentences of the ICU4C comparison's 60 KB document.
const SENTENCES: &str = include_str!("data/thai-sentences.txt");

/// The 60 KB document of `scripts/bench-icu4c.sh`: the sentences, one per
/// line, repeated in order until the text reaches 60,000 bytes.
fn document() -> String {
    let mut doc = String::new();
    for line in SENTENCES.lines().cycle() {
        if doc.len() >= 60_000 {
            break;
        }
        doc.push_str(line);
        doc.push('\n');
    }
    doc
}

fn bench_layout(c: &mut Criterion) {
    let icu = LineSegmenter::new_dictionary(LineBreakOptions::default());
    let icu_auto = LineSegmenter::new_auto(LineBreakOptions::default());
    let opts = WrapOptions::new(32);
    // Warm the shared segmenter so construction is not measured.
    layout::wrap(PARAGRAPH, &opts).unwrap();

    // KEYMSG_RATIO_ONLY=1 skips the criterion groups (quick side-by-side check).
    if std::env::var_os("KEYMSG_RATIO_ONLY").is_none() {
        let mut group = c.benchmark_group("thai-paragraph-600B");
        group.bench_function("icu4x-dictionary-segment-only", |b| {
            b.iter(|| icu.segment_str(black_box(PARAGRAPH)).count())
        });
        group.bench_function("icu4x-auto-segment-only", |b| {
            b.iter(|| icu_auto.segment_str(black_box(PARAGRAPH)).count())
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
        let doc = document();
        let mut group = c.benchmark_group("thai-document-60KB");
        group.bench_function("icu4x-dictionary-segment-only", |b| {
            b.iter(|| icu.segment_str(black_box(&doc)).count())
        });
        group.bench_function("keymsg-wrap-32", |b| {
            b.iter(|| layout::wrap(black_box(&doc), &opts).unwrap())
        });
        group.finish();
    }

    // Side-by-side ratio from one run (criterion reports each separately):
    // 50 interleaved rounds (200 calls each for the paragraph, 2 for the
    // 60 KB document), keeping each side's fastest
    // round, so that another process taking the CPU for a moment (this is a
    // 2-core VM) does not land on one side only.
    let round = |n: u32, f: &dyn Fn()| {
        let start = Instant::now();
        for _ in 0..n {
            f();
        }
        start.elapsed() / n
    };
    let side_by_side = |text: &str, calls: u32| {
        let (mut raw, mut ours) = (Duration::MAX, Duration::MAX);
        for _ in 0..50 {
            raw = raw.min(round(calls, &|| {
                black_box(icu.segment_str(black_box(text)).count());
            }));
            ours = ours.min(round(calls, &|| {
                black_box(layout::wrap(black_box(text), &opts).unwrap());
            }));
        }
        println!(
            "ratio (fastest of 50 interleaved rounds): keymsg wrap@32 {:.1} µs / raw ICU4X dictionary segmentation {:.1} µs = {:.2}× ({} bytes)",
            ours.as_secs_f64() * 1e6,
            raw.as_secs_f64() * 1e6,
            ours.as_secs_f64() / raw.as_secs_f64(),
            text.len()
        );
    };
    side_by_side(PARAGRAPH, 200);
    side_by_side(&document(), 2);

    // ICU4X's `new_auto` (LSTM for Thai) is two orders of magnitude slower
    // than its dictionary mode: a few rounds say so.
    let against_default = |text: &str, calls: u32| {
        let (mut raw, mut ours) = (Duration::MAX, Duration::MAX);
        for _ in 0..5 {
            raw = raw.min(round(calls, &|| {
                black_box(icu_auto.segment_str(black_box(text)).count());
            }));
            ours = ours.min(round(calls, &|| {
                black_box(layout::wrap(black_box(text), &opts).unwrap());
            }));
        }
        println!(
            "ratio (fastest of 5 interleaved rounds): keymsg wrap@32 {:.1} µs / ICU4X new_auto (LSTM for Thai) segmentation {:.1} µs = {:.3}× ({} bytes)",
            ours.as_secs_f64() * 1e6,
            raw.as_secs_f64() * 1e6,
            ours.as_secs_f64() / raw.as_secs_f64(),
            text.len()
        );
    };
    against_default(PARAGRAPH, 50);
    against_default(&document(), 1);
}

criterion_group!(benches, bench_layout);
criterion_main!(benches);
