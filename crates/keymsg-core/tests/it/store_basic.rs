//! Behaviour of the insertion store that users rely on.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::Arc;

use keymsg_core::YearMonth;
use keymsg_core::store::{Counted, Insertion, ManualEntry, Store, StoreOptions};
use keymsg_core::{Channel, Surface};
use time::macros::datetime;

fn ym(s: &str) -> YearMonth {
    s.parse().unwrap()
}

fn ins(key: Option<&str>) -> Insertion {
    let i = Insertion::new(
        datetime!(2026-03-10 09:00 +07:00),
        "PEA Chiang Mai",
        Surface::Receipt,
        "aoc-1441",
    )
    .with_kind("electricity-bill");
    match key {
        Some(k) => i.with_key(k),
        None => i,
    }
}

fn total(store: &Store, month: &str) -> u64 {
    store
        .month_counts(ym(month), None)
        .unwrap()
        .iter()
        .map(|r| r.count)
        .sum()
}

fn opts(writer: &str) -> StoreOptions {
    StoreOptions {
        writer_id: Some(writer.to_owned()),
        ..StoreOptions::default()
    }
}

#[test]
fn month_is_taken_in_bangkok_time() {
    let store = Store::in_memory();
    let mut i = ins(None);
    i.at = datetime!(2026-01-31 17:00:00 UTC);
    assert_eq!(store.count(&i).unwrap(), Counted::New);
    i.at = datetime!(2026-01-31 16:59:59 UTC);
    store.count(&i).unwrap();
    assert_eq!(total(&store, "2026-02"), 1);
    assert_eq!(total(&store, "2026-01"), 1);
    assert_eq!(store.months().unwrap(), vec![ym("2026-01"), ym("2026-02")]);
}

#[test]
fn rows_group_by_agency_message_surface_kind() {
    let store = Store::in_memory();
    let a = ins(None);
    let mut b = ins(None);
    b.surface = Surface::Popup;
    b.kind = "PEA Smart Plus".into();
    b.catalog_version = 7; // other catalog version: same row
    let mut c = ins(None);
    c.agency = "MWA".into();
    store.count_batch(&[a.clone(), a, b.clone(), b, c]).unwrap();
    let rows = store.month_counts(ym("2026-03"), None).unwrap();
    let got: Vec<_> = rows
        .iter()
        .map(|r| (r.agency.as_str(), r.surface, r.kind.as_str(), r.count))
        .collect();
    assert_eq!(
        got,
        vec![
            ("MWA", Surface::Receipt, "electricity-bill", 1),
            ("PEA Chiang Mai", Surface::Receipt, "electricity-bill", 2),
            ("PEA Chiang Mai", Surface::Popup, "PEA Smart Plus", 2),
        ]
    );
    let only = store.month_counts(ym("2026-03"), Some("MWA")).unwrap();
    assert_eq!(only.len(), 1);
    assert!(store.month_counts(ym("2026-04"), None).unwrap().is_empty());
}

#[test]
fn same_key_counts_once_also_inside_a_batch() {
    let store = Store::in_memory();
    assert_eq!(store.count(&ins(Some("R-1"))).unwrap(), Counted::New);
    assert_eq!(store.count(&ins(Some("R-1"))).unwrap(), Counted::Duplicate);
    let got = store
        .count_batch(&[
            ins(Some("R-2")),
            ins(Some("R-2")),
            ins(Some("R-1")),
            ins(None),
        ])
        .unwrap();
    assert_eq!(
        got,
        vec![
            Counted::New,
            Counted::Duplicate,
            Counted::Duplicate,
            Counted::New
        ]
    );
    assert_eq!(total(&store, "2026-03"), 3);
}

#[test]
fn idempotency_holds_across_writer_files_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("store");
    {
        let a = Store::open(&path, opts("a")).unwrap();
        assert_eq!(a.count(&ins(Some("R-1"))).unwrap(), Counted::New);
        // A second process (another writer file) retries the same receipt.
        let b = Store::open(&path, opts("b")).unwrap();
        assert_ne!(a.writer_file(), b.writer_file());
        assert_eq!(b.count(&ins(Some("R-1"))).unwrap(), Counted::Duplicate);
        assert_eq!(b.count(&ins(Some("R-2"))).unwrap(), Counted::New);
        // ... and the first sees the key the second counted after it opened.
        assert_eq!(a.count(&ins(Some("R-2"))).unwrap(), Counted::Duplicate);
        assert_eq!(total(&a, "2026-03"), 2);
    }
    // Numbered slot (no writer id) after a "restart": still deduplicated.
    let c = Store::open(&path, StoreOptions::default()).unwrap();
    assert_eq!(c.count(&ins(Some("R-1"))).unwrap(), Counted::Duplicate);
    assert_eq!(c.count(&ins(Some("R-3"))).unwrap(), Counted::New);
    assert_eq!(total(&c, "2026-03"), 3);
}

#[test]
fn concurrent_opens_get_distinct_slots_and_restarts_reuse_them() {
    let dir = tempfile::tempdir().unwrap();
    let a = Store::open(dir.path(), StoreOptions::default()).unwrap();
    let b = Store::open(dir.path(), StoreOptions::default()).unwrap();
    assert!(a.writer_file().unwrap().ends_with("w-0.sqlite"));
    assert!(b.writer_file().unwrap().ends_with("w-1.sqlite"));
    drop(a);
    let c = Store::open(dir.path(), StoreOptions::default()).unwrap();
    assert!(c.writer_file().unwrap().ends_with("w-0.sqlite"));
}

#[test]
fn reprints_are_stored_but_counted_only_when_configured() {
    let mut r = ins(Some("R-9#reprint-1"));
    r.reprint = true;
    let off = Store::in_memory();
    assert_eq!(off.count(&r).unwrap(), Counted::Reprint);
    assert_eq!(total(&off, "2026-03"), 0);
    assert!(off.prometheus_text().unwrap().contains(
        "keymsg_reprints_total{agency=\"PEA Chiang Mai\",surface=\"receipt\",kind=\"electricity-bill\",message_id=\"aoc-1441\"} 1"
    ));
    let on = Store::in_memory_with(true);
    assert_eq!(on.count(&r).unwrap(), Counted::New);
    assert_eq!(on.count(&r).unwrap(), Counted::Duplicate);
    assert_eq!(total(&on, "2026-03"), 1);

    let dir = tempfile::tempdir().unwrap();
    let s = Store::open(
        dir.path(),
        StoreOptions {
            count_reprints: true,
            ..StoreOptions::default()
        },
    )
    .unwrap();
    assert_eq!(s.count(&r).unwrap(), Counted::New);
}

#[test]
fn counts_survive_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let s = Store::open(dir.path(), StoreOptions::default()).unwrap();
        for i in 0..10 {
            s.count(&ins(Some(&format!("k{i}")))).unwrap();
        }
        s.flush().unwrap();
    }
    let s = Store::open(dir.path(), StoreOptions::default()).unwrap();
    assert_eq!(total(&s, "2026-03"), 10);
    s.integrity_check().unwrap();
}

#[test]
fn many_threads_share_commits_and_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path(), StoreOptions::default()).unwrap());
    let threads: Vec<_> = (0..8)
        .map(|t| {
            let s = Arc::clone(&store);
            std::thread::spawn(move || {
                for i in 0..500 {
                    let key = format!("t{t}-{i}");
                    assert_eq!(s.count(&ins(Some(&key))).unwrap(), Counted::New);
                    // Every fourth call is a retry of the same key.
                    if i % 4 == 0 {
                        assert_eq!(s.count(&ins(Some(&key))).unwrap(), Counted::Duplicate);
                    }
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(total(&store, "2026-03"), 4000);
}

#[test]
fn manual_entries_replace_and_newest_wins_across_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = Store::open(dir.path(), opts("a")).unwrap();
    let b = Store::open(dir.path(), opts("b")).unwrap();
    let mut e = ManualEntry {
        agency: "Amphoe Mueang".into(),
        month: ym("2026-03"),
        channel: Channel::OnAir,
        message_id: "aoc-1441".into(),
        count: 12,
    };
    a.record(&e).unwrap();
    e.count = 15;
    a.record(&e).unwrap();
    assert_eq!(
        a.manual_entries(ym("2026-03"), None).unwrap(),
        vec![e.clone()]
    );
    e.count = 20;
    b.record(&e).unwrap(); // newer, in another file
    assert_eq!(
        a.manual_entries(ym("2026-03"), None).unwrap(),
        vec![e.clone()]
    );
    assert!(
        a.manual_entries(ym("2026-03"), Some("other"))
            .unwrap()
            .is_empty()
    );
    assert_eq!(a.months().unwrap(), vec![ym("2026-03")]);
}

#[test]
fn late_counts_after_a_report_show_as_amendment() {
    let store = Store::in_memory();
    let m = ym("2026-03");
    assert_eq!(store.last_reported(m, None).unwrap(), None);
    store
        .count_batch(&[ins(Some("a")), ins(Some("b"))])
        .unwrap();
    assert_eq!(store.counts_since_report(m, None).unwrap()[0].count, 2);
    let at = datetime!(2026-04-03 10:00 +07:00);
    store.mark_reported(m, None, at).unwrap();
    assert_eq!(store.last_reported(m, None).unwrap(), Some(at));
    assert!(store.counts_since_report(m, None).unwrap().is_empty());
    store.count(&ins(Some("c"))).unwrap(); // a late receipt for March
    let late = store.counts_since_report(m, None).unwrap();
    assert_eq!(late.len(), 1);
    assert_eq!(late[0].count, 1);
    assert_eq!(total(&store, "2026-03"), 3);
    // Marks are per agency selection.
    assert_eq!(
        store.last_reported(m, Some("PEA Chiang Mai")).unwrap(),
        None
    );
}

#[test]
fn prometheus_exposition_is_well_formed() {
    let store = Store::in_memory();
    let mut i = ins(None);
    i.agency = "ห้าง \"A\"\\B C".into();
    store.count(&i).unwrap();
    store.count(&i).unwrap();
    let text = store.prometheus_text().unwrap();
    assert!(text.contains("# TYPE keymsg_insertions_total counter\n"));
    assert!(text.contains("# HELP keymsg_insertions_total "));
    assert!(text.contains(
        "keymsg_insertions_total{agency=\"ห้าง \\\"A\\\"\\\\B C\",surface=\"receipt\",kind=\"electricity-bill\",message_id=\"aoc-1441\"} 2\n"
    ));
    // Every non-comment line is `name{labels} value` on one line.
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let value = line.rsplit(' ').next().unwrap();
        assert!(value.parse::<u64>().is_ok(), "{line}");
    }
}

#[test]
fn expired_idempotency_keys_are_pruned_but_counts_stay() {
    let dir = tempfile::tempdir().unwrap();
    let now = time::OffsetDateTime::now_utc();
    // At least four Bangkok months ago, and today.
    let old_at = now - time::Duration::days(130);
    let old = Insertion::new(old_at, "PEA", Surface::Receipt, "aoc-1441").with_key("OLD-1");
    let recent = Insertion::new(now, "PEA", Surface::Receipt, "aoc-1441").with_key("NEW-1");
    let opts = |retention| StoreOptions {
        writer_id: Some("a".into()),
        key_retention_months: retention,
        ..StoreOptions::default()
    };
    {
        let s = Store::open(dir.path(), opts(None)).unwrap();
        assert_eq!(s.count(&old).unwrap(), Counted::New);
        assert_eq!(s.count(&recent).unwrap(), Counted::New);
        // A key expires by the later of its insertion's month and the month
        // it was counted in (today): make OLD-1 look counted back then, as
        // a key counted 130 days ago is.
        let c = rusqlite::Connection::open(s.writer_file().unwrap()).unwrap();
        let old_month = YearMonth::of(old_at).to_string();
        assert_eq!(
            c.execute(
                "UPDATE keys SET month = ?1 WHERE key = 'OLD-1'",
                [&old_month]
            )
            .unwrap(),
            1
        );
    }
    let key_present = |file: &std::path::Path, key: &str| -> bool {
        let c =
            rusqlite::Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .unwrap();
        c.query_row("SELECT count(*) FROM keys WHERE key = ?1", [key], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
            == 1
    };
    // Keep keys for 2 months after the month they were counted in: the old key
    // expires (pruned in the background right after open), today's stays.
    let s = Store::open(dir.path(), opts(Some(2))).unwrap();
    let file = s.writer_file().unwrap().to_owned();
    let start = std::time::Instant::now();
    while key_present(&file, "OLD-1") {
        assert!(
            start.elapsed() < std::time::Duration::from_secs(30),
            "expired key never pruned"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(key_present(&file, "NEW-1"));
    // Counts are never pruned.
    assert_eq!(total(&s, &YearMonth::of(old_at).to_string()), 1);
    // A retry of today's insertion is still recognised; one of the expired
    // insertion counts again (the documented price of retention).
    assert_eq!(s.count(&recent).unwrap(), Counted::Duplicate);
    assert_eq!(s.count(&old).unwrap(), Counted::New);
    assert_eq!(total(&s, &YearMonth::of(old_at).to_string()), 2);
    s.integrity_check().unwrap();
}
