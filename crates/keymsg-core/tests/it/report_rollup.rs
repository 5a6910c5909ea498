//! Roll-up of units' reports: no double counting, order independence,
//! missing units, deadlines.

// Test helpers outside #[test] functions may panic on bad fixtures.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::report_common::*;
use keymsg_core::YearMonth;
use keymsg_core::report::{Level, Report, ReportError, merge, merge_at};
use keymsg_core::{Channel, Surface};
use proptest::prelude::*;
use time::OffsetDateTime;
use time::macros::{date, datetime};

fn unit(agency: &str, docs: u64, community: u64, at: OffsetDateTime) -> Report {
    Report::build_at(
        &catalog(),
        agency,
        march(),
        &[
            count(agency, "m-bank", Surface::Receipt, "water-bill", docs),
            count(agency, "m-formula", Surface::Popup, "ThaiD", 1),
        ],
        &[manual(
            agency,
            march(),
            Channel::Community,
            "m-loan",
            community,
        )],
        "th",
        at,
    )
}

const T0: OffsetDateTime = datetime!(2026-03-24 10:00 +7);
const T1: OffsetDateTime = datetime!(2026-03-25 10:00 +7);
const MERGED_AT: OffsetDateTime = datetime!(2026-03-31 12:00 +7);

#[test]
fn a_unit_sent_twice_counts_once_and_newest_wins() {
    let a_old = unit("เทศบาลตำบลก", 100, 5, T0);
    let a_new = unit("เทศบาลตำบลก", 130, 5, T1);
    let b = unit("เทศบาลตำบลข", 40, 2, T0);
    let expected = vec![
        "เทศบาลตำบลก".to_owned(),
        "เทศบาลตำบลข".to_owned(),
        "เทศบาลตำบลค".to_owned(),
    ];
    let r = merge(
        &[a_old.clone(), b.clone(), a_new.clone(), b.clone()],
        "อำเภอบางพลี",
        Level::District,
        Some(&expected),
    )
    .unwrap();
    assert_eq!(r.agency, "อำเภอบางพลี");
    assert_eq!(r.month, march());
    // 130 + 40, not 100 + 130 + 40 + 40
    assert_eq!(r.rows[0].documents, 170);
    assert_eq!(r.rows[1].documents, 2);
    assert_eq!(r.rows[2].community, 7);
    assert_eq!(r.totals.documents, 172);
    assert_eq!(r.units.len(), 2);
    assert_eq!(r.units[0].generated_at, T1);
    // Which copies were dropped is recorded, and said in the outputs.
    let dropped: Vec<(&str, OffsetDateTime, OffsetDateTime)> = r
        .dropped_duplicates
        .iter()
        .map(|d| (d.agency.as_str(), d.generated_at, d.kept_generated_at))
        .collect();
    assert_eq!(
        dropped,
        vec![("เทศบาลตำบลก", T0, T1), ("เทศบาลตำบลข", T0, T0)]
    );
    assert_eq!(r.missing_units, vec!["เทศบาลตำบลค"]);
    assert!(r.unexpected_units.is_empty());
    // Breakdown summed by (message, surface, kind).
    let water = r
        .breakdown
        .iter()
        .find(|e| e.message_id == "m-bank")
        .unwrap();
    assert_eq!(water.count, 170);

    // The district files by the 1st of April; the chain is shown.
    assert_eq!(r.level, Some(Level::District));
    assert_eq!(r.deadline, Some(date!(2026 - 04 - 01)));
    let md = r.to_markdown();
    assert!(md.contains("กำหนดส่งจังหวัด**: ๑ เมษายน ๒๕๖๙"), "{md}");
    assert!(md.contains("เทศบาล → อำเภอ ๒๕ มีนาคม ๒๕๖๙"), "{md}");
    assert!(md.contains("จังหวัด → กระทรวงมหาดไทย ๕ เมษายน ๒๕๖๙"), "{md}");
    assert!(md.contains("หน่วยงานที่ยังไม่ส่ง (๑)**: เทศบาลตำบลค"), "{md}");
    // In Bangkok time and the Buddhist Era, as every other date of the
    // form (not an RFC 3339 instant in UTC).
    assert!(
        md.contains(
            "เทศบาลตำบลก (ฉบับ ๒๔ มีนาคม ๒๕๖๙ เวลา ๑๐:๐๐:๐๐ น. ไม่นับ \
             ใช้ฉบับ ๒๕ มีนาคม ๒๕๖๙ เวลา ๑๐:๐๐:๐๐ น.)"
        ),
        "{md}"
    );
    assert!(r.to_csv().contains("เทศบาลตำบลค"));

    // Round trip, then a province rolls up districts; missing units carry up.
    let r = Report::from_json(&r.to_json()).unwrap();
    let p = merge(&[r], "จังหวัดสมุทรปราการ", Level::Province, None).unwrap();
    assert_eq!(p.totals.documents, 172);
    assert_eq!(p.missing_units, vec!["อำเภอบางพลี / เทศบาลตำบลค"]);
    assert_eq!(p.deadline, Some(date!(2026 - 04 - 05)));
}

#[test]
fn merge_errors_are_clear() {
    assert!(matches!(
        merge(&[], "x", Level::District, None),
        Err(ReportError::NoReports)
    ));
    let a = unit("ก", 1, 1, T0);
    let mut feb = unit("ข", 1, 1, T0);
    feb.month = YearMonth::new(2026, 2).unwrap();
    let e = merge(&[a.clone(), feb], "x", Level::District, None).unwrap_err();
    assert!(matches!(e, ReportError::MonthMismatch { .. }), "{e:?}");
    assert!(
        e.to_string().contains("2026-02") && e.to_string().contains("2026-03"),
        "{e}"
    );
    let mut nameless = a.clone();
    nameless.agency.clear();
    assert!(matches!(
        merge(&[a, nameless], "x", Level::District, None),
        Err(ReportError::EmptyAgency { .. })
    ));
}

#[test]
fn units_with_different_catalogs_merge_by_message_id() {
    let a = unit("ก", 10, 0, T0);
    // Unit ข runs an old catalog that still has `old-msg`, and lacks the others.
    let b = Report::build_at(
        &catalog(),
        "ข",
        march(),
        &[
            count("ข", "old-msg", Surface::Receipt, "", 3),
            count("ข", "m-bank", Surface::Receipt, "", 1),
        ],
        &[],
        "th",
        T0,
    );
    let r = merge_at(&[b, a], "อำเภอ", Level::District, None, MERGED_AT).unwrap();
    let ids: Vec<&str> = r.rows.iter().map(|r| r.message_id.as_str()).collect();
    assert_eq!(ids, ["m-bank", "m-formula", "m-loan", "old-msg"]);
    assert_eq!(r.rows[0].content, BANK);
    assert_eq!(r.rows[0].documents, 11);
    assert!(r.rows[3].not_in_catalog);
    assert_eq!(r.rows[3].documents, 3);
}

fn arb_unit() -> impl Strategy<Value = Report> {
    let agencies = prop::sample::select(vec!["ก", "ข", "ค", "ง"]);
    let ids = prop::sample::select(vec!["m-bank", "m-formula", "m-loan", "gone-1", "gone-2"]);
    let surfaces = prop::sample::select(Surface::ALL.to_vec());
    let kinds = prop::sample::select(vec!["", "water-bill", "PEA Smart Plus"]);
    let channels = prop::sample::select(Channel::ALL.to_vec());
    let counts = prop::collection::vec((ids.clone(), surfaces, kinds, 0u64..1000), 0..6);
    let manuals = prop::collection::vec((ids, channels, 0u64..100), 0..4);
    // Few distinct instants, so equal `generated_at` with different content occurs.
    let at = prop::sample::select(vec![T0, T1]);
    (agencies, counts, manuals, at).prop_map(|(agency, counts, manuals, at)| {
        let counts: Vec<_> = counts
            .into_iter()
            .map(|(id, s, k, n)| count(agency, id, s, k, n))
            .collect();
        let manuals: Vec<_> = manuals
            .into_iter()
            .map(|(id, c, n)| manual(agency, march(), c, id, n))
            .collect();
        Report::build_at(&catalog(), agency, march(), &counts, &manuals, "th", at)
    })
}

fn arb_input() -> impl Strategy<Value = (Vec<Report>, Vec<Report>)> {
    prop::collection::vec(arb_unit(), 1..8).prop_flat_map(|units| {
        let n = units.len();
        let dup = prop::collection::vec(0..n, 0..6);
        (Just(units), dup).prop_flat_map(|(units, dup)| {
            let mut more = units.clone();
            more.extend(dup.into_iter().map(|i| units[i].clone()));
            (Just(units.clone()), Just(more).prop_shuffle())
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn merge_is_order_and_duplication_independent((units, shuffled) in arb_input()) {
        let expected = vec!["ก".to_owned(), "ข".to_owned(), "ฉ".to_owned()];
        let a = merge_at(&units, "อำเภอ", Level::District, Some(&expected), MERGED_AT).unwrap();
        let mut b = merge_at(&shuffled, "อำเภอ", Level::District, Some(&expected), MERGED_AT).unwrap();
        // Extra copies are (rightly) listed as dropped; everything else is identical.
        prop_assert!(b.dropped_duplicates.len() >= a.dropped_duplicates.len());
        b.dropped_duplicates.clone_from(&a.dropped_duplicates);
        prop_assert_eq!(&a, &b);

        // A pure permutation gives the same report, dropped list included.
        let mut rev = units.clone();
        rev.reverse();
        let c = merge_at(&rev, "อำเภอ", Level::District, Some(&expected), MERGED_AT).unwrap();
        let a2 = merge_at(&units, "อำเภอ", Level::District, Some(&expected), MERGED_AT).unwrap();
        prop_assert_eq!(&a2, &c);

        // No double counting: totals = sum over units of the one report kept per unit.
        let mut kept: std::collections::BTreeMap<&str, &Report> = Default::default();
        for u in &units {
            let k = kept.entry(u.agency.as_str()).or_insert(u);
            if (u.generated_at, u.to_json()) > (k.generated_at, k.to_json()) {
                *k = u;
            }
        }
        for c in Channel::ALL {
            let sum: u64 = kept.values().map(|r| r.totals.get(c)).sum();
            prop_assert_eq!(a.totals.get(c), sum);
        }
        prop_assert_eq!(a.units.len(), kept.len());
        // Totals are the column sums of the rows.
        prop_assert_eq!(a.totals, keymsg_core::report::Totals::of(&a.rows));
    }
}

/// Found by the report fuzz target: a unit report whose breakdown said less
/// than its documents column merged (from the breakdown) to a smaller total
/// than the report itself showed. Such a report is refused when read.
#[test]
fn a_breakdown_that_disagrees_with_the_rows_is_refused() {
    let r = unit("PEA Chiang Mai", 3, 0, T0);
    let good = r.to_json();
    assert!(Report::from_json(&good).is_ok());
    let mut v: serde_json::Value = serde_json::from_str(&good).unwrap();
    let entry = v["breakdown"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|e| e["message_id"] == "m-bank")
        .unwrap();
    entry["count"] = serde_json::json!(2);
    let e = Report::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(
        e.contains("breakdown of `m-bank`") && e.contains("adds up to 2"),
        "{e}"
    );
    let mut v: serde_json::Value = serde_json::from_str(&good).unwrap();
    v["breakdown"].as_array_mut().unwrap().push(
        serde_json::json!({"message_id": "m-none", "surface": "receipt", "kind": "", "count": 1}),
    );
    let e = Report::from_json(&v.to_string()).unwrap_err().to_string();
    assert!(e.contains("no row"), "{e}");
}
