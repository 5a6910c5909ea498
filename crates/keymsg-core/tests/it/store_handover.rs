//! Two attempts at one document at the same moment, the first one's
//! delivery failing: the retry that printed as a duplicate is handed the
//! key and the count when the first attempt withdraws, so the receipt
//! counts once (docs/COUNTING.md, "A delivery that fails"). In a store
//! directory (two writer files, or two threads of one) and in memory.

#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use std::sync::mpsc;

use keymsg_core::store::{Counted, Insertion, Store, StoreOptions};
use keymsg_core::{Engine, FooterRequest, Surface, Undelivered};
use time::macros::datetime;

const AT: time::OffsetDateTime = datetime!(2026-03-10 09:00 +07:00);

fn keyed(key: &str) -> FooterRequest {
    FooterRequest {
        surface: Some(Surface::Receipt),
        at: Some(AT),
        idempotency_key: Some(key.to_owned()),
        ..FooterRequest::new().key(key)
    }
}

fn receipt(key: &str) -> Insertion {
    Insertion::new(AT, "PEA", Surface::Receipt, "aoc-1441").with_key(key)
}

fn total(s: &Store) -> u64 {
    s.month_counts("2026-03".parse().unwrap(), None)
        .unwrap()
        .iter()
        .map(|r| r.count)
        .sum()
}

/// An engine over a fresh store directory, and one in memory.
fn engines() -> Vec<(Engine, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().unwrap();
    vec![
        (
            Engine::builder().store_path(dir.path()).build().unwrap(),
            Some(dir),
        ),
        (Engine::builder().in_memory_store().build().unwrap(), None),
    ]
}

/// Attempt A counts and its printer hangs until retry B has been answered
/// "duplicate" and has printed (B's `deliver` returns `b_prints`); then A's
/// printer fails. Returns what B's call returned.
fn race(engine: &Engine, key: &str, b_prints: bool) -> Result<bool, bool> {
    let (a_counted, a_counted_rx) = mpsc::channel();
    let (b_done, b_done_rx) = mpsc::channel::<()>();
    std::thread::scope(|s| {
        let a = s.spawn(move || {
            let err = engine
                .footer_delivered(&keyed(key), |r| {
                    assert!(r.counted, "A counts first");
                    a_counted.send(()).unwrap();
                    b_done_rx.recv().unwrap();
                    Err(std::io::Error::other("paper jam"))
                })
                .unwrap_err();
            match err {
                Undelivered::Delivery { withdrawn, .. } => assert!(withdrawn.unwrap()),
                other => panic!("{other:?}"),
            }
        });
        let b = s.spawn(move || {
            a_counted_rx.recv().unwrap();
            let r = engine.footer_delivered(&keyed(key), |r| {
                assert!(!r.counted, "B is a duplicate while A holds the key");
                if b_prints {
                    Ok(())
                } else {
                    Err(std::io::Error::other("cover open"))
                }
            });
            b_done.send(()).unwrap();
            r.map(|r| r.counted).map_err(|e| match e {
                Undelivered::Delivery { withdrawn, .. } => withdrawn.unwrap(),
                other => panic!("{other:?}"),
            })
        });
        a.join().unwrap();
        b.join().unwrap()
    })
}

/// (1) A fails after B printed as a duplicate: B's receipt counts once and
/// holds the key, so a third attempt is a duplicate.
#[test]
fn a_duplicate_that_printed_counts_when_the_first_attempt_fails() {
    for (engine, dir) in engines() {
        assert_eq!(race(&engine, "R-1", true), Ok(false));
        let store = engine.store().unwrap();
        assert_eq!(total(store), 1, "printed once, counted once");
        assert!(!engine.footer(&keyed("R-1")).unwrap().counted, "key held");
        assert_eq!(total(store), 1);
        if let Some(dir) = dir {
            // Another process reads the same, and reopening changes nothing.
            let other = Store::open(dir.path(), StoreOptions::default()).unwrap();
            assert_eq!(total(&other), 1);
            assert_eq!(other.count(&receipt("R-1")).unwrap(), Counted::Duplicate);
        }
    }
}

/// (3) B's printer fails too: nothing was printed, nothing is counted,
/// and the key is free for the next attempt.
#[test]
fn nothing_counts_when_both_attempts_fail() {
    for (engine, _dir) in engines() {
        assert_eq!(race(&engine, "R-2", false), Err(false));
        assert_eq!(total(engine.store().unwrap()), 0);
        assert!(engine.footer(&keyed("R-2")).unwrap().counted, "key free");
        assert_eq!(total(engine.store().unwrap()), 1);
    }
}

/// (3, the other order) A withdraws first, handing B the count; then B's
/// own delivery fails and B withdraws as a duplicate: the handed count goes
/// too, and the key is free.
#[test]
fn a_handed_count_is_withdrawn_with_the_duplicate_that_holds_it() {
    let dir = tempfile::tempdir().unwrap();
    let a = Store::open(dir.path(), StoreOptions::default()).unwrap();
    let b = Store::open(dir.path(), StoreOptions::default()).unwrap();
    // In memory, the two attempts share the one store.
    let mem = Store::in_memory();
    for (a, b) in [(&a, &b), (&mem, &mem)] {
        assert_eq!(a.count(&receipt("R-3")).unwrap(), Counted::New);
        assert_eq!(b.count(&receipt("R-3")).unwrap(), Counted::Duplicate);
        a.withdraw(&receipt("R-3"), Counted::New).unwrap();
        assert_eq!(total(a), 1, "handed to B");
        b.withdraw(&receipt("R-3"), Counted::Duplicate).unwrap();
        assert_eq!(total(a), 0);
        assert_eq!(a.count(&receipt("R-3")).unwrap(), Counted::New, "key free");
        assert_eq!(total(b), 1);
    }
}

/// (4) A delivers: B's refused attempt never counts, not after A's success,
/// not when the store is opened again, not after B withdraws.
#[test]
fn a_refused_attempt_never_counts_when_the_first_one_delivers() {
    let dir = tempfile::tempdir().unwrap();
    {
        let a = Store::open(dir.path(), StoreOptions::default()).unwrap();
        let b = Store::open(dir.path(), StoreOptions::default()).unwrap();
        let mem = Store::in_memory();
        for (a, b) in [(&a, &b), (&mem, &mem)] {
            assert_eq!(a.count(&receipt("R-4")).unwrap(), Counted::New);
            for _ in 0..3 {
                assert_eq!(b.count(&receipt("R-4")).unwrap(), Counted::Duplicate);
            }
            assert_eq!(total(a), 1);
            // One of the retries fails to print: withdrawing it takes
            // nothing from A.
            b.withdraw(&receipt("R-4"), Counted::Duplicate).unwrap();
            assert_eq!(total(a), 1);
        }
    }
    let again = Store::open(dir.path(), StoreOptions::default()).unwrap();
    assert_eq!(total(&again), 1);
    assert_eq!(again.count(&receipt("R-4")).unwrap(), Counted::Duplicate);
    // And through the engine: a delivered first attempt, a duplicate retry.
    for (engine, _dir) in engines() {
        assert!(
            engine
                .footer_delivered(&keyed("R-5"), |_| Ok::<(), std::io::Error>(()))
                .unwrap()
                .counted
        );
        assert!(!engine.footer(&keyed("R-5")).unwrap().counted);
        assert_eq!(total(engine.store().unwrap()), 1);
    }
}

/// The oldest refused attempt is handed the key, once: a second
/// withdrawal hands it on to the next one, never to two.
#[test]
fn the_key_goes_to_the_oldest_refused_attempt_then_the_next() {
    let dir = tempfile::tempdir().unwrap();
    let a = Store::open(dir.path(), StoreOptions::default()).unwrap();
    let b = Store::open(dir.path(), StoreOptions::default()).unwrap();
    let c = Store::open(dir.path(), StoreOptions::default()).unwrap();
    assert_eq!(a.count(&receipt("R-6")).unwrap(), Counted::New);
    assert_eq!(b.count(&receipt("R-6")).unwrap(), Counted::Duplicate);
    assert_eq!(c.count(&receipt("R-6")).unwrap(), Counted::Duplicate);
    a.withdraw(&receipt("R-6"), Counted::New).unwrap();
    assert_eq!(total(&a), 1);
    // B holds it now: A's own retry is refused, C still waits.
    assert_eq!(a.count(&receipt("R-6")).unwrap(), Counted::Duplicate);
    b.withdraw(&receipt("R-6"), Counted::Duplicate).unwrap();
    assert_eq!(total(&a), 1, "handed on to C (the oldest still waiting)");
    c.withdraw(&receipt("R-6"), Counted::Duplicate).unwrap();
    assert_eq!(total(&a), 1, "then to A's retry");
    a.withdraw(&receipt("R-6"), Counted::Duplicate).unwrap();
    assert_eq!(total(&a), 0);
    assert_eq!(b.count(&receipt("R-6")).unwrap(), Counted::New);
}

/// (6) A store written by the previous schema (version 2, before refused
/// attempts were kept) is migrated when opened, keeps its counts and keys,
/// and hands over from then on.
#[test]
fn a_version_2_store_is_migrated_and_hands_over() {
    let dir = tempfile::tempdir().unwrap();
    let file = {
        let s = Store::open(dir.path(), StoreOptions::default()).unwrap();
        assert_eq!(s.count(&receipt("R-7")).unwrap(), Counted::New);
        s.writer_file().unwrap().to_path_buf()
    };
    {
        // What version 2 had: everything but `refused` and `handover`.
        let c = rusqlite::Connection::open(&file).unwrap();
        c.execute_batch(
            "DROP TABLE refused; DROP TABLE handover; UPDATE schema_version SET version = 2;",
        )
        .unwrap();
    }
    let a = Store::open(dir.path(), StoreOptions::default()).unwrap();
    let b = Store::open(dir.path(), StoreOptions::default()).unwrap();
    let version: i64 = rusqlite::Connection::open(&file)
        .unwrap()
        .query_row("SELECT version FROM schema_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 3);
    assert_eq!(total(&a), 1);
    assert_eq!(b.count(&receipt("R-7")).unwrap(), Counted::Duplicate);
    assert_eq!(a.count(&receipt("R-8")).unwrap(), Counted::New);
    assert_eq!(b.count(&receipt("R-8")).unwrap(), Counted::Duplicate);
    a.withdraw(&receipt("R-8"), Counted::New).unwrap();
    assert_eq!(total(&a), 2, "R-7, and R-8 handed to B");
    assert_eq!(a.count(&receipt("R-8")).unwrap(), Counted::Duplicate);
}

/// (7) A refused attempt expires with the key it was refused for: once
/// retention dropped the key (here by hand, as the pruning of a file whose
/// refused rows were not pruned yet — a writer that stopped), reopening the
/// store hands nothing; and the pruning deletes the refused row.
#[test]
fn a_refused_attempt_is_never_handed_a_key_that_expired() {
    let dir = tempfile::tempdir().unwrap();
    let (fa, fb) = {
        let a = Store::open(dir.path(), StoreOptions::default()).unwrap();
        let b = Store::open(dir.path(), StoreOptions::default()).unwrap();
        assert_eq!(a.count(&receipt("R-9")).unwrap(), Counted::New);
        assert_eq!(b.count(&receipt("R-9")).unwrap(), Counted::Duplicate);
        (
            a.writer_file().unwrap().to_path_buf(),
            b.writer_file().unwrap().to_path_buf(),
        )
    };
    // Two years on: A's key expired and its file's pruning deleted it; B's
    // file has not been pruned.
    rusqlite::Connection::open(&fa)
        .unwrap()
        .execute("DELETE FROM keys WHERE key = 'R-9'", [])
        .unwrap();
    rusqlite::Connection::open(&fb)
        .unwrap()
        .execute("UPDATE refused SET key_month = '2020-01'", [])
        .unwrap();
    let s = Store::open(dir.path(), StoreOptions::default()).unwrap();
    assert_eq!(total(&s), 1, "the expired key was handed to nobody");
    drop(s);
    // Not even when a withdrawal's hand-over was left undone for it (the
    // marker a crash leaves), while the refused row's key month has expired.
    let mark_withdrawn = || {
        rusqlite::Connection::open(&fa)
            .unwrap()
            .execute("INSERT OR IGNORE INTO handover (key) VALUES ('R-9')", [])
            .unwrap();
    };
    mark_withdrawn();
    let s = Store::open(dir.path(), StoreOptions::default()).unwrap();
    assert_eq!(total(&s), 1, "an expired refused row is never handed a key");
    drop(s);
    // Without retention the same row is handed: the retention rule is what
    // stopped it.
    mark_withdrawn();
    let forever = StoreOptions {
        key_retention_months: None,
        ..StoreOptions::default()
    };
    let s = Store::open(dir.path(), forever).unwrap();
    assert_eq!(total(&s), 2);
    drop(s);
    // The pruning at open deletes expired refused rows.
    let fresh = tempfile::tempdir().unwrap();
    let fb = {
        let a = Store::open(fresh.path(), StoreOptions::default()).unwrap();
        let b = Store::open(fresh.path(), StoreOptions::default()).unwrap();
        a.count(&receipt("R-10")).unwrap();
        assert_eq!(b.count(&receipt("R-10")).unwrap(), Counted::Duplicate);
        b.writer_file().unwrap().to_path_buf()
    };
    rusqlite::Connection::open(&fb)
        .unwrap()
        .execute("UPDATE refused SET key_month = '2020-01'", [])
        .unwrap();
    let refused = || -> i64 {
        rusqlite::Connection::open(&fb)
            .unwrap()
            .query_row("SELECT count(*) FROM refused", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(refused(), 1);
    let _a = Store::open(fresh.path(), StoreOptions::default()).unwrap();
    let _b = Store::open(fresh.path(), StoreOptions::default()).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while refused() != 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "refused row not pruned"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
