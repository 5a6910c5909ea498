//! Monthly report over the aggregates of a store with 10 million insertions.
//!
//! The store keeps aggregates, so the report reads at most one `CountRow` per
//! (agency, message, surface, kind): here 50 agencies × 30 messages × 6
//! surfaces × 20 kinds = 180,000 rows whose counts sum to exactly 10,000,000,
//! plus 7,500 manual entries (5 channels × 30 messages × 50 agencies).
//! Target: build + serialise in ≤ 1 s (the bench asserts it).
//!
//! Run: `cargo bench -p keymsg-benches --bench report`

// A bench aborts loudly on broken fixtures, like a test.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use keymsg_core::YearMonth;
use keymsg_core::catalog::Format;
use keymsg_core::report::{Level, Report, merge};
use keymsg_core::store::{CountRow, ManualEntry};
use keymsg_core::{Catalog, Channel, Surface};

const MESSAGES: usize = 30;
const KINDS: usize = 20;
const AGENCIES: usize = 50;
const INSERTIONS: u64 = 10_000_000;

fn catalog() -> Catalog {
    let mut toml = String::from("schema = 1\nversion = 1\n[allow]\nphones = [\"1441\"]\n");
    for i in 0..MESSAGES {
        toml.push_str(&format!(
            "[[messages]]\nid = \"msg-{i:02}\"\ntopic = \"general\"\n[messages.text.th]\n\
             long = \"ข้อความที่ {i} ถูกหลอกโอนเงิน โทรแจ้งธนาคารของท่านทันทีเพื่อระงับบัญชี \
             แล้วโทร 1441 ศูนย์ต่อต้านการฉ้อโกงทางออนไลน์ ตลอด 24 ชั่วโมง\"\n"
        ));
    }
    Catalog::from_str_as(&toml, Format::Toml, "bench.toml").expect("bench fixture")
}

fn inputs(month: YearMonth) -> (Vec<CountRow>, Vec<ManualEntry>) {
    let n = (AGENCIES * MESSAGES * Surface::ALL.len() * KINDS) as u64;
    let (base, extra) = (INSERTIONS / n, INSERTIONS % n);
    let mut counts = Vec::with_capacity(n as usize);
    let mut i = 0u64;
    for a in 0..AGENCIES {
        for m in 0..MESSAGES {
            for s in Surface::ALL {
                for k in 0..KINDS {
                    counts.push(CountRow {
                        agency: format!("เทศบาลตำบลที่ {a}"),
                        message_id: format!("msg-{m:02}"),
                        surface: s,
                        kind: format!("kind-{k}"),
                        count: base + u64::from(i < extra),
                    });
                    i += 1;
                }
            }
        }
    }
    assert_eq!(counts.iter().map(|c| c.count).sum::<u64>(), INSERTIONS);
    let mut manual = Vec::new();
    for a in 0..AGENCIES {
        for m in 0..MESSAGES {
            for c in Channel::ALL
                .into_iter()
                .filter(|c| *c != Channel::Documents)
            {
                manual.push(ManualEntry {
                    agency: format!("เทศบาลตำบลที่ {a}"),
                    month,
                    channel: c,
                    message_id: format!("msg-{m:02}"),
                    count: 3,
                });
            }
        }
    }
    (counts, manual)
}

fn once(label: &str, f: impl FnOnce()) -> Duration {
    let t = Instant::now();
    f();
    let d = t.elapsed();
    eprintln!("one-shot {label}: {d:?}");
    d
}

fn bench(c: &mut Criterion) {
    let catalog = catalog();
    let month: YearMonth = "2026-03".parse().expect("bench fixture");
    let (counts, manual) = inputs(month);

    // One cold pass of everything, as `keymsg report` would do it.
    let total = once(
        "build + json + csv + markdown + xlsx (10M insertions)",
        || {
            let r = Report::build(&catalog, "จังหวัดตัวอย่าง", month, &counts, &manual, "th");
            assert_eq!(r.totals.documents, INSERTIONS);
            black_box(r.to_json());
            black_box(r.to_csv());
            black_box(r.to_markdown());
            black_box(r.to_xlsx_bytes().expect("bench fixture"));
        },
    );
    assert!(
        total <= Duration::from_secs(1),
        "report took {total:?} (> 1 s)"
    );

    let report = Report::build(&catalog, "จังหวัดตัวอย่าง", month, &counts, &manual, "th");
    let mut g = c.benchmark_group("report");
    g.sample_size(20);
    g.bench_function("build/180k-count-rows", |b| {
        b.iter(|| {
            Report::build(
                &catalog,
                "จังหวัดตัวอย่าง",
                month,
                black_box(&counts),
                &manual,
                "th",
            )
        })
    });
    g.bench_function("to_json", |b| b.iter(|| black_box(&report).to_json()));
    g.bench_function("from_json", |b| {
        let json = report.to_json();
        b.iter(|| Report::from_json(black_box(&json)))
    });
    g.bench_function("to_csv", |b| b.iter(|| black_box(&report).to_csv()));
    g.bench_function("to_markdown", |b| {
        b.iter(|| black_box(&report).to_markdown())
    });
    g.bench_function("to_xlsx_bytes", |b| {
        b.iter(|| black_box(&report).to_xlsx_bytes())
    });

    // Roll-up: 50 units' reports (each built from its own 3,600 rows) into one.
    let units: Vec<Report> = counts
        .chunks(MESSAGES * Surface::ALL.len() * KINDS)
        .zip(manual.chunks(MESSAGES * 5))
        .map(|(c, m)| {
            let agency = c.first().map(|r| r.agency.clone()).unwrap_or_default();
            Report::build(&catalog, &agency, month, c, m, "th")
        })
        .collect();
    g.bench_function("merge/50-units", |b| {
        b.iter(|| merge(black_box(&units), "จังหวัดตัวอย่าง", Level::Province, None))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
