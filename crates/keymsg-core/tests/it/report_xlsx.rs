//! The XLSX form, opened by a real spreadsheet program: LibreOffice headless
//! converts it to CSV and we check the Thai title, the Thai month with the
//! Buddhist Era year, and every count in its cell.
//!
//! Needs `soffice` on PATH (Debian: `libreoffice-calc-nogui`). Without it the
//! test fails, unless `KEYMSG_SKIP_LIBREOFFICE=1` is set.

// Test helpers outside #[test] functions may panic on bad fixtures.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::path::Path;
use std::process::Command;

use crate::report_common::*;
use keymsg_core::report::{Report, Signature};

const TITLE: &str =
    "แบบรายงานผลการเผยแพร่ข้อมูลเกี่ยวกับการเสริมสร้างการรับรู้ภัยอาชญากรรมออนไลน์ ผ่านช่องทางสื่อสารต่าง ๆ";

/// Convert `xlsx` to CSV with LibreOffice; `None` when skipped.
fn libreoffice_csv(xlsx: &Path, sheet: u32) -> Option<Vec<Vec<String>>> {
    let found = Command::new("soffice")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        if std::env::var("KEYMSG_SKIP_LIBREOFFICE").as_deref() == Ok("1") {
            eprintln!("SKIPPED: soffice not on PATH and KEYMSG_SKIP_LIBREOFFICE=1");
            return None;
        }
        panic!(
            "LibreOffice `soffice` is not on PATH. Install it (Debian: \
             `apt-get install -y --no-install-recommends libreoffice-calc-nogui`) \
             or set KEYMSG_SKIP_LIBREOFFICE=1 to skip this test."
        );
    }
    let dir = xlsx.parent().unwrap();
    let out = dir.join("out");
    let profile = dir.join("lo-profile");
    // Filter options: comma, double quote, UTF-8 (76); token 12 picks the
    // sheet (1-based; LibreOffice ≥ 7.2).
    let filter = format!(
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,{sheet}"
    );
    let status = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            &filter,
            "--outdir",
        ])
        .arg(&out)
        .arg(xlsx)
        .output()
        .expect("run soffice");
    assert!(
        status.status.success(),
        "soffice failed: {}\n{}",
        String::from_utf8_lossy(&status.stdout),
        String::from_utf8_lossy(&status.stderr)
    );
    let stem = xlsx.file_stem().unwrap().to_str().unwrap();
    let csv_path = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_str().unwrap().starts_with(stem))
        .unwrap_or_else(|| panic!("no CSV written in {}", out.display()));
    let text = std::fs::read_to_string(&csv_path).expect("LibreOffice wrote UTF-8");
    std::fs::remove_dir_all(&out).unwrap();
    Some(parse_csv(text.trim_start_matches('\u{FEFF}')))
}

/// A cell's text without white space: the form breaks long text into lines
/// itself (a line break where a space or a word boundary was).
fn squash(cell: &str) -> String {
    cell.split_whitespace().collect()
}

fn number(cell: &str) -> u64 {
    cell.replace(',', "")
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {cell:?}"))
}

#[test]
fn libreoffice_reads_the_form_with_every_count_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.xlsx");
    let report = report().with_signature(Signature {
        reporter: Some("นายสมชาย รักชาติ".into()),
        position: Some("ปลัดเทศบาล".into()),
        date: Some(time::macros::date!(2026 - 03 - 25)),
    });
    report.save_xlsx(&path).unwrap();
    let Some(rows) = libreoffice_csv(&path, 1) else {
        return;
    };

    assert_eq!(squash(&rows[0][0]), squash(TITLE));
    assert_eq!(rows[1][0], format!("หน่วยงาน {AGENCY}"));
    assert_eq!(rows[2][0], "ประจำเดือน มีนาคม ๒๕๖๙");
    let header = rows
        .iter()
        .position(|r| r[0] == "ลำดับ")
        .expect("header row");
    // Headings are broken into lines at spaces, each word whole.
    let headings: Vec<String> = rows[header][..8]
        .iter()
        .map(|h| h.replace('\n', " "))
        .collect();
    assert_eq!(
        headings,
        [
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
    let expected = expected_rows();
    for (i, (_, content, counts)) in expected.iter().enumerate() {
        let row = &rows[header + 1 + i];
        assert_eq!(number(&row[0]), i as u64 + 1);
        // XLSX cells are typed: the formula-looking text is a plain string.
        assert_eq!(squash(&row[1]), squash(content));
        let got: Vec<u64> = row[2..8].iter().map(|c| number(c)).collect();
        assert_eq!(got, counts, "row {}", i + 1);
    }
    let totals = &rows[header + 1 + expected.len()];
    assert_eq!(totals[0], "รวม");
    let got: Vec<u64> = totals[2..8].iter().map(|c| number(c)).collect();
    assert_eq!(got, [3, 5, 2, 9, 51, 1262]);

    let flat: Vec<&str> = rows.iter().flatten().map(String::as_str).collect();
    assert!(
        flat.iter()
            .any(|c| c.starts_with("ลงชื่อ") && c.ends_with("ผู้รายงาน"))
    );
    assert!(flat.contains(&"( นายสมชาย รักชาติ )"));
    assert!(flat.contains(&"ตำแหน่ง ปลัดเทศบาล"));
    assert!(flat.contains(&"วันที่ ๒๕ มีนาคม ๒๕๖๙"));
}

#[test]
fn libreoffice_reads_the_breakdown_sheet() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("breakdown.xlsx");
    std::fs::write(&path, report().to_xlsx_bytes().unwrap()).unwrap();
    let Some(rows) = libreoffice_csv(&path, 2) else {
        return;
    };
    assert_eq!(rows[0][0], "message_id");
    let find = |id: &str, surface: &str, kind: &str| {
        rows.iter()
            .find(|r| squash(&r[0]) == id && r[2] == surface && squash(&r[3]) == squash(kind))
            .map(|r| number(&r[4]))
    };
    assert_eq!(find("m-bank", "receipt", "water-bill"), Some(1210));
    assert_eq!(find("m-bank", "popup", "PEA Smart Plus"), Some(35));
    assert_eq!(find("m-bank", "manual", "manual"), Some(6));
    assert_eq!(find("old-msg", "receipt", "water-bill"), Some(4));
    let last = rows.last().unwrap();
    assert_eq!(last[0], "รวม");
    assert_eq!(number(&last[4]), 1262);
}

#[test]
fn amended_xlsx_is_marked() {
    let filed = report();
    let mut late = counts();
    late.push(count(
        AGENCY,
        "m-loan",
        keymsg_core::Surface::Receipt,
        "tax",
        2,
    ));
    let now = Report::build(&catalog(), AGENCY, march(), &late, &manuals(), "th")
        .amended_from(&filed)
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("amended.xlsx");
    now.save_xlsx(&path).unwrap();
    let Some(rows) = libreoffice_csv(&path, 1) else {
        return;
    };
    assert!(rows[3][0].starts_with("ฉบับแก้ไข"), "{:?}", rows[3]);
    let delta = rows
        .iter()
        .find(|r| squash(&r[1]) == squash(LOAN) && r[0] == "1")
        .expect("delta row");
    assert_eq!(delta[7], "+2");
}
