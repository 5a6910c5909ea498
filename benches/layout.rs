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

/// ~600 bytes of Thai (plus a number and a host) as on a receipt footer.
const PARAGRAPH: &str = "มิจฉาชีพมักแอบอ้างเป็นเจ้าหน้าที่ธนาคาร ตำรวจ หรือหน่วยงานรัฐ โทรมาหลอกให้โอนเงินหรือกดลิงก์ \
อย่าเชื่อ อย่ารีบ อย่าโอน หากสงสัยโทรสายด่วน 1441 ตลอด 24 ชั่วโมง \
แจ้งความออนไลน์ได้ที่ thaipoliceonline.go.th";

fn bench_layout(c: &mut Criterion) {
    let icu = LineSegmenter::new_dictionary(LineBreakOptions::default());
    let opts = WrapOptions::new(32);
    // Warm the shared segmenter so construction is not measured.
    layout::wrap(PARAGRAPH, &opts).unwrap();

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

    // Side-by-side ratio from one run (criterion reports each separately).
    let time = |f: &dyn Fn()| {
        let n = 2000;
        let start = Instant::now();
        for _ in 0..n {
            f();
        }
        start.elapsed() / n
    };
    let raw: Duration = time(&|| {
        black_box(icu.segment_str(black_box(PARAGRAPH)).count());
    });
    let ours: Duration = time(&|| {
        black_box(layout::wrap(black_box(PARAGRAPH), &opts).unwrap());
    });
    println!(
        "ratio: keymsg wrap@32 {:.1} µs / raw ICU4X dictionary segmentation {:.1} µs = {:.2}× ({} bytes)",
        ours.as_secs_f64() * 1e6,
        raw.as_secs_f64() * 1e6,
        ours.as_secs_f64() / raw.as_secs_f64(),
        PARAGRAPH.len()
    );
}

criterion_group!(benches, bench_layout);
criterion_main!(benches);
