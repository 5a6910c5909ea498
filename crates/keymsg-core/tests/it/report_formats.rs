//! The report model and its text formats: build rules, JSON, CSV, Markdown,
//! Thai month rendering, amendments.

// Test helpers outside #[test] functions may panic on bad fixtures.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use crate::report_common::*;
use keymsg_core::Surface;
use keymsg_core::report::{MANUAL_KIND, Report, ReportError, SCHEMA_VERSION};

const TITLE: &str =
    "แบบรายงานผลการเผยแพร่ข้อมูลเกี่ยวกับการเสริมสร้างการรับรู้ภัยอาชญากรรมออนไลน์ ผ่านช่องทางสื่อสารต่าง ๆ";

#[test]
fn insertion_at_end_of_february_utc_is_reported_in_march_be_2569() {
    let m = march();
    assert_eq!(m.to_string(), "2026-03");
    let r = report();
    assert_eq!(r.month, m);
    let md = r.to_markdown();
    assert!(md.contains("\nประจำเดือน มีนาคม ๒๕๖๙\n"), "{md}");
    let csv = r.to_csv();
    assert!(csv.contains("\"ประจำเดือน\",\"มีนาคม ๒๕๖๙\"\r\n"), "{csv}");
    assert_eq!(
        keymsg_core::report::month_heading(m, Default::default()),
        "ประจำเดือน มีนาคม ๒๕๖๙"
    );
}

#[test]
fn build_fills_rows_in_catalog_order_then_retired_ids() {
    let r = report();
    let got: Vec<(&str, &str, [u64; 6])> = r
        .rows
        .iter()
        .map(|row| (row.message_id.as_str(), row.content.as_str(), row.counts()))
        .collect();
    assert_eq!(got, expected_rows());
    assert!(r.rows[3].not_in_catalog);
    assert!(!r.rows[0].not_in_catalog);
    // totals = column sums of the expected rows
    assert_eq!(r.totals.counts(), [3, 5, 2, 9, 51, 1251 + 7 + 4]);
}

#[test]
fn breakdown_adds_up_to_the_documents_column() {
    let r = report();
    for row in &r.rows {
        let sum: u64 = r
            .breakdown
            .iter()
            .filter(|e| e.message_id == row.message_id)
            .map(|e| e.count)
            .sum();
        assert_eq!(sum, row.documents, "{}", row.message_id);
    }
    // Same (message, surface, kind) given twice is summed into one entry.
    let water: Vec<_> = r
        .breakdown
        .iter()
        .filter(|e| e.message_id == "m-bank" && e.surface == Some(Surface::Receipt))
        .collect();
    assert_eq!(water.len(), 1);
    assert_eq!(water[0].count, 1210);
    assert!(r.breakdown.iter().any(|e| e.message_id == "m-bank"
        && e.surface.is_none()
        && e.kind == MANUAL_KIND
        && e.count == 6));
}

#[test]
fn content_falls_back_to_thai_for_a_missing_language() {
    let r = Report::build(&catalog(), AGENCY, march(), &[], &[], "en");
    assert_eq!(r.rows[0].content, BANK);
    assert_eq!(r.rows.len(), 3);
    assert_eq!(r.totals.counts(), [0; 6]);
}

#[test]
fn json_round_trips_and_uses_contract_field_names() {
    let mut r = report();
    r.signature.reporter = Some("นางสาวสมใจ ใจดี".into());
    r.signature.position = Some("นักวิเคราะห์นโยบายและแผน".into());
    r.signature.date = Some(time::macros::date!(2026 - 03 - 25));
    let json = r.to_json();
    let back = Report::from_json(&json).unwrap();
    assert_eq!(back, r);

    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["schema"], SCHEMA_VERSION);
    assert_eq!(v["agency"], AGENCY);
    assert_eq!(v["month"], "2026-03");
    let row = &v["rows"][0];
    for key in [
        "message_id",
        "content",
        "online",
        "on_air",
        "on_ground",
        "billboard",
        "community",
        "documents",
    ] {
        assert!(row.get(key).is_some(), "row lacks {key}: {row}");
    }
    assert_eq!(row["documents"], 1251);
    for key in [
        "online",
        "on_air",
        "on_ground",
        "billboard",
        "community",
        "documents",
    ] {
        assert!(v["totals"].get(key).is_some(), "totals lack {key}");
    }
    assert_eq!(v["signature"]["date"], "2026-03-25");
    assert_eq!(v["generated_at"], "2026-03-25T09:00:00+07:00");
}

#[test]
fn json_rejects_other_schemas_and_non_reports_clearly() {
    let json = report().to_json();
    let future = json.replacen("\"schema\": 1", "\"schema\": 2", 1);
    match Report::from_json(&future) {
        Err(
            e @ ReportError::UnsupportedSchema {
                found: 2,
                supported: 1,
            },
        ) => {
            assert!(e.to_string().contains("unsupported report schema 2"), "{e}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        Report::from_json("{\"agency\": \"x\"}"),
        Err(ReportError::MissingSchema)
    ));
    assert!(matches!(
        Report::from_json("not json"),
        Err(ReportError::Json(_))
    ));
    let typo = json.replacen("\"on_air\"", "\"onair\"", 1);
    assert!(matches!(
        Report::from_json(&typo),
        Err(ReportError::Json(_))
    ));
    let bad_month = json.replacen("\"2026-03\"", "\"2026-13\"", 1);
    assert!(matches!(
        Report::from_json(&bad_month),
        Err(ReportError::Json(_))
    ));
}

#[test]
fn csv_has_bom_crlf_thai_and_the_form_layout() {
    let csv = report().to_csv();
    assert!(csv.starts_with('\u{FEFF}'), "BOM");
    assert!(csv.ends_with("\r\n"));
    assert!(
        !csv.replace("\r\n", "").contains('\n'),
        "only CRLF line ends"
    );
    let rows = parse_csv(csv.trim_start_matches('\u{FEFF}'));
    assert_eq!(rows[0], vec![TITLE]);
    assert_eq!(rows[1], vec!["หน่วยงาน", AGENCY]);
    let header = rows
        .iter()
        .position(|r| r.first().map(String::as_str) == Some("ลำดับ"))
        .unwrap();
    assert_eq!(
        rows[header],
        vec![
            "ลำดับ",
            "เนื้อหา/รายละเอียดในการเผยแพร่",
            "Online",
            "On Air",
            "On Ground",
            "Digital Billboard",
            "Community",
            "Documents and Application"
        ]
    );
    for (i, (_, content, counts)) in expected_rows().into_iter().enumerate() {
        let row = &rows[header + 1 + i];
        assert_eq!(row[0], (i + 1).to_string());
        // Text starting with = or - carries a leading apostrophe; the rest is intact.
        assert_eq!(row[1].trim_start_matches('\''), content);
        let nums: Vec<u64> = row[2..8].iter().map(|c| c.parse().unwrap()).collect();
        assert_eq!(nums, counts);
    }
    let total = &rows[header + 5];
    assert_eq!(total[1], "รวม");
    assert_eq!(total[7], "1262");
    assert!(csv.contains("ลงชื่อ"));
    assert!(csv.contains("ผู้รายงาน"));
}

#[test]
fn csv_text_beginning_with_formula_characters_is_not_a_formula() {
    let csv = report().to_csv();
    // The raw field is quoted and starts with an apostrophe, so no spreadsheet
    // evaluates it (OWASP CSV injection).
    let formula_field = format!("\"'{}\"", FORMULA.replace('"', "\"\""));
    assert!(csv.contains(&formula_field), "{csv}");
    let loan_field = format!("\"'{}\"", LOAN.replace('"', "\"\""));
    assert!(csv.contains(&loan_field), "{csv}");
    for line in csv.split("\r\n") {
        for c in ['=', '+', '-', '@'] {
            assert!(!line.starts_with(c), "line starts with {c}: {line}");
            assert!(
                !line.contains(&format!(",{c}")),
                "field starts with {c}: {line}"
            );
            assert!(
                !line.contains(&format!(",\"{c}")),
                "field starts with {c}: {line}"
            );
        }
    }
}

#[test]
fn markdown_shows_the_form() {
    let md = report().to_markdown();
    assert!(md.starts_with(&format!("# {TITLE}\n")));
    assert!(!md.contains("ครรภ์"), "not the wrong (pregnancy) title");
    assert!(md.contains("| ลำดับ | เนื้อหา/รายละเอียดในการเผยแพร่ | Online | On Air | On Ground | Digital Billboard | Community | Documents and Application |"));
    // Row 1 in Thai digits: 3 5 2 9 11 1,251
    assert!(
        md.contains(
            "| ๑ | ถูกหลอกโอนเงิน โทรแจ้งธนาคารทันที แล้วโทร 1441 | ๓ | ๕ | ๒ | ๙ | ๑๑ | ๑,๒๕๑ |"
        ),
        "{md}"
    );
    // The | inside message text is escaped so the table stays 8 columns.
    assert!(md.contains("=cmd\\|'"), "{md}");
    assert!(md.contains("ลงชื่อ"));
    assert!(
        md.contains("ข้อความที่ไม่อยู่ในแค็ตตาล็อกแล้ว"),
        "retired ids are flagged"
    );
    let arabic = report().to_markdown_with(keymsg_core::report::Digits::Arabic);
    assert!(
        arabic.contains(
            "| 1 | ถูกหลอกโอนเงิน โทรแจ้งธนาคารทันที แล้วโทร 1441 | 3 | 5 | 2 | 9 | 11 | 1,251 |"
        )
    );
    assert!(arabic.contains("มีนาคม 2569"));
}

#[test]
fn late_counts_become_an_amendment_not_a_silent_change() {
    let filed = report();
    let mut late = counts();
    late.push(count(AGENCY, "m-formula", Surface::Invoice, "", 30));
    late.push(count(AGENCY, "m-loan", Surface::Receipt, "tax", 2));
    let now = Report::build_at(
        &catalog(),
        AGENCY,
        march(),
        &late,
        &manuals(),
        "th",
        time::macros::datetime!(2026-04-03 10:00 +7),
    );
    let a = Report::amend(&filed, &now).unwrap();
    let got: Vec<(&str, i64)> = a
        .rows
        .iter()
        .map(|d| (d.message_id.as_str(), d.delta.documents))
        .collect();
    assert_eq!(got, vec![("m-formula", 30), ("m-loan", 2)]);
    assert_eq!(a.totals.documents, 32);
    assert_eq!(a.totals.online, 0);
    assert_eq!(a.previous_generated_at, filed.generated_at);

    let amended = now.amended_from(&filed).unwrap();
    let md = amended.to_markdown();
    assert!(md.contains("ฉบับแก้ไข"), "{md}");
    assert!(md.contains("+๓๐"), "{md}");
    let csv = amended.to_csv();
    assert!(csv.contains("ฉบับแก้ไข"));
    // Deltas stay numbers in CSV (not neutralised text).
    assert!(csv.contains(",0,0,0,0,0,30\r\n"), "{csv}");
    let back = Report::from_json(&amended.to_json()).unwrap();
    assert_eq!(back, amended);

    // A decrease (a count withdrawn) is negative, and still a number.
    let fewer = Report::build_at(
        &catalog(),
        AGENCY,
        march(),
        &counts()[..2],
        &manuals(),
        "th",
        filed.generated_at,
    );
    let a = Report::amend(&filed, &fewer).unwrap();
    assert!(
        a.rows
            .iter()
            .any(|d| d.message_id == "old-msg" && d.delta.documents == -4)
    );
    let csv = fewer.amended_from(&filed).unwrap().to_csv();
    assert!(csv.contains(",-4\r\n"), "{csv}");

    // Different agency: an error, not a bogus diff.
    let other = Report::build(&catalog(), "อื่น", march(), &[], &[], "th");
    assert!(matches!(
        Report::amend(&filed, &other),
        Err(ReportError::AmendMismatch { .. })
    ));
}
