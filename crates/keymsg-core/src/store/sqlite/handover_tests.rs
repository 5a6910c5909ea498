//! A crash between a withdrawal and its hand-over (see `handover`): the
//! withdrawal commits in the withdrawing writer's file, the process dies
//! before the hand-over commits in the refused attempt's file. The next
//! open hands the key over, so the receipt counts once, never twice.

use time::macros::datetime;

use super::*;
use crate::Surface;

fn receipt() -> Insertion {
    Insertion::new(
        datetime!(2026-03-10 10:00 +7),
        "PEA",
        Surface::Receipt,
        "aoc-1441",
    )
    .with_key("R-crash")
}

fn total(s: &SqliteStore) -> u64 {
    s.month_counts(
        YearMonth::new(2026, 3).unwrap_or_else(|_| unreachable!()),
        None,
    )
    .unwrap_or_default()
    .iter()
    .map(|r| r.count)
    .sum()
}

#[test]
fn a_crash_between_withdrawal_and_hand_over_is_recovered_at_open() -> Result<(), StoreError> {
    let dir = tempfile::tempdir().map_err(|e| StoreError::Io {
        path: "tempdir".into(),
        source: e,
    })?;
    let opts = StoreOptions::default();
    let a = SqliteStore::open(dir.path(), opts.clone())?;
    let b = SqliteStore::open(dir.path(), opts.clone())?;
    assert_eq!(a.count(&receipt())?, Counted::New);
    assert_eq!(b.count(&receipt())?, Counted::Duplicate);
    // The lowest-level split of `Writer::withdraw`: its first transaction
    // only, then the process "dies" (the store is dropped, nothing more).
    a.group()?.writer()?.take_back(&receipt(), 1, 0, None)?;
    drop(a);
    assert_eq!(total(&b), 0, "the window: printed by B, counted nowhere");
    // The next process to open the store hands the key over.
    let c = SqliteStore::open(dir.path(), opts.clone())?;
    assert_eq!(total(&c), 1);
    assert_eq!(c.count(&receipt())?, Counted::Duplicate, "the key is held");
    // Opening again changes nothing: never counted twice.
    drop(c);
    let d = SqliteStore::open(dir.path(), opts)?;
    assert_eq!(total(&d), 1);
    // B's own withdrawal (had its printer failed after all) takes the
    // handed count back, and hands it on to C's retry, refused above.
    b.withdraw(&receipt(), Counted::Duplicate)?;
    assert_eq!(total(&d), 1);
    assert_eq!(d.count(&receipt())?, Counted::Duplicate);
    Ok(())
}

/// A hand-over that failed (here: not run after the withdrawal's first
/// transaction) is run at the writer's next keyed withdrawal, in a process
/// that goes on without reopening the store (a long-running service).
#[test]
fn a_hand_over_left_undone_is_run_at_the_next_keyed_withdrawal() -> Result<(), StoreError> {
    let dir = tempfile::tempdir().map_err(|e| StoreError::Io {
        path: "tempdir".into(),
        source: e,
    })?;
    let opts = StoreOptions::default();
    let a = SqliteStore::open(dir.path(), opts.clone())?;
    let b = SqliteStore::open(dir.path(), opts)?;
    assert_eq!(a.count(&receipt())?, Counted::New);
    assert_eq!(b.count(&receipt())?, Counted::Duplicate);
    a.group()?.writer()?.take_back(&receipt(), 1, 0, None)?;
    assert_eq!(total(&a), 0, "the withdrawal's hand-over has not run");
    // Another receipt of A's, counted then withdrawn (its delivery failed).
    let other = receipt().with_key("R-other");
    assert_eq!(a.count(&other)?, Counted::New);
    a.withdraw(&other, Counted::New)?;
    assert_eq!(total(&a), 1, "B's print of R-crash was handed the count");
    assert_eq!(a.count(&receipt())?, Counted::Duplicate, "and the key");
    Ok(())
}
