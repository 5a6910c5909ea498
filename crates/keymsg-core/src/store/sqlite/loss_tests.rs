//! Lost WAL frames are detected.

use super::*;

/// The disk image a `kill -9` leaves (the page cache: file, WAL and
/// mark as they are now), with one WAL frame then damaged. SQLite
/// recovers only the frames before the damage; the loss is found, its
/// size is exact, and neither checking nor opening destroys the WAL.
#[test]
fn damaged_wal_frames_are_detected_and_the_evidence_kept() {
    use super::super::Durability;
    use super::super::verify::{Evidence, Mark, check_store};
    use std::fs;
    let busy = Duration::from_secs(5);
    let tmp = tempfile::tempdir().unwrap();
    let live = tmp.path().join("live");
    fs::create_dir(&live).unwrap();
    let db = live.join("w-0.sqlite");
    let conn = schema::open_file(&db, Mode::Writer(Durability::Process), busy).unwrap();
    conn.pragma_update(None, "wal_autocheckpoint", 0).unwrap();
    let mut mark = Mark::open(&db, Evidence::default()).unwrap();
    for i in 0..200 {
        conn.execute(
            "INSERT INTO counts (month, agency, message_id, surface, kind, catalog_version, \
             counted) VALUES ('2026-03', 'PEA', 'aoc-1441', 'receipt', ?1, 1, 1) \
             ON CONFLICT DO UPDATE SET counted = counted + 1",
            [format!("kind-{}", i % 40)],
        )
        .unwrap();
        mark.add_counts(1);
    }
    let image = tmp.path().join("image");
    fs::create_dir(&image).unwrap();
    fs::write(image.join(MARKER), "").unwrap();
    for f in ["w-0.sqlite", "w-0.sqlite-wal", "w-0.mark"] {
        fs::copy(live.join(f), image.join(f)).unwrap();
    }
    let wal = image.join("w-0.sqlite-wal");
    let mut bytes = fs::read(&wal).unwrap();
    let frame = 24 + 1024;
    let frames = (bytes.len() - 32) / frame;
    assert!(frames > 150, "{frames} frames");
    bytes[32 + (frames / 2) * frame + 24 + 100] ^= 0xFF;
    fs::write(&wal, &bytes).unwrap();

    let checks = check_store(&image, busy).unwrap();
    let c = &checks[0];
    assert_eq!(c.acknowledged, Some(200));
    let found = c.found.unwrap();
    assert!(found < 200, "{c:?}");
    assert_eq!(found + c.missing, 200, "{c:?}");
    assert!(c.problem.as_deref().unwrap().contains("WAL frames dropped"));
    assert_eq!(fs::read(&wal).unwrap(), bytes, "checking keeps the WAL");

    let e = SqliteStore::open(&image, StoreOptions::default()).unwrap_err();
    assert!(
        matches!(&e, StoreError::Lost { missing, .. } if *missing == c.missing),
        "{e:?}"
    );
    assert_eq!(
        fs::read(&wal).unwrap(),
        bytes,
        "a refused open keeps the WAL"
    );
}
