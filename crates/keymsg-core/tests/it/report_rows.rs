//! Rows of the form: free-text rows for the other channels, catalog ids,
//! the compact form, the agency heading and the signature block.

#![allow(clippy::unwrap_used, clippy::panic, clippy::indexing_slicing)]

use keymsg_core::report::{FormOptions, Report, Signature};
use keymsg_core::store::{ManualEntry, Store};
use keymsg_core::{Channel, Error};
use keymsg_core::{Engine, FooterRequest, YearMonth};
use time::macros::{date, datetime};

fn march() -> YearMonth {
    "2026-03".parse().unwrap()
}

fn engine(agency: &str) -> Engine {
    Engine::builder()
        .in_memory_store()
        .agency(agency)
        .build()
        .unwrap()
}

#[test]
fn free_text_content_is_a_row_of_its_own_and_recording_it_again_corrects_it() {
    let e = engine("เทศบาลตำบลตัวอย่าง");
    let spot = "สปอตวิทยุชุมชน เรื่องแก๊งคอลเซ็นเตอร์";
    e.record_content(march(), Channel::OnAir, spot, 3).unwrap();
    // The same content again (spacing differs): the same row, count replaced.
    e.record_content(
        march(),
        Channel::OnAir,
        "  สปอตวิทยุชุมชน   เรื่องแก๊งคอลเซ็นเตอร์ ",
        5,
    )
    .unwrap();
    // The same content on another channel: the same row, another column.
    e.record_content(march(), Channel::Community, spot, 2)
        .unwrap();
    // Catalog ids keep working.
    e.record(march(), Channel::Online, "aoc-1441", 7).unwrap();
    let r = e.report(march()).unwrap();
    let free: Vec<_> = r.rows.iter().filter(|row| row.content == spot).collect();
    assert_eq!(free.len(), 1, "one row for the content");
    assert_eq!((free[0].on_air, free[0].community), (5, 2));
    assert!(!free[0].not_in_catalog, "not flagged as a retired message");
    let aoc = r
        .rows
        .iter()
        .find(|row| row.message_id == "aoc-1441")
        .unwrap();
    assert_eq!(aoc.online, 7);
    assert_eq!(r.totals.on_air, 5);
    // Catalog rows first, then the agency's own.
    let n = e.catalog().messages().len();
    assert_eq!(r.rows[n].content, spot);
    // The JSON keeps the row and reads back.
    let back = keymsg_core::report::Report::from_json(&r.to_json()).unwrap();
    assert_eq!(back, r);
    assert!(r.to_csv().contains(spot));
    assert!(r.to_markdown().contains(spot));
}

#[test]
fn bad_content_is_refused_with_a_reason() {
    let e = engine("a");
    for (content, why) in [
        ("   ", "empty"),
        ("สปอต\u{1b}[1m", "control"),
        ("\u{202E}abc", "control"),
    ] {
        match e.record_content(march(), Channel::OnAir, content, 1) {
            Err(Error::InvalidArgument { name, reason }) => {
                assert_eq!(name, "content");
                assert!(reason.contains(why) || why == "control", "{reason}");
            }
            other => panic!("{content:?}: {other:?}"),
        }
    }
    let long = "ก".repeat(501);
    assert!(e.record_content(march(), Channel::OnAir, &long, 1).is_err());
    let no_store = Engine::builder().build().unwrap();
    assert!(
        no_store
            .record_content(march(), Channel::OnAir, "x", 1)
            .is_err()
    );
}

#[test]
fn the_compact_form_leaves_out_zero_rows_and_keeps_the_totals() {
    let e = engine("u");
    e.footer(
        &FooterRequest::new()
            .key("INV-1")
            .at(datetime!(2026-03-02 10:00 +07:00)),
    )
    .unwrap();
    e.record_content(march(), Channel::OnGround, "ประชุมกำนันผู้ใหญ่บ้าน", 1)
        .unwrap();
    let full = e.report(march()).unwrap();
    let compact = e
        .report_with(march(), &FormOptions::new().omit_zero_rows(true))
        .unwrap();
    assert_eq!(compact.rows.len(), 2, "{:?}", compact.rows);
    assert!(full.rows.len() > 30);
    assert_eq!(compact.totals, full.totals);
    assert!(
        compact
            .rows
            .iter()
            .all(|r| r.counts().iter().any(|&n| n > 0))
    );
}

#[test]
fn the_form_is_headed_with_the_store_agency_and_an_unknown_one_is_an_error() {
    let store = Store::in_memory();
    let catalog = keymsg_core::Catalog::embedded().unwrap();
    let entry = |agency: &str| ManualEntry {
        agency: agency.into(),
        month: march(),
        channel: Channel::Online,
        message_id: "aoc-1441".into(),
        count: 1,
    };
    // One agency in the store: the form names it, in Thai, without "all".
    store.record(&entry("u")).unwrap();
    let r = Report::from_store(&store, &catalog, march(), None).unwrap();
    assert_eq!(r.agency, "u");
    // Several: ทุกหน่วยงาน.
    store.record(&entry("เทศบาลตำบลบางพลีใหญ่")).unwrap();
    let r = Report::from_store(&store, &catalog, march(), None).unwrap();
    assert_eq!(r.agency, "ทุกหน่วยงาน");
    assert_eq!(r.totals.online, 2);
    // An agency the store has nothing for: an error naming what it has.
    let err = Report::from_store(&store, &catalog, march(), Some("U")).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::InvalidArgument { name: "agency", .. }));
    assert!(
        msg.contains("`u`") && msg.contains("เทศบาลตำบลบางพลีใหญ่"),
        "{msg}"
    );
    assert!(msg.contains("did you mean `u`"), "{msg}");
    // An agency with nothing this month but counts in another: a real zero form.
    let april: YearMonth = "2026-04".parse().unwrap();
    let r = Report::from_store(&store, &catalog, april, Some("u")).unwrap();
    assert_eq!(r.totals.online, 0);
    assert_eq!(r.agency, "u");
    // Signature fields through the options.
    let sig = Signature {
        reporter: Some("นายสมชาย รักชาติ".into()),
        position: Some("ปลัดเทศบาล".into()),
        date: Some(date!(2026 - 04 - 05)),
    };
    let r = Report::from_store_with(
        &store,
        &catalog,
        march(),
        Some("u"),
        &FormOptions::new().signature(sig.clone()),
    )
    .unwrap();
    assert_eq!(r.signature, sig);
    assert!(r.to_markdown().contains("นายสมชาย รักชาติ"));
}
