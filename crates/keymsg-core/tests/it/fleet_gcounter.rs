//! Counts as a G-counter: per-writer counters in unit reports and exports,
//! merged by max per writer, then sum.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;

use keymsg_core::report::{Level, Report, merge};
use keymsg_core::store::{Counted, Insertion, Store, StoreOptions};
use keymsg_core::{Catalog, Channel, Surface, YearMonth};
use time::macros::datetime;

const PEA: &str = "PEA Chiang Mai";

fn month() -> YearMonth {
    "2026-03".parse().unwrap()
}

fn footers(store: &Store, agency: &str, n: usize, tag: &str) {
    for i in 0..n {
        let ins = Insertion::new(
            datetime!(2026-03-10 03:00 UTC),
            agency,
            Surface::Receipt,
            "aoc-1441",
        )
        .with_key(format!("{tag}-{i}"));
        assert_eq!(store.count(&ins).unwrap(), Counted::New);
    }
}

fn report(store: &Store, agency: &str) -> Report {
    let catalog = Catalog::embedded().unwrap();
    // Through JSON, as the files travel.
    let r = Report::from_store(store, &catalog, month(), Some(agency)).unwrap();
    Report::from_json(&r.to_json()).unwrap()
}

fn open(dir: &Path) -> Store {
    Store::open(dir, StoreOptions::default()).unwrap()
}

#[test]
fn two_hosts_of_one_agency_add_up_and_copies_count_once() {
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (host1, host2) = (open(d1.path()), open(d2.path()));
    footers(&host1, PEA, 1, "h1");
    footers(&host2, PEA, 3, "h2");
    let (r1, r2) = (report(&host1, PEA), report(&host2, PEA));
    assert_eq!(r1.writers.len(), 1);
    assert_ne!(r1.writers[0].host, r2.writers[0].host);
    assert_ne!(r1.writers[0].writer, r2.writers[0].writer);

    let m = merge(&[r1.clone(), r2.clone()], PEA, Level::District, None).unwrap();
    assert_eq!(m.totals.documents, 4);
    assert_eq!(m.units.len(), 1, "one unit, two hosts");
    assert!(m.dropped_duplicates.is_empty());
    // Re-sent files change nothing, in any order.
    let again = merge(
        &[r2.clone(), r1.clone(), r2.clone(), r1.clone()],
        PEA,
        Level::District,
        None,
    )
    .unwrap();
    assert_eq!(again.totals.documents, 4);
    // A later report of host 1 supersedes its earlier one.
    footers(&host1, PEA, 2, "h1b");
    let r1b = report(&host1, PEA);
    let m = merge(&[r1.clone(), r2.clone(), r1b], PEA, Level::District, None).unwrap();
    assert_eq!(m.totals.documents, 6);
}

#[test]
fn a_unit_inside_a_district_and_sent_directly_counts_once() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (open(da.path()), open(db.path()));
    footers(&a, "เทศบาลตำบลก", 5, "a");
    footers(&b, "เทศบาลตำบลข", 7, "b");
    let (ra, rb) = (report(&a, "เทศบาลตำบลก"), report(&b, "เทศบาลตำบลข"));
    let district = merge(&[ra.clone(), rb], "อำเภอเมือง", Level::District, None).unwrap();
    assert_eq!(district.totals.documents, 12);
    let district = Report::from_json(&district.to_json()).unwrap();
    let province = merge(&[district, ra], "จังหวัดเชียงใหม่", Level::Province, None).unwrap();
    assert_eq!(province.totals.documents, 12, "not 17");
    assert_eq!(province.counted_once.len(), 1);
    assert_eq!(province.counted_once[0].agency, "เทศบาลตำบลก");
    assert_eq!(
        province.counted_once[0].sources,
        vec!["อำเภอเมือง".to_owned(), "เทศบาลตำบลก".to_owned()]
    );
    let md = province.to_markdown();
    assert!(md.contains("นับเพียงครั้งเดียว"), "{md}");
}

#[test]
fn a_withdrawn_count_is_not_brought_back_by_an_older_copy() {
    let d = tempfile::tempdir().unwrap();
    let s = open(d.path());
    footers(&s, PEA, 2, "w");
    let before = report(&s, PEA);
    let last = Insertion::new(
        datetime!(2026-03-10 03:00 UTC),
        PEA,
        Surface::Receipt,
        "aoc-1441",
    )
    .with_key("w-1");
    s.withdraw(&last, Counted::New).unwrap();
    let after = report(&s, PEA);
    assert_eq!(after.totals.documents, 1);
    assert!(after.writers[0].epoch > before.writers[0].epoch);
    for order in [[&before, &after], [&after, &before]] {
        let m = merge(&order.map(|r| r.clone()), PEA, Level::District, None).unwrap();
        assert_eq!(m.totals.documents, 1);
    }
}

#[test]
fn imports_twice_change_nothing_and_manual_entries_travel() {
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (host, central) = (open(d1.path()), open(d2.path()));
    footers(&host, PEA, 3, "x");
    footers(&central, PEA, 2, "y");
    host.record(&keymsg_core::store::ManualEntry {
        agency: PEA.into(),
        month: month(),
        channel: Channel::Online,
        message_id: "aoc-1441".into(),
        count: 12,
    })
    .unwrap();
    let export = host.writer_counts(month(), None).unwrap();
    assert!(central.import(month(), &export).unwrap() > 0);
    let total = |s: &Store| -> u64 {
        s.month_counts(month(), None)
            .unwrap()
            .iter()
            .map(|r| r.count)
            .sum()
    };
    assert_eq!(total(&central), 5);
    assert_eq!(central.import(month(), &export).unwrap(), 0);
    assert_eq!(total(&central), 5);
    assert_eq!(central.manual_entries(month(), None).unwrap()[0].count, 12);
    // The central store's own export still names the host's writer, so a
    // roll-up that also gets the host's report directly counts it once.
    let from_central = report(&central, PEA);
    let m = merge(
        &[from_central, report(&host, PEA)],
        PEA,
        Level::District,
        None,
    )
    .unwrap();
    assert_eq!(m.totals.documents, 5);
    assert_eq!(m.totals.online, 12);
    // Importing a store's own export into itself changes nothing either.
    let own = central.writer_counts(month(), None).unwrap();
    assert_eq!(central.import(month(), &own).unwrap(), 0);
    assert_eq!(total(&central), 5);
}

#[test]
fn an_imported_file_that_is_lost_is_detected_like_any_writer_file() {
    let (d1, d2) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let host = open(d1.path());
    footers(&host, PEA, 3, "x");
    let export = host.writer_counts(month(), None).unwrap();
    let central_dir = d2.path().join("central");
    {
        let central = open(&central_dir);
        assert!(central.import(month(), &export).unwrap() > 0);
    }
    let imported: Vec<_> = std::fs::read_dir(&central_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            n.starts_with("w-x") && n.ends_with(".sqlite")
        })
        .collect();
    assert_eq!(imported.len(), 1, "{imported:?}");
    assert!(
        Store::verify(&central_dir)
            .unwrap()
            .iter()
            .all(|c| c.is_ok())
    );
    std::fs::remove_file(&imported[0]).unwrap();
    let checks = Store::verify(&central_dir).unwrap();
    let lost: Vec<_> = checks.iter().filter(|c| !c.is_ok()).collect();
    assert_eq!(lost.len(), 1, "{checks:?}");
    assert_eq!(lost[0].missing, 3);
    let e = Store::open(&central_dir, StoreOptions::default()).unwrap_err();
    assert!(e.to_string().contains("lost 3 acknowledged counts"), "{e}");
}

#[test]
fn forged_writer_counters_are_refused_when_read() {
    let d = tempfile::tempdir().unwrap();
    let s = open(d.path());
    footers(&s, PEA, 2, "x");
    let good = report(&s, PEA);
    let mut json: serde_json::Value = serde_json::from_str(&good.to_json()).unwrap();
    let forge = |f: &dyn Fn(&mut serde_json::Value)| {
        let mut j = json.clone();
        f(&mut j);
        Report::from_json(&j.to_string()).unwrap_err().to_string()
    };
    let e = forge(&|j| j["writers"][0]["counts"][0]["count"] = 1_000_000_000_000u64.into());
    assert!(e.contains("largest count"), "{e}");
    let e = forge(&|j| j["writers"][0]["counts"][0]["message_id"] = "\u{1b}[31mx".into());
    assert!(!e.contains('\u{1b}'), "{e}");
    let e = forge(&|j| j["writers"][0]["writer"] = "../x".into());
    assert!(e.contains("not a writer id"), "{e}");
    // Untouched, it reads back.
    json["writers"][0]["epoch"] = 0.into();
    Report::from_json(&json.to_string()).unwrap();
}

fn receipt_in(month: u8, agency: &str, key: &str) -> Insertion {
    let at = time::OffsetDateTime::new_in_offset(
        time::Date::from_calendar_date(2026, time::Month::try_from(month).unwrap(), 10).unwrap(),
        time::Time::from_hms(10, 0, 0).unwrap(),
        time::UtcOffset::from_hms(7, 0, 0).unwrap(),
    );
    Insertion::new(at, agency, Surface::Receipt, "aoc-1441").with_key(key)
}

fn total_of(s: &Store, month: &str) -> u64 {
    s.month_counts(month.parse().unwrap(), None)
        .unwrap()
        .iter()
        .map(|r| r.count)
        .sum()
}

/// A writer's epoch grows with a withdrawal in any month: a month's export
/// taken before a withdrawal in a later month still counts when it arrives
/// after the later month's export (the files of a district arrive in any
/// order).
#[test]
fn an_earlier_months_export_imported_after_a_later_one_counts() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = open(da.path());
    for i in 0..5 {
        a.count(&receipt_in(3, PEA, &format!("M-{i}"))).unwrap();
    }
    let march = a.writer_counts("2026-03".parse().unwrap(), None).unwrap();
    for i in 0..4 {
        a.count(&receipt_in(4, PEA, &format!("A-{i}"))).unwrap();
    }
    a.withdraw(&receipt_in(4, PEA, "A-3"), Counted::New)
        .unwrap();
    let april = a.writer_counts("2026-04".parse().unwrap(), None).unwrap();
    assert!(april[0].epoch > march[0].epoch);
    let b = open(db.path());
    b.import("2026-04".parse().unwrap(), &april).unwrap();
    assert!(b.import("2026-03".parse().unwrap(), &march).unwrap() > 0);
    assert_eq!(total_of(&b, "2026-03"), 5);
    assert_eq!(total_of(&b, "2026-04"), 3);
    // Again, in any order: nothing changes.
    assert_eq!(b.import("2026-04".parse().unwrap(), &april).unwrap(), 0);
    assert_eq!(b.import("2026-03".parse().unwrap(), &march).unwrap(), 0);
    assert_eq!(total_of(&b, "2026-03"), 5);
}

/// One store counting for two agencies, exported per agency with a
/// withdrawal between the exports: importing both keeps both, in either
/// order, and so does a roll-up of the two reports.
#[test]
fn exports_of_two_agencies_of_one_store_both_count() {
    let da = tempfile::tempdir().unwrap();
    let a = open(da.path());
    let m: YearMonth = "2026-03".parse().unwrap();
    for i in 0..5 {
        a.count(&receipt_in(3, "MWA", &format!("W-{i}"))).unwrap();
        a.count(&receipt_in(3, PEA, &format!("P-{i}"))).unwrap();
    }
    let mwa = a.writer_counts(m, Some("MWA")).unwrap();
    let mwa_report = report(&a, "MWA");
    a.withdraw(&receipt_in(3, PEA, "P-4"), Counted::New)
        .unwrap();
    let pea = a.writer_counts(m, Some(PEA)).unwrap();
    let pea_report = report(&a, PEA);
    for order in [[&mwa, &pea], [&pea, &mwa]] {
        let db = tempfile::tempdir().unwrap();
        let b = open(db.path());
        for w in order {
            b.import(m, w).unwrap();
        }
        assert_eq!(total_of(&b, "2026-03"), 9);
        // And the district's export of them, imported into a province store.
        let dp = tempfile::tempdir().unwrap();
        let p = open(dp.path());
        p.import(m, &b.writer_counts(m, None).unwrap()).unwrap();
        assert_eq!(total_of(&p, "2026-03"), 9);
    }
    for order in [
        [mwa_report.clone(), pea_report.clone()],
        [pea_report, mwa_report],
    ] {
        let r = merge(&order, "District", Level::District, None).unwrap();
        assert_eq!(r.totals.documents, 9);
    }
}

/// A counter withdrawn to nothing is listed at zero in the export, and
/// replaces the count an earlier import holds.
#[test]
fn a_counter_withdrawn_to_zero_replaces_the_imported_one() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = open(da.path());
    let m: YearMonth = "2026-03".parse().unwrap();
    a.count(&receipt_in(3, "MWA", "W-0")).unwrap();
    a.count(&receipt_in(3, PEA, "P-0")).unwrap();
    let before = a.writer_counts(m, None).unwrap();
    a.withdraw(&receipt_in(3, PEA, "P-0"), Counted::New)
        .unwrap();
    let after = a.writer_counts(m, None).unwrap();
    assert!(
        after[0]
            .counts
            .iter()
            .any(|c| c.agency == PEA && c.count == 0),
        "{after:?}"
    );
    let b = open(db.path());
    b.import(m, &before).unwrap();
    assert_eq!(total_of(&b, "2026-03"), 2);
    b.import(m, &after).unwrap();
    assert_eq!(total_of(&b, "2026-03"), 1);
    b.import(m, &before).unwrap();
    assert_eq!(total_of(&b, "2026-03"), 1);
}
