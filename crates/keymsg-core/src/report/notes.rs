//! Notes printed under the form: roll-up status, deadlines, retired messages.
//! Shared by the CSV, Markdown and XLSX writers so they say the same thing.

use super::Report;
use super::deadline::{Level, deadline};
use super::thai::{self, Digits};

/// (label, text) lines to print after the form, in order. Empty for an
/// ordinary unit report with nothing to flag.
pub(crate) fn notes(report: &Report, digits: Digits) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(level) = report.level {
        let due = report
            .deadline
            .unwrap_or_else(|| deadline(level, report.month));
        out.push((
            format!("กำหนดส่ง{}", level.files_to_thai()),
            thai::date(due, digits),
        ));
        let chain: Vec<String> = Level::ALL
            .into_iter()
            .map(|l| {
                format!(
                    "{} → {} {}",
                    l.thai(),
                    l.files_to_thai(),
                    thai::date(deadline(l, report.month), digits)
                )
            })
            .collect();
        out.push(("กำหนดส่งแต่ละระดับ".to_owned(), chain.join("; ")));
    }
    if !report.units.is_empty() {
        let names: Vec<String> = report
            .units
            .iter()
            .map(|u| {
                if u.amended {
                    format!("{} ({})", u.agency, thai::LABEL_AMENDED)
                } else {
                    u.agency.clone()
                }
            })
            .collect();
        out.push((
            format!(
                "หน่วยงานที่รวมแล้ว ({})",
                digits.apply(&names.len().to_string())
            ),
            names.join(", "),
        ));
    }
    if !report.missing_units.is_empty() {
        out.push((
            format!(
                "หน่วยงานที่ยังไม่ส่ง ({})",
                digits.apply(&report.missing_units.len().to_string())
            ),
            report.missing_units.join(", "),
        ));
    }
    if !report.unexpected_units.is_empty() {
        out.push((
            "หน่วยงานที่ไม่อยู่ในรายชื่อ".to_owned(),
            report.unexpected_units.join(", "),
        ));
    }
    if !report.dropped_duplicates.is_empty() {
        let dups: Vec<String> = report
            .dropped_duplicates
            .iter()
            .map(|d| {
                format!(
                    "{} (ฉบับ {} ไม่นับ ใช้ฉบับ {})",
                    d.agency,
                    thai::date_time(d.generated_at, digits),
                    thai::date_time(d.kept_generated_at, digits)
                )
            })
            .collect();
        out.push(("รายงานซ้ำที่ไม่นับซ้ำ".to_owned(), dups.join("; ")));
    }
    if !report.counted_once.is_empty() {
        let once: Vec<String> = report
            .counted_once
            .iter()
            .map(|c| format!("{} (อยู่ในรายงานของ {})", c.agency, c.sources.join(" และ ")))
            .collect();
        out.push((
            "หน่วยงานที่ได้รับรายงานซ้ำ (นับเพียงครั้งเดียว)".to_owned(),
            once.join("; "),
        ));
    }
    let retired: Vec<&str> = report
        .rows
        .iter()
        .filter(|r| r.not_in_catalog)
        .map(|r| r.message_id.as_str())
        .collect();
    if !retired.is_empty() {
        out.push(("ข้อความที่ไม่อยู่ในแค็ตตาล็อกแล้ว".to_owned(), retired.join(", ")));
    }
    out
}

/// The amendment heading line: "ฉบับแก้ไข (แก้ไขรายงานที่จัดทำเมื่อ ...)".
pub(crate) fn amendment_heading(report: &Report, digits: Digits) -> Option<String> {
    report.amendment.as_ref().map(|a| {
        let prev = super::bangkok_date(a.previous_generated_at);
        format!(
            "{} (แก้ไขรายงานที่จัดทำเมื่อ {})",
            thai::LABEL_AMENDED,
            thai::date(prev, digits)
        )
    })
}
