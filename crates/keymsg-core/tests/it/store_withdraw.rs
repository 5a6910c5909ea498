//! `Store::withdraw` takes back only a count this process made, once; and
//! idempotency keys of insertions dated long ago outlive the retention run
//! that follows their count.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keymsg_core::Surface;
use keymsg_core::YearMonth;
use keymsg_core::store::{Counted, Insertion, Store, StoreError, StoreOptions};
use time::macros::datetime;

fn receipt(key: &str) -> Insertion {
    Insertion::new(
        datetime!(2026-03-10 10:00 +7),
        "PEA",
        Surface::Receipt,
        "aoc-1441",
    )
    .with_key(key)
}

fn total(s: &Store, month: &str) -> u64 {
    let month: YearMonth = month.parse().unwrap();
    s.month_counts(month, None)
        .unwrap()
        .iter()
        .map(|r| r.count)
        .sum()
}

fn nothing_to_withdraw(r: Result<(), StoreError>) -> bool {
    matches!(r, Err(StoreError::NothingToWithdraw { .. }))
}

/// A second withdrawal of one receipt would lower the counter of another
/// (same message, month and kind): it is refused, in a file and in memory.
#[test]
fn a_receipt_is_withdrawn_once_and_the_other_receipts_stay_counted() {
    let dir = tempfile::tempdir().unwrap();
    let stores = [
        Store::open(dir.path(), StoreOptions::default()).unwrap(),
        Store::in_memory(),
    ];
    for s in &stores {
        assert_eq!(s.count(&receipt("R-1")).unwrap(), Counted::New);
        assert_eq!(s.count(&receipt("R-2")).unwrap(), Counted::New);
        s.withdraw(&receipt("R-1"), Counted::New).unwrap();
        assert!(nothing_to_withdraw(
            s.withdraw(&receipt("R-1"), Counted::New)
        ));
        assert_eq!(total(s, "2026-03"), 1, "R-2 was delivered");
        // Withdrawn, R-1's key is free: its reprint counts again.
        assert_eq!(s.count(&receipt("R-1")).unwrap(), Counted::New);
        assert_eq!(total(s, "2026-03"), 2);
    }
}

/// Each process withdraws only its own counts: another's receipt is left
/// alone, and so is this process's counter of the same message.
#[test]
fn a_count_made_by_another_process_is_not_withdrawn() {
    let dir = tempfile::tempdir().unwrap();
    let a = Store::open(dir.path(), StoreOptions::default()).unwrap();
    let b = Store::open(dir.path(), StoreOptions::default()).unwrap();
    assert_eq!(a.count(&receipt("R-A")).unwrap(), Counted::New);
    assert_eq!(b.count(&receipt("R-B")).unwrap(), Counted::New);
    assert!(nothing_to_withdraw(
        b.withdraw(&receipt("R-A"), Counted::New)
    ));
    assert_eq!(total(&a, "2026-03"), 2);
    // Both keys are still held: retries are duplicates.
    assert_eq!(b.count(&receipt("R-B")).unwrap(), Counted::Duplicate);
    assert_eq!(a.count(&receipt("R-A")).unwrap(), Counted::Duplicate);
}

/// A refused withdrawal leaves the acknowledged mark where it was, so a
/// later loss of those counts is still detected.
#[test]
fn a_refused_withdrawal_leaves_the_mark() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path(), StoreOptions::default()).unwrap();
    s.count(&receipt("R-1")).unwrap();
    s.count(&receipt("R-2")).unwrap();
    let never = Insertion::new(
        datetime!(2026-03-10 10:00 +7),
        "PEA",
        Surface::Receipt,
        "never-counted",
    );
    for _ in 0..2 {
        assert!(nothing_to_withdraw(s.withdraw(&never, Counted::New)));
    }
    assert!(nothing_to_withdraw(
        s.withdraw(&receipt("R-9"), Counted::New)
    ));
    let files = Store::verify(dir.path()).unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].acknowledged, Some(2));
    assert_eq!(files[0].found, Some(2));
    // A withdrawal that goes through lowers it.
    s.withdraw(&receipt("R-2"), Counted::New).unwrap();
    assert_eq!(Store::verify(dir.path()).unwrap()[0].acknowledged, Some(1));
}

/// An insertion dated long before the retention (a till whose clock was
/// reset, a backlog uploaded late) keeps its key past the pruning that runs
/// when the store opens: a retry a moment later is still a duplicate.
#[test]
fn the_key_of_an_insertion_dated_long_ago_survives_the_next_open() {
    let dir = tempfile::tempdir().unwrap();
    let old = Insertion::new(
        datetime!(2024-01-15 10:00 +7),
        "PEA",
        Surface::Receipt,
        "aoc-1441",
    )
    .with_key("R-77");
    {
        let s = Store::open(dir.path(), StoreOptions::default()).unwrap();
        assert_eq!(s.count(&old).unwrap(), Counted::New);
    }
    let s = Store::open(dir.path(), StoreOptions::default()).unwrap();
    // Pruning runs in the background at open; give it time to finish.
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(s.count(&old).unwrap(), Counted::Duplicate);
    assert_eq!(total(&s, "2024-01"), 1);
}
