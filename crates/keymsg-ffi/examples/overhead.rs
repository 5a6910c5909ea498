//! The Rust side of the C-call overhead benchmark: the same three calls as
//! `tests/c/bench_overhead.c`, made directly on `keymsg-core`, measured the
//! same way (best of 7 rounds). `scripts/bench-c.sh` runs both and prints the
//! difference. Run: `cargo run --release -p keymsg-ffi --example overhead`.

use std::hint::black_box;
use std::time::Instant;

use keymsg_core::{Catalog, layout};
use keymsg_core::{Engine, FooterRequest};

const ROUNDS: usize = 7;

/// "ถูกหลอกโอนเงิน โทร 1441" (60 bytes).
const THAI: &str = "ถูกหลอกโอนเงิน โทร 1441";

fn best_ns(iters: u64, mut f: impl FnMut(u64)) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..ROUNDS {
        let t = Instant::now();
        for i in 0..iters {
            f(i);
        }
        best = best.min(t.elapsed().as_nanos() as f64);
    }
    best / iters as f64
}

fn main() -> Result<(), keymsg_core::Error> {
    let engine = Engine::builder().build()?;
    let catalog = Catalog::embedded()?;

    let ns = best_ns(10_000_000, |_| {
        black_box(black_box(&catalog).messages().len());
    });
    println!("catalog_message_count {ns:.1}");

    // The C caller hands over bytes; a Rust caller holding bytes would check
    // UTF-8 too, so both sides start from the same &[u8].
    let bytes = black_box(THAI.as_bytes());
    let ns = best_ns(2_000_000, |_| {
        let text = std::str::from_utf8(black_box(bytes)).unwrap_or_default();
        black_box(layout::width(text));
    });
    println!("width_thai_60B {ns:.1}");

    // Keys are made before timing, on both sides.
    let keys: Vec<String> = (0..200_000).map(|i| format!("INV-{i:08}")).collect();
    let ns = best_ns(200_000, |i| {
        let key = keys.get(i as usize).map_or("", String::as_str);
        let req = FooterRequest::new().key(key);
        if let Ok(r) = engine.footer(&req) {
            black_box(r.lines.len());
        }
    });
    println!("footer_no_store {ns:.1}");
    Ok(())
}
