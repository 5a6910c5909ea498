//! CSV: the form as a spreadsheet-friendly table.
//!
//! - UTF-8 with a byte order mark, so Excel recognises Thai;
//! - RFC 4180: every text field quoted, `"` doubled, CRLF line ends;
//! - formula-injection safe (OWASP "CSV Injection"): a text cell whose first
//!   character — ignoring leading spaces — is `=`, `+`, `-`, `@`, TAB or CR
//!   (or the full-width `＝ ＋ － ＠`) gets a leading `'`, so spreadsheets
//!   show it as text instead of evaluating it;
//! - counts are written as bare numbers, never neutralised, so they stay
//!   numbers (and negative amendment deltas stay negative numbers).

use super::Report;
use super::notes::{amendment_heading, notes};
use super::thai::{self, Digits};

/// The byte order mark written first.
const BOM: &str = "\u{FEFF}";

enum Cell<'a> {
    Text(&'a str),
    Owned(String),
    Num(u64),
    Signed(i64),
}

impl Report {
    /// The form as CSV, headings and dates in Thai digits (see `Report::to_csv_with`).
    pub fn to_csv(&self) -> String {
        self.to_csv_with(Digits::Thai)
    }

    /// The form as CSV: title, agency and month lines, the header row, one
    /// row per message, the totals row, the amendment section if any, the
    /// signature block and notes. `digits` applies to dates and headings;
    /// counts are always plain ASCII numbers.
    #[cfg_attr(not(feature = "unstable"), visibility::make(pub(crate)))]
    pub fn to_csv_with(&self, digits: Digits) -> String {
        let mut out = String::with_capacity(256 + self.rows.len() * 200);
        out.push_str(BOM);
        line(&mut out, &[Cell::Text(thai::FORM_TITLE)]);
        line(
            &mut out,
            &[Cell::Text(thai::LABEL_AGENCY), Cell::Text(&self.agency)],
        );
        line(
            &mut out,
            &[
                Cell::Text(thai::LABEL_MONTH),
                Cell::Owned(thai::month_year(self.month, digits)),
            ],
        );
        if let Some(h) = amendment_heading(self, digits) {
            line(&mut out, &[Cell::Owned(h)]);
        }
        line(&mut out, &[]);
        let headings = thai::column_headings().map(Cell::Text);
        line(&mut out, &headings);
        for (i, row) in self.rows.iter().enumerate() {
            let mut cells = vec![Cell::Num(i as u64 + 1), Cell::Text(&row.content)];
            cells.extend(row.counts().map(Cell::Num));
            line(&mut out, &cells);
        }
        let mut cells = vec![Cell::Text(""), Cell::Text(thai::LABEL_TOTAL)];
        cells.extend(self.totals.counts().map(Cell::Num));
        line(&mut out, &cells);

        if let Some(a) = &self.amendment {
            line(&mut out, &[]);
            line(
                &mut out,
                &[Cell::Owned(format!(
                    "{} — รายการที่เปลี่ยนแปลง",
                    thai::LABEL_AMENDED
                ))],
            );
            line(&mut out, &headings);
            for (i, d) in a.rows.iter().enumerate() {
                let mut cells = vec![Cell::Num(i as u64 + 1), Cell::Text(&d.content)];
                cells.extend(d.delta.values().map(Cell::Signed));
                line(&mut out, &cells);
            }
            let mut cells = vec![Cell::Text(""), Cell::Text(thai::LABEL_TOTAL)];
            cells.extend(a.totals.values().map(Cell::Signed));
            line(&mut out, &cells);
        }

        line(&mut out, &[]);
        for s in thai::signature_lines(&self.signature, digits) {
            line(&mut out, &[Cell::Owned(s)]);
        }
        let notes = notes(self, digits);
        if !notes.is_empty() {
            line(&mut out, &[]);
            for (label, text) in notes {
                line(&mut out, &[Cell::Owned(label), Cell::Owned(text)]);
            }
        }
        out
    }
}

fn line(out: &mut String, cells: &[Cell<'_>]) {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        match cell {
            Cell::Text(t) => quote(out, t),
            Cell::Owned(t) => quote(out, t),
            Cell::Num(n) => out.push_str(&n.to_string()),
            Cell::Signed(n) => out.push_str(&n.to_string()),
        }
    }
    out.push_str("\r\n");
}

/// Whether a spreadsheet could read `text` as a formula (OWASP CSV injection).
pub(crate) fn is_formula_like(text: &str) -> bool {
    matches!(
        text.trim_start_matches(' ').chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠')
    )
}

fn quote(out: &mut String, text: &str) {
    out.push('"');
    if is_formula_like(text) {
        out.push('\'');
    }
    for c in text.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutralises_owasp_triggers() {
        for t in [
            "=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "  =cmd", "＝1",
        ] {
            let mut s = String::new();
            quote(&mut s, t);
            assert!(s.starts_with("\"'"), "{t:?} -> {s:?}");
        }
        for t in ["1441", "ถูกหลอก", "a=b", ""] {
            let mut s = String::new();
            quote(&mut s, t);
            assert!(!s.starts_with("\"'"), "{t:?} -> {s:?}");
        }
        let mut s = String::new();
        quote(&mut s, "say \"hi\", ok");
        assert_eq!(s, "\"say \"\"hi\"\", ok\"");
    }
}
