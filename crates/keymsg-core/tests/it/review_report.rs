//! Review of the monthly report's numbers against the real stores: month
//! boundaries in Bangkok time, several writer files, withdrawals, manual
//! entries, catalog changes, reports made while counting goes on, report
//! marks, and the fleet store against the single-host store.
//!
//! Each test states what the signed form (or the roll-up made from the unit's
//! JSON) should say; a failing test is a defect found in review. Those not
//! fixed yet are `#[ignore]`d with the finding they show (run them with
//! `cargo test -p keymsg-core --test it review_report -- --ignored`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use keymsg_core::catalog::{Format, Overlay};
use keymsg_core::report::{Level, Report, merge_at};
use keymsg_core::store::{Counted, Insertion, ManualEntry, Store, StoreOptions};
use keymsg_core::{Catalog, Channel, Engine, Surface, YearMonth};
use time::OffsetDateTime;
use time::macros::datetime;

const PEA: &str = "PEA Chiang Mai";

fn ym(s: &str) -> YearMonth {
    s.parse().unwrap()
}

fn opts(writer: &str) -> StoreOptions {
    StoreOptions {
        writer_id: Some(writer.to_owned()),
        ..StoreOptions::default()
    }
}

fn ins(at: OffsetDateTime, id: &str) -> Insertion {
    Insertion::new(at, PEA, Surface::Receipt, id).with_kind("electricity-bill")
}

fn documents(r: &Report, id: &str) -> u64 {
    r.rows
        .iter()
        .filter(|row| row.message_id == id)
        .map(|row| row.documents)
        .sum()
}

/// Sum of the Documents counters a report carries for roll-ups.
fn writers_documents(r: &Report) -> u64 {
    r.writers
        .iter()
        .flat_map(|w| w.counts.iter())
        .map(|c| c.count)
        .sum()
}

// ---------------------------------------------------------------------------
// Report marks: a mark made after the form was generated snapshots the
// counts at mark time, not the counts the form showed.
// ---------------------------------------------------------------------------

/// The caller's only way to remember a filed report is
/// `Store::mark_reported(month, agency, at)` with the report's
/// `generated_at`. It snapshots the counts *as they are when the mark is
/// written*, so a receipt counted between generating the form and marking it
/// is neither on the signed form nor in `counts_since_report`: it never
/// reaches the ministry, not even in the amendment.
#[test]
#[ignore = "known defect (review 3, finding 2): mark_reported snapshots the store at the mark, not what the form showed"]
fn a_count_between_the_form_and_its_mark_is_in_neither() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), opts("a")).unwrap();
    let catalog = Catalog::embedded().unwrap();
    let march = ym("2026-03");
    let at = datetime!(2026-03-20 10:00 +07:00);
    store.count(&ins(at, "aoc-1441")).unwrap();
    let filed = Report::from_store(&store, &catalog, march, Some(PEA)).unwrap();
    assert_eq!(filed.totals.documents, 1);
    // A till prints a receipt while the officer saves the form.
    store.count(&ins(at, "aoc-1441")).unwrap();
    store
        .mark_reported(march, Some(PEA), filed.generated_at)
        .unwrap();
    let late: u64 = store
        .counts_since_report(march, Some(PEA))
        .unwrap()
        .iter()
        .map(|r| r.count)
        .sum();
    assert_eq!(
        filed.totals.documents + late,
        2,
        "2 receipts were counted; the form filed {} and the amendment would add {late}",
        filed.totals.documents
    );
}

/// A count withdrawn after the month was reported (a failed hand-over of
/// a receipt counted just before the report) makes the filed number too
/// high; `counts_since_report` clamps the difference at zero, so nothing
/// tells the officer the filed form over-counts.
#[test]
#[ignore = "known defect (review 3, finding 3): counts_since_report clamps a decrease to nothing"]
fn a_withdrawal_after_the_mark_shows_up_as_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), opts("a")).unwrap();
    let march = ym("2026-03");
    let i = ins(datetime!(2026-03-31 23:50 +07:00), "aoc-1441").with_key("R-1");
    let c = store.count(&i).unwrap();
    store
        .count(&ins(datetime!(2026-03-31 23:40 +07:00), "aoc-1441"))
        .unwrap();
    store
        .mark_reported(march, Some(PEA), datetime!(2026-04-01 08:00 +07:00))
        .unwrap();
    // The printer jammed: the count of R-1 is taken back.
    store.withdraw(&i, c).unwrap();
    let now: u64 = store
        .month_counts(march, Some(PEA))
        .unwrap()
        .iter()
        .map(|r| r.count)
        .sum();
    assert_eq!(now, 1);
    let since = store.counts_since_report(march, Some(PEA)).unwrap();
    assert!(
        !since.is_empty(),
        "the filed form says 2, the store now says 1, and counts_since_report says nothing changed"
    );
}

// ---------------------------------------------------------------------------
// A unit report generated while counting continues: its rows and the
// per-writer counters that roll-ups use come from separate reads.
// ---------------------------------------------------------------------------

/// `Report::build_from_store` reads `month_counts`, then `manual_entries`,
/// then `writer_counts`, each in its own read. A receipt counted in between
/// is in `writers` but not in the rows: the unit's signed form says N, and
/// the district's roll-up of the very same JSON file says more.
#[test]
fn a_report_made_while_counting_rolls_up_to_its_own_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path(), opts("till")).unwrap());
    let catalog = Catalog::embedded().unwrap();
    let march = ym("2026-03");
    store
        .count(&ins(datetime!(2026-03-02 09:00 +07:00), "aoc-1441"))
        .unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let till = {
        let (store, stop) = (Arc::clone(&store), Arc::clone(&stop));
        std::thread::spawn(move || {
            let mut n = 0u64;
            while !stop.load(Ordering::Relaxed) {
                store
                    .count(&ins(datetime!(2026-03-30 09:00 +07:00), "aoc-1441"))
                    .unwrap();
                n += 1;
            }
            n
        })
    };
    let mut mismatch = None;
    for _ in 0..200 {
        let r = Report::from_store(&store, &catalog, march, Some(PEA)).unwrap();
        if r.totals.documents != writers_documents(&r) {
            mismatch = Some(r);
            break;
        }
    }
    stop.store(true, Ordering::Relaxed);
    let counted = till.join().unwrap();
    assert!(counted > 0);
    if let Some(r) = mismatch {
        let back = Report::from_json(&r.to_json()).unwrap();
        let district = merge_at(
            &[back],
            "อำเภอเมืองเชียงใหม่",
            Level::District,
            None,
            r.generated_at,
        )
        .unwrap();
        panic!(
            "the unit's form says {} documents, the district's roll-up of that same report says {}",
            r.totals.documents, district.totals.documents
        );
    }
}

// ---------------------------------------------------------------------------
// Catalog changes between the count and the report.
// ---------------------------------------------------------------------------

/// An agency overlay that hides a base message from the 15th on: the counts
/// made before are kept (good), but the row's content is the bare id
/// `guess-who-calling` and the note says the message is "no longer in the
/// catalog", although the base catalog still has its text. The officer
/// signs a row whose content column shows an identifier, not the message.
#[test]
fn a_message_disabled_by_the_overlay_keeps_its_text_on_the_form() {
    let dir = tempfile::tempdir().unwrap();
    let base = Catalog::embedded().unwrap();
    let id = "guess-who-calling";
    let text = base
        .get(id)
        .expect("in the embedded catalog")
        .text("th")
        .unwrap()
        .long
        .clone();
    {
        let store = Store::open(dir.path(), opts("x")).unwrap();
        let mut i = ins(datetime!(2026-03-10 09:00 +07:00), id);
        i.catalog_version = base.version();
        store.count(&i).unwrap();
    }
    let overlay = Overlay::from_bytes(
        format!("schema = 1\nversion = 2\ndisable = [\"{id}\"]\n").as_bytes(),
        Format::Toml,
        "overlay.toml",
    )
    .unwrap();
    let e = Engine::builder()
        .overlay(overlay)
        .store_path(dir.path())
        .agency(PEA)
        .build()
        .unwrap();
    let r = e.report(ym("2026-03")).unwrap();
    let row = r.rows.iter().find(|row| row.message_id == id).unwrap();
    assert_eq!(row.documents, 1);
    assert_eq!(
        row.content, text,
        "the form shows `{}` as the content of a message the catalog still has",
        row.content
    );
}

// ---------------------------------------------------------------------------
// The fleet store against the single-host store, fed the same insertions.
// ---------------------------------------------------------------------------

fn fleet_server() -> Option<&'static keymsg_pgtest::PgServer> {
    static S: std::sync::OnceLock<Option<keymsg_pgtest::PgServer>> = std::sync::OnceLock::new();
    S.get_or_init(keymsg_pgtest::PgServer::start).as_ref()
}

/// The same month of work counted into a store directory and into the
/// fleet store: month boundaries, a catalog version change, a withdrawal,
/// a duplicate key, an uncounted reprint, manual entries (one corrected).
/// The two reports must be the same form.
#[test]
fn the_fleet_report_is_the_single_host_report() {
    let Some(pg) = fleet_server() else { return };
    let url = pg.create_db(&format!("review_report_{}", std::process::id()));
    let dir = tempfile::tempdir().unwrap();
    let journal = tempfile::tempdir().unwrap();
    let local = Store::open(dir.path(), opts("h1")).unwrap();
    let fleet = Store::open_postgres(&url, journal.path(), StoreOptions::default()).unwrap();
    let catalog = Catalog::embedded().unwrap();
    let work = |s: &Store| {
        let mut v = Vec::new();
        for (at, id, version) in [
            (datetime!(2026-02-28 16:59:59 UTC), "aoc-1441", 1), // 23:59:59 Feb
            (datetime!(2026-02-28 17:00:00 UTC), "aoc-1441", 1), // 00:00 1 Mar
            (datetime!(2026-03-31 16:30:00 UTC), "aoc-1441", 2), // 23:30 31 Mar
            (datetime!(2026-03-31 23:30:00 UTC), "aoc-1441", 2), // 06:30 1 Apr
            (datetime!(2026-03-15 12:00:00 +07:00), "sms-water-cutoff", 1),
            (datetime!(2026-03-16 12:00:00 +07:00), "sms-water-cutoff", 2),
        ] {
            let mut i = ins(at, id);
            i.catalog_version = version;
            v.push(s.count(&i).unwrap());
        }
        let keyed = ins(datetime!(2026-03-20 10:00 +07:00), "aoc-1441").with_key("INV-9");
        let c = s.count(&keyed).unwrap();
        assert_eq!(s.count(&keyed).unwrap(), Counted::Duplicate);
        let failed = ins(datetime!(2026-03-21 10:00 +07:00), "aoc-1441").with_key("INV-10");
        let c2 = s.count(&failed).unwrap();
        s.withdraw(&failed, c2).unwrap();
        let mut reprint = keyed.clone().with_key("INV-9#reprint-1");
        reprint.reprint = true;
        assert_eq!(s.count(&reprint).unwrap(), Counted::Reprint);
        assert_eq!(c, Counted::New);
        for n in [4, 6] {
            s.record(&ManualEntry {
                agency: PEA.into(),
                month: ym("2026-03"),
                channel: Channel::Online,
                message_id: "aoc-1441".into(),
                count: n,
            })
            .unwrap();
        }
        s.record(&ManualEntry {
            agency: PEA.into(),
            month: ym("2026-03"),
            channel: Channel::Documents,
            message_id: "sms-water-cutoff".into(),
            count: 100,
        })
        .unwrap();
    };
    work(&local);
    work(&fleet);
    fleet
        .flush_within(std::time::Duration::from_secs(10))
        .unwrap();
    fleet.ship().unwrap();
    for month in ["2026-02", "2026-03", "2026-04"] {
        let a = Report::from_store(&local, &catalog, ym(month), Some(PEA)).unwrap();
        let b = Report::from_store(&fleet, &catalog, ym(month), Some(PEA)).unwrap();
        assert_eq!(a.rows, b.rows, "{month}: rows");
        assert_eq!(a.totals, b.totals, "{month}: totals");
        assert_eq!(a.breakdown, b.breakdown, "{month}: breakdown");
    }
    let march = Report::from_store(&local, &catalog, ym("2026-03"), Some(PEA)).unwrap();
    assert_eq!(documents(&march, "aoc-1441"), 3);
    assert_eq!(documents(&march, "sms-water-cutoff"), 102);
    let row = march
        .rows
        .iter()
        .find(|r| r.message_id == "aoc-1441")
        .unwrap();
    assert_eq!(row.online, 6);
}

// ---------------------------------------------------------------------------
// Month boundaries and writer files (expected to hold; kept as a guard).
// ---------------------------------------------------------------------------

#[test]
fn bangkok_month_boundaries_across_writer_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = Store::open(dir.path(), opts("a")).unwrap();
    let b = Store::open(dir.path(), opts("b")).unwrap();
    let catalog = Catalog::embedded().unwrap();
    let cases = [
        (datetime!(2026-01-31 16:59:59 UTC), "2026-01"),
        (datetime!(2026-01-31 17:00:00 UTC), "2026-02"),
        (datetime!(2026-01-31 23:30:00 UTC), "2026-02"),
        (datetime!(2028-02-29 16:30:00 UTC), "2028-02"),
        (datetime!(2028-02-29 17:30:00 UTC), "2028-03"),
        (datetime!(2026-12-31 17:00:00 UTC), "2027-01"),
        (datetime!(2026-12-31 23:59:59 +07:00), "2026-12"),
    ];
    for (k, (at, _)) in cases.iter().enumerate() {
        let s = if k % 2 == 0 { &a } else { &b };
        s.count(&ins(*at, "aoc-1441").with_key(format!("K-{k}")))
            .unwrap();
        // The retry reaches the other process.
        let other = if k % 2 == 0 { &b } else { &a };
        assert_eq!(
            other
                .count(&ins(*at, "aoc-1441").with_key(format!("K-{k}")))
                .unwrap(),
            Counted::Duplicate
        );
    }
    for month in [
        "2026-01", "2026-02", "2026-12", "2027-01", "2028-02", "2028-03",
    ] {
        let expected = cases.iter().filter(|(_, m)| *m == month).count() as u64;
        let r = Report::from_store(&a, &catalog, ym(month), Some(PEA)).unwrap();
        assert_eq!(r.totals.documents, expected, "{month}");
        assert_eq!(writers_documents(&r), expected, "{month}");
    }
    // A month in the future: an all-zero form, not an error.
    let r = Report::from_store(&a, &catalog, ym("2030-05"), Some(PEA)).unwrap();
    assert_eq!(r.totals.documents, 0);
}

// ---------------------------------------------------------------------------
// Large counts: a form keymsg wrote must be readable by `keymsg merge`.
// ---------------------------------------------------------------------------

/// `record` accepts up to `MAX_COUNT` for the Documents column and the store
/// adds its counted insertions to it without a cap, so the unit's form is
/// written with 1,000,000,001 in the cell; `Report::from_json` (what
/// `keymsg merge` reads) then refuses the unit's own JSON file.
/// A count and a manual entry of one cell may add up past `MAX_COUNT`:
/// keymsg then refuses to build the form, naming the cell, as `merge`
/// refuses such a cell ("a number nobody can have counted must not be
/// signed"), instead of writing a form its own `merge` would refuse.
#[test]
fn keymsg_never_writes_a_form_its_merge_refuses() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), opts("a")).unwrap();
    let catalog = Catalog::embedded().unwrap();
    let march = ym("2026-03");
    store
        .record(&ManualEntry {
            agency: PEA.into(),
            month: march,
            channel: Channel::Documents,
            message_id: "aoc-1441".into(),
            count: keymsg_core::store::MAX_COUNT,
        })
        .unwrap();
    // At the cap: written, and read back.
    let r = Report::from_store(&store, &catalog, march, Some(PEA)).unwrap();
    assert_eq!(r.totals.documents, keymsg_core::store::MAX_COUNT);
    Report::from_json(&r.to_json()).unwrap();
    // One receipt more: refused, naming the cell.
    store
        .count(&ins(datetime!(2026-03-10 09:00 +07:00), "aoc-1441"))
        .unwrap();
    let e = Report::from_store(&store, &catalog, march, Some(PEA)).unwrap_err();
    let text = e.to_string();
    assert!(
        text.contains("aoc-1441") && text.contains("1000000001"),
        "{text}"
    );
}
