//! Selection from a 100-message catalog with a document key. Target: ≤ 200 ns
//! per pick and no heap allocation on the receipt printer's hot path (the
//! allocation check is `crates/keymsg-core/tests/select_alloc.rs`).

// A benchmark harness may stop on a broken fixture.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use keymsg_core::catalog::Format;
use keymsg_core::select::{Request, Selector};
use keymsg_core::{Catalog, Surface};
use std::hint::black_box;

fn catalog(n: usize) -> Catalog {
    let mut s = String::from("version = 1\n");
    for i in 0..n {
        s += &format!(
            "[[messages]]\nid = \"message-{i:03}\"\ntopic = \"t\"\nweight = {}\n\
             until = \"2030-12-31\"\n[messages.text.th]\nlong = \"ข้อความ {i}\"\n",
            1 + i % 7
        );
    }
    Catalog::from_str_as(&s, Format::Toml, "bench").unwrap_or_else(|e| panic!("{e}"))
}

fn bench(c: &mut Criterion) {
    let cat = catalog(100);
    let sel = Selector::new(&cat).unwrap_or_else(|e| panic!("{e}"));
    let at = time::OffsetDateTime::now_utc();
    let ascii = Request::new(Surface::Receipt)
        .document_key("INV-2026-000123")
        .at(at);
    let thai = Request::new(Surface::Receipt)
        .document_key("ใบเสร็จ ๒๕๖๙/๐๐๑")
        .at(at);
    c.bench_function("select/pick sticky 100 msgs ascii key", |b| {
        b.iter(|| sel.pick(black_box(&ascii)))
    });
    c.bench_function("select/pick sticky 100 msgs thai key", |b| {
        b.iter(|| sel.pick(black_box(&thai)))
    });
    // Different keys each call: the branch predictor cannot learn one key's
    // pattern (closer to a till printing receipts).
    let keys: Vec<Request> = (0..4096)
        .map(|i| {
            Request::new(Surface::Receipt)
                .document_key(format!("INV-2026-{i:06}"))
                .at(at)
        })
        .collect();
    let mut next = keys.iter().cycle();
    c.bench_function("select/pick sticky 100 msgs 4096 rotating keys", |b| {
        b.iter(|| sel.pick(black_box(next.next().unwrap())))
    });
    c.bench_function("select/select (with token) 100 msgs", |b| {
        b.iter(|| sel.select(black_box(&ascii)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
