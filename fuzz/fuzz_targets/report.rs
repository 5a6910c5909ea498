//! Report JSON parse + validate + merge: never a panic; a report that is read
//! is plain text with counts a form can hold, writes back to an equal report,
//! renders to CSV and Markdown without a control byte, and merged with a
//! re-sent copy of itself counts once.
#![no_main]

use keymsg_core::report::{Level, Report, merge_at};
use keymsg_core::store::MAX_COUNT;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(report) = Report::from_json(text) else {
        return;
    };
    assert!(report.validate().is_ok());
    for row in &report.rows {
        assert!(row.counts().iter().all(|&n| n <= MAX_COUNT), "{row:?}");
    }
    let again = Report::from_json(&report.to_json());
    assert_eq!(again.as_ref().ok(), Some(&report), "{again:?}");
    for out in [report.to_csv(), report.to_markdown()] {
        assert!(
            !out.chars()
                .any(|c| c != '\n' && c != '\r' && keymsg_core::is_unsafe_char(c)),
            "{out:?}"
        );
    }
    if report.agency.is_empty() {
        return;
    }
    let at = report.generated_at;
    if let Ok(merged) = merge_at(
        &[report.clone(), report.clone()],
        "district",
        Level::District,
        None,
        at,
    ) {
        assert_eq!(merged.totals, report.totals, "a re-sent copy counts once");
        assert_eq!(merged.units.len(), 1);
    }
});
