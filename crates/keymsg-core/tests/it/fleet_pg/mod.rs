//! The PostgreSQL fleet store against a real server (a throwaway cluster
//! started by `keymsg-pgtest`): exactly-once shipping and its faults.
//! Skipped only when KEYMSG_SKIP_POSTGRES=1.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;
use std::process::{Command, Stdio};

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use keymsg_core::store::{Counted, Insertion, Store, StoreError, StoreOptions};
use keymsg_core::{Surface, YearMonth};
use keymsg_pgtest::PgServer;
use time::OffsetDateTime;
use time::macros::datetime;

const PEA: &str = "PEA Chiang Mai";

/// One server for the tests that do not stop it; each test has its own database.
fn shared() -> Option<&'static PgServer> {
    static S: OnceLock<Option<PgServer>> = OnceLock::new();
    S.get_or_init(PgServer::start).as_ref()
}

fn fresh_db(s: &PgServer) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    s.create_db(&format!(
        "t{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ))
}

fn db_of(url: &str) -> &str {
    url.rsplit('/').next().unwrap()
}

fn march() -> YearMonth {
    "2026-03".parse().unwrap()
}

fn ins(key: Option<String>, at: OffsetDateTime) -> Insertion {
    let mut i = Insertion::new(at, PEA, Surface::Receipt, "aoc-1441");
    i.idempotency_key = key;
    i
}

fn at() -> OffsetDateTime {
    datetime!(2026-03-10 03:00 UTC)
}

fn open(url: &str, journal: &Path) -> Store {
    Store::open_postgres(url, journal, StoreOptions::default()).unwrap()
}

fn fleet_total(url: &str, journal: &Path) -> u64 {
    let s = open(url, journal);
    s.month_counts(march(), Some(PEA))
        .unwrap()
        .iter()
        .map(|r| r.count)
        .sum()
}

/// Count `n` keyed insertions `prefix-0..n`; returns how many were acknowledged.
fn count_keys(store: &Store, prefix: &str, n: usize) -> u64 {
    let mut acked = 0;
    for i in 0..n {
        if store
            .count(&ins(Some(format!("{prefix}-{i}")), at()))
            .unwrap()
            == Counted::New
        {
            acked += 1;
        }
    }
    acked
}

#[test]
fn ships_exactly_once_and_reports_from_the_counter_table() {
    let Some(pg) = shared() else { return };
    let url = fresh_db(pg);
    let j = tempfile::tempdir().unwrap();
    {
        let s = open(&url, j.path());
        assert_eq!(count_keys(&s, "k", 300), 300);
        for _ in 0..20 {
            s.count(&ins(None, at())).unwrap();
        }
        // A retry on the same host: not journaled again.
        assert_eq!(
            s.count(&ins(Some("k-7".into()), at())).unwrap(),
            Counted::Duplicate
        );
    }
    let s = open(&url, j.path());
    s.ship().unwrap();
    assert_eq!(s.ship().unwrap(), 0, "nothing left");
    assert_eq!(fleet_total(&url, j.path()), 320);
    let db = db_of(&url);
    assert_eq!(pg.psql(db, "SELECT count(*) FROM keymsg_raw"), "320");
    assert_eq!(
        pg.psql(db, "SELECT sum(counted) FROM keymsg_counters"),
        "320"
    );
    // Raw rows sit in the month's partition.
    assert_eq!(
        pg.psql(db, "SELECT count(*) FROM keymsg_raw_2026_03"),
        "320"
    );
    let m = s.prometheus_text().unwrap();
    assert!(m.contains("keymsg_journal_pending_rows 0"), "{m}");
    assert!(m.contains("keymsg_fleet_store_up 1"), "{m}");
    assert!(
        m.contains("keymsg_insertions_total{agency=\"PEA Chiang Mai\""),
        "{m}"
    );
}

#[test]
fn the_same_key_on_two_hosts_counts_once_in_the_fleet() {
    let Some(pg) = shared() else { return };
    let url = fresh_db(pg);
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (ha, hb) = (open(&url, a.path()), open(&url, b.path()));
    assert_eq!(count_keys(&ha, "INV", 50), 50);
    // Host B retries 20 of the same invoices (and 10 of its own).
    assert_eq!(count_keys(&hb, "INV", 20), 20, "each host acknowledges");
    assert_eq!(count_keys(&hb, "B", 10), 10);
    ha.ship().unwrap();
    hb.ship().unwrap();
    assert_eq!(fleet_total(&url, a.path()), 60);
}

#[test]
fn postgres_not_running_at_start_then_up() {
    let Some(mut pg) = PgServer::start() else {
        return;
    };
    let url = pg.create_db("fleet");
    pg.stop("fast");
    let j = tempfile::tempdir().unwrap();
    let s = open(&url, j.path());
    let t = Instant::now();
    assert_eq!(count_keys(&s, "down", 100), 100, "printing never waits");
    assert!(t.elapsed() < Duration::from_secs(5));
    let e = s.ship().unwrap_err();
    let text = e.to_string();
    assert!(matches!(e, StoreError::Fleet { .. }), "{e:?}");
    assert!(text.contains("cannot connect"), "{text}");
    assert!(text.contains("journal"), "{text}");
    assert!(!text.contains(keymsg_pgtest::PASSWORD), "{text}");
    let m = s.prometheus_text().unwrap();
    assert!(m.contains("keymsg_journal_pending_rows 100"), "{m}");
    assert!(m.contains("keymsg_fleet_store_up 0"), "{m}");
    pg.start_again();
    // This call or the store's background shipper (retrying) ships them.
    assert!(s.ship().unwrap() <= 100);
    assert_eq!(fleet_total(&url, j.path()), 100);
}

#[test]
fn postgres_stopped_in_the_middle_of_a_bill_run_and_started_again() {
    let Some(mut pg) = PgServer::start() else {
        return;
    };
    let url = pg.create_db("fleet");
    let j = tempfile::tempdir().unwrap();
    let s = Arc::new(open(&url, j.path()));
    let writer = {
        let s = Arc::clone(&s);
        std::thread::spawn(move || {
            let mut acked = 0;
            for i in 0..3000 {
                if s.count(&ins(Some(format!("run-{i}")), at())).unwrap() == Counted::New {
                    acked += 1;
                }
                if i % 100 == 0 {
                    std::thread::sleep(Duration::from_millis(5));
                }
            }
            acked
        })
    };
    std::thread::sleep(Duration::from_millis(150));
    pg.stop("immediate"); // like a crash, with batches in flight
    std::thread::sleep(Duration::from_millis(300));
    pg.start_again();
    let acked = writer.join().unwrap();
    assert_eq!(acked, 3000);
    s.ship().unwrap();
    assert_eq!(fleet_total(&url, j.path()), 3000);
}

#[test]
fn two_hosts_shipping_the_same_journal_copy_count_it_once() {
    let Some(pg) = shared() else { return };
    let url = fresh_db(pg);
    let a = tempfile::tempdir().unwrap();
    {
        // Journaled only: this host's own shipper cannot reach anything.
        let s = open(UNREACHABLE, a.path());
        count_keys(&s, "copy", 400);
        for _ in 0..100 {
            s.count(&ins(None, at())).unwrap();
        }
    }
    // The journal directory copied to a second host (a restored backup, a
    // disk image), both shipping at the same time, twice.
    let b = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(a.path()).unwrap() {
        let p = e.unwrap().path();
        // WAL side files come and go while the first host's shipper closes.
        match std::fs::copy(&p, b.path().join(p.file_name().unwrap())) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => panic!("{}: {e}", p.display()),
        }
    }
    let threads: Vec<_> = [a.path().to_path_buf(), b.path().to_path_buf()]
        .into_iter()
        .flat_map(|p| [p.clone(), p])
        .map(|p| {
            let url = url.clone();
            std::thread::spawn(move || open(&url, &p).ship().unwrap())
        })
        .collect();
    let shipped: u64 = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(shipped, 500, "every row stored once, whoever shipped it");
    assert_eq!(fleet_total(&url, a.path()), 500);
}

#[test]
fn a_host_clock_a_day_off_counts_in_the_month_printed() {
    let Some(pg) = shared() else { return };
    let url = fresh_db(pg);
    let j = tempfile::tempdir().unwrap();
    let s = open(&url, j.path());
    // 00:30 on 1 April in Bangkok, from a host whose clock runs a day ahead
    // of PostgreSQL's: the month is the host's, decided at print time.
    s.count(&ins(Some("late".into()), datetime!(2026-03-31 17:30 UTC)))
        .unwrap();
    s.count(&ins(Some("early".into()), datetime!(2026-03-31 16:59 UTC)))
        .unwrap();
    s.ship().unwrap();
    let april: YearMonth = "2026-04".parse().unwrap();
    assert_eq!(s.month_counts(april, None).unwrap()[0].count, 1);
    assert_eq!(s.month_counts(march(), None).unwrap()[0].count, 1);
    assert_eq!(
        pg.psql(db_of(&url), "SELECT count(*) FROM keymsg_raw_2026_04"),
        "1"
    );
}

#[test]
fn a_wrong_password_is_a_clear_error_and_loses_nothing() {
    let Some(pg) = shared() else { return };
    let url = fresh_db(pg);
    let bad = url.replace(keymsg_pgtest::PASSWORD, "not-the-password");
    let j = tempfile::tempdir().unwrap();
    let s = open(&bad, j.path());
    assert_eq!(count_keys(&s, "pw", 10), 10);
    let e = s.ship().unwrap_err().to_string();
    assert!(e.contains("login refused"), "{e}");
    assert!(e.contains("check the user and password"), "{e}");
    assert!(!e.contains("not-the-password"), "{e}");
    // The background shipper says so too.
    let t = Instant::now();
    while s.ship_error().is_none() && t.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(s.ship_error().unwrap().contains("login refused"));
    drop(s);
    // With the right password, the journal ships in full.
    assert_eq!(open(&url, j.path()).ship().unwrap(), 10);
}

#[test]
fn a_newer_schema_is_refused_and_left_alone() {
    let Some(pg) = shared() else { return };
    let url = fresh_db(pg);
    let j = tempfile::tempdir().unwrap();
    let s = open(&url, j.path());
    count_keys(&s, "v", 5);
    s.ship().unwrap();
    let db = db_of(&url);
    pg.psql(db, "UPDATE keymsg_schema SET version = 99");
    count_keys(&s, "w", 5);
    let s2 = open(&url, tempfile::tempdir().unwrap().path());
    let e = s2.month_counts(march(), None).unwrap_err();
    match &e {
        StoreError::NewerSchema {
            found, supported, ..
        } => assert_eq!((*found, *supported), (99, 5)),
        other => panic!("{other:?}"),
    }
    assert!(e.to_string().contains("upgrade keymsg"), "{e}");
    assert!(s.ship().is_err());
    assert_eq!(pg.psql(db, "SELECT version FROM keymsg_schema"), "99");
    assert_eq!(pg.psql(db, "SELECT count(*) FROM keymsg_raw"), "5");
}

#[test]
fn a_withdrawn_count_is_taken_back_in_the_fleet() {
    let Some(pg) = shared() else { return };
    let url = fresh_db(pg);
    let j = tempfile::tempdir().unwrap();
    let s = open(&url, j.path());
    count_keys(&s, "wd", 3);
    s.ship().unwrap();
    // Withdrawn after shipping, and one withdrawn before.
    s.withdraw(&ins(Some("wd-1".into()), at()), Counted::New)
        .unwrap();
    s.count(&ins(Some("wd-9".into()), at())).unwrap();
    s.withdraw(&ins(Some("wd-9".into()), at()), Counted::New)
        .unwrap();
    s.ship().unwrap();
    assert_eq!(fleet_total(&url, j.path()), 2);
    // The withdrawn key is free again: a retry counts.
    s.count(&ins(Some("wd-1".into()), at())).unwrap();
    s.ship().unwrap();
    assert_eq!(fleet_total(&url, j.path()), 3);
    let w = s.writer_counts(march(), None).unwrap();
    assert_eq!(w.len(), 1);
    assert!(w[0].epoch >= 2, "{w:?}");
}

/// A printer jam withdraws a receipt's count and the reprint counts it
/// again: the fleet holds one count whether the three journal rows ship in
/// one batch (PostgreSQL was down meanwhile) or the first shipped before.
#[test]
fn a_receipt_withdrawn_and_counted_again_counts_once_in_the_fleet() {
    let Some(pg) = shared() else { return };
    for first_shipped_alone in [false, true] {
        let url = fresh_db(pg);
        let j = tempfile::tempdir().unwrap();
        let k = ins(Some("jam-1".into()), at());
        {
            let s = open(UNREACHABLE, j.path());
            assert_eq!(s.count(&k).unwrap(), Counted::New);
        }
        if first_shipped_alone {
            open(&url, j.path()).ship().unwrap();
            assert_eq!(fleet_total(&url, j.path()), 1);
        }
        {
            let s = open(UNREACHABLE, j.path());
            s.withdraw(&k, Counted::New).unwrap();
            assert_eq!(s.count(&k).unwrap(), Counted::New);
        }
        open(&url, j.path()).ship().unwrap();
        assert_eq!(
            fleet_total(&url, j.path()),
            1,
            "one delivered receipt (first shipped alone: {first_shipped_alone})"
        );
        // The reprint holds the key: a retry on another host does not count.
        let other = tempfile::tempdir().unwrap();
        let s2 = open(&url, other.path());
        assert_eq!(s2.count(&k).unwrap(), Counted::New);
        s2.ship().unwrap();
        assert_eq!(fleet_total(&url, j.path()), 1);
    }
}

/// Imports into the fleet store compare copies within what they cover: an
/// earlier month's export arriving after a later one counts, and so do two
/// agencies' exports of one store with a withdrawal between them.
#[test]
fn imports_compare_copies_by_month_and_agency() {
    let Some(pg) = shared() else { return };
    let url = fresh_db(pg);
    let j = tempfile::tempdir().unwrap();
    let fleet = open(&url, j.path());
    let d = tempfile::tempdir().unwrap();
    let host = Store::open(d.path(), StoreOptions::default()).unwrap();
    let april_at = datetime!(2026-04-10 03:00 UTC);
    for i in 0..5 {
        host.count(&ins(Some(format!("m-{i}")), at())).unwrap();
        let mut mwa = ins(Some(format!("w-{i}")), at());
        mwa.agency = "MWA".into();
        host.count(&mwa).unwrap();
    }
    let mwa_march = host.writer_counts(march(), Some("MWA")).unwrap();
    for i in 0..4 {
        host.count(&ins(Some(format!("a-{i}")), april_at)).unwrap();
    }
    host.withdraw(&ins(Some("a-3".into()), april_at), Counted::New)
        .unwrap();
    let april: YearMonth = "2026-04".parse().unwrap();
    let pea_april = host.writer_counts(april, Some(PEA)).unwrap();
    let pea_march = host.writer_counts(march(), Some(PEA)).unwrap();
    fleet.import(april, &pea_april).unwrap();
    fleet.import(march(), &pea_march).unwrap();
    fleet.import(march(), &mwa_march).unwrap();
    let total = |m: YearMonth, a: &str| -> u64 {
        fleet
            .month_counts(m, Some(a))
            .unwrap()
            .iter()
            .map(|r| r.count)
            .sum()
    };
    assert_eq!(total(april, PEA), 3);
    assert_eq!(total(march(), PEA), 5);
    assert_eq!(total(march(), "MWA"), 5);
    // Sent again: nothing changes.
    for (m, w) in [
        (april, &pea_april),
        (march(), &pea_march),
        (march(), &mwa_march),
    ] {
        assert_eq!(fleet.import(m, w).unwrap(), 0);
    }
    // The fleet's own export carries the writer at each epoch it holds.
    let back = fleet.writer_counts(march(), None).unwrap();
    let d2 = tempfile::tempdir().unwrap();
    let other = Store::open(d2.path(), StoreOptions::default()).unwrap();
    other.import(march(), &back).unwrap();
    assert_eq!(
        other
            .month_counts(march(), None)
            .unwrap()
            .iter()
            .map(|r| r.count)
            .sum::<u64>(),
        10
    );
}

#[test]
fn exports_from_the_fleet_import_into_another_fleet_store_once() {
    let Some(pg) = shared() else { return };
    let (url1, url2) = (fresh_db(pg), fresh_db(pg));
    let j = tempfile::tempdir().unwrap();
    let s = open(&url1, j.path());
    count_keys(&s, "x", 25);
    s.record(&keymsg_core::store::ManualEntry {
        agency: PEA.into(),
        month: march(),
        channel: keymsg_core::Channel::OnAir,
        message_id: "aoc-1441".into(),
        count: 4,
    })
    .unwrap();
    s.ship().unwrap();
    assert_eq!(s.manual_entries(march(), Some(PEA)).unwrap()[0].count, 4);
    let export = s.writer_counts(march(), None).unwrap();
    let j2 = tempfile::tempdir().unwrap();
    let central = open(&url2, j2.path());
    assert!(central.import(march(), &export).unwrap() > 0);
    assert_eq!(central.import(march(), &export).unwrap(), 0);
    assert_eq!(fleet_total(&url2, j2.path()), 25);
    assert_eq!(central.manual_entries(march(), None).unwrap()[0].count, 4);
}

/// A fleet store URL where nothing listens: the store only journals.
const UNREACHABLE: &str = "postgres://nobody@127.0.0.1:1/none";

mod review;
mod shipper;
