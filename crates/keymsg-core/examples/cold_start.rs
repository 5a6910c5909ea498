//! Time the first Thai line-break call in a fresh process: loading the
//! compiled word list (header check plus a 64 KiB two-letter table) and
//! ICU4X's line-break rules, then the same call warm.
//!
//! `cargo run --release -p keymsg-core --example cold_start`

use std::time::Instant;

use keymsg_core::layout::break_opportunities;

fn main() {
    let text = "มิจฉาชีพแอบอ้างเป็นเจ้าหน้าที่ธนาคาร โทร 1441";
    let start = Instant::now();
    let cold = break_opportunities(text);
    let first = start.elapsed();
    let start = Instant::now();
    let warm = break_opportunities(text);
    let second = start.elapsed();
    assert_eq!(cold, warm);
    println!("first call (dictionary and rules load): {first:?}; second call: {second:?}");
}
