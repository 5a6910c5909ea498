//! A panic under the writer lock.

use super::*;
use crate::Surface;
use time::macros::datetime;

/// A panic while the writer lock is held, in the middle of a transaction,
/// must not stop the process from counting: the lock is recovered and
/// the open transaction rolled back.
#[test]
fn a_panic_under_the_writer_lock_does_not_stop_counting() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("s"), StoreOptions::default()).unwrap();
    let group = store.group.as_ref().unwrap();
    let ins = Insertion::new(datetime!(2026-03-01 10:00 +7), "PEA", Surface::Receipt, "m");
    assert_eq!(store.count(&ins).unwrap(), Counted::New);
    let poisoned = std::thread::scope(|s| {
        s.spawn(|| {
            let mut w = group.writer().unwrap();
            w.conn().execute_batch("BEGIN IMMEDIATE").unwrap();
            panic!("simulated bug while committing");
        })
        .join()
    });
    assert!(poisoned.is_err());
    for _ in 0..3 {
        assert_eq!(store.count(&ins).unwrap(), Counted::New);
    }
    let rows = store
        .month_counts("2026-03".parse().unwrap(), None)
        .unwrap();
    assert_eq!(rows.iter().map(|r| r.count).sum::<u64>(), 4);
}
