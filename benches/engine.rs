//! The per-receipt path: `Engine::footer` with a cached layout, without a
//! store, with the in-memory store and with an on-disk store.

// A benchmark harness may stop on a broken fixture.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{Criterion, criterion_group, criterion_main};
use keymsg_core::{Engine, FooterRequest, PopupRequest};

fn bench(c: &mut Criterion) {
    let keys: Vec<FooterRequest> = (0..1024)
        .map(|i| FooterRequest::new().key(format!("INV-2026-{i:06}")))
        .collect();
    let next = AtomicU64::new(0);
    let pick = || {
        let i = next.fetch_add(1, Ordering::Relaxed) as usize % keys.len();
        &keys[i]
    };

    let plain = Engine::builder().build().unwrap();
    // Warm the layout cache.
    for k in &keys {
        plain.footer(k).unwrap();
    }
    c.bench_function("engine/footer no store", |b| {
        b.iter(|| plain.footer(black_box(pick())).unwrap())
    });

    let memory = Engine::builder().in_memory_store().build().unwrap();
    memory.footer(&keys[0]).unwrap();
    c.bench_function("engine/footer in-memory store", |b| {
        b.iter(|| memory.footer(black_box(pick())).unwrap())
    });

    let dir = tempfile::tempdir().unwrap();
    let disk = Engine::builder()
        .store_path(dir.path().join("store"))
        .build()
        .unwrap();
    disk.footer(&keys[0]).unwrap();
    c.bench_function("engine/footer sqlite store (1 thread)", |b| {
        b.iter(|| disk.footer(black_box(pick())).unwrap())
    });

    let popups: Vec<PopupRequest> = (0..1024)
        .map(|i| PopupRequest::new().key(format!("user-{i}")))
        .collect();
    let mut n = 0usize;
    c.bench_function("engine/popup no store", |b| {
        b.iter(|| {
            n = (n + 1) % popups.len();
            plain.popup(black_box(&popups[n])).unwrap()
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
