//! A store proves it lost nothing or says what it lost: a writer file
//! deleted, emptied or replaced by an older copy is detected on open, named,
//! with the number of counts missing; nothing is recreated silently; a
//! report opens the store read-only; a loss is accepted only on request.
#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use std::path::{Path, PathBuf};

use keymsg_core::Surface;
use keymsg_core::store::{Insertion, Store, StoreError, StoreOptions};
use time::macros::datetime;

fn count(dir: &Path, from: u32, n: u32) {
    let store = Store::open(dir, StoreOptions::default()).unwrap();
    for i in from..from + n {
        let ins = Insertion::new(
            datetime!(2026-03-10 10:00 +7),
            "PEA",
            Surface::Receipt,
            "aoc-1441",
        )
        .with_key(format!("R-{i}"));
        store.count(&ins).unwrap();
    }
}

fn total(store: &Store) -> u64 {
    store
        .month_counts("2026-03".parse().unwrap(), None)
        .unwrap()
        .iter()
        .map(|r| r.count)
        .sum()
}

fn w0(dir: &Path) -> PathBuf {
    dir.join("w-0.sqlite")
}

/// The store's files, without SQLite's `-wal` / `-shm` companions (a
/// reader may create empty ones where the directory is writable).
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with("-wal") && !n.ends_with("-shm"))
        .collect();
    v.sort();
    v
}

fn assert_lost(e: StoreError, missing: u64) {
    match &e {
        StoreError::Lost {
            path, missing: m, ..
        } => {
            assert!(path.ends_with("w-0.sqlite"), "{e}");
            assert_eq!(*m, missing, "{e}");
        }
        other => panic!("expected Lost, got {other:?}"),
    }
}

#[test]
fn a_writer_file_replaced_by_an_older_copy_is_detected() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    count(&dir, 0, 20);
    let old = tmp.path().join("old.sqlite");
    std::fs::copy(w0(&dir), &old).unwrap();
    count(&dir, 20, 10);
    std::fs::copy(&old, w0(&dir)).unwrap();

    assert_lost(Store::open(&dir, StoreOptions::default()).unwrap_err(), 10);
    assert_lost(Store::open_read_only(&dir).unwrap_err(), 10);
    let checks = Store::verify(&dir).unwrap();
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0].acknowledged, Some(30));
    assert_eq!(checks[0].found, Some(20));
    assert_eq!(checks[0].missing, 10);

    // Accepting the loss is explicit, logged, and lets the store work again.
    let accepted = Store::repair_accepting_loss(&dir).unwrap();
    assert_eq!(accepted.len(), 1);
    let log = std::fs::read_to_string(dir.join("LOSSES.log")).unwrap();
    assert!(
        log.contains("w-0.sqlite: accepted the loss of 10 counts"),
        "{log}"
    );
    assert!(Store::verify(&dir).unwrap().iter().all(|c| c.is_ok()));
    let store = Store::open(&dir, StoreOptions::default()).unwrap();
    assert_eq!(total(&store), 20);
}

#[test]
fn a_deleted_writer_file_is_detected_and_not_recreated() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    count(&dir, 0, 7);
    for ext in ["sqlite", "sqlite-wal", "sqlite-shm"] {
        let _ = std::fs::remove_file(dir.join(format!("w-0.{ext}")));
    }
    assert_lost(Store::open(&dir, StoreOptions::default()).unwrap_err(), 7);
    assert!(!w0(&dir).exists(), "the lost file must not be recreated");
    // The keys it held are not forgotten silently either: nothing counts.
    assert!(Store::open(&dir, StoreOptions::default()).is_err());
}

/// One lost count is said in the singular ("1 count", not "1 counts"), in
/// the error, the check and the loss log.
#[test]
fn one_lost_count_is_one_count() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    count(&dir, 0, 1);
    for ext in ["sqlite", "sqlite-wal", "sqlite-shm"] {
        let _ = std::fs::remove_file(dir.join(format!("w-0.{ext}")));
    }
    let e = Store::open(&dir, StoreOptions::default()).unwrap_err();
    assert!(e.to_string().contains("lost 1 acknowledged count:"), "{e}");
    let checks = Store::verify(&dir).unwrap();
    let problem = checks[0].problem.as_deref().unwrap();
    assert_eq!(
        problem,
        "the file is missing, but its writer acknowledged 1 count and 0 manual entries"
    );
    Store::repair_accepting_loss(&dir).unwrap();
    let log = std::fs::read_to_string(dir.join("LOSSES.log")).unwrap();
    assert!(
        log.contains("w-0.sqlite: accepted the loss of 1 count ("),
        "{log}"
    );
}

#[test]
fn an_emptied_writer_file_is_detected() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    count(&dir, 0, 5);
    std::fs::File::create(w0(&dir)).unwrap(); // truncates to 0 bytes
    assert_lost(Store::open(&dir, StoreOptions::default()).unwrap_err(), 5);
    assert_eq!(
        std::fs::metadata(w0(&dir)).unwrap().len(),
        0,
        "left untouched"
    );
}

#[test]
fn manual_entries_rolled_back_are_detected() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    count(&dir, 0, 1);
    let old = tmp.path().join("old.sqlite");
    std::fs::copy(w0(&dir), &old).unwrap();
    {
        let store = Store::open(&dir, StoreOptions::default()).unwrap();
        store
            .record(&keymsg_core::store::ManualEntry {
                agency: "PEA".into(),
                month: "2026-03".parse().unwrap(),
                channel: keymsg_core::Channel::OnAir,
                message_id: "aoc-1441".into(),
                count: 3,
            })
            .unwrap();
    }
    std::fs::copy(&old, w0(&dir)).unwrap();
    let e = Store::open(&dir, StoreOptions::default()).unwrap_err();
    // One of each is singular.
    assert!(
        e.to_string().contains(
            "holds 1 of the 1 count and 0 of the 1 manual entry its writer acknowledged \
             (0 counts and 1 manual entry missing:"
        ),
        "{e}"
    );
}

#[test]
fn a_report_opens_the_store_read_only() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    count(&dir, 0, 12);
    let before = listing(&dir);
    let bytes = std::fs::read(w0(&dir)).unwrap();
    let mark = std::fs::read(dir.join("w-0.mark")).unwrap();
    let store = Store::open_read_only(&dir).unwrap();
    assert_eq!(total(&store), 12);
    let e = store
        .count(&Insertion::new(
            datetime!(2026-03-10 10:00 +7),
            "PEA",
            Surface::Receipt,
            "aoc-1441",
        ))
        .unwrap_err();
    assert!(matches!(e, StoreError::ReadOnly { .. }), "{e:?}");
    drop(store);
    assert_eq!(
        listing(&dir),
        before,
        "a read-only open claims no writer file"
    );
    assert_eq!(std::fs::read(w0(&dir)).unwrap(), bytes);
    assert_eq!(std::fs::read(dir.join("w-0.mark")).unwrap(), mark);
    // A directory that is not a store is refused, not created.
    let missing = tmp.path().join("nope");
    assert!(Store::open_read_only(&missing).is_err());
    assert!(!missing.exists());
}

#[test]
fn an_intact_store_verifies_with_every_count() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("s");
    count(&dir, 0, 9);
    count(&dir, 5, 9); // 4 retries, 5 new
    let checks = Store::verify(&dir).unwrap();
    assert!(checks.iter().all(|c| c.is_ok()), "{checks:?}");
    assert_eq!(checks.iter().filter_map(|c| c.found).sum::<u64>(), 14);
}

/// Make `dir` and every file in it read-only (`read_only`) or writable again,
/// the way read-only media are: nothing can be written or created there.
fn set_read_only(dir: &Path, read_only: bool) {
    use std::os::unix::fs::PermissionsExt;
    let (file, d) = if read_only {
        (0o444, 0o555)
    } else {
        (0o644, 0o755)
    };
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(file)).unwrap();
    }
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(d)).unwrap();
}

#[test]
fn a_store_on_read_only_media_is_reported() {
    // Root ignores permissions: as root this runs again as `nobody`.
    crate::unprivileged::run("store_loss::a_store_on_read_only_media_is_reported", || {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("s");
        count(&dir, 0, 12);
        count(&dir, 5, 9); // 5 retries, 2 new
        set_read_only(&dir, true);
        let all = |d: &Path| {
            let mut v: Vec<_> = std::fs::read_dir(d)
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect();
            v.sort();
            v
        };
        let before = all(&dir);
        // A writer cannot open it, and says why.
        let e = Store::open(&dir, StoreOptions::default()).unwrap_err();
        assert!(matches!(e, StoreError::ReadOnly { .. }), "{e:?}");
        // A reader (the report) reads every count, and verifies it.
        let store = Store::open_read_only(&dir).unwrap();
        assert_eq!(total(&store), 14);
        let catalog = keymsg_core::Catalog::embedded().unwrap();
        let march = "2026-03".parse().unwrap();
        let report =
            keymsg_core::report::Report::from_store(&store, &catalog, march, None).unwrap();
        assert_eq!(report.agency, "PEA");
        assert_eq!(report.totals.documents, 14);
        drop(store);
        let checks = Store::verify(&dir).unwrap();
        assert!(checks.iter().all(|c| c.is_ok()), "{checks:?}");
        assert_eq!(all(&dir), before, "nothing was created");
        set_read_only(&dir, false);
    });
}
