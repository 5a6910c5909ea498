//! Shared fixtures for the report tests.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use keymsg_core::YearMonth;
use keymsg_core::catalog::Format;
use keymsg_core::report::Report;
use keymsg_core::store::{CountRow, ManualEntry};
use keymsg_core::{Catalog, Channel, Surface};
use time::macros::datetime;

pub const AGENCY: &str = "เทศบาลตำบลบางพลีใหญ่";

/// Thai text of the test messages, spelled out here (not read back from the code).
pub const BANK: &str = "ถูกหลอกโอนเงิน โทรแจ้งธนาคารทันที แล้วโทร 1441";
pub const FORMULA: &str = "=cmd|' /C calc'!A0 อย่ากดลิงก์แปลกในข้อความ";
pub const LOAN: &str = "-แอป \"เงินด่วน\" ขอค่าธรรมเนียมก่อนปล่อยกู้, เป็นมิจฉาชีพ";

pub fn catalog() -> Catalog {
    let toml = format!(
        r#"
schema = 1
version = 7
[allow]
phones = ["1441"]

[[messages]]
id = "m-bank"
topic = "general"
[messages.text.th]
long = "{BANK}"

[[messages]]
id = "m-formula"
topic = "phishing-link"
[messages.text.th]
long = '''{FORMULA}'''

[[messages]]
id = "m-loan"
topic = "loan"
[messages.text.th]
long = '''{LOAN}'''
"#
    );
    Catalog::from_str_as(&toml, Format::Toml, "test-catalog.toml").expect("test catalog")
}

/// The month of an insertion at 2026-02-28T17:30:00Z: March 2026 in Bangkok.
pub fn march() -> YearMonth {
    YearMonth::of(datetime!(2026-02-28 17:30:00 UTC))
}

pub fn count(agency: &str, id: &str, surface: Surface, kind: &str, n: u64) -> CountRow {
    CountRow {
        agency: agency.into(),
        message_id: id.into(),
        surface,
        kind: kind.into(),
        count: n,
    }
}

pub fn manual(agency: &str, month: YearMonth, channel: Channel, id: &str, n: u64) -> ManualEntry {
    ManualEntry {
        agency: agency.into(),
        month,
        channel,
        message_id: id.into(),
        count: n,
    }
}

pub fn counts() -> Vec<CountRow> {
    vec![
        count(AGENCY, "m-bank", Surface::Receipt, "water-bill", 1200),
        count(AGENCY, "m-bank", Surface::Popup, "PEA Smart Plus", 35),
        count(AGENCY, "m-formula", Surface::Invoice, "", 7),
        count(AGENCY, "old-msg", Surface::Receipt, "water-bill", 4),
        count(AGENCY, "m-bank", Surface::Receipt, "water-bill", 10),
    ]
}

pub fn manuals() -> Vec<ManualEntry> {
    let m = march();
    vec![
        manual(AGENCY, m, Channel::Online, "m-bank", 3),
        manual(AGENCY, m, Channel::OnAir, "m-bank", 5),
        manual(AGENCY, m, Channel::OnGround, "m-bank", 2),
        manual(AGENCY, m, Channel::Billboard, "m-bank", 9),
        manual(AGENCY, m, Channel::Community, "m-bank", 11),
        manual(AGENCY, m, Channel::Documents, "m-bank", 6),
        manual(AGENCY, m, Channel::Community, "m-loan", 40),
        // Another month: must be ignored.
        manual(AGENCY, m.prev(), Channel::Online, "m-formula", 999),
    ]
}

pub fn report() -> Report {
    Report::build_at(
        &catalog(),
        AGENCY,
        march(),
        &counts(),
        &manuals(),
        "th",
        datetime!(2026-03-25 09:00 +7),
    )
}

/// Expected (message id, content, six counts) of [`report`], worked out by hand.
pub fn expected_rows() -> Vec<(&'static str, &'static str, [u64; 6])> {
    vec![
        ("m-bank", BANK, [3, 5, 2, 9, 11, 1200 + 35 + 10 + 6]),
        ("m-formula", FORMULA, [0, 0, 0, 0, 0, 7]),
        ("m-loan", LOAN, [0, 0, 0, 0, 40, 0]),
        ("old-msg", "old-msg", [0, 0, 0, 0, 0, 4]),
    ]
}

/// A minimal RFC 4180 reader (quoted fields, doubled quotes, CRLF or LF).
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' => quoted = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}
