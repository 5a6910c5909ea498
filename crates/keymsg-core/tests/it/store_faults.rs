//! Faults: disk full, corrupt or foreign files, unusable paths, newer schemas.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::Path;

use keymsg_core::Surface;
use keymsg_core::store::{Counted, Insertion, Store, StoreError, StoreOptions};
use time::macros::datetime;

fn ins(key: &str) -> Insertion {
    Insertion::new(
        datetime!(2026-03-10 09:00 +07:00),
        "MEA",
        Surface::Invoice,
        "aoc-1441",
    )
    .with_key(key)
}

fn total(store: &Store) -> u64 {
    store
        .month_counts("2026-03".parse().unwrap(), None)
        .unwrap()
        .iter()
        .map(|r| r.count)
        .sum()
}

/// Create a store with one writer file `w-0.sqlite` holding one count.
fn make_store(dir: &Path) -> std::path::PathBuf {
    let s = Store::open(dir, StoreOptions::default()).unwrap();
    s.count(&ins("first")).unwrap();
    s.writer_file().unwrap().to_path_buf()
}

#[test]
fn disk_full_is_an_error_corrupts_nothing_and_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(
        dir.path(),
        StoreOptions {
            max_file_bytes: Some(64 * 1024),
            ..StoreOptions::default()
        },
    )
    .unwrap();
    let mut counted = 0u64;
    let mut full = None;
    for i in 0..100_000 {
        // Long keys fill pages quickly.
        match s.count(&ins(&format!("{i:0>200}"))) {
            Ok(Counted::New) => counted += 1,
            Ok(other) => panic!("{other:?}"),
            Err(e) => {
                full = Some((i, e));
                break;
            }
        }
    }
    let (at, e) = full.expect("the size cap was never reached");
    assert!(matches!(e, StoreError::DiskFull { .. }), "{e:?}");
    assert!(e.to_string().contains("disk full"), "{e}");
    // The failed batch counted nothing; earlier counts are intact.
    assert_eq!(total(&s), counted);
    s.integrity_check().unwrap();
    // Batches fail as a whole too.
    let batch: Vec<_> = (0..50).map(|j| ins(&format!("b{j:0>200}"))).collect();
    assert!(matches!(
        s.count_batch(&batch),
        Err(StoreError::DiskFull { .. })
    ));
    assert_eq!(total(&s), counted);
    // Space returns: the same insertion now counts once.
    s.set_max_file_bytes(None).unwrap();
    assert_eq!(s.count(&ins(&format!("{at:0>200}"))).unwrap(), Counted::New);
    assert_eq!(s.count_batch(&batch).unwrap().len(), 50);
    assert_eq!(total(&s), counted + 51);
    s.integrity_check().unwrap();
}

#[test]
fn a_corrupt_file_is_a_clear_error_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let file = make_store(dir.path());
    let garbage = "this is not a database\n".repeat(300);
    std::fs::write(&file, &garbage).unwrap();
    let e = Store::open(dir.path(), StoreOptions::default()).unwrap_err();
    assert!(matches!(e, StoreError::Corrupt { .. }), "{e:?}");
    assert!(e.to_string().contains("w-0.sqlite"), "{e}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), garbage);
}

#[test]
fn a_damaged_page_is_reported_not_papered_over() {
    let dir = tempfile::tempdir().unwrap();
    let file = {
        let s = Store::open(dir.path(), StoreOptions::default()).unwrap();
        let batch: Vec<_> = (0..2000).map(|i| ins(&format!("key-{i:0>40}"))).collect();
        s.count_batch(&batch).unwrap();
        s.writer_file().unwrap().to_path_buf()
    };
    // Closing the last connection checkpointed the WAL into the file.
    let mut bytes = std::fs::read(&file).unwrap();
    assert!(bytes.len() > 8 * 4096);
    for b in &mut bytes[5 * 4096..7 * 4096] {
        *b = 0xA5;
    }
    std::fs::write(&file, &bytes).unwrap();
    let result = Store::open(dir.path(), StoreOptions::default())
        .and_then(|s| s.integrity_check().map(|()| s));
    let e = result.unwrap_err();
    assert!(matches!(e, StoreError::Corrupt { .. }), "{e:?}");
    assert_eq!(std::fs::read(&file).unwrap(), bytes);
}

#[test]
fn a_foreign_sqlite_file_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let file = make_store(dir.path());
    std::fs::remove_file(&file).unwrap();
    {
        let c = rusqlite::Connection::open(&file).unwrap();
        c.execute_batch("CREATE TABLE invoices (id INTEGER); INSERT INTO invoices VALUES (1);")
            .unwrap();
    }
    let before = std::fs::read(&file).unwrap();
    let e = Store::open(dir.path(), StoreOptions::default()).unwrap_err();
    assert!(matches!(e, StoreError::Foreign { .. }), "{e:?}");
    assert!(e.to_string().contains("not a keymsg store"), "{e}");
    assert_eq!(std::fs::read(&file).unwrap(), before);

    // Another application's id.
    {
        let c = rusqlite::Connection::open(&file).unwrap();
        c.pragma_update(None, "application_id", 1234).unwrap();
    }
    let e = Store::open(dir.path(), StoreOptions::default()).unwrap_err();
    assert!(matches!(e, StoreError::Foreign { .. }), "{e:?}");
}

#[test]
fn a_foreign_file_appearing_later_fails_reads_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(dir.path(), StoreOptions::default()).unwrap();
    s.count(&ins("a")).unwrap();
    std::fs::write(dir.path().join("w-zz.sqlite"), "hello").unwrap();
    assert!(matches!(
        s.month_counts("2026-03".parse().unwrap(), None),
        Err(StoreError::Corrupt { .. })
    ));
    // Keyed counting checks other files, so it fails rather than risk a double count.
    assert!(matches!(
        s.count(&ins("b")),
        Err(StoreError::Corrupt { .. })
    ));
}

#[test]
fn paths_that_are_not_store_directories_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    // A regular file (e.g. someone's database) given as the store path.
    let f = dir.path().join("counts.sqlite");
    std::fs::write(&f, "x").unwrap();
    let e = Store::open(&f, StoreOptions::default()).unwrap_err();
    assert!(matches!(e, StoreError::NotAStore { .. }), "{e:?}");
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "x");
    // A non-empty directory that is not a store (e.g. a home directory).
    let other = dir.path().join("home");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "x").unwrap();
    let e = Store::open(&other, StoreOptions::default()).unwrap_err();
    assert!(matches!(e, StoreError::NotAStore { .. }), "{e:?}");
    assert_eq!(std::fs::read_dir(&other).unwrap().count(), 1);
}

#[test]
fn an_unwritable_path_fails_at_open() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("file");
    std::fs::write(&f, "x").unwrap();
    // A directory below a regular file cannot be created.
    assert!(Store::open(f.join("store"), StoreOptions::default()).is_err());
    // A read-only file system.
    let e = Store::open("/proc/keymsg-store", StoreOptions::default()).unwrap_err();
    assert!(
        matches!(e, StoreError::Io { .. } | StoreError::ReadOnly { .. }),
        "{e:?}"
    );
    // A bad explicit writer id.
    let e = Store::open(
        dir.path().join("s"),
        StoreOptions {
            writer_id: Some("../x".into()),
            ..StoreOptions::default()
        },
    )
    .unwrap_err();
    assert!(matches!(e, StoreError::BadWriterId(_)), "{e:?}");
}

#[test]
fn a_read_only_store_file_fails_at_open() {
    // Root ignores file permissions: as root this runs again as `nobody`.
    crate::unprivileged::run("store_faults::a_read_only_store_file_fails_at_open", || {
        let dir = tempfile::tempdir().unwrap();
        let file = make_store(dir.path());
        let mut perm = std::fs::metadata(&file).unwrap().permissions();
        perm.set_readonly(true);
        std::fs::set_permissions(&file, perm).unwrap();
        let e = Store::open(dir.path(), StoreOptions::default()).unwrap_err();
        assert!(matches!(e, StoreError::ReadOnly { .. }), "{e:?}");
        assert!(e.to_string().contains("w-0.sqlite"), "{e}");
    });
}

#[test]
fn a_newer_schema_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let file = make_store(dir.path());
    {
        let c = rusqlite::Connection::open(&file).unwrap();
        c.execute("UPDATE schema_version SET version = 99", [])
            .unwrap();
    }
    let before = std::fs::read(&file).unwrap();
    let e = Store::open(dir.path(), StoreOptions::default()).unwrap_err();
    match &e {
        StoreError::NewerSchema {
            found, supported, ..
        } => {
            assert_eq!((*found, *supported), (99, 3));
        }
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("upgrade keymsg"), "{e}");
    assert_eq!(std::fs::read(&file).unwrap(), before);
}
