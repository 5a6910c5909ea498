//! `Selector::pick` does no heap allocation (it is on the hot path of a
//! receipt printer) once the candidate list of its (surface, language,
//! window epoch) is cached — the first pick of each fills the cache.
//! Verified with a counting global allocator; this file holds one test so no
//! other test allocates concurrently.

// Its own test binary, not in `tests/it`: the counting global allocator sees the whole process.

// Test helpers outside #[test] functions may panic too (clippy.toml covers only the tests).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use keymsg_core::catalog::Format;
use keymsg_core::select::{Period, Policy, Request, Selector};
use keymsg_core::{Catalog, Surface};
use time::macros::datetime;

struct Counting;
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn catalog(n: usize) -> Catalog {
    let mut s = String::from("version = 1\n");
    for i in 0..n {
        s += &format!(
            "[[messages]]\nid = \"message-{i:03}\"\ntopic = \"t\"\nweight = {}\npriority = {}\n\
             until = \"2030-12-31\"\n[messages.text.th]\nlong = \"ข้อความ {i}\"\n\
             [messages.text.en]\nlong = \"Message {i}\"\n",
            1 + i % 7,
            i32::from(i % 10 == 0),
        );
    }
    Catalog::from_str_as(&s, Format::Toml, "alloc").unwrap()
}

#[test]
fn pick_does_not_allocate() {
    let cat = catalog(100);
    let policies = [
        Policy::Sticky,
        Policy::Cycle {
            period: Period::Month,
        },
        Policy::TimeSliced {
            period: Period::Week,
        },
        Policy::RoundRobin,
        Policy::Random { seed: Some(1) },
    ];
    let requests = [
        Request::new(Surface::Receipt)
            .document_key("INV-2026-000123")
            .at(datetime!(2026-03-10 10:00 +7)),
        Request::new(Surface::Receipt)
            .lang("en")
            .document_key("  ใบเสร็จ ๒๕๖๙/๐๐๑ ")
            .subject_key("Customer-42")
            .at(datetime!(2026-03-10 10:00 +7)),
        // No instant: "now" is read from the clock without allocating.
        Request::new(Surface::Invoice).document_key("Cafe\u{301}-9"),
    ];
    // Other keys and instants in the same window epoch (before 2030-12-31).
    let more: Vec<Request> = (0..50)
        .map(|i| {
            Request::new(Surface::Receipt)
                .document_key(format!("INV-2026-{i:06}"))
                .subject_key(format!("c-{i}"))
                .at(datetime!(2026-01-01 00:00 +7) + time::Duration::hours(i * 97))
        })
        .collect();
    for p in policies {
        let sel = Selector::new(&cat).unwrap().with_policy(None, p);
        for req in &requests {
            // The first pick fills the cache (and lazy statics: thread rng, ...).
            let before = ALLOCATIONS.load(Ordering::SeqCst);
            let _ = sel.pick(req).unwrap();
            let first = ALLOCATIONS.load(Ordering::SeqCst) - before;
            let before = ALLOCATIONS.load(Ordering::SeqCst);
            for _ in 0..100 {
                std::hint::black_box(sel.pick(std::hint::black_box(req)).unwrap());
            }
            for r in &more {
                std::hint::black_box(sel.pick(std::hint::black_box(r)).unwrap());
            }
            let after = ALLOCATIONS.load(Ordering::SeqCst);
            assert_eq!(after - before, 0, "{p} allocated for {req:?}");
            // The counter sees pick's own allocations: filling the cache allocates.
            if req.lang == "th" && req.at.is_some() {
                assert!(first > 0, "{p}: the cold pick did not fill the cache?");
            }
        }
        // The counter works: `select` builds Strings (id and token).
        let before = ALLOCATIONS.load(Ordering::SeqCst);
        std::hint::black_box(sel.select(&requests[0]).unwrap());
        assert!(ALLOCATIONS.load(Ordering::SeqCst) > before);
    }
}
